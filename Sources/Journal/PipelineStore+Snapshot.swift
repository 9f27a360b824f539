import Foundation
import Glibc
import PipelineCore

/// What the second thread of `loadSnapshot` found; read after `done` is signalled.
private final class SideResults: @unchecked Sendable {
  var eventIDs: EventIDSet?
  var prefix: PrefixChecksum?
  let done = DispatchSemaphore(value: 0)
}

extension PipelineStore {
  /// Journals with fewer events open fast enough without a snapshot.
  public static let snapshotMinimumEvents = 2_000
  /// A snapshot is rewritten once this many events have been replayed after it.
  static let snapshotRefreshEvents = 2_000

  /// The snapshot's seal, the state it holds, and the ids of the events it covers, when it
  /// is usable with this configuration.
  static func loadSnapshot(journal path: String, config: PipelineConfig, fileSystem: FileSystem)
    -> (resume: JournalResume, pipeline: Pipeline)?
  {
    // Read a window at a time: the file's bytes are never whole in memory beside the leads
    // made from them (a million leads: a 560 MB file).
    withSnapshot(journal: path, config: config, fileSystem: fileSystem) { file, seal in
      load(file, seal: seal, journal: path, config: config, fileSystem: fileSystem)
    }
  }

  /// Opens the snapshot of the journal at `path` (a regular file only: a named pipe is never
  /// waited on), reads its seal, and hands both to `body` when it was made with `config`;
  /// nil otherwise.
  static func withSnapshot<T>(
    journal path: String, config: PipelineConfig, fileSystem: FileSystem, _ body: (Snapshot.File, SnapshotSeal) -> T?
  ) -> T? {
    let snapshotPath = Snapshot.path(forJournal: path)
    guard (try? fileSystem.status(atPath: snapshotPath))??.kind == .regular,
      let descriptor = try? fileSystem.open(snapshotPath, writable: false, create: false)
    else { return nil }
    defer { fileSystem.close(descriptor) }
    guard let status = try? fileSystem.status(descriptor), status.kind == .regular, status.size > 0,
      let file = try? Snapshot.File(fileSystem: fileSystem, descriptor: descriptor, size: status.size),
      let seal = try? file.section(0, Snapshot.readSeal), seal.configFingerprint == Snapshot.fingerprint(config)
    else { return nil }
    return body(file, seal)
  }

  private static func load(
    _ file: Snapshot.File, seal: SnapshotSeal, journal path: String, config: PipelineConfig, fileSystem: FileSystem
  ) -> (resume: JournalResume, pipeline: Pipeline)? {
    // Beside the leads, on a second thread: the ids of the events covered, and the checksum
    // of the journal's bytes the snapshot covers (2.4 GB at a million leads), which opening
    // the journal then compares instead of reading them again.
    let side = SideResults()
    let worker = Thread { [side] in
      side.eventIDs = try? file.section(3, Snapshot.readEventIDs)
      side.prefix = PrefixChecksum.take(of: path, count: seal.position.offset, fileSystem: fileSystem)
      side.done.signal()
    }
    worker.start()
    let pipeline = try? Pipeline(config: config, image: file.image())
    side.done.wait()
    guard let pipeline, let eventIDs = side.eventIDs else { return nil }
    return (JournalResume(seal: seal, eventIDs: eventIDs, prefix: side.prefix), pipeline)
  }

  /// Writes a new snapshot of the current state when the journal is sound and enough
  /// events were replayed since the last one. Failing to write it only costs speed.
  func saveSnapshotIfWorthwhile(replayedSince seal: SnapshotSeal?) {
    let events = journal.lineCount - 1
    let replayed = journal.lineCount - (seal?.position.lineCount ?? 1)
    // A large journal's snapshot is rewritten after a share of its events rather than a
    // fixed number: at eleven million events, rewriting 580 MB every 2,000 events would cost
    // more than replaying them (1%: 110,000 events, a third of a second).
    let refresh = max(Self.snapshotRefreshEvents, events / 100)
    guard events >= Self.snapshotMinimumEvents, seal == nil || replayed >= refresh,
      replayed >= Self.snapshotRefreshEvents,
      !warnings.contains(where: { $0.isDamage }), journal.offset > 0
    else { return }
    try? saveSnapshot()
  }

  /// Writes a new snapshot when enough events were read or written since the one the store
  /// opened from or last wrote (2,000, or 1% of all when that is more), and the journals are
  /// sound: what a board does when it closes, and `closer sync` after bringing changes in,
  /// so that the next open reads only what came after. Failing to write it only costs speed.
  public func saveSnapshotIfStale() {
    let events = journals.reduce(0) { $0 + max(0, $1.lineCount - 1) }
    guard events >= Self.snapshotMinimumEvents,
      eventsSinceSnapshot >= max(Self.snapshotRefreshEvents, events / 100)
        || (eventsSinceSnapshot > 0 && team?.needsHistorySinceSnapshot == true),
      team?.unreadable.isEmpty ?? true, !warnings.contains(where: { $0.isDamage })
    else { return }
    try? saveSnapshot()
  }

  /// In a team pipeline: writes a new team snapshot when the journals are sound and they
  /// hold enough events, and (opened from one) enough of them were read after it.
  func saveTeamSnapshotIfWorthwhile(replayed: Int, resumed: Bool) {
    let events = journals.reduce(0) { $0 + max(0, $1.lineCount - 1) }
    let refresh = max(Self.snapshotRefreshEvents, events / 100)
    // Events that needed the history to be read make the next open read it again: the
    // snapshot is written again however few they were.
    guard events >= Self.snapshotMinimumEvents,
      !resumed || replayed >= refresh || team?.needsHistorySinceSnapshot == true,
      team?.unreadable.isEmpty ?? true, !warnings.contains(where: { $0.isDamage })
    else { return }
    try? saveSnapshot()
  }

  /// Writes a snapshot of the current state next to the journal (in a team pipeline, this
  /// replica's team snapshot in `journals/`), replacing the old one.
  ///
  /// It is written to a temporary file of its own (locked while being written, so that
  /// another process can tell it from one a killed process left behind, which it removes)
  /// and renamed into place.
  public func saveSnapshot() throws {
    if let team {
      // What is being applied beside a board is in first: the journals' places already
      // count it.
      finishTeamRebuild()
      let fingerprint = Snapshot.fingerprint(pipeline.config)
      var members: [TeamSnapshot.Member] = []
      for (name, file) in [(team.ownFile, journal)] + team.others.sorted(by: { $0.key < $1.key }) {
        guard file.lineCount >= 2 else { continue }  // no events yet: nothing to cover
        guard let seal = file.seal(configFingerprint: fingerprint, unknownEvents: file.unknownEventCount) else {
          return
        }
        members.append(
          TeamSnapshot.Member(name: name, seal: seal, lastClock: team.lastClock[name], eventIDs: file.eventIDs))
      }
      let contents = TeamSnapshot.Contents(
        configFingerprint: fingerprint, latest: team.latest, members: members, marks: team.marks,
        conflicts: team.conflicts, lastEventIDs: team.lastEventIDs)
      try writeSnapshot(at: TeamSnapshot.path(in: team.layout, replica: replica)) { sink in
        try TeamSnapshot.encode(contents, pipeline: pipeline, to: sink)
      }
      eventsSinceSnapshot = 0
      team.needsHistorySinceSnapshot = false
      return
    }
    guard
      let seal = journal.seal(
        configFingerprint: Snapshot.fingerprint(pipeline.config), unknownEvents: unknownEventCount)
    else { return }
    try writeSnapshot(at: Snapshot.path(forJournal: journal.path)) { sink in
      try Snapshot.encode(seal: seal, pipeline: pipeline, eventIDs: journal.eventIDs, to: sink)
    }
    eventsSinceSnapshot = 0
  }

  /// Writes the snapshot `encode` hands over a piece at a time to a temporary file, and
  /// renames it to `path`.
  private func writeSnapshot(at path: String, _ encode: (([UInt8]) throws -> Void) throws -> Void) throws {
    removeAbandonedSnapshots(of: path)
    var random = SystemRandomNumberGenerator()
    let temporary = path + ".tmp-\(getpid())-\(String(random.next() & 0xFFFF_FFFF, radix: 16))"
    do {
      let descriptor = try fileSystem.open(temporary, writable: true, create: true)
      defer { fileSystem.close(descriptor) }
      _ = try fileSystem.tryLock(descriptor, exclusive: true)
      // Written a section at a time, as each is made.
      try encode { bytes in
        var done = 0
        while done < bytes.count {
          let written = bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in
              try fileSystem.append(descriptor, UnsafeRawBufferPointer(rebasing: raw[done...]))
            }
          }
          let count = try written.get()
          guard count > 0 else { throw SystemError("short write to", path: temporary, code: 28) }
          done += count
        }
      }
      try fileSystem.rename(temporary, to: path)
    } catch {
      fileSystem.remove(temporary)
      throw error
    }
  }

  /// Removes temporary snapshots that processes killed while writing them left behind
  /// (nobody holds their lock).
  private func removeAbandonedSnapshots(of path: String) {
    let folder = directory(of: path)
    let prefix = String(path.split(separator: "/").last ?? "") + ".tmp-"
    for name in fileSystem.contents(ofDirectory: folder) where name.hasPrefix(prefix) {
      let leftover = folder + "/" + name
      guard let descriptor = try? fileSystem.open(leftover, writable: false, create: false) else { continue }
      if (try? fileSystem.tryLock(descriptor, exclusive: true)) == true { fileSystem.remove(leftover) }
      fileSystem.close(descriptor)
    }
  }

  /// Appends a new lead (and `more` changes to it) without replaying the journal, when a
  /// snapshot makes that safe:
  /// the snapshot vouches for the lines it covers, the lines after it are read and checked,
  /// and its sorted id list keeps the new id unique. Returns nil when there is no usable
  /// snapshot; the caller then opens the store normally.
  ///
  /// `duplicate` decides, given the id of a lead with the same name and company or the same
  /// email (from the snapshot's index, or among the leads created after it) and why,
  /// whether to go on (it may throw to refuse); it is not called when there is none.
  public static func quickCreate(
    journal path: String, config: PipelineConfig, replica: String, fileSystem: FileSystem = PosixFileSystem(),
    clock: @escaping () -> Timestamp, lead new: NewLead, then more: [Change] = [],
    warnings: inout [JournalWarning], duplicate: (LeadID, String) throws -> Void = { _, _ in }
  ) throws -> Event? {
    // The seal and the lead index, read a window at a time: the state and the event ids
    // (nearly all of the file) are never read.
    guard
      let (seal, index) = withSnapshot(
        journal: path, config: config, fileSystem: fileSystem,
        { file, seal in (try? file.section(1, Snapshot.readLeadIndex)).map { (seal, $0) } })
    else { return nil }
    let nameKey = DuplicateKey.name(new.name, company: new.company)
    let emailKey = DuplicateKey.email(new.email)
    // Leads created after the snapshot, by their keys (renames after it are not seen).
    var createdKeys: [UInt64: LeadID] = [:]
    // Repeats among the few lines after the snapshot change nothing about a new lead: the
    // event ids the snapshot covers are not loaded.
    let eventIDs = EventIDSet()
    var created = Set<LeadID>()
    let collect: (Event, Int) -> Void = { event, _ in
      if case .created(let lead) = event.change {
        created.insert(event.lead)
        createdKeys[DuplicateKey.name(lead.name, company: lead.company)] = event.lead
        if let email = DuplicateKey.email(lead.email) { createdKeys[email] = event.lead }
      }
    }
    let journal: JournalFile
    do {
      journal = try JournalFile(
        path: path, access: .readWrite, replica: replica, fileSystem: fileSystem, now: clock,
        resume: JournalResume(seal: seal, eventIDs: eventIDs), resumeOnly: true, apply: collect)
    } catch JournalError.snapshotOutOfDate {
      return nil
    }
    func isTaken(_ id: LeadID) -> Bool { created.contains(id) || index.contains(id.rawValue) }
    var identifiers = Identifiers()
    var events: [Event] = []
    try journal.append(apply: collect) { after in
      // Decided on what is in the journal now, under its lock.
      if let match = createdKeys[nameKey] ?? index.lead(withKey: nameKey, in: index.names).map({ LeadID($0) }) {
        try duplicate(match, "the same name and company")
      } else if let emailKey,
        let match = createdKeys[emailKey] ?? index.lead(withKey: emailKey, in: index.emails).map({ LeadID($0) })
      {
        try duplicate(match, "the same email")
      }
      var id = identifiers.leadID()
      while isTaken(id) { id = identifiers.leadID() }
      // The creation and any changes that come with it (a follow-up), checked in order on
      // a pipeline of their own and written in one append.
      var scratch = Pipeline(config: config)
      let time = clock()
      events = []
      for change in [Change.created(new)] + more {
        let built = Event(id: identifiers.eventID(), time: time, replica: replica, lead: id, change: change)
        try scratch.check(built)
        try scratch.apply(built)
        events.append(built)
      }
      return PreparedLines(bytes: EventCodec.encodeBatch(events, after: after), eventIDs: events.map(\.id))
    }
    warnings = journal.warnings
    return events.first
  }
}
