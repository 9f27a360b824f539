import Foundation
import Testing

/// What the command line does with journals that are not what they should be.
@Suite struct JournalCommandTests {
  /// A file that is not a journal is never turned into one, by any command.
  @Test(arguments: [["generate", "--leads", "5"], ["add", "Ana"], ["list"], ["check"]])
  func aTextFileIsNotTurnedIntoAJournal(command: [String]) throws {
    let box = Sandbox()
    let notes = "\(box.path)/notes.txt"
    try "Call Ana on Monday\nthen Ben\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let run = try closer(command + ["--journal", notes])
    #expect(run.status != 0)
    #expect(run.stderr.contains("is not a Closer journal"), "\(run.stderr)")
    #expect(try String(contentsOfFile: notes, encoding: .utf8) == "Call Ana on Monday\nthen Ben\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: box.path) == ["notes.txt"])
  }

  /// A journal path in a symbolic link loop is an error, not an empty pipeline.
  @Test(arguments: [["list"], ["show", "ana"], ["summary"], ["add", "Ana"], ["check"]])
  func aSymbolicLinkLoopIsAnError(command: [String]) throws {
    let box = Sandbox()
    let first = "\(box.path)/loop1"
    try FileManager.default.createSymbolicLink(atPath: first, withDestinationPath: "\(box.path)/loop2")
    try FileManager.default.createSymbolicLink(atPath: "\(box.path)/loop2", withDestinationPath: first)
    let run = try closer(command + ["--journal", first])
    #expect(run.status != 0)
    #expect(run.stderr.contains("Too many levels of symbolic links"), "\(run.stderr)")
  }

  @Test func checkOnAnEmptyJournalSaysSo() throws {
    let box = Sandbox()
    #expect(FileManager.default.createFile(atPath: box.journal, contents: Data()))
    let run = try box.run(["check"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("empty: no header and no events yet"), "\(run.stdout)")
    #expect(!run.stdout.contains("-1 events"))
  }

  /// Windows line endings make every line fail its checksum: the cause is named, and the
  /// journal is left as it is.
  @Test func aJournalWithWindowsLineEndingsNamesTheCause() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    _ = try box.run(["add", "Ben Okafor"])
    let crlf = Data(
      String(decoding: box.journalBytes(), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
    try crlf.write(to: URL(fileURLWithPath: box.journal))
    let check = try box.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("Windows (CR LF) line endings"), "\(check.stdout)")
    #expect(!check.stdout.contains("torn"))
    let add = try box.run(["add", "Cleo"])
    #expect(add.status != 0)
    #expect(box.journalBytes() == crlf)
  }

  /// `closer add`'s fast path (a journal with a snapshot) says when it set a torn tail
  /// aside, as every other path does.
  @Test func theFastPathOfAddReportsATornTail() throws {
    let box = Sandbox()
    _ = try box.run(["generate", "--leads", "300"])
    _ = try box.run(["list"])  // writes the snapshot
    #expect(FileManager.default.fileExists(atPath: box.journal + ".snapshot"))
    let handle = try #require(FileHandle(forWritingAtPath: box.journal))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"id":"half-writ"#.utf8))
    handle.closeFile()
    let add = try box.run(["add", "Ana Lima"])
    #expect(add.status == 0)
    #expect(add.stderr.contains("never finished being written"), "\(add.stderr)")
    #expect(add.stderr.contains(".torn-"))
  }

  /// Repeated events and lines out of order are problems `closer check` reports.
  @Test func checkReportsRepeatedAndMisplacedLines() throws {
    let box = Sandbox()
    for name in ["Ana Lima", "Ben Okafor", "Cleo Diaz"] { _ = try box.run(["add", name]) }
    var lines = box.journalLines()
    lines.append(lines[1])
    try (lines.joined(separator: "\n") + "\n").write(toFile: box.journal, atomically: false, encoding: .utf8)
    let repeated = try box.run(["check"])
    #expect(repeated.status == 1)
    #expect(repeated.stdout.contains("line 5: repeats event"), "\(repeated.stdout)")
    lines.removeLast()
    lines.remove(at: 2)
    try (lines.joined(separator: "\n") + "\n").write(toFile: box.journal, atomically: false, encoding: .utf8)
    let deleted = try box.run(["check"])
    #expect(deleted.status == 1)
    #expect(deleted.stdout.contains("line 3: was written after event"), "\(deleted.stdout)")
  }

  /// A named pipe as the journal is refused at once, by readers and writers: opening it
  /// never waits for another process to write into it.
  @Test(arguments: [["list"], ["add", "Ana"], ["check"], ["show", "ana"]])
  func aNamedPipeAsTheJournalIsRefusedAtOnce(command: [String]) throws {
    let box = Sandbox()
    let pipe = "\(box.path)/journal.fifo"
    #expect(mkfifo(pipe, 0o644) == 0)
    let running = try RunningCloser(command + ["--journal", pipe])
    let run = try #require(running.finish(within: 10), "closer \(command) waited on the pipe")
    #expect(run.status != 0)
    #expect(run.stderr.contains("named pipe"), "\(run.stderr)")
    #expect(fileType(pipe) == S_IFIFO)
  }
}

/// Help reads as prose: paragraphs are wrapped to the terminal's width, never broken where
/// the source happened to break its lines.
@Suite struct HelpTextTests {
  @Test(arguments: [
    [], ["move"], ["import"], ["export"], ["add"], ["list"], ["check"], ["stats"], ["follow-up"], ["lost"],
  ])
  func paragraphsAreNotBrokenMidSentence(command: [String]) throws {
    let run = try closer(command + ["--help"])
    #expect(run.status == 0)
    let text = run.stdout.components(separatedBy: "USAGE:").first ?? ""
    let lines = text.components(separatedBy: "\n")
    for (index, line) in lines.enumerated() where index + 1 < lines.count {
      let next = lines[index + 1]
      guard !line.isEmpty, !next.isEmpty, !line.hasPrefix("OVERVIEW") else { continue }
      #expect(line.count >= 50, "'\(line)' is broken before the line is full (closer \(command) --help)")
    }
  }
}

@Suite struct GeneratedPipelineTests {
  /// A generated pipeline reads like a real one: no follow-up falls due before the lead
  /// it belongs to was created.
  @Test func noFollowUpIsDueBeforeItsLeadWasCreated() throws {
    let box = Sandbox()
    _ = try box.run(["generate", "--leads", "400", "--days", "30"])
    let listed = try box.run(["list", "--status", "all", "--json"])
    let leads = try #require(try json(listed.stdout) as? [[String: Any]])
    var checked = 0
    for lead in leads {
      guard let followUp = lead["followUp"] as? [String: Any], let due = followUp["due"] as? String,
        let created = lead["created"] as? String
      else { continue }
      #expect(due >= String(created.prefix(10)), "\(lead["name"] ?? "") created \(created), due \(due)")
      checked += 1
    }
    #expect(checked > 50)
  }
}
