import Foundation
import Testing

/// Signals that end the board: whatever ends it, the rep gets their shell back as it was
/// (alternate screen left, keys echoed again) and no key reaches the journal afterwards.
extension BoardEndToEndTests {
  /// The board's own process (env has exec'd it), not the shell around it.
  func boardPID(_ session: TmuxSession) throws -> pid_t? {
    let (_, output) = try run("/usr/bin/pgrep", ["-f", "^\(closerPath) --journal \(session.journal)$"])
    return output.split(separator: "\n").first.flatMap { pid_t($0) }
  }

  /// Polls until the board's process is gone; false when it is still there at the deadline.
  func waitUntilGone(_ session: TmuxSession, seconds: Double = 10) throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try boardPID(session) == nil { return true }
      usleep(20_000)
    }
    return false
  }

  /// After the board is gone: the shell's screen is back, nothing waits for a key, and a
  /// key typed now is echoed by the terminal (cooked mode again) and never reaches the journal.
  func expectTheShellIsBack(_ session: TmuxSession, exit: String) throws {
    let screen = try session.waitFor("EXIT=\(exit)")
    for board in ["BOARD", "Closer ·", "Lead Generation"] { #expect(!screen.contains(board), "\(screen)") }
    for prompt in ["Press", "crashed", "Backtrace", "Thread 0"] { #expect(!screen.contains(prompt), "\(screen)") }
    let before = session.journalLines()
    try session.keys("1")
    try session.waitFor(5, "the key echoed by the terminal") { screen in
      screen.components(separatedBy: "EXIT=\(exit)").last?.contains("1") == true
    }
    #expect(session.journalLines() == before)
  }

  @Test func sigquitEndsTheBoardCleanlyWithoutTheCrashReporter() throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let pid = try #require(try boardPID(session))
    #expect(kill(pid, SIGQUIT) == 0)
    #expect(try waitUntilGone(session), "the board kept running after SIGQUIT")
    try expectTheShellIsBack(session, exit: "0")
    #expect(try session.closer(["check"]).contains("OK"))
  }

  /// A crash (here sent as a signal) restores the terminal in the signal handler, then the
  /// default action ends the process: 128 + the signal's number, no waiting for a key.
  @Test(arguments: [(SIGSEGV, "139"), (SIGILL, "132"), (SIGABRT, "134")])
  func aCrashRestoresTheTerminalAndEndsTheBoard(signal: Int32, exit: String) throws {
    let session = try TmuxSession { try addLeads($0, Self.leads) }
    try session.waitFor("Ana Lima")
    let pid = try #require(try boardPID(session))
    #expect(kill(pid, signal) == 0)
    #expect(try waitUntilGone(session), "the board kept running after signal \(signal)")
    try expectTheShellIsBack(session, exit: exit)
  }
}
