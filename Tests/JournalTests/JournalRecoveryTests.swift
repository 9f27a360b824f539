import Foundation
import Glibc
import Testing

@testable import Journal
@testable import PipelineCore

/// How a journal recovers from what crashes and slow file systems leave behind.
@Suite struct JournalRecoveryTests {
  /// Reads that return fewer bytes than asked (NFS, FUSE): a torn tail is still set aside
  /// byte for byte, never padded with zeros.
  @Test func shortReadsStillSetATornTailAsideExactly() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    try addLead(try openStore(path), "Ana")
    let tail = Array(#"{"id":"half-written","ts":"2026-11-01T09:00:0"#.utf8)
    writeBytes(readBytes(path) + tail, to: path)
    let fileSystem = FaultyFileSystem()
    fileSystem.readLimit = 8
    let store = try openStore(path, fileSystem: fileSystem)
    #expect(store.pipeline.count == 1)
    let side = try #require(dir.files().first { $0.contains(".torn-") })
    #expect(readBytes(dir.file(side)) == tail)
  }

  /// An open board that finds a torn tail it may not set aside reads it once, not on every
  /// look: a 2 MB partial line costs nothing after the first.
  @Test func aTornTailIsReadOnceNotOnEveryRefresh() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let fileSystem = FaultyFileSystem()
    let board = try openStore(path, fileSystem: fileSystem)
    try addLead(board, "Ana")
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(repeating: UInt8(ascii: "x"), count: 2 << 20))
    handle.closeFile()
    try board.refresh()
    #expect(board.takeNewWarnings().contains { if case .tornTail = $0.kind { true } else { false } })
    let before = fileSystem.bytesRead
    for _ in 0..<10 { try board.refresh() }
    #expect(fileSystem.bytesRead - before < 100_000)
    #expect(board.takeNewWarnings().isEmpty)
    // The next append sets it aside, and the board goes on.
    try addLead(board, "Ben")
    #expect(dir.files().contains { $0.contains(".torn-") })
    #expect(try openStore(path).warnings.isEmpty)
  }

  /// When opening fails after the file was opened (a snapshot found out of date on `closer
  /// add`'s fast path), every descriptor is closed exactly once: a second close could close
  /// another thread's file.
  @Test func everyDescriptorIsClosedOnce() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try SnapshotIntegrityTests.makeJournal(dir)
    // Make the snapshot out of date: its journal changed under it.
    var bytes = readBytes(path)
    bytes[bytes.count / 2] ^= 0x01
    writeBytes(bytes, to: path)
    let fileSystem = FaultyFileSystem()
    var warnings: [JournalWarning] = []
    let made = try PipelineStore.quickCreate(
      journal: path, config: .standard, replica: "t", fileSystem: fileSystem, clock: TestClock().now,
      lead: NewLead(name: "Quick", stage: "proposal"), warnings: &warnings)
    #expect(made == nil)
    #expect(!fileSystem.closed.isEmpty)
    #expect(fileSystem.closedTwice.isEmpty, "closed twice: \(fileSystem.closedTwice)")
  }

  /// `closer add`'s fast path reports a torn tail it sets aside, as every other path does.
  @Test func theFastPathReportsATornTail() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = try SnapshotIntegrityTests.makeJournal(dir)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"id":"half"#.utf8))
    handle.closeFile()
    var warnings: [JournalWarning] = []
    let made = try PipelineStore.quickCreate(
      journal: path, config: .standard, replica: "t", clock: TestClock().now,
      lead: NewLead(name: "Quick", stage: "proposal"), warnings: &warnings)
    #expect(made != nil)
    #expect(warnings.contains { if case .tornTail(_, _, .some) = $0.kind { true } else { false } })
  }

  /// A reader never takes a line being written for a crash's leftovers: it reads under the
  /// shared lock, so it waits for the writer and then sees the whole line.
  @Test func aReaderWaitsForAnAppendUnderWay() async throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let writer = try openStore(path)
    try addLead(writer, "Ana")
    let whole = readBytes(path)
    // Another process in the middle of an append: the lock held, half a line written.
    let holder = open(path, O_RDWR | O_APPEND)
    defer { close(holder) }
    #expect(flock(holder, LOCK_EX) == 0)
    let line = EventCodec.encode(
      Event(
        id: "appended-later", time: Timestamp(millisecondsSinceEpoch: 0), replica: "other", lead: "zzzz0001",
        change: .created(NewLead(name: "Ben", stage: "proposal"))))
    _ = line[..<20].withUnsafeBytes { write(holder, $0.baseAddress, $0.count) }
    let reading = Task.detached {
      let reader = try openStore(path, access: .readOnly)
      return (warnings: reader.warnings.map(\.description), leads: reader.pipeline.count)
    }
    // While the lock is held, the reader must not have finished (it would have reported a
    // torn line). A short look is enough: it only has a few lines to read.
    try await Task.sleep(for: .milliseconds(300))
    _ = line[20...].withUnsafeBytes { write(holder, $0.baseAddress, $0.count) }
    #expect(flock(holder, LOCK_UN) == 0)
    let reader = try await reading.value
    #expect(reader.warnings.isEmpty)
    #expect(reader.leads == 2)
    #expect(readBytes(path).count == whole.count + line.count)
  }
}
