import Testing

@testable import PipelineCore

@Suite struct TimestampTests {
  @Test(arguments: [
    ("1970-01-01T00:00:00.000Z", Int64(0)),
    ("2026-11-27T16:40:01.123Z", Int64(1_795_797_601_123)),
    ("2000-02-29T23:59:59.999Z", Int64(951_868_799_999)),
    ("1969-12-31T23:59:59.000Z", Int64(-1000)),
  ])
  func iso8601RoundTrip(text: String, milliseconds: Int64) {
    let time = Timestamp(iso8601: text)
    #expect(time?.millisecondsSinceEpoch == milliseconds)
    #expect(Timestamp(millisecondsSinceEpoch: milliseconds).iso8601 == text)
  }

  @Test(arguments: ["2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z", "2026-11-27 16:40:01.123Z", "", "x"])
  func rejectsMalformedTimestamps(text: String) {
    #expect(Timestamp(iso8601: text) == nil)
  }

  @Test func acceptsTimestampsWithoutMilliseconds() {
    #expect(Timestamp(iso8601: "2026-11-27T16:40:01Z")?.iso8601 == "2026-11-27T16:40:01.000Z")
  }

  @Test func calendarDays() throws {
    let day = try #require(CalendarDay(iso8601: "2024-02-29"))
    #expect(day.description == "2024-02-29")
    #expect(day.adding(days: 1).description == "2024-03-01")
    #expect(CalendarDay(iso8601: "2023-02-29") == nil)
    #expect(CalendarDay(iso8601: "2026-11-27")?.weekday == 4)  // a Friday
  }

  @Test func daysCountsCalendarDaysAndNeverGoesNegative() throws {
    let evening = try #require(Timestamp(iso8601: "2026-11-26T23:00:00Z"))
    let morning = try #require(Timestamp(iso8601: "2026-11-27T01:00:00Z"))
    #expect(evening.days(until: morning) == 1)
    #expect(morning.days(until: evening) == 0)
  }
}
