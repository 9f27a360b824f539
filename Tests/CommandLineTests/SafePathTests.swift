import Foundation
import Testing

/// A mistyped journal path is never mistaken for an empty pipeline, and never creates a
/// file unless a command is about to write an event into it.
@Suite struct SafePathTests {
  @Test(arguments: [
    ["list"], ["summary"], ["stats"], ["export"], ["show", "ana"], ["won", "ana"],
    ["lost", "ana", "--reason", "Budget"],
    ["move", "ana", "proposal"], ["follow-up", "ana", "--done"], ["reopen", "ana"],
  ])
  func aMissingJournalIsNamedAndNotCreated(arguments: [String]) throws {
    let box = Sandbox()
    let run = try box.run(arguments)
    #expect(run.status != 0, "\(arguments)")
    #expect(run.stderr.contains("there is no journal at \(box.journal)"), "\(arguments): \(run.stderr)")
    #expect(run.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: box.journal), "\(arguments) created the journal")
  }

  /// Commands that add leads start a journal; a dry run of an import reads none as empty.
  @Test func addingStartsAJournal() throws {
    let box = Sandbox()
    let csv = "\(box.path)/deals.csv"
    try "name\nAna\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let dry = try box.run(["import", csv, "--dry-run"])
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(!FileManager.default.fileExists(atPath: box.journal))
    #expect(try box.run(["add", "Ana"]).status == 0)
    #expect(FileManager.default.fileExists(atPath: box.journal))
  }

  @Test func versionSaysWhichCloserAndJournalFormat() throws {
    let run = try closer(["--version"])
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("closer 0."), "\(run.stdout)")
    #expect(run.stdout.contains("journal format 1.2"))
  }
}

/// A closed deal stops ageing: its days in stage end when it was won or lost, in `show`,
/// its JSON and its history.
@Suite struct ClosedDealAgeTests {
  @Test func aLostDealStopsAgeing() throws {
    let box = Sandbox()
    let csv = "\(box.path)/lost.csv"
    try "name,status,created,closed,lost reason\nOld deal,lost,2026-01-01,2026-01-14,Budget\n".write(
      toFile: csv, atomically: true, encoding: .utf8)
    #expect(try box.run(["import", csv]).status == 0)
    let show = try box.run(["show", "old deal"])
    #expect(show.stdout.contains("Lead Generation, 13 days"), "\(show.stdout)")
    #expect(show.stdout.contains("13 days (then lost)"), "\(show.stdout)")
    let json = try #require(try json(box.run(["show", "old deal", "--json"]).stdout) as? [String: Any])
    #expect(json["daysInStage"] as? Int == 13)
  }
}

/// A mistyped command is answered with the commands it is close to, not the board's usage.
@Suite struct MistypedCommandTests {
  @Test(arguments: [("lsit", "Did you mean list"), ("improt", "Did you mean import"), ("stat", "Did you mean stats")])
  func theClosestCommandsAreNamed(word: String, message: String) throws {
    let run = try closer([word, "x"])
    #expect(run.status != 0)
    #expect(run.stderr.contains("'\(word)' is not a command. \(message)"), "\(run.stderr)")
    #expect(!run.stderr.contains("closer board"))
  }
}

/// The completion scripts complete file names for paths and offer stage keys, periods and
/// theme names.
@Suite struct CompletionTests {
  @Test func bashCompletesPathsStagesPeriodsAndThemes() throws {
    let script = try closer(["--generate-completion-script", "bash"])
    #expect(script.status == 0)
    #expect(script.stdout.contains("-W '30d'$'\\n''90d'$'\\n''12w'$'\\n''quarter'$'\\n''ytd'"))
    let stages = try closer(["---completion", "list", "--", "--stage", "2", "0"])
    #expect(stages.stdout.split(separator: "\n").contains("proposal"), "\(stages.stdout)")
    let themes = try closer(["---completion", "board", "--", "--theme", "2", "0"])
    #expect(Set(themes.stdout.split(separator: "\n")).isSuperset(of: ["dark", "light", "mono"]))
    // --journal, --config, import's file and export's -o complete file names.
    let journal = try #require(script.stdout.range(of: "'--journal')\n"))
    #expect(script.stdout[journal.upperBound...].prefix(80).contains("-f"))
  }
}
