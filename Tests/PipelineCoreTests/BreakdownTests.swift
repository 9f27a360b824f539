import Testing

@testable import PipelineCore

/// `stats --by owner` and its kin on a hand-built pipeline, with the answers worked out by
/// hand.
@Suite struct BreakdownTests {
  static let now = Timestamp(iso8601: "2026-11-30T12:00:00Z")!
  static let today = CalendarDay(iso8601: "2026-11-30")!
  static let since = Timestamp(iso8601: "2026-09-01T00:00:00Z")!

  /// Ana: two open deals (10k in Proposal at 50%, 4k in Qualifying at 10%), one won in the
  /// period after 10 days, one lost in it. ben (written "Ben" on one deal: one owner): one
  /// open deal of 20k in Negotiation (75%), untouched since September (stalled) with a
  /// follow-up due last week, one won before the period. One open deal with no owner, in
  /// euros (not summed).
  static func pipeline() throws -> Pipeline {
    var pipeline = Pipeline()
    var count = 0
    func apply(_ lead: String, _ change: Change, _ at: String) throws {
      count += 1
      try pipeline.apply(
        Event(id: "e\(count)", time: Timestamp(iso8601: at)!, replica: "t", lead: LeadID(lead), change: change))
    }
    func usd(_ major: Int64) -> Money { Money(minorUnits: major * 100, currency: "USD") }
    let recent = "2026-11-25T09:00:00Z"
    try apply("ana1", .created(NewLead(name: "A1", owner: "Ana", value: usd(10_000), stage: "proposal")), recent)
    try apply("ana2", .created(NewLead(name: "A2", owner: "ana", value: usd(4_000), stage: "qualifying")), recent)
    try apply(
      "ana3", .created(NewLead(name: "A3", owner: "Ana", value: usd(7_000), stage: "closing")), "2026-10-01T09:00:00Z")
    try apply("ana3", .won, "2026-10-11T09:00:00Z")
    try apply("ana4", .created(NewLead(name: "A4", owner: "Ana", stage: "proposal")), "2026-10-01T09:00:00Z")
    try apply("ana4", .lost(reason: "Budget"), "2026-10-20T09:00:00Z")
    try apply(
      "ben1", .created(NewLead(name: "B1", owner: "ben", value: usd(20_000), stage: "negotiation")),
      "2026-09-10T09:00:00Z")
    try apply(
      "ben1", .followUpSet(FollowUp(action: "Call", due: CalendarDay(iso8601: "2026-11-23")!)), "2026-09-10T10:00:00Z")
    try apply("ben2", .created(NewLead(name: "B2", owner: "Ben", stage: "closing")), "2026-06-01T09:00:00Z")
    try apply("ben2", .won, "2026-07-01T09:00:00Z")
    try apply(
      "none", .created(NewLead(name: "N1", value: Money(minorUnits: 500_00, currency: "EUR"), stage: "proposal")),
      recent)
    return pipeline
  }

  @Test func byOwner() throws {
    let rows = try Self.pipeline().breakdown(
      by: .owner, since: Self.since, until: Self.now, now: Self.now, today: Self.today)
    #expect(rows.map(\.name) == ["Ana", "ben", "(none)"])
    let ana = rows[0]
    #expect(ana.open == 2)
    #expect(ana.pipeline == 14_000_00)
    #expect(ana.weighted == 5_000_00 + 400_00)
    #expect((ana.won, ana.lost) == (1, 1))
    #expect(ana.winRate == 0.5)
    #expect(ana.averageCycleDays == 10)
    #expect((ana.stalled, ana.overdue) == (0, 0))
    let ben = rows[1]
    #expect((ben.open, ben.pipeline, ben.weighted) == (1, 20_000_00, 15_000_00))
    #expect((ben.won, ben.lost) == (0, 0))
    #expect(ben.winRate == nil && ben.averageCycleDays == nil)
    #expect((ben.stalled, ben.overdue) == (1, 1))
    let nobody = rows[2]
    #expect((nobody.open, nobody.pipeline, nobody.otherCurrencies) == (1, 0, 1))
  }

  @Test func bySourceAndStage() throws {
    let pipeline = try Self.pipeline()
    let sources = pipeline.breakdown(by: .source, since: Self.since, until: Self.now, now: Self.now, today: Self.today)
    #expect(sources.map(\.name) == ["(none)"])
    #expect(sources[0].open == 4)
    let stages = pipeline.breakdown(by: .stage, since: Self.since, until: Self.now, now: Self.now, today: Self.today)
    #expect(stages.map(\.name) == ["Qualifying", "Proposal", "Negotiation", "Post-Sale Follow-Up"])
    #expect(stages[1].open == 2 && stages[1].lost == 1)
    #expect(stages[3].won == 1)
  }
}
