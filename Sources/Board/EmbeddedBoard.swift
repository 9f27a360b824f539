import PipelineCore
import TerminalModel

/// A store that keeps the pipeline in memory: what the runtime's tests (and anyone trying
/// the board without a journal) use in place of the journal. Changes from "elsewhere" are
/// handed to it as events and read at the next look or append, as the journal's are.
public final class MemoryStore: BoardStore {
  public var pipeline: Pipeline
  public var readOnlyReason: String?
  public var isCatchingUp: Bool { false }
  /// Every event appended through the store, in order: what the journal would hold.
  public private(set) var written: [Event] = []
  /// When set, every append fails with this reason, as a full disk would.
  public var failure: String?
  /// The time of the next event; each append moves it on by a second.
  public var clock: Timestamp
  /// Events from other writers not read yet.
  private var unread: [Event] = []
  /// Conflict marks, as a team pipeline would have them (set by tests).
  public var conflicts: [LeadID: String] = [:]
  public var conflictNotes: [LeadID: String] { conflicts }
  public private(set) var seenConflicts: Set<LeadID> = []
  public var unseenConflicts: Set<LeadID> { Set(conflicts.keys).subtracting(seenConflicts) }
  public func sawConflict(on lead: LeadID) { seenConflicts.insert(lead) }
  /// Who did what to each lead, as a team pipeline would say it (set by tests).
  public var changeLines: [LeadID: [String]] = [:]
  public func changes(on lead: LeadID) -> [String] { changeLines[lead] ?? [] }

  public init(pipeline: Pipeline, clock: Timestamp) {
    self.pipeline = pipeline
    self.clock = clock
  }

  /// An event another writer appended: read at the next look, or before the next append.
  public func appendFromElsewhere(_ event: Event) { unread.append(event) }

  public func newLeadID() -> LeadID {
    var number = written.count
    while pipeline[LeadID("new\(number)")] != nil { number += 1 }
    return LeadID("new\(number)")
  }

  /// A batch: applied in turn (a test store has nothing to tear).
  public func record(_ changes: [Change], to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    var first: String?
    for (index, change) in changes.enumerated() {
      let id = try record(change, to: lead, decidedOn: index == 0 ? card : nil)
      if first == nil { first = id }
    }
    return first ?? ""
  }

  public func record(_ change: Change, to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    if let failure { throw MemoryStoreFailure(description: failure) }
    let name = card.flatMap { pipeline[$0]?.name }
    // Catch up first, as the journal does inside its append, and refuse a stale decision.
    let news = unread
    _ = readUnread()
    if let card, let name, let stale = news.last(where: { $0.lead == card && StaleDecision.invalidates($0.change) }) {
      var title: String?
      if case .moved(let stage, _, _) = stale.change { title = pipeline.stage(forKey: stage)?.title }
      throw StaleDecision(name: name, change: stale, stageTitle: title)
    }
    clock.millisecondsSinceEpoch += 1000
    let event = Event(id: "e\(written.count)", time: clock, replica: "test", lead: lead, change: change)
    try pipeline.apply(event)
    written.append(event)
    return event.id
  }

  public func look() -> [Message] {
    let count = readUnread()
    return count > 0 ? [.externalChanges(count: count)] : []
  }

  private func readUnread() -> Int {
    let events = unread
    unread.removeAll()
    for event in events { try? pipeline.apply(event) }
    return events.count
  }
}

struct MemoryStoreFailure: Error, CustomStringConvertible {
  var description: String
}

/// A terminal that plays a script of keys and resizes, keeps the last frame drawn, and
/// answers requests for a note with prepared texts. It is gone once the script is played.
public final class ScriptedTerminal: BoardTerminal {
  public var size: (width: Int, height: Int)
  /// What is still to be read.
  public var script: [InputEvent] = []
  /// What the editor returns for each note asked for, in order (nil: nothing written).
  public var notes: [String?] = []
  /// The leads a note was asked for.
  public private(set) var notesRequested: [LeadID] = []
  public private(set) var lastFrame: Frame?
  public private(set) var framesDrawn = 0

  public init(width: Int, height: Int) {
    size = (width, height)
  }

  public var isGone: Bool { script.isEmpty }

  public func readInput(wait: Bool) -> InputEvent? {
    guard !script.isEmpty else { return nil }
    let next = script.removeFirst()
    if case .resize(let width, let height) = next { size = (width, height) }
    return next
  }

  public func draw(_ frame: Frame) {
    lastFrame = frame
    framesDrawn += 1
  }

  public func editNote(for lead: LeadID, name: String) throws -> String? {
    notesRequested.append(lead)
    return notes.isEmpty ? nil : notes.removeFirst()
  }
}
