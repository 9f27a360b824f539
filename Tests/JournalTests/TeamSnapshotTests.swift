import Foundation
import Journal
import PipelineCore
import Testing

/// A team pipeline opened from this replica's team snapshot: the same pipeline, marks and
/// history as reading every journal, and never used when a journal no longer matches it.
@Suite struct TeamSnapshotTests {
  /// Ana and Ben with a few leads each, moved by both; Ana's folder has Ben's journal.
  private func team(in dir: TemporaryDirectory) throws -> (ana: String, ben: String, leads: [LeadID]) {
    let (ana, ben, anaStore, benStore) = try twoMembers(in: dir)
    var leads: [LeadID] = []
    for index in 0..<6 { leads.append(try addLead(index % 2 == 0 ? anaStore : benStore, "Deal \(index)")) }
    deliver("\(ana)/journals/ana@laptop.jsonl", to: "\(ben)/journals/ana@laptop.jsonl")
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    try anaStore.refresh()
    try benStore.refresh()
    // Both move the first deal without seeing each other's move: a conflict to mark.
    try anaStore.record { _ in (leads[0], .moved(stage: "proposal", position: 1, gateOverridden: true)) }
    try benStore.record { _ in (leads[0], .moved(stage: "negotiation", position: 1, gateOverridden: true)) }
    try benStore.record { _ in (leads[1], .checked(criterion: "budget", isChecked: true)) }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    try anaStore.refresh()
    try anaStore.saveSnapshot()
    return (ana, ben, leads)
  }

  private func open(_ folder: String, snapshots: Bool = true) throws -> PipelineStore {
    try PipelineStore(path: folder, replica: "ana@laptop", clock: MemberClock(offsetDays: 3).now, snapshots: snapshots)
  }

  /// Cy, whose clock is nine days behind and who has seen nothing, adds a lead and it
  /// reaches Ana's folder: an event that sorts before everything there.
  private func leadFromCyDaysBehind(in dir: TemporaryDirectory, deliveredTo ana: String) throws {
    let cy = dir.file("cy")
    makeTeamFolder(cy)
    let cyStore = try PipelineStore(path: cy, replica: "cy@phone", clock: MemberClock(offsetDays: -9).now)
    _ = try addLead(cyStore, "From Cy")
    deliver("\(cy)/journals/cy@phone.jsonl", to: "\(ana)/journals/cy@phone.jsonl")
  }

  private func snapshotPath(_ folder: String) -> String { "\(folder)/journals/ana@laptop.jsonl.team-snapshot" }

  @Test func itOpensWithTheSameStateMarksAndHistory() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, _, leads) = try team(in: dir)
    #expect(FileManager.default.fileExists(atPath: snapshotPath(ana)))
    let whole = try open(ana, snapshots: false)
    let fast = try open(ana)
    #expect(fast.isReadingTeamHistory, "opened from the snapshot")
    #expect(canonical(fast.pipeline) == canonical(whole.pipeline))
    #expect(!whole.conflictMarks.isEmpty)
    #expect(fast.conflictMarks == whole.conflictMarks)
    #expect(fast.teamVersion >= 0)
    for lead in leads { #expect(fast.recentChanges(on: lead) == whole.recentChanges(on: lead)) }
    #expect(!fast.isReadingTeamHistory)
  }

  /// The `base` of a change made before the history is read is the last event on the lead,
  /// as when every journal was read.
  @Test func aChangeMadeBeforeTheHistoryIsReadNamesWhatItSaw() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, _, leads) = try team(in: dir)
    let whole = try open(ana, snapshots: false)
    let seen = try #require(whole.recentChanges(on: leads[1]).first?.id)
    let fast = try open(ana)
    #expect(fast.isReadingTeamHistory)
    let event = try fast.record { _ in (leads[1], .checked(criterion: "need", isChecked: true)) }
    #expect(event.base == seen)
    #expect(fast.isReadingTeamHistory, "recording needs no history")
    // Once read, the history has the new event last.
    #expect(fast.recentChanges(on: leads[1]).first == event)
    #expect(fast.recentChanges(on: leads[1]).dropFirst().first?.id == seen)
  }

  /// What the journals gained after the snapshot (a new member's journal, more lines of
  /// Ben's) is read and put in its place.
  @Test func whatArrivedAfterTheSnapshotIsPutInItsPlace() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, leads) = try team(in: dir)
    let benStore = try PipelineStore(path: ben, replica: "ben@desk", clock: MemberClock(offsetDays: -1).now)
    try benStore.record { _ in (leads[2], .won) }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    let cy = dir.file("cy")
    makeTeamFolder(cy)
    let cyStore = try PipelineStore(path: cy, replica: "cy@phone", clock: MemberClock(offsetDays: -5).now)
    _ = try addLead(cyStore, "From Cy")
    deliver("\(cy)/journals/cy@phone.jsonl", to: "\(ana)/journals/cy@phone.jsonl")
    let whole = try open(ana, snapshots: false)
    let fast = try open(ana)
    #expect(canonical(fast.pipeline) == canonical(whole.pipeline))
    #expect(fast.pipeline[leads[2]]?.status == .won)
    #expect(fast.pipeline.leads.contains { $0.name == "From Cy" })
    #expect(fast.conflictMarks == whole.conflictMarks)
  }

  /// A journal rewritten after the snapshot (a line changed, the file shorter) or a damaged
  /// snapshot: the snapshot is not used, every journal is read.
  @Test func aRewrittenJournalOrADamagedSnapshotIsNotUsed() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, _, _) = try team(in: dir)
    let benPath = "\(ana)/journals/ben@desk.jsonl"
    let original = readBytes(benPath)
    let lines = original.split(separator: 0x0A, omittingEmptySubsequences: false)
    writeBytes(Array(lines.prefix(3).joined(separator: [0x0A])) + [0x0A], to: benPath)
    let shorter = try open(ana)
    #expect(!shorter.isReadingTeamHistory, "not opened from the snapshot")
    #expect(canonical(shorter.pipeline) == canonical(try open(ana, snapshots: false).pipeline))

    writeBytes(original, to: benPath)
    let fresh = try open(ana)
    try fresh.saveSnapshot()
    var snapshot = readBytes(snapshotPath(ana))
    snapshot[snapshot.count / 2] ^= 0x20
    writeBytes(snapshot, to: snapshotPath(ana))
    let damaged = try open(ana)
    #expect(!damaged.isReadingTeamHistory)
    #expect(canonical(damaged.pipeline) == canonical(try open(ana, snapshots: false).pipeline))
  }

  /// A board reads the history beside its keys: until it is in, what arrives waits, then it
  /// is taken in with the history and nothing is lost.
  @Test func theHistoryIsReadInTheBackgroundAndArrivalsWaitForIt() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, leads) = try team(in: dir)
    let fast = try open(ana)
    #expect(fast.isReadingTeamHistory)
    fast.readTeamHistoryInBackground()
    let benStore = try PipelineStore(path: ben, replica: "ben@desk", clock: MemberClock(offsetDays: -1).now)
    try benStore.record { _ in (leads[3], .lost(reason: "Price")) }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    let deadline = ContinuousClock.now + .seconds(20)
    var read = 0
    while read == 0 && ContinuousClock.now < deadline {
      read += try fast.refresh(limit: .max, waitForWriters: false).events
      if read == 0 { usleep(5_000) }
    }
    #expect(read == 1)
    #expect(!fast.isReadingTeamHistory)
    #expect(canonical(fast.pipeline) == canonical(try open(ana, snapshots: false).pipeline))
    #expect(fast.pipeline[leads[3]]?.status == .lost)
  }

  /// A change recorded while the history is still to be read, when this machine's own
  /// journal gained a line meanwhile (another command of the same rep): the append reads
  /// that line first, which needs the history, read while the append holds the journal's
  /// lock; it must not wait for that lock.
  @Test func aChangeThatNeedsTheHistoryWhileAppendingDoesNotWaitForItself() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, _, leads) = try team(in: dir)
    let fast = try open(ana)
    #expect(fast.isReadingTeamHistory)
    let other = try open(ana, snapshots: false)
    try other.record { _ in (leads[4], .checked(criterion: "need", isChecked: true)) }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) let store = fast
    let lead = leads[5]
    Thread {
      _ = try? store.record { _ in (lead, .checked(criterion: "budget", isChecked: true)) }
      done.signal()
    }.start()
    guard done.wait(timeout: .now() + 20) == .success else {
      Issue.record("the change waited for the journal's lock it held itself")
      return
    }
    #expect(fast.pipeline[leads[5]]?.isChecked("budget") == true)
    #expect(fast.pipeline[leads[4]]?.isChecked("need") == true)
    #expect(canonical(fast.pipeline) == canonical(try open(ana, snapshots: false).pipeline))
  }

  /// Changes made after the snapshot by writers who had seen everything (this machine's
  /// own, another member's made after receiving them) are applied without reading the
  /// history; one that sorts before what was applied makes the open read it, and write the
  /// snapshot again at once, so the next open is fast again.
  @Test func onlyEventsThatNeedTheHistoryMakeAnOpenReadIt() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, leads) = try team(in: dir)
    let own = try open(ana)
    try own.record { _ in (leads[2], .checked(criterion: "need", isChecked: true)) }
    deliver("\(ana)/journals/ana@laptop.jsonl", to: "\(ben)/journals/ana@laptop.jsonl")
    let benStore = try PipelineStore(path: ben, replica: "ben@desk", clock: MemberClock(offsetDays: 4).now)
    try benStore.record { _ in (leads[3], .moved(stage: "closing", position: 1, gateOverridden: true)) }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    let fast = try open(ana)
    #expect(fast.isReadingTeamHistory, "both applied without the history")
    let whole = try open(ana, snapshots: false)
    #expect(canonical(fast.pipeline) == canonical(whole.pipeline))
    #expect(fast.conflictMarks == whole.conflictMarks)
    #expect(fast.pipeline[leads[3]]?.stage == "closing")
    // Cy, whose clock is days behind and who has seen nothing, adds a lead: it sorts first.
    try leadFromCyDaysBehind(in: dir, deliveredTo: ana)
    let slow = try open(ana)
    #expect(!slow.isReadingTeamHistory, "the history was read to put Cy's lead first")
    #expect(canonical(slow.pipeline) == canonical(try open(ana, snapshots: false).pipeline))
  }

  /// Opening a team of enough events writes the snapshot; the next open uses it.
  @Test func openingALargeTeamWritesItsSnapshot() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, anaStore, benStore) = try twoMembers(in: dir)
    for (store, name) in [(anaStore, "A"), (benStore, "B")] {
      try store.recordAll { _ in
        (0..<1_100).map { index in (store.newLeadID(), .created(NewLead(name: "\(name) \(index)", stage: "qualifying")))
        }
      }
    }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    #expect(!FileManager.default.fileExists(atPath: snapshotPath(ana)))
    let first = try open(ana)
    #expect(first.pipeline.count == 2_200 && !first.isReadingTeamHistory)
    #expect(FileManager.default.fileExists(atPath: snapshotPath(ana)))
    let second = try open(ana)
    #expect(second.isReadingTeamHistory)
    #expect(canonical(second.pipeline) == canonical(first.pipeline))
    // One lead from Cy, whose clock is days behind: it sorts first, the open reads the
    // history to put it there, and writes the snapshot again at once for it alone.
    try leadFromCyDaysBehind(in: dir, deliveredTo: ana)
    let slow = try open(ana)
    #expect(!slow.isReadingTeamHistory && slow.pipeline.count == 2_201)
    #expect(slow.eventsSinceSnapshot == 0, "written again at once")
    let third = try open(ana)
    #expect(third.isReadingTeamHistory)
    #expect(canonical(third.pipeline) == canonical(slow.pipeline))
    // A change of this machine's own needs no history: no snapshot is written for it.
    try third.record { _ in (third.pipeline.leads[0].id, .checked(criterion: "need", isChecked: true)) }
    let fourth = try open(ana)
    #expect(fourth.isReadingTeamHistory && fourth.eventsSinceSnapshot == 1)
  }
}
