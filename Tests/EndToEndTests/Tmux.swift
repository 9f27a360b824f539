import Foundation
import Testing

/// The `closer` executable built next to this test bundle.
let closerPath: String = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("closer").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return "closer"
}()

/// The whole environment `closer` gets in these tests, as in the command-line tests: nothing
/// from whoever runs them (their XDG_CONFIG_HOME, CLOSER_JOURNAL, NO_COLOR or TZ), a home in
/// the test's own directory, and a UTF-8 locale for the terminal.
func cleanEnvironment(home: String, replica: String) -> [String: String] {
  ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "CLOSER_REPLICA": replica]
}

/// Runs a program to completion and returns its exit status and standard output.
///
/// posix_spawn and waitpid, with output through a file: Foundation's Process does not
/// notice the exit of a tmux client that started a server, and a pipe would never reach
/// end-of-file while the server holds the descriptors it inherited.
///
/// The program gets this process's environment with `environment` over it, or, with
/// `inheriting` off, `environment` alone.
@discardableResult
func run(_ program: String, _ arguments: [String], environment: [String: String] = [:], inheriting: Bool = true)
  throws -> (Int32, String)
{
  let outputPath = NSTemporaryDirectory() + "closer-e2e-out-\(UUID().uuidString)"
  defer { try? FileManager.default.removeItem(atPath: outputPath) }
  var env = inheriting ? ProcessInfo.processInfo.environment : [:]
  env.merge(environment) { _, new in new }
  let argv = ([program] + arguments).map { strdup($0) } + [nil]
  let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer { for pointer in argv + envp { free(pointer) } }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  // The test runner's threads may block signals; the child must start with none blocked
  // and default handlers, as from a shell, or SIGWINCH and SIGTERM would never arrive.
  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var none = sigset_t()
  sigemptyset(&none)
  var all = sigset_t()
  sigfillset(&all)
  posix_spawnattr_setsigmask(&attributes, &none)
  posix_spawnattr_setsigdefault(&attributes, &all)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
  var pid: pid_t = 0
  guard posix_spawn(&pid, program, &actions, &attributes, argv, envp) == 0 else {
    throw CocoaError(.executableNotLoadable)
  }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
  let data = FileManager.default.contents(atPath: outputPath) ?? Data()
  return ((status >> 8) & 0xFF, String(decoding: data, as: UTF8.self))
}

let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
  FileManager.default.isExecutableFile(atPath: $0)
}

/// A real terminal for the real binary: a tmux server of its own, one window, keys in,
/// screen text out. Waiting is always polling with a deadline, never a fixed sleep.
final class TmuxSession {
  let socket = "closer-test-\(UUID().uuidString.prefix(8))"
  let directory: String
  let journal: String

  init(
    width: Int = 80, height: Int = 24, term: String = "screen", environment: String = "",
    arguments: [String]? = nil, setUp: (String) throws -> Void
  ) throws {
    var template = Array("/tmp/closer-e2e-XXXXXX".utf8CString)
    directory = String(cString: template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!)
    journal = "\(directory)/journal.jsonl"
    try setUp(journal)
    // After the board exits, the pane says how, and stays open for capture. A board that
    // crashes on purpose leaves no core file behind. The board starts with the clean
    // environment and the terminal type asked for, nothing of the test runner's.
    let variables = cleanEnvironment(home: directory, replica: "tmux").merging(["TERM": term]) { _, new in new }
    let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    let command =
      "ulimit -c 0; env -i \(assignments) \(environment) \(closerPath) \((arguments ?? ["--journal", journal]).joined(separator: " ")); echo EXIT=$?; sleep 60"
    try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "e2e", command])
  }

  deinit {
    _ = try? tmux(["kill-server"])
    try? FileManager.default.removeItem(atPath: directory)
  }

  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    guard let tmuxPath else { throw CocoaError(.executableNotLoadable) }
    return try run(tmuxPath, ["-L", socket, "-f", "/dev/null"] + arguments).1
  }

  /// Sends tmux key names ("Space", "S-Right", "Escape", "q").
  func keys(_ names: String...) throws {
    for name in names { try tmux(["send-keys", "-t", "e2e", name]) }
  }

  /// Types text literally.
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "e2e", "-l", text]) }

  func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "e2e"]) }

  /// Polls the screen until `predicate` holds or `seconds` pass; returns the last screen.
  @discardableResult
  func waitFor(_ seconds: Double = 10, _ what: String, _ predicate: (String) -> Bool) throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if predicate(last) { return last }
      usleep(50_000)
    }
    Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
    return last
  }

  @discardableResult
  func waitFor(_ text: String, seconds: Double = 10) throws -> String {
    try waitFor(seconds, "'\(text)'") { $0.contains(text) }
  }

  func journalLines() -> [String] {
    (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
  }

  /// Runs `closer` on the session's journal, from another "machine" (replica `cli`).
  func closer(_ arguments: [String]) throws -> String {
    try run(
      closerPath, arguments + ["--journal", journal], environment: cleanEnvironment(home: directory, replica: "cli"),
      inheriting: false
    ).1
  }
}

/// Adds leads through the command line: `(name, stage)`, added in order (so the last one
/// added to a stage is at the top of its column).
func addLeads(_ journal: String, _ leads: [(String, String)]) throws {
  let home = URL(fileURLWithPath: journal).deletingLastPathComponent().path
  for (name, stage) in leads {
    let (status, _) = try run(
      closerPath, ["add", name, "--stage", stage, "--company", "Co", "--journal", journal],
      environment: cleanEnvironment(home: home, replica: "cli"), inheriting: false)
    guard status == 0 else { throw CocoaError(.fileWriteUnknown) }
  }
}
