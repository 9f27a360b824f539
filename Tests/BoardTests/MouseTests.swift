import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore
@testable import TerminalText

/// The mouse: a click focuses a card or a column, a card dragged and released over a column
/// moves as a keyboard drop does (one event, the same gate), the wheel scrolls, a click on a
/// status hint does what it says, and nothing else a mouse does writes anything.
@Suite struct MouseTests {
  private func click(_ h: inout Harness, _ x: Int, _ y: Int) {
    h.send(.mouse(Mouse(.press, x: x, y: y)), .mouse(Mouse(.release, x: x, y: y)))
  }

  /// Where `text` is drawn on the board's columns (not in the detail pane), else anywhere.
  private func place(_ h: Harness, _ text: String) throws -> (x: Int, y: Int) {
    let frame = h.frame
    let paneLeft = h.state.width >= 120 ? h.state.width - max(40, h.state.width * 3 / 10) : h.state.width
    for y in 0..<frame.height {
      let line = frame.lines[y]
      if let range = line.range(of: text) {
        let x = String(line[..<range.lowerBound]).displayWidth
        if x < paneLeft { return (x, y) }
      }
    }
    return try #require(frame.position(of: text), "\(text) is on screen:\n\(frame.text)")
  }

  @Test func aClickFocusesACardOrAColumn() throws {
    var h = Harness(width: 160, height: 45)
    let kim = try place(h, "Kim Seo-yeon")
    click(&h, kim.x + 2, kim.y + 1)
    #expect(h.focused?.name == "Kim Seo-yeon")
    let header = try place(h, "Needs Assessment")
    click(&h, header.x, header.y)
    #expect(h.focused?.name == "王伟")
    #expect(h.state.mode == .board)
    #expect(h.written.isEmpty)
  }

  @Test func aDraggedCardMovesWithOneEvent() throws {
    var h = Harness(width: 160, height: 45)
    let priya = try place(h, "Priya Sharma")
    let target = try place(h, "王伟")  // Needs Assessment's only card
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)))
    h.send(.mouse(Mouse(.drag, x: priya.x + 5, y: priya.y + 1)))  // still over its own card
    #expect(h.state.mode == .board)
    h.send(.mouse(Mouse(.drag, x: target.x, y: target.y)))
    guard case .move(let move) = h.state.mode else {
      Issue.record("a drag lifts the card")
      return
    }
    #expect(move.targetColumn == h.pipeline.stageIndex(forKey: "needs-assessment"))
    #expect(h.frame.lines.last?.contains("Needs Assessment, 1 of 2") == true)
    h.send(.mouse(Mouse(.drag, x: target.x, y: target.y + 4)))
    h.send(.mouse(Mouse(.release, x: target.x, y: target.y + 4)))
    #expect(h.written.count == 1)
    #expect(h.written.first?.change == .moved(stage: "needs-assessment", position: 2, gateOverridden: false))
    #expect(h.column("needs-assessment") == ["王伟", "Priya Sharma"])
    #expect(h.state.mode == .board)
    // Undone as any move is.
    h.send(.character("u"))
    #expect(h.column("proposal").contains("Priya Sharma"))
  }

  @Test func aDropPastAGateAsksFirst() throws {
    var h = Harness(width: 160, height: 45)
    let ana = try place(h, "Ana Lima")  // Lead Generation; Qualifying's BANT is not done
    let proposal = try place(h, "Kim Seo-yeon")
    h.send(.mouse(Mouse(.press, x: ana.x, y: ana.y)), .mouse(Mouse(.drag, x: proposal.x, y: proposal.y)))
    h.send(.mouse(Mouse(.release, x: proposal.x, y: proposal.y)))
    guard case .confirm = h.state.mode else {
      Issue.record("the gate asks first: \(h.state.mode) \(String(describing: h.state.message))")
      return
    }
    #expect(h.written.isEmpty)
    h.send(.character("y"))
    #expect(h.written.count == 1)
    #expect(h.written.first?.change == .moved(stage: "proposal", position: 1, gateOverridden: true))
  }

  @Test func aCardReleasedOffTheBoardGoesBack() throws {
    var h = Harness(width: 160, height: 45)
    let priya = try place(h, "Priya Sharma")
    let ngozi = try place(h, "王伟")
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.drag, x: ngozi.x, y: ngozi.y)))
    h.send(.mouse(Mouse(.release, x: 150, y: 10)))  // over the detail pane
    #expect(h.written.isEmpty)
    #expect(h.state.mode == .board)
    #expect(h.state.message?.text == "Move cancelled")
    // A release with no drag is a click.
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.release, x: priya.x, y: priya.y)))
    #expect(h.written.isEmpty)
  }

  @Test func nothingIsDraggedOnAReadOnlyJournal() throws {
    var h = Harness(width: 160, height: 45)
    h.state.readOnlyReason = "another process holds the journal"
    let priya = try place(h, "Priya Sharma")
    let ngozi = try place(h, "王伟")
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.drag, x: ngozi.x, y: ngozi.y)))
    #expect(h.state.message?.text == "Read-only: another process holds the journal")
    h.send(.mouse(Mouse(.drag, x: ngozi.x, y: ngozi.y + 4)), .mouse(Mouse(.release, x: ngozi.x, y: ngozi.y)))
    #expect(h.written.isEmpty)
    #expect(h.state.mode == .board)
  }

  /// A drag cancelled by Esc (or dropped by Space) is over: the rest of it does nothing.
  @Test(arguments: [TerminalModel.Key.escape, .character("q"), .character(" ")])
  func aKeyEndsADrag(key: TerminalModel.Key) throws {
    var h = Harness(width: 160, height: 45)
    let priya = try place(h, "Priya Sharma")
    let wang = try place(h, "王伟")
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.drag, x: wang.x, y: wang.y + 4)))
    h.send(key)
    let written = h.written.count
    #expect(written == (key == .character(" ") ? 1 : 0))
    h.send(.mouse(Mouse(.drag, x: wang.x + 1, y: wang.y + 4)), .mouse(Mouse(.release, x: wang.x + 1, y: wang.y + 4)))
    #expect(h.written.count == written)
    #expect(h.state.mode == .board)
  }

  @Test func aDropOnAHeaderLandsAtTheTop() throws {
    var h = Harness(width: 160, height: 45)
    let priya = try place(h, "Priya Sharma")
    let header = try place(h, "Needs Assessment")
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.drag, x: header.x, y: header.y)))
    h.send(.mouse(Mouse(.release, x: header.x, y: header.y)))
    #expect(h.written.map(\.change) == [.moved(stage: "needs-assessment", position: 1, gateOverridden: false)])
  }

  /// A won deal stays where won deals go, as `closer move` refuses it; it may change places
  /// there.
  @Test func aWonDealIsNotDraggedOutOfItsStage() throws {
    var pipeline = Fixture.pipeline()
    try pipeline.apply(Event(id: "w1", time: Harness.now, replica: "t", lead: "yuki", change: .won))
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    for _ in 0..<6 { h.send(.right) }  // Post-Sale Follow-Up in view
    let yuki = try place(h, "Yuki Tanaka")
    let olaf = try place(h, "Ólafur Jónsson")
    let closing = try place(h, "Closing")
    h.send(.mouse(Mouse(.press, x: yuki.x, y: yuki.y)), .mouse(Mouse(.drag, x: closing.x, y: closing.y + 4)))
    h.send(.mouse(Mouse(.release, x: closing.x, y: closing.y + 4)))
    #expect(h.written.isEmpty)
    #expect(h.state.message?.text.contains("Yuki Tanaka 🚀 is won and stays in Post-Sale Follow-Up") == true)
    h.send(.mouse(Mouse(.press, x: yuki.x, y: yuki.y)), .mouse(Mouse(.drag, x: olaf.x, y: olaf.y)))
    h.send(.mouse(Mouse(.release, x: olaf.x, y: olaf.y)))
    #expect(h.written.map(\.change) == [.moved(stage: "post-sale", position: 2, gateOverridden: false)])
  }

  /// With `mouse = false` the terminal sends no reports; one that arrives anyway is nothing.
  @Test func aBoardWithoutTheMouseIgnoresReports() throws {
    var h = Harness(width: 160, height: 45)
    h.state.mouseEnabled = false
    let priya = try place(h, "Priya Sharma")
    let wang = try place(h, "王伟")
    let before = h.state.focusedLead
    h.send(.mouse(Mouse(.press, x: priya.x, y: priya.y)), .mouse(Mouse(.drag, x: wang.x, y: wang.y)))
    h.send(.mouse(Mouse(.release, x: wang.x, y: wang.y)))
    #expect(h.state.focusedLead == before)
    #expect(h.written.isEmpty)
  }

  @Test func theWheelScrollsAColumn() throws {
    var pipeline = Fixture.pipeline()
    for i in 0..<20 {
      try pipeline.apply(
        Event(
          id: "w\(i)", time: Harness.now, replica: "t", lead: LeadID("more\(i)"),
          change: .created(NewLead(name: "Lead \(i)", stage: "qualifying"))))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    let column = try place(h, "Qualifying")
    h.send(.mouse(Mouse(.wheelDown, x: column.x, y: column.y + 8)))
    #expect(h.state.column == h.pipeline.stageIndex(forKey: "qualifying"))
    #expect(h.state.row == 3)
    h.send(.mouse(Mouse(.wheelDown, x: column.x, y: column.y + 8)), .mouse(Mouse(.wheelUp, x: column.x, y: 9)))
    #expect(h.state.row == 3)
    #expect(h.written.isEmpty)
  }

  @Test func aClickOnAHintDoesWhatItSays() throws {
    var h = Harness(width: 160, height: 45)
    let help = try place(h, "? help")
    click(&h, help.x, help.y)
    guard case .help = h.state.mode else {
      Issue.record("? help opens the help:\n\(h.frame.text)")
      return
    }
    click(&h, 10, 10)  // a click closes it, as any key does
    #expect(h.state.mode == .board)
    let search = try place(h, "/ search")
    click(&h, search.x + 3, search.y)
    guard case .search = h.state.mode else {
      Issue.record("/ search opens search")
      return
    }
    h.send(.escape)
    // A hint that names two keys does nothing, wherever it is clicked.
    let move = try place(h, "H/L move")
    for offset in 0..<8 { click(&h, move.x + offset, move.y) }
    #expect(h.written.isEmpty)
    let quit = try place(h, "q quit")
    click(&h, quit.x, quit.y)
    #expect(h.state.wantsToQuit)
  }

  @Test func theTableTakesClicksAndTheWheel() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"))
    let value = try place(h, "4 Value")
    click(&h, value.x, value.y)
    guard case .table(let sorted) = h.state.mode else {
      Issue.record("the table stays open")
      return
    }
    #expect(sorted.sort == .value)
    let row = try place(h, "Ngozi Adeyemi")
    click(&h, row.x, row.y)
    guard case .table(let picked) = h.state.mode else { return }
    #expect(picked.selectedLead.flatMap { h.pipeline[$0]?.name } == "Ngozi Adeyemi")
    h.send(.mouse(Mouse(.wheelDown, x: 5, y: 10)))
    guard case .table(let scrolled) = h.state.mode else { return }
    #expect(scrolled.selected == picked.selected + 3)
    h.send(.mouse(Mouse(.wheelUp, x: 5, y: 10)))
    click(&h, row.x, row.y)  // the selected row again: its card
    #expect(h.state.mode == .board)
    #expect(h.focused?.name == "Ngozi Adeyemi")
    #expect(h.written.isEmpty)
  }

  /// Clicks where nothing listens, and every other button, do nothing.
  @Test func otherClicksDoNothing() throws {
    var h = Harness()
    let before = h.state.focusedLead
    h.send(.mouse(Mouse(.press, button: 2, x: 5, y: 6)), .mouse(Mouse(.release, x: 5, y: 6)))
    h.send(.mouse(Mouse(.press, x: 0, y: 0)), .mouse(Mouse(.release, x: 0, y: 0)))
    #expect(h.state.focusedLead == before)
    h.send(.character("a"))  // a form: clicks there do nothing
    h.send(.mouse(Mouse(.press, x: 5, y: 6)))
    guard case .form = h.state.mode else {
      Issue.record("the form stays open")
      return
    }
    h.send(.escape)
    #expect(h.written.isEmpty)
  }
}
