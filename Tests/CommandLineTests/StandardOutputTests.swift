import Foundation
import Testing

/// A failed write to standard output is an error: a script that saves `closer list` to a
/// full disk must not get an empty file and a zero exit status.
@Suite struct StandardOutputTests {
  static let full = "cannot write to standard output: No space left on device"

  /// Runs a command with standard output on /dev/full, where every write fails.
  func runOnFullDisk(_ box: Sandbox, _ arguments: [String]) throws -> Run {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    defer { try? full.close() }
    return try box.run(arguments, standardOutput: full)
  }

  func sandboxWithALead() throws -> Sandbox {
    let box = Sandbox()
    #expect(try box.run(["add", "Ana Lima", "--value", "10k", "--follow-up", "Call", "--due", "tomorrow"]).status == 0)
    return box
  }

  @Test(arguments: [
    ["list"], ["list", "--json"], ["list", "--due"], ["show", "ana"], ["show", "ana", "--json"], ["summary"],
    ["stats"], ["stats", "--json"], ["check"], ["export"], ["export", "--format", "json"],
    ["export", "--format", "jsonl"], ["export", "--format", "ics"], ["import", "--dry-run", "IMPORT"],
  ])
  func readingCommandsFailWhenTheirOutputCannotBeWritten(arguments: [String]) throws {
    let box = try sandboxWithALead()
    let file = "\(box.path)/deals.csv"
    try Data("Name,Company\nBen Okafor,Umbra\n".utf8).write(to: URL(fileURLWithPath: file))
    let run = try runOnFullDisk(box, arguments.map { $0 == "IMPORT" ? file : $0 })
    #expect(run.status != 0, "\(arguments)")
    #expect(run.stderr.contains(Self.full), "\(arguments): \(run.stderr)")
  }

  /// The lead is saved before its id is printed: the message says it was added, and which.
  @Test func addSaysTheLeadWasAddedWhenItsIdCannotBePrinted() throws {
    let box = Sandbox()
    let run = try runOnFullDisk(box, ["add", "Ana Lima"])
    #expect(run.status != 0)
    let leads = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]])
    let id = try #require(leads.first?["id"] as? String)
    #expect(run.stderr.contains("the lead was added (id \(id)) but its id could not be printed: \(Self.full)"))
  }

  /// The same after a change: it was saved, only its confirmation was lost.
  @Test(arguments: [
    ["move", "ana", "qualifying"], ["won", "ana"], ["lost", "ana", "--reason", "1"],
    ["follow-up", "ana", "Call again", "--due", "fri"],
  ])
  func changesSayTheyWereSavedWhenTheirConfirmationCannotBePrinted(arguments: [String]) throws {
    let box = try sandboxWithALead()
    let before = box.journalLines().count
    let run = try runOnFullDisk(box, arguments)
    #expect(run.status != 0)
    #expect(run.stderr.contains("the change was saved, but \(Self.full)"), "\(run.stderr)")
    // A win writes its first check-in after the sale with it, in the same batch.
    #expect(box.journalLines().count == before + (arguments.first == "won" ? 2 : 1))
  }
}
