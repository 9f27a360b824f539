import Foundation
import Glibc

/// The system `git`, run so that it can never wait for a person: no terminal (a session of
/// its own), nothing on standard input, no password or passphrase prompt whatever the
/// user's configuration says (batch-mode ssh, no askpass, no credential prompt), no hooks,
/// no signing, and a time limit after which it is stopped.
struct Git {
  /// The work tree git runs in.
  var directory: String
  /// Seconds a network command (fetch, push, clone) may take before it is stopped.
  var networkTimeout: Double = 60
  /// Seconds any other command may take.
  var localTimeout: Double = 30

  struct Result {
    var status: Int32
    var bytes: [UInt8]
    var error: String
    var timedOut: Bool

    var output: String { String(decoding: bytes, as: UTF8.self) }

    var succeeded: Bool { status == 0 && !timedOut }
    /// What git said, for a message, on one line: what the server said (`remote:` lines),
    /// then the last lines of its error output (else of its output).
    var said: String {
      let lines = (error.isEmpty ? output : error).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "remote:" }
      let server = lines.filter { $0.hasPrefix("remote:") }.prefix(3)
      let rest = lines.filter { !$0.hasPrefix("remote:") }.suffix(3)
      let text = (server + rest).joined(separator: " / ")
      return timedOut ? "no answer in time" + (text.isEmpty ? "" : " (\(text))") : text
    }
  }

  /// Settings that override whatever the user's and the repository's configuration say.
  static let overrides = [
    "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false",
    "-c", "push.gpgSign=false",
    "-c", "merge.ff=true", "-c", "pull.rebase=false", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false",
    "-c", "credential.interactive=false", "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=20",
    "-c", "advice.detachedHead=false", "-c", "gc.auto=0",
  ]

  static let environment: [String: String] = [
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "/bin/false",
    "SSH_ASKPASS": "/bin/false",
    "SSH_ASKPASS_REQUIRE": "never",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=15 -o StrictHostKeyChecking=accept-new",
    "GIT_EDITOR": "true",
    "GIT_MERGE_AUTOEDIT": "no",
    "LC_ALL": "C",
  ]

  /// Runs `git ARGUMENTS` in the work tree (or, for a clone, wherever `directory` is).
  @discardableResult
  func run(
    _ arguments: [String], network: Bool = false, input: [UInt8]? = nil, extraEnvironment: [String: String] = [:]
  )
    throws -> Result
  {
    try Self.run(
      ["git", "-C", directory] + Self.overrides + arguments,
      timeout: network ? networkTimeout : localTimeout, input: input, environment: extraEnvironment)
  }

  /// Runs a git command and returns its output, or throws what git said.
  func output(
    _ arguments: [String], network: Bool = false, input: [UInt8]? = nil, extraEnvironment: [String: String] = [:],
    what: String
  ) throws -> String {
    let result = try run(arguments, network: network, input: input, extraEnvironment: extraEnvironment)
    guard result.succeeded else { throw CommandError("\(what) failed: \(result.said)") }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Who commits when git has no identity configured (a fresh machine): the replica itself.
  func identityEnvironment(replica: String) -> [String: String] {
    let name = (try? run(["config", "user.name"]))?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    let email = (try? run(["config", "user.email"]))?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    guard name.isEmpty || email.isEmpty else { return [:] }
    let safe = replica.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    let fallbackName = name.isEmpty ? replica : name
    let fallbackEmail = email.isEmpty ? "\(safe.isEmpty ? "closer" : safe)@closer.invalid" : email
    return [
      "GIT_AUTHOR_NAME": fallbackName, "GIT_COMMITTER_NAME": fallbackName, "GIT_AUTHOR_EMAIL": fallbackEmail,
      "GIT_COMMITTER_EMAIL": fallbackEmail,
    ]
  }

  static func run(_ arguments: [String], timeout: Double, input: [UInt8]? = nil, environment extra: [String: String])
    throws -> Result
  {
    var variables = Environment.current.variables
    for (name, value) in environment { variables[name] = value }
    for (name, value) in extra { variables[name] = value }
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer {
      for pointer in envp { free(pointer) }
      for pointer in argv { free(pointer) }
    }
    // Output to files rather than pipes: nothing to read while waiting, and git's output is
    // small. Input, when there is any, from a file as well.
    let outFile = try temporaryFile()
    let errFile = try temporaryFile()
    let inFile = try input.map { bytes in
      let file = try temporaryFile()
      _ = bytes.withUnsafeBytes { Glibc.write(file.descriptor, $0.baseAddress, $0.count) }
      lseek(file.descriptor, 0, SEEK_SET)
      return file
    }
    defer {
      for file in [outFile, errFile] + (inFile.map { [$0] } ?? []) {
        close(file.descriptor)
        unlink(file.path)
      }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let inFile {
      posix_spawn_file_actions_adddup2(&actions, inFile.descriptor, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, outFile.descriptor, 1)
    posix_spawn_file_actions_adddup2(&actions, errFile.descriptor, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // A session of its own: no controlling terminal to ask a password on, and one process
    // group to stop with everything it started (ssh) when it takes too long.
    posix_spawnattr_setflags(&attributes, spawnNewSession)
    var pid: pid_t = 0
    let started = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
    guard started == 0 else {
      throw CommandError("cannot run \(arguments[0]): \(String(cString: strerror(started))); is git installed?")
    }
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    var status: Int32 = 0
    var timedOut = false
    var pause: UInt32 = 1000
    while true {
      let done = waitpid(pid, &status, WNOHANG)
      if done == pid { break }
      if done == -1 && errno != EINTR { break }
      if ContinuousClock.now > deadline {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        timedOut = true
        break
      }
      usleep(pause)
      pause = min(pause * 2, 20_000)
    }
    let exit: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return Result(
      status: exit, bytes: readAll(outFile.descriptor),
      error: String(decoding: readAll(errFile.descriptor), as: UTF8.self), timedOut: timedOut)
  }

  /// glibc's POSIX_SPAWN_SETSID (2.26 and later), which Swift's Glibc module leaves out.
  private static let spawnNewSession: Int16 = 0x80

  private static func temporaryFile() throws -> (descriptor: Int32, path: String) {
    var template = Array("\(NSTemporaryDirectory())/closer-git-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      throw CommandError("cannot make a temporary file: \(String(cString: strerror(errno)))")
    }
    return (descriptor, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }

  private static func readAll(_ descriptor: Int32) -> [UInt8] {
    lseek(descriptor, 0, SEEK_SET)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if got <= 0 { break }
      bytes += buffer[..<got]
    }
    return bytes
  }
}
