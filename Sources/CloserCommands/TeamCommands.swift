import ArgumentParser
import Foundation
import Glibc
import Journal
import PipelineCore
import TerminalText

/// `closer team`: a pipeline shared by a sales team through git (docs/team.md).
struct TeamCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "team",
    abstract: "Share a pipeline with a team through git: init, join, and who is in it.",
    discussion: """
      A team pipeline is a git work tree with one journal per member's machine in journals/. \
      `closer team init DIR` makes one from your journal, `closer team join URL DIR` clones one, \
      `closer sync` exchanges changes, and `closer team` (with --journal DIR or CLOSER_JOURNAL=DIR) \
      shows the members and anything that needs attention.
      """,
    subcommands: [TeamStatusCommand.self, TeamInitCommand.self, TeamJoinCommand.self],
    defaultSubcommand: TeamStatusCommand.self)
}

/// `closer team init DIR [--remote URL]`.
struct TeamInitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Turn your journal into a team pipeline in DIR (a git work tree).",
    discussion: """
      Your journal's events become this machine's journal in DIR/journals, byte for byte; the old \
      path then points to DIR, so every command keeps working. Your config file, if you have one, \
      becomes the team's DIR/config.toml. With --remote, DIR is pushed there.
      """)

  @Argument(help: "The folder to make the team pipeline in (new or empty).", completion: .directory)
  var directory: String

  @Option(help: "A git remote for the team (a bare repository every member can reach).")
  var remote: String?

  @OptionGroup var options: JournalOptions

  func run() throws {
    let environment = options.environment
    let source = options.journalPath
    if environment.teamLayout != nil {
      throw CommandError("\(printable(source)) is already a team pipeline")
    }
    let target = absolute(directory)
    try requireNewOrEmptyFolder(target)
    let replica = try environment.teamReplica()
    // The journal is checked before anything is made: opened for writing, a torn tail (a
    // crash in the middle of an append) is set aside, and a damaged one is refused, since its
    // lines would be committed for good.
    let existing = try options.journalExists()
    var events = 0
    if existing {
      let config = try environment.loadConfig(flag: options.config)
      let store = try PipelineStore(
        path: source, config: config, access: .readWrite, replica: replica, clock: Environment.now, snapshots: false)
      for warning in store.warnings where !warning.isDamage {
        Console.printError("warning: \(printable(source)): \(printable(warning.description))")
      }
      if let damage = store.warnings.first(where: \.isDamage) {
        throw CommandError(
          "\(printable(source)) is damaged (\(printable(damage.description))); nothing was made. `closer check` says where; fix it first"
        )
      }
      if let reason = store.journal.readOnlyReason {
        throw CommandError("\(printable(source)) cannot be written (\(printable(reason))); nothing was made")
      }
      events = max(0, store.journal.lineCount - 1)
    }
    let remote = remote.map(Self.remoteURL)
    let layout = TeamLayout(creating: target)
    let git = Git(directory: target)
    try FileManager.default.createDirectory(atPath: layout.journalsPath, withIntermediateDirectories: true)
    let initialized = try git.run(["init", "--quiet", "--initial-branch=main"])
    guard initialized.succeeded else { throw CommandError("git init failed: \(initialized.said)") }
    try write(TeamLayout.markerContents, to: layout.markerPath)
    try write(TeamLayout.attributes, to: layout.attributesPath)
    try write(TeamLayout.ignored, to: "\(target)/.gitignore")
    let (configPath, _) = environment.configPath(flag: options.config)
    if let config = FileManager.default.contents(atPath: configPath) {
      guard FileManager.default.createFile(atPath: layout.configPath, contents: config) else {
        throw CommandError("cannot write \(printable(layout.configPath))")
      }
    }
    // Today's journal becomes this replica's, unchanged.
    let journal = layout.journalPath(replica: replica)
    if existing {
      guard let bytes = FileManager.default.contents(atPath: source) else {
        throw CommandError("cannot read \(printable(source))")
      }
      try writeSynced(bytes, to: journal)
      // The copy must read back as the same pipeline before the old path is let go.
      let config = try environment.loadConfig(flag: options.config)
      let before = try PipelineStore(
        path: source, config: config, access: .readOnly, replica: replica, clock: Environment.now, snapshots: false)
      let after = try PipelineStore(
        path: target, config: config, access: .readOnly, replica: replica, clock: Environment.now)
      guard before.pipeline.leads == after.pipeline.leads else {
        throw CommandError("the copy in \(printable(target)) does not read back as your journal; nothing was moved")
      }
    }
    var files = [TeamLayout.markerName, ".gitattributes", ".gitignore"]
    if FileManager.default.fileExists(atPath: layout.configPath) { files.append("config.toml") }
    if existing { files.append("\(TeamLayout.journalsFolder)/\(TeamLayout.fileName(replica: replica))") }
    let added = try git.run(["add", "--"] + files)
    guard added.succeeded else { throw CommandError("git add failed: \(added.said)") }
    let committed = try git.run(
      ["commit", "--quiet", "--no-verify", "-m", "closer team init: \(replica), \(events) event(s)"],
      extraEnvironment: git.identityEnvironment(replica: replica))
    guard committed.succeeded else { throw CommandError("git commit failed: \(committed.said)") }
    _ = try? git.run(["config", "closer.branch", "main"])
    var lines = ["team pipeline made in \(printable(target)); this machine writes as \(replica)"]
    if existing {
      // The old path now leads to the team pipeline; the file itself is kept beside it.
      let kept = source + ".before-team"
      guard rename(source, kept) == 0 else {
        throw CommandError("cannot move \(printable(source)) aside: \(String(cString: strerror(errno)))")
      }
      unlink(source + ".snapshot")  // the snapshot of a journal that is no longer there
      if symlink(target, source) != 0 {
        lines.append(
          "your journal (\(events) events) is now \(printable(journal)); point commands at the team with --journal \(printable(target)) or CLOSER_JOURNAL"
        )
      } else {
        lines.append(
          "your \(events) event(s) are now \(TeamLayout.journalsFolder)/\(TeamLayout.fileName(replica: replica)); \(printable(source)) points to the team pipeline (the old file is kept as \(printable(kept)))"
        )
      }
    } else {
      lines.append("work in it with --journal \(printable(target)) or CLOSER_JOURNAL=\(printable(target))")
    }
    if let remote {
      let added = try git.run(["remote", "add", "origin", remote])
      guard added.succeeded else { throw CommandError("git remote add failed: \(added.said)") }
      let store = try PipelineStore(path: target, access: .readWrite, replica: replica, clock: Environment.now)
      let outcome = try TeamSync(layout: layout, replica: replica).run(settledBytes: store.journal.offset)
      lines += outcome.lines
      lines.append("others join with: closer team join \(remote) FOLDER")
    }
    for line in lines { try Console.printOutcome(line) }
  }
}

extension TeamInitCommand {
  /// A remote given as a path is taken from the current folder (git would take it from the
  /// team folder); URLs (`https://…`, `ssh://…`, `host:path`) are left as they are.
  static func remoteURL(_ remote: String) -> String {
    if remote.contains("://") { return remote }
    if let colon = remote.firstIndex(of: ":"), !remote[..<colon].contains("/") { return remote }
    return absolute(remote)
  }
}

/// `closer team join URL DIR`.
struct TeamJoinCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "join",
    abstract: "Clone a team pipeline and start this machine's journal in it.")

  @Argument(help: "The team's git remote.")
  var url: String

  @Argument(help: "Where to clone it (a new folder).", completion: .directory)
  var directory: String

  func run() throws {
    let environment = Environment.current
    let target = absolute(directory)
    try requireNewOrEmptyFolder(target)
    // What this command cloned is taken away again when it cannot be joined, so that trying
    // again (with another URL, another identity) starts clean.
    var joined = false
    let madeHere = !FileManager.default.fileExists(atPath: target)
    defer {
      if !joined {
        // A folder the rep made is emptied, not removed.
        if madeHere {
          try? FileManager.default.removeItem(atPath: target)
        } else {
          for name in (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(target)/\(name)")
          }
        }
      }
    }
    let parent = String(target[..<(target.lastIndex(of: "/") ?? target.startIndex)])
    let git = Git(directory: parent.isEmpty ? "/" : parent)
    let cloned = try git.run(["clone", "--quiet", url, target], network: true)
    guard cloned.succeeded else { throw CommandError("could not clone \(printable(url)): \(cloned.said)") }
    // A bare repository made with another default branch has a HEAD that names nothing:
    // the team's branch is then the one there is (main, when there are several).
    let tree = Git(directory: target)
    if !(try tree.run(["rev-parse", "--verify", "--quiet", "HEAD"])).succeeded {
      let branches = try tree.output(
        ["for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin"], what: "git for-each-ref"
      ).split(separator: "\n").map(String.init).filter { $0 != "HEAD" }
      if let branch = branches.contains("main") ? "main" : branches.first {
        let checkedOut = try tree.run(["checkout", "--quiet", "-B", branch, "--track", "origin/\(branch)"])
        guard checkedOut.succeeded else { throw CommandError("could not check out \(branch): \(checkedOut.said)") }
      }
    }
    guard let layout = try TeamLayout.at(target) else {
      throw CommandError(
        "\(printable(url)) is not a Closer team pipeline (it has no \(TeamLayout.markerName)); nothing was kept"
      )
    }
    let replica = try environment.teamReplica()
    if FileManager.default.fileExists(atPath: layout.journalPath(replica: replica)) {
      throw CommandError(
        "this team already has a journal for \(replica): this machine's identity was copied from another. Remove \(printable(environment.identityPath)) (or set CLOSER_REPLICA to a new id) and join again; nothing was kept"
      )
    }
    try FileManager.default.createDirectory(atPath: layout.journalsPath, withIntermediateDirectories: true)
    if let branch = try? tree.output(["symbolic-ref", "--short", "HEAD"], what: "git") {
      _ = try? tree.run(["config", "closer.branch", branch])
    }
    joined = true
    // Read once now, which writes this machine's team snapshot when the team is large: the
    // first board then opens from it.
    var here = environment
    here.journalFlag = target
    if let config = try? here.loadConfig(flag: nil) {
      _ = try? PipelineStore(path: target, config: config, access: .readOnly, replica: replica, clock: Environment.now)
    }
    let members = layout.journalNames(fileSystem: PosixFileSystem()).count
    try Console.printOutcome(
      "joined the team pipeline in \(printable(target)) as \(replica) (\(members) member journal(s))")
    try Console.printOutcome(
      "work in it with --journal \(printable(target)) or CLOSER_JOURNAL=\(printable(target)); `closer sync` exchanges changes"
    )
  }
}

/// `closer team`: the members, this machine's replica, the last sync, what needs attention.
struct TeamStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show the team's members, the last sync and anything that needs attention.")

  @OptionGroup var options: JournalOptions

  func run() throws {
    let environment = options.environment
    guard let layout = environment.teamLayout else {
      throw CommandError(
        "\(printable(options.journalPath)) is not a team pipeline; make one with `closer team init DIR` or join one with `closer team join URL DIR`"
      )
    }
    let replica = try environment.teamReplica()
    let config = try environment.loadConfig(flag: options.config)
    let store = try PipelineStore(
      path: layout.directory, config: config, access: .readOnly, replica: replica, clock: Environment.now)
    let sync = TeamSync(layout: layout, replica: replica)
    try Console.print("team pipeline \(printable(layout.directory)); this machine writes as \(replica)")
    // Members by person (the part of a replica id before @), each with a journal per machine.
    let names = layout.journalNames(fileSystem: PosixFileSystem())
    let byPerson = Dictionary(grouping: names) { name in
      let id = TeamLayout.replica(fileName: name) ?? name
      return id.split(separator: "@", maxSplits: 1).first.map(String.init) ?? id
    }
    try Console.print("members (\(byPerson.count) people, \(names.count) machine journal(s)):")
    for person in byPerson.keys.sorted() {
      try Console.print("  \(printable(person))")
      for name in byPerson[person] ?? [] {
        let bytes = FileManager.default.contents(atPath: "\(layout.journalsPath)/\(name)") ?? Data()
        let events = max(0, bytes.count(where: { $0 == 0x0A }) - 1)
        let who = TeamLayout.replica(fileName: name) ?? name
        let last = lastTime(in: bytes).map { ", last change \($0.iso8601)" } ?? ""
        try Console.print("    \(printable(who))\(who == replica ? " (you)" : ""): \(events) event(s)\(last)")
      }
    }
    try Console.print("last sync: \(sync.lastSync?.iso8601 ?? "never")")
    var attention: [String] = []
    let read = Set(layout.journalNames(fileSystem: PosixFileSystem()))
    for name in FileManager.default.subpaths(atPath: layout.journalsPath)?.sorted() ?? []
    where name.hasSuffix(".jsonl") && !read.contains(name) {
      attention.append(
        "\(TeamLayout.journalsFolder)/\(printable(name)) is not read: its name is no replica id (letters, digits, . _ - @ +)"
      )
    }
    let committed = try? sync.committedBytes(of: sync.ownPath, at: "HEAD")
    let own = FileManager.default.contents(atPath: "\(layout.directory)/\(sync.ownPath)").map(Array.init) ?? []
    // Events, not lines: a journal's first line is its header.
    let unsynced = own.count(where: { $0 == 0x0A }) - ((committed ?? nil)?.count(where: { $0 == 0x0A }) ?? 1)
    if unsynced > 0 { attention.append("\(unsynced) event(s) of yours not yet synced: run `closer sync`") }
    let branch = (try? sync.git.output(["symbolic-ref", "--short", "HEAD"], what: "git")) ?? "main"
    if let counts = try? sync.git.output(
      ["rev-list", "--left-right", "--count", "HEAD...refs/remotes/origin/\(branch)"], what: "git rev-list")
    {
      let parts = counts.split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { Int($0) }
      if parts.count == 2, parts[0] > 0 { attention.append("\(parts[0]) commit(s) not pushed yet") }
      if parts.count == 2, parts[1] > 0 { attention.append("\(parts[1]) fetched commit(s) not brought in yet") }
    }
    attention += store.warnings.map { printable($0.description) }
    let seen = JournalWatch.seenConflicts(in: layout)
    for (lead, mark) in store.conflictMarks.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      let name = store.pipeline[lead]?.name ?? lead.rawValue
      let board =
        seen.contains(mark.loser.id)
        ? "seen on the board; the next change to the deal settles it" : "marked ! on the board until you look at it"
      attention.append(
        "\(printable(name)): \(printable(mark.description(me: replica, pipeline: store.pipeline))) (\(board))")
    }
    try Console.print(attention.isEmpty ? "nothing needs attention" : "needs attention:")
    for item in attention { try Console.print("  \(item)") }
  }

  /// When the last event of a journal was written (its `ts`).
  private func lastTime(in bytes: Data) -> Timestamp? {
    guard let text = String(data: bytes, encoding: .utf8) else { return nil }
    guard let line = text.split(separator: "\n").last, let range = line.range(of: "\"ts\":\"") else { return nil }
    return Timestamp(iso8601: String(line[range.upperBound...].prefix(24)))
  }
}

/// `closer sync`.
struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Exchange changes with the team: commit yours, bring in theirs, push.",
    discussion: """
      Commits this machine's complete lines (never a half-written one), fetches, brings in the \
      other members' journals and pushes, trying again when another member pushed first. With no \
      remote or no network it commits locally, says so, and succeeds. It never asks for a password: \
      a remote that needs one fails with git's message.
      """)

  @OptionGroup var options: JournalOptions

  func run() throws {
    let environment = options.environment
    guard let layout = environment.teamLayout else {
      throw CommandError(
        "\(printable(options.journalPath)) is not a team pipeline; `closer team init DIR` makes one")
    }
    let replica = try environment.teamReplica()
    // Opened for writing first: a torn tail is set aside, so only settled lines are committed.
    let config = try environment.loadConfig(flag: options.config)
    let store = try PipelineStore(
      path: layout.directory, config: config, access: .readWrite, replica: replica, clock: Environment.now)
    _ = try TeamSync(layout: layout, replica: replica).run(settledBytes: store.journal.offset) { line in
      try? Console.printOutcome(line)
    }
    // What came in is read now and this machine's team snapshot written again when it is
    // stale, so that the next open reads only what comes after (docs/team.md).
    if (try? store.refresh()) != nil { store.saveSnapshotIfStale() }
  }
}

/// A folder to make a team pipeline in: new, or an empty folder.
func requireNewOrEmptyFolder(_ path: String) throws {
  var isFolder: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
  guard isFolder.boolValue else { throw CommandError("\(printable(path)) is a file; give a new or empty folder") }
  guard ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]).isEmpty else {
    throw CommandError("\(printable(path)) is not empty; give a new or empty folder")
  }
}

/// `path` from the current directory, when it is relative.
func absolute(_ path: String) -> String {
  if path.hasPrefix("/") { return path }
  let here = FileManager.default.currentDirectoryPath
  return path == "." ? here : "\(here)/\(path.hasPrefix("./") ? String(path.dropFirst(2)) : path)"
}

private func write(_ text: String, to path: String) throws {
  guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
    throw CommandError("cannot write \(printable(path))")
  }
}

/// Writes a new file and flushes it to disk before anything relies on it.
private func writeSynced(_ bytes: Data, to path: String) throws {
  let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
  guard descriptor >= 0 else {
    throw CommandError("cannot create \(printable(path)): \(String(cString: strerror(errno)))")
  }
  defer { close(descriptor) }
  var done = 0
  while done < bytes.count {
    let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
    guard written > 0 else {
      throw CommandError("cannot write \(printable(path)): \(String(cString: strerror(errno)))")
    }
    done += written
  }
  guard fsync(descriptor) == 0 else { throw CommandError("cannot flush \(printable(path))") }
}
