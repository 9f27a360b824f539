import Foundation
import PipelineCore
import Testing

@testable import Journal

/// A long stretch of a journal is read and decoded on another thread while the caller applies
/// the lines before (`DecodingStream`); what is read must be exactly what reading it line by
/// line on one thread gives, damage and all.
@Suite struct DecodingAsideTests {
  /// What a reader saw: every event with its line, the warnings, and where it stopped.
  struct Reading: Equatable {
    var events: [String] = []
    var warnings: [String] = []
    var lineCount = 0
    var offset: Int64 = 0
    var readOnly: String?
    var checksum: UInt32?
  }

  func read(_ path: String, asideFrom: Int64) throws -> Reading {
    var reading = Reading()
    let journal = try JournalFile(
      path: path, access: .readOnly, replica: "test", now: TestClock().now, decodeAsideFrom: asideFrom,
      apply: { event, line in reading.events.append("\(line) \(event.id) \(event.lead)") })
    reading.warnings = journal.warnings.map { "\($0)" }
    reading.lineCount = journal.lineCount
    reading.offset = journal.offset
    reading.readOnly = journal.readOnlyReason
    reading.checksum = journal.seal(configFingerprint: 0, unknownEvents: 0)?.prefixChecksum
    return reading
  }

  /// A journal with single lines, batches, a damaged line in the middle, a batch cut short
  /// and a torn tail: both ways of reading agree on every event, warning and offset.
  @Test func decodingAsideReadsExactlyWhatReadingInLineDoes() throws {
    let directory = TemporaryDirectory(inMemory: true)
    let path = directory.file("journal.jsonl")
    let store = try openStore(path)
    var ids: [LeadID] = []
    for index in 0..<300 { ids.append(try addLead(store, "Lead \(index)")) }
    try store.recordAll { _ in
      ids.prefix(50).map { ($0, .moved(stage: "qualifying", position: 1, gateOverridden: true)) }
    }
    for id in ids.suffix(20) { try store.record { _ in (id, .noteAdded("Called \(id)")) } }
    var bytes = readBytes(path)
    // A damaged line in the middle, then more sound lines after it.
    let cut = bytes.indices.filter { bytes[$0] == 0x0A }[150] + 1
    bytes.insert(contentsOf: Array("{\"id\":\"broken\",\"ts\":\n".utf8), at: cut)
    let sound = bytes
    // A torn tail: half a line.
    bytes += Array("{\"id\":\"e-half\",\"ts\":\"2026-11-01T09:00:00Z\",\"re".utf8)
    for (name, content) in [("damaged.jsonl", sound), ("torn.jsonl", bytes)] {
      let copy = directory.file(name)
      writeBytes(content, to: copy)
      let inLine = try read(copy, asideFrom: .max)
      let aside = try read(copy, asideFrom: 0)
      #expect(inLine.events.count > 300, "\(name)")
      #expect(!inLine.warnings.isEmpty, "\(name)")
      #expect(aside == inLine, "\(name)")
    }
  }

  /// A last line without its newline, and a journal that is only a header: the same both ways.
  @Test func edgesOfTheFileReadTheSameBothWays() throws {
    let directory = TemporaryDirectory(inMemory: true)
    let path = directory.file("journal.jsonl")
    let store = try openStore(path)
    let header = readBytes(path)
    for index in 0..<10 { try addLead(store, "Lead \(index)") }
    var bytes = readBytes(path)
    bytes.removeLast()  // the last newline
    for (name, content) in [("no-newline.jsonl", bytes), ("header.jsonl", header)] {
      let copy = directory.file(name)
      writeBytes(content, to: copy)
      #expect(try read(copy, asideFrom: 0) == read(copy, asideFrom: .max), "\(name)")
    }
  }
}
