import Foundation
import Glibc

/// A `closer` process started in the background behind a start barrier, so that many of
/// them can be let go at the same moment, killed at any moment, and reaped later.
///
/// Each one is `/bin/sh` that says it is ready (one byte appended to the barrier's ready
/// file), waits on the barrier's FIFO until the test closes it, then `exec`s `closer` with
/// the same process id. posix_spawn and waitpid as in `Tmux.swift`: Foundation's `Process`
/// cannot be killed at a random moment and reaped on our own schedule.
final class BarrierProcess {
  let pid: pid_t
  let outputPath: String
  let errorPath: String
  /// How it ended, once reaped.
  private(set) var ending: Ending?

  enum Ending: Equatable {
    case exited(Int32)
    case signaled(Int32)
    /// Reaped by someone else (nothing in this test bundle should).
    case unknown
  }

  /// Starts `executable arguments` behind `barrier`; output goes to files named after `tag`.
  init(_ executable: String, _ arguments: [String], barrier: StartBarrier, tag: String, environment: [String: String])
    throws
  {
    outputPath = "\(barrier.directory)/\(tag).out"
    errorPath = "\(barrier.directory)/\(tag).err"
    let script = #"printf . >&3; exec 3>&-; read go; exec "$0" "$@" </dev/null"#
    let argv = (["/bin/sh", "-c", script, executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, barrier.fifoPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 3, barrier.readyPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    // Tests running beside this one may hold descriptors without close-on-exec (a pipe's
    // write end): a child keeping one open would stall them until it exits.
    Self.closeDescriptors(from: 4, in: &actions)
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
    var child: pid_t = 0
    let result = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
    pid = child
  }

  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's
  /// Glibc module does not show; looked up by name, and skipped where it is missing.
  private static func closeDescriptors(from lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
  }

  deinit {
    if ending == nil {
      sendKill()
      _ = reap(within: 5)
    }
  }

  /// Reaps the process if it has ended; true once it has.
  @discardableResult
  func poll() -> Bool {
    guard ending == nil else { return true }
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == -1 && errno == ECHILD {
      ending = .unknown
      return true
    }
    guard result == pid else { return false }
    // WIFEXITED / WIFSIGNALED, which Swift does not import.
    let signal = status & 0x7F
    ending = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    return true
  }

  /// Waits for the end by polling until `seconds` pass; false if it is still running.
  func reap(within seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !poll() {
      if Date() >= deadline { return false }
      usleep(2_000)
    }
    return true
  }

  /// Sends SIGKILL (a process that already ended but is not reaped yet is unaffected).
  func sendKill() { _ = kill(pid, SIGKILL) }

  var output: String { String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self) }
  var errorOutput: String {
    String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
  }
}

/// The start barrier of one round: a FIFO every process waits on, held open here until
/// they are all waiting, then closed so that they all read its end at once.
final class StartBarrier {
  let directory: String
  let fifoPath: String
  let readyPath: String
  private var writer: Int32

  init(directory: String) throws {
    self.directory = directory
    fifoPath = "\(directory)/start.fifo"
    readyPath = "\(directory)/ready"
    guard mkfifo(fifoPath, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    // Read-write: opening does not wait for a reader, and while this end is open a reader
    // waits instead of reading the end of the file.
    writer = open(fifoPath, O_RDWR | O_CLOEXEC)
    guard writer >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  }

  deinit { release() }

  /// Polls until `count` processes said they are waiting, or `seconds` pass.
  func waitUntilReady(_ count: Int, within seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      var info = stat()
      if stat(readyPath, &info) == 0 && info.st_size >= count { return true }
      usleep(1_000)
    }
    return false
  }

  /// Lets every waiting process go.
  func release() {
    guard writer >= 0 else { return }
    close(writer)
    writer = -1
  }
}
