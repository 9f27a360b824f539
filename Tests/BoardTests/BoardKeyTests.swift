import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

@Suite struct BoardKeyTests {
  @Test func opensOnTheTopCardOfTheFirstColumnWithCards() {
    let h = Harness()
    #expect(h.focused?.name == "Ana Lima")
    var empty = Pipeline()
    try? empty.apply(
      Event(
        id: "x", time: Harness.now, replica: "t", lead: "late",
        change: .created(NewLead(name: "Late", stage: "closing"))))
    let other = Harness(pipeline: empty)
    #expect(other.focused?.name == "Late")
    #expect(other.state.column == 5)
  }

  @Test func arrowsAndVimKeysMoveTheFocus() {
    var h = Harness()
    h.send(.down)
    #expect(h.focused?.name == "Ben Okafor")
    h.send(.character("j"), .character("j"))
    #expect(h.focused?.name == "Chloé Dubois")  // stops at the bottom
    h.send(.right)
    #expect(h.focused?.name == "Zoë Müller")  // same row, clamped to the column
    h.send(.character("k"), .character("l"), .character("h"), .left)
    #expect(h.focused?.name == "Ana Lima")
    #expect(h.written.isEmpty)
  }

  @Test func liftCarryAndDropWritesExactlyOneMove() {
    var h = Harness()
    h.send(.character(" "))
    guard case .move = h.state.mode else {
      Issue.record("Space should lift the card")
      return
    }
    h.send(.right, .right, .right, .down)
    #expect(h.frame.lines.last?.contains("Proposal, 2 of 4") == true)
    #expect(h.written.isEmpty)
    h.send(.enter)
    // Passing Qualifying with BANT unticked asks first.
    guard case .confirm = h.state.mode else {
      Issue.record("the stage gate should ask for confirmation")
      return
    }
    #expect(h.frame.lines.last?.contains("Move anyway? y/n") == true)
    h.send(.character("y"))
    #expect(h.written.count == 1)
    #expect(h.written.first?.change == .moved(stage: "proposal", position: 2, gateOverridden: true))
    #expect(h.column("proposal") == ["Kim Seo-yeon", "Ana Lima", "Priya Sharma", "Søren Andersen"])
    #expect(h.focused?.name == "Ana Lima")
    #expect(h.frame.lines.last?.contains("Moved Ana Lima to Proposal, 2 of 4") == true)
  }

  @Test func escapePutsTheCardBackAndWritesNothing() {
    var h = Harness()
    h.send(.down, .character(" "), .right, .down, .escape)
    #expect(h.written.isEmpty)
    #expect(h.state.mode == .board)
    #expect(h.column("lead-generation") == ["Ana Lima", "Ben Okafor", "Chloé Dubois"])
    #expect(h.focused?.name == "Ben Okafor")
    // Dropping where it was lifted writes nothing either.
    h.send(.character(" "), .enter)
    #expect(h.written.isEmpty)
  }

  @Test func aDeclinedGateLeavesTheCardWhereItWas() {
    var h = Harness()
    h.send(.right)  // José, Qualifying, Budget ticked only
    h.send(.shiftRight)
    guard case .confirm = h.state.mode else {
      Issue.record("leaving Qualifying with BANT incomplete should ask")
      return
    }
    h.send(.character("n"))
    #expect(h.written.isEmpty)
    #expect(h.pipeline["jose"]?.stage == "qualifying")
    h.send(.escape)
  }

  @Test func shiftArrowsAndCapitalsMoveAtOnce() {
    var h = Harness()
    h.send(.character("J"))  // Ana down one place
    #expect(h.column("lead-generation") == ["Ben Okafor", "Ana Lima", "Chloé Dubois"])
    #expect(h.focused?.name == "Ana Lima")
    h.send(.shiftUp)
    #expect(h.column("lead-generation") == ["Ana Lima", "Ben Okafor", "Chloé Dubois"])
    h.send(.shiftRight)  // into Qualifying: no gate to pass yet
    #expect(h.pipeline["ana0"]?.stage == "qualifying")
    h.send(.character("H"))
    #expect(h.pipeline["ana0"]?.stage == "lead-generation")
    #expect(h.written.count == 4)
  }

  @Test func numberKeysTickTheChecklist() {
    var h = Harness()
    h.send(.character("1"), .character("3"))
    #expect(h.pipeline["ana0"]?.isChecked("budget") == true)
    #expect(h.pipeline["ana0"]?.isChecked("need") == true)
    #expect(h.pipeline["ana0"]?.isChecked("authority") == false)
    h.send(.character("1"))
    #expect(h.pipeline["ana0"]?.isChecked("budget") == false)
    h.send(.character("9"))
    #expect(h.written.count == 3)
    #expect(h.frame.lines.last?.contains("no criterion 9") == true)
  }

  @Test func undoAndRedoAppendCompensatingEvents() {
    var h = Harness()
    h.send(.shiftRight)
    #expect(h.pipeline["ana0"]?.stage == "qualifying")
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.stage == "lead-generation")
    #expect(h.column("lead-generation").first == "Ana Lima")
    h.send(.control("r"))
    #expect(h.pipeline["ana0"]?.stage == "qualifying")
    #expect(h.written.count == 3)  // the journal only grows
    h.send(.character("u"), .character("u"))
    #expect(h.frame.lines.last?.contains("Nothing to undo") == true)
  }

  @Test func searchFindsAccentedNamesAndKeepsTheHighlight() {
    var h = Harness()
    h.send(.character("/"))
    h.type("jose")
    #expect(h.focused?.name == "José García")
    #expect(h.frame.lines.last?.contains("1 match") == true)
    h.send(.enter)
    #expect(h.state.mode == .board)
    #expect(h.state.highlight?.query == "jose")
    #expect(h.focused?.name == "José García")
    // A broader search: n and N step through the matches in board order.
    h.send(.character("/"))
    h.type("an")
    let matches = h.state.mode == .board ? [] : h.frameMatches
    #expect(matches.count >= 3)
    h.send(.enter)
    let first = h.focused?.name
    h.send(.character("n"))
    #expect(h.focused?.name != first)
    h.send(.character("N"))
    #expect(h.focused?.name == first)
    h.send(.escape)
    #expect(h.state.highlight == nil)
  }

  @Test func searchPicksWithArrowsAndEscapeClears() {
    var h = Harness()
    h.send(.character("/"))
    h.type("a")
    guard case .search(let search) = h.state.mode else {
      Issue.record("should be searching")
      return
    }
    let picked = search.matches[search.picked]
    h.send(.down)
    guard case .search(let next) = h.state.mode else { return }
    #expect(next.matches[next.picked] != picked)
    h.send(.control("p"))
    guard case .search(let back) = h.state.mode else { return }
    #expect(back.matches[back.picked] == picked)
    h.send(.escape)
    #expect(h.state.mode == .board)
    #expect(h.state.highlight == nil)
    #expect(h.written.isEmpty)
  }

  @Test func theDetailPaneTogglesTheChecklist() {
    var h = Harness()
    h.send(.enter)
    #expect(h.state.mode == .detail(item: 0))
    h.send(.down, .character(" "))
    #expect(h.pipeline["ana0"]?.isChecked("authority") == true)
    h.send(.escape)
    #expect(h.state.mode == .board)
    h.send(.tab)
    #expect(h.state.mode == .detail(item: 0))
    h.send(.tab)
    #expect(h.state.mode == .board)
  }

  @Test func helpListsTheKeysOfTheCurrentMode() {
    var h = Harness()
    h.send(.character("?"))
    #expect(h.frame.text.contains("Keys: board"))
    #expect(h.frame.text.contains("lift the card"))
    h.send(.character("x"))
    h.send(.character(" "), .character("?"))
    #expect(h.frame.text.contains("Keys: move"))
    #expect(h.frame.text.contains("put it back"))
    h.send(.escape)  // closes help, still moving
    guard case .move = h.state.mode else {
      Issue.record("closing help returns to move mode")
      return
    }
  }

  @Test func quitAndControlC() {
    var h = Harness()
    #expect(h.state.update(.key(.character("q")), pipeline: h.pipeline) == [.quit])
    var other = Harness()
    #expect(other.state.update(.key(.control("c")), pipeline: other.pipeline) == [.quit])
  }

  @Test func aFailedSaveChangesNothingAndSaysWhy() {
    var h = Harness()
    h.failWrites = true
    h.send(.shiftRight)
    #expect(h.pipeline["ana0"]?.stage == "lead-generation")
    #expect(h.frame.lines.last?.contains("Not saved") == true)
    #expect(h.frame.lines.last?.contains("No space left") == true)
  }

  @Test func readOnlyJournalsRefuseChanges() {
    var h = Harness()
    h.state.readOnlyReason = "line 12 is damaged"
    h.send(.shiftRight, .character("1"))
    #expect(h.written.isEmpty)
    #expect(h.frame.lines.last?.contains("Read-only: line 12 is damaged") == true)
    #expect(h.frame.lines.first?.contains("READ-ONLY") == true)
  }

  @Test func changesFromElsewhereKeepTheFocusOnItsLead() throws {
    var h = Harness()
    h.send(.down)
    #expect(h.focused?.name == "Ben Okafor")
    // Another process adds a lead at the top of the same column.
    try h.pipeline.apply(
      Event(
        id: "x", time: Harness.now, replica: "other", lead: "newc",
        change: .created(NewLead(name: "New Contact", stage: "lead-generation"))))
    h.handle(.externalChanges(count: 1))
    #expect(h.focused?.name == "Ben Okafor")
    #expect(h.frame.lines.last?.contains("1 change from elsewhere") == true)
  }
}

extension Harness {
  /// The matches of the search being typed.
  var frameMatches: [LeadID] {
    if case .search(let search) = state.mode { return search.matches }
    return []
  }
}

@Suite struct BoardNoticeTests {
  @Test func noticesShowInTheStatusLineUntilTheNextKey() {
    var h = Harness()
    h.handle(.notice("line 9: damaged: checksum mismatch"))
    #expect(h.frame.lines.last?.contains("line 9: damaged") == true)
    h.send(.down)
    #expect(h.frame.lines.last?.contains("line 9") == false)
  }
}

@Suite struct SearchIndexTests {
  @Test func aPreparedIndexIsUsedAndRebuiltAfterChanges() {
    var h = Harness()
    #expect(h.state.searchIndexIsStale(h.pipeline))
    h.state.prepareSearch(h.pipeline)
    #expect(!h.state.searchIndexIsStale(h.pipeline))
    h.send(.shiftRight)  // a change: the index no longer matches the pipeline
    #expect(h.state.searchIndexIsStale(h.pipeline))
    h.send(.character("/"))
    h.type("lima")
    #expect(h.frameMatches == ["ana0"])
    #expect(!h.state.searchIndexIsStale(h.pipeline))
  }
}

@Suite struct OutcomeKeyTests {
  @Test func wMarksTheDealWonAndUndoReopensIt() {
    var h = Harness()
    h.send(.character("w"), .character("y"))  // past Qualifying's gate: confirmed
    #expect(h.pipeline["ana0"]?.status == .won)
    #expect(h.pipeline["ana0"]?.stage == "post-sale")
    #expect(h.frame.lines.last?.contains("Won: Ana Lima (USD 12,500)") == true)
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.status == .open)
    #expect(h.pipeline["ana0"]?.stage == "lead-generation")
    guard case .restored(let restoration) = h.written.last?.change else {
      Issue.record("undo should put the lead back")
      return
    }
    #expect(restoration.reverses == h.written[0].id)
  }

  @Test func xAsksForAReasonByNumberOrText() {
    var h = Harness()
    h.send(.character("x"))
    #expect(h.frame.lines.last?.contains("Lost because?") == true)
    #expect(h.frame.lines.last?.contains("2 Timing") == true)
    h.send(.character("2"))
    #expect(h.pipeline["ana0"]?.status == .open)  // a number, then Enter
    h.send(.enter)
    #expect(h.pipeline["ana0"]?.status == .lost)
    #expect(h.pipeline["ana0"]?.lostReason == "Timing")
    #expect(h.focused?.name == "Ben Okafor")  // the lost card left the board
    #expect(h.state.mode == .board)  // and the Enter opened nothing else
    h.send(.character("x"))
    h.type("Went in-house")
    h.send(.enter)
    #expect(h.pipeline["ben0"]?.lostReason == "Went in-house")
    h.send(.character("x"), .character("b"), .character("a"), .backspace, .backspace, .escape)
    #expect(h.pipeline["chl0"]?.status == .open)
    #expect(h.written.count == 2)
    h.send(.character("u"))
    #expect(h.pipeline["ben0"]?.status == .open)
  }

  @Test func wonAndLostDealsCannotBeMarkedAgain() {
    var h = Harness()
    for _ in 0..<6 { h.send(.right) }  // Post-Sale: Ólafur, already won
    h.send(.character("w"))
    #expect(h.written.isEmpty)
    #expect(h.frame.lines.last?.contains("already won") == true)
    h.send(.character("x"))
    #expect(h.state.mode == .board)
  }
}

@Suite struct FollowUpKeyTests {
  @Test func fAsksForTheActionThenTheDueDate() {
    var h = Harness()
    h.send(.down, .character("f"))  // Ben, no follow-up yet
    #expect(h.frame.lines.last?.contains("Next action for Ben Okafor?") == true)
    h.type("Send case study")
    h.send(.enter)
    #expect(h.frame.lines.last?.contains("Due?") == true)
    for _ in 0..<8 { h.send(.backspace) }  // clear the suggested "tomorrow"
    h.type("someday")
    h.send(.enter)
    // A long error wraps over the rows above the status line.
    #expect(h.frame.lines.suffix(2).joined().contains("'someday' is not a date"))
    #expect(h.written.isEmpty)
    for _ in 0..<7 { h.send(.backspace) }
    h.type("+3d")
    h.send(.enter)
    #expect(
      h.pipeline["ben0"]?.followUp == FollowUp(action: "Send case study", due: CalendarDay(iso8601: "2026-11-13")!))
    h.send(.character("u"))
    #expect(h.pipeline["ben0"]?.followUp == nil)
  }

  @Test func escapeLeavesTheFollowUpAlone() {
    var h = Harness()
    h.send(.character("f"), .enter, .escape)
    #expect(h.written.isEmpty)
    #expect(h.pipeline["ana0"]?.followUp?.action == "Call back")
  }

  @Test func theAgendaListsFollowUpsJumpsAndMarksThemDone() throws {
    var h = Harness()
    h.send(.down, .character("f"))
    h.type("Demo")
    h.send(.enter)
    for _ in 0..<8 { h.send(.backspace) }
    h.type("2026-11-20")
    h.send(.enter)
    h.send(.character("A"))
    try assertSnapshot(h.frame, named: "agenda-80x24")
    let text = h.frame.text
    let ana = try #require(text.range(of: "Ana Lima"))
    let ben = try #require(text.range(of: "Ben Okafor"))
    #expect(ana.lowerBound < ben.lowerBound)  // overdue first
    #expect(text.contains("!overdue"))
    h.send(.down, .enter)
    #expect(h.state.mode == .board)
    #expect(h.focused?.name == "Ben Okafor")
    let followUp = h.pipeline["ana0"]?.followUp
    h.send(.character("A"), .character("d"))
    #expect(h.pipeline["ana0"]?.followUp == nil)
    #expect(h.written.last?.change == .followUpSet(nil))
    #expect(h.state.message?.text.hasPrefix("Done: ") == true)
    // u in the agenda takes it back.
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.followUp == followUp)
    h.send(.escape)
    #expect(h.state.mode == .board)
  }
}

@Suite struct NoteKeyTests {
  @Test func cHandsTheNoteToTheEditorAndRecordsWhatComesBack() {
    var h = Harness()
    h.send(.character("c"))
    #expect(h.notesRequested == ["ana0"])
    #expect(h.written.isEmpty)
    h.handle(.noteWritten(lead: "ana0", text: "Met at the fair.\nWants pricing."))
    #expect(h.pipeline["ana0"]?.notes.last?.text == "Met at the fair.\nWants pricing.")
    #expect(h.frame.lines.last?.contains("Note added to Ana Lima (2 lines)") == true)
    h.handle(.noteWritten(lead: "ana0", text: nil))
    h.handle(.noteWritten(lead: "ana0", text: "  \n "))
    #expect(h.written.count == 1)
    #expect(h.frame.lines.last?.contains("No note added") == true)
    // Undo takes the note back with a compensating event; redo adds it again.
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.notes.isEmpty == true)
    #expect(h.written.last?.change == .noteRetracted("Met at the fair.\nWants pricing."))
    h.send(.control("r"))
    #expect(h.pipeline["ana0"]?.notes.count == 1)
  }
}

@Suite struct GateScreenTests {
  @Test func theGatePromptInTheStatusLine() throws {
    var h = Harness()
    h.send(.right, .shiftRight)  // José leaves Qualifying with three of four BANT items open
    try assertSnapshot(h.frame, named: "gate-80x24")
    #expect(h.frame.lines.last?.contains("Move anyway? y/n") == true)
    #expect(h.frame.lines.last?.contains("Authority") == true)
  }
}

@Suite struct InsightsViewTests {
  /// The fixture with some history: Ben is lost, Ana moves on and is won; the board's
  /// clock is then brought up to the last change, as the loop's ticks do.
  static func harness(width: Int, height: Int) -> Harness {
    var h = Harness(width: width, height: height)
    h.send(.down, .character("x"), .character("1"), .enter)  // Ben, lost for Budget
    h.send(.home, .shiftRight, .character("w"), .character("y"))  // Ana to Qualifying, then won past its gate
    h.handle(.tick(h.clock.adding(days: 1)))
    return h
  }

  @Test func insightsShowTheFunnelAndJumpToASlowDeal() throws {
    var h = Self.harness(width: 80, height: 24)
    h.send(.character("i"))
    try assertSnapshot(h.frame, named: "insights-80x24")
    #expect(h.frame.text.contains("Funnel"))
    #expect(h.frame.lines.last?.contains("90 days") == true)
    h.send(.right)
    #expect(h.frame.lines.last?.contains("365 days") == true)
    guard case .insights(let view) = h.state.mode, let slow = view.figures.slowest.first else {
      Issue.record("the view should list slow deals")
      return
    }
    h.send(.enter)
    #expect(h.state.mode == .board)
    #expect(h.state.focusedLead == slow.lead)
    h.send(.character("i"), .escape)
    #expect(h.state.mode == .board)
  }

  /// The help keeps the status line's last message: a count of changes read from elsewhere
  /// is there again when the help closes, whenever the batch ended.
  @Test func theHelpKeepsTheLastMessage() {
    var h = Harness()
    h.handle(.externalChanges(count: 20_000))
    #expect(h.state.message?.text == "20000 changes from elsewhere")
    h.send(.character("?"))
    h.send(.escape)
    #expect(h.state.message?.text == "20000 changes from elsewhere")
    #expect(h.frame.lines.last?.contains("20000 changes from elsewhere") == true)
    // Any other key on the board clears it.
    h.send(.down)
    #expect(h.state.message == nil)
  }

  /// Lost reasons with the same count are listed by name, the same on every opening.
  @Test func tiedLostReasonsAreListedByName() throws {
    var pipeline = Fixture.pipeline()
    for (index, (lead, reason)) in [("ben0", "Timing"), ("ana0", "Budget"), ("chl0", "Authority")].enumerated() {
      try pipeline.apply(
        Event(
          id: "lost\(index)", time: Timestamp(iso8601: "2026-11-09T09:00:0\(index)Z")!, replica: "fixture",
          lead: LeadID(lead), change: .lost(reason: reason)))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("i"))
    let line = try #require(h.frame.lines.first { $0.contains("lost ") && $0.contains("Budget") })
    #expect(line.contains("Authority 1, Budget 1, Timing 1"), "\(line)")
  }

  /// The figures line up in columns, whatever their width.
  @Test func insightsColumnsLineUp() {
    var h = Self.harness(width: 160, height: 45)
    h.send(.character("i"))
    let lines = h.frame.lines
    let slashes = lines.filter { $0.contains("d / ") }.map { $0.firstRange(of: " / ")!.lowerBound.utf16Offset(in: $0) }
    #expect(slashes.count >= 2 && Set(slashes).count == 1, "\(lines.filter { $0.contains("d / ") })")
    let arrows = lines.filter { $0.contains(" → ") }.map { $0.firstRange(of: " → ")!.lowerBound.utf16Offset(in: $0) }
    #expect(arrows.count >= 2 && Set(arrows).count == 1)
  }

  @Test func insightsAt160x45() throws {
    var h = Self.harness(width: 160, height: 45)
    h.send(.character("i"))
    try assertSnapshot(h.frame, named: "insights-160x45")
    for line in h.frame.lines { #expect(line.displayWidth == 160) }
  }
}

@Suite struct AgendaRefreshTests {
  @Test func anOpenAgendaFollowsChangesFromElsewhere() throws {
    var h = Harness()
    h.send(.character("A"))
    #expect(!h.frame.text.contains("Ben Okafor"))
    try h.pipeline.apply(
      Event(
        id: "x", time: Harness.now, replica: "other", lead: "ben0",
        change: .followUpSet(FollowUp(action: "Send contract", due: CalendarDay(iso8601: "2026-11-12")!))))
    h.handle(.externalChanges(count: 1))
    #expect(h.frame.text.contains("Ben Okafor"))
    #expect(h.frame.text.contains("Send contract"))
  }
}

/// The rules that hold in every mode (README, "Keys"): what q and Esc do, prompts.
@Suite struct EveryModeRuleTests {
  /// A reason typed as free text may start with a digit; a number picks a reason only
  /// alone; a number that is no reason's says so.
  @Test func aReasonThatStartsWithADigitIsFreeText() {
    var h = Harness()
    h.send(.character("x"))
    h.type("6 months out")
    h.send(.enter)
    #expect(h.pipeline["ana0"]?.lostReason == "6 months out")
    h.send(.character("x"))
    h.type("42")
    h.send(.enter)
    #expect(h.frame.lines.last?.contains("there is no reason 42") == true)
    #expect(h.pipeline["ben0"]?.status == .open)
    #expect(h.written.count == 1)
  }

  /// A pre-filled answer (the current follow-up) is replaced by typing, not added to.
  @Test func aPrefilledAnswerIsReplacedByTyping() {
    var h = Harness()
    h.send(.character("f"))
    h.type("Call back")
    h.send(.enter)
    h.type("fri")
    h.send(.enter)
    let first = h.pipeline["ana0"]?.followUp
    #expect(first?.action == "Call back")
    // Again: the action and the due date shown are the current ones; typing replaces them.
    h.send(.character("f"))
    h.type("Send the proposal")
    h.send(.enter)
    #expect(h.frame.lines.last?.contains("Due? \(first!.due)") == true)
    h.type("+3d")
    h.send(.enter)
    #expect(h.pipeline["ana0"]?.followUp?.action == "Send the proposal")
    #expect(h.pipeline["ana0"]?.followUp?.due == h.state.today.adding(days: 3))
    // Enter alone keeps what was there.
    h.send(.character("f"), .enter, .enter)
    #expect(h.pipeline["ana0"]?.followUp?.action == "Send the proposal")
  }

  /// q closes whatever is open; only q on the plain board quits.
  @Test func qClosesWhatIsOpenAndQuitsOnlyTheBoard() {
    var h = Harness()
    h.send(.character("?"), .character("q"))
    #expect(h.state.mode == .board && !h.state.wantsToQuit)
    h.send(.enter, .character("q"))
    #expect(h.state.mode == .board && !h.state.wantsToQuit)
    h.send(.character(" "), .right, .character("q"))
    #expect(h.state.mode == .board && !h.state.wantsToQuit)
    #expect(h.written.isEmpty)
    h.send(.character("A"), .character("q"))
    #expect(h.state.mode == .board && !h.state.wantsToQuit)
    h.send(.character("i"), .character("q"))
    #expect(h.state.mode == .board && !h.state.wantsToQuit)
    h.send(.character("q"))
    #expect(h.state.wantsToQuit)
  }

  /// The too-small screen ignores every key but quit: nothing on it can be seen, so
  /// nothing is acted on.
  @Test func theTooSmallScreenIgnoresEveryKeyButQuit() {
    var h = Harness()
    h.send(.character("x"))  // a prompt open when the window shrinks
    h.handle(.resize(width: 40, height: 10))
    h.send(.character("1"), .enter, .character("2"), .shiftRight, .character("w"), .character("u"), .down)
    #expect(h.written.isEmpty)
    h.handle(.resize(width: 80, height: 24))
    #expect(h.focused?.name == "Ana Lima")
    h.send(.escape)
    #expect(h.written.isEmpty)
    h.handle(.resize(width: 40, height: 10))
    h.send(.character("q"))
    #expect(h.state.wantsToQuit)
  }

  /// After a resize the focused card is on screen, with its highlight.
  @Test func afterAResizeTheFocusedCardIsVisible() {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .right, .right, .right)
    let focused = h.focused?.name
    h.handle(.resize(width: 60, height: 16))
    #expect(h.state.focusedLead != nil)
    if let name = focused { #expect(h.frame.text.contains(name), "\(h.frame.text)") }
  }
}

/// Search ignores punctuation as it ignores accents, and its field edits like the others.
@Suite struct SearchPunctuationTests {
  @Test func punctuationIsIgnoredAndCtrlUClears() {
    var pipeline = Fixture.pipeline()
    let created = Event(
      id: "e-oneill", time: Harness.now, replica: "t", lead: "onei0001",
      change: .created(NewLead(name: "Siobhán O’Neill", company: "Smith-Jones & Co.", stage: "proposal")))
    try? pipeline.apply(created)
    var h = Harness(pipeline: pipeline)
    h.send(.character("/"))
    h.type("oneill")
    #expect(h.frame.lines.last?.contains("1 match") == true)
    h.send(.control("u"))
    #expect(h.frame.lines.last?.contains("type to search") == true)
    h.type("smithjones")
    #expect(h.frame.lines.last?.contains("1 match") == true)
    h.send(.enter)
    #expect(h.focused?.name == "Siobhán O’Neill")
    // A paste into the field is text, on one line.
    h.send(.character("/"), .paste("o'neill\n"))
    #expect(h.frame.lines.last?.contains("1 match") == true)
    #expect(h.written.isEmpty)
  }
}

/// Small things a rep notices: a key that cannot do anything says why, a past due date is
/// called overdue, counts agree with their nouns.
@Suite struct SmallThingsTests {
  @Test func aMoveThatCannotHappenSaysWhy() {
    var h = Harness()
    h.send(.character("K"))
    #expect(h.frame.lines.last?.contains("already at the top of its column") == true)
    h.send(.end, .character("J"))
    #expect(h.frame.lines.last?.contains("already at the bottom of its column") == true)
    h.send(.character("H"))
    #expect(h.frame.lines.last?.contains("already in the first stage") == true)
    #expect(h.written.isEmpty)
  }

  @Test func aFollowUpDueInThePastIsCalledOverdue() {
    var h = Harness()
    h.send(.character("f"))
    h.type("Chase the signature")
    h.send(.enter, .control("u"))
    h.type(h.state.today.adding(days: -2).description)
    h.send(.enter)
    #expect(h.frame.lines.last?.contains("(already overdue)") == true)
  }

  @Test func oneCardIsOneCard() {
    var pipeline = Pipeline()
    try? pipeline.apply(
      Event(
        id: "e1", time: Harness.now, replica: "t", lead: "solo0001",
        change: .created(NewLead(name: "Solo Lead", stage: "lead-generation"))))
    let h = Harness(pipeline: pipeline)
    #expect(h.frame.lines[0].contains("1 card ·"))
  }
}

/// Undo puts a lead back exactly as it was, with the focus on it; redo too; an add undone
/// counts nowhere.
@Suite struct ExactUndoTests {
  /// `w` then `u` on the second card of a column it has been in for 7 days: back second,
  /// 7 days in stage, focused, and the next `e` edits it.
  @Test func aWinUndoneIsExactlyAsBefore() {
    var h = Harness()
    h.send(.down)
    let ben = h.focused
    let position = h.pipeline.position(of: "ben0")
    #expect(position == 2)
    let period = (since: Harness.now.adding(days: -400), until: Harness.now.adding(days: 30))
    let wonBefore = h.pipeline.insights(since: period.since, until: period.until).won
    h.handle(.tick(h.clock.adding(days: 7)))
    h.send(.character("w"), .character("y"))  // past Qualifying's gate: confirmed
    #expect(h.focused?.id != "ben0")
    h.send(.character("u"))
    #expect(h.pipeline["ben0"] == ben)
    #expect(h.pipeline.position(of: "ben0") == 2)
    #expect(h.focused?.id == "ben0")
    #expect(h.pipeline.insights(since: period.since, until: period.until).won == wonBefore)
    h.send(.character("e"))
    guard case .form(let form) = h.state.mode else {
      Issue.record("e should open the form")
      return
    }
    #expect(form.lead == "ben0")
    h.send(.escape)
    // Redo: won again, the focus on it.
    h.send(.control("r"))
    #expect(h.pipeline["ben0"]?.status == .won)
    #expect(h.focused?.id == "ben0")
    #expect(h.frame.lines.last?.contains("Redid: Won: Ben Okafor") == true)
  }

  /// A move undone: the same place, the same days in stage, no extra stage visit.
  @Test func aMoveUndoneLeavesNoVisitBehind() {
    var h = Harness()
    let ana = h.focused
    h.send(.shiftRight, .character("u"))
    #expect(h.pipeline["ana0"] == ana)
    #expect(h.pipeline["ana0"]?.stageHistory.count == ana?.stageHistory.count)
    #expect(h.focused?.id == "ana0")
  }

  /// An add undone takes the lead out of the pipeline, not onto the lost list; redo brings
  /// it back where it was, with the focus on it.
  @Test func anAddUndoneCountsNowhere() {
    var h = Harness()
    let count = h.pipeline.count
    h.send(.character("a"))
    h.type("José García")
    h.send(.enter)
    let id = h.written[0].lead
    #expect(h.focused?.id == id)
    h.send(.character("u"))
    #expect(h.pipeline[id] == nil)
    #expect(h.pipeline.count == count)
    #expect(!h.pipeline.leads.contains { $0.lostReason == "Added by mistake" })
    h.send(.control("r"))
    #expect(h.pipeline[id]?.name == "José García")
    #expect(h.focused?.id == id)
    #expect(h.frame.lines.last?.contains("Redid: Added José García") == true)
  }

  /// An undo that would put back what someone else has changed since is refused.
  @Test func anUndoThatWouldLoseSomeoneElsesChangeIsRefused() throws {
    var h = Harness()
    h.send(.character("w"), .character("y"))
    try h.pipeline.apply(
      Event(
        id: "elsewhere", time: h.clock.adding(days: 1), replica: "ben@desk", lead: "ana0",
        change: .edited([.text(.company, "Acme Holdings")])))
    h.handle(.externalChanges(count: 1))
    let written = h.written.count
    h.send(.character("u"))
    #expect(h.written.count == written)
    #expect(h.state.message?.text.contains("changed elsewhere since") == true)
    #expect(h.pipeline["ana0"]?.company == "Acme Holdings")
  }

  /// `w` from a stage before the gate asks, as a move past it does.
  @Test func aWinPassesThroughTheSoftGate() {
    var h = Harness()
    // Ana is in Lead Generation with BANT untouched: winning her skips Qualifying's gate.
    h.send(.character("w"))
    guard case .confirm = h.state.mode else {
      Issue.record("w should ask first: \(h.state.mode)")
      return
    }
    h.send(.character("n"))
    #expect(h.written.isEmpty)
    #expect(h.state.message?.text == "Not marked won")
    h.send(.character("w"), .character("y"))
    #expect(h.pipeline["ana0"]?.status == .won)
  }

  /// A lost deal is found by the board's search, marked as lost, and reopened from there.
  @Test func aLostDealIsFoundAndReopened() {
    var h = Harness()
    h.send(.down, .character("x"), .character("1"), .enter)  // Ben, lost for Budget
    #expect(h.pipeline["ben0"]?.status == .lost)
    h.send(.character("/"))
    h.type("okafor")
    #expect(h.frame.lines.last?.contains("1 match") == true)
    #expect(h.frame.lines.last?.contains("Ben Okafor: lost (Budget)") == true)
    h.send(.enter)
    guard case .confirm = h.state.mode else {
      Issue.record("Enter on a lost deal should offer to reopen it: \(h.state.mode)")
      return
    }
    h.send(.character("y"))
    #expect(h.pipeline["ben0"]?.status == .open)
    #expect(h.focused?.id == "ben0")
  }
}

@Suite struct ColumnHeaderTests {
  /// At any width, a column's count is shown whole; a long title gives way first.
  @Test(arguments: [80, 100, 120, 160])
  func theCountIsNeverCut(width: Int) throws {
    var pipeline = Fixture.pipeline()
    for i in 0..<12_345 {
      try pipeline.apply(
        Event(
          id: "many\(i)", time: Harness.now, replica: "t", lead: LeadID("many\(i)"),
          change: .created(NewLead(name: "Lead \(i)", stage: "needs-assessment"))))
    }
    let h = Harness(width: width, height: 24, pipeline: pipeline)
    let header = h.frame.lines[1]
    for stage in h.pipeline.stages.prefix(h.state.layout.visibleColumns) {
      let count = h.pipeline.cardCount(inStage: stage.key)
      let fullTitle = "\(stage.title) (\(count))"
      let shortened = header.contains(fullTitle) || header.contains("… (\(count))")
      #expect(shortened, "\(stage.title): '\(header)' at \(width)")
    }
  }
}
@Suite struct SmallScreenTests {
  /// At the smallest size the board draws (50x14), as many cards show as fit, and what lies
  /// below is still counted.
  @Test func asManyCardsAsFitAt50x14() {
    let h = Harness(width: 50, height: 14)
    let text = h.frame.text
    #expect(text.contains("Ana Lima") && text.contains("Ben Okafor"), "\(text)")
    #expect(text.contains("↓ 1 more"))
    #expect(h.frame.lines.count == 14)
  }
}

/// The detail pane holds everything about a lead: long values wrap, and it scrolls through
/// history and every note, with markers for what lies above and below.
@Suite struct DetailPaneScrollTests {
  static func harness() throws -> Harness {
    var pipeline = Fixture.pipeline()
    let lead: LeadID = "ana0"
    try pipeline.apply(
      Event(
        id: "f1", time: Harness.now, replica: "t", lead: lead,
        change: .followUpSet(
          FollowUp(
            action: "Send the revised proposal with the three pricing options and the onboarding plan",
            due: CalendarDay(iso8601: "2026-11-20")!))))
    for i in 1...30 {
      try pipeline.apply(
        Event(
          id: "n\(i)", time: Harness.now, replica: "t", lead: lead, change: .noteAdded("Note number \(i)\nsecond line"))
      )
    }
    return Harness(width: 80, height: 24, pipeline: pipeline)
  }

  @Test func longValuesWrapAndThePaneScrolls() throws {
    var h = try Self.harness()
    h.send(.enter)
    var text = h.frame.text
    #expect(text.contains("onboarding plan"), "the follow-up wraps instead of being cut: \(text)")
    #expect(text.contains("↓"), "a marker says more lies below")
    #expect(!text.contains("Note number 1\n"))
    h.send(.end)
    text = h.frame.text
    #expect(text.contains("Note number 1"), "End reaches the oldest note: \(text)")
    #expect(text.contains("↑"), "a marker says more lies above")
    h.send(.home)
    #expect(h.frame.text.contains("Ana Lima"))
    h.send(.pageDown)
    #expect(h.frame.text.contains("↑"))
    // Up/Down go back to the checklist items, which scroll into view.
    h.send(.down)
    #expect(h.frame.text.contains("[ ] Authority"))
    #expect(h.state.mode == .detail(item: 1))
  }
}
