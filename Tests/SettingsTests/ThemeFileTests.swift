import Foundation
import TerminalModel
import Testing

@testable import Settings

@Suite struct ThemeFileTests {
  /// The themes built into the binary are exactly the files in themes/.
  @Test(arguments: ["dark", "light", "mono"])
  func shippedThemesMatchTheFolderAndParse(name: String) throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("themes")
    let file = try String(contentsOf: folder.appendingPathComponent("\(name).toml"), encoding: .utf8)
    let embedded = try #require(ShippedThemes.files[name])
    #expect(
      embedded + "\n" == file, "run the snippet in docs/themes.md to refresh Sources/Settings/ShippedThemes.swift")
    let theme = try ThemeFile.parse(embedded, path: "themes/\(name).toml")
    #expect(theme.name == name)
    if name == "mono" { #expect(theme.styles.isEmpty) } else { #expect(theme.styles[.cardFocused] != nil) }
  }

  @Test func colorsByNameNumberAndDefault() throws {
    let theme = try ThemeFile.parse(
      """
      name = "t"
      [roles]
      card = { fg = "bright-blue", bg = 236, bold = true }
      match = { fg = "default", underline = true }
      """, path: "t.toml")
    #expect(theme.styles[.card] == ThemeStyle(foreground: .indexed(12), background: .indexed(236), bold: true))
    #expect(theme.styles[.match] == ThemeStyle(foreground: .terminalDefault, underline: true))
  }

  @Test(arguments: [
    ("name = \"t\"\n[roles]\ncardd = { fg = \"red\" }\n", 3, "unknown role 'cardd'"),
    ("name = \"t\"\n[roles]\ncard = { fg = \"purple\" }\n", 3, "colour name"),
    ("name = \"t\"\n[roles]\ncard = { fg = 300 }\n", 3, "0-255"),
    ("name = \"t\"\n[roles]\ncard = { bold = \"yes\" }\n", 3, "true or false"),
    ("name = \"t\"\n[roles]\ncard = { blink = true }\n", 3, "unknown attribute 'blink'"),
    ("[roles]\n", 1, "needs name"),
    ("name = \"t\"\n[roles\n", 2, ""),
  ])
  func brokenThemesNameTheFileAndLine(text: String, line: Int, message: String) {
    do {
      _ = try ThemeFile.parse(text, path: "/home/ana/.config/closer/themes/t.toml")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(message.isEmpty || error.message.contains(message), "\(error)")
      #expect(error.description.hasPrefix("/home/ana/.config/closer/themes/t.toml:\(line): "))
    }
  }

  @Test func basicColorsAreTheNearestOfTheEight() {
    #expect(ThemeColor.indexed(196).basic == .indexed(1))  // bright red
    #expect(ThemeColor.indexed(46).basic == .indexed(2))  // green
    #expect(ThemeColor.indexed(9).basic == .indexed(1))
    #expect(ThemeColor.indexed(4).basic == .indexed(4))
    #expect(ThemeColor.terminalDefault.basic == .terminalDefault)
  }
}
