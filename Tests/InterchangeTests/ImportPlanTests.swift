import PipelineCore
import Testing

@testable import Interchange

/// Plans `text` against `pipeline` and applies the changes as the journal would.
@discardableResult
func importing(_ text: String, into pipeline: inout Pipeline, stageMap: [String: String] = [:]) throws -> ImportPlan {
  let sheet = try sheet(text, stageMap: stageMap, pipeline: pipeline)
  #expect(sheet.problems.isEmpty, "\(sheet.problems)")
  var counter = pipeline.count
  let plan = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: pipeline) {
    counter += 1
    return LeadID("new\(counter)")
  }
  try apply(plan.changes, to: &pipeline, at: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000))
  return plan
}

/// Applies changes in order, as events written at one moment (each with when it happened,
/// when the file said).
func apply(
  _ changes: [(LeadID, Change, Timestamp?)], to pipeline: inout Pipeline,
  at time: Timestamp = Timestamp(millisecondsSinceEpoch: 0)
) throws {
  for (number, (lead, change, occurred)) in changes.enumerated() {
    try pipeline.apply(
      Event(
        id: "e\(pipeline.revision)-\(number)", time: time, replica: "t", lead: lead, change: change,
        occurred: occurred))
  }
}

@Suite struct ImportPlanTests {
  @Test func importingTheSameFileTwiceChangesNothingTheSecondTime() throws {
    var pipeline = Pipeline()
    let first = try importing(SourceTests.pipedrive, into: &pipeline)
    #expect((first.created, first.updated, first.unchanged) == (4, 0, 0))
    #expect(pipeline.count == 4)
    let acme = try #require(pipeline.leads.first { $0.reference == "pipedrive:101" })
    #expect(acme.notes.map(\.text) == ["Contact: Ana Lima"])
    #expect(pipeline.leads.first { $0.reference == "pipedrive:103" }?.status == .lost)
    #expect(pipeline.leads.first { $0.reference == "pipedrive:102" }?.stage == "post-sale")

    let second = try importing(SourceTests.pipedrive, into: &pipeline)
    #expect((second.created, second.updated, second.unchanged) == (0, 0, 4))
    #expect(second.changes.isEmpty)
    #expect(pipeline.count == 4)
  }

  @Test func aChangedExportUpdatesOnlyWhatChanged() throws {
    var pipeline = Pipeline()
    try importing(SourceTests.hubspot, into: &pipeline)
    let changed = SourceTests.hubspot
      .replacingOccurrences(
        "9001,Acme renewal,appointmentscheduled,2026-12-31 00:00,Sam Rep,5000,",
        "9001,Acme renewal,contractsent,2026-12-31 00:00,Sam Rep,7500,"
      )
      .replacingOccurrences("9002,Globex expansion,contractsent,", "9002,Globex expansion,closedwon,")
      .replacingOccurrences("9004,Umbrella,closedlost,", "9004,Umbrella,qualifiedtobuy,")
    let plan = try importing(changed, into: &pipeline)
    #expect((plan.created, plan.updated, plan.unchanged) == (0, 3, 4))
    let updates = Dictionary(
      uniqueKeysWithValues: plan.entries.compactMap { entry -> (String, [String])? in
        guard case .update(let what) = entry.action else { return nil }
        return (entry.name, what)
      })
    #expect(updates["Acme renewal"] == ["value", "stage Qualifying → Closing"])
    #expect(updates["Globex expansion"] == ["status open → won"])
    #expect(updates["Umbrella"] == ["status lost → open"])
    let acme = try #require(pipeline.leads.first { $0.name == "Acme renewal" })
    #expect(acme.stage == "closing" && acme.value?.minorUnits == 750_000)
    let umbrella = try #require(pipeline.leads.first { $0.name == "Umbrella" })
    #expect(umbrella.status == .open && umbrella.stage == "needs-assessment")
  }

  @Test func aLeadTypedInBeforeIsMatchedByNameAndCompany() throws {
    var pipeline = Pipeline()
    try apply(
      [("ana00001", .created(NewLead(name: "Ana Lima", company: "Acme", stage: "qualifying")), nil)], to: &pipeline)
    let plan = try importing("name,company,value\nana lima,ACME,100\nBen,Acme,5\n", into: &pipeline)
    #expect((plan.created, plan.updated) == (1, 1))
    #expect(pipeline.count == 2)
    #expect(pipeline["ana00001"]?.name == "ana lima")
    #expect(pipeline["ana00001"]?.value?.minorUnits == 10_000)
  }

  @Test func aRowMatchingTwoLeadsIsAProblemNotAGuess() throws {
    var pipeline = Pipeline()
    let twin = Change.created(NewLead(name: "Ana Lima", company: "Acme", stage: "qualifying"))
    try apply([("twin0001", twin, nil), ("twin0002", twin, nil)], to: &pipeline)
    let sheet = try sheet("name,company\nAna Lima,Acme\n", pipeline: pipeline)
    let plan = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: pipeline) { "new00001" }
    #expect(plan.changes.isEmpty)
    #expect(
      plan.problems.map(\.description) == [
        "row 2: matches 2 leads by name and company (twin0001, twin0002); add a \"Closer ID\" column to say which"
      ])
  }

  @Test(arguments: [
    ("open", "won", ["status open → won"]), ("open", "lost", ["status open → lost"]),
    ("won", "lost", ["status won → lost"]), ("lost", "won", ["status lost → won"]),
    ("won", "open", ["status won → open"]), ("lost", "open", ["status lost → open"]),
    ("lost", "lost", [String]()), ("won", "won", []),
  ])
  func everyChangeOfStatusIsRecordedAsTheBoardWouldRecordIt(from: String, to: String, what: [String]) throws {
    var pipeline = Pipeline()
    try importing("name,stage,status\nAna,Proposal,\(from)\nBen,Proposal,open\n", into: &pipeline)
    let plan = try importing("name,stage,status\nAna,Proposal,\(to)\nBen,Proposal,open\n", into: &pipeline)
    let ana = try #require(pipeline.leads.first { $0.name == "Ana" })
    #expect(ana.status.rawValue == to)
    #expect(ana.stage == (to == "won" ? "post-sale" : "proposal"))
    #expect(plan.entries.first?.action == (what.isEmpty ? .unchanged : .update(what)))
    // A reopened deal comes back at the top of its column, as on the board.
    #expect(pipeline.leads(inStage: "proposal").map(\.name) == (to == "open" ? ["Ana", "Ben"] : ["Ben"]))
  }

  @Test func newCardsGoToTheBottomInFileOrder() throws {
    var pipeline = Pipeline()
    try importing("name,stage\nFirst,proposal\nSecond,proposal\nThird,Proposal\n", into: &pipeline)
    #expect(pipeline.leads(inStage: "proposal").map(\.name) == ["First", "Second", "Third"])
    try importing("name,stage\nFourth,proposal\n", into: &pipeline)
    #expect(pipeline.leads(inStage: "proposal").map(\.name) == ["First", "Second", "Third", "Fourth"])
  }

  @Test func aCSVExportReadsBackToTheSameLeads() throws {
    var pipeline = Pipeline()
    let changes: [(LeadID, Change)] = [
      (
        "ana00001",
        .created(
          NewLead(
            name: "Ana \"the closer\" Lima", company: "Acme, Inc.", email: "ana@example.com", phone: "+34 600 000",
            owner: "Sam", source: "=cmd|' /C calc'!A0", reference: "hubspot:9001",
            value: Money(minorUnits: 1_234_550, currency: "EUR"), expectedClose: CalendarDay(iso8601: "2027-01-31"),
            stage: "qualifying"))
      ),
      ("ana00001", .checked(criterion: "budget", isChecked: true)),
      ("ana00001", .checked(criterion: "need", isChecked: true)),
      ("ana00001", .checked(criterion: "authority", isChecked: false)),
      (
        "ana00001",
        .followUpSet(FollowUp(action: "Send the contract; call Ben", due: CalendarDay(iso8601: "2026-12-01")!))
      ),
      ("ben00002", .created(NewLead(name: "Ben Okafor 北京", company: "Globex", stage: "proposal"))),
      ("ben00002", .won),
      ("chloe003", .created(NewLead(name: "-Chloé Martin", stage: "negotiation"))),
      ("chloe003", .lost(reason: "Chose competitor")),
      ("dan00004", .created(NewLead(name: "@Dan", value: Money(minorUnits: 5, currency: "USD"), stage: "closing"))),
      ("eve00005", .created(NewLead(name: "'=Eve", phone: "'+1 555", stage: "closing"))),
    ]
    try apply(changes.map { ($0.0, $0.1, nil) }, to: &pipeline)
    let now = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
    let leads =
      pipeline.stages.flatMap { pipeline.leads(inStage: $0.key) } + pipeline.leads.filter { $0.status == .lost }
    let csv = LeadCSV.encode(leads, in: pipeline, now: now)
    let text = String(decoding: csv, as: UTF8.self)
    // Formula-looking text is kept from running in a spreadsheet.
    #expect(text.contains(",'=cmd|' /C calc'!A0,") && text.contains("'-Chloé Martin") && text.contains("'@Dan"))
    #expect(text.contains(",+34 600 000,"))  // a phone number is not a formula

    var copy = Pipeline()
    let plan = try importing(text, into: &copy)
    #expect(plan.created == 5)
    for original in pipeline.leads {
      let read = try #require(copy[original.id])
      #expect(read.name == original.name)
      #expect(read.company == original.company && read.email == original.email && read.phone == original.phone)
      #expect(read.owner == original.owner && read.source == original.source && read.reference == original.reference)
      #expect(read.value == original.value && read.expectedClose == original.expectedClose)
      #expect(read.stage == original.stage && read.status == original.status && read.lostReason == original.lostReason)
      #expect(read.checklist.dictionary.filter(\.value) == original.checklist.dictionary.filter(\.value))
      #expect(read.followUp == original.followUp)
      #expect(copy.position(of: read.id) == pipeline.position(of: original.id))
    }
    // And importing it into the pipeline it came from changes nothing.
    let again = try importing(text, into: &pipeline)
    #expect(again.changes.isEmpty && again.unchanged == 5)
  }
}

extension String {
  fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
    precondition(contains(target), "sample text changed: \(target)")
    return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
