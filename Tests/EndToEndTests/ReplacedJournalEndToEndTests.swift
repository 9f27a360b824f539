import Foundation
import Testing

/// The journal is the file at its path: an open board whose journal is edited, checked out,
/// merged or deleted under it never acknowledges a change that is not in the file at the
/// path, and never writes to a file that is no longer there.
extension BoardEndToEndTests {
  @Test func aJournalEditedWithSedIsNeverWrittenToAndItsCopyIsNamed() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let original = try session.bytesAtPath()
    let held = try session.holdTheFileAtThePath()
    // Ben's line gets another company, and the checksum that goes with it, as a careful
    // hand edit would: the edited journal is sound.
    let ben = session.journalLines()[1]
    let checked = try #require(ben.firstRange(of: #","crc":""#).map { String(ben[..<$0.lowerBound]) })
    let sealed = crc32c(
      Array(checked.replacingOccurrences(of: #""company":"Co""#, with: #""company":"Okafor Ltd""#).utf8))
    let script = #"2s/"company":"Co",\(.*\)"crc":"[0-9a-f]*"/"company":"Okafor Ltd",\1"crc":"\#(hex(sealed))"/"#
    #expect(try run("/bin/sed", ["-i", script, session.journal], inheriting: false).0 == 0)
    let edited = try #require(try session.bytesAtPath())
    #expect(try session.closer(["check"]).contains("OK"))

    // At once, before the board may have looked: whichever finds out first, nothing is written.
    let answer = try session.press("L")
    #expect(acknowledgedMove(answer) == nil, "\(answer)")
    #expect(answer.contains("replaced"), "\(answer)")
    try session.expectOnlyAcknowledgedLines(since: edited, answer: answer)
    // A key that would write, once the board knows: refused, saying where the copy is.
    let copy = try #require(session.replacedCopies().first)
    for key in ["1", "L"] {
      let refusal = try session.press(key)
      #expect(refusal.hasPrefix("Read-only: the journal was replaced"), "\(refusal)")
      #expect(refusal.contains("kept in \(session.directory)/\(copy)."), "\(refusal)")
    }
    try session.keys("q")
    try session.waitFor("EXIT=0")

    #expect(try session.bytesAtPath() == edited)
    #expect(FileManager.default.contents(atPath: held) == original)  // nor was the old file written to
    #expect(FileManager.default.contents(atPath: "\(session.directory)/\(copy)") == original)
    #expect(session.files() == ["held.jsonl", "journal.jsonl", copy])
    #expect(try session.closer(["show", "ben", "--json"]).contains(#""company" : "Okafor Ltd""#))
    #expect(try session.closer(["show", "ana", "--json"]).contains(#""stage" : "lead-generation""#))
  }

  @Test func aJournalSavedByAnEditorWithOneMoreLineIsReadOnAndWrittenTo() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let original = try session.bytesAtPath()
    let held = try session.holdTheFileAtThePath()
    // The editor's new file: the same bytes, and a line another Closer wrote into it.
    let draft = "\(session.directory)/draft.jsonl"
    try FileManager.default.copyItem(atPath: session.journal, toPath: draft)
    _ = try run(
      closerPath, ["add", "Zoë Müller", "--company", "Zenith", "--journal", draft],
      environment: cleanEnvironment(home: session.directory, replica: "editor"), inheriting: false)
    let saved = try #require(FileManager.default.contents(atPath: draft))
    #expect(saved.count > original?.count ?? 0 && saved.starts(with: original ?? Data()))
    #expect(rename(draft, session.journal) == 0)

    try session.waitFor("Zoë Müller", seconds: 5)
    let answer = try session.press("L")
    #expect(acknowledgedMove(answer) == "Ana Lima to Qualifying", "\(answer)")
    try session.expectOnlyAcknowledgedLines(since: saved, answer: answer)
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(FileManager.default.contents(atPath: held) == original)
    #expect(session.replacedCopies().isEmpty)
    #expect(try session.closer(["show", "zoe", "--json"]).contains(#""company" : "Zenith""#))
  }

  @Test func anOlderVersionCheckedOutWithGitIsNeverWrittenTo() throws {
    let session = try TmuxSession { journal in
      try addLeads(journal, Self.leads)
      let git = Git(directory: URL(fileURLWithPath: journal).deletingLastPathComponent().path)
      try git(["init", "-q"])
      try git(["add", "journal.jsonl"])
      try git(["commit", "-q", "-m", "four leads"])
      try addLeads(journal, [("Zoë Müller", "qualifying")])
      try git(["commit", "-q", "-am", "Zoë"])
    }
    try session.waitFor("Zoë Müller")
    // A change the board saved, which the checkout then takes out of the file at the path:
    // the copy keeps it.
    try session.keys("1")
    try session.waitFor("Budget ticked for Ana Lima")
    let original = try session.bytesAtPath()
    let held = try session.holdTheFileAtThePath()
    try Git(directory: session.directory)(["checkout", "HEAD~1", "--", "journal.jsonl"])
    let older = try #require(try session.bytesAtPath())
    #expect(older.count < original?.count ?? 0)

    try session.waitFor(5, "the board to say so") { statusText($0).contains("journal.jsonl was replaced") }
    let answer = try session.press("L")
    #expect(acknowledgedMove(answer) == nil, "\(answer)")
    #expect(answer.hasPrefix("Read-only: the journal was replaced"), "\(answer)")
    try session.expectOnlyAcknowledgedLines(since: older, answer: answer)
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(try session.bytesAtPath() == older)
    #expect(FileManager.default.contents(atPath: held) == original)
    let copy = try #require(session.replacedCopies().first)
    #expect(FileManager.default.contents(atPath: "\(session.directory)/\(copy)") == original)
    #expect(session.files() == ["held.jsonl", "journal.jsonl", copy])
  }

  @Test func aFastForwardMergeIsReadOnAndWrittenTo() throws {
    let session = try TmuxSession { journal in
      try addLeads(journal, Self.leads)
      let git = Git(directory: URL(fileURLWithPath: journal).deletingLastPathComponent().path)
      try git(["init", "-q", "-b", "main"])
      try git(["add", "journal.jsonl"])
      try git(["commit", "-q", "-m", "four leads"])
      try git(["checkout", "-q", "-b", "teammate"])
      try addLeads(journal, [("Zoë Müller", "qualifying")])
      try git(["commit", "-q", "-am", "Zoë"])
      try git(["checkout", "-q", "main"])
    }
    try session.waitFor("Ana Lima")
    #expect(!(try session.screen()).contains("Zoë Müller"))
    let original = try session.bytesAtPath()
    let held = try session.holdTheFileAtThePath()
    try Git(directory: session.directory)(["merge", "-q", "--ff-only", "teammate"])
    let merged = try #require(try session.bytesAtPath())

    try session.waitFor("Zoë Müller", seconds: 5)
    let answer = try session.press("L")
    #expect(acknowledgedMove(answer) == "Ana Lima to Qualifying", "\(answer)")
    try session.expectOnlyAcknowledgedLines(since: merged, answer: answer)
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(FileManager.default.contents(atPath: held) == original)
    #expect(session.replacedCopies().isEmpty)
    #expect(try session.closer(["show", "zoe", "--json"]).contains(#""stage" : "qualifying""#))
  }

  @Test func aDeletedJournalIsNotCreatedAgain() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("1")
    try session.waitFor("Budget ticked for Ana Lima")  // something to undo
    let original = try session.bytesAtPath()
    let held = try session.holdTheFileAtThePath()
    #expect(unlink(session.journal) == 0)

    try session.waitFor(5, "the board to say so") { statusText($0).contains("journal.jsonl was deleted") }
    let copy = try #require(session.replacedCopies().first)
    for key in ["L", "u", "1"] {
      let answer = try session.press(key)
      #expect(answer.hasPrefix("Read-only: the journal was deleted or moved away"), "\(answer)")
      #expect(answer.contains("kept in \(session.directory)/\(copy)."), "\(answer)")
      try session.expectOnlyAcknowledgedLines(since: nil, answer: answer)
    }
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(try session.bytesAtPath() == nil)
    #expect(FileManager.default.contents(atPath: held) == original)
    #expect(FileManager.default.contents(atPath: "\(session.directory)/\(copy)") == original)
    #expect(session.files() == ["held.jsonl", copy])
  }
}

extension TmuxSession {
  /// The journal's bytes, or nil when there is no file at its path.
  func bytesAtPath() throws -> Data? {
    FileManager.default.fileExists(atPath: journal) ? try Data(contentsOf: URL(fileURLWithPath: journal)) : nil
  }

  /// A second name for the file now at the journal's path, so the test can see that nothing
  /// is written to it once another file takes its place.
  func holdTheFileAtThePath() throws -> String {
    let held = "\(directory)/held.jsonl"
    guard link(journal, held) == 0 else { throw CocoaError(.fileWriteUnknown) }
    return held
  }

  /// The files in the session's directory (git's own left out), sorted.
  func files() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0 != ".git" }.sorted()
  }

  /// Copies of what the board had read, kept when its journal was replaced or deleted.
  func replacedCopies() -> [String] { files().filter { $0.hasPrefix("journal.jsonl.replaced-") } }

  /// Presses a key on the board and returns its answer on the status line: a change saved
  /// ("Moved …"), or one refused or not saved.
  func press(_ key: String) throws -> String {
    let answers = ["Moved ", "Read-only: ", "Not saved: "]
    // First a key bound to nothing, which clears the status line, so that an earlier
    // answer is not taken for this one.
    try keys("z")
    try waitFor(10, "the status line cleared") { screen in !answers.contains { statusText(screen).hasPrefix($0) } }
    try keys(key)
    // A capture can catch the terminal half redrawn: the answer counts once two captures
    // in a row show it alike.
    var previous = ""
    let screen = try waitFor(10, "the board's answer to \(key)") { screen in
      defer { previous = screen }
      return screen == previous && answers.contains { statusText(screen).hasPrefix($0) }
    }
    return statusText(screen)
  }

  /// The journal at the path holds `before` and, after it, exactly the lines the board said
  /// it wrote: one move of the lead when `answer` acknowledged one, and nothing otherwise.
  func expectOnlyAcknowledgedLines(
    since before: Data?, answer: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let now = try bytesAtPath()
    guard let move = acknowledgedMove(answer) else {
      #expect(now == before, "the journal changed, but the board said: \(answer)", sourceLocation: sourceLocation)
      return
    }
    guard let before, let now, now.starts(with: before) else {
      Issue.record("the journal does not begin as it did before '\(answer)'", sourceLocation: sourceLocation)
      return
    }
    let added = String(decoding: now.dropFirst(before.count), as: UTF8.self).split(separator: "\n")
    #expect(added.count == 1, "\(added)", sourceLocation: sourceLocation)
    #expect(added.first?.contains(#""type":"lead.moved""#) == true, sourceLocation: sourceLocation)
    #expect(added.first?.contains(#""replica":"tmux""#) == true, sourceLocation: sourceLocation)
    // The move said is the move in the file: the lead is in that stage now.
    let parts = move.components(separatedBy: " to ")
    let stage = parts.last.map { $0.lowercased().replacingOccurrences(of: " ", with: "-") } ?? ""
    let list = try closer(["list", "--json", "--stage", stage])
    #expect(list.contains(#""name" : "\#(parts[0])""#), "\(list)", sourceLocation: sourceLocation)
  }
}

/// What the status line says, its wrapped rows joined: from the row with the mode's name
/// (" BOARD ") to the bottom, without the name.
func statusText(_ screen: String) -> String {
  let rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let bottom = Array(rows.reversed().drop { $0.isEmpty }.reversed().suffix(3))
  guard let top = bottom.firstIndex(where: { $0.hasPrefix(" BOARD ") }) else { return "" }
  let text = [bottom[top].dropFirst(8)] + bottom[(top + 1)...].map { Substring($0) }
  return text.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
}

/// "Ana Lima to Qualifying" when the board said it saved that move ("Moved Ana Lima to
/// Qualifying, 1 of 2"); nil when it said nothing was saved.
func acknowledgedMove(_ status: String) -> String? {
  guard status.hasPrefix("Moved "), let comma = status.firstIndex(of: ",") else { return nil }
  return String(status[status.index(status.startIndex, offsetBy: 6)..<comma])
}

/// `git` in a directory, with no configuration but what a commit needs.
struct Git {
  let directory: String

  func callAsFunction(_ arguments: [String]) throws {
    let identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    var environment = cleanEnvironment(home: directory, replica: "git")
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    let (status, output) = try run(
      "/usr/bin/git", ["-C", directory] + identity + arguments, environment: environment, inheriting: false)
    guard status == 0 else { throw GitFailed(arguments: arguments, status: status, output: output) }
  }
}

struct GitFailed: Error {
  var arguments: [String]
  var status: Int32
  var output: String
}

/// CRC-32C (Castagnoli), as the journal's lines carry it, for a test that edits a line by hand.
func crc32c(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
  }
  return crc ^ 0xFFFF_FFFF
}

func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: 8 - digits.count) + digits
}
