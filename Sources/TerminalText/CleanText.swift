/// A single-line field as a rep could have typed it: control characters, line breaks and
/// bidirectional overrides become spaces, runs of spaces one space, and the ends trimmed.
///
/// Every way text enters a lead (an import, `closer add`, the board's forms) stores it
/// through here, so no field holds anything that could move a terminal's cursor, start an
/// escape sequence or reorder the text around it.
public func cleanLine(_ text: String) -> String {
  // Most fields are already clean: printable ASCII, single spaces, nothing at the ends.
  var clean = true
  var afterSpace = true
  for byte in text.utf8 {
    if byte == 0x20 {
      if afterSpace {
        clean = false
        break
      }
      afterSpace = true
    } else if byte < 0x20 || byte >= 0x7F {
      clean = false
      break
    } else {
      afterSpace = false
    }
  }
  if clean && (!afterSpace || text.isEmpty) { return text }
  var result = String.UnicodeScalarView()
  var pendingSpace = false
  for scalar in text.unicodeScalars {
    if isUnsafe(scalar) || scalar.properties.isWhitespace {
      pendingSpace = !result.isEmpty
      continue
    }
    if pendingSpace { result.append(" ") }
    pendingSpace = false
    result.append(scalar)
  }
  return String(result)
}

/// A multi-line note: line breaks kept (CRLF made LF), other control characters become
/// spaces, and the ends trimmed.
public func cleanNote(_ text: String) -> String {
  let lines = text.replacingCRLF.split(separator: "\n", omittingEmptySubsequences: false)
  let joined = lines.map { line in
    String(String.UnicodeScalarView(line.unicodeScalars.map { isUnsafe($0) ? " " : $0 }))
  }.joined(separator: "\n")
  guard let first = joined.firstIndex(where: { !$0.isWhitespace }),
    let last = joined.lastIndex(where: { !$0.isWhitespace })
  else { return "" }
  return String(joined[first...last])
}

/// Scalars that could move a terminal's cursor, start an escape sequence or reorder text:
/// C0 controls, DEL, C1 controls, line and paragraph separators, bidirectional embeddings,
/// overrides and isolates.
func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x00..<0x20, 0x7F..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
  default: false
  }
}

extension String {
  fileprivate var replacingCRLF: String {
    var result = String.UnicodeScalarView()
    var previousCR = false
    for scalar in unicodeScalars {
      if scalar == "\r" {
        result.append("\n")
        previousCR = true
        continue
      }
      if !(scalar == "\n" && previousCR) { result.append(scalar) }
      previousCR = false
    }
    return String(result)
  }
}
