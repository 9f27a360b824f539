import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore
@testable import TerminalText

@Suite struct ScreenTests {
  @Test func board80x24() throws {
    try assertSnapshot(Harness().frame, named: "board-80x24")
  }

  @Test func board160x45WithTheDetailPane() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .down, .down)  // Søren: value, note, history
    try assertSnapshot(h.frame, named: "board-160x45")
  }

  @Test func moveMode() throws {
    var h = Harness()
    h.send(.character(" "), .right, .down)
    try assertSnapshot(h.frame, named: "move-80x24")
  }

  @Test func searchWithHighlights() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("/"))
    h.type("an")
    try assertSnapshot(h.frame, named: "search-160x45")
    // Matches carry a marker and an underline; the rest are dimmed (meaning without colour).
    let frame = h.frame
    guard let soren = frame.position(of: "Søren Andersen"), let chloe = frame.position(of: "Chloé Dubois") else {
      Issue.record("both cards should be on screen:\n\(frame.text)")
      return
    }
    #expect(frame[soren.x, soren.y].style.underline)
    #expect(frame[soren.x - 2, soren.y].text == "•")
    #expect(frame[chloe.x, chloe.y].style.dim)
    #expect(!frame[chloe.x, chloe.y].style.underline)
  }

  @Test func detailOverlayOnANarrowTerminal() throws {
    var h = Harness()
    h.send(.right, .enter)
    try assertSnapshot(h.frame, named: "detail-80x24")
  }

  @Test func helpOverlay() throws {
    var h = Harness()
    h.send(.right, .right, .character("?"))
    try assertSnapshot(h.frame, named: "help-80x24")
    // The overlay cuts through wide characters without leaving half of one behind.
    for line in h.frame.lines { #expect(line.displayWidth == 80, "\(line)") }
  }

  @Test func tooSmallAndBack() throws {
    var h = Harness()
    h.handle(.resize(width: 40, height: 10))
    try assertSnapshot(h.frame, named: "too-small-40x10")
    #expect(h.frame.text.contains("needs at least 50x14"))
    h.send(.down)  // ignored: nothing can be seen
    h.handle(.resize(width: 80, height: 24))
    #expect(h.frame.text.contains("Lead Generation"))
    #expect(h.focused?.name == "Ana Lima")
  }

  @Test func columnsScrollSidewaysToKeepTheFocusVisible() {
    var h = Harness()
    #expect(h.frame.lines[1].hasSuffix("▶"))
    #expect(!h.frame.lines[1].hasPrefix("◀"))
    for _ in 0..<6 { h.send(.right) }
    #expect(h.frame.text.contains("Post-Sale Follow-Up"))
    #expect(h.frame.lines[1].hasPrefix("◀"))
    #expect(h.focused?.name == "Ólafur Jónsson")
  }

  @Test(arguments: [(80, 24), (100, 30), (120, 40), (160, 45), (61, 20)])
  func wideCharactersNeverShiftTheBorders(width: Int, height: Int) {
    var h = Harness(width: width, height: height)
    h.send(.right, .right)  // the column with 王伟 / 北京贸易有限公司
    let frame = h.frame
    for line in frame.lines { #expect(line.displayWidth == width, "\(line)") }
    // Column separators sit at the same x on every row of the board.
    let separators = (0..<frame.width).filter { frame[$0, 2].text == "│" }
    #expect(!separators.isEmpty)
    for y in 2..<(frame.height - 2) {
      for x in separators { #expect(frame[x, y].text == "│", "row \(y) at \(x)") }
    }
  }

  @Test func textFromDataCannotReachTheTerminalAsControlCharacters() throws {
    var pipeline = Fixture.pipeline()
    try pipeline.apply(
      Event(
        id: "evil", time: Harness.now, replica: "t", lead: "evil",
        change: .created(
          NewLead(name: "\u{1b}]2;owned\u{07}Evil\u{9b}2J", company: "\u{1b}[31mRed", stage: "lead-generation"))))
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.up, .up, .up)
    for cell in h.frame.cells {
      #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
    #expect(h.frame.text.contains("Evil"))
  }

  @Test func cardsShowValueDaysTierAndOverdueMarks() {
    let h = Harness()
    let text = h.frame.text
    let ana = h.frame.lines.first { $0.contains("12.5k · 9d") } ?? ""
    #expect(ana.contains("!due"))  // Ana Lima: value, days in stage, an overdue follow-up
    #expect(text.contains("85k · 21d") && text.contains("~stale"))  // Chloé: no activity for 21 days
  }
}

extension Frame {
  /// Where `text` starts on screen, in cells.
  func position(of text: String) -> (x: Int, y: Int)? {
    let first = String(text.first!)
    for y in 0..<height {
      for x in 0..<width where self[x, y].text == first {
        var column = x
        var matched = true
        for character in text {
          while column < width && self[column, y].isContinuation { column += 1 }
          guard column < width, self[column, y].text == String(character) else {
            matched = false
            break
          }
          column += 1
        }
        if matched { return (x, y) }
      }
    }
    return nil
  }
}

/// Golden screens of what issue-by-issue work added: the detail pane scrolled, a lost deal
/// found by search, the board after a win was undone.
@Suite struct MoreScreenTests {
  @Test func detailPaneScrolled() throws {
    var h = try DetailPaneScrollTests.harness()
    h.send(.enter, .pageDown)
    try assertSnapshot(h.frame, named: "detail-scrolled-80x24")
  }

  @Test func lostDealFoundBySearch() throws {
    var h = Harness()
    h.send(.down, .character("x"), .character("1"), .enter, .character("/"))
    h.type("okafor")
    try assertSnapshot(h.frame, named: "search-lost-80x24")
  }

  @Test func boardAfterAWinUndone() throws {
    var h = Harness()
    h.send(.down, .character("w"), .character("y"), .character("u"))
    try assertSnapshot(h.frame, named: "undo-win-80x24")
  }
}
