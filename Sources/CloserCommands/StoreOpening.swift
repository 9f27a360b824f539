import Glibc
import Journal
import PipelineCore
import TerminalText

extension JournalOptions {
  var environment: Environment { .current }

  var journalPath: String { environment.journalPath(flag: journal) }

  /// Opens the journal for writing (creating it when missing) and replays it, printing its
  /// warnings to stderr.
  func openStore() throws -> PipelineStore {
    let environment = self.environment
    let config = try environment.loadConfig(flag: self.config)
    let store = try PipelineStore(
      path: journalPath, config: config, access: .readWrite, replica: environment.replica, clock: Environment.now)
    report(store)
    return store
  }

  /// The pipeline to show, read without changing the journal: an empty one when there is
  /// no journal yet.
  func readPipeline() throws -> Pipeline {
    let environment = self.environment
    let config = try environment.loadConfig(flag: self.config)
    let path = journalPath
    // Missing means empty; a path that cannot be looked up (a symbolic link loop, no
    // permission) is an error, not an empty pipeline.
    let found: FileStatus?
    do { found = try PosixFileSystem().status(atPath: path) } catch { throw JournalError.system(error) }
    guard found != nil else { return Pipeline(config: config) }
    let store = try PipelineStore(
      path: path, config: config, access: .readOnly, replica: environment.replica, clock: Environment.now)
    report(store)
    return store.pipeline
  }

  private func report(_ store: PipelineStore) {
    for warning in store.warnings {
      Console.printError("warning: \(printable(store.journal.path)): \(printable(warning.description))")
    }
  }
}
