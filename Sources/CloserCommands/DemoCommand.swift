import ArgumentParser
import Foundation
import Glibc
import Journal
import PipelineCore
import TerminalText

/// `closer demo`: a realistic sample pipeline in a fresh temporary journal.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo", abstract: "Open the board on a sample pipeline (40 leads) in a new temporary journal.")

  @Option(help: "The configuration file. Default: $XDG_CONFIG_HOME/closer/config.toml.")
  var config: String?
  @Option(
    help: "Theme: dark, light, mono, or a file name in $XDG_CONFIG_HOME/closer/themes.",
    completion: .custom { _, _, _ in Completions.themes() })
  var theme: String?
  @Flag(name: .customLong("print"), help: "Print the sample pipeline as text instead of opening the board (kept).")
  var printOnly = false
  @Flag(help: "Keep the sample journal after the board closes (it is removed otherwise).")
  var keep = false

  func run() throws {
    // In $TMPDIR when it is set, as other programs' temporary files are.
    let base = Environment.current.variables["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    let trimmed = base.hasSuffix("/") && base.count > 1 ? String(base.dropLast()) : base
    var template = Array("\(trimmed)/closer-demo-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw CommandError(
        "cannot create a temporary directory in \(printable(trimmed)): \(String(cString: strerror(errno)))")
    }
    let directory = String(cString: made)
    let path = directory + "/journal.jsonl"
    var options = JournalOptions()
    options.journal = path
    options.config = config
    let store = try options.openStore(creating: true)
    _ = try GenerateCommand.generate(into: store, leads: 40, seed: 7, days: 60)
    if isatty(0) != 0 && isatty(1) != 0 && !printOnly {
      let result = Result { try BoardSession.run(options: options, themeFlag: theme) }
      if keep {
        Console.printError(
          "the sample journal is kept at \(printable(path)); open it again with: closer --journal \(printable(path))")
      } else {
        try? FileManager.default.removeItem(atPath: directory)
        Console.printError("the sample journal in \(printable(directory)) was removed (closer demo --keep keeps it)")
      }
      return try result.get()
    }
    try Console.print(PipelineSummaryCommand.summary(store.pipeline, now: Environment.now()))
    try Console.print("")
    // Hints that work on this sample: the first word of a lead's name finds it.
    let example = store.pipeline.leads(inStage: store.pipeline.stages[0].key).first.map {
      String($0.name.split(separator: " ").first ?? "")
    }
    let word = example.map { "\"\($0)\"" } ?? "LEAD"
    try Console.print("This sample pipeline lives in \(path). Explore it:")
    try Console.print("  export CLOSER_JOURNAL=\(path)")
    try Console.print("  closer list")
    try Console.print("  closer show \(word)")
    try Console.print("  closer move \(word) qualifying")
  }
}
