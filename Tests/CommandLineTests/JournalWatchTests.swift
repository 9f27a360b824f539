import Board
import Foundation
import Journal
import PipelineCore
import TerminalModel
import Testing

@testable import CloserCommands

/// What an open board is told about its journal between keys, with the real engine on real
/// files: lines from elsewhere, warnings that arose, and a journal replaced under it.
@Suite struct JournalWatchTests {
  /// A journal with two leads written by another process, and a board's store open on it.
  func openBoard(_ box: Sandbox, fileSystem: FileSystem = PosixFileSystem()) throws -> JournalWatch {
    for name in ["Ben Okafor", "Ana Lima"] { #expect(try box.run(["add", name, "--company", "Co"]).status == 0) }
    let store = try PipelineStore(path: box.journal, replica: "board", fileSystem: fileSystem, clock: Environment.now)
    return JournalWatch(store: store)
  }

  /// Puts `bytes` at the journal's path the way an editor saves: a new file renamed over it.
  func replace(_ box: Sandbox, with bytes: Data) throws {
    let temporary = "\(box.path)/.journal.jsonl.swp"
    try bytes.write(to: URL(fileURLWithPath: temporary))
    #expect(rename(temporary, box.journal) == 0)
  }

  func notices(_ messages: [Message]) -> [String] {
    messages.compactMap { if case .notice(let text) = $0 { text } else { nil } }
  }

  @Test func aJournalEditedByRenameIsSaidOnceAndNothingMoreIsWritten() throws {
    let box = Sandbox()
    let watch = try openBoard(box)
    #expect(watch.look().isEmpty)
    let original = box.journalBytes()
    let edited = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "Ben", with: "Bob").utf8)
    try replace(box, with: edited)

    let said = notices(watch.look())
    let copy = try #require(
      try FileManager.default.contentsOfDirectory(atPath: box.path).first { $0.hasPrefix("journal.jsonl.replaced-") })
    #expect(said.count == 1)
    #expect(said.first?.contains("kept in \(box.path)/\(copy)") == true, "\(said)")
    #expect(watch.readOnlyReason?.contains("kept in \(box.path)/\(copy)") == true)
    #expect(FileManager.default.contents(atPath: "\(box.path)/\(copy)") == original)
    // Half a second later, and later still: nothing new to say, and no new copy.
    for _ in 0..<3 { #expect(watch.look().isEmpty) }
    #expect(throws: JournalError.self) {
      try watch.store.record { pipeline in (pipeline.leads[0].id, .checked(criterion: "budget", isChecked: true)) }
    }
    #expect(box.journalBytes() == edited)
    #expect(try FileManager.default.contentsOfDirectory(atPath: box.path).sorted() == ["journal.jsonl", copy])
  }

  @Test func aWriteThatFindsTheJournalReplacedFirstIsRefusedAndNotSaidAgain() throws {
    let box = Sandbox()
    let watch = try openBoard(box)
    let original = box.journalBytes()
    let edited = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "Ana", with: "Anna").utf8)
    try replace(box, with: edited)
    // The rep presses a key before the board looked: the write itself finds out.
    let error = #expect(throws: JournalError.self) {
      try watch.store.record { pipeline in (pipeline.leads[0].id, .checked(criterion: "budget", isChecked: true)) }
    }
    #expect(error.map { "\($0)" }?.contains("kept in \(box.journal).replaced-") == true, "\(String(describing: error))")
    #expect(watch.readOnlyReason != nil)
    #expect(watch.look().isEmpty)
    #expect(box.journalBytes() == edited)
  }

  @Test func aReplacementThatOnlyAddsLinesIsReadOnAndWrittenTo() throws {
    let box = Sandbox()
    let watch = try openBoard(box)
    let copy = "\(box.path)/copy.jsonl"
    try FileManager.default.copyItem(atPath: box.journal, toPath: copy)
    #expect(try closer(["add", "Zoë Müller", "--journal", copy]).status == 0)
    #expect(rename(copy, box.journal) == 0)

    let messages = watch.look()
    #expect(messages.contains { if case .externalChanges(1) = $0 { true } else { false } })
    #expect(notices(messages).isEmpty)
    #expect(watch.readOnlyReason == nil)
    #expect(watch.store.pipeline.leads.contains { $0.name == "Zoë Müller" })
    try watch.store.record { pipeline in (pipeline.leads[0].id, .checked(criterion: "budget", isChecked: true)) }
    #expect(box.journalLines().count == 5)
    #expect(box.journalLines().last?.contains(#""replica":"board""#) == true)
  }

  @Test func aDeletedJournalIsNotCreatedAgain() throws {
    let box = Sandbox()
    let watch = try openBoard(box)
    let original = box.journalBytes()
    #expect(unlink(box.journal) == 0)
    let said = notices(watch.look())
    #expect(said.count == 1 && said[0].contains("was deleted or moved away"), "\(said)")
    #expect(watch.look().isEmpty)
    #expect(throws: JournalError.self) {
      try watch.store.record { pipeline in (pipeline.leads[0].id, .checked(criterion: "need", isChecked: true)) }
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: box.path)
    #expect(files.count == 1 && files[0].hasPrefix("journal.jsonl.replaced-"), "\(files)")
    #expect(FileManager.default.contents(atPath: "\(box.path)/\(files[0])") == original)
  }

  @Test func aTornTailLeftWhileTheBoardIsOpenIsSaidOnce() throws {
    let box = Sandbox()
    let watch = try openBoard(box)
    let handle = try #require(FileHandle(forWritingAtPath: box.journal))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"id":"half a line"#.utf8))
    try handle.close()
    let said = notices(watch.look())
    #expect(said.count == 1 && said[0].contains("line 4: an incomplete last line"), "\(said)")
    #expect(watch.look().isEmpty)
    #expect(watch.readOnlyReason == nil)
  }

  @Test func anErrorThatLastsIsSaidOnceUntilItClears() throws {
    let box = Sandbox()
    let fileSystem = PathLookups()
    let watch = try openBoard(box, fileSystem: fileSystem)
    fileSystem.failing = true
    let said = notices(watch.look())
    #expect(said.count == 1 && said[0].contains("Input/output error"), "\(said)")
    for _ in 0..<3 { #expect(watch.look().isEmpty) }
    fileSystem.failing = false
    #expect(watch.look().isEmpty)
    fileSystem.failing = true
    #expect(notices(watch.look()).count == 1)
    #expect(watch.readOnlyReason == nil)  // a passing error: nothing was lost
  }

  @Test func severalNoticesShowTheFirstAndCountTheRest() {
    #expect(BoardRuntime.notice([]) == nil)
    #expect(BoardRuntime.notice(["a"]) == "a")
    #expect(BoardRuntime.notice(["a", "b", "c"]) == "a (+2 more: closer check)")
  }
}

/// The real file system, but looking a path up fails with EIO while `failing` is set.
private final class PathLookups: FileSystem, @unchecked Sendable {
  let real = PosixFileSystem()
  var failing = false

  func status(atPath path: String) throws(SystemError) -> FileStatus? {
    if failing { throw SystemError("stat", path: path, code: EIO) }
    return try real.status(atPath: path)
  }

  func open(_ path: String, writable: Bool, create: Bool) throws(SystemError) -> Int32 {
    try real.open(path, writable: writable, create: create)
  }
  func close(_ descriptor: Int32) { real.close(descriptor) }
  func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError)
    -> Int
  { try real.read(descriptor, into: buffer, at: offset) }
  func append(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
    try real.append(descriptor, bytes)
  }
  func sync(_ descriptor: Int32) throws(SystemError) { try real.sync(descriptor) }
  func size(_ descriptor: Int32) throws(SystemError) -> Int64 { try real.size(descriptor) }
  func status(_ descriptor: Int32) throws(SystemError) -> FileStatus { try real.status(descriptor) }
  func truncate(_ descriptor: Int32, to size: Int64) throws(SystemError) { try real.truncate(descriptor, to: size) }
  func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) {
    try real.lock(descriptor, exclusive: exclusive)
  }
  func tryLock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) -> Bool {
    try real.tryLock(descriptor, exclusive: exclusive)
  }
  func unlock(_ descriptor: Int32) { real.unlock(descriptor) }
  func syncDirectory(_ path: String) throws(SystemError) { try real.syncDirectory(path) }
  func createDirectories(_ path: String) throws(SystemError) { try real.createDirectories(path) }
  func exists(_ path: String) -> Bool { real.exists(path) }
  func contents(ofDirectory path: String) -> [String] { real.contents(ofDirectory: path) }
  func rename(_ source: String, to destination: String) throws(SystemError) {
    try real.rename(source, to: destination)
  }
  func remove(_ path: String) { real.remove(path) }
}

/// The board opened on a journal that does not exist: nothing is created by looking; the
/// first change creates it; a journal another process creates meanwhile is picked up.
@Suite struct JournalToBeTests {
  func store(_ path: String) -> JournalToBe {
    JournalToBe(
      config: .standard, exists: { FileManager.default.fileExists(atPath: path) },
      open: { try PipelineStore(path: path, access: .readWrite, replica: "tester", clock: Environment.now) })
  }

  @Test func lookingCreatesNothingAndTheFirstChangeCreatesTheJournal() throws {
    let box = Sandbox()
    let journal = box.journal
    let board = store(journal)
    #expect(board.look().isEmpty)
    #expect(board.pipeline.count == 0)
    #expect(!FileManager.default.fileExists(atPath: journal))
    let id = board.newLeadID()
    _ = try board.record(.created(NewLead(name: "First Lead", stage: "lead-generation")), to: id, decidedOn: nil)
    #expect(FileManager.default.fileExists(atPath: journal))
    #expect(board.pipeline[id]?.name == "First Lead")
  }

  @Test func aJournalCreatedElsewhereIsPickedUp() throws {
    let box = Sandbox()
    let journal = box.journal
    let board = store(journal)
    let other = try PipelineStore(path: journal, access: .readWrite, replica: "other", clock: Environment.now)
    try other.record { _ in (LeadID("else0001"), .created(NewLead(name: "From Elsewhere", stage: "lead-generation"))) }
    let news = board.look()
    #expect(news.contains { if case .externalChanges = $0 { true } else { false } })
    #expect(board.pipeline["else0001"]?.name == "From Elsewhere")
  }
}
