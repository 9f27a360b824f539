import Testing

@testable import PipelineCore

@Suite struct LocalCalendarTests {
  static func moment(_ text: String) throws -> Timestamp { try #require(Timestamp(iso8601: text)) }
  static func day(_ text: String) throws -> CalendarDay { try #require(CalendarDay(iso8601: text)) }

  @Test(arguments: [
    (14 * 3600, "2026-11-10T16:21:00Z", "2026-11-11"), (-11 * 3600, "2026-11-10T08:00:00Z", "2026-11-09"),
    (0, "2026-11-10T23:59:59Z", "2026-11-10"), (5 * 3600 + 1800, "2026-12-31T18:30:00Z", "2027-01-01"),
    (-11 * 3600, "1969-12-31T10:59:59Z", "1969-12-30"),
  ])
  func theLocalDayOfAMoment(offset: Int, moment: String, expected: String) throws {
    #expect(LocalCalendar.fixed(utcOffsetSeconds: offset).day(of: try Self.moment(moment)) == (try Self.day(expected)))
  }

  @Test func aLocalDayStartsAtLocalMidnight() throws {
    let kiritimati = LocalCalendar.fixed(utcOffsetSeconds: 14 * 3600)
    #expect(kiritimati.start(of: try Self.day("2026-11-11")) == (try Self.moment("2026-11-10T10:00:00Z")))
    // Central European time: +1 in winter, +2 from 2026-03-29T01:00Z.
    let switchover = try Self.moment("2026-03-29T01:00:00Z")
    let berlin = LocalCalendar { $0 < switchover ? 3600 : 7200 }
    #expect(berlin.start(of: try Self.day("2026-03-29")) == (try Self.moment("2026-03-28T23:00:00Z")))
    #expect(berlin.start(of: try Self.day("2026-03-30")) == (try Self.moment("2026-03-29T22:00:00Z")))
    #expect(berlin.day(of: try Self.moment("2026-03-29T22:30:00Z")) == (try Self.day("2026-03-30")))
  }
}
