extension String {
  /// The text broken into lines of at most `width` cells: at spaces, and inside a word only
  /// when the word alone is wider than a line (a long path), never splitting a character.
  /// At most `maxLines` lines; when text is left over, the last line ends in "…". The first
  /// line may be narrower (`firstWidth`), as when a label stands before it.
  public func wrapped(toWidth width: Int, firstWidth: Int? = nil, maxLines: Int = .max) -> [String] {
    let firstWidth = firstWidth ?? width
    guard width > 0, firstWidth > 0, maxLines > 0 else { return [] }
    var lines: [String] = []
    var line = ""
    var used = 0
    var room: Int { lines.isEmpty ? firstWidth : width }
    for word in split(separator: " ") {
      let wordWidth = DisplayWidth.of(String(word))
      if used > 0 && used + 1 + wordWidth <= room {
        line += " " + word
        used += 1 + wordWidth
        continue
      }
      if used > 0 { lines.append(line) }
      line = ""
      used = 0
      for character in word {
        let w = DisplayWidth.of(character)
        if used + w > room && used > 0 {
          lines.append(line)
          line = ""
          used = 0
        }
        line.append(character)
        used += w
      }
    }
    if used > 0 { lines.append(line) }
    guard lines.count > maxLines else { return lines }
    let rest = lines[(maxLines - 1)...].joined(separator: " ")
    return lines.prefix(maxLines - 1) + [rest.truncated(toWidth: maxLines == 1 ? firstWidth : width)]
  }
}
