import Board
import Foundation
import Journal
import PipelineCore
import TerminalModel

/// The journal as the board's store. Changes are appended through the pipeline store,
/// decided on fresh state; between keys the board learns, as messages: lines other
/// processes appended, warnings that arose since the last look (a torn tail left by a
/// crashed writer), and the journal being lost (replaced by an editor or `git checkout`,
/// deleted, cut short), which the engine answers by refusing every write from then on.
public final class JournalWatch: BoardStore {
  let store: PipelineStore
  /// Whether a large batch (an import) is being read in slices: keys are then polled between
  /// slices instead of waited for.
  private(set) var catchingUp = false
  /// Events read by the last look.
  private(set) var lastSliceRead = 0
  /// Events read so far in the current batch, so the status line counts the whole batch.
  private var batchEvents = 0
  /// The error of the last look, so that one that lasts (a directory that cannot be read) is
  /// shown once, not again every half second.
  private var lastError: String?

  /// Whether the team's history was still being read at the last look: once it is in, the
  /// board is drawn again (the detail pane says who did what).
  private var readingHistory = false

  /// A sync with the team running in the background, and what it said once done.
  private let sync = SyncInBackground()

  /// How often to sync a team pipeline on its own, in seconds (nil: only on `S`).
  let syncEvery: Int?
  /// When the last sync started (the process's monotonic clock), for `syncEvery`.
  private var lastSyncStart = ContinuousClock.now
  /// This journal's lines when the last sync started: what it committed.
  private var linesAtLastSync: Int?
  /// When the folder last reached its remote, as the last look saw it: a `closer sync` run
  /// elsewhere (another terminal, a script) moves it on.
  private var knownLastSync: Timestamp?

  public init(store: PipelineStore, syncEvery: Int? = nil) {
    self.store = store
    self.syncEvery = syncEvery
    // Opened from a team snapshot: who did what is read beside the board's keys.
    store.readTeamHistoryInBackground()
    readingHistory = store.isReadingTeamHistory
    // The title says when this folder last synced, whoever synced it.
    if let layout = store.teamLayout, let last = TeamSync(layout: layout, replica: store.replica).lastSync {
      sync.setState("synced \(SyncInBackground.clockTime(at: last))")
      knownLastSync = last
    }
  }

  /// Conflicts the rep has looked at (the losing event's id), kept in the team folder's
  /// `.git`, where nothing is shared: what one member has seen is theirs.
  private lazy var seenConflicts: Set<String> = store.teamLayout.map(Self.seenConflicts(in:)) ?? []

  private var seenConflictsPath: String? { store.teamLayout.map(Self.seenConflictsPath(in:)) }

  static func seenConflictsPath(in layout: TeamLayout) -> String { "\(layout.directory)/.git/closer-seen-conflicts" }

  /// The conflicts this machine's rep has looked at on the board (the losing events' ids).
  static func seenConflicts(in layout: TeamLayout) -> Set<String> {
    guard let text = try? String(contentsOfFile: seenConflictsPath(in: layout), encoding: .utf8) else { return [] }
    return Set(text.split(separator: "\n").map(String.init))
  }

  public var conflictNotes: [LeadID: String] { conflictsNow.notes }

  public var unseenConflicts: Set<LeadID> { conflictsNow.unseen }

  /// The board asks after every key: worked out again only when the merge or what the rep
  /// has seen changed, not once a key over every mark.
  private var conflictsCache: (key: [Int], notes: [LeadID: String], unseen: Set<LeadID>)?

  private var conflictsNow: (notes: [LeadID: String], unseen: Set<LeadID>) {
    let key = [store.teamVersion, seenConflicts.count]
    if let cache = conflictsCache, cache.key == key { return (cache.notes, cache.unseen) }
    let marks = store.conflictMarks
    let notes = marks.mapValues { $0.description(me: store.replica, pipeline: store.pipeline) }
    let unseen = Set(marks.filter { !seenConflicts.contains($0.value.loser.id) }.keys)
    conflictsCache = (key, notes, unseen)
    return (notes, unseen)
  }

  public func sawConflict(on lead: LeadID) {
    guard let mark = store.conflictMarks[lead], !seenConflicts.contains(mark.loser.id) else { return }
    seenConflicts.insert(mark.loser.id)
    guard let path = seenConflictsPath, FileManager.default.fileExists(atPath: directory(of: path)) else { return }
    // Appended, one id a line: losing it only means a card is marked again.
    if let handle = FileHandle(forWritingAtPath: path)
      ?? {
        FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
      }()
    {
      _ = try? handle.seekToEnd()
      try? handle.write(contentsOf: Data((mark.loser.id + "\n").utf8))
      try? handle.close()
    }
  }

  public func changes(on lead: LeadID) -> [String] {
    store.recentChanges(on: lead).map { event in
      let local = Timestamp(
        millisecondsSinceEpoch: event.time.millisecondsSinceEpoch + Int64(
          Environment.calendar.offsetSeconds(at: event.time)) * 1000)
      let when = String(local.iso8601.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
      let who = event.replica == store.replica ? "you" : event.replica
      return "\(when) \(who) \(event.change.phrase(in: store.pipeline))"
    }
  }

  /// Starts `closer sync` on another thread: git may take seconds (or a minute, offline),
  /// and the board answers keys meanwhile. Only the lines settled now are committed.
  public func startSync() -> String { startSync(announce: true) }

  /// `announce`: say how it went even when it went well (a sync the rep asked for); a sync
  /// on the config's schedule only speaks up when it failed, the title shows the rest.
  private func startSync(announce: Bool) -> String {
    guard let layout = store.teamLayout else {
      return "this pipeline is not shared with a team: `closer team init DIR` makes it a team pipeline (docs/team.md)"
    }
    let task = TeamSync(layout: layout, replica: store.replica)
    let settled = store.journal.offset
    let lines = store.journal.lineCount
    let started = sync.start(announce: announce) {
      let outcome = try task.run(settledBytes: settled)
      return (outcome.lines.joined(separator: "; "), outcome.reachedRemote)
    }
    guard started else { return "a sync is already running" }
    lastSyncStart = .now
    linesAtLastSync = lines
    return "syncing with the team…"
  }

  /// In a team pipeline, the sync state for the title: when it last synced, or that it is
  /// syncing, offline or failed, and how many of this machine's events wait for the next.
  public var teamStatus: String? {
    guard store.teamLayout != nil else { return nil }
    var status = sync.state
    if let linesAtLastSync, store.journal.lineCount > linesAtLastSync {
      status += " · \(store.journal.lineCount - linesAtLastSync) to sync"
    }
    return status
  }

  /// Reads about `limit` bytes of what other processes appended, without waiting for a
  /// writer in the middle of an append, and says what the rep should see. A lost journal is
  /// said once: from then on the engine no longer reads it, and this returns at once.
  public func look() -> [Message] { look(limit: BoardSession.refreshSlice) }

  func look(limit: Int64) -> [Message] {
    var messages: [Message] = []
    var failure: String?
    do {
      let (count, more) = try store.refresh(limit: limit, waitForWriters: false)
      batchEvents = (catchingUp ? batchEvents : 0) + count
      catchingUp = more
      lastSliceRead = count
      if count > 0 { messages.append(.externalChanges(count: batchEvents)) }
      if readingHistory && !store.isReadingTeamHistory {
        readingHistory = false
        messages.append(.tick(store.now))
      }
    } catch {
      catchingUp = false
      lastSliceRead = 0
      failure = "\(error)"
    }
    if let notice = BoardRuntime.notice(store.takeNewWarnings().map(\.description)) {
      messages.append(.notice(notice))
    }
    if let outcome = sync.takeOutcome() {
      // The others' lines it brought in are read by the next look, like any appends.
      messages.append(.notice(outcome))
      // The time it left is this board's own sync, not one from elsewhere.
      if let layout = store.teamLayout { knownLastSync = TeamSync(layout: layout, replica: store.replica).lastSync }
    }
    noteSyncsElsewhere()
    if let syncEvery, store.teamLayout != nil, !sync.isRunning,
      ContinuousClock.now - lastSyncStart >= .seconds(syncEvery)
    {
      _ = startSync(announce: false)
    }
    // Last, so that it is what the status line shows: why nothing more is written.
    if let failure, failure != lastError { messages.append(.notice(failure)) }
    lastError = failure
    return messages
  }

  /// A sync that reached the remote from elsewhere (`closer sync` in another terminal): the
  /// title says so, counts this journal's lines to sync from now, and a scheduled sync waits
  /// its interval again.
  private func noteSyncsElsewhere() {
    guard let layout = store.teamLayout, !sync.isRunning,
      let last = TeamSync(layout: layout, replica: store.replica).lastSync, last != knownLastSync
    else { return }
    knownLastSync = last
    sync.setState("synced \(SyncInBackground.clockTime(at: last))")
    linesAtLastSync = store.journal.lineCount
    lastSyncStart = .now
  }

  /// Why the board must refuse changes now, or nil: the journal's own answer, which changes
  /// when it is lost or found damaged while the board is open.
  public var readOnlyReason: String? { store.journal.readOnlyReason }

  public var pipeline: Pipeline { store.pipeline }

  /// `CLOSER_OWNER`, else the user name, as for `closer list --owner me`.
  public var me: String? {
    let name = Environment.current.me
    return name.isEmpty ? nil : name
  }

  public var isCatchingUp: Bool { catchingUp }

  public func newLeadID() -> LeadID { store.newLeadID() }

  public func record(_ changes: [Change], to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    try store.recordAll(decidedOn: card, lead: lead, changes).first?.id ?? ""
  }

  public func record(_ change: Change, to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    try store.record(decidedOn: card) { _ in (lead, change) }.id
  }
}

/// One background sync at a time, its outcome until the board has seen it, and the state
/// the title shows.
final class SyncInBackground: @unchecked Sendable {
  private let lock = NSLock()
  private var running = false
  private var outcome: String?
  /// What the title says: "not synced yet", "synced 14:02", "offline 14:02" ...
  private var lastState = "not synced yet"

  /// Runs `work` on a thread of its own unless one is running; false when one is. `work`
  /// says what it did and whether it reached the remote.
  func start(announce: Bool, _ work: @escaping @Sendable () throws -> (String, Bool)) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard !running else { return false }
    running = true
    let thread = Thread { [self] in
      var said: String?
      let time = Self.clockTime()
      let state: String
      do {
        let (lines, reached) = try work()
        state = reached ? "synced \(time)" : "not shared \(time): committed locally"
        if announce || !reached { said = (reached ? "synced: " : "sync: ") + lines }
      } catch {
        state = "sync failed \(time)"
        said = "sync failed: \(error)"
      }
      lock.lock()
      outcome = said
      lastState = state
      running = false
      lock.unlock()
    }
    thread.start()
    return true
  }

  /// What the last sync said, once.
  func takeOutcome() -> String? {
    lock.lock()
    defer { lock.unlock() }
    let said = outcome
    outcome = nil
    return said
  }

  var isRunning: Bool {
    lock.lock()
    defer { lock.unlock() }
    return running
  }

  var state: String {
    lock.lock()
    defer { lock.unlock() }
    return running ? "syncing…" : lastState
  }

  func setState(_ state: String) {
    lock.lock()
    lastState = state
    lock.unlock()
  }

  /// The local time of day, HH:MM.
  static func clockTime(at moment: Timestamp = Environment.now()) -> String {
    let now = moment
    let local = now.millisecondsSinceEpoch / 1000 + Int64(Environment.calendar.offsetSeconds(at: now))
    let minutes = (local / 60) % 1440
    let pad = { (n: Int64) in n < 10 ? "0\(n)" : "\(n)" }
    return "\(pad(minutes / 60)):\(pad(minutes % 60))"
  }
}

private func directory(of path: String) -> String {
  String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
}
