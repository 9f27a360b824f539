import Dispatch
import Foundation
import PipelineCore

/// A team pipeline: a folder (a git work tree) with one journal per replica in `journals/`,
/// the team's shared configuration, and the marker that says what the folder is.
///
/// Each replica appends only to its own journal, so git never merges lines; the pipeline is
/// every journal's events together, in the order of their hybrid clocks (docs/team.md).
public struct TeamLayout: Sendable, Equatable {
  public static let markerName = "closer-team.toml"
  public static let journalsFolder = "journals"
  public static let markerContents = """
    # This folder is a Closer team pipeline: one journal per member's machine in journals/,
    # the team's configuration in config.toml. See docs/team.md.
    format = "closer-team"
    version = 1

    """
  /// Git must never change a journal's bytes (line endings) or merge two versions of one.
  public static let attributes = """
    # Closer: journals are appended to by one replica each and never merged line by line.
    journals/*.jsonl -text merge=binary

    """

  /// What git leaves out: what Closer sets aside beside a journal (a torn tail, a copy
  /// of a replaced file, a fault record) stays on the machine it happened on.
  public static let ignored = """
    # Closer: files set aside beside a journal stay on this machine.
    journals/*.jsonl.*

    """

  public let directory: String

  /// The layout of the team pipeline at `path`, or nil when the path is not a folder that
  /// holds one. A path that cannot be looked up is an error, never taken for "not a team".
  public static func at(_ path: String, fileSystem: FileSystem = PosixFileSystem()) throws(JournalError)
    -> TeamLayout?
  {
    do {
      guard try fileSystem.status(atPath: path)?.kind == .directory,
        try fileSystem.status(atPath: "\(path)/\(markerName)")?.kind == .regular
      else { return nil }
    } catch {
      throw .system(error)
    }
    return TeamLayout(creating: path)
  }

  /// A layout for a folder that is about to become a team pipeline.
  public init(creating directory: String) { self.directory = directory }

  public var markerPath: String { "\(directory)/\(Self.markerName)" }
  public var journalsPath: String { "\(directory)/\(Self.journalsFolder)" }
  public var configPath: String { "\(directory)/config.toml" }
  public var attributesPath: String { "\(directory)/.gitattributes" }

  public func journalPath(replica: String) -> String { "\(journalsPath)/\(Self.fileName(replica: replica))" }

  public static func fileName(replica: String) -> String { "\(replica).jsonl" }

  /// The replica whose journal `name` is (`ana@laptop.jsonl` -> `ana@laptop`).
  public static func replica(fileName name: String) -> String? {
    guard name.hasSuffix(".jsonl") else { return nil }
    let replica = String(name.dropLast(".jsonl".count))
    return isValidReplica(replica) ? replica : nil
  }

  /// A replica id names a file: letters, digits and `.`, `_`, `-`, `@`, `+`; not starting
  /// with a dot; 1 to 64 characters.
  public static func isValidReplica(_ id: String) -> Bool {
    let allowed: Set<Character> = [".", "_", "-", "@", "+"]
    return (1...64).contains(id.count) && !id.hasPrefix(".")
      && id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowed.contains($0) }
  }

  /// The journals in `journals/`, by file name, sorted.
  public func journalNames(fileSystem: FileSystem) -> [String] {
    fileSystem.contents(ofDirectory: journalsPath).filter { Self.replica(fileName: $0) != nil }.sorted()
  }
}

/// Where an event sorts among every member's events: its clock, then the replica that wrote
/// it, then its id. Every member with the same events sorts them alike.
public struct TeamOrder: Comparable, Hashable, Sendable {
  public var clock: HybridTime
  public var replica: String
  public var id: String

  public static func < (lhs: TeamOrder, rhs: TeamOrder) -> Bool {
    if lhs.clock != rhs.clock { return lhs.clock < rhs.clock }
    if lhs.replica != rhs.replica { return lhs.replica < rhs.replica }
    return lhs.id < rhs.id
  }
}

/// An event that did not apply where it sorts: a change made at the same time as another
/// that sorts before it and took the lead elsewhere (a move of a deal that was lost, a win
/// of one already won). It stays in its journal and the history.
public struct TeamConflict: Hashable, Sendable {
  public var event: Event
  public var file: String
  public var line: Int
  public var reason: String
}

/// Every member's events, merged into one order and applied to a pipeline.
///
/// Each journal is in the order its replica wrote it; an event's place in the team is its
/// clock as the file implies it: the clock it states, or the one after the previous line's
/// when that is later (lines written before clocks, or in one batch at one moment). Events
/// that arrive after everything applied are applied at the end; one that sorts earlier (a
/// member who synced late) makes the whole history apply again, so the result never depends
/// on the order things arrived in.
final class TeamMerge {
  let layout: TeamLayout
  let replica: String
  let ownFile: String
  /// The members' journals other than the one the store writes to, by file name.
  var others: [String: JournalFile] = [:]
  /// The clock of the last event read from each journal, as its file implies it.
  private(set) var lastClock: [String: HybridTime] = [:]
  typealias Entry = (order: TeamOrder, event: Event, file: String, line: Int)
  /// Every event applied or tried, in order.
  private(set) var history: [Entry] = []
  private(set) var conflicts: [TeamConflict] = []
  /// The latest clock seen in any journal.
  private(set) var latest: HybridTime?
  /// Counts every change to what was applied (events taken, this replica's own, a whole
  /// history applied again): what the board's conflict marks are cached against.
  private(set) var version = 0

  init(layout: TeamLayout, replica: String, ownFile: String) {
    self.layout = layout
    self.replica = replica
    self.ownFile = ownFile
  }

  /// A merge opened from a team snapshot: its clocks, marks and conflicts are the
  /// snapshot's; the history (every event in order) is read from the journals when first
  /// needed (`readHistoryInBackground`, or at once by whatever needs it).
  init(
    layout: TeamLayout, replica: String, ownFile: String, resuming contents: TeamSnapshot.Contents,
    fileSystem: FileSystem, clock: @escaping () -> Timestamp
  ) {
    self.layout = layout
    self.replica = replica
    self.ownFile = ownFile
    for member in contents.members { lastClock[member.name] = member.lastClock }
    latest = contents.latest
    marks = contents.marks
    conflicts = contents.conflicts
    lastIDsWhileReading = contents.lastEventIDs
    snapshotLatest = contents.latest
    historyRead = TeamHistoryRead(
      sources: contents.members.map { member in
        TeamHistoryRead.Source(
          name: member.name, path: "\(layout.journalsPath)/\(member.name)", seal: member.seal)
      }, replica: replica, fileSystem: fileSystem, clock: clock)
  }

  // MARK: The history of a merge opened from a snapshot

  /// While the history of a merge opened from a snapshot is not in yet: how it is read.
  private var historyRead: TeamHistoryRead?
  /// The events applied meanwhile (this replica's own, and others' that needed none of the
  /// history), which go after it.
  private var ownWhileReading: [Entry] = []
  /// The last event on each lead meanwhile (the snapshot's, then this replica's own).
  private var lastIDsWhileReading: [LeadID: String] = [:]

  /// Whether the history is still to be read (opened from a snapshot, not needed yet).
  var isReadingHistory: Bool { historyRead != nil }

  /// Starts reading the history on another thread: a board does so after its first frame,
  /// and takes it in with `takeHistoryIfRead` between keys.
  func readHistoryInBackground() { historyRead?.start() }

  /// Whether the history is there: taken in when it has been read in the background; false
  /// while that is still going on (or was never started).
  @discardableResult
  func takeHistoryIfRead() -> Bool {
    guard let read = historyRead else { return true }
    guard read.isDone else { return false }
    takeHistory()
    return true
  }

  /// Takes in the history, reading it here and now if it was not read in the background.
  /// A journal that no longer begins with what the snapshot covered (rewritten since the
  /// open) gives none of its events to the history and is reported as unreadable.
  func takeHistory() {
    guard let read = historyRead else { return }
    let result = read.wait()
    historyRead = nil
    for (name, reason) in result.failures { unreadable[name] = reason }
    history = result.history
    (previousOnLead, touchOf, lastOnLead) = result.chains
    for entry in ownWhileReading {
      history.append(entry)
      remember(history.count - 1, touches: Touch.of(entry.event.change))
    }
    ownWhileReading = []
    lastIDsWhileReading = [:]
    version += 1
  }

  /// The id of the last event on every lead, for a snapshot.
  var lastEventIDs: [LeadID: String] {
    guard historyRead == nil else { return lastIDsWhileReading }
    return lastOnLead.mapValues { history[Int($0)].event.id }
  }

  /// Every event of the journals `sources` up to where the snapshot stops in each, in the
  /// team's order: what a merge that read them whole would hold.
  static func readHistory(
    _ sources: [TeamHistoryRead.Source], replica: String, fileSystem: FileSystem, clock: @escaping () -> Timestamp
  ) -> TeamHistoryRead.Outcome {
    let results = ReadHistories(count: sources.count)
    nonisolated(unsafe) let clock = clock
    DispatchQueue.concurrentPerform(iterations: min(2, sources.count)) { worker in
      for index in stride(from: worker, to: sources.count, by: 2) {
        let source = sources[index]
        var events: [(Event, Int)] = []
        let covered = source.seal.position.lineCount
        let outcome = Result { () throws(JournalError) in
          // Without the lock: the lines covered are settled, and this process may be
          // holding the lock to append while it waits for this read.
          _ = try JournalFile(
            path: source.path, access: .readOnly, replica: replica, fileSystem: fileSystem, now: clock,
            takingLocks: false, apply: { event, line in if line <= covered { events.append((event, line)) } })
        }
        var failure: String?
        if case .failure(let error) = outcome {
          failure = "\(error)"
        } else if PrefixChecksum.take(of: source.path, count: source.seal.position.offset, fileSystem: fileSystem)?
          .value != source.seal.prefixChecksum
        {
          failure = "it was rewritten while the board was open: reopen the board"
        }
        results.store(index, (failure == nil ? events : [], failure))
      }
    }
    var entries: [Entry] = []
    var failures: [String: String] = [:]
    for (index, source) in sources.enumerated() {
      guard let slot = results.take(index) else { continue }
      if let reason = slot.failure { failures[source.name] = reason }
      var previous: HybridTime?
      for (event, line) in slot.events {
        let clock = previous.map { max(event.statedClock, $0.successor) } ?? event.statedClock
        previous = clock
        entries.append((TeamOrder(clock: clock, replica: event.replica, id: event.id), event, source.name, line))
      }
    }
    var places = Array(entries.indices)
    places.sort { entries[$0].order < entries[$1].order }
    let history = places.map { entries[$0] }
    // What telling concurrent changes apart needs, as applying them would have noted it.
    var previousOnLead: [Int32] = []
    var touchOf: [Touch] = []
    var lastOnLead: [LeadID: Int32] = [:]
    previousOnLead.reserveCapacity(history.count)
    touchOf.reserveCapacity(history.count)
    for (index, entry) in history.enumerated() {
      previousOnLead.append(lastOnLead[entry.event.lead] ?? -1)
      touchOf.append(Touch.of(entry.event.change))
      lastOnLead[entry.event.lead] = Int32(index)
    }
    return (history, (previousOnLead, touchOf, lastOnLead), failures)
  }

  /// The clock the file implies for its next event.
  private func impliedClock(of event: Event, file: String) -> HybridTime {
    guard let previous = lastClock[file] else { return event.statedClock }
    return max(event.statedClock, previous.successor)
  }

  /// Adds events read from the journals (each journal's in its own order) and applies them.
  ///
  /// Without `waiting` (a board between keys) and with `rebuildsInBackground`, events that
  /// sort before the end make the whole history apply again on another thread: until it is
  /// done (`finishRebuild`) the pipeline stays as it was, and what arrives meanwhile waits.
  func take(
    _ arrivals: [(file: String, event: Event, line: Int)], into pipeline: inout Pipeline, waiting: Bool = true
  ) {
    guard !arrivals.isEmpty else { return }
    if rebuild != nil {
      guard waiting else {
        arrivalsWhileRebuilding += arrivals
        return
      }
      finishRebuild(into: &pipeline, waiting: true)
    }
    version += 1
    var fresh: [(order: TeamOrder, event: Event, file: String, line: Int)] = []
    fresh.reserveCapacity(arrivals.count)
    // Arrivals come journal by journal: each journal's last clock is looked up once a run.
    var file = arrivals[0].file
    var previous = lastClock[file]
    for arrival in arrivals {
      if arrival.file != file {
        lastClock[file] = previous
        file = arrival.file
        previous = lastClock[file]
      }
      let clock = previous.map { max(arrival.event.statedClock, $0.successor) } ?? arrival.event.statedClock
      previous = clock
      if latest == nil || latest! < clock { latest = clock }
      fresh.append(
        (
          TeamOrder(clock: clock, replica: arrival.event.replica, id: arrival.event.id), arrival.event, arrival.file,
          arrival.line
        ))
    }
    lastClock[file] = previous
    // Each journal's events are in order already: usually they all are (one journal read),
    // else the places are sorted, not the entries (large values to move).
    if zip(fresh, fresh.dropFirst()).contains(where: { $1.order < $0.order }) {
      var places = Array(fresh.indices)
      places.sort { fresh[$0].order < fresh[$1].order }
      fresh = places.map { fresh[$0] }
    }
    if historyRead != nil {
      // Opened from a snapshot: what needs none of the history is applied without it.
      let taken = takeWithoutHistory(fresh, into: &pipeline)
      if taken == fresh.count { return }
      fresh.removeFirst(taken)
      takeHistory()
    }
    if let last = history.last, let first = fresh.first, first.order < last.order {
      needsHistorySinceSnapshot = true
      if rebuildsInBackground && !waiting {
        rebuild = TeamRebuild(merge: self, history: history, fresh: fresh, config: pipeline.config)
        return
      }
      history = merged(history, fresh)
      applyAll(to: &pipeline)
    } else {
      let start = history.count
      history += fresh
      let conflictsBefore = conflicts.count
      for index in start..<history.count {
        if !sawTheLeadAsItIs(history[index].event) { needsHistorySinceSnapshot = true }
        apply(at: index, to: &pipeline)
      }
      if conflicts.count != conflictsBefore { needsHistorySinceSnapshot = true }
    }
  }

  // MARK: Events that need none of the history

  /// Whether an event read since the last snapshot needed the history to be put in its
  /// place (it sorted before what was applied, a change made without having seen the lead
  /// as it was, one that did not apply): opening from that snapshot again would read the
  /// whole history, so a fresh snapshot is worth writing (`saveSnapshotIfStale`).
  var needsHistorySinceSnapshot = false

  /// The latest clock the snapshot this merge opened from had applied, and the place of the
  /// last event applied since (without the history, or recorded here).
  private var snapshotLatest: HybridTime?
  private var lastOrderWhileReading: TeamOrder?

  /// Whether `event`'s writer had seen the lead as it is here: its `base` is the last event
  /// on it (or it names none: a new lead, a line written outside a team). Such a change can
  /// be concurrent with nothing applied.
  private func sawTheLeadAsItIs(_ event: Event) -> Bool {
    guard let base = event.base else { return true }
    return base == (lastEventID(on: event.lead) ?? "")
  }

  /// Applies, while the history is still to be read, the first of `fresh` (in order) that
  /// need none of it: each sorts after everything applied, its writer had seen the lead as
  /// it is, and it applies, so applying it after the whole history would give the same
  /// state and marks. Returns how many; the rest wait for the history.
  private func takeWithoutHistory(_ fresh: [Entry], into pipeline: inout Pipeline) -> Int {
    var taken = 0
    for entry in fresh {
      let follows =
        lastOrderWhileReading.map { $0 < entry.order } ?? snapshotLatest.map { $0 < entry.order.clock } ?? true
      guard follows, sawTheLeadAsItIs(entry.event) else { break }
      do {
        try pipeline.apply(entry.event)
      } catch {
        break
      }
      if Touch.of(entry.event.change) != .nothing, !marks.isEmpty { marks[entry.event.lead] = nil }
      ownWhileReading.append(entry)
      lastIDsWhileReading[entry.event.lead] = entry.event.id
      lastOrderWhileReading = entry.order
      taken += 1
    }
    return taken
  }

  // MARK: Applying the whole history again beside a board

  /// Whether events that sort before the end apply the whole history again on another
  /// thread when the caller does not wait (a board), instead of on the caller's.
  var rebuildsInBackground = false
  /// The whole history being applied again on another thread.
  private var rebuild: TeamRebuild?
  /// Arrivals that came while it was, taken once it is done.
  private var arrivalsWhileRebuilding: [(file: String, event: Event, line: Int)] = []
  /// This replica's own events recorded meanwhile, applied after it.
  private var ownWhileRebuilding: [Entry] = []
  private var lastIDsWhileRebuilding: [LeadID: String] = [:]

  var isRebuilding: Bool { rebuild != nil }
  var rebuildIsDone: Bool { rebuild?.isDone ?? true }

  /// Takes in the history applied again on another thread (waiting for it when it is not
  /// done yet), then this replica's own events recorded meanwhile and whatever arrived
  /// meanwhile (`waiting` as for `take`: without it, that may start another); how many
  /// arrived events are in.
  @discardableResult
  func finishRebuild(into pipeline: inout Pipeline, waiting: Bool) -> Int {
    guard let rebuild else { return 0 }
    let (done, rebuilt) = rebuild.wait()
    self.rebuild = nil
    // What is replaced is let go of on another thread: freeing a million events and a
    // hundred thousand leads would keep a key waiting a tenth of a second.
    let replaced = LetGo(history, previousOnLead, touchOf, lastOnLead, pipeline)
    history = done.history
    previousOnLead = done.previousOnLead
    touchOf = done.touchOf
    lastOnLead = done.lastOnLead
    marks = done.marks
    conflicts = done.conflicts
    pipeline = rebuilt
    replaced.elsewhere()
    // Written after everything seen: they go at the end, tried on the new state.
    for entry in ownWhileRebuilding {
      history.append(entry)
      apply(at: history.count - 1, to: &pipeline)
    }
    ownWhileRebuilding = []
    lastIDsWhileRebuilding = [:]
    version += 1
    let queued = arrivalsWhileRebuilding
    arrivalsWhileRebuilding = []
    take(queued, into: &pipeline, waiting: waiting)
    return rebuild.arrivals + (isRebuilding ? 0 : queued.count)
  }

  /// A merge of its own for a thread that applies the whole history again.
  fileprivate func applyingAll(_ old: [Entry], _ fresh: [Entry], config: PipelineConfig) -> Pipeline {
    history = merged(old, fresh)
    var pipeline = Pipeline(config: config)
    applyAll(to: &pipeline)
    return pipeline
  }

  /// Every event again, in order, from an empty pipeline.
  private func applyAll(to pipeline: inout Pipeline) {
    pipeline = Pipeline(config: pipeline.config)
    conflicts = []
    previousOnLead = []
    touchOf = []
    lastOnLead = [:]
    marks = [:]
    previousOnLead.reserveCapacity(history.count)
    touchOf.reserveCapacity(history.count)
    for index in history.indices { apply(at: index, to: &pipeline) }
  }

  /// Applies the event at `index` of the history, noting a conflict with a change made at
  /// the same time: one that sorts before it on the same lead, by another replica, that
  /// its writer had not seen (it is not the event's `base` or before it), and that touches
  /// the same thing (the card's place, a field, a criterion, the next action).
  private func apply(at index: Int, to pipeline: inout Pipeline) {
    let entry = history[index]
    let event = entry.event
    let touches = Touch.of(event.change)
    let clashing = newestUnseen(by: event) { touches.overlaps(touchOf[$0]) }
    do {
      try pipeline.apply(event)
      if let clashing {
        marks[event.lead] = ConflictMark(winner: event, loser: history[clashing].event)
      } else if touches != .nothing, !marks.isEmpty {
        // A change made having seen the lead as it is settles what it had.
        marks[event.lead] = nil
      }
    } catch {
      conflicts.append(TeamConflict(event: event, file: entry.file, line: entry.line, reason: "\(error)"))
      let winner = (clashing ?? lastOnLead[event.lead].map(Int.init)).map { history[$0].event }
      if let winner, winner.replica != event.replica { marks[event.lead] = ConflictMark(winner: winner, loser: event) }
    }
    remember(index, touches: touches)
  }

  /// The newest of the recent events on the lead that sort before `event`, by another
  /// replica, that its writer had not seen, and that `matches`. Lines written outside a team
  /// carry no `base`: nothing is known of what their writer saw, and they are never taken
  /// for concurrent; nor is an event whose base is older than what is looked at.
  private func newestUnseen(by event: Event, where matches: (Int) -> Bool) -> Int? {
    guard let base = event.base, var place = lastOnLead[event.lead].map(Int.init) else { return nil }
    var found: Int?
    for _ in 0..<Self.recentPerLead {
      let earlier = history[place].event
      if earlier.id == base { return found }
      if found == nil, earlier.replica != event.replica, matches(place) { found = place }
      let previous = Int(previousOnLead[place])
      if previous < 0 { return base.isEmpty ? found : nil }
      place = previous
    }
    return nil
  }

  private func remember(_ index: Int, touches: Touch) {
    let lead = history[index].event.lead
    previousOnLead.append(lastOnLead[lead] ?? -1)
    touchOf.append(touches)
    lastOnLead[lead] = Int32(index)
  }

  /// How many of a lead's latest events are looked at to tell what a writer had seen.
  static let recentPerLead = 8

  /// For each event of the history, the place of the previous event on its lead (-1: none),
  /// and what it touches.
  private var previousOnLead: [Int32] = []
  private var touchOf: [Touch] = []
  /// The place of the last event on each lead.
  private var lastOnLead: [LeadID: Int32] = [:]

  /// For each lead whose last change lost a conflict: what won and what lost.
  private(set) var marks: [LeadID: ConflictMark] = [:]

  /// The latest events on `lead`, newest first, at most `limit`.
  /// While the history is read in the background, none (the board shows them once it is in).
  func events(on lead: LeadID, limit: Int) -> [Event] {
    if let read = historyRead {
      guard !read.isStarted || read.isDone else { return [] }
      takeHistory()
    }
    var result: [Event] = []
    var place = lastOnLead[lead].map(Int.init) ?? -1
    while place >= 0 && result.count < limit {
      result.append(history[place].event)
      place = Int(previousOnLead[place])
    }
    return result
  }

  /// The id of the last event on `lead` this replica has seen, for the next one's `base`.
  func lastEventID(on lead: LeadID) -> String? {
    if let own = lastIDsWhileRebuilding[lead] { return own }
    if historyRead != nil { return lastIDsWhileReading[lead] }
    return lastOnLead[lead].map { history[Int($0)].event.id }
  }

  private func merged(
    _ a: [(order: TeamOrder, event: Event, file: String, line: Int)],
    _ b: [(order: TeamOrder, event: Event, file: String, line: Int)]
  ) -> [(order: TeamOrder, event: Event, file: String, line: Int)] {
    var result: [(order: TeamOrder, event: Event, file: String, line: Int)] = []
    result.reserveCapacity(a.count + b.count)
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
      if b[j].order < a[i].order {
        result.append(b[j])
        j += 1
      } else {
        result.append(a[i])
        i += 1
      }
    }
    result += a[i...]
    result += b[j...]
    return result
  }

  /// The events as this replica writes them: each with the clock after everything seen,
  /// stated in the line only when the file would not imply it.
  func stamped(_ events: [Event]) -> [Event] {
    var own = lastClock[ownFile]
    var seen = latest
    var lastOnLead: [LeadID: String] = [:]
    return events.map { event in
      var event = event
      event.clock = nil
      // What this replica has seen of the lead: the last event on it, or the previous one
      // of this same batch ("": nothing, for a lead it creates).
      if case .created = event.change {
        event.base = nil
      } else {
        event.base = lastOnLead[event.lead] ?? lastEventID(on: event.lead) ?? ""
      }
      lastOnLead[event.lead] = event.id
      let clock = HybridTime.next(after: seen, now: event.time)
      let implied = own.map { max(event.statedClock, $0.successor) } ?? event.statedClock
      if implied != clock { event.clock = clock }
      own = clock
      seen = clock
      return event
    }
  }

  /// Events this replica wrote (stamped) and applied, the last of them now on line
  /// `lastLine` of its journal: they sort after everything seen, so they go at the end.
  func recordOwn(_ events: [Event], lastLine: Int) {
    version += 1
    for (index, event) in events.enumerated() {
      let clock = impliedClock(of: event, file: ownFile)
      lastClock[ownFile] = clock
      latest = max(latest ?? clock, clock)
      let entry: Entry = (
        TeamOrder(clock: clock, replica: event.replica, id: event.id), event, ownFile,
        lastLine - events.count + 1 + index
      )
      // Written after everything seen: it settles whatever conflict the lead had (as
      // applying it after a fresh read would).
      let touches = Touch.of(event.change)
      if touches != .nothing { marks[event.lead] = nil }
      if historyRead != nil {
        ownWhileReading.append(entry)
        lastIDsWhileReading[event.lead] = event.id
        lastOrderWhileReading = entry.order
      } else if rebuild != nil {
        ownWhileRebuilding.append(entry)
        lastIDsWhileRebuilding[event.lead] = event.id
      } else {
        history.append(entry)
        remember(history.count - 1, touches: touches)
      }
    }
  }

  /// Opens the other members' journals, two at a time (each is read and decoded on its
  /// own), and hands over their events, journal by journal in name order.
  ///
  /// With `resumes`, a journal listed there starts after the lines a snapshot covers when it
  /// still begins with them; `resumed` is told of each that does not.
  func openAll(
    _ names: [String], fileSystem: FileSystem, clock: @escaping () -> Timestamp,
    resumes: [String: JournalResume] = [:], notResumed: (String) -> Void = { _ in },
    collect: ([(file: String, event: Event, line: Int)]) -> Void
  ) {
    let opened = Self.open(
      names, layout: layout, replica: replica, fileSystem: fileSystem, clock: clock, resumes: resumes)
    install(names, opened, resumes: resumes, notResumed: notResumed, collect: collect)
  }

  /// Opens the journals `names` of `layout`, two at a time.
  static func open(
    _ names: [String], layout: TeamLayout, replica: String, fileSystem: FileSystem, clock: @escaping () -> Timestamp,
    resumes: [String: JournalResume]
  ) -> OpenedJournals {
    let results = OpenedJournals(count: names.count)
    // The store's clock is read only by writers; these journals are opened read-only.
    nonisolated(unsafe) let clock = clock
    // Each resume is read by the one thread that opens its journal.
    nonisolated(unsafe) let resumes = resumes
    DispatchQueue.concurrentPerform(iterations: min(2, names.count)) { worker in
      for index in stride(from: worker, to: names.count, by: 2) {
        let name = names[index]
        var events: [(file: String, event: Event, line: Int)] = []
        let result = Result { () throws(JournalError) in
          try JournalFile(
            path: "\(layout.journalsPath)/\(name)", access: .readOnly, replica: replica, fileSystem: fileSystem,
            now: clock, resume: resumes[name], apply: { events.append((name, $0, $1)) })
        }
        results.store(index, result.map { ($0, events) })
      }
    }
    return results
  }

  /// Takes the journals opened as the other members', and hands over their events, journal
  /// by journal in name order.
  private func install(
    _ names: [String], _ results: OpenedJournals, resumes: [String: JournalResume],
    notResumed: (String) -> Void = { _ in }, collect: ([(file: String, event: Event, line: Int)]) -> Void
  ) {
    for (index, name) in names.enumerated() {
      switch results.take(index) {
      case .success(let (file, events)):
        if resumes[name] != nil && !file.resumed { notResumed(name) }
        others[name] = file
        unreadable[name] = nil
        collect(events)
      case .failure(let error):
        unreadable[name] = "\(error)"
      case nil:
        break
      }
    }
  }

  /// Journals that appeared (a new member, after a sync) being opened on another thread.
  private var opening: TeamOpening?

  /// Journals that could not be opened, with why.
  private(set) var unreadable: [String: String] = [:]

  /// Reads what was appended to the other members' journals, and opens journals that
  /// appeared (a new member, after a sync); whether more is waiting.
  ///
  /// `inBackground` (a board): journals that appeared are read on another thread, and their
  /// events handed over by the first call after that is done.
  func refresh(
    limit: Int64, waitForWriters: Bool, inBackground: Bool = false, fileSystem: FileSystem,
    clock: @escaping () -> Timestamp, collect: (String, Event, Int) -> Void
  ) -> Bool {
    var more = false
    if let opening {
      if opening.isDone {
        self.opening = nil
        install(opening.names, opening.results, resumes: [:]) { events in
          for event in events { collect(event.file, event.event, event.line) }
        }
      } else {
        more = true
      }
    }
    let appeared = layout.journalNames(fileSystem: fileSystem).filter {
      $0 != ownFile && others[$0] == nil && opening?.names.contains($0) != true
    }
    if !appeared.isEmpty && inBackground {
      opening = TeamOpening(appeared, layout: layout, replica: replica, fileSystem: fileSystem, clock: clock)
      more = true
    } else if !appeared.isEmpty {
      openAll(appeared, fileSystem: fileSystem, clock: clock) { events in
        for event in events { collect(event.file, event.event, event.line) }
      }
    }
    for name in others.keys.sorted() {
      guard let file = others[name] else { continue }
      do {
        more = try file.refresh(limit: limit, waitForWriters: waitForWriters) { collect(name, $0, $1) } || more
      } catch {
        unreadable[name] = "\(error)"
      }
    }
    return more
  }

  /// What the other members' journals say about themselves: damage with the file and
  /// line, journals that could not be read.
  var warnings: [JournalWarning] {
    var all: [JournalWarning] = []
    for name in others.keys.sorted() {
      for var warning in others[name]?.warnings ?? [] {
        warning.file = "\(TeamLayout.journalsFolder)/\(name)"
        all.append(warning)
      }
    }
    for (name, reason) in unreadable.sorted(by: { $0.key < $1.key }) {
      all.append(JournalWarning(line: nil, .unreadable(reason), file: "\(TeamLayout.journalsFolder)/\(name)"))
    }
    return all
  }
}

extension Change {
  /// What the change did, in words for a lead's history: "moved to Proposal", "ticked
  /// budget", "lost (Price)".
  public func phrase(in pipeline: Pipeline) -> String {
    func stage(_ key: String) -> String { pipeline.stage(forKey: key)?.title ?? key }
    switch self {
    case .created(let new): return "added it in \(stage(new.stage))"
    case .moved(let key, _, _): return "moved it to \(stage(key))"
    case .won: return "marked it won"
    case .lost(let reason): return "marked it lost (\(reason))"
    case .reopened(let key): return "reopened it in \(stage(key))"
    case .checked(let criterion, let isChecked, let answer):
      return "\(isChecked ? "ticked" : "unticked") \(criterion)" + (answer.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
    case .followUpSet(let followUp):
      return followUp.map { "set the next action: \($0.action), \($0.due)" } ?? "cleared the next action"
    case .edited(let edits):
      let fields = edits.map { edit -> String in
        switch edit {
        case .text(.owner, let owner): owner.isEmpty ? "took the owner off" : "handed it to \(owner)"
        case .text(let field, _): "edited the \(field.rawValue)"
        case .value: "changed the value"
        case .expectedClose: "changed the expected close"
        case .custom(let key, _): "edited the \(pipeline.config.field(forKey: key)?.title ?? key)"
        }
      }
      return fields.joined(separator: ", ")
    case .noteAdded: return "wrote a note"
    case .noteRetracted: return "took a note back"
    case .activityLogged(let kind, let outcome):
      return "logged \(kind == "email" ? "an" : "a") \(kind)" + (outcome.isEmpty ? "" : ": \(outcome)")
    case .activityRetracted(let kind, _): return "took back a logged \(kind)"
    case .restored: return "undid a change"
    case .unknown(let type): return "wrote a \(type) (a newer Closer's)"
    }
  }
}

/// A change on a lead that lost to another made at the same time: the board marks the card
/// until the rep has looked at it.
public struct ConflictMark: Hashable, Sendable {
  public var winner: Event
  public var loser: Event

  /// In words, for the replica `me`: "moved to Negotiation by ana@desk at the same time as
  /// your move to Proposal".
  public func description(me: String, pipeline: Pipeline) -> String {
    func stage(_ key: String) -> String { pipeline.stage(forKey: key)?.title ?? key }
    func done(_ change: Change) -> String {
      switch change {
      case .moved(let key, _, _): "moved to \(stage(key))"
      case .won: "won"
      case .lost(let reason): "lost (\(reason))"
      case .reopened(let key): "reopened in \(stage(key))"
      case .checked(let criterion, let isChecked, _): "\(isChecked ? "ticked" : "unticked") \(criterion)"
      case .followUpSet(let followUp): followUp == nil ? "cleared its next action" : "given a new next action"
      case .edited: "edited"
      case .restored: "put back by an undo"
      case .created, .noteAdded, .noteRetracted, .activityLogged, .activityRetracted, .unknown: "changed"
      }
    }
    func noun(_ change: Change) -> String {
      switch change {
      case .moved(let key, _, _): "move to \(stage(key))"
      case .won: "win"
      case .lost: "loss"
      case .reopened(let key): "reopening in \(stage(key))"
      case .checked(let criterion, let isChecked, _): "\(isChecked ? "tick" : "untick") of \(criterion)"
      case .followUpSet: "next action"
      case .edited: "edit"
      case .restored: "undo"
      case .created, .noteAdded, .noteRetracted, .activityLogged, .activityRetracted, .unknown: "change"
      }
    }
    let who = winner.replica == me ? "you" : winner.replica
    let whose = loser.replica == me ? "your" : "\(loser.replica)'s"
    return "\(done(winner.change)) by \(who) at the same time as \(whose) \(noun(loser.change))"
  }
}

/// What a change touches on its lead, one bit per thing: two changes made at the same time
/// conflict when they touch the same thing.
struct Touch: Hashable {
  var bits: UInt64

  static let place = Touch(bits: 1)
  static let followUp = Touch(bits: 1 << 1)
  static let value = Touch(bits: 1 << 2)
  static let expectedClose = Touch(bits: 1 << 3)
  static let nothing = Touch(bits: 0)
  static let everything = Touch(bits: ~0)

  static func field(_ field: TextField) -> Touch {
    Touch(bits: 1 << (4 + UInt64(TextField.allCases.firstIndex(of: field) ?? 0)))
  }

  /// A criterion's bit, from its key (two keys may share one: a conflict then shows where
  /// there was none, never the other way round).
  static func criterion(_ key: String) -> Touch {
    var hash: UInt64 = 5381
    for byte in key.utf8 { hash = hash &* 33 &+ UInt64(byte) }
    return Touch(bits: 1 << (16 + hash % 48))
  }

  func overlaps(_ other: Touch) -> Bool { bits & other.bits != 0 }

  static func of(_ change: Change) -> Touch {
    switch change {
    case .created, .noteAdded, .noteRetracted, .activityLogged, .activityRetracted, .unknown: return .nothing
    case .moved, .won, .lost, .reopened: return .place
    case .checked(let criterion, _, _): return .criterion(criterion)
    case .followUpSet: return .followUp
    case .restored: return .everything
    case .edited(let edits):
      return Touch(
        bits: edits.reduce(0) { bits, edit in
          switch edit {
          case .text(let field, _): bits | Touch.field(field).bits
          case .value: bits | Touch.value.bits
          case .expectedClose: bits | Touch.expectedClose.bits
          case .custom(let key, _): bits | Touch.criterion("field:" + key).bits
          }
        })
    }
  }
}

/// Values let go of on a thread of their own (the last reference to them is here).
private final class LetGo: @unchecked Sendable {
  private var values: [Any]

  init(_ values: Any...) { self.values = values }

  func elsewhere() { Thread { [self] in values = [] }.start() }
}

/// The whole history of a team applied again on a thread of its own, by a merge of its own
/// (the board's stays as it was until this is taken in).
final class TeamRebuild: @unchecked Sendable {
  /// How many arrived events it brings in.
  let arrivals: Int
  private let lock = NSLock()
  private var result: (TeamMerge, Pipeline)?
  private let done = DispatchSemaphore(value: 0)

  init(merge: TeamMerge, history: [TeamMerge.Entry], fresh: [TeamMerge.Entry], config: PipelineConfig) {
    arrivals = fresh.count
    // Touched only by the thread until it is done, and only by the caller after.
    nonisolated(unsafe) let worker = TeamMerge(layout: merge.layout, replica: merge.replica, ownFile: merge.ownFile)
    Thread { [self] in
      let pipeline = worker.applyingAll(history, fresh, config: config)
      lock.lock()
      result = (worker, pipeline)
      lock.unlock()
      done.signal()
    }.start()
  }

  var isDone: Bool {
    lock.lock()
    defer { lock.unlock() }
    return result != nil
  }

  func wait() -> (TeamMerge, Pipeline) {
    done.wait()
    done.signal()
    lock.lock()
    defer { lock.unlock() }
    return result!
  }
}

/// The history of a merge opened from a snapshot, read once: on another thread when
/// started, else by the first that waits for it.
final class TeamHistoryRead: @unchecked Sendable {
  /// A journal, and where the snapshot stops in it.
  struct Source: Sendable {
    var name: String
    var path: String
    var seal: SnapshotSeal
  }

  typealias Outcome = (
    history: [TeamMerge.Entry], chains: (previousOnLead: [Int32], touchOf: [Touch], lastOnLead: [LeadID: Int32]),
    failures: [String: String]
  )

  let sources: [Source]
  let replica: String
  private let fileSystem: FileSystem
  private let clock: () -> Timestamp
  private let lock = NSLock()
  private var started = false
  private var outcome: Outcome?
  private let done = DispatchSemaphore(value: 0)

  /// The journals are read with `fileSystem`; `clock` is the store's (read only by writers:
  /// these journals are opened read-only).
  init(sources: [Source], replica: String, fileSystem: FileSystem, clock: @escaping () -> Timestamp) {
    self.sources = sources
    self.replica = replica
    self.fileSystem = fileSystem
    self.clock = clock
  }

  func start() {
    lock.lock()
    defer { lock.unlock() }
    guard !started else { return }
    started = true
    Thread { [self] in
      let read = TeamMerge.readHistory(sources, replica: replica, fileSystem: fileSystem, clock: clock)
      lock.lock()
      outcome = read
      lock.unlock()
      done.signal()
    }.start()
  }

  var isStarted: Bool {
    lock.lock()
    defer { lock.unlock() }
    return started
  }

  var isDone: Bool {
    lock.lock()
    defer { lock.unlock() }
    return outcome != nil
  }

  /// The history: waited for when it is being read, read here when it was never started.
  func wait() -> Outcome {
    lock.lock()
    let wasStarted = started
    started = true
    lock.unlock()
    if wasStarted {
      done.wait()
      done.signal()
      lock.lock()
      defer { lock.unlock() }
      return outcome!
    }
    let read = TeamMerge.readHistory(sources, replica: replica, fileSystem: fileSystem, clock: clock)
    lock.lock()
    outcome = read
    lock.unlock()
    return read
  }
}

/// The histories of journals read by several threads, one slot each (the events, or why
/// not), read once all are done.
private final class ReadHistories: @unchecked Sendable {
  typealias Slot = (events: [(Event, Int)], failure: String?)
  private var slots: [Slot?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ slot: Slot) {
    lock.lock()
    slots[index] = slot
    lock.unlock()
  }

  func take(_ index: Int) -> Slot? {
    lock.lock()
    defer {
      slots[index] = nil
      lock.unlock()
    }
    return slots[index]
  }
}

/// Journals that appeared, opened on a thread of their own.
final class TeamOpening: @unchecked Sendable {
  let names: [String]
  private(set) var results: OpenedJournals
  private let lock = NSLock()
  private var finished = false

  init(
    _ names: [String], layout: TeamLayout, replica: String, fileSystem: FileSystem, clock: @escaping () -> Timestamp
  ) {
    self.names = names
    results = OpenedJournals(count: 0)
    nonisolated(unsafe) let clock = clock
    Thread { [self] in
      let opened = TeamMerge.open(
        names, layout: layout, replica: replica, fileSystem: fileSystem, clock: clock, resumes: [:])
      lock.lock()
      results = opened
      finished = true
      lock.unlock()
    }.start()
  }

  var isDone: Bool {
    lock.lock()
    defer { lock.unlock() }
    return finished
  }
}

/// The journals opened by several threads, one slot each, read once all are done.
final class OpenedJournals: @unchecked Sendable {
  private var slots: [Result<(JournalFile, [(file: String, event: Event, line: Int)]), JournalError>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func store(_ index: Int, _ result: Result<(JournalFile, [(file: String, event: Event, line: Int)]), JournalError>) {
    lock.lock()
    slots[index] = result
    lock.unlock()
  }

  func take(_ index: Int) -> Result<(JournalFile, [(file: String, event: Event, line: Int)]), JournalError>? {
    lock.lock()
    defer {
      slots[index] = nil
      lock.unlock()
    }
    return slots[index]
  }
}
