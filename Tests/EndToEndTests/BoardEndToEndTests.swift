import Foundation
import Testing

/// The real binary in a real terminal (tmux), proving the wiring: keys, journal, screen.
@Suite(.serialized, .enabled(if: tmuxPath != nil, "needs tmux"))
struct BoardEndToEndTests {
  static let leads = [
    ("Ben Okafor", "lead-generation"), ("Ana Lima", "lead-generation"), ("José García", "qualifying"),
    ("Kim Seo-yeon", "proposal"),
  ]

  @Test func dragTwoStagesRightDropQuitAndTheJournalHasOneMove() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let before = session.journalLines().count
    try session.keys("Space", "Right", "Right")
    try session.waitFor("Needs Assessment, 1 of 1")
    try session.keys("Enter")
    try session.waitFor("Move anyway? y/n")  // past Qualifying with BANT unticked
    try session.keys("y")
    try session.waitFor("Moved Ana Lima to Needs Assessment")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    let lines = session.journalLines()
    #expect(lines.count == before + 1)
    #expect(lines.last?.contains(#""type":"lead.moved""#) == true)
    let list = try session.closer(["list", "--json", "--stage", "needs-assessment"])
    #expect(list.contains(#""name" : "Ana Lima""#))
  }

  @Test func escapeCancelsAMoveAndWritesNothing() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let before = session.journalLines()
    try session.keys("Space", "Right", "Down")
    try session.waitFor("MOVE")
    try session.keys("Escape")
    try session.waitFor("Move cancelled")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(session.journalLines() == before)
  }

  @Test(arguments: ["screen", "tmux-256color", "xterm-256color"])
  func shiftedArrowsMoveAtOnce(term: String) throws {
    let session = try TmuxSession(term: term) { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("S-Right")
    try session.waitFor("Moved Ana Lima to Qualifying")
    try session.keys("S-Down")  // José is above her now; Shift+Down swaps them back
    try session.waitFor("Moved Ana Lima to Qualifying, 2 of 2")
    try session.keys("S-Up")
    try session.waitFor("Moved Ana Lima to Qualifying, 1 of 2")
    try session.keys("S-Left")
    try session.waitFor("Moved Ana Lima to Lead Generation")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(try session.closer(["show", "ana", "--json"]).contains(#""stage" : "lead-generation""#))
  }

  @Test func searchJumpsToTheLead() throws {
    let session = try TmuxSession(width: 160, height: 45) { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("/")
    try session.type("jose")
    try session.waitFor("1 match")
    try session.keys("Enter")
    // The detail pane (160 columns) shows the focused lead.
    try session.waitFor(5, "José in the detail pane") { screen in
      screen.split(separator: "\n").contains { $0.contains("│ José García") || $0.hasSuffix("José García") }
    }
    try session.keys("q")
    try session.waitFor("EXIT=0")
  }

  @Test func checklistKeysTickCriteria() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("1")
    try session.waitFor("Budget ticked")
    try session.keys("3")
    try session.waitFor("Need ticked")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    let show = try session.closer(["show", "ana", "--json"])
    #expect(show.contains(#""budget" : true"#))
    #expect(show.contains(#""need" : true"#))
    #expect(show.contains(#""authority" : false"#))
  }

  @Test func resizingRelaysOut() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    #expect(!(try session.screen()).contains("Negotiation"))
    try session.tmux(["resize-window", "-t", "e2e", "-x", "200", "-y", "40"])
    try session.waitFor("Negotiation")
    try session.tmux(["resize-window", "-t", "e2e", "-x", "40", "-y", "10"])
    try session.waitFor("needs at least")
    try session.tmux(["resize-window", "-t", "e2e", "-x", "80", "-y", "24"])
    try session.waitFor("Lead Generation")
    try session.keys("q")
    try session.waitFor("EXIT=0")
  }

  @Test func aResizeStormLosesNothingAndTheBoardKeepsWorking() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("1")
    try session.waitFor("Budget ticked")
    for i in 0..<30 {
      let (w, h) = i % 3 == 0 ? (45, 12) : i % 3 == 1 ? (170, 50) : (80 + i, 24 + i % 7)
      try session.tmux(["resize-window", "-t", "e2e", "-x", "\(w)", "-y", "\(h)"])
    }
    try session.tmux(["resize-window", "-t", "e2e", "-x", "80", "-y", "24"])
    try session.waitFor("Lead Generation")
    try session.keys("3")
    try session.waitFor("Need ticked")
    try session.keys("C-c")  // Ctrl-C quits too
    try session.waitFor("EXIT=0")
    let show = try session.closer(["show", "ana", "--json"])
    #expect(show.contains(#""budget" : true"#) && show.contains(#""need" : true"#))
    #expect(try session.closer(["check"]).contains("OK"))
  }

  @Test func aJournalThatShrinksUnderTheBoardTurnsItReadOnly() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let lines = session.journalLines()
    try (lines[0] + "\n").write(toFile: session.journal, atomically: false, encoding: .utf8)
    try session.waitFor("READ-ONLY")
    try session.keys("1")
    try session.waitFor("Read-only:")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(session.journalLines() == [lines[0]])  // nothing was written to it
  }

  @Test func aNoteWrittenInTheEditorIsSaved() throws {
    // The "editor" is a script that types the note above Closer's help and saves, as a
    // rep would; a line starting with # is the rep's too.
    let script = NSTemporaryDirectory() + "closer-editor-\(UUID().uuidString).sh"
    try """
    #!/bin/sh
    { printf '#1 priority\\nMet at the fair.\\nWants pricing by Friday.\\n'; cat "$1"; } > "$1.new" && mv "$1.new" "$1"

    """.write(toFile: script, atomically: true, encoding: .utf8)
    chmod(script, 0o755)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let session = try TmuxSession(environment: "EDITOR=\(script) VISUAL=") { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("c")
    try session.waitFor("Note added to Ana Lima (3 lines)")
    try session.waitFor("Lead Generation")  // the board is back
    try session.keys("q")
    try session.waitFor("EXIT=0")
    let show = try session.closer(["show", "ana", "--json"])
    #expect(show.contains("#1 priority\\nMet at the fair.\\nWants pricing by Friday."), "\(show)")
  }

  @Test func addingALeadThroughTheFormSettingAFollowUpAndLosingADeal() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("a")
    try session.waitFor("New lead in Lead Generation")
    try session.type("Zoë Müller")
    try session.keys("Tab")
    try session.type("Zenith Labs")
    try session.keys("Tab")
    try session.type("EUR 9000")
    try session.keys("Enter")
    try session.waitFor("Added Zoë Müller")
    try session.keys("f")
    try session.type("Send pricing")
    try session.keys("Enter")
    try session.waitFor("Due?")
    try session.keys("C-u")
    try session.type("2027-02-01")
    try session.keys("Enter")
    try session.waitFor("Next for Zoë Müller")
    try session.keys("Down", "x")  // Ana Lima is now second
    try session.waitFor("Lost because?")
    try session.keys("2", "Enter")
    try session.waitFor("Lost: Ana Lima (Timing)")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    let zoe = try session.closer(["show", "zoe", "--json"])
    #expect(zoe.contains(#""company" : "Zenith Labs""#) && zoe.contains(#""currency" : "EUR""#))
    #expect(zoe.contains(#""action" : "Send pricing""#) && zoe.contains(#""due" : "2027-02-01""#))
    let ana = try session.closer(["show", "ana lima", "--json"])
    #expect(ana.contains(#""status" : "lost""#) && ana.contains(#""lostReason" : "Timing""#))
  }

  @Test func aBigImportArrivesOnAnOpenBoardWhichKeepsAnswering() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let rows = 20_000
    var csv = "Name,Company,Stage,Value\n"
    for i in 1...rows { csv += "Imported \(i),Import Co \(i % 97),Proposal,\(i * 10)\n" }
    let file = "\(session.directory)/deals.csv"
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    let output = try session.closer(["import", file])
    #expect(output.contains("\(rows) created"))
    // The board is reading the batch in slices; a key pressed now is still answered.
    // Deadlines are generous: the default test run keeps both cores busy with other tests.
    try session.keys("?")
    try session.waitFor("Keys", seconds: 30)
    try session.keys("Escape")
    try session.waitFor(60, "the whole batch counted") { $0.contains("\(rows) changes from elsewhere") }
    try session.keys("/")
    try session.type("imported 19999")
    try session.waitFor("1 match", seconds: 30)
    // Esc and q apart, as a rep presses them: together, they are Alt+q.
    try session.keys("Escape")
    try session.waitFor(30, "the search cleared") { !$0.contains("1 match") }
    try session.keys("q")
    try session.waitFor("EXIT=0")
  }

  @Test func aLeadAddedElsewhereAppearsWithinASecond() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    _ = try session.closer(["add", "Zoë Müller", "--company", "Zenith"])
    let started = Date()
    try session.waitFor("Zoë Müller", seconds: 5)
    #expect(Date().timeIntervalSince(started) < 1.5)
    try session.waitFor("1 change from elsewhere")
    try session.keys("q")
    try session.waitFor("EXIT=0")
  }

  @Test(arguments: ["TERM", "HUP"])
  func signalsRestoreTheTerminalAndLoseNothing(signal: String) throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    try session.keys("1")
    try session.waitFor("Budget ticked")
    // Only the board itself (env has exec'd it), not the shell around it.
    _ = try run("/usr/bin/pkill", ["-\(signal)", "-f", "^\(closerPath) --journal \(session.journal)$"])
    let screen = try session.waitFor("EXIT=0")
    #expect(!screen.contains("BOARD"))  // the board is gone: the terminal was restored
    #expect(try session.closer(["show", "ana", "--json"]).contains(#""budget" : true"#))
  }

  @Test func theBoardExitsWhenItsTerminalGoesAway() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let pattern = "^\(closerPath) --journal \(session.journal)$"
    #expect(try run("/usr/bin/pgrep", ["-f", pattern]).0 == 0)
    try session.tmux(["kill-server"])
    let deadline = Date().addingTimeInterval(10)
    var running = true
    while running && Date() < deadline {
      running = try run("/usr/bin/pgrep", ["-f", pattern]).0 == 0
      if running { usleep(50_000) }
    }
    #expect(!running, "the board kept running without a terminal")
  }
}

extension BoardEndToEndTests {
  /// `closer demo` makes its sample journal in $TMPDIR and removes it when the board closes,
  /// saying so; `--keep` keeps it.
  @Test(arguments: [false, true])
  func theDemoCleansUpAfterItself(keep: Bool) throws {
    let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("closer-demo-tmp-\(UUID())").path
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: temporary) }
    let session = try TmuxSession(
      environment: "TMPDIR=\(temporary)", arguments: keep ? ["demo", "--keep"] : ["demo"]
    ) { _ in }
    try session.waitFor("Lead Generation")
    let made = try FileManager.default.contentsOfDirectory(atPath: temporary)
    #expect(made.count == 1 && made[0].hasPrefix("closer-demo-"), "\(made)")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    let left = try FileManager.default.contentsOfDirectory(atPath: temporary)
    if keep {
      #expect(left == made)
      try session.waitFor("is kept at")
    } else {
      #expect(left.isEmpty, "\(left)")
      try session.waitFor("was removed")
    }
  }
}

extension BoardEndToEndTests {
  /// A terminal that cannot move its cursor gets a message that names it, not garbage.
  @Test func aTerminalThatCannotMoveItsCursorIsNamed() throws {
    let session = try TmuxSession(term: "dumb") { try addLeads($0, Self.leads) }
    let screen = try session.waitFor("EXIT=1")
    #expect(screen.contains("TERM=dumb"), "\(screen)")
    #expect(screen.contains("closer list"))
  }

  /// Under a locale that is not UTF-8 (LC_ALL=C), the board uses the system's UTF-8 locale:
  /// names with accents and the borders are drawn as they are.
  @Test func aLocaleThatIsNotUTF8StillDrawsNames() throws {
    let session = try TmuxSession(environment: "LC_ALL=C LANG=C") { try addLeads($0, Self.leads) }
    let screen = try session.waitFor("Ana Lima")
    #expect(screen.contains("│"), "\(screen)")
    let screenWithJose = try session.waitFor("José García")
    #expect(screenWithJose.contains("José García"))
    try session.keys("q")
    try session.waitFor("EXIT=0")
  }
}
