import PipelineCore
import Testing

@testable import Interchange

@Suite struct FollowUpCalendarTests {
  @Test func longLinesFoldAt75OctetsWithoutSplittingACharacter() {
    var out: [UInt8] = []
    let text = "SUMMARY:" + String(repeating: "é", count: 60) + String(repeating: "x", count: 100)
    FollowUpCalendar.appendFolded(text, to: &out)
    let lines = out.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
    #expect(lines.count > 2)
    for line in lines {
      #expect(line.last == 0x0D)
      #expect(line.count - 1 <= 75)
      #expect(String(validating: line, as: UTF8.self) != nil, "a line ends inside a character")
    }
    #expect(lines.dropFirst().allSatisfy { $0.first == 0x20 })
    // Unfolding (removing each CRLF + space) gives the line back.
    let unfolded = String(decoding: out, as: UTF8.self).replacing("\r\n ", with: "").replacing("\r\n", with: "")
    #expect(unfolded == text)
  }

  @Test func textIsEscaped() {
    #expect(
      FollowUpCalendar.escape("Call, then; send \\ notes\nline 2\u{1B}[2J")
        == "Call\\, then\\; send \\\\ notes\\nline 2[2J")
  }

  @Test func oneAllDayEventPerOpenFollowUpWithAStableUID() throws {
    var pipeline = Pipeline()
    let changes: [(LeadID, Change)] = [
      ("ana00001", .created(NewLead(name: "Ana Lima", company: "Acme", stage: "proposal"))),
      ("ana00001", .followUpSet(FollowUp(action: "Call back", due: CalendarDay(iso8601: "2026-12-31")!))),
      ("ben00002", .created(NewLead(name: "Ben", stage: "proposal"))),
      ("ben00002", .followUpSet(FollowUp(action: "Lost cause", due: CalendarDay(iso8601: "2026-12-01")!))),
      ("ben00002", .lost(reason: "Budget")),
      ("cleo0003", .created(NewLead(name: "Cleo", stage: "proposal"))),
    ]
    try apply(changes.map { ($0.0, $0.1, nil) }, to: &pipeline)
    let now = try #require(Timestamp(iso8601: "2026-11-27T19:30:05.000Z"))
    let text = String(decoding: FollowUpCalendar.encode(pipeline.leads, in: pipeline, now: now), as: UTF8.self)
    #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
    #expect(text.hasSuffix("END:VCALENDAR\r\n"))
    #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 2)
    #expect(text.contains("UID:followup-ana00001@closer\r\n"))
    #expect(text.contains("DTSTAMP:20261127T193005Z\r\n"))
    #expect(text.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"))
    #expect(text.contains("SUMMARY:Call back: Ana Lima (Acme)\r\n"))
    #expect(!text.contains("Lost cause"))
    // No bare line feeds: every line ends with CRLF.
    #expect(!text.replacing("\r\n", with: "").contains("\n"))
  }
}

extension String {
  fileprivate func components(separatedBy separator: String) -> [Substring] {
    split(separator: separator, omittingEmptySubsequences: false)
  }
}
