import Foundation
import Testing

/// `closer log`: a call, meeting or email with its outcome, in the journal, `show`, `--json`,
/// the export and filters; a bad kind is refused and writes nothing.
@Suite struct ActivityCommandTests {
  @Test func aLoggedCallIsShownExportedAndFiltered() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--company", "Acme"])
    _ = try box.run(["add", "Ben Okafor"])
    let logged = try box.run(["log", "ana", "call", "Talked budget, sending proposal"])
    #expect(logged.status == 0, "\(logged.stderr)")
    #expect(logged.stdout.contains("Logged a call with Ana Lima: Talked budget, sending proposal"))
    let line = try #require(box.journalLines().last)
    #expect(line.contains("\"type\":\"activity.logged\""))
    #expect(line.contains("\"kind\":\"call\""))
    #expect(line.contains("\"outcome\":\"Talked budget, sending proposal\""))

    let show = try box.run(["show", "ana"])
    #expect(show.stdout.contains("Activities (newest first)"))
    #expect(show.stdout.contains("call     Talked budget, sending proposal"))
    let shown = try #require(try json(box.run(["show", "ana", "--json"]).stdout) as? [String: Any])
    let activities = try #require(shown["activities"] as? [[String: Any]])
    #expect(activities.count == 1)
    #expect(activities.first?["kind"] as? String == "call")
    #expect(activities.first?["outcome"] as? String == "Talked budget, sending proposal")

    let export = try box.run(["export", "--format", "json"])
    #expect(
      export.stdout.contains("\"activities\":[{\"kind\":\"call\",\"outcome\":\"Talked budget, sending proposal\""))

    // A filter that starts with '-' follows '--where=' (else it reads as an option).
    func names(_ filter: String) throws -> [String] {
      let run = try box.run(
        filter.hasPrefix("=") ? ["list", "--where\(filter)", "--json"] : ["list", "--where", filter, "--json"])
      #expect(run.status == 0, "\(run.stderr)")
      return try #require(try json(run.stdout) as? [[String: Any]]).compactMap { $0["name"] as? String }.sorted()
    }
    #expect(try names("activity:none-14d") == ["Ben Okafor"])
    #expect(try names("activity:call") == ["Ana Lima"])
    #expect(try names("activity:7d") == ["Ana Lima"])
    #expect(try names("activity:meeting,none") == ["Ben Okafor"])
    #expect(try names("=-activity:none") == ["Ana Lima"])
  }

  @Test func aBadKindIsRefusedAndARerunWritesNothing() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    let before = box.journalBytes()
    try box.expectRefused(["log", "ana", "lunch", "Nice"], saying: "'lunch' is not an activity")
    #expect(box.journalBytes() == before)
    #expect(try box.run(["log", "ana", "m", "Demo", "went", "well"]).stdout.contains("Logged a meeting"))
    let once = box.journalLines().count
    let again = try box.run(["log", "ana", "meeting", "Demo went well"])
    #expect(again.stdout.contains("nothing written"))
    #expect(box.journalLines().count == once)
    // An email with no outcome is still an email.
    #expect(try box.run(["log", "ana", "EMAIL"]).stdout.contains("Logged an email with Ana Lima"))
    try box.expectRefused(["list", "--where", "activity:call-2x"], saying: "'call-2x' is not an activity")
  }

  /// A script that logs two activities, run twice, writes them once; a kind's start is read
  /// in filters as `closer log` reads it; `-` reads the outcome from standard input.
  @Test func aScriptRunTwiceLogsOnce() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ben Okafor"])
    for _ in 0..<2 {
      _ = try box.run(["log", "ben", "call", "A"])
      _ = try box.run(["log", "ben", "meeting", "B"])
    }
    #expect(box.journalLines().filter { $0.contains("activity.logged") }.count == 2)
    let listed = try box.run(["list", "--where", "activity:c", "--json"])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("Ben Okafor"))
    let input = "\(box.path)/outcome.txt"
    try "Sent the deck\nand pricing\n".write(toFile: input, atomically: true, encoding: .utf8)
    let stdin = try #require(FileHandle(forReadingAtPath: input))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: closerExecutable)
    process.arguments = ["log", "ben", "email", "-", "--journal", box.journal]
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", "CLOSER_REPLICA": "tester"]
    process.standardInput = stdin
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(box.journalLines().last?.contains(#""outcome":"Sent the deck and pricing""#) == true)
  }

  /// Marks that reorder text (U+200F, U+200E, U+061C) are stored as spaces and never reach
  /// the terminal or JSON raw.
  @Test func directionMarksNeverReachTheTerminal() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana"])
    _ = try box.run(["log", "ana", "call", "a\u{200F}b\u{200E}c\u{061C}d"])
    #expect(box.journalLines().last?.contains(#""outcome":"a b c d""#) == true)
    let json = try box.run(["show", "ana", "--json"]).stdout
    #expect(!json.unicodeScalars.contains { [0x200E, 0x200F, 0x061C].contains($0.value) })
  }
}
