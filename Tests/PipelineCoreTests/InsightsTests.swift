import Testing

@testable import PipelineCore

/// A small pipeline with every answer worked out by hand (see the comments): the period
/// is 2026-01-01 to 2026-04-01.
@Suite struct InsightsTests {
  static func day(_ text: String) -> Timestamp { CalendarDay(iso8601: text)!.start }

  static func pipeline() throws -> Pipeline {
    var pipeline = Pipeline()
    var n = 0
    func apply(_ lead: LeadID, _ date: String, _ change: Change) throws {
      n += 1
      try pipeline.apply(Event(id: "e\(n)", time: day(date), replica: "t", lead: lead, change: change))
    }
    func usd(_ major: Int64) -> Money { Money(minorUnits: major * 100, currency: "USD") }
    func moved(_ stage: String) -> Change { .moved(stage: stage, position: 1, gateOverridden: false) }
    // Eve: created before the period, skips from Qualifying to a win inside it.
    try apply(
      "eeee", "2025-12-20",
      .created(NewLead(name: "Eve", source: "Webinar", value: usd(6_000), stage: "lead-generation")))
    try apply("eeee", "2025-12-22", moved("qualifying"))
    // Ana: through three stages to a win.
    try apply(
      "aaaa", "2026-01-01",
      .created(NewLead(name: "Ana", source: "Referral", value: usd(10_000), stage: "lead-generation")))
    try apply(
      "bbbb", "2026-01-02",
      .created(NewLead(name: "Ben", source: "Referral", value: usd(4_000), stage: "lead-generation")))
    try apply("aaaa", "2026-01-03", moved("qualifying"))
    try apply("bbbb", "2026-01-04", moved("qualifying"))
    try apply(
      "cccc", "2026-01-05",
      .created(
        NewLead(
          name: "Cleo", source: "Webinar", value: usd(20_000), expectedClose: CalendarDay(iso8601: "2026-05-10"),
          stage: "lead-generation")))
    try apply("aaaa", "2026-01-06", moved("needs-assessment"))
    try apply("dddd", "2026-01-07", .created(NewLead(name: "Dan", stage: "lead-generation")))
    try apply("cccc", "2026-01-08", moved("qualifying"))
    try apply("cccc", "2026-01-09", moved("needs-assessment"))
    try apply("bbbb", "2026-01-10", .lost(reason: "Budget"))
    try apply("cccc", "2026-01-12", moved("qualifying"))  // backwards
    try apply("aaaa", "2026-01-21", .won)
    try apply("eeee", "2026-02-10", .won)
    return pipeline
  }

  @Test func everyFigureMatchesTheHandWorkedAnswer() throws {
    let insights = try Self.pipeline().insights(since: Self.day("2026-01-01"), until: Self.day("2026-04-01"))
    let byStage = Dictionary(uniqueKeysWithValues: insights.stages.map { ($0.stage, $0) })
    // Funnel: Ana, Ben, Cleo, Dan entered Lead Generation (Eve before the period); Dan stayed.
    #expect(byStage["lead-generation"]?.entered == 4)
    #expect(byStage["lead-generation"]?.conversion == 0.75)
    // Qualifying: Ana, Ben, Cleo (twice, counted once); Ben was lost, Cleo reached Needs Assessment.
    #expect(byStage["qualifying"]?.entered == 3)
    #expect(byStage["qualifying"]?.conversion == 2.0 / 3.0)
    // Needs Assessment: Ana went on (won), Cleo went back.
    #expect(byStage["needs-assessment"]?.entered == 2)
    #expect(byStage["needs-assessment"]?.conversion == 0.5)
    #expect(byStage["proposal"]?.entered == 0 && byStage["proposal"]?.conversion == nil)
    #expect(byStage["post-sale"]?.entered == 2 && byStage["post-sale"]?.conversion == nil)
    // Win rate: Ana and Eve won, Ben lost.
    #expect(insights.won == 2 && insights.lost == 1 && insights.winRate == 2.0 / 3.0)
    // Drop-off: Ben, from Qualifying, for Budget.
    #expect(byStage["qualifying"]?.lost == 1 && byStage["qualifying"]?.lostReasons == ["Budget": 1])
    // Time in stage, visits that ended in the period (nearest rank):
    // Lead Generation 2, 2, 3 days; Qualifying 1 (Cleo), 3 (Ana), 50 (Eve, Dec 22 - Feb 10);
    // Needs Assessment 3 (Cleo), 15 (Ana). Ben's last visit ended in a loss, not counted.
    #expect(byStage["lead-generation"]?.medianDays == 2 && byStage["lead-generation"]?.p90Days == 3)
    #expect(byStage["qualifying"]?.medianDays == 3 && byStage["qualifying"]?.p90Days == 50)
    #expect(byStage["needs-assessment"]?.medianDays == 3 && byStage["needs-assessment"]?.p90Days == 15)
    // Velocity: 2 open deals (Cleo, Dan) x 8,000 average won x 2/3 / 36 days (20 and 52).
    let velocity = try #require(insights.velocity)
    #expect(velocity.openDeals == 2 && velocity.averageWonValue == 800_000)
    #expect(velocity.averageCycleDays == 36)
    #expect(velocity.perDay == 29_630)
    // Forecast: Cleo, 20,000 at Qualifying's 10%, expected in May; Dan has no value.
    #expect(insights.forecast.map(\.month) == ["2026-05"])
    #expect(insights.forecast.map(\.weighted) == [200_000])
    // Sources, by won value.
    #expect(insights.sources.map(\.source) == ["Referral", "Webinar", "(none)"])
    #expect(insights.sources[0].leads == 2 && insights.sources[0].won == 1 && insights.sources[0].lost == 1)
    #expect(insights.sources[0].winRate == 0.5 && insights.sources[0].wonValue == 1_000_000)
    #expect(insights.sources[1].leads == 1 && insights.sources[1].won == 1 && insights.sources[1].wonValue == 600_000)
    #expect(insights.sources[2].winRate == nil)
    // Slowest: Dan 84 days in Lead Generation (p90 3), Cleo 79 in Qualifying (p90 50).
    #expect(insights.slowest.map(\.lead) == ["dddd", "cccc"])
    #expect(insights.slowest.map(\.days) == [84, 79])
  }

  @Test func aReopenedDealCountsByItsOutcomeNow() throws {
    var pipeline = try Self.pipeline()
    // Ben, lost on Jan 10, is reopened on Jan 15: no longer a loss, an open deal again.
    try pipeline.apply(
      Event(id: "r", time: Self.day("2026-01-15"), replica: "t", lead: "bbbb", change: .reopened(stage: "qualifying")))
    let insights = pipeline.insights(since: Self.day("2026-01-01"), until: Self.day("2026-04-01"))
    #expect(insights.won == 2 && insights.lost == 0 && insights.winRate == 1)
    #expect(insights.velocity?.openDeals == 3)
    #expect(insights.stages.first { $0.stage == "qualifying" }?.lost == 0)
  }

  @Test func anEmptyPeriodHasNoRatesRatherThanZeroes() throws {
    let insights = try Self.pipeline().insights(since: Self.day("2025-01-01"), until: Self.day("2025-02-01"))
    #expect(insights.stages.allSatisfy { $0.entered == 0 && $0.conversion == nil && $0.medianDays == nil })
    #expect(insights.winRate == nil && insights.velocity == nil)
    #expect(insights.sources.isEmpty)
  }

  @Test func percentilesUseTheNearestRank() {
    #expect(percentile([], 0.5) == nil)
    #expect(percentile([7], 0.9) == 7)
    #expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9)
    #expect(percentile([1, 2, 3, 4], 0.5) == 2)
  }
}
