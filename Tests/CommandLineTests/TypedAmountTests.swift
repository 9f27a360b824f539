import Foundation
import Testing

/// `closer add --value` reads amounts as the board's form does: decimal commas included,
/// with the decimal mark from the config or the locale settling `1,234`.
@Suite struct TypedAmountTests {
  /// The value and currency `closer add --value TEXT` stores, as `show --json` gives them.
  func stored(_ text: String) throws -> (value: Double?, currency: String?) {
    let box = Sandbox()
    let add = try box.run(["add", "Ana Lima", "--value", text])
    #expect(add.status == 0, "\(add.stderr)")
    let show = try box.run(["show", "ana", "--json"])
    let lead = try #require(try json(show.stdout) as? [String: Any])
    return ((lead["value"] as? NSNumber)?.doubleValue, lead["currency"] as? String)
  }

  @Test(arguments: [
    ("€12.500,50", 12500.50, "EUR"), ("12.500,50 €", 12500.50, "EUR"), ("1.234,56", 1234.56, "USD"),
    ("12,50", 12.50, "USD"), ("12,5", 12.50, "USD"), ("1,5k", 1500, "USD"),
  ])
  func decimalCommasAreRead(text: String, amount: Double, currency: String) throws {
    let stored = try stored(text)
    #expect(stored.value == amount, "\(text)")
    #expect(stored.currency == currency, "\(text)")
  }

  @Test func theConfigOrTheLocaleSettlesALoneSeparator() throws {
    #expect(try stored("1,234").value == 1234)
    let box = Sandbox()
    let config = "\(box.path)/config.toml"
    try "decimal-mark = \",\"\n".write(toFile: config, atomically: true, encoding: .utf8)
    try box.expectRefused(["add", "Ana", "--value", "1,234", "--config", config], saying: "'1,234' is ambiguous")
    let german = try box.run(["add", "Ana", "--value", "1,234"], environment: ["LANG": "de_DE.UTF-8"])
    #expect(german.status != 0)
    #expect(german.stderr.contains("'1,234' is ambiguous"), "\(german.stderr)")
    // A German rep's 12.500 is twelve thousand five hundred.
    let box2 = Sandbox()
    let thousands = try box2.run(["add", "Ben", "--value", "12.500"], environment: ["LANG": "de_DE.UTF-8"])
    #expect(thousands.status == 0, "\(thousands.stderr)")
    let show = try json(box2.run(["show", "ben", "--json"]).stdout) as? [String: Any]
    #expect((show?["value"] as? NSNumber)?.doubleValue == 12500)
  }

  /// Numbers that start with a minus are values, refused for what they are, not taken for
  /// options.
  @Test func aNegativeValueIsNamedAsSuch() throws {
    let box = Sandbox()
    try box.expectRefused(["add", "Ana", "--value", "-500"], saying: "'-500' is negative")
    try box.expectRefused(["add", "Ana", "--value=-500"], saying: "'-500' is negative")
  }

  @Test func aBadDecimalMarkInTheConfigIsNamed() throws {
    let box = Sandbox()
    let config = "\(box.path)/config.toml"
    try "decimal-mark = \"comma-ish\"\n".write(toFile: config, atomically: true, encoding: .utf8)
    try box.expectRefused(["add", "Ana", "--config", config], saying: "decimal-mark must be")
  }
}
