/// Finds the line a TOML key was written on, so that a value that parses but makes no
/// sense ("probability = 150") can be reported with its line, like a syntax error.
struct SourceLines {
  private let lines: [Substring]

  init(_ text: String) {
    lines = text.split(separator: "\n", omittingEmptySubsequences: false)
  }

  /// The line of `key` inside the `index`-th `[[array]]` table, or in `[table]`, or at the top.
  func line(of key: String?, inArray array: String? = nil, index: Int = 0, inTable table: String? = nil) -> Int? {
    var start = 0
    var end = lines.count
    if let array {
      let headers = lines.indices.filter { header(lines[$0]) == "[[\(array)]]" }
      guard index < headers.count else { return nil }
      start = headers[index]
      end = lines[(start + 1)...].firstIndex(where: { header($0) != nil }) ?? lines.count
    } else if let table {
      guard let found = lines.indices.first(where: { header(lines[$0]) == "[\(table)]" }) else {
        return key == nil ? nil : line(of: "\(table).\(key!)")
      }
      start = found
      end = lines[(start + 1)...].firstIndex(where: { header($0) != nil }) ?? lines.count
    } else if key != nil {
      end = lines.firstIndex(where: { header($0) != nil }) ?? lines.count
    }
    guard let key else { return start + 1 }
    // A key may be written bare or quoted (`"Contract sent" = ...`).
    for form in [key, "\"\(key)\""] {
      for index in start..<end {
        let trimmed = lines[index].drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix(form) else { continue }
        let rest = trimmed.dropFirst(form.count).drop(while: { $0 == " " || $0 == "\t" })
        if rest.hasPrefix("=") { return index + 1 }
      }
    }
    return array != nil || table != nil ? start + 1 : nil
  }

  private func header(_ line: Substring) -> String? {
    let compact = String(line.prefix(while: { $0 != "#" }).filter { $0 != " " && $0 != "\t" && $0 != "\r" })
    return compact.hasPrefix("[") ? compact : nil
  }
}
