import Foundation
import Glibc
import Testing

@testable import Journal
@testable import PipelineCore

/// A snapshot vouches for every byte it covers: whatever is done to the journal under it,
/// opening gives the same answers as with no snapshot at all.
@Suite struct SnapshotIntegrityTests {
  /// A journal above the snapshot threshold, one line per event (so single lines can be
  /// edited), with its snapshot written.
  static func makeJournal(_ dir: TemporaryDirectory) throws -> String {
    let path = dir.file("journal.jsonl")
    let writer = try openStore(path)
    var ids: [LeadID] = []
    for i in 0..<40 { ids.append(try addLead(writer, "Lead \(i)")) }
    // The rest as batches of two (a lead and its note), to pass the threshold quickly.
    for i in 0..<(PipelineStore.snapshotMinimumEvents / 2) {
      try writer.recordAll { _ in
        [
          (ids[i % 40], .noteAdded("note \(i)")),
          (ids[(i + 1) % 40], .checked(criterion: "budget", isChecked: i % 2 == 0)),
        ]
      }
    }
    _ = try openStore(path)
    #expect(FileManager.default.fileExists(atPath: path + ".snapshot"))
    return path
  }

  /// What opening says with the snapshot, and without it.
  private func bothWays(_ path: String) throws -> (with: PipelineStore, without: PipelineStore) {
    let snapshot = readBytes(path + ".snapshot")
    let with = try openStore(path, access: .readOnly)
    try FileManager.default.removeItem(atPath: path + ".snapshot")
    let without = try openStore(path, access: .readOnly)
    writeBytes(snapshot, to: path + ".snapshot")
    return (with, without)
  }

  private func expectSameAnswers(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (with, without) = try bothWays(path)
    #expect(!with.journal.resumed, sourceLocation: sourceLocation)
    #expect(with.pipeline.image == without.pipeline.image, sourceLocation: sourceLocation)
    #expect(with.warnings == without.warnings, sourceLocation: sourceLocation)
    #expect(with.journal.isReadOnly == without.journal.isReadOnly, sourceLocation: sourceLocation)
  }

  private func lines(_ path: String) -> [[UInt8]] { readBytes(path).split(separator: 0x0A).map { Array($0) + [0x0A] } }

  @Test func aSameLengthEditInTheMiddleIsSeen() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try Self.makeJournal(dir)
    var all = lines(path)
    let target = try #require(all[5].firstRange(of: Array(#""name":"L"#.utf8)))
    all[5][target.upperBound - 1] = UInt8(ascii: "Q")  // Lead 4 -> Qead 4, checksum now wrong
    writeBytes(Array(all.joined()), to: path)
    try expectSameAnswers(path)
    let store = try openStore(path)
    #expect(store.journal.isReadOnly)
    #expect(store.warnings.contains { $0.line == 6 && $0.isDamage })
  }

  @Test func anEditWithAValidChecksumIsSeen() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try Self.makeJournal(dir)
    var all = lines(path)
    let event = try all[5].dropLast().withUnsafeBufferPointer { try EventCodec.decode($0) }
    guard case .created(var new) = event.change else {
      Issue.record("line 6 is not a new lead")
      return
    }
    new.company = "Edited by hand"
    let links = try all[5].dropLast().withUnsafeBufferPointer { buffer in
      var links = LineLinks()
      var decoder = EventDecoder()
      _ = try decoder.decode(buffer, links: &links)
      return links
    }
    all[5] = EventCodec.encode(
      Event(id: event.id, time: event.time, replica: event.replica, lead: event.lead, change: .created(new)),
      links: links)
    writeBytes(Array(all.joined()), to: path)
    try expectSameAnswers(path)
    let store = try openStore(path, access: .readOnly)
    #expect(store.pipeline[event.lead]?.company == "Edited by hand")
  }

  @Test func twoSwappedLinesAreSeen() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try Self.makeJournal(dir)
    var all = lines(path)
    all.swapAt(10, 11)
    writeBytes(Array(all.joined()), to: path)
    try expectSameAnswers(path)
    let store = try openStore(path, access: .readOnly)
    #expect(store.warnings.contains { if case .outOfOrder = $0.kind { true } else { false } })
  }

  /// A named pipe where the snapshot should be is never opened for reading (it would wait
  /// for a writer forever): the journal is replayed instead.
  @Test func aNamedPipeAtTheSnapshotPathIsIgnored() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try Self.makeJournal(dir)
    let reference = try openStore(path, access: .readOnly).pipeline.image
    try FileManager.default.removeItem(atPath: path + ".snapshot")
    #expect(mkfifo(path + ".snapshot", 0o644) == 0)
    let store = try openStore(path, access: .readOnly)
    #expect(!store.journal.resumed)
    #expect(store.pipeline.image == reference)
  }

  /// Temporary snapshots that killed processes left behind are removed the next time one is
  /// written; one still being written (its lock held) is not.
  @Test func leftoverTemporarySnapshotsAreRemoved() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try Self.makeJournal(dir)
    let abandoned = path + ".snapshot.tmp-4242-dead"
    let busy = path + ".snapshot.tmp-4243-busy"
    writeBytes([1, 2, 3], to: abandoned)
    writeBytes([4, 5, 6], to: busy)
    let holder = open(busy, O_RDONLY)
    defer { close(holder) }
    #expect(flock(holder, LOCK_EX) == 0)
    try openStore(path).saveSnapshot()
    #expect(!FileManager.default.fileExists(atPath: abandoned))
    #expect(FileManager.default.fileExists(atPath: busy))
    #expect(!dir.files().contains { $0.contains(".snapshot.tmp-") && !$0.hasSuffix("busy") })
  }
}
