/// Text from data made safe to print: control characters (C0, DEL, C1), which could move
/// the cursor or start an escape sequence, are shown as visible symbols instead.
public func printable(_ text: String) -> String {
  var result = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0x0A: result.append("↵")
    case 0x09: result.append(" ")
    case 0x00..<0x20: result.append(Unicode.Scalar(0x2400 + scalar.value)!)  // ␛, ␇, ...
    case 0x7F: result.append("␡")
    case 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: result.append("\u{FFFD}")
    default: result.append(scalar)
    }
  }
  return String(result)
}

/// Like `printable`, but keeps newlines (for multi-line notes).
public func printableLines(_ text: String) -> String {
  text.split(separator: "\n", omittingEmptySubsequences: false).map { printable(String($0)) }.joined(separator: "\n")
}
