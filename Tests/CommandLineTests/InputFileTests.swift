import Foundation
import Testing

/// Files Closer reads whole (a CSV to import, a config) are looked at before they are read:
/// what is not a regular file, or is too large for its kind, is refused at once with a
/// message, never hangs and never fills memory. Commands that could hang or run away run
/// with a deadline.
@Suite struct InputFileTests {
  /// Runs `closer` on the sandbox's journal and expects it to finish within ten seconds.
  func runWithDeadline(_ box: Sandbox, _ arguments: [String]) throws -> Run {
    let running = try RunningCloser(arguments + ["--journal", box.journal])
    return try #require(running.finish(within: 10), "closer \(arguments) did not finish within 10 s")
  }

  func expectRefusedAtOnce(_ box: Sandbox, _ arguments: [String], saying message: String) throws {
    let before = box.journalBytes()
    let run = try runWithDeadline(box, arguments)
    #expect(run.status != 0)
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(box.journalBytes() == before)
  }

  @Test func importingDevZeroIsRefusedWithoutReadingIt() throws {
    let box = Sandbox()
    let started = Date()
    try expectRefusedAtOnce(box, ["import", "/dev/zero"], saying: "/dev/zero is a device, not a CSV file")
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(!FileManager.default.fileExists(atPath: box.journal))
  }

  @Test func aFIFOToImportIsRefusedInsteadOfWaitingForAWriter() throws {
    let box = Sandbox()
    let fifo = "\(box.path)/deals.csv"
    #expect(mkfifo(fifo, 0o600) == 0)
    try expectRefusedAtOnce(box, ["import", fifo], saying: "\(fifo) is a pipe (FIFO), not a CSV file")
    #expect(fileType(fifo) == S_IFIFO)
  }

  @Test func aFIFOAsTheConfigIsRefusedInsteadOfWaitingForAWriter() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    let fifo = "\(box.path)/config.toml"
    #expect(mkfifo(fifo, 0o600) == 0)
    try expectRefusedAtOnce(box, ["list", "--config", fifo], saying: "\(fifo) is a pipe (FIFO), not a config file")
    try expectRefusedAtOnce(box, ["add", "Ben Okafor", "--config", fifo], saying: "is a pipe (FIFO)")
  }

  @Test func aDirectoryIsNotAFileToImportOrAConfig() throws {
    let box = Sandbox()
    try expectRefusedAtOnce(box, ["import", box.path], saying: "\(box.path) is a directory, not a CSV file")
    try expectRefusedAtOnce(
      box, ["list", "--config", box.path], saying: "\(box.path) is a directory, not a config file")
  }

  @Test func aFileOfOneLongLineIsNotACSV() throws {
    let box = Sandbox()
    let file = "\(box.path)/export.csv"
    let line = String(repeating: "Name,Company,", count: 2_000_000 / 13)
    try line.write(toFile: file, atomically: false, encoding: .utf8)
    try expectRefusedAtOnce(
      box, ["import", file], saying: "\(file) has no line break in its first megabyte, so it is not a CSV file")
  }

  @Test func aFileTooLargeForItsKindIsRefusedBeforeItIsRead() throws {
    let box = Sandbox()
    // Sparse: as large as it says, without taking the disk space.
    let table = "\(box.path)/huge.csv"
    #expect(FileManager.default.createFile(atPath: table, contents: nil))
    #expect(truncate(table, 300 << 20) == 0)
    try expectRefusedAtOnce(
      box, ["import", table], saying: "\(table) is larger than a CSV file can be: at most 256 MB")
    let config = "\(box.path)/config.toml"
    try (String(repeating: "# a comment line of a config file that is far too long\n", count: 40_000)).write(
      toFile: config, atomically: false, encoding: .utf8)
    try expectRefusedAtOnce(
      box, ["list", "--config", config], saying: "\(config) is larger than a config file can be: at most 1 MB")
  }

  @Test func theNullDeviceIsAnEmptyConfig() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    let run = try runWithDeadline(box, ["list", "--config", "/dev/null"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Ana Lima"))
  }
}
