import Foundation
import Testing

@Suite struct AmountTests {
  /// A journal may hold a value below zero (written by hand, or by another tool): it reads
  /// with its sign in front wherever it is shown, and the largest amount a journal can hold
  /// does not crash the summary's weighted total.
  @Test func negativeAndHugeValuesFromTheJournalKeepTheirSign() throws {
    let box = Sandbox()
    var journal = HandWrittenJournal()
    journal.append(
      "lead.created", lead: "neg00001",
      payload: #"{"name":"Nega","value":-1,"currency":"USD","stage":"qualifying","position":1}"#)
    journal.append(
      "lead.created", lead: "big00001",
      payload: #"{"name":"Biggest","value":9223372036854775807,"currency":"USD","stage":"proposal","position":1}"#)
    try journal.write(to: box.journal)

    let list = try box.run(["list"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.contains("USD -0.01"), "\(list.stdout)")
    let show = try box.run(["show", "nega"])
    #expect(show.stdout.contains("USD -0.01"), "\(show.stdout)")
    let summary = try box.run(["summary"])
    #expect(summary.status == 0, "\(summary.stderr)")
    let qualifying = summary.stdout.split(separator: "\n").first { $0.hasPrefix("Qualifying") } ?? ""
    #expect(qualifying.split(separator: " ").contains("-0.01"), "\(summary.stdout)")
    let csv = try box.run(["export", "--format", "csv"])
    #expect(csv.stdout.contains(",-0.01,USD,"), "\(csv.stdout)")
    let leads = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]])
    #expect(leads.first { $0["name"] as? String == "Nega" }?["value"] as? Double == -0.01)
  }
}

@Suite struct ValueTypingTests {
  /// `--value` refuses what it would otherwise have to change, says how to write it, and
  /// writes nothing; the usual ways of writing an amount still work.
  @Test(arguments: [
    ("0.001", "'0.001' is finer than a cent; write 0 or 0.01"),
    ("12.3456", "'12.3456' is finer than a cent; write 12.34 or 12.35"),
    ("1,2,3", "'1,2,3' has a separator that does not group thousands"),
  ])
  func valuesThatWouldBeChangedAreRefused(value: String, message: String) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    try box.expectRefused(["add", "Cleo", "--value", value], saying: message)
  }

  @Test(arguments: [
    ("12,500.50", 12500.5, "USD"), ("12.5k", 12500, "USD"), ("EUR 9000", 9000, "EUR"), ("0.01", 0.01, "USD"),
  ])
  func theUsualWaysOfWritingAnAmountWork(value: String, major: Double, currency: String) throws {
    let box = Sandbox()
    let add = try box.run(["add", "Cleo", "--value", value])
    #expect(add.status == 0, "\(add.stderr)")
    let lead = try #require(try json(box.run(["show", "cleo", "--json"]).stdout) as? [String: Any])
    #expect(lead["value"] as? Double == major)
    #expect(lead["currency"] as? String == currency)
  }
}
