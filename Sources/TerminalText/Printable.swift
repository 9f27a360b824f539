/// Text from data made safe to print: control characters (C0, DEL, C1), which could move
/// the cursor or start an escape sequence, are shown as visible symbols instead, and
/// separators and bidirectional controls, which could reorder the text, as U+FFFD.
public func printable(_ text: String) -> String {
  guard mayNeedChanging(text, keepingLineBreaks: false) else { return text }
  var result = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x0A: result.append("↵")
    case 0x09: result.append(" ")
    case 0x00..<0x20: result.append(Unicode.Scalar(0x2400 + scalar.value)!)  // ␛, ␇, ...
    case 0x7F: result.append("␡")
    case 0x80..<0xA0, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
      result.append("\u{FFFD}")
    default: result.append(scalar)
    }
  }
  return String(result)
}

/// Like `printable`, but keeps newlines (for multi-line notes and messages).
public func printableLines(_ text: String) -> String {
  guard mayNeedChanging(text, keepingLineBreaks: true) else { return text }
  return text.split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }.joined(
    separator: "\n")
}

/// Whether `text` may hold a scalar that `printable` changes, from a quick look at its
/// UTF-8: every such scalar is a byte below 0x20, DEL, or starts with 0xC2 (C1 controls)
/// or 0xE2 (separators and bidirectional controls). Most text has none of these.
private func mayNeedChanging(_ text: String, keepingLineBreaks: Bool) -> Bool {
  text.utf8.contains { byte in
    (byte < 0x20 && !(keepingLineBreaks && byte == 0x0A)) || byte == 0x7F || byte == 0xC2 || byte == 0xE2
  }
}
