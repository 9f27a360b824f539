import Testing

@testable import PipelineCore

@Suite struct ScoreTests {
  /// A lead whose last activity was at `s.clock`, scored `days` later.
  func score(_ s: Script, _ id: LeadID, afterDays days: Double) throws -> Score {
    let lead = try #require(s.pipeline[id])
    let now = Timestamp(
      millisecondsSinceEpoch: lead.lastActivity.millisecondsSinceEpoch + Int64(days * 86_400_000))
    return s.pipeline.score(of: lead, now: now)
  }

  @Test func checklistAndFieldsMakeTheFit() throws {
    var s = Script()
    try s.apply("aaaa", .created(NewLead(name: "Ana", stage: "qualifying")))
    let idle = 10_000.0  // long idle: no engagement points left
    #expect(try score(s, "aaaa", afterDays: idle).total == 0)
    for key in ["budget", "need"] { try s.apply("aaaa", .checked(criterion: key, isChecked: true)) }
    #expect(try score(s, "aaaa", afterDays: idle).checklist == 25)  // 2 of 4 of 50 points
    try s.apply(
      "aaaa",
      .edited([
        .text(.company, "Acme"), .text(.email, "a@acme.example"), .text(.phone, "+1 555"),
        .value(Money(minorUnits: 1, currency: "USD")),
      ]))
    #expect(try score(s, "aaaa", afterDays: idle).fields == 17)  // 4 of 6 of 25 points
    for key in ["authority", "timeline"] { try s.apply("aaaa", .checked(criterion: key, isChecked: true)) }
    let full = try score(s, "aaaa", afterDays: idle)
    #expect(full.checklist == 50 && full.engagement == 0 && full.total == 67 && full.tier == .b)
  }

  @Test(arguments: [(0.0, 25), (14.0, 13), (28.0, 6), (7.0, 18), (140.0, 0)])
  func engagementHalvesEveryHalfLife(days: Double, points: Int) throws {
    var s = Script()
    try s.apply("aaaa", .created(NewLead(name: "Ana", stage: "lead-generation")))
    #expect(try score(s, "aaaa", afterDays: days).engagement == points)
  }

  @Test func anyActivityResetsTheClockAndLiftsTheTier() throws {
    var s = Script()
    try s.apply("aaaa", .created(NewLead(name: "Ana", company: "Acme", email: "a@x.example", stage: "qualifying")))
    for key in ["budget", "authority", "need", "timeline"] {
      try s.apply("aaaa", .checked(criterion: key, isChecked: true))
    }
    #expect(try score(s, "aaaa", afterDays: 60).tier == .b)  // 50 + 8 + 1
    #expect(try score(s, "aaaa", afterDays: 0).tier == .a)  // 50 + 8 + 25
  }

  @Test func weightsComeFromTheConfiguration() throws {
    let config = PipelineConfig(scoring: ScoringWeights(checklist: 20, fields: 0, engagement: 80, halfLifeDays: 7))
    var s = Script(pipeline: Pipeline(config: config))
    try s.apply("aaaa", .created(NewLead(name: "Ana", company: "Acme", stage: "qualifying")))
    let fresh = try score(s, "aaaa", afterDays: 0)
    #expect(fresh.fields == 0 && fresh.engagement == 80)
    #expect(try score(s, "aaaa", afterDays: 7).engagement == 40)
  }

  @Test func powerOfTwoIsAccurate() {
    for (x, expected) in [(0.0, 1.0), (-1.0, 0.5), (-0.5, 0.707_106_781), (3.0, 8.0), (-2.25, 0.210_224_104)] {
      #expect(abs(pow2(x) - expected) < 1e-8)
    }
  }
}
