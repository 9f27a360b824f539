import Foundation
import Testing

/// Custom fields through the command line: `add`/`edit --field`, `show` and `--json`,
/// `list --where`, the CSV export and an import that reads it back, `--column` maps; a field
/// taken out of the config is hidden and kept.
@Suite struct CustomFieldCommandTests {
  static let config = """
    [[fields]]
    key = "industry"
    title = "Industry"
    type = "choice"
    choices = ["SaaS", "Retail", "Health"]

    [[fields]]
    key = "seats"
    type = "number"

    [[fields]]
    key = "contract"
    title = "Contract value"
    type = "amount"

    [[fields]]
    key = "renewal"
    type = "date"
    """

  func sandbox(_ config: String = Self.config) throws -> (Sandbox, String) {
    let box = Sandbox()
    let path = "\(box.path)/config.toml"
    try config.write(toFile: path, atomically: true, encoding: .utf8)
    return (box, path)
  }

  @Test func fieldsAreAddedEditedShownAndFiltered() throws {
    let (box, config) = try sandbox()
    func run(_ arguments: [String]) throws -> Run { try box.run(arguments + ["--config", config]) }
    let added = try run([
      "add", "Ana Lima", "--field", "industry=saas", "--field", "Seats=1,200", "--field", "contract=EUR 9k",
      "--field", "renewal=2027-03-31",
    ])
    #expect(added.status == 0, "\(added.stderr)")
    _ = try run(["add", "Ben Okafor", "--field", "seats=12"])
    let created = try #require(box.journalLines().first { $0.contains("Ana Lima") })
    #expect(
      created.contains(
        #""custom":{"contract":"EUR 9000.00","industry":"SaaS","renewal":"2027-03-31","seats":"1200"}"#))

    let show = try run(["show", "ana"])
    #expect(show.stdout.contains("Industry       SaaS"))
    #expect(show.stdout.contains("Seats          1200"))
    #expect(show.stdout.contains("Contract value EUR 9,000"))
    let ben = try #require(
      try JSONSerialization.jsonObject(with: Data(run(["show", "ben", "--json"]).stdout.utf8)) as? [String: Any])
    let fields = try #require(ben["fields"] as? [String: Any])
    #expect(fields["seats"] as? String == "12")
    #expect(fields["industry"] is NSNull)
    #expect(Set(fields.keys) == ["industry", "seats", "contract", "renewal"])

    let edited = try run(["edit", "ana", "--field", "seats=1300", "--field", "industry="])
    #expect(edited.stdout.contains("Saved Ana Lima: Seats, Industry"), "\(edited.stdout)\(edited.stderr)")
    #expect(box.journalLines().last?.contains(#""custom":{"seats":"1300","industry":null}"#) == true)
    let again = try run(["edit", "ana", "--field", "seats=1,300"])
    #expect(again.stdout.contains("nothing written"))

    func names(_ filter: String) throws -> [String] {
      let listed = try run(["list", "--where", filter, "--json"])
      #expect(listed.status == 0, "\(listed.stderr)")
      return try #require(try json(listed.stdout) as? [[String: Any]]).compactMap { $0["name"] as? String }.sorted()
    }
    #expect(try names("seats>100") == ["Ana Lima"])
    #expect(try names("industry:none") == ["Ana Lima", "Ben Okafor"])
    #expect(try names("renewal:2027") == ["Ana Lima"])

    // The same field twice: the last one stands, written once.
    _ = try run(["edit", "ana", "--field", "seats=1", "--field", "seats=2"])
    #expect(box.journalLines().last?.contains(#""custom":{"seats":"2"}"#) == true)
    let before = box.journalBytes()
    for (arguments, message) in [
      (["edit", "ana", "--field", "seats=many"], "--field Seats: 'many' is not a number"),
      (["edit", "ana", "--field", "colour=red"], "--field: 'colour' is not a field; the config has industry (choice)"),
      (["add", "Cy", "--field", "industry=Mining"], "'Mining' is not a choice; use SaaS, Retail, Health"),
      (["list", "--where", "seats>many"], "'many' is not a number"),
    ] {
      let refused = try run(arguments)
      #expect(refused.status != 0)
      #expect(refused.stderr.contains(message), "\(refused.stderr)")
    }
    #expect(box.journalBytes() == before)
  }

  @Test func theExportImportsBackWithItsFields() throws {
    let (box, config) = try sandbox()
    _ = try box.run([
      "add", "Ana Lima", "--field", "industry=Retail", "--field", "seats=7", "--field", "contract=USD 1,234.50",
      "--config", config,
    ])
    let exported = try box.run(["export", "--format", "csv", "--config", config])
    let header = try #require(exported.stdout.split(separator: "\r\n").first)
    #expect(header.hasSuffix(",Industry,Seats,Contract value,Renewal"))
    #expect(exported.stdout.contains(",Retail,7,USD 1234.50,"))
    let file = "\(box.path)/deals.csv"
    try exported.stdout.write(toFile: file, atomically: true, encoding: .utf8)

    let other = Sandbox()
    let imported = try other.run(["import", file, "--config", config])
    #expect(imported.status == 0, "\(imported.stderr)")
    let show = try other.run(["show", "ana", "--json", "--config", config])
    let fields = try #require((try json(show.stdout) as? [String: Any])?["fields"] as? [String: Any])
    #expect(fields["industry"] as? String == "Retail")
    #expect(fields["seats"] as? String == "7")
    #expect(fields["contract"] as? String == "USD 1234.50")

    // A spreadsheet of one's own: a column mapped to a field, a bad value named by row.
    let sheet = "\(box.path)/sheet.csv"
    try "Deal,Headcount\nCy Tan,40\nDee,lots\n".write(toFile: sheet, atomically: true, encoding: .utf8)
    let refused = try other.run(["import", sheet, "--column", "Headcount=seats", "--config", config])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("Seats: 'lots' is not a number"), "\(refused.stderr)")
    #expect(refused.stderr.contains("1 of 2 rows cannot be imported"), "\(refused.stderr)")
    try "Deal,Headcount\nCy Tan,40\n".write(toFile: sheet, atomically: true, encoding: .utf8)
    // Two columns for one field is a mistake, as for a lead's own fields.
    let twice = try other.run([
      "import", sheet, "--column", "Headcount=seats", "--column", "Deal=Seats", "--config", config,
    ])
    #expect(twice.status != 0)
    #expect(twice.stderr.contains("are mapped to seats"), "\(twice.stderr)")
    let mapped = try other.run(["import", sheet, "--column", "Headcount=seats", "--config", config])
    #expect(mapped.status == 0, "\(mapped.stderr)")
    #expect(try other.run(["list", "--where", "seats:40", "--config", config]).stdout.contains("Cy Tan"))
  }

  /// Taken out of the config, a field is not shown; its values stay in the journal and are
  /// there again when it is put back.
  @Test func aRemovedFieldIsHiddenNotLost() throws {
    let (box, config) = try sandbox()
    _ = try box.run(["add", "Ana Lima", "--field", "seats=12", "--config", config])
    let bare = "\(box.path)/bare.toml"
    try "currency = \"USD\"\n".write(toFile: bare, atomically: true, encoding: .utf8)
    let hidden = try box.run(["show", "ana", "--config", bare])
    #expect(!hidden.stdout.contains("Seats"))
    #expect(try box.run(["edit", "ana", "--company", "Acme", "--config", bare]).status == 0)
    #expect(try box.run(["show", "ana", "--config", config]).stdout.contains("Seats          12"))
  }
}
