import Testing

@testable import PipelineCore

/// Builds events against a pipeline with a clock that ticks one hour per event.
struct Script {
  var pipeline = Pipeline()
  var clock = Timestamp(iso8601: "2026-11-01T09:00:00Z")!
  var counter = 0

  @discardableResult
  mutating func apply(_ lead: String, _ change: Change) throws -> Event {
    counter += 1
    clock = clock.adding(days: 0)
    clock.millisecondsSinceEpoch += 3_600_000
    let event = Event(id: "e\(counter)", time: clock, replica: "test", lead: LeadID(lead), change: change)
    try pipeline.apply(event)
    return event
  }

  mutating func create(_ id: String, _ name: String, stage: String = "lead-generation", position: Int = 1) throws {
    try apply(id, .created(NewLead(name: name, stage: stage, position: position)))
  }

  func column(_ stage: String) -> [String] { pipeline.leads(inStage: stage).map(\.id.rawValue) }
}

@Suite struct PipelineTests {
  @Test func newLeadsGoToTheTopOfTheFirstStage() throws {
    var s = Script()
    try s.create("aaaa", "Ana")
    try s.create("bbbb", "Ben")
    #expect(s.column("lead-generation") == ["bbbb", "aaaa"])
    #expect(s.pipeline.position(of: LeadID("aaaa")) == 2)
    #expect(s.pipeline["aaaa"]?.stageHistory.count == 1)
  }

  @Test func movesKeepPositionsDenseAndOtherCardsInOrder() throws {
    var s = Script()
    for (i, name) in ["a", "b", "c", "d", "e"].enumerated() {
      try s.create("lead\(i)", name, stage: "proposal", position: i + 1)
    }
    #expect(s.column("proposal") == ["lead0", "lead1", "lead2", "lead3", "lead4"])
    // Within the column: lead0 to position 4; only the cards it passes shift by one.
    try s.apply("lead0", .moved(stage: "proposal", position: 4, gateOverridden: false))
    #expect(s.column("proposal") == ["lead1", "lead2", "lead3", "lead0", "lead4"])
    // Across columns: the rest close ranks, the target opens exactly one gap.
    try s.create("x000", "x", stage: "negotiation")
    try s.apply("lead2", .moved(stage: "negotiation", position: 2, gateOverridden: false))
    #expect(s.column("proposal") == ["lead1", "lead3", "lead0", "lead4"])
    #expect(s.column("negotiation") == ["x000", "lead2"])
    #expect((1...4).map { s.pipeline.lead(inStage: "proposal", at: $0)?.id.rawValue } == s.column("proposal"))
  }

  @Test func aPositionPastTheEndLandsAtTheBottom() throws {
    var s = Script()
    try s.create("aaaa", "a", stage: "closing")
    try s.create("bbbb", "b", stage: "closing", position: 99)
    #expect(s.column("closing") == ["aaaa", "bbbb"])
  }

  @Test func stageChangesRecordHistoryAndResetTheStageClock() throws {
    var s = Script()
    try s.create("aaaa", "Ana")
    let moved = try s.apply("aaaa", .moved(stage: "qualifying", position: 1, gateOverridden: false))
    try s.apply("aaaa", .moved(stage: "qualifying", position: 1, gateOverridden: false))
    let lead = try #require(s.pipeline["aaaa"])
    #expect(lead.stage == "qualifying")
    #expect(lead.stageEntered == moved.time)
    #expect(lead.stageHistory.map(\.stage) == ["lead-generation", "qualifying"])
    #expect(lead.stageHistory[0].left == moved.time)
    #expect(lead.stageHistory[1].left == nil)
    #expect(lead.lastActivity > moved.time)
  }

  @Test func wonLostAndReopened() throws {
    var s = Script()
    try s.create("aaaa", "Ana", stage: "closing")
    try s.create("bbbb", "Ben", stage: "closing")
    try s.apply("aaaa", .won)
    #expect(s.pipeline["aaaa"]?.status == .won)
    #expect(s.column("post-sale") == ["aaaa"])
    try s.apply("bbbb", .lost(reason: "Budget"))
    #expect(s.pipeline["bbbb"]?.status == .lost)
    #expect(s.pipeline["bbbb"]?.lostReason == "Budget")
    #expect(s.pipeline.position(of: LeadID("bbbb")) == nil)
    #expect(s.column("closing").isEmpty)
    #expect(throws: PipelineError.notOpen(LeadID("bbbb"), .lost)) {
      try s.apply("bbbb", .moved(stage: "proposal", position: 1, gateOverridden: false))
    }
    try s.apply("bbbb", .reopened(stage: "proposal"))
    #expect(s.pipeline["bbbb"]?.status == .open)
    #expect(s.pipeline["bbbb"]?.lostReason == nil)
    #expect(s.column("proposal") == ["bbbb"])
    #expect(throws: PipelineError.alreadyOpen(LeadID("bbbb"))) { try s.apply("bbbb", .reopened(stage: "proposal")) }
  }

  @Test func invalidEventsThrowAndChangeNothing() throws {
    var s = Script()
    try s.create("aaaa", "Ana")
    let before = s.column("lead-generation")
    #expect(throws: PipelineError.duplicateLead(LeadID("aaaa"))) { try s.create("aaaa", "Again") }
    #expect(throws: PipelineError.unknownLead(LeadID("zzzz"))) { try s.apply("zzzz", .won) }
    #expect(throws: PipelineError.emptyName) { try s.create("cccc", "   ") }
    #expect(throws: PipelineError.invalidLeadID("NO")) { try s.create("NO", "x") }
    #expect(throws: PipelineError.emptyName) { try s.apply("aaaa", .edited([.text(.name, "")])) }
    #expect(throws: PipelineError.emptyNote) { try s.apply("aaaa", .noteAdded(" \n")) }
    #expect(s.column("lead-generation") == before)
    #expect(s.pipeline.count == 1)
  }

  @Test func strictChecksRejectUnknownStagesButReplayKeepsTheirDeals() throws {
    var s = Script()
    let event = Event(
      id: "e", time: s.clock, replica: "r", lead: LeadID("aaaa"),
      change: .created(NewLead(name: "Ana", stage: "discovery")))
    #expect(throws: PipelineError.self) { try s.pipeline.check(event) }
    try s.pipeline.apply(event)
    #expect(s.pipeline.stages.last?.key == "discovery")
    #expect(s.column("discovery") == ["aaaa"])
  }

  @Test func editsChangeOnlyTheirFields() throws {
    var s = Script()
    try s.apply("aaaa", .created(NewLead(name: "Ana", company: "Acme", stage: "proposal")))
    try s.apply("aaaa", .edited([.text(.email, "ana@acme.example"), .value(Money(minorUnits: 500, currency: "EUR"))]))
    let lead = try #require(s.pipeline["aaaa"])
    #expect(lead.company == "Acme")
    #expect(lead.email == "ana@acme.example")
    #expect(lead.value == Money(minorUnits: 500, currency: "EUR"))
    try s.apply("aaaa", .edited([.text(.name, "Ana Lima"), .value(nil)]))
    #expect(s.pipeline["aaaa"]?.name == "Ana Lima")
    #expect(s.pipeline["aaaa"]?.value == nil)
    #expect(s.pipeline.search("lima").map(\.id) == [LeadID("aaaa")])
  }

  @Test func aNoteCanBeTakenBackButNotInvented() throws {
    var s = Script()
    try s.create("aaaa", "Ana")
    try s.apply("aaaa", .noteAdded("same"))
    try s.apply("aaaa", .noteAdded("other"))
    try s.apply("aaaa", .noteAdded("same"))
    try s.apply("aaaa", .noteRetracted("same"))
    #expect(s.pipeline["aaaa"]?.notes.map(\.text) == ["same", "other"])
    #expect(throws: PipelineError.noSuchNote) { try s.apply("aaaa", .noteRetracted("never written")) }
  }

  @Test func dealsStallAfterTheirStagesLimitWithoutActivity() throws {
    var stages = Stage.defaults
    stages[0].stallDays = 3
    var s = Script(pipeline: Pipeline(config: PipelineConfig(stages: stages)))
    try s.create("aaaa", "Ana")
    let lead = try #require(s.pipeline["aaaa"])
    #expect(!s.pipeline.isStalled(lead, now: lead.lastActivity.adding(days: 3)))
    #expect(s.pipeline.isStalled(lead, now: lead.lastActivity.adding(days: 4)))
    s.clock = s.clock.adding(days: 3)
    try s.apply("aaaa", .noteAdded("called"))  // any activity resets the clock
    let touched = try #require(s.pipeline["aaaa"])
    #expect(!s.pipeline.isStalled(touched, now: lead.lastActivity.adding(days: 4)))
    try s.apply("aaaa", .won)
    let won = try #require(s.pipeline["aaaa"])
    #expect(!s.pipeline.isStalled(won, now: won.lastActivity.adding(days: 400)))  // only open deals stall
  }

  @Test func gatesListIncompleteChecklistsOnTheWayForwardOnly() throws {
    var s = Script()
    try s.create("aaaa", "Ana")
    let lead = try #require(s.pipeline["aaaa"])
    let gates = s.pipeline.gates(for: lead, movingTo: "proposal")
    #expect(gates.map(\.stage.key) == ["qualifying"])
    #expect(gates.first?.missing.map(\.key) == ["budget", "authority", "need", "timeline"])
    #expect(s.pipeline.gates(for: lead, movingTo: "qualifying").isEmpty)
    for key in ["budget", "authority", "need", "timeline"] {
      try s.apply("aaaa", .checked(criterion: key, isChecked: true))
    }
    #expect(s.pipeline.gates(for: try #require(s.pipeline["aaaa"]), movingTo: "closing").isEmpty)
  }

  @Test func lookupPrefersCloserMatchesAndReportsAmbiguity() throws {
    var s = Script()
    try s.create("jose", "José García")
    try s.create("tana", "Yuki Tanaka")
    try s.create("anal", "Ana Lima")
    try s.create("anai", "Anaïs Dubois")
    try s.create("mat1", "Mateus Silva")
    try s.create("mat2", "Mateus Santos")
    #expect(try s.pipeline.lookup("jose").get().id == LeadID("jose"))
    #expect(try s.pipeline.lookup("GARCÍA").get().id == LeadID("jose"))
    #expect(try s.pipeline.lookup("ana").get().id == LeadID("anal"))  // a whole word beats "Tanaka"
    #expect(try s.pipeline.lookup("anai").get().id == LeadID("anai"))  // id first
    #expect(try s.pipeline.lookup("tanak").get().id == LeadID("tana"))
    #expect(throws: LeadLookupError.notFound("nobody")) { try s.pipeline.lookup("nobody").get() }
    guard case .failure(.ambiguous(_, let matches)) = s.pipeline.lookup("mateus") else {
      Issue.record("'mateus' should be ambiguous")
      return
    }
    #expect(Set(matches.map(\.id.rawValue)) == ["mat1", "mat2"])
  }

  @Test func resolvesStagesByKeyTitleOrUniquePrefix() throws {
    let pipeline = Pipeline()
    #expect(try pipeline.resolveStage("proposal").get().key == "proposal")
    #expect(try pipeline.resolveStage("Needs Assessment").get().key == "needs-assessment")
    #expect(try pipeline.resolveStage("neg").get().key == "negotiation")
    #expect(try pipeline.resolveStage("post").get().key == "post-sale")
    #expect(throws: PipelineError.self) { try pipeline.resolveStage("won").get() }
    #expect(throws: PipelineError.self) { try pipeline.resolveStage("").get() }
  }

  @Test func configuredCriteriaComeFromTheStagesChecklists() {
    var stages = Stage.defaults
    stages[3].checklist = "meddic"
    let pipeline = Pipeline(config: PipelineConfig(stages: stages))
    #expect(pipeline.criteria.map(\.key).prefix(5) == ["budget", "authority", "need", "timeline", "metrics"])
    #expect(pipeline.criteria.count == 10)
    #expect(pipeline.criteria.contains { $0.key == "economic-buyer" && $0.title == "Economic buyer" })
  }
}

/// `lead.restored`: a lead put back exactly as it was, or taken out when its adding is undone.
@Suite struct RestorationTests {
  static let start = Timestamp(iso8601: "2026-11-01T09:00:00Z")!

  static func event(_ lead: LeadID, _ change: Change, day: Int) -> Event {
    Event(id: "e\(day)-\(lead.rawValue)", time: start.adding(days: day), replica: "t", lead: lead, change: change)
  }

  /// Won, then put back: the same place in its column, the same days in stage, status and
  /// history, as if the win had never happened.
  @Test func aWinUndoneLeavesTheDealExactlyAsItWas() throws {
    var pipeline = Pipeline()
    for (i, name) in ["Ana", "Ben", "Cleo"].enumerated() {
      try pipeline.apply(Self.event(LeadID("lead000\(i)"), .created(NewLead(name: name, stage: "qualifying")), day: 0))
    }
    let ben: LeadID = "lead0001"
    let before = try #require(pipeline[ben])
    let position = try #require(pipeline.position(of: ben))
    #expect(position == 2)
    let imageBefore = pipeline.image
    try pipeline.apply(Self.event(ben, .won, day: 7))
    #expect(pipeline[ben]?.status == .won)
    try pipeline.apply(
      Self.event(ben, .restored(Restoration(reverses: "e7", lead: before, position: position)), day: 8))
    #expect(pipeline[ben] == before)
    #expect(pipeline.position(of: ben) == 2)
    #expect(pipeline.image == imageBefore)
    let insights = pipeline.insights(since: Self.start, until: Self.start.adding(days: 30))
    #expect(insights.won == 0)
  }

  /// An add undone: the lead leaves the pipeline (counted nowhere, not as lost); redone, it
  /// is back where it was.
  @Test func anAddUndoneAndRedone() throws {
    var pipeline = Pipeline()
    try pipeline.apply(Self.event("lead0000", .created(NewLead(name: "Ana", stage: "proposal")), day: 0))
    try pipeline.apply(Self.event("lead0001", .created(NewLead(name: "Ben", stage: "proposal")), day: 1))
    let ben = try #require(pipeline["lead0001"])
    let imageWithout = {
      var without = Pipeline()
      try? without.apply(Self.event("lead0000", .created(NewLead(name: "Ana", stage: "proposal")), day: 0))
      return without.image
    }()
    try pipeline.apply(Self.event("lead0001", .restored(Restoration(reverses: "e1", lead: nil)), day: 2))
    #expect(pipeline["lead0001"] == nil)
    #expect(pipeline.count == 1)
    #expect(pipeline.leads.map(\.name) == ["Ana"])
    #expect(pipeline.leads.allSatisfy { $0.status != .lost })
    #expect(pipeline.image == imageWithout)
    if case .success = pipeline.lookup("ben") { Issue.record("an undone add is still found") }
    try pipeline.apply(Self.event("lead0001", .restored(Restoration(reverses: "e2", lead: ben, position: 1)), day: 3))
    #expect(pipeline["lead0001"] == ben)
    #expect(pipeline.leadIDs(inStage: "proposal") == ["lead0001", "lead0000"])
    #expect(pipeline.count == 2)
  }
}

/// A batch applied in place and taken back (an event of it did not fit, or its lines could
/// not be written) leaves the pipeline exactly as before, without a copy of the whole of it.
@Suite struct BatchUndoTests {
  @Test func aBatchTakenBackLeavesThePipelineExactlyAsItWas() throws {
    var s = Script()
    for index in 0..<40 {
      try s.create("lead\(1000 + index)", "Lead \(index)", stage: index % 2 == 0 ? "qualifying" : "proposal")
    }
    try s.apply("lead1003", .lost(reason: "Budget"))
    try s.apply("lead1005", .won)
    try s.apply("lead1007", .restored(Restoration(reverses: "e1", lead: nil)))
    let before = s.pipeline.image
    let revision = s.pipeline.revision
    let totals = s.pipeline.stages.map { s.pipeline.totals(inStage: $0.key).minorUnits }
    var undo = s.pipeline.beginBatch()
    let time = Timestamp(iso8601: "2026-12-01T09:00:00Z")!
    let batch: [(String, Change)] = [
      ("lead2000", .created(NewLead(name: "New", stage: "a-stage-only-the-journal-knows"))),
      ("lead1000", .moved(stage: "negotiation", position: 1, gateOverridden: true)),
      ("lead1000", .edited([.text(.name, "Renamed"), .value(Money(minorUnits: 5_000_00, currency: "USD"))])),
      ("lead1002", .won),
      ("lead1003", .reopened(stage: "qualifying")),
      ("lead1004", .lost(reason: "Timing")),
      ("lead1006", .noteAdded("A note")),
      ("lead1008", .checked(criterion: "budget", isChecked: true)),
      ("lead1009", .restored(Restoration(reverses: "e9", lead: nil))),
      (
        "lead1007",
        .restored(
          Restoration(reverses: "e10", lead: Lead(id: "lead1007", name: "Back", stage: "closing", created: time)))
      ),
      (
        "lead1011",
        .restored(
          Restoration(
            reverses: "e11", lead: Lead(id: "lead1011", name: "As was", stage: "qualifying", created: time), position: 2
          ))
      ),
      ("lead1001", .moved(stage: "proposal", position: 3, gateOverridden: false)),
    ]
    for (index, (lead, change)) in batch.enumerated() {
      try s.pipeline.apply(
        Event(id: "b\(index)", time: time, replica: "test", lead: LeadID(lead), change: change), undo: &undo)
    }
    // The next event does not fit (the lead was lost in this very batch): the batch comes off.
    #expect(throws: PipelineError.self) {
      try s.pipeline.apply(Event(id: "bad", time: time, replica: "test", lead: "lead1004", change: .won), undo: &undo)
    }
    #expect(s.pipeline.image != before)
    s.pipeline.rollBack(undo)
    #expect(s.pipeline.image == before)
    #expect(s.pipeline.revision == revision)
    #expect(s.pipeline.stages.map { s.pipeline.totals(inStage: $0.key).minorUnits } == totals)
    #expect(s.pipeline["lead2000"] == nil)
    #expect(
      s.pipeline.position(of: "lead1000")
        == before.columns[1].firstIndex(of: before.leads.firstIndex { $0.id == "lead1000" }.map(Int32.init)!).map {
          $0 + 1
        })
    // And it goes on from there as if the batch had never been.
    try s.apply("lead1000", .won)
    #expect(s.pipeline[LeadID("lead1000")]?.status == .won)
  }
}
