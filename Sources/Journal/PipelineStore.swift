import Dispatch
import PipelineCore

/// A pipeline backed by its journal: the state is always the replay of the journal's lines,
/// and a change becomes part of the state only after its line is safely on disk.
public final class PipelineStore {
  public private(set) var pipeline: Pipeline
  public let journal: JournalFile
  public let replica: String
  let clock: () -> Timestamp
  let fileSystem: FileSystem
  private var identifiers = Identifiers()
  /// In a team pipeline: the other members' journals and the order of everyone's events;
  /// nil for a journal of one's own.
  let team: TeamMerge?
  private var replayWarnings: [JournalWarning] = []
  /// How many of the journal's warnings, and of the replay's, the board has been told about.
  private var warningsTaken = (journal: 0, replay: 0)

  /// Opens (or, read-write, creates) the journal at `path` and replays it.
  ///
  /// With `snapshots`, a snapshot next to the journal (see `Snapshot`) that still matches
  /// it is loaded and only the lines after it are replayed; a new one is written when many
  /// lines were replayed. `closer check` turns this off to read every line.
  public init(
    path: String, config: PipelineConfig = .standard, access: JournalFile.Access = .readWrite,
    replica: String, fileSystem: FileSystem = PosixFileSystem(), clock: @escaping () -> Timestamp,
    snapshots: Bool = true
  ) throws(JournalError) {
    if let layout = try TeamLayout.at(path, fileSystem: fileSystem) {
      let opened = try Self.openTeam(
        layout, config: config, access: access, replica: replica, fileSystem: fileSystem, clock: clock,
        snapshots: snapshots)
      self.journal = opened.journal
      self.team = opened.team
      self.pipeline = opened.pipeline
      self.replica = replica
      self.clock = clock
      self.fileSystem = fileSystem
      eventsSinceSnapshot = opened.replayed
      if snapshots { saveTeamSnapshotIfWorthwhile(replayed: opened.replayed, resumed: opened.resumed) }
      return
    }
    team = nil
    var snapshot = snapshots ? Self.loadSnapshot(journal: path, config: config, fileSystem: fileSystem) : nil
    let seal = snapshot?.resume.seal
    var pipeline = Pipeline(config: config)
    var problems: [JournalWarning] = []
    journal = try JournalFile(
      path: path, access: access, replica: replica, fileSystem: fileSystem, now: clock, resume: snapshot?.resume,
      start: { resumed in
        // Taken, not shared: the first event applied would otherwise copy every lead.
        if resumed, let taken = snapshot {
          snapshot = nil
          pipeline = taken.pipeline
        }
        snapshot = nil
      },
      apply: { event, line in Self.replay(event, line: line, into: &pipeline, problems: &problems) })
    self.pipeline = pipeline
    self.replayWarnings = problems
    self.replica = replica
    self.clock = clock
    self.fileSystem = fileSystem
    eventsSinceSnapshot = journal.lineCount - (journal.resumed ? seal?.position.lineCount ?? 1 : 1)
    if snapshots {
      saveSnapshotIfWorthwhile(replayedSince: journal.resumed ? seal : nil)
    }
  }

  /// Events read or written since the last snapshot this store loaded or wrote (all of them
  /// when it loaded none): what `saveSnapshotIfStale` weighs.
  public internal(set) var eventsSinceSnapshot = 0

  typealias OpenedTeam = (journal: JournalFile, team: TeamMerge, pipeline: Pipeline, replayed: Int, resumed: Bool)

  /// Opens every journal of a team pipeline: this replica's own to write to (read-only,
  /// or when it has none yet, the first one there is held instead), the others to read,
  /// and applies all their events in the team's order. With `snapshots`, from this
  /// replica's team snapshot when it still matches every journal it covers, reading only
  /// what they gained since.
  private static func openTeam(
    _ layout: TeamLayout, config: PipelineConfig, access: JournalFile.Access, replica: String,
    fileSystem: FileSystem, clock: @escaping () -> Timestamp, snapshots: Bool
  ) throws(JournalError) -> OpenedTeam {
    guard TeamLayout.isValidReplica(replica) else { throw .badReplica(replica) }
    let own = TeamLayout.fileName(replica: replica)
    let names = layout.journalNames(fileSystem: fileSystem)
    let held = access == .readWrite || names.contains(own) ? own : names.first
    guard let held else { throw .emptyTeam(path: layout.directory) }
    if snapshots,
      let loaded = TeamSnapshot.load(layout, replica: replica, journals: names, config: config, fileSystem: fileSystem),
      let opened = try openTeam(
        layout, resuming: loaded, names: names, held: held, access: held == own ? access : .readOnly,
        replica: replica, fileSystem: fileSystem, clock: clock)
    {
      return opened
    }
    var arrivals: [(file: String, event: Event, line: Int)] = []
    let journal = try JournalFile(
      path: "\(layout.journalsPath)/\(held)", access: held == own ? access : .readOnly, replica: replica,
      fileSystem: fileSystem, now: clock, apply: { event, line in arrivals.append((held, event, line)) })
    let team = TeamMerge(layout: layout, replica: replica, ownFile: held)
    team.openAll(names.filter { $0 != held }, fileSystem: fileSystem, clock: clock) { arrivals += $0 }
    var pipeline = Pipeline(config: config)
    team.take(arrivals, into: &pipeline)
    return (journal, team, pipeline, arrivals.count, false)
  }

  /// Opens the journals after the lines the snapshot covers, or nil when one of them no
  /// longer begins with them.
  private static func openTeam(
    _ layout: TeamLayout,
    resuming loaded: (contents: TeamSnapshot.Contents, pipeline: Pipeline, prefixes: [String: PrefixChecksum]),
    names: [String], held: String, access: JournalFile.Access, replica: String, fileSystem: FileSystem,
    clock: @escaping () -> Timestamp
  ) throws(JournalError) -> OpenedTeam? {
    var resumes: [String: JournalResume] = [:]
    for member in loaded.contents.members {
      resumes[member.name] = JournalResume(
        seal: member.seal, eventIDs: member.eventIDs, prefix: loaded.prefixes[member.name])
    }
    var arrivals: [(file: String, event: Event, line: Int)] = []
    let journal = try JournalFile(
      path: "\(layout.journalsPath)/\(held)", access: access, replica: replica, fileSystem: fileSystem, now: clock,
      resume: resumes[held], apply: { event, line in arrivals.append((held, event, line)) })
    guard resumes[held] == nil || journal.resumed else { return nil }
    let team = TeamMerge(
      layout: layout, replica: replica, ownFile: held, resuming: loaded.contents, fileSystem: fileSystem, clock: clock)
    var allResumed = true
    team.openAll(
      names.filter { $0 != held }, fileSystem: fileSystem, clock: clock, resumes: resumes,
      notResumed: { _ in allResumed = false }
    ) { arrivals += $0 }
    guard allResumed else { return nil }
    var pipeline = loaded.pipeline
    // Anything the journals gained since needs the history first (to be put in its place).
    team.take(arrivals, into: &pipeline)
    return (journal, team, pipeline, arrivals.count, true)
  }

  /// Whether this store was opened from a team snapshot and the history of every event
  /// (who did what, for the detail pane) is still being read.
  public var isReadingTeamHistory: Bool { team?.isReadingHistory ?? false }

  /// Opened from a team snapshot: reads the history on another thread from now on, and
  /// takes it in between keys (`refresh` reads nothing new until then). A board calls this
  /// after opening; a command that needs the history reads it when it does.
  public func readTeamHistoryInBackground() {
    guard let team else { return }
    historyInBackground = true
    team.rebuildsInBackground = true
    team.readHistoryInBackground()
  }

  private var historyInBackground = false

  /// Whether a late arrival is applying the whole history again beside the board (what
  /// arrived shows once it is done).
  public var isRebuildingTeamHistory: Bool { team?.isRebuilding ?? false }

  /// Waits for the whole history applied again beside the board, and takes it in.
  func finishTeamRebuild() { team?.finishRebuild(into: &pipeline, waiting: true) }

  /// The time by the store's clock.
  public var now: Timestamp { clock() }

  /// The team pipeline this store reads, or nil for a journal of one's own.
  public var teamLayout: TeamLayout? { team?.layout }

  /// Every journal this store reads: its own, then (in a team) the other members'.
  public var journals: [JournalFile] {
    [journal] + (team.map { team in team.others.keys.sorted().compactMap { team.others[$0] } } ?? [])
  }

  /// Events that did not apply where they sort among every member's events (a move of a
  /// deal another member lost at the same time): in a team pipeline only.
  public var conflicts: [TeamConflict] { team?.conflicts ?? [] }

  /// In a team pipeline, the latest events on `lead` from every member, newest first: who
  /// did what. Empty for a journal of one's own (every change in it is one's own).
  public func recentChanges(on lead: LeadID, limit: Int = 8) -> [Event] {
    team?.events(on: lead, limit: limit) ?? []
  }

  /// The leads whose last change lost to one made at the same time by another member, with
  /// what won and what lost: in a team pipeline only.
  public var conflictMarks: [LeadID: ConflictMark] { team?.marks ?? [:] }

  /// Changes with every event the team's merge takes or this replica records: the same
  /// number means the same conflict marks.
  public var teamVersion: Int { team?.version ?? 0 }

  /// Everything worth telling the rep about the journal: damage, repairs, skipped events.
  public var warnings: [JournalWarning] {
    var all = journal.warnings + (team?.warnings ?? []) + replayWarnings
    if unknownEventCount > 0 {
      all.append(JournalWarning(line: nil, .unknownEvents(count: unknownEventCount)))
    }
    return all
  }

  /// Events of types this version does not know, in the whole journal.
  public var unknownEventCount: Int { journal.unknownEventCount }

  /// Warnings that arose since the last call (the first call: all of them), for a board
  /// that shows what happens to its journal while it is open.
  public func takeNewWarnings() -> [JournalWarning] {
    let fromJournal = journal.warnings
    defer { warningsTaken = (fromJournal.count, replayWarnings.count) }
    return Array(fromJournal.dropFirst(warningsTaken.journal)) + replayWarnings.dropFirst(warningsTaken.replay)
  }

  /// Applies lines that other processes appended; returns how many events that was.
  @discardableResult
  public func refresh() throws(JournalError) -> Int {
    try refresh(limit: .max).events
  }

  /// Applies about `limit` bytes of lines that other processes appended: how many events
  /// that was, and whether more are waiting. Without `waitForWriters`, returns at once
  /// (no events, more waiting) while another process is in the middle of an append.
  public func refresh(limit: Int64, waitForWriters: Bool = true) throws(JournalError) -> (events: Int, more: Bool) {
    if let team {
      // While the history is read beside the board, what arrives waits for it.
      if historyInBackground && !team.takeHistoryIfRead() { return (0, true) }
      // While the whole history applies again beside the board, the same.
      var count = 0
      if team.isRebuilding {
        guard team.rebuildIsDone else { return (0, true) }
        count = team.finishRebuild(into: &pipeline, waiting: false)
      }
      var arrivals: [(file: String, event: Event, line: Int)] = []
      var more = try journal.refresh(limit: limit, waitForWriters: waitForWriters) { event, line in
        arrivals.append((team.ownFile, event, line))
      }
      more =
        team.refresh(
          limit: limit, waitForWriters: waitForWriters, inBackground: historyInBackground, fileSystem: fileSystem,
          clock: clock
        ) {
          arrivals.append(($0, $1, $2))
        } || more
      team.take(arrivals, into: &pipeline, waiting: !historyInBackground)
      eventsSinceSnapshot += arrivals.count
      if team.isRebuilding { return (count, true) }
      return (count + arrivals.count, more)
    }
    var count = 0
    let more = try journal.refresh(limit: limit, waitForWriters: waitForWriters) { event, line in
      Self.replay(event, line: line, into: &pipeline, problems: &replayWarnings)
      count += 1
    }
    eventsSinceSnapshot += count
    return (count, more)
  }

  /// A lead id that no lead has yet.
  public func newLeadID() -> LeadID {
    while true {
      let id = identifiers.leadID()
      if pipeline[id] == nil { return id }
    }
  }

  /// Records one change: `make` builds it from the current state (after catching up with
  /// other processes' appends), it is checked, appended, flushed, and only then applied.
  ///
  /// Throws `make`'s error, a `PipelineError` when the change does not fit the state, or a
  /// `JournalError` when it could not be saved; in every case nothing changed.
  @discardableResult
  public func record(_ make: (Pipeline) throws -> (LeadID, Change)) throws -> Event {
    try record(decidedOn: nil, make)
  }

  /// Records a change the rep decided on `card` as they saw it: when another process moved,
  /// won, lost or edited that card since (the lines read just before appending say so),
  /// nothing is written and `StaleDecision` says what happened.
  @discardableResult
  public func record(decidedOn card: LeadID?, _ make: (Pipeline) throws -> (LeadID, Change)) throws -> Event {
    var recorded: Event?
    var fromElsewhere: Event?
    let name = card.flatMap { pipeline[$0]?.name }
    try journal.append(
      apply: { event, line in
        arrive(event, line: line)
        if event.lead == card && StaleDecision.invalidates(event.change) { fromElsewhere = event }
      },
      build: { after in
        if let fromElsewhere, let name {
          var title: String?
          if case .moved(let stage, _, _) = fromElsewhere.change { title = pipeline.stage(forKey: stage)?.title }
          throw StaleDecision(name: name, change: fromElsewhere, stageTitle: title)
        }
        let (lead, change) = try make(pipeline)
        var event = Event(id: identifiers.eventID(), time: clock(), replica: replica, lead: lead, change: change)
        if let team { event = team.stamped([event])[0] }
        try pipeline.check(event)
        recorded = event
        return PreparedLines(bytes: EventCodec.encode(event, links: LineLinks(after: after)), eventIDs: [event.id])
      })
    guard let event = recorded else { preconditionFailure("append returned without building") }
    eventsSinceSnapshot += 1
    apply(event)
    team?.recordOwn([event], lastLine: journal.lineCount)
    return event
  }

  /// Records the changes `make` decides on the current state, with one write, all or
  /// nothing; when it decides on none, nothing is written (a command re-run by a script
  /// leaves the journal as it was). Returns the events written.
  @discardableResult
  public func recordIfNeeded(_ make: (Pipeline) throws -> [(LeadID, Change)]) throws -> [Event] {
    try appendAll { pipeline in
      let time = clock()
      return try make(pipeline).map { lead, change in
        Event(id: identifiers.eventID(), time: time, replica: replica, lead: lead, change: change)
      }
    }
  }

  /// Records several changes with one write, all or nothing: `make` builds them from the
  /// current state, each is checked against the state the previous ones leave.
  @discardableResult
  public func recordAll(_ make: (Pipeline) throws -> [(LeadID, Change)]) throws -> [Event] {
    try recordAll(history: { pipeline in try make(pipeline).map { ($0.0, $0.1, nil) } })
  }

  /// Records changes to one lead the rep decided on `card` as they saw it, as one batch (a
  /// win and its first check-in): all or nothing, and nothing when another writer changed
  /// the card since (`StaleDecision`).
  @discardableResult
  public func recordAll(decidedOn card: LeadID?, lead: LeadID, _ changes: [Change]) throws -> [Event] {
    try appendAll(decidedOn: card) { _ in
      let time = clock()
      return changes.map { Event(id: identifiers.eventID(), time: time, replica: replica, lead: lead, change: $0) }
    }
  }

  /// Records changes as one batch, each with when it happened when that was earlier (the
  /// created and closed dates of deals imported from a file): all or nothing.
  @discardableResult
  public func recordAll(history make: (Pipeline) throws -> [(LeadID, Change, Timestamp?)]) throws -> [Event] {
    try appendAll { pipeline in
      // One write, one moment: every event of the batch carries the same time.
      let time = clock()
      return try make(pipeline).map { lead, change, occurred in
        Event(
          id: identifiers.eventID(), time: time, replica: replica, lead: lead, change: change, occurred: occurred)
      }
    }
  }

  /// Records many prepared events with one write (generators, imports): all or nothing.
  public func recordAll(_ events: [Event]) throws {
    try appendAll { _ in events }
  }

  /// Checks and applies the events in order, appends them as one batch (seen whole or not
  /// at all, even if this process dies while writing it), and takes them back when any of
  /// that fails. The state is changed in place, keeping only what the batch touches to take
  /// it back: a copy of a pipeline of a million leads would cost more than the batch.
  @discardableResult
  private func appendAll(decidedOn card: LeadID? = nil, _ make: (Pipeline) throws -> [Event]) throws -> [Event] {
    var events: [Event] = []
    var undo: Pipeline.BatchUndo?
    // As `record(decidedOn:)`: a change decided on a card another writer changed since is
    // not written.
    var fromElsewhere: Event?
    let name = card.flatMap { pipeline[$0]?.name }
    // A batch applied for an attempt that did not end in the file (the file was replaced
    // while it was written: the append reads the new file and builds again) comes off first.
    func takeBack() {
      if let pending = undo { pipeline.rollBack(pending) }
      undo = nil
    }
    do {
      try journal.append(
        apply: { event, line in
          takeBack()
          arrive(event, line: line)
          if let card, event.lead == card && StaleDecision.invalidates(event.change) { fromElsewhere = event }
        },
        build: { after in
          takeBack()
          if let fromElsewhere, let name {
            var title: String?
            if case .moved(let stage, _, _) = fromElsewhere.change { title = pipeline.stage(forKey: stage)?.title }
            throw StaleDecision(name: name, change: fromElsewhere, stageTitle: title)
          }
          events = try make(pipeline)
          if let team { events = team.stamped(events) }
          let ids = events.map(\.id)
          undo = pipeline.beginBatch()
          guard events.count >= 2_000 else {
            for event in events {
              try pipeline.apply(event, undo: &undo!, strict: true)
            }
            return PreparedLines(bytes: EventCodec.encodeBatch(events, after: after), eventIDs: ids)
          }
          // A large batch (an import): the lines do not depend on the state, so other threads
          // encode them a part at a time while this one checks and applies the events, and
          // then as the parts before are written.
          let stream = EncodingStream(events: events, after: after)
          do {
            for event in events {
              try pipeline.apply(event, undo: &undo!, strict: true)
            }
          } catch {
            stream.cancel()
            throw error
          }
          return PreparedLines(parts: [], stream: stream, eventIDs: ids)
        })
    } catch {
      takeBack()
      throw error
    }
    team?.recordOwn(events, lastLine: journal.lineCount)
    eventsSinceSnapshot += events.count
    return events
  }

  /// A line another process appended to this journal, applied in its place.
  private func arrive(_ event: Event, line: Int) {
    if let team {
      team.take([(team.ownFile, event, line)], into: &pipeline)
    } else {
      Self.replay(event, line: line, into: &pipeline, problems: &replayWarnings)
    }
  }

  /// An event built here with the store's clock, replica and a fresh id.
  public func makeEvent(lead: LeadID, change: Change, at time: Timestamp? = nil) -> Event {
    Event(id: identifiers.eventID(), time: time ?? clock(), replica: replica, lead: lead, change: change)
  }

  private func apply(_ event: Event) {
    do {
      try pipeline.apply(event)
    } catch {
      preconditionFailure("an event that passed its check failed to apply: \(error)")
    }
  }

  private static func replay(
    _ event: Event, line: Int, into pipeline: inout Pipeline, problems: inout [JournalWarning]
  ) {
    do {
      try pipeline.apply(event)
    } catch {
      problems.append(JournalWarning(line: line, .inconsistentEvent("\(error)")))
    }
  }
}

/// Lines encoded on another thread, read only after that thread's work has been waited for.
