import Glibc
import Journal
import PipelineCore

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
    guard PosixFileSystem().exists(path) else { return Pipeline(config: config) }
    let store = try PipelineStore(
      path: path, config: config, access: .readOnly, replica: environment.replica, clock: Environment.now)
    report(store)
    return store.pipeline
  }

  private func report(_ store: PipelineStore) {
    for warning in store.warnings { printError("warning: \(store.journal.path): \(warning)") }
  }
}

/// Writes one line to standard error.
func printError(_ message: String) {
  let bytes = Array("closer: \(message)\n".utf8)
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    guard written > 0 else { return }
    offset += written
  }
}
