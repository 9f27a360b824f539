import Foundation
import PipelineCore
import TerminalModel
import Testing

@testable import CloserCommands

@Suite struct LeadJSONTests {
  /// The export's fast writer and `list --json`'s encoder say the same thing about every lead.
  @Test func theExportWriterMatchesTheEncoder() throws {
    var config = PipelineConfig()
    config.fields = [
      CustomField(key: "seats", title: "Seats", kind: .number),
      CustomField(key: "industry", title: "Industry", kind: .text),
    ]
    var pipeline = Pipeline(config: config)
    let changes: [(LeadID, Change)] = [
      (
        "ana00001",
        .created(
          NewLead(
            name: "Ana \"the closer\" Lima \\ 北京 👨‍👩‍👧", company: "Acme\tInc", email: "a@b.c", phone: "+1 555",
            owner: "Sam", source: "Web/Referral", reference: "hubspot:1",
            value: Money(minorUnits: 1_234_505, currency: "EUR"), expectedClose: CalendarDay(iso8601: "2027-01-31"),
            stage: "qualifying"))
      ),
      ("ana00001", .checked(criterion: "budget", isChecked: true, answer: "40k \"approved\" for Q1\t北京")),
      ("ana00001", .noteAdded("line 1\nline 2 \u{1B}[31m red\r\n")),
      ("ana00001", .activityLogged(kind: "call", outcome: "Talked \"budget\"\t北京")),
      ("ana00001", .activityLogged(kind: "meeting", outcome: "")),
      ("ana00001", .edited([.custom("seats", "12"), .custom("industry", "Health \"care\"\n北京")])),
      ("ana00001", .followUpSet(FollowUp(action: "Call", due: CalendarDay(iso8601: "2026-12-01")!))),
      ("ana00001", .moved(stage: "proposal", position: 1, gateOverridden: true)),
      (
        "ben00002",
        .created(NewLead(name: "Ben", value: Money(minorUnits: 1_200_000, currency: "USD"), stage: "closing"))
      ),
      ("ben00002", .won),
      (
        "cleo0003", .created(NewLead(name: "Cleo", value: Money(minorUnits: 1_250, currency: "USD"), stage: "proposal"))
      ),
      ("cleo0003", .lost(reason: "Budget")),
      ("dan00004", .created(NewLead(name: "Dan", value: Money(minorUnits: 7, currency: "USD"), stage: "proposal"))),
    ]
    for (number, (lead, change)) in changes.enumerated() {
      try pipeline.apply(
        Event(
          id: "e\(number)", time: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000 + Int64(number) * 86_400_000),
          replica: "t", lead: lead, change: change))
    }
    let now = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for lead in pipeline.leads {
      for detailed in [false, true] {
        let value = LeadJSON(lead, in: pipeline, now: now, detailed: detailed)
        var fast = JSONBytes()
        value.write(to: &fast)
        let expected = try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? NSDictionary)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(fast.bytes)) as? NSDictionary)
        for key in (expected.allKeys as? [String] ?? []) + (written.allKeys as? [String] ?? []) {
          #expect(
            (written[key] as? NSObject) == (expected[key] as? NSObject),
            "\(lead.name), detailed: \(detailed), key \(key): \(written[key] ?? "missing") against \(expected[key] ?? "missing")"
          )
        }
        #expect(String(validating: fast.bytes, as: UTF8.self)?.contains("\n") == false)
      }
    }
  }

  /// Whatever a terminal could act on is escaped; other text, even other characters
  /// written with the same first bytes (→, ‰, é), stays as it is.
  @Test(arguments: [
    ("\"a\u{7F}b\"", #""a\u007fb""#), ("\"\u{9B}31m\u{85}\"", #""\u009b31m\u0085""#),
    ("\"\u{202E}x\u{2069}\u{2028}\"", #""\u202ex\u2069\u2028""#), ("\"é→‰ ¢\"", "\"é→‰ ¢\""),
  ])
  func jsonEscapesWhatATerminalWouldActOn(json: String, escaped: String) throws {
    let result = String(decoding: escapingInvisibles(Array(json.utf8)), as: UTF8.self)
    #expect(result == escaped)
    #expect(
      try JSONSerialization.jsonObject(with: Data(result.utf8), options: .fragmentsAllowed) as? String
        == (try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String))
  }
}
