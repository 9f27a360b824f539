import Testing

@testable import Board
@testable import PipelineCore
@testable import TerminalText

/// The status line: a long error (a replaced journal, and where its copy is) is read whole.
@Suite struct StatusLineTests {
  /// Where the default journal's copy goes: one of the longer words a status line must hold.
  static let copy = "/home/ana/.local/share/closer/journal.jsonl.replaced-20261127T164001123Z"
  static let reason =
    "the journal was replaced by a file that does not begin with what Closer had read; what Closer had read of it is kept in \(copy). Nothing more is written to it from here: quit and open Closer again to work on the file now at the path"

  @Test func aLongErrorIsWrappedOverTheLastThreeRowsAt80x24() {
    var h = Harness()
    h.state.readOnlyReason = Self.reason
    h.send(.shiftRight)
    let lines = h.frame.lines
    #expect(lines[21].hasPrefix(" BOARD  Read-only: the journal was replaced"), "\(lines[21])")
    // The rows after the first take the whole width, so the copy's path is read whole.
    #expect(lines[23].hasPrefix(" \(Self.copy)."), "\(lines.suffix(3))")
    #expect(lines.last?.contains("…") == true)
    // A word longer than the room (a long path) goes on over the next line.
    h.state.readOnlyReason =
      "kept in /home/ana/" + String(repeating: "very-long-directory/", count: 4) + "journal.jsonl"
    h.send(.character("1"))
    let rows = h.frame.lines.suffix(3)
    let joined = ([rows.first!.dropFirst(8)] + rows.dropFirst().map { $0.dropFirst(1) }).map { $0.trimmingSuffix(" ") }
      .joined()
    #expect(joined.contains("very-long-directory/very-long-directory/very-long-directory/journal.jsonl"), "\(joined)")
    for line in lines { #expect(line.displayWidth == 80, "\(line)") }
    // The next key clears it, and the board is whole again.
    h.send(.down)
    #expect(h.frame.lines[21].contains("│"))
  }

  @Test(arguments: [50, 80, 120, 160], Array(14...48))
  func aWrappedErrorNeverCoversACard(width: Int, height: Int) {
    var h = Harness(width: width, height: height)
    h.send(.right, .right)
    let before = h.frame
    h.state.readOnlyReason = Self.reason
    h.send(.character("1"))
    let after = h.frame
    #expect(after.lines.suffix(3).joined().contains("Read-only"))
    // Rows above the message are as they were (but for the title's READ-ONLY); the two rows
    // it takes above the status line held no card text.
    for y in 1..<(height - 3) { #expect(after.lines[y] == before.lines[y], "row \(y) at \(width)x\(height)") }
    for lead in h.pipeline.leads {
      let name = String(lead.name.prefix(4))
      #expect(
        before.text.contains(name) == after.text.contains(name), "\(lead.name) at \(width)x\(height):\n\(before.text)")
    }
  }

  @Test func aShortErrorAndEveryOtherMessageStayOnOneLine() {
    var h = Harness()
    h.state.readOnlyReason = "line 12 is damaged"
    h.send(.character("1"))
    #expect(h.frame.lines[22].contains("│"))
    h.state.readOnlyReason = nil
    h.handle(.externalChanges(count: 3))
    #expect(h.frame.lines.last?.contains("3 changes from elsewhere") == true)
    #expect(h.frame.lines[22].contains("│"))
  }
}

extension Substring {
  fileprivate func trimmingSuffix(_ character: Character) -> Substring {
    var text = self
    while text.last == character { text.removeLast() }
    return text
  }
}
