import Testing

@testable import PipelineCore

@Suite struct DueDateTests {
  /// Friday 2026-11-27.
  static let today = CalendarDay(iso8601: "2026-11-27")!

  @Test(arguments: [
    ("today", "2026-11-27"), ("Tomorrow", "2026-11-28"), ("mon", "2026-11-30"), ("monday", "2026-11-30"),
    ("fri", "2026-12-04"), ("Saturday", "2026-11-28"), ("+3d", "2026-11-30"), ("+2w", "2026-12-11"),
    ("+1m", "2026-12-27"), ("+3m", "2027-02-27"), ("2027-01-15", "2027-01-15"), (" thu ", "2026-12-03"),
  ])
  func readsWhatRepsType(text: String, expected: String) throws {
    #expect(try DueDate.parse(text, today: Self.today).get().description == expected)
  }

  @Test func monthsEndOnTheLastDayWhenTheDayDoesNotExist() {
    let january31 = CalendarDay(iso8601: "2027-01-31")!
    #expect(DueDate.addingMonths(1, to: january31).description == "2027-02-28")
    #expect(DueDate.addingMonths(13, to: january31).description == "2028-02-29")
  }

  @Test(arguments: ["", "soon", "fr", "+d", "+3x", "-2d", "2026-02-30", "+99999d", "next week"])
  func explainsWhatItCannotRead(text: String) {
    guard case .failure(let error) = DueDate.parse(text, today: Self.today) else {
      Issue.record("'\(text)' should not parse")
      return
    }
    #expect(error.description.contains("use today, tomorrow"))
  }
}
