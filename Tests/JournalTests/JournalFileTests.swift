import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

@Suite struct JournalFileTests {
  @Test func createsTheJournalAndItsDirectoriesWithAHeader() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("a/b/journal.jsonl")
    let store = try openStore(path)
    #expect(store.journal.lineCount == 1)
    let text = String(decoding: readBytes(path), as: UTF8.self)
    #expect(text.hasPrefix(#"{"format":"closer-journal","version":"1.2","#))
    #expect(text.hasSuffix("\n"))
    #expect(store.warnings.isEmpty)
  }

  @Test func readOnlyOpeningOfAMissingJournalCreatesNothing() {
    let dir = TemporaryDirectory()
    #expect(throws: JournalError.self) { try openStore(dir.file("none.jsonl"), access: .readOnly) }
    #expect(dir.files().isEmpty)
  }

  @Test func appendedEventsSurviveReopening() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    let ana = try addLead(store, "Ana")
    let ben = try addLead(store, "Ben", stage: "proposal")
    try store.record { _ in (ana, .noteAdded("Line one\r\nLine two\u{2028}end")) }
    try store.record { _ in (ana, .moved(stage: "proposal", position: 2, gateOverridden: true)) }
    let reopened = try openStore(path)
    #expect(reopened.warnings.isEmpty)
    #expect(reopened.pipeline.leads(inStage: "proposal").map(\.id) == [ben, ana])
    #expect(reopened.pipeline[ana]?.notes.first?.text == "Line one\r\nLine two\u{2028}end")
    #expect(reopened.journal.lineCount == 5)
  }

  @Test func invalidChangesAreRefusedBeforeAnythingIsWritten() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    let ana = try addLead(store, "Ana")
    let before = readBytes(path)
    #expect(throws: PipelineError.self) {
      try store.record { _ in (ana, .moved(stage: "nowhere", position: 1, gateOverridden: false)) }
    }
    #expect(throws: PipelineError.self) { try store.record { _ in ("zzzz", .won) } }
    #expect(readBytes(path) == before)
  }

  /// Cuts a journal of about 200 events at every byte offset, as a crash at any moment
  /// could, and reopens it. Sharded so the cases run in parallel.
  @Test(arguments: 0..<4)
  func truncationSweep(shard: Int) throws {
    let dir = TemporaryDirectory(inMemory: true)
    let source = dir.file("source.jsonl")
    let store = try openStore(source)
    var ids: [LeadID] = []
    for i in 0..<60 { ids.append(try addLead(store, "Lead \(i)")) }
    for (i, id) in ids.enumerated() {
      try store.record { _ in (id, .checked(criterion: "budget", isChecked: true)) }
      try store.record { _ in (id, .moved(stage: "qualifying", position: 1, gateOverridden: false)) }
      if i % 2 == 0 { try store.record { _ in (id, .noteAdded("note \(i)\nsecond line")) } }
    }
    let full = readBytes(source)
    let newlines = full.indices.filter { full[$0] == 0x0A }
    #expect(newlines.count > 200)
    let path = dir.file("cut.jsonl")
    for cut in stride(from: shard, through: full.count, by: 4) {
      let prefix = Array(full[..<cut])
      writeBytes(prefix, to: path)
      var completeLines = newlines.filter { $0 < cut }.count
      var lastBoundary = (newlines.last { $0 < cut }).map { $0 + 1 } ?? 0
      if cut < full.count && full[cut] == 0x0A && cut > lastBoundary {
        // Only the newline is missing: the line is complete and sound, and it is kept.
        completeLines += 1
        lastBoundary = cut
      }
      let reopened = try openStore(path)
      let events = max(0, completeLines - 1)
      #expect(reopened.journal.lineCount == max(1, completeLines), "cut at \(cut)")
      #expect(reopened.journal.lineCount - 1 == events, "cut at \(cut)")
      let torn = cut - lastBoundary
      let sideFiles = dir.files().filter { $0.hasPrefix("cut.jsonl.torn-") }
      if torn > 0 {
        #expect(sideFiles.count == 1, "cut at \(cut)")
        if let side = sideFiles.first {
          #expect(readBytes(dir.file(side)) == Array(prefix[lastBoundary...]), "cut at \(cut)")
          try FileManager.default.removeItem(atPath: dir.file(side))
        }
        #expect(reopened.warnings.contains { if case .tornTail = $0.kind { true } else { false } })
      } else {
        #expect(sideFiles.isEmpty, "cut at \(cut)")
      }
      #expect(!reopened.journal.isReadOnly, "cut at \(cut)")
      // Appends still work, and a second opening sees a clean journal.
      if cut % 7 == 0 || torn == 0 || cut == full.count {
        try addLead(reopened, "After \(cut)")
        let again = try openStore(path)
        #expect(again.warnings.isEmpty, "cut at \(cut)")
        #expect(again.journal.lineCount == max(1, completeLines) + 1, "cut at \(cut)")
      }
    }
  }

  @Test func aDamagedLineInTheMiddleIsReportedAndTheJournalIsReadOnly() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    for i in 0..<5 { try addLead(store, "Lead \(i)") }
    var bytes = readBytes(path)
    let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
    bytes[lineStarts[2] + 40] ^= 0x20  // inside line 3
    writeBytes(bytes, to: path)

    let damaged = try openStore(path)
    #expect(damaged.journal.isReadOnly)
    #expect(damaged.warnings.contains { $0.line == 3 && $0.isDamage })
    #expect(damaged.pipeline.count == 4)  // the other lines still load
    #expect(throws: JournalError.self) { try addLead(damaged, "Refused") }
    #expect(readBytes(path) == bytes)
  }

  @Test func aNewerMajorVersionOpensReadOnly() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let header = JournalHeader(major: 2, minor: 0, created: Timestamp(millisecondsSinceEpoch: 0), replica: "future")
    writeBytes(EventCodec.encode(header), to: path)
    let store = try openStore(path)
    #expect(store.journal.isReadOnly)
    #expect(store.warnings.contains { if case .newerVersion("2.0") = $0.kind { true } else { false } })
    #expect(throws: JournalError.self) { try addLead(store, "Refused") }
  }

  @Test func unknownEventsAreKeptByteForByte() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    try addLead(store, "Ana")
    let future =
      sealed(
        #"{"id":"f1","ts":"2026-11-27T10:00:00.000Z","replica":"v2","type":"deal.split","lead":"zzzz","payload":{"parts":[1,2]},"x":1"#
      )
      + [0x0A]
    var bytes = readBytes(path)
    bytes += future
    writeBytes(bytes, to: path)
    let reopened = try openStore(path)
    try addLead(reopened, "Ben")
    let after = readBytes(path)
    #expect(Array(after[..<bytes.count]) == bytes)
    #expect(reopened.warnings.contains { if case .unknownEvents(1) = $0.kind { true } else { false } })
    #expect(!reopened.journal.isReadOnly)
  }

  @Test func anOpenStoreReadsWhatOthersAppended() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let first = try addLead(board, "Ana")
    let other = try openStore(path)
    let second = try addLead(other, "Ben")
    #expect(board.pipeline.count == 1)
    #expect(try board.refresh() == 1)
    #expect(board.pipeline.count == 2)
    // An append catches up first, so it builds on the latest state.
    let third = try addLead(other, "Cleo")
    try board.record { pipeline in
      #expect(pipeline[third] != nil)
      return (first, .moved(stage: "lead-generation", position: 3, gateOverridden: false))
    }
    #expect(board.pipeline.leads(inStage: "lead-generation").map(\.id) == [third, second, first])
  }

  /// A batch is read a slice at a time, so a board stays responsive, but its events are
  /// handed over all at once, when its last line has been read.
  @Test func aBigBatchIsReadInSlicesAndSeenWhole() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let importer = try openStore(path)
    let events = (0..<500).map { i in
      importer.makeEvent(
        lead: LeadID("bulk\(i)"), change: .created(NewLead(name: "Lead \(i)", stage: "proposal", position: i + 1)))
    }
    try importer.recordAll(events)
    // One note longer than a slice still gets through.
    try importer.record { _ in ("bulk0", .noteAdded(String(repeating: "long note ", count: 1_000))) }
    var slices: [Int] = []
    while true {
      let (count, more) = try board.refresh(limit: 4_096)
      slices.append(count)
      if !more { break }
    }
    #expect(slices.count > 10)
    #expect(slices.filter { $0 > 0 } == [500, 1])
    #expect(slices.reduce(0, +) == 501)
    #expect(board.pipeline.image == importer.pipeline.image)
    #expect(try board.refresh(limit: 4_096) == (0, false))
  }

  @Test func aReaderThatMustNotWaitSkipsAWriterMidAppend() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let other = try openStore(path)
    try addLead(other, "Ana")
    // Another process in the middle of an append holds the lock exclusively.
    let writer = open(path, O_RDONLY)
    defer { close(writer) }
    #expect(flock(writer, LOCK_EX) == 0)
    // (Were it to wait, this test would never end: the lock is held right here.)
    #expect(try board.refresh(limit: 1 << 20, waitForWriters: false) == (0, true))
    #expect(flock(writer, LOCK_UN) == 0)
    #expect(try board.refresh(limit: 1 << 20, waitForWriters: false) == (1, false))
    #expect(board.pipeline.count == 1)
  }

  @Test func aTornTailLeftByAnotherProcessIsSetAsideBeforeAppending() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    try addLead(board, "Ana")
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"id":"half-written","ts":"2026"#.utf8))
    handle.closeFile()
    try board.refresh()
    try addLead(board, "Ben")
    let reopened = try openStore(path)
    #expect(reopened.warnings.isEmpty)
    #expect(reopened.pipeline.count == 2)
    #expect(dir.files().contains { $0.hasPrefix("journal.jsonl.torn-") })
  }

  /// Four writers on threads of their own, released together, so that their appends truly
  /// overlap: none is lost, none interleaves with another.
  @Test func concurrentWritersNeverInterleave() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    _ = try openStore(path)
    let failures = runTogether(4) { writer in
      let store = try openStore(path)
      for i in 0..<100 { try addLead(store, "Writer \(writer) lead \(i)") }
    }
    #expect(failures.isEmpty, "\(failures)")
    let final = try openStore(path)
    #expect(final.warnings.isEmpty)
    #expect(final.pipeline.count == 400)
    #expect(Set(final.pipeline.leads.map(\.name)).count == 400)
  }

}
