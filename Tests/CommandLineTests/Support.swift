import Foundation
import Testing

/// The `closer` executable built next to this test bundle.
let closerExecutable: String = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("closer").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return "closer"
}()

struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs `closer` (or another build of it, `executable`) with a clean environment of its own;
/// its standard output is read back unless `standardOutput` says where it goes.
func closer(
  _ arguments: [String], environment: [String: String] = [:], standardOutput: FileHandle? = nil,
  executable: String = closerExecutable
) throws -> Run {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  var env = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", "CLOSER_REPLICA": "tester"]
  env.merge(environment) { _, new in new }
  process.environment = env
  let out = Pipe()
  // Standard error goes to a file, so neither stream can fill up and block the child.
  let errorPath = NSTemporaryDirectory() + "closer-stderr-\(UUID().uuidString)"
  _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
  defer { try? FileManager.default.removeItem(atPath: errorPath) }
  let err = try #require(FileHandle(forWritingAtPath: errorPath))
  process.standardOutput = standardOutput ?? out
  process.standardError = err
  try process.run()
  let stdoutData = standardOutput == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
  process.waitUntilExit()
  try err.close()
  let stderrData = FileManager.default.contents(atPath: errorPath) ?? Data()
  return Run(
    status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
    stderr: String(decoding: stderrData, as: UTF8.self))
}

final class Sandbox {
  let path: String

  init() {
    var template = Array("/tmp/closer-cli-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    path = String(cString: made!)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  var journal: String { "\(path)/journal.jsonl" }

  /// Runs `closer` on this sandbox's journal.
  func run(_ arguments: [String], environment: [String: String] = [:], standardOutput: FileHandle? = nil) throws
    -> Run
  {
    try closer(arguments + ["--journal", journal], environment: environment, standardOutput: standardOutput)
  }

  func journalBytes() -> Data { FileManager.default.contents(atPath: journal) ?? Data() }

  /// Runs a command that must be refused: a non-zero exit, `message` on stderr, nothing on
  /// stdout, and the journal byte for byte as it was.
  func expectRefused(_ arguments: [String], saying message: String) throws {
    let before = journalBytes()
    let run = try self.run(arguments)
    #expect(run.status != 0, "\(arguments)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(run.stdout.isEmpty, "\(run.stdout)")
    #expect(journalBytes() == before)
  }

  func journalLines() -> [String] {
    String(decoding: journalBytes(), as: UTF8.self).split(separator: "\n").map(String.init)
  }
}

func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

/// `closer` started in the background, for what must finish by a deadline (a command that
/// could hang or run away) or must run beside the test (the writer of a FIFO).
final class RunningCloser {
  private let process = Process()
  private let outputPath = NSTemporaryDirectory() + "closer-stdout-\(UUID().uuidString)"
  private let errorPath = NSTemporaryDirectory() + "closer-stderr-\(UUID().uuidString)"

  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    process.executableURL = URL(fileURLWithPath: closerExecutable)
    process.arguments = arguments
    var env = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", "CLOSER_REPLICA": "tester"]
    env.merge(environment) { _, new in new }
    process.environment = env
    for path in [outputPath, errorPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    process.standardInput = FileHandle.nullDevice
    let output: FileHandle = try #require(FileHandle(forWritingAtPath: outputPath))
    let error: FileHandle = try #require(FileHandle(forWritingAtPath: errorPath))
    process.standardOutput = output
    process.standardError = error
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    for path in [outputPath, errorPath] { try? FileManager.default.removeItem(atPath: path) }
  }

  var isRunning: Bool { process.isRunning }

  /// Waits until `closer` exits or `seconds` pass; nil, with the process killed, when it
  /// did not finish in time.
  func finish(within seconds: Double) -> Run? {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus,
      stdout: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
      stderr: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self))
  }
}

/// The kind of thing at `path` (S_IFREG, S_IFLNK, S_IFIFO, ...), without following a link;
/// nil when nothing is there.
func fileType(_ path: String) -> mode_t? {
  var info = stat()
  guard lstat(path, &info) == 0 else { return nil }
  return info.st_mode & S_IFMT
}
