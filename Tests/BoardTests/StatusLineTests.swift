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

/// Answers typed in the status line (`o`, `x`, `f`, `O`) edit like any field: the cursor
/// moves with ←/→, Home and End, text goes in where it is, and a long answer scrolls so the
/// cursor and an error after it stay on screen.
@Suite struct StatusLinePromptEditingTests {
  private func statusRow(_ h: Harness) -> String { h.frame.lines.last ?? "" }

  @Test func theCursorMovesAndTextGoesInWhereItIs() throws {
    var h = Harness()
    h.send(.character("O"))
    h.type("abc")
    h.send(.home)
    h.type("X")
    h.send(.right, .character("Y"))
    h.send(.end, .character("Z"))
    guard case .ownerView(let view) = h.state.mode else { throw Unexpected("not asking whose deals") }
    #expect(view.text == "XaYbcZ")
    #expect(statusRow(h).contains("XaYbcZ▏"))
    h.send(.left, .left)
    #expect(statusRow(h).contains("XaYb▏cZ"))
    h.send(.delete)
    h.send(.backspace)
    guard case .ownerView(let edited) = h.state.mode else { throw Unexpected("not asking whose deals") }
    #expect(edited.text == "XaYZ")
    h.send(.escape)
    #expect(h.written.isEmpty)
  }

  @Test func aPrefilledAnswerIsEditedWithTheArrowsOrReplacedByTyping() throws {
    var h = Harness()
    let lead = try #require(h.state.focusedLead)
    h.send(.character("o"))
    h.type("Kim")
    h.send(.enter)
    // Pre-filled with "Kim": Home then typing edits it; typing at once replaces it.
    h.send(.character("o"), .home)
    h.type("Jo-")
    h.send(.enter)
    #expect(h.pipeline[lead]?.owner == "Jo-Kim")
    h.send(.character("o"))
    h.type("Lee")
    h.send(.enter)
    #expect(h.pipeline[lead]?.owner == "Lee")
  }

  @Test func aLongAnswerScrollsAndItsErrorStaysOnScreen() throws {
    var h = Harness()
    h.send(.character("O"))
    h.handle(.key(.paste(String(repeating: "🚀", count: 200) + "end")))
    let row = statusRow(h)
    #expect(row.contains("end▏"), "the cursor and the end of the text are shown: \(row)")
    #expect(row.displayWidth <= 80)
    h.send(.enter)
    let lines = h.frame.lines.suffix(3).joined(separator: "\n")
    #expect(lines.contains("nobody called"), "the error is on screen: \(lines)")
    h.send(.home)
    #expect(statusRow(h).contains("▏🚀"))
  }
}

/// A long due date that is not one: the error says what to write, on screen at 80x24.
@Suite struct LongBadAnswerTests {
  @Test func theExplanationOfABadDueDateStaysOnScreen() throws {
    var h = Harness()
    h.send(.character("f"), .control("u"))
    h.type("Call")
    h.send(.enter, .control("u"))
    h.type("next tuesday after the meeting")
    h.send(.enter)
    // Wrapped over the rows above: each row after the first starts one cell in.
    let rows = h.frame.lines.suffix(3)
    let bottom = ([rows.first!] + rows.dropFirst().map { String($0.dropFirst()) })
      .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: " ")
    #expect(bottom.contains("is not a date; use today") && bottom.contains("YYYY-MM-DD"), "\(bottom)")
    #expect(h.written.isEmpty)
  }
}

private struct Unexpected: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
