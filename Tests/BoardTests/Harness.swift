import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// Drives the board through the runtime the executable runs, with an in-memory store and a
/// scripted terminal: send keys and messages (every effect is carried out and answered),
/// then look at the state, the events written and the frame.
struct Harness {
  let runtime: BoardRuntime
  let store: MemoryStore
  let terminal: ScriptedTerminal

  static let now = Timestamp(iso8601: "2026-11-10T10:00:00Z")!

  init(width: Int = 80, height: Int = 24, pipeline: Pipeline = Fixture.pipeline()) {
    store = MemoryStore(pipeline: pipeline, clock: Self.now)
    terminal = ScriptedTerminal(width: width, height: height)
    runtime = BoardRuntime(store: store, terminal: terminal, clock: { Self.now }, journalName: "journal.jsonl")
  }

  var state: BoardState {
    get { runtime.state }
    set { runtime.state = newValue }
  }

  var pipeline: Pipeline {
    get { store.pipeline }
    set { store.pipeline = newValue }
  }

  /// The time of the last event written (each write moves it on by a second).
  var clock: Timestamp { store.clock }
  /// Every event the board caused, in order: what the journal would have received.
  var written: [Event] { store.written }
  /// When set, changes fail as if the disk refused them.
  var failWrites: Bool {
    get { store.failure != nil }
    set { store.failure = newValue ? "No space left on device" : nil }
  }
  /// Leads the board asked to write a note for (in $EDITOR).
  var notesRequested: [LeadID] { terminal.notesRequested }

  mutating func send(_ keys: Key...) { for key in keys { handle(.key(key)) } }

  mutating func type(_ text: String) { for character in text { handle(.key(.character(character))) } }

  mutating func handle(_ message: Message) { runtime.send(message) }

  var frame: Frame { state.render(pipeline) }

  var focused: Lead? { state.focusedLead.flatMap { pipeline[$0] } }

  func column(_ stage: String) -> [String] { pipeline.leads(inStage: stage).map(\.name) }
}

/// A small pipeline with names that test width, accents and hostile text.
enum Fixture {
  static func pipeline(config: PipelineConfig = .standard) -> Pipeline {
    var pipeline = Pipeline(config: config)
    var time = Timestamp(iso8601: "2026-11-01T09:00:00Z")!
    var count = 0
    func apply(_ lead: String, _ change: Change, at moment: Timestamp? = nil) {
      count += 1
      time.millisecondsSinceEpoch += 3_600_000
      do {
        try pipeline.apply(
          Event(id: "f\(count)", time: moment ?? time, replica: "fixture", lead: LeadID(lead), change: change))
      } catch {
        preconditionFailure("the fixture's events are valid: \(error)")
      }
    }
    let leads: [(String, String, String, String, Int64)] = [
      ("ana0", "Ana Lima", "Acme Logistics", "lead-generation", 12_500_00),
      ("ben0", "Ben Okafor", "Bluefin Foods", "lead-generation", 4_000_00),
      ("chl0", "Chloé Dubois", "Café Olé", "lead-generation", 85_000_00),
      ("jose", "José García", "Nordwind GmbH", "qualifying", 30_000_00),
      ("zoe0", "Zoë Müller", "Zenith Labs", "qualifying", 7_500_00),
      ("wang", "王伟", "北京贸易有限公司", "needs-assessment", 120_000_00),
      ("kim0", "Kim Seo-yeon", "Hanbit Robotics", "proposal", 64_000_00),
      ("priy", "Priya Sharma", "Meridian Health", "proposal", 22_000_00),
      ("soer", "Søren Andersen", "Fjord Energy", "proposal", 310_000_00),
      ("ngoz", "Ngozi Adeyemi", "Summit Partners", "negotiation", 56_000_00),
      ("yuki", "Yuki Tanaka 🚀", "Sakura KK", "closing", 99_000_00),
      ("olaf", "Ólafur Jónsson", "Geysir ehf", "post-sale", 18_000_00),
    ]
    for (id, name, company, stage, value) in leads.reversed() {
      // Chloé has had no activity for three weeks: a stalled deal.
      let created = id == "chl0" ? Timestamp(iso8601: "2026-10-20T09:00:00Z")! : nil
      apply(
        id,
        .created(
          NewLead(
            name: name, company: company, email: "\(id)@example.com", value: Money(minorUnits: value, currency: "USD"),
            stage: stage)), at: created)
    }
    apply("jose", .checked(criterion: "budget", isChecked: true))
    apply("ana0", .followUpSet(FollowUp(action: "Call back", due: CalendarDay(iso8601: "2026-11-08")!)))
    apply("soer", .noteAdded("Wants a pilot\nbefore Q2"))
    apply("olaf", .won)
    return pipeline
  }
}

/// Compares a frame's text with `Snapshots/NAME.txt`. Set CLOSER_RECORD_SNAPSHOTS=1 to
/// (re)write the file deliberately; CI never records.
func assertSnapshot(_ frame: Frame, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
  let file = directory.appendingPathComponent("\(name).txt")
  let actual = frame.text + "\n"
  let recording =
    ProcessInfo.processInfo.environment["CLOSER_RECORD_SNAPSHOTS"] == "1"
    && ProcessInfo.processInfo.environment["CI"] == nil
  if recording {
    try actual.write(to: file, atomically: true, encoding: .utf8)
    return
  }
  guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
    Issue.record(
      "missing snapshot \(name).txt; record it with CLOSER_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
    return
  }
  #expect(actual == expected, "frame differs from Snapshots/\(name).txt:\n\(actual)", sourceLocation: sourceLocation)
}
