import ArgumentParser
import Glibc
import Journal
import PipelineCore

/// `closer demo`: a realistic sample pipeline in a fresh temporary journal.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo", abstract: "Open a sample pipeline (about 40 leads) in a new temporary journal.")

  @Option(help: "The configuration file. Default: $XDG_CONFIG_HOME/closer/config.toml.")
  var config: String?

  func run() throws {
    var template = Array("/tmp/closer-demo-XXXXXX".utf8CString)
    guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw CommandError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
    }
    let path = String(cString: directory) + "/journal.jsonl"
    var options = JournalOptions()
    options.journal = path
    options.config = config
    let store = try options.openStore()
    _ = try GenerateCommand.generate(into: store, leads: 40, seed: 7, days: 60)
    print(PipelineSummaryCommand.summary(store.pipeline, now: Environment.now()))
    print("")
    print("This sample pipeline lives in \(path). Explore it:")
    print("  closer list --journal \(path)")
    print("  closer show jose --journal \(path)")
    print("  closer move jose proposal --journal \(path)")
  }
}
