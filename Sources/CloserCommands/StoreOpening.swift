import Glibc
import Journal
import PipelineCore
import TerminalText

extension JournalOptions {
  var environment: Environment {
    var environment = Environment.current
    environment.journalFlag = journal
    return environment
  }

  var journalPath: String { environment.journalPath(flag: journal) }

  /// Opens the journal for writing and replays it, printing its warnings to stderr. A
  /// missing journal is created only by commands that add leads (`creating`); a command
  /// that changes a lead finds none in a journal that does not exist, and says so without
  /// creating a file.
  func openStore(creating: Bool = false) throws -> PipelineStore {
    let environment = self.environment
    if !creating { try requireJournal() }
    try environment.checkTeamIdentity()
    let config = try environment.loadConfig(flag: self.config)
    let store = try PipelineStore(
      path: journalPath, config: config, access: .readWrite, replica: environment.replica, clock: Environment.now)
    report(store)
    return store
  }

  /// The pipeline to show, read without changing the journal. A journal that does not
  /// exist is an error naming the path (a mistyped CLOSER_JOURNAL must not look like an
  /// empty pipeline), unless `missingIsEmpty` (a dry run of an import into a new journal).
  func readPipeline(missingIsEmpty: Bool = false) throws -> Pipeline {
    let environment = self.environment
    try environment.checkTeamIdentity()
    let config = try environment.loadConfig(flag: self.config)
    let path = journalPath
    guard try journalExists() else {
      if missingIsEmpty { return Pipeline(config: config) }
      throw missingJournal()
    }
    let store = try PipelineStore(
      path: path, config: config, access: .readOnly, replica: environment.replica, clock: Environment.now)
    report(store)
    return store.pipeline
  }

  /// Whether there is a file at the journal's path; a path that cannot be looked up (a
  /// symbolic link loop, no permission) is an error, not a missing journal.
  func journalExists() throws -> Bool {
    do { return try PosixFileSystem().status(atPath: journalPath) != nil } catch { throw JournalError.system(error) }
  }

  func requireJournal() throws {
    guard try journalExists() else { throw missingJournal() }
  }

  private func missingJournal() -> CommandError {
    CommandError(
      "there is no journal at \(printable(journalPath)); start one with `closer add NAME` or "
        + "`closer import FILE`, or name another with --journal or CLOSER_JOURNAL")
  }

  private func report(_ store: PipelineStore) {
    for warning in store.warnings {
      // Another member's journal names itself (journals/ben@desk.jsonl line 3): the team
      // folder goes before it, not this machine's journal.
      let place = warning.file != nil ? store.teamLayout?.directory ?? store.journal.path : store.journal.path
      Console.printError("warning: \(printable(place)): \(printable(warning.description))")
    }
  }
}
