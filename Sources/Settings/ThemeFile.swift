import TOMLKit
import TerminalModel

/// Reads theme files (`themes/*.toml`, or the user's `$XDG_CONFIG_HOME/closer/themes`).
public enum ThemeFile {
  static let colorNames = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
  ]

  /// Parses a theme; errors name the file and the line.
  public static func parse(_ text: String, path: String) throws(ConfigError) -> Theme {
    let source = SourceLines(text)
    let root = try parseTOML(text, path: path)
    func fail(_ message: String, key: String?, table: String? = nil) -> ConfigError {
      ConfigError(path: path, line: source.line(of: key, inTable: table), message: message)
    }
    for key in root.keys where key != "name" && key != "roles" {
      throw fail("unknown key '\(key)'; a theme has name and [roles]", key: key)
    }
    guard let name = root["name"]?.string, !name.isEmpty else {
      throw ConfigError(path: path, line: source.line(of: "name") ?? 1, message: "a theme needs name = \"...\"")
    }
    var styles: [Role: ThemeStyle] = [:]
    if let rolesValue = root["roles"] {
      guard let roles = rolesValue.table else { throw fail("[roles] must be a table", key: "roles") }
      for key in roles.keys.sorted() {
        guard let role = Role(rawValue: key) else {
          let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
          throw fail("unknown role '\(key)'; roles are: \(known)", key: key, table: "roles")
        }
        guard let table = roles[key]?.table else {
          throw fail("\(key) must be a table such as { fg = \"cyan\", bold = true }", key: key, table: "roles")
        }
        var style = ThemeStyle()
        for attribute in table.keys.sorted() {
          let value = table[attribute]
          switch attribute {
          case "fg", "bg":
            guard let value, let color = color(value) else {
              throw fail(
                "\(key).\(attribute) must be a colour name (red, bright-blue, default, ...) or a number 0-255",
                key: key, table: "roles")
            }
            if attribute == "fg" { style.foreground = color } else { style.background = color }
          case "bold", "underline":
            guard let flag = value?.bool else {
              throw fail("\(key).\(attribute) must be true or false", key: key, table: "roles")
            }
            if attribute == "bold" { style.bold = flag } else { style.underline = flag }
          default:
            throw fail(
              "unknown attribute '\(attribute)' for \(key); use fg, bg, bold, underline", key: key, table: "roles")
          }
        }
        styles[role] = style
      }
    }
    return Theme(name: name, styles: styles)
  }

  private static func color(_ value: TOMLValueConvertible) -> ThemeColor? {
    if let number = value.int { return (0...255).contains(number) ? .indexed(number) : nil }
    guard let name = value.string?.lowercased() else { return nil }
    if name == "default" { return .terminalDefault }
    let bright = name.hasPrefix("bright-")
    let base = bright ? String(name.dropFirst(7)) : name
    guard let index = colorNames.firstIndex(of: base) else { return nil }
    return .indexed(index + (bright ? 8 : 0))
  }
}
