import Foundation
import Testing

/// Keys in the encodings terminals send them: a key the board does not know does nothing,
/// and no sequence is ever read as Esc and characters.
extension BoardEndToEndTests {
  /// Keys that change nothing on the board, as tmux sends them to a program (tmux uses its
  /// own encodings, whatever TERM says: Home is ESC [ 1 ~, which terminfo's xterm entry
  /// does not list).
  static let keysThatWriteNothing = [
    "Home", "End", "PPage", "NPage", "DC", "IC", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11",
    "F12", "C-Up", "C-Down", "C-Left", "C-Right", "M-Up", "M-Down", "M-Left", "M-Right", "M-a", "M-1", "M-x", "M-w",
    "S-F5", "C-Home", "C-End",
  ]

  @Test(arguments: ["xterm-256color", "tmux-256color", "screen-256color"])
  func keysAndPastesTheBoardDoesNotKnowWriteNothing(term: String) throws {
    let session = try TmuxSession(term: term) { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let before = session.journalLines()
    for key in Self.keysThatWriteNothing { try session.keys(key) }
    // A paste of digits and letters that would tick, win and lose if they were typed.
    _ = try session.tmux(["set-buffer", "1234 wxyz"])
    _ = try session.tmux(["paste-buffer", "-p", "-t", "e2e"])
    // Read in order: once the help shows, every key before it has been read.
    try session.keys("?")
    try session.waitFor("Keys")
    #expect(session.journalLines() == before, "TERM=\(term)")
    try session.keys("q")
    try session.waitFor(10, "the help closed") { !$0.contains("Keys") }
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(session.journalLines() == before, "TERM=\(term)")
  }
}
