import Foundation
import Testing

/// The mouse in a real terminal: the board asks tmux for mouse reports (and gives them back
/// when it exits, or not at all with `mouse = false`), and a card dragged with the mouse
/// and released over another column writes exactly one move.
@Suite(.serialized, .enabled(if: tmuxPath != nil, "needs tmux"))
struct MouseEndToEndTests {
  static let leads = [
    ("Ben Okafor", "lead-generation"), ("Ana Lima", "lead-generation"), ("José García", "qualifying"),
  ]

  /// Where `text` starts on the screen, in cells from 0.
  func place(of text: String, in screen: String) throws -> (x: Int, y: Int) {
    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
    for (y, line) in lines.enumerated() {
      if let range = line.range(of: text) { return (line[..<range.lowerBound].count, y) }
    }
    throw CocoaError(.fileReadUnknown)
  }

  /// A mouse report in the SGR encoding the board asks for (cells from 1).
  func report(_ code: Int, _ x: Int, _ y: Int, release: Bool = false) -> String {
    "\u{1B}[<\(code);\(x + 1);\(y + 1)\(release ? "m" : "M")"
  }

  func mouseFlags(_ session: TmuxSession) throws -> String {
    try session.tmux(["display-message", "-p", "-t", "e2e", "#{mouse_button_flag}#{mouse_sgr_flag}"])
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test(arguments: ["xterm-256color", "tmux-256color", "screen-256color"])
  func aCardDraggedWithTheMouseMovesOnce(term: String) throws {
    let session = try TmuxSession(term: term) { try addLeads($0, Self.leads) }
    let screen = try session.waitFor("Ana Lima")
    #expect(try mouseFlags(session) == "11", "the board asks for button tracking in SGR")
    let before = session.journalLines().count
    let ana = try place(of: "Ana Lima", in: screen)
    let jose = try place(of: "José García", in: screen)
    try session.type(report(0, ana.x + 1, ana.y))
    try session.type(report(32, ana.x + 10, ana.y + 1))
    try session.type(report(32, jose.x + 1, jose.y + 4))
    try session.waitFor("Qualifying, 2 of 2")
    try session.type(report(0, jose.x + 1, jose.y + 4, release: true))
    try session.waitFor("Moved Ana Lima to Qualifying, 2 of 2")
    try session.keys("q")
    try session.waitFor("EXIT=0")
    #expect(try mouseFlags(session) == "00", "the board gives the mouse back when it exits")
    let lines = session.journalLines()
    #expect(lines.count == before + 1, "TERM=\(term)")
    #expect(lines.last?.contains(#""type":"lead.moved""#) == true)
    #expect(lines.last?.contains(#""stage":"qualifying""#) == true)
  }

  @Test func aClickFocusesAndTheConfigCanTurnTheMouseOff() throws {
    let session = try TmuxSession { journal in
      try addLeads(journal, Self.leads)
      let config = URL(fileURLWithPath: journal).deletingLastPathComponent().appendingPathComponent(".config/closer")
      try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
      try "mouse = false\n".write(to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    }
    try session.waitFor("Ana Lima")
    #expect(try mouseFlags(session) == "00", "mouse = false asks for no reports")
    try session.keys("q")
    try session.waitFor("EXIT=0")

    let clicking = try TmuxSession { try addLeads($0, Self.leads) }
    let screen = try clicking.waitFor("José García")
    let jose = try place(of: "José García", in: screen)
    let before = clicking.journalLines()
    try clicking.type(report(0, jose.x, jose.y) + report(0, jose.x, jose.y, release: true))
    // The focused card's name is in the narrow board's detail overlay after Enter.
    try clicking.keys("Enter")
    try clicking.waitFor("Stage      Qualifying")
    try clicking.keys("Escape")
    try clicking.waitFor(10, "the board again") { $0.contains(" BOARD ") }
    try clicking.keys("q")
    try clicking.waitFor("EXIT=0")
    #expect(clicking.journalLines() == before)
  }
}
