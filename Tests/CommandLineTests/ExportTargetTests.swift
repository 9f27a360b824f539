import Foundation
import Testing

/// `closer export -o PATH` behaves like the shell's `>` on whatever PATH is, except that a
/// file is never seen half-written: a link stays a link, a device or a FIFO is written
/// into and never replaced.
@Suite struct ExportTargetTests {
  func sandboxWithALead() throws -> Sandbox {
    let box = Sandbox()
    let added = try box.run(["add", "Ana Lima", "--company", "Acme"])
    #expect(added.status == 0, "\(added.stderr)")
    return box
  }

  /// Names in `directory` other than the journal's files: a temporary file left behind
  /// would show up here.
  func strayFiles(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix("journal.jsonl") }.sorted()
  }

  @Test func aSymbolicLinkStaysALinkAndTheFileItNamesGetsTheExport() throws {
    let box = try sandboxWithALead()
    let target = "\(box.path)/march.csv"
    try "an older export\n".write(toFile: target, atomically: false, encoding: .utf8)
    let link = "\(box.path)/latest.csv"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "march.csv")
    let run = try box.run(["export", "-o", link])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(fileType(link) == S_IFLNK)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "march.csv")
    let written = try String(contentsOfFile: target, encoding: .utf8)
    #expect(written.contains("Ana Lima") && !written.contains("an older export"))
    #expect(try strayFiles(in: box.path) == ["latest.csv", "march.csv"])
  }

  @Test func aLinkToAFileNotYetThereCreatesThatFile() throws {
    let box = try sandboxWithALead()
    try FileManager.default.createDirectory(atPath: "\(box.path)/exports", withIntermediateDirectories: false)
    let link = "\(box.path)/latest.csv"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "exports/new.csv")
    let run = try box.run(["export", "-o", link])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(fileType(link) == S_IFLNK)
    #expect(try String(contentsOfFile: "\(box.path)/exports/new.csv", encoding: .utf8).contains("Ana Lima"))
  }

  @Test func aReplacedFileKeepsItsPermissions() throws {
    let box = try sandboxWithALead()
    let file = "\(box.path)/private.csv"
    try "old\n".write(toFile: file, atomically: false, encoding: .utf8)
    chmod(file, 0o600)
    let run = try box.run(["export", "-o", file])
    #expect(run.status == 0, "\(run.stderr)")
    var info = stat()
    #expect(stat(file, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o600)
    #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Ana Lima"))
  }

  @Test func aFIFOIsWrittenIntoForItsReaderAndStaysAFIFO() throws {
    let box = try sandboxWithALead()
    let fifo = "\(box.path)/pipe.csv"
    #expect(mkfifo(fifo, 0o600) == 0)
    let export = try RunningCloser(["export", "-o", fifo, "--journal", box.journal])
    // The reader, as `cat pipe.csv` would be; it never blocks, so a wrong export cannot
    // hang the test: it reads until the writer is done or the deadline passes.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    #expect(reader >= 0)
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      let count = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
      if count > 0 {
        received += chunk[..<count]
      } else if count == 0 && !export.isRunning {
        break  // no writer, and none to come
      } else {
        usleep(5_000)
      }
    }
    close(reader)
    let run = try #require(export.finish(within: 10), "the export to a FIFO did not finish")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(String(decoding: received, as: UTF8.self).contains("Ana Lima"))
    #expect(fileType(fifo) == S_IFIFO)
  }

  @Test func aWriteErrorIsReportedAndTheDeviceIsLeftAlone() throws {
    let box = try sandboxWithALead()
    let run = try box.run(["export", "-o", "/dev/full"])
    #expect(run.status != 0)
    #expect(run.stderr.contains("cannot write /dev/full: No space left on device"), "\(run.stderr)")
    #expect(!run.stderr.contains("wrote"))
    #expect(fileType("/dev/full") == S_IFCHR)
  }

  @Test func devNullTakesTheExportAndStaysADevice() throws {
    let box = try sandboxWithALead()
    let run = try box.run(["export", "-o", "/dev/null", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("wrote 1 lead to /dev/null"))
    #expect(fileType("/dev/null") == S_IFCHR)
  }

  @Test func aDirectoryIsRefused() throws {
    let box = try sandboxWithALead()
    let directory = "\(box.path)/exports"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    try box.expectRefused(
      ["export", "-o", directory],
      saying: "\(directory) is a directory; give the name of the file to write, such as \(directory)/leads.csv")
    #expect(fileType(directory) == S_IFDIR)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    #expect(try strayFiles(in: box.path) == ["exports"])
  }
}
