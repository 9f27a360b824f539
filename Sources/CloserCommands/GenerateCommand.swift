import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer generate --leads N`: a synthetic pipeline for demos, tests and benchmarks.
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a realistic synthetic pipeline into a new journal.",
    discussion: "Refuses a journal that already holds events, so a real pipeline is never mixed with samples.")

  @OptionGroup var options: JournalOptions
  @Option(help: "How many leads.") var leads: Int = 1000
  @Option(help: "Random seed; the same seed gives the same pipeline.") var seed: UInt64 = 42
  @Option(help: "Spread the leads' creation over this many past days.") var days: Int = 180

  func validate() throws {
    guard (1...10_000_000).contains(leads) else { throw ValidationError("--leads must be from 1 to 10,000,000") }
    guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
  }

  func run() throws {
    let store = try options.openStore(creating: true)
    let written = try Self.generate(into: store, leads: leads, seed: seed, days: days)
    try Console.printOutcome("wrote \(leads) leads (\(written) events) to \(printable(store.journal.path))")
  }

  /// Appends a sample pipeline to an empty journal; returns the number of events.
  static func generate(into store: PipelineStore, leads: Int, seed: UInt64, days: Int) throws -> Int {
    guard store.journal.lineCount <= 1 else {
      throw CommandError(
        "\(printable(store.journal.path)) already holds \(store.journal.lineCount - 1) events; "
          + "generate into a new journal with --journal PATH")
    }
    let sample = SamplePipeline(leadCount: leads, seed: seed, now: Environment.now(), replica: "sample", spanDays: days)
    return try sample.append(to: store)
  }
}
