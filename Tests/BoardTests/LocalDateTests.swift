import Testing

@testable import Board
@testable import PipelineCore

/// The board's "today" is the rep's local date, from the calendar the loop hands it; here a
/// rep in UTC+14 (Kiritimati) at 16:21Z, when it is already the next day for them.
@Suite struct LocalDateTests {
  static let moment = Timestamp(iso8601: "2026-11-10T16:21:00Z")!
  static let kiritimati = LocalCalendar.fixed(utcOffsetSeconds: 14 * 3600)

  /// Ana's call is due on the rep's today (2026-11-11), Ben's on their yesterday.
  static func harness() throws -> Harness {
    var pipeline = Fixture.pipeline()
    for (id, lead, due) in [("d1", "ana0", "2026-11-11"), ("d2", "ben0", "2026-11-10")] {
      try pipeline.apply(
        Event(
          id: id, time: Harness.now, replica: "test", lead: LeadID(lead),
          change: .followUpSet(FollowUp(action: "Call back", due: try #require(CalendarDay(iso8601: due))))))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.state.calendar = kiritimati
    h.handle(.tick(moment))
    return h
  }

  @Test func dueMarksCountFromTheLocalDate() throws {
    var h = try Self.harness()
    #expect(h.state.today == CalendarDay(iso8601: "2026-11-11"))
    #expect(h.focused?.name == "Ana Lima")
    #expect(h.frame.text.contains("Call back, 2026-11-11 (today)"))
    #expect(h.frame.text.contains("!due"))  // Ben's card
    h.send(.down)
    #expect(h.focused?.name == "Ben Okafor")
    #expect(h.frame.text.contains("Call back, 2026-11-10 (overdue)"))
    h.send(.character("A"))
    let agenda = h.frame.lines
    #expect(agenda.contains { $0.contains("2026-11-10  !overdue") && $0.contains("Ben Okafor") })
    #expect(agenda.contains { $0.contains("2026-11-11  today") && $0.contains("Ana Lima") })
  }

  @Test func todayTypedForAFollowUpIsTheLocalDate() throws {
    var h = try Self.harness()
    h.send(.down, .character("f"), .control("u"))
    h.type("Send pricing")
    h.send(.enter, .control("u"))
    h.type("today")
    h.send(.enter)
    #expect(
      h.written.last?.change
        == .followUpSet(FollowUp(action: "Send pricing", due: try #require(CalendarDay(iso8601: "2026-11-11")))))
  }
}
