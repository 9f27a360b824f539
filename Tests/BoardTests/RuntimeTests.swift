import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// What one message led to in the runtime: the message, the effects the board returned for
/// it, then each answer the runtime sent back, with its effects. Written compactly so a
/// test reads as "send, then receive" (as in The Composable Architecture's TestStore).
extension Harness {
  mutating func step(_ message: Message) -> [String] {
    runtime.tracing = true
    let start = runtime.trace.count
    handle(message)
    return runtime.trace[start...].map { step in
      let effects = step.effects.map(Self.describe)
      return ([Self.describe(step.message)] + (effects.isEmpty ? [] : ["→"] + effects)).joined(separator: " ")
    }
  }

  mutating func step(_ keys: Key...) -> [String] { keys.flatMap { step(.key($0)) } }

  static func describe(_ message: Message) -> String {
    switch message {
    case .key(let key): "key \(key)"
    case .resize(let width, let height): "resize \(width)x\(height)"
    case .tick: "tick"
    case .recorded(let record): "recorded \"\(record.label)\""
    case .failed(let record, let reason): "failed \"\(record.label)\": \(reason)"
    case .externalChanges(let count): "news \(count)"
    case .notice(let text): "notice \(text)"
    case .noteWritten(_, let text): "note \(text.map { "\"\($0)\"" } ?? "none")"
    }
  }

  static func describe(_ effect: Effect) -> String {
    switch effect {
    case .record(let record): "record \"\(record.label)\""
    case .create(let new): "create \(new.name)"
    case .editNote(let lead, _): "edit note on \(lead)"
    case .sync: "sync"
    case .sawConflict(let lead): "saw conflict on \(lead)"
    case .quit: "quit"
    }
  }
}

/// The runtime the executable runs, driven with an in-memory store and a scripted
/// terminal: one test per defect the board had, each sending messages and asserting the
/// effects, their answers, the state and the events written.
@Suite struct RuntimeTests {
  /// End and Home as tmux sends them under TERM=xterm-256color are one key each: on the
  /// board and in the detail pane they move or scroll, and nothing is written.
  @Test func homeAndEndFromTmuxAreOneKeyEachAndWriteNothing() {
    var h = Harness()
    let keys = KeyDecoderTests.keys("\u{1B}[4~\u{1B}[1~")
    #expect(keys == [.end, .home])
    #expect(h.step(keys[0], keys[1]) == ["key End", "key Home"])
    h.send(.enter)
    #expect(h.step(keys[0]) == ["key End"])
    #expect(h.state.mode == .detail(item: 0))
    #expect(h.written.isEmpty)
  }

  /// A card whose last change lost a conflict in a team is marked; its detail pane says
  /// what happened; once the pane was opened the mark is gone. Nothing is written.
  @Test func aConflictIsMarkedUntilTheRepHasLookedAtIt() {
    var h = Harness(width: 160, height: 45)
    let note = "moved to Negotiation by ben@desk at the same time as your move to Proposal"
    let focused = h.state.focusedLead!
    h.store.conflicts[focused] = note
    h.handle(.tick(Harness.now))
    h.state.conflicts = h.store.conflictNotes
    h.state.unseenConflicts = h.store.unseenConflicts
    let name = h.pipeline[focused]!.name
    #expect(h.frame.text.contains("! \(name)"), "\(h.frame.text)")
    let trace = h.step(.enter)
    #expect(trace.first == "key Enter → saw conflict on \(focused)")
    #expect(h.frame.text.contains("! moved to Negotiation by ben@desk"), "\(h.frame.text)")
    #expect(h.store.unseenConflicts.isEmpty && h.state.unseenConflicts.isEmpty)
    h.send(.escape)
    #expect(!h.frame.text.contains("! \(name)"))
    // The pane still says what happened while the conflict stands; once settled, no more.
    #expect(h.frame.text.contains("! moved to Negotiation by ben@desk"))
    h.store.conflicts = [:]
    h.handle(.externalChanges(count: 0))
    h.state.conflicts = h.store.conflictNotes
    #expect(!h.frame.text.contains("! moved to Negotiation by ben@desk"))
    #expect(h.written.isEmpty)
  }

  /// `o` hands the deal to someone: a name typed, one already in use by its number (any
  /// case of a known name is that name), or nobody; the same owner writes nothing, Esc
  /// writes nothing, and undo gives the deal back.
  @Test func oHandsTheDealToSomeone() throws {
    var h = Harness()
    let focused = try #require(h.state.focusedLead)
    h.send(.character("o"))
    #expect({ if case .prompt = h.state.mode { true } else { false } }())
    h.type("Kim")
    h.send(.enter)
    #expect(h.pipeline[focused]?.owner == "Kim")
    #expect(h.written.count == 1)
    // Pre-filled with the owner: Enter keeps it, and writes nothing.
    h.send(.character("o"))
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.state.message?.text == "Owner unchanged")
    // "kim" is Kim; "1" is the first name listed; both are no change.
    h.send(.character("o"))
    h.type("kim")
    h.send(.enter)
    h.send(.character("o"))
    h.type("1")
    h.send(.enter)
    #expect(h.written.count == 1)
    // A number past the list is refused, the prompt stays.
    h.send(.character("o"))
    h.type("7")
    h.send(.enter)
    #expect({ if case .prompt = h.state.mode { true } else { false } }())
    h.send(.escape)
    #expect(h.state.message?.text == "Owner unchanged")
    // Cleared: nobody owns it; undo gives it back to Kim.
    h.send(.character("o"), .backspace, .enter)
    #expect(h.pipeline[focused]?.owner == "")
    h.send(.character("u"))
    #expect(h.pipeline[focused]?.owner == "Kim")
    #expect(h.written.count == 3)
  }

  /// A conflict settled by the rep's own change (or anything the store did) is off the
  /// board in the frame drawn after that key, not a look later.
  @Test func aSettledConflictLeavesTheBoardAtOnce() throws {
    var h = Harness(width: 160, height: 45)
    let focused = try #require(h.state.focusedLead)
    h.store.conflicts[focused] = "moved to Negotiation by ben@desk at the same time as your move to Proposal"
    h.send(.down, .up)
    let name = try #require(h.pipeline[focused]).name
    #expect(h.frame.text.contains("! \(name)"))
    h.store.conflicts = [:]
    h.send(.down)
    #expect(!h.frame.text.contains("! \(name)"))
    #expect(!h.frame.text.contains("at the same time as"))
  }

  /// In a team, the detail pane says who did what to the card lately; the card in view
  /// changes with the focus.
  @Test func theDetailPaneSaysWhoDidWhat() throws {
    var h = Harness(width: 160, height: 45)
    let focused = try #require(h.state.focusedLead)
    h.store.changeLines[focused] = ["11-30 14:02 ben@desk moved it to Qualifying", "11-29 09:00 you added it"]
    #expect(!h.frame.text.contains("Who did what"))
    h.send(.down, .up)
    #expect(h.frame.text.contains("Who did what (newest first)"))
    #expect(h.frame.text.contains("11-30 14:02 ben@desk moved it to Qualifying"))
    h.send(.down)
    #expect(!h.frame.text.contains("Who did what"))
  }

  /// A team pipeline's sync state is in the title; a journal of one's own has none.
  @Test func theTitleShowsTheTeamsSyncState() {
    var h = Harness(width: 160, height: 45)
    #expect(!h.frame.text.contains("team:"))
    h.state.teamStatus = "synced 14:02 · 3 to sync"
    let title = String(h.frame.text.split(separator: "\n").first ?? "")
    #expect(title.contains("· team: synced 14:02 · 3 to sync"), "\(title)")
  }

  /// `S` on a pipeline that is not shared says how to share it, and writes nothing.
  @Test func syncOnAPipelineOfOnesOwnSaysHowToShareIt() {
    var h = Harness()
    let trace = h.step(.character("S"))
    #expect(trace.first == "key S → sync")
    #expect(trace.last?.hasPrefix("notice this pipeline is not shared with a team") == true, "\(trace)")
    #expect(h.written.isEmpty)
  }

  /// While the too-small screen shows, keys that would tick, move or answer a prompt do
  /// nothing; only q quits.
  @Test func theTooSmallScreenActsOnNothingButQuit() {
    var h = Harness()
    h.send(.character("x"))
    #expect(h.step(.resize(width: 40, height: 10)) == ["resize 40x10"])
    #expect(
      h.step(.character("2"), .shiftRight, .character("1"), .enter) == [
        "key 2", "key Shift+Right", "key 1", "key Enter",
      ])
    #expect(h.written.isEmpty)
    #expect(h.step(.character("q")) == ["key q → quit"])
  }

  /// `w` then `u`: the win is written (with the first check-in after the sale), then the
  /// lead put back as it was by one undo (second in its column, its days in stage, no
  /// follow-up), with the focus on it, so the next `e` edits it.
  @Test func aWinUndoneIsPutBackWithTheFocusOnIt() {
    var h = Harness()
    h.send(.down)
    let ben = h.focused
    #expect(h.step(.character("w")) == ["key w"])  // the gate asks first
    #expect(
      h.step(.character("y")) == [
        "key y → record \"Won: Ben Okafor (USD 4,000) (gate overridden); next: Thank-you note, 2026-11-12\"",
        "recorded \"Won: Ben Okafor (USD 4,000) (gate overridden); next: Thank-you note, 2026-11-12\"",
      ])
    #expect(
      h.step(.character("u")) == [
        "key u → record \"Undid: Won: Ben Okafor (USD 4,000) (gate overridden); next: Thank-you note, 2026-11-12\"",
        "recorded \"Undid: Won: Ben Okafor (USD 4,000) (gate overridden); next: Thank-you note, 2026-11-12\"",
      ])
    #expect(h.pipeline["ben0"] == ben)
    #expect(h.pipeline.position(of: "ben0") == 2)
    #expect(h.state.focusedLead == "ben0")
    #expect(h.written.first?.change == .won)
    guard case .restored(let restoration) = h.written.last?.change else {
      Issue.record("the undo should be a lead.restored event")
      return
    }
    #expect(restoration.reverses == h.written.first?.id)
  }

  /// An add, a move and a win, each undone, leave the insights as they were.
  @Test func undoneChangesDoNotCountInTheInsights() {
    var h = Harness()
    let period = (since: Harness.now.adding(days: -400), until: Harness.now.adding(days: 30))
    let before = h.pipeline.insights(since: period.since, until: period.until)
    h.send(.character("a"))
    h.type("Mistake Ltd")
    h.send(.enter, .character("u"))
    h.send(.shiftRight, .character("u"))
    h.send(.character("w"), .character("y"), .character("u"))
    #expect(h.written.count == 7)  // the win wrote its first check-in too
    #expect(h.pipeline.insights(since: period.since, until: period.until) == before)
  }

  /// After shrinking the window, the focused card is on screen, so `w` acts on a card the
  /// rep can see.
  @Test func afterShrinkingTheFocusedCardIsOnScreen() {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .end)
    let name = h.focused?.name ?? ""
    _ = h.step(.resize(width: 60, height: 14))
    #expect(h.frame.text.contains(name))
  }

  /// `x 3 Enter` picks the third reason on Enter (and the Enter opens nothing); a reason
  /// that starts with a digit is free text.
  @Test func aLostReasonIsANumberThenEnterAndDigitsStartFreeText() {
    var h = Harness()
    let third = h.pipeline.config.lostReasons[2]
    #expect(h.step(.character("x"), .character("3")) == ["key x", "key 3"])
    #expect(
      h.step(.enter) == ["key Enter → record \"Lost: Ana Lima (\(third))\"", "recorded \"Lost: Ana Lima (\(third))\""])
    #expect(h.state.mode == .board)
    h.send(.character("x"))
    h.type("6 months out")
    _ = h.step(.enter)
    #expect(h.written.last?.change == .lost(reason: "6 months out"))
  }

  /// A pre-filled due date is replaced by what is typed, not added to.
  @Test func aPrefilledDueIsReplacedByTyping() {
    var h = Harness()
    h.send(.character("f"), .enter)  // keeps the action, "Call back"
    h.type("+3d")
    _ = h.step(.enter)
    #expect(h.written.last?.change == .followUpSet(FollowUp(action: "Call back", due: h.state.today.adding(days: 3))))
  }

  /// q closes the help, the agenda, the insights and a lifted card, writing nothing; only
  /// q on the plain board quits.
  @Test func qClosesWhatIsOpenAndOnlyQuitsTheBoard() {
    var h = Harness()
    for opener in [Key.character("?"), .character("A"), .character("i"), .character(" "), .enter] {
      h.send(opener)
      #expect(h.state.mode != .board)
      #expect(h.step(.character("q")) == ["key q"], "\(opener)")
      #expect(h.state.mode == .board)
    }
    #expect(h.written.isEmpty)
    #expect(h.step(.character("q")) == ["key q → quit"])
  }

  /// Every effect is answered: a note by the editor's text, then its record by `recorded`;
  /// a write the disk refuses by `failed`, and nothing changes.
  @Test func everyEffectIsAnsweredWithAMessage() {
    var h = Harness()
    h.terminal.notes = ["Met at the fair"]
    #expect(
      h.step(.character("c")) == [
        "key c → edit note on ana0",
        "note \"Met at the fair\" → record \"Note added to Ana Lima (1 line)\"",
        "recorded \"Note added to Ana Lima (1 line)\"",
      ])
    h.failWrites = true
    #expect(
      h.step(.shiftRight) == [
        "key Shift+Right → record \"Moved Ana Lima to Qualifying, 1 of 3\"",
        "failed \"Moved Ana Lima to Qualifying, 1 of 3\": No space left on device",
      ])
    #expect(h.pipeline["ana0"]?.stage == "lead-generation")
    #expect(h.written.count == 1)
  }

  /// A card moved elsewhere (another process, a team member's sync) keeps the focus: the
  /// board follows it to its new column; a card lost elsewhere leaves the focus in place.
  @Test func theFocusFollowsACardMovedElsewhere() {
    var h = Harness()
    #expect(h.state.focusedLead == "ana0")
    h.store.appendFromElsewhere(
      Event(
        id: "x1", time: Harness.now, replica: "ben@desk", lead: "ana0",
        change: .moved(stage: "proposal", position: 2, gateOverridden: true)))
    for message in h.store.look() { h.handle(message) }
    #expect(h.state.focusedLead == "ana0")
    #expect(h.pipeline.stages[h.state.column].key == "proposal")
    h.store.appendFromElsewhere(
      Event(id: "x2", time: Harness.now, replica: "ben@desk", lead: "ana0", change: .lost(reason: "Price")))
    for message in h.store.look() { h.handle(message) }
    #expect(h.pipeline.stages[h.state.column].key == "proposal")
    #expect(h.state.focusedLead != "ana0")
    #expect(h.written.isEmpty)
  }

  /// A move decided on a card that someone else moved a moment ago is not written: the
  /// store catches up inside the append, and the rep is told who did what.
  @Test func aDecisionOnStaleStateIsNotWritten() {
    var h = Harness()
    h.store.appendFromElsewhere(
      Event(
        id: "x1", time: Harness.now, replica: "ana@laptop", lead: "ana0",
        change: .moved(stage: "proposal", position: 1, gateOverridden: true)))
    let steps = h.step(.shiftRight)
    #expect(steps.count == 2)
    #expect(steps.last?.hasPrefix("failed") == true)
    #expect(h.written.isEmpty)
    #expect(h.state.message?.text.contains("ana@laptop moved Ana Lima to Proposal a moment ago") == true)
    #expect(h.pipeline["ana0"]?.stage == "proposal")
  }

  /// The loop itself: keys and resizes from the terminal, news from the store, a frame
  /// drawn after each; it ends on q.
  @Test func theLoopPlaysAScriptToTheEnd() {
    let h = Harness()
    h.terminal.script = [
      .key(.shiftRight), .resize(width: 40, height: 10), .key(.character("2")), .resize(width: 80, height: 24),
      .key(.character("q")), .key(.character("w")),
    ]
    h.runtime.run()
    #expect(h.written.map(\.lead) == ["ana0"])
    #expect(h.state.wantsToQuit)
    #expect(h.terminal.script == [.key(.character("w"))])
    #expect(h.terminal.framesDrawn == 6)
  }
}
