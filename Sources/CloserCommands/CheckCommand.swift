import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer check`: verifies every line of a journal without changing it.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Verify a journal; exit 1 with line numbers when it is damaged.",
    discussion: "Never changes the file. Exit status: 0 sound, 1 problems found.")

  @OptionGroup var options: JournalOptions

  func run() throws {
    let environment = options.environment
    let path = options.journalPath
    let config = try environment.loadConfig(flag: options.config)
    let store = try PipelineStore(
      path: path, config: config, access: .readOnly, replica: environment.replica, clock: Environment.now,
      snapshots: false)
    let problems = store.warnings.filter {
      if case .unknownEvents = $0.kind { return false }
      return true
    }
    // One line each, whatever a damaged line quotes.
    for warning in store.warnings { try Console.print("\(printable(path)): \(printable(warning.description))") }
    let journal = store.journal
    // In a team, every member's journal counts (each has a header line).
    let journals = store.journals
    let lines = journals.reduce(0) { $0 + $1.lineCount }
    let events = journals.reduce(0) { $0 + max(0, $1.lineCount - 1) }
    if lines == 0 && problems.isEmpty {
      try Console.print("\(printable(path)): empty: no header and no events yet (the first change writes them): OK")
      return
    }
    let files = journals.count > 1 ? " in \(journals.count) journals" : ""
    let summary =
      "\(printable(path)): \(lines) lines, \(events) events\(files), \(store.pipeline.count) leads, format \(journal.header.version)"
    if problems.isEmpty {
      try Console.print("\(summary): OK")
    } else {
      try Console.print("\(summary): \(problems.count) problem(s)")
      throw ExitCode(1)
    }
  }
}
