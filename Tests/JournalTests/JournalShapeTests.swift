import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

/// Journals of every shape a crash, a hand edit or a bad merge leaves, written line by line,
/// and what opening them does: which events count, what is reported, what is set aside.
@Suite struct JournalShapeTests {
  /// A journal's lines, built with the real encoder.
  struct Lines {
    var header = EventCodec.encode(JournalHeader(created: Timestamp(millisecondsSinceEpoch: 0), replica: "t"))
    var lines: [[UInt8]] = []
    private var previous: String?
    private var count = 0

    /// One line on its own.
    mutating func single(_ name: String) {
      lines.append(EventCodec.encode(event(name), links: LineLinks(after: previous)))
      previous = "e\(count - 1)"
    }

    /// A batch of `size` new leads; `keep` lines of it are written (all by default).
    mutating func batch(_ size: Int, named prefix: String) {
      var events: [Event] = []
      for i in 0..<size { events.append(event("\(prefix) \(i)")) }
      let bytes = EventCodec.encodeBatch(events, after: previous)
      lines += bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) + [0x0A] }
      previous = events.last?.id
    }

    private mutating func event(_ name: String) -> Event {
      defer { count += 1 }
      return Event(
        id: "e\(count)", time: Timestamp(millisecondsSinceEpoch: 1000 * Int64(count)), replica: "t",
        lead: LeadID("lead\(count)"), change: .created(NewLead(name: name, stage: "proposal")))
    }

    var bytes: [UInt8] { header + lines.joined() }
  }

  private func open(_ bytes: [UInt8], access: JournalFile.Access) throws -> (PipelineStore, TemporaryDirectory) {
    let dir = TemporaryDirectory(inMemory: true)
    writeBytes(bytes, to: dir.file("journal.jsonl"))
    return (try openStore(dir.file("journal.jsonl"), access: access), dir)
  }

  private func names(_ store: PipelineStore) -> Set<String> { Set(store.pipeline.leads.map(\.name)) }

  private func sideFiles(_ dir: TemporaryDirectory) -> [String] { dir.files().filter { $0.contains(".torn-") } }

  @Test func aWholeBatchCounts() throws {
    var journal = Lines()
    journal.single("Ana")
    journal.batch(3, named: "Import")
    let (store, _) = try open(journal.bytes, access: .readOnly)
    #expect(store.warnings.isEmpty)
    #expect(names(store) == ["Ana", "Import 0", "Import 1", "Import 2"])
  }

  /// A writer killed in the middle of a batch: the lines it wrote are set aside whole, and
  /// none of their events ever counts.
  @Test(arguments: [0, 1, 2])
  func aBatchCutShortIsATornTail(partialBytes: Int) throws {
    var journal = Lines()
    journal.single("Ana")
    journal.batch(4, named: "Import")
    let full = journal.bytes
    let cut = journal.header.count + journal.lines[0...2].joined().count + partialBytes * 20
    let bytes = Array(full[..<cut])
    let (reader, _) = try open(bytes, access: .readOnly)
    #expect(names(reader) == ["Ana"])
    #expect(reader.warnings.contains { if case .tornTail(_, 2, nil) = $0.kind { true } else { false } })
    #expect(!reader.journal.isReadOnly || reader.journal.readOnlyReason == "opened for reading only")

    let (writer, dir) = try open(bytes, access: .readWrite)
    #expect(names(writer) == ["Ana"])
    let side = try #require(sideFiles(dir).first)
    #expect(readBytes(dir.file(side)) == Array(bytes[(journal.header.count + journal.lines[0].count)...]))
    try addLead(writer, "Ben")
    let reopened = try openStore(dir.file("journal.jsonl"))
    #expect(reopened.warnings.isEmpty)
    #expect(names(reopened) == ["Ana", "Ben"])
  }

  @Test func aBatchWithADamagedLineCountsNotAtAll() throws {
    var journal = Lines()
    journal.batch(3, named: "Import")
    journal.single("Ana")
    journal.lines[1][40] ^= 0x01
    let (store, _) = try open(journal.bytes, access: .readWrite)
    #expect(names(store) == ["Ana"])
    #expect(store.journal.isReadOnly)
    #expect(store.warnings.contains { $0.line == 3 && $0.isDamage })
    #expect(store.warnings.contains { if case .batchNotApplied(3, [3]) = $0.kind { true } else { false } })
  }

  /// A batch another batch interrupts (an older Closer kept what a killed import wrote and
  /// appended after it): reported, none of it counts, the rest does.
  @Test func aBatchCutShortInTheMiddleIsDamage() throws {
    var journal = Lines()
    journal.batch(4, named: "Cut")
    journal.lines.removeLast(2)
    journal.batch(2, named: "Whole")
    let (store, _) = try open(journal.bytes, access: .readOnly)
    #expect(names(store) == ["Whole 0", "Whole 1"])
    #expect(store.warnings.contains { if case .incompleteBatch(2, 4) = $0.kind { $0.line == 2 } else { false } })
    #expect(store.warnings.contains { $0.isDamage })
  }

  /// A last line damaged in place but ending in its newline (a torn write after a power cut
  /// can look like this) is a torn tail, not damage that stops every write.
  @Test func aDamagedLastLineIsATornTail() throws {
    var journal = Lines()
    journal.single("Ana")
    journal.single("Ben")
    journal.lines[1][30] = 0
    let (store, dir) = try open(journal.bytes, access: .readWrite)
    #expect(!store.journal.isReadOnly)
    #expect(names(store) == ["Ana"])
    #expect(sideFiles(dir).count == 1)
    try addLead(store, "Cleo")
  }

  /// Several damaged lines at the end are not what one cut-short append leaves: they are
  /// reported and the journal is left alone.
  @Test func severalDamagedLastLinesAreDamage() throws {
    var journal = Lines()
    journal.single("Ana")
    journal.single("Ben")
    journal.single("Cleo")
    journal.lines[1][30] = 0
    journal.lines[2][30] = 0
    let before = journal.bytes
    let (store, dir) = try open(before, access: .readWrite)
    #expect(store.journal.isReadOnly)
    #expect(store.warnings.contains { $0.line == 3 && $0.isDamage })
    #expect(sideFiles(dir).isEmpty)
    #expect(readBytes(dir.file("journal.jsonl")) == before)
  }

  /// A complete, sound last line without its newline is kept; the next append writes the
  /// newline first.
  @Test func aLastLineWithoutItsNewlineIsKept() throws {
    var journal = Lines()
    journal.single("Ana")
    journal.single("Ben")
    let bytes = Array(journal.bytes.dropLast())
    let (store, dir) = try open(bytes, access: .readWrite)
    #expect(store.warnings.isEmpty)
    #expect(names(store) == ["Ana", "Ben"])
    #expect(sideFiles(dir).isEmpty)
    try addLead(store, "Cleo")
    let written = readBytes(dir.file("journal.jsonl"))
    #expect(Array(written[..<bytes.count]) == bytes)
    #expect(written[bytes.count] == 0x0A)
    let reopened = try openStore(dir.file("journal.jsonl"))
    #expect(reopened.warnings.isEmpty)
    #expect(names(reopened) == ["Ana", "Ben", "Cleo"])
  }

  /// A line that appears twice (a bad merge, a copy) counts once and is reported.
  @Test func aRepeatedEventCountsOnce() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    let ana = try addLead(store, "Ana")
    try store.record { _ in (ana, .noteAdded("Called, left a message")) }
    try addLead(store, "Ben")
    var lines = readBytes(path).split(separator: 0x0A).map { Array($0) + [0x0A] }
    lines.append(lines[2])  // the note again
    writeBytes(Array(lines.joined()), to: path)
    let reopened = try openStore(path, access: .readOnly)
    #expect(reopened.pipeline[ana]?.notes.count == 1)
    #expect(reopened.warnings.contains { if case .duplicateEvent = $0.kind { $0.line == 5 } else { false } })
  }

  /// Each line names the event before it, so a line deleted, moved or copied in the middle
  /// is noticed.
  @Test(arguments: ["deleted", "swapped"])
  func aLineDeletedOrMovedIsNoticed(edit: String) throws {
    var journal = Lines()
    for name in ["Ana", "Ben", "Cleo", "Dan"] { journal.single(name) }
    if edit == "deleted" {
      journal.lines.remove(at: 1)
    } else {
      journal.lines.swapAt(1, 2)
    }
    let (store, _) = try open(journal.bytes, access: .readOnly)
    let outOfOrder = store.warnings.filter { if case .outOfOrder = $0.kind { true } else { false } }
    #expect(!outOfOrder.isEmpty)
    #expect(outOfOrder.first?.line == 3)
    #expect(outOfOrder.allSatisfy { $0.description.contains("a line was deleted, moved or copied here") })
  }

  /// Text that is not a journal is never turned into one, nor changed.
  @Test(arguments: ["Call Ana on Monday\nthen Ben\n", "plain text without a line break", ""])
  func aFileThatIsNotAJournalIsLeftAlone(text: String) throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("notes.txt")
    writeBytes(Array(text.utf8), to: path)
    if text.isEmpty {
      // An empty file is what a crash right after creating a journal leaves.
      let store = try openStore(path)
      #expect(store.journal.lineCount == 1)
      return
    }
    for access in [JournalFile.Access.readWrite, .readOnly] {
      #expect(throws: JournalError.self) { try openStore(path, access: access) }
    }
    #expect(readBytes(path) == Array(text.utf8))
    #expect(dir.files() == ["notes.txt"])
  }

  /// A header cut short by a crash while the journal was being created: set aside, and a
  /// new header written.
  @Test func aTornHeaderIsSetAside() throws {
    let header = Lines().header
    let (store, dir) = try open(Array(header[..<30]), access: .readWrite)
    #expect(store.journal.lineCount == 1)
    #expect(sideFiles(dir).count == 1)
    try addLead(store, "Ana")
  }

  @Test(arguments: ["+1.0", "-1.0", "1.+0", "1", "1.0.0", " 1.0", "1.-0"])
  func aHeaderVersionIsDigitsOnly(version: String) throws {
    var w = LineWriter()
    w.open()
    w.field("format", JournalHeader.formatName)
    w.field("version", version)
    let line = w.seal()
    #expect(throws: LineError.self) {
      try line.dropLast().withUnsafeBufferPointer { try EventCodec.decodeHeader($0) }
    }
  }

  /// What the writer can write, the reader reads: the extreme amounts, positions past any
  /// column's end.
  @Test func extremeValuesRoundTrip() throws {
    for minor in [Int64.min, Int64.max, -1, 0] {
      let event = Event(
        id: "e1", time: Timestamp(millisecondsSinceEpoch: 0), replica: "t", lead: "lead1",
        change: .edited([.value(Money(minorUnits: minor, currency: "EUR"))]))
      let line = EventCodec.encode(event)
      let decoded = try line.dropLast().withUnsafeBufferPointer { try EventCodec.decode($0) }
      #expect(decoded == event)
    }
    let far = Event(
      id: "e2", time: Timestamp(millisecondsSinceEpoch: 0), replica: "t", lead: "lead1",
      change: .moved(stage: "proposal", position: 1 << 40, gateOverridden: false))
    let decoded = try EventCodec.encode(far).dropLast().withUnsafeBufferPointer { try EventCodec.decode($0) }
    #expect(decoded.change == .moved(stage: "proposal", position: Int(Int32.max), gateOverridden: false))
  }
}
