import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer won LEAD`: the deal is won; it moves to the last stage.
struct WonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "won", abstract: "Mark a deal won (it moves to the last stage, Post-Sale Follow-Up by default).")

  @OptionGroup var options: JournalOptions
  @Flag(help: "Print the lead after the change as JSON.") var json = false
  @Argument(help: "Lead id or part of its name.") var lead: String

  func run() throws {
    let store = try options.openStore()
    var summary = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(lead).get()
      id = found.id
      // A re-run writes nothing.
      if found.status == .won {
        summary = "\(printable(found.name)) is won already; nothing written"
        return []
      }
      let stage = pipeline.stage(forKey: pipeline.wonStage)?.title ?? pipeline.wonStage
      let value = printable(found.value?.description ?? "no value")
      summary = "Won: \(printable(found.name)) (\(value)), now in \(printable(stage))"
      // The first check-in after the sale becomes its next action, in the same batch.
      guard let first = pipeline.firstCheckIn(wonOn: Environment.today()), found.followUp != first else {
        return [(found.id, .won)]
      }
      summary += "; next: \(printable(first.action)), due \(first.due)"
      if let replaced = found.followUp { summary += " (instead of \(printable(replaced.action)))" }
      return [(found.id, .won), (found.id, .followUpSet(first))]
    }
    try LeadChange.report(summary, lead: id, in: store, json: json)
  }
}

/// `closer lost LEAD --reason R`: the deal is lost; it leaves the board but stays searchable.
struct LostCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lost", abstract: "Mark a deal lost, with a reason; `closer reopen` brings it back.")

  @OptionGroup var options: JournalOptions
  @Flag(help: "Print the lead after the change as JSON.") var json = false
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Option(help: "Why: one of the configured reasons (a number or its name) or your own words.") var reason: String

  func run() throws {
    let store = try options.openStore()
    var summary = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(lead).get()
      id = found.id
      let why = Self.resolve(reason, among: pipeline.config.lostReasons)
      guard !why.isEmpty else {
        throw CommandError("give a reason: \(pipeline.config.lostReasons.joined(separator: ", ")), or your own words")
      }
      // A re-run writes nothing.
      if found.status == .lost && found.lostReason == why {
        summary = "\(printable(found.name)) is lost (\(printable(why))) already; nothing written"
        return []
      }
      summary = "Lost: \(printable(found.name)) (\(printable(why)))"
      return [(found.id, .lost(reason: why))]
    }
    try LeadChange.report(summary, lead: id, in: store, json: json)
  }

  /// A configured reason by its number (1 = first) or name, case-insensitively; else the
  /// text, cleaned as an import cleans it.
  static func resolve(_ text: String, among reasons: [String]) -> String {
    let trimmed = cleanLine(text)
    if let number = Int(trimmed), reasons.indices.contains(number - 1) { return reasons[number - 1] }
    return reasons.first { SearchKey.fold($0) == SearchKey.fold(trimmed) } ?? trimmed
  }
}

/// `closer reopen LEAD [--stage S]`: a won or lost deal is open again.
struct ReopenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reopen", abstract: "Reopen a won or lost deal, at the top of a stage (the one it was in by default).")

  @OptionGroup var options: JournalOptions
  @Flag(help: "Print the lead after the change as JSON.") var json = false
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Option(help: "Stage key or title.", completion: .custom { _, _, _ in Completions.stages() }) var stage: String?

  func run() throws {
    let store = try options.openStore()
    var summary = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(lead).get()
      id = found.id
      let target = try stage.map { try pipeline.resolveStage($0).get() } ?? pipeline.stage(forKey: found.stage)
      guard let target else { throw CommandError("give --stage: the deal's stage no longer exists") }
      // A re-run writes nothing.
      if found.status == .open {
        let title = pipeline.stage(forKey: found.stage)?.title ?? found.stage
        summary = "\(printable(found.name)) is open already (in \(printable(title))); nothing written"
        return []
      }
      summary = "Reopened: \(printable(found.name)) in \(printable(target.title))"
      // A check-in after the sale means nothing for a deal that is open again.
      if found.status == .won, let followUp = found.followUp,
        pipeline.config.checkIns.contains(where: { $0.action == followUp.action })
      {
        summary += "; its check-in (\(printable(followUp.action))) is cleared"
        return [(found.id, .reopened(stage: target.key)), (found.id, .followUpSet(nil))]
      }
      return [(found.id, .reopened(stage: target.key))]
    }
    try LeadChange.report(summary, lead: id, in: store, json: json)
  }
}
