import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

@Suite struct SnapshotTests {
  /// A journal past the snapshot threshold, with every kind of event in it.
  func makeJournal(_ dir: TemporaryDirectory) throws -> (path: String, store: PipelineStore) {
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    var events: [Event] = []
    var pipeline = Pipeline()
    let clock = TestClock()
    for i in 0..<400 {
      let id = LeadID("lead\(i)")
      var changes: [Change] = [
        .created(
          NewLead(
            name: "Lead \(i) \u{2028}Ünïcode 北京", company: "Co \(i)", reference: i % 4 == 0 ? "hubspot:\(i)" : "",
            stage: "lead-generation")),
        .checked(criterion: "budget", isChecked: i % 2 == 0, answer: i % 4 == 0 ? "answer \(i)" : nil),
        .edited([
          .value(Money(minorUnits: Int64(i) * 100, currency: "EUR")),
          .expectedClose(CalendarDay(daysSinceEpoch: 20000)),
        ]),
        .moved(stage: i % 3 == 0 ? "proposal" : "qualifying", position: 1 + i % 5, gateOverridden: i % 3 == 0),
        .noteAdded("note\r\n\(i)"),
        .activityLogged(kind: i % 2 == 0 ? "call" : "email", outcome: "outcome \(i) \u{2028}"),
        .edited([.custom("seats", "\(i)"), .custom("industry", i % 3 == 0 ? nil : "SaaS")]),
        .followUpSet(FollowUp(action: "Call", due: CalendarDay(daysSinceEpoch: 20001))),
      ]
      if i % 7 == 0 { changes.append(.lost(reason: "Budget")) }
      if i % 11 == 0 { changes.append(.won) }
      for change in changes {
        let event = Event(id: "e\(events.count)", time: clock.now(), replica: "t", lead: id, change: change)
        if (try? pipeline.apply(event)) != nil { events.append(event) }
      }
    }
    try store.recordAll(events)
    #expect(store.journal.lineCount - 1 >= PipelineStore.snapshotMinimumEvents)
    return (path, store)
  }

  @Test func aSnapshotRestoresExactlyTheReplayedState() throws {
    let dir = TemporaryDirectory()
    let (path, _) = try makeJournal(dir)
    let first = try openStore(path)  // full replay, then writes the snapshot
    #expect(!first.journal.resumed)
    #expect(FileManager.default.fileExists(atPath: path + ".snapshot"))
    let second = try openStore(path)
    #expect(second.journal.resumed)
    #expect(second.pipeline.image == first.pipeline.image)
    #expect(second.journal.position == first.journal.position)
    // Lines appended after the snapshot are replayed on top of it.
    let id = try addLead(first, "After the snapshot")
    let third = try openStore(path)
    #expect(third.journal.resumed)
    #expect(third.pipeline[id]?.name == "After the snapshot")
    #expect(third.pipeline.image == first.pipeline.image)
  }

  @Test func aDamagedOrForeignSnapshotIsIgnored() throws {
    let dir = TemporaryDirectory()
    let (path, _) = try makeJournal(dir)
    let reference = try openStore(path).pipeline.image
    let snapshotPath = path + ".snapshot"
    let good = readBytes(snapshotPath)
    #expect(!good.isEmpty)

    // Any flipped byte is caught by a section checksum.
    for index in stride(from: 3, to: good.count, by: good.count / 40) {
      var damaged = good
      damaged[index] ^= 0x40
      writeBytes(damaged, to: snapshotPath)
      let store = try openStore(path, access: .readOnly)
      #expect(store.pipeline.image == reference, "flipped byte \(index)")
    }
    // A snapshot of another journal is not applied to this one.
    let otherPath = dir.file("other.jsonl")
    _ = try openStore(otherPath)
    writeBytes(good, to: otherPath + ".snapshot")
    let fresh = try openStore(otherPath)
    #expect(!fresh.journal.resumed)
    #expect(fresh.pipeline.count == 0)
  }

  @Test func aJournalThatChangedUnderTheSnapshotIsReplayedInFull() throws {
    let dir = TemporaryDirectory()
    let (path, writer) = try makeJournal(dir)
    for i in 0..<3 { try addLead(writer, "Single \(i)") }
    _ = try openStore(path)
    var bytes = readBytes(path)
    // Change the last line the snapshot covers (keeping its checksum valid is not enough).
    let lastStart = bytes.dropLast().lastIndex(of: 0x0A)! + 1
    bytes.removeSubrange(lastStart...)
    writeBytes(bytes, to: path)
    let store = try openStore(path)
    #expect(!store.journal.resumed)
    #expect(store.journal.lineCount == bytes.filter { $0 == 0x0A }.count)
  }

  @Test func anotherConfigurationIgnoresTheSnapshot() throws {
    let dir = TemporaryDirectory()
    let (path, _) = try makeJournal(dir)
    _ = try openStore(path)
    var stages = Stage.defaults
    stages[3].title = "Offer"
    let store = try PipelineStore(
      path: path, config: PipelineConfig(stages: stages), replica: "t", clock: TestClock().now)
    #expect(!store.journal.resumed)
    #expect(store.pipeline.stage(forKey: "proposal")?.title == "Offer")
  }

  @Test func quickCreateAppendsAUniqueLeadWithoutReplaying() throws {
    let dir = TemporaryDirectory()
    let (path, _) = try makeJournal(dir)
    #expect(
      try quickCreate(
        journal: path, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: "x", stage: "proposal")) == nil)  // no snapshot yet
    let board = try openStore(path)
    let other = try addLead(board, "Added after the snapshot")
    let event = try #require(
      try quickCreate(
        journal: path, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: "Quick", company: "Fast", stage: "proposal")))
    #expect(event.lead != other)
    try board.refresh()
    #expect(board.pipeline[event.lead]?.name == "Quick")
    #expect(board.pipeline.leads(inStage: "proposal").first?.id == event.lead)
    // A follow-up given with the new lead goes in the same append.
    let followUp = FollowUp(action: "Call", due: CalendarDay(daysSinceEpoch: 20_500))
    let second = try #require(
      try quickCreate(
        journal: path, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: "Quick Two", stage: "proposal"), then: [.followUpSet(followUp)]))
    try board.refresh()
    #expect(board.pipeline[second.lead]?.followUp == followUp)
    let reopened = try openStore(path, access: .readOnly)
    #expect(reopened.warnings.isEmpty)
    #expect(reopened.pipeline.count == board.pipeline.count)
    // Invalid leads are refused before anything is written.
    let before = readBytes(path)
    #expect(throws: PipelineError.self) {
      try quickCreate(
        journal: path, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: " ", stage: "proposal"))
    }
    #expect(readBytes(path) == before)
  }

  @Test func quickCreateRefusesADamagedTail() throws {
    let dir = TemporaryDirectory()
    let (path, _) = try makeJournal(dir)
    let store = try openStore(path)
    try addLead(store, "One")
    try addLead(store, "Two")
    var bytes = readBytes(path)
    let lastStart = bytes.dropLast().lastIndex(of: 0x0A)! + 1
    let previousStart = bytes[..<(lastStart - 1)].lastIndex(of: 0x0A)! + 1
    bytes[previousStart + 30] ^= 0x01
    writeBytes(bytes, to: path)
    #expect(throws: JournalError.self) {
      try quickCreate(
        journal: path, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: "Three", stage: "proposal"))
    }
    #expect(readBytes(path) == bytes)
  }

  /// `closer add` checks the first and the last megabyte the snapshot covers, not every byte
  /// (2.4 GB at a million leads): a change there sends it to a full open; a change further
  /// inside is not looked for by it, and the next full open sees it and replays.
  @Test func quickCreateChecksBothEndsOfWhatTheSnapshotCovers() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    let padding = String(repeating: "a", count: 300)
    try store.recordAll { _ in
      (0..<10_000).map { (LeadID("bulk\($0)"), .created(NewLead(name: "Lead \(padding) \($0)", stage: "qualifying"))) }
    }
    try store.saveSnapshot()
    let original = readBytes(path)
    #expect(original.count > 3 << 20)
    for (name, offset, quick) in [("end", original.count - 100_000, false), ("middle", original.count / 2, true)] {
      let copy = dir.file("\(name).jsonl")
      var bytes = original
      let at = bytes[offset...].firstIndex(of: UInt8(ascii: "a"))!
      bytes[at] = UInt8(ascii: "b")
      writeBytes(bytes, to: copy)
      writeBytes(readBytes(path + ".snapshot"), to: copy + ".snapshot")
      let event = try quickCreate(
        journal: copy, config: .standard, replica: "t", clock: TestClock().now,
        lead: NewLead(name: "Quick", stage: "proposal"))
      #expect((event != nil) == quick, "\(name)")
      if quick {
        // The next full open checks every byte: the snapshot no longer matches, the line
        // changed is reported (its seal no longer fits), and the new lead is there.
        let reopened = try openStore(copy, access: .readOnly)
        #expect(!reopened.journal.resumed)
        #expect(reopened.warnings.contains { $0.isDamage })
        #expect(reopened.pipeline[event!.lead]?.name == "Quick")
      } else {
        #expect(readBytes(copy) == bytes, "\(name): nothing written by the quick path")
      }
    }
  }

  /// The leads are read in two halves on two threads: any count, odd or tiny, comes back
  /// exactly as replayed.
  @Test func theTwoHalvesOfTheLeadsReadBackExactly() throws {
    for count in [1, 2, 3, 7, 64] {
      let dir = TemporaryDirectory()
      let path = dir.file("journal.jsonl")
      let store = try openStore(path)
      for index in 0..<count {
        let id = try addLead(store, "Lead \(index) Ünïcode", stage: index % 2 == 0 ? "qualifying" : "proposal")
        if index % 3 == 1 { try store.record { _ in (id, .lost(reason: "Budget")) } }
        if index % 3 == 2 { try store.record { _ in (id, .checked(criterion: "budget", isChecked: true)) } }
      }
      try store.saveSnapshot()
      let resumed = try openStore(path, access: .readOnly)
      #expect(resumed.journal.resumed, "\(count) leads")
      let replayed = try PipelineStore(
        path: path, access: .readOnly, replica: "t", clock: TestClock().now, snapshots: false)
      #expect(resumed.pipeline.image == replayed.pipeline.image, "\(count) leads")
    }
  }

  /// A snapshot whose state says it holds two billion leads (its checksum made to match, as
  /// only a crafted file would) is refused before any room is made for them: the journal is
  /// replayed instead, and nothing crashes.
  @Test func aCraftedLeadCountIsRefusedBeforeAnyRoomIsMade() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let store = try openStore(path)
    for index in 0..<20 { try addLead(store, "Lead \(index)") }
    try store.saveSnapshot()
    var bytes = readBytes(path + ".snapshot")
    // Walk to the state section (the third) and rewrite its lead count, then its checksum.
    var offset = Snapshot.magic.count
    var ranges: [Range<Int>] = []
    while offset < bytes.count {
      let length = bytes[offset..<(offset + 8)].withUnsafeBytes {
        Int(Int64(littleEndian: $0.loadUnaligned(as: Int64.self)))
      }
      ranges.append((offset + 8)..<(offset + 8 + length))
      offset += 8 + length + 4
    }
    var state = Array(bytes[ranges[2]])
    let reader = state.withUnsafeBytes { raw in
      var r = BinaryReader(raw)
      let stages = (try? r.count()) ?? 0
      for _ in 0..<stages {
        _ = try? r.string()
        _ = try? r.string()
        _ = try? r.i64()
        _ = try? r.optional { (r: inout BinaryReader) throws(SnapshotError) in try r.string() }
        _ = try? r.i64()
      }
      return r.offset
    }
    state.replaceSubrange(reader..<(reader + 1), with: [0xFF, 0xFF, 0xFF, 0xFF, 0x07])
    var section = BinaryWriter()
    section.i64(Int64(state.count))
    section.append(state)
    section.u32(CRC32C.checksum(state))
    bytes.replaceSubrange((ranges[2].lowerBound - 8)..<(ranges[2].upperBound + 4), with: section.bytes)
    writeBytes(bytes, to: path + ".snapshot")
    let reopened = try openStore(path, access: .readOnly)
    #expect(!reopened.journal.resumed)
    #expect(reopened.pipeline.count == 20)
  }
}
