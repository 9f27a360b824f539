import Foundation
import Testing

/// Text that would drive a terminal if printed as it is: a colour (CSI), a window title
/// (OSC ended by BEL), a C1 CSI, DEL, a right-to-left override, BEL, a carriage return,
/// and all of them at once.
let hostileTexts = [
  "\u{1B}[31m", "\u{1B}]0;x\u{07}", "\u{9B}31m", "\u{7F}", "\u{202E}", "\u{07}", "\r",
  "a\u{1B}[2J\u{9B}1;1H\u{202E}\r\u{7F}\u{07}\u{85}\u{2066}b",
]

/// The scalars of `text` that could drive a terminal: C0 controls other than line feed and
/// tab, DEL, C1 controls, line and paragraph separators and bidirectional controls.
func controls(in text: String) -> [String] {
  text.unicodeScalars.filter { scalar in
    switch scalar.value {
    case 0x0A, 0x09: false
    case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }.map { String(format: "U+%04X", $0.value) }
}

/// What the product promises: no human-readable output carries a control character or an
/// escape sequence from data or arguments.
@Suite struct HostileTextTests {
  /// A journal whose every text field (and a stage key, a currency, a lead id) holds
  /// `hostile`, written by hand: `closer add` would clean it.
  func hostileJournal(_ hostile: String, in box: Sandbox) throws {
    func text(_ prefix: String) -> String { jsonLiteral(prefix + hostile) }
    var journal = HandWrittenJournal()
    journal.append(
      "lead.created", lead: "lead0001",
      payload: """
        {"name":\(text("Name")),"company":\(text("Co")),"email":\(text("mail")),"phone":\(text("tel")),\
        "owner":\(text("owner")),"source":\(text("Src")),"ref":\(text("ref")),"value":125050,\
        "currency":\(text("U")),"stage":"qualifying","position":1}
        """)
    journal.append(
      "followup.set", lead: "lead0001", payload: #"{"action":\#(text("Call")),"due":"2020-01-01"}"#)
    journal.append("note.added", lead: "lead0001", payload: #"{"text":\#(text("Note"))}"#)
    journal.append(
      "lead.created", lead: "lead0002",
      payload: #"{"name":\#(text("Staged")),"stage":\#(text("st")),"position":1,"value":100,"currency":"USD"}"#)
    journal.append(
      "lead.created", lead: "lead0003",
      payload: #"{"name":\#(text("Gone")),"source":\#(text("Src")),"stage":"proposal","position":1}"#)
    journal.append("lead.lost", lead: "lead0003", payload: #"{"reason":\#(text("Why"))}"#)
    journal.append(
      "lead.created", lead: "bad\(hostile)",
      payload: #"{"name":"Bad id","stage":"qualifying","position":1}"#)
    try journal.write(to: box.journal)
  }

  @Test(arguments: hostileTexts)
  func textFromTheJournalIsShownVisibly(hostile: String) throws {
    let box = Sandbox()
    try hostileJournal(hostile, in: box)
    for arguments in [
      ["list"], ["list", "--status", "all"], ["list", "--due"], ["list", "--sort", "value"], ["show", "lead0001"],
      ["show", "lead0002"], ["show", "lead0003"], ["summary"], ["stats"], ["check"], ["show", "name"],
      ["move", "lead0001", "proposal", "--override-gate"], ["won", "lead0002"],
      ["export", "--output", "\(box.path)/out.csv"],
    ] {
      let run = try box.run(arguments)
      #expect(controls(in: run.stdout).isEmpty, "\(arguments): \(run.stdout)")
      #expect(controls(in: run.stderr).isEmpty, "\(arguments): \(run.stderr)")
      #expect(!(run.stdout + run.stderr).isEmpty, "\(arguments)")
    }
    // What it shows is the text made visible, not dropped.
    #expect(try box.run(["show", "lead0001"]).stdout.contains("Name"))
  }

  /// JSON escapes whatever a terminal could act on, not only what JSON requires (C0):
  /// DEL, C1 controls, separators and bidirectional controls too.
  @Test(arguments: hostileTexts)
  func jsonEscapesEveryControlCharacter(hostile: String) throws {
    let box = Sandbox()
    try hostileJournal(hostile, in: box)
    for arguments in [
      ["list", "--json", "--status", "all"], ["show", "lead0001", "--json"], ["show", "lead0003", "--json"],
      ["stats", "--json"], ["export", "--format", "json"], ["export", "--format", "jsonl"],
    ] {
      let run = try box.run(arguments)
      #expect(run.status == 0)
      #expect(controls(in: run.stdout).isEmpty, "\(arguments): \(run.stdout)")
    }
  }

  /// JSON is data: it holds the text exactly, in valid JSON.
  @Test(arguments: hostileTexts)
  func jsonHoldsTheTextExactly(hostile: String) throws {
    let box = Sandbox()
    try hostileJournal(hostile, in: box)
    let list = try #require(try json(box.run(["list", "--json", "--status", "all"]).stdout) as? [[String: Any]])
    #expect(Set(list.compactMap { $0["name"] as? String }) == ["Name\(hostile)", "Staged\(hostile)", "Gone\(hostile)"])
    let show = try #require(try json(box.run(["show", "lead0001", "--json"]).stdout) as? [String: Any])
    #expect(show["company"] as? String == "Co\(hostile)")
    #expect(show["currency"] as? String == "U\(hostile)")
    #expect((show["notes"] as? [[String: Any]])?.first?["text"] as? String == "Note\(hostile)")
    let stats = try #require(try json(box.run(["stats", "--json"]).stdout) as? [String: Any])
    #expect((stats["sources"] as? [[String: Any]])?.contains { $0["source"] as? String == "Src\(hostile)" } == true)
    let exported = try box.run(["export", "--format", "json"])
    let leads = try #require(try json(exported.stdout) as? [[String: Any]])
    #expect(leads.contains { $0["lostReason"] as? String == "Why\(hostile)" })
    let lines = try box.run(["export", "--format", "jsonl"]).stdout.split(separator: "\n")
    #expect(lines.count == 3)
    for line in lines { #expect(try json(String(line)) is [String: Any]) }
  }

  /// An export is data in its own format: CSV keeps the text (quoted where it must be),
  /// iCalendar drops what RFC 5545 does not allow in text (control characters).
  @Test(arguments: hostileTexts)
  func exportsFollowTheirFormats(hostile: String) throws {
    let box = Sandbox()
    try hostileJournal(hostile, in: box)
    let csv = try box.run(["export", "--format", "csv"])
    #expect(csv.status == 0)
    #expect(csv.stdout.contains("Name\(hostile)"))
    let ics = try box.run(["export", "--format", "ics"]).stdout
    #expect(ics.contains("SUMMARY:Call"))
    let lines = ics.replacingOccurrences(of: "\r\n", with: "")
    #expect(!lines.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(lines)")
  }

  /// Errors and messages quote what was typed made visible, on one line.
  @Test(arguments: hostileTexts)
  func argumentsAreEchoedVisibly(hostile: String) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    let h = hostile
    for arguments in [
      ["show", "nobody\(h)"], ["show", "\(h)"], ["move", "ana", "st\(h)"], ["move", "x\(h)", "proposal"],
      ["won", "x\(h)"], ["reopen", "x\(h)"], ["lost", "x\(h)", "--reason", "r"], ["reopen", "ana", "--stage", "s\(h)"],
      ["follow-up", "ana", "Call", "--due", "d\(h)"], ["add", "Cleo", "--value", h],
      ["add", "Cleo", "--value", "1\(h)"],
      ["add", "Cleo", "--stage", "s\(h)"], ["add", "Cleo", "--expected-close", "d\(h)"],
      ["add", "Cleo", "--follow-up", "x", "--due", "d\(h)"], ["list", "--stage", "s\(h)"],
      ["list", "--status", "s\(h)"], ["stats", "--period", "p\(h)"], ["stats", "--since", "d\(h)"],
      ["--unknown\(h)"], ["list", "--bogus\(h)"], ["export", "--format", "f\(h)"],
      ["import", "/nonexistent/f\(h).csv"],
      ["import", "x.csv", "--stage-map", "a\(h)"], ["list", "--config", "/nonexistent/c\(h).toml"],
      ["export", "--output", "/nonexistent/x\(h).csv"], ["lost", "ana", "--reason", "r\(h)"],
      ["follow-up", "ana", "Call\(h)", "--due", "tomorrow"], ["reopen", "ana"],
    ] {
      let run = try box.run(arguments)
      #expect(controls(in: run.stdout).isEmpty, "\(arguments): \(run.stdout)")
      #expect(controls(in: run.stderr).isEmpty, "\(arguments): \(run.stderr)")
      #expect(!(run.stdout + run.stderr).isEmpty, "\(arguments)")
    }
    // A journal path given on the command line is quoted too (below a file, so that it
    // cannot be created).
    try Data().write(to: URL(fileURLWithPath: "\(box.path)/file"))
    for arguments in [["check"], ["add", "Ana"], ["generate", "--leads", "1"]] {
      let run = try closer(arguments + ["--journal", "\(box.path)/file/x\(h)/journal.jsonl"])
      #expect(run.status != 0)
      #expect(controls(in: run.stderr).isEmpty, "\(arguments): \(run.stderr)")
    }
  }

  /// A line break in what was typed cannot forge a line of the message.
  @Test(arguments: [
    ["show", "nobody\nError: forged"], ["add", "Cleo", "--value", "1\nError: forged"],
    ["list", "--status", "x\nError: forged"], ["--x\nError: forged"], ["move", "ana", "x\nError: forged"],
  ])
  func aLineBreakInAnArgumentStaysInItsLine(arguments: [String]) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    let run = try box.run(arguments)
    #expect(run.status != 0)
    #expect(run.stderr.split(separator: "\n").filter { $0.contains("Error:") }.count == 1, "\(run.stderr)")
    #expect(run.stderr.contains("↵Error: forged"), "\(run.stderr)")
  }
}
