import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

/// Editors that save into the same file (nano; vim for a file under /tmp or with hard links)
/// change the journal in place: same device and inode, often the same size.
@Suite struct ChangedInPlaceTests {
  /// Rewrites the file's bytes from the start, as an in-place save does: no new file.
  func saveInPlace(_ bytes: [UInt8], to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
  }

  @Test func anOldLineChangedInPlaceStopsTheWriting() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let writer = try openStore(path)
    for name in ["Ana", "Ben", "Chloé"] { try addLead(writer, name) }
    let board = try openStore(path)
    let before = readBytes(path)
    // Line 2 (Ana's) gets another name of the same length; the header and last line stay.
    let text = String(decoding: before, as: UTF8.self)
    let edited = Array(text.replacingOccurrences(of: #""name":"Ana""#, with: #""name":"Ann""#).utf8)
    #expect(edited.count == before.count && edited != before)
    try saveInPlace(edited, to: path)

    #expect(throws: JournalError.self) { try board.refresh() }
    #expect(board.journal.readOnlyReason?.contains("changed in place") == true)
    #expect(throws: (any Error).self) { try addLead(board, "Dan") }
    #expect(readBytes(path) == edited, "the board wrote after the changed line")
  }

  @Test func theLastLineChangedInPlaceStopsTheWriting() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let writer = try openStore(path)
    for name in ["Ana", "Ben"] { try addLead(writer, name) }
    let board = try openStore(path)
    let text = String(decoding: readBytes(path), as: UTF8.self)
    let edited = Array(text.replacingOccurrences(of: #""name":"Ben""#, with: #""name":"Bob""#).utf8)
    try saveInPlace(edited, to: path)
    #expect(throws: JournalError.self) { try board.refresh() }
    #expect(board.journal.readOnlyReason?.contains("changed in place") == true)
    #expect(throws: (any Error).self) { try addLead(board, "Dan") }
    #expect(readBytes(path) == edited)
  }
}
