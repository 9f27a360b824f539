import Foundation
import Glibc
import Journal
import PipelineCore
import TerminalText

/// `closer sync` for one team pipeline: commits this replica's settled lines, fetches,
/// brings in the other members' journals and pushes, driving the system git.
struct TeamSync {
  let layout: TeamLayout
  let replica: String
  let git: Git
  /// How many times a push that another member beat is tried again.
  var attempts = 5

  init(layout: TeamLayout, replica: String) {
    self.layout = layout
    self.replica = replica
    git = Git(directory: layout.directory)
  }

  var ownPath: String { "\(TeamLayout.journalsFolder)/\(TeamLayout.fileName(replica: replica))" }

  /// What a sync did, in lines for the rep, each also handed to `progress` as it happens
  /// (so that what was done before a failure is still said).
  struct Outcome {
    var progress: (String) -> Void = { _ in }
    var lines: [String] = [] {
      didSet { if let last = lines.last, lines.count > oldValue.count { progress(last) } }
    }
    /// Whether it reached the remote (false: offline, no remote; still a success).
    var reachedRemote = false
  }

  func run(settledBytes: Int64, progress: @escaping (String) -> Void = { _ in }) throws -> Outcome {
    var outcome = Outcome()
    outcome.progress = progress
    guard (try? git.output(["rev-parse", "--is-inside-work-tree"], what: "git")) == "true" else {
      throw CommandError(
        "\(printable(layout.directory)) is a team pipeline but not a git work tree; run `git init` there, or make it again with `closer team init`"
      )
    }
    // One sync at a time in a folder (the board's S and a `closer sync` in another pane).
    let lock = try SyncLock(path: "\(layout.directory)/.git/closer-sync.lock", wait: git.networkTimeout * 2)
    defer { lock.release() }
    let branch = try teamBranch()
    for restored in try restoreOthersJournals() {
      outcome.lines.append(
        "restored \(restored) from the last commit: it had been changed here, and only its own machine writes it")
    }
    let committed = try commitOwn(settledBytes: settledBytes)
    outcome.lines.append(
      committed > 0 ? "committed \(committed) new event(s) of yours" : "no new events of yours to commit")
    let remotes = try git.output(["remote"], what: "git remote").split(separator: "\n")
    guard remotes.contains("origin") else {
      outcome.lines.append("no remote named origin: committed locally only (add one with `git remote add origin URL`)")
      return outcome
    }
    for attempt in 1...attempts {
      let fetched = try git.run(["fetch", "--quiet", "origin"], network: true)
      guard fetched.succeeded else {
        if Self.isOffline(fetched.error + fetched.said) {
          outcome.lines.append("could not reach origin (\(fetched.said)): committed locally; sync again when online")
          return outcome
        }
        throw CommandError("could not fetch from origin: \(fetched.said)")
      }
      let upstream = "refs/remotes/origin/\(branch)"
      if try git.run(["rev-parse", "--verify", "--quiet", upstream]).succeeded {
        try checkOwnJournalIsOurs(upstream: upstream)
        let before = journalEventCounts()
        try integrate(upstream)
        let brought = journalEventCounts().reduce(0) { $0 + max(0, $1.value - (before[$1.key] ?? 0)) }
        if attempt == 1 || brought > 0 {
          outcome.lines.append(brought > 0 ? "brought in \(brought) event(s) from others" : "nothing new from others")
        }
      }
      let pushed = try git.run(["push", "--quiet", "origin", "HEAD:refs/heads/\(branch)"], network: true)
      if pushed.succeeded {
        outcome.reachedRemote = true
        outcome.lines.append("pushed to origin (\(branch))")
        try recordSyncTime()
        return outcome
      }
      if Self.wasBeaten(pushed.error) && attempt < attempts { continue }
      if Self.isOffline(pushed.error + pushed.said) {
        outcome.lines.append(
          "could not reach origin to push (\(pushed.said)): committed locally; sync again when online")
        return outcome
      }
      throw CommandError("could not push to origin: \(pushed.said)")
    }
    throw CommandError("others kept pushing first; \(attempts) tries did not get through. Sync again")
  }

  // MARK: Committing

  /// Commits the first `settledBytes` of this replica's journal (complete events and
  /// batches, never a torn tail) without touching anything else staged in the work tree;
  /// returns how many new lines that was.
  func commitOwn(settledBytes: Int64) throws -> Int {
    let path = "\(layout.directory)/\(ownPath)"
    guard settledBytes > 0, let handle = FileHandle(forReadingAtPath: path) else { return 0 }
    defer { try? handle.close() }
    let bytes = Array((try? handle.read(upToCount: Int(settledBytes))) ?? Data())
    guard bytes.count == Int(settledBytes), bytes.last == 0x0A else { return 0 }
    let head = try git.run(["rev-parse", "--verify", "--quiet", "HEAD"]).succeeded
    let before = head ? try committedBytes(of: ownPath, at: "HEAD") : nil
    if let before {
      if let line = Self.firstDifference(before, isPrefixOf: bytes) {
        throw CommandError(
          "\(ownPath) no longer begins with what was committed (line \(line) differs): it was edited by hand, or another machine writes as \(replica). Nothing was committed or pushed; put the committed lines back (`git diff \(ownPath)`) and sync again"
        )
      }
      if before.count == bytes.count { return 0 }
    }
    let blob = try git.output(["hash-object", "-w", "--stdin"], input: bytes, what: "git hash-object")
    // The commit is made from a separate index: whatever the rep has staged stays staged
    // and out of this commit.
    let index = "\(layout.directory)/.git/closer-sync-index"
    defer { unlink(index) }
    let environment = ["GIT_INDEX_FILE": index]
    let read = try git.run(head ? ["read-tree", "HEAD"] : ["read-tree", "--empty"], extraEnvironment: environment)
    guard read.succeeded else { throw CommandError("git read-tree failed: \(read.said)") }
    let added = try git.run(
      ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(ownPath)"], extraEnvironment: environment)
    guard added.succeeded else { throw CommandError("git update-index failed: \(added.said)") }
    let tree = try git.run(["write-tree"], extraEnvironment: environment)
    guard tree.succeeded else { throw CommandError("git write-tree failed: \(tree.said)") }
    // Events, not lines: a journal's first line is its header.
    let lines = bytes.count(where: { $0 == 0x0A }) - (before?.count(where: { $0 == 0x0A }) ?? 1)
    let message = "closer sync: \(replica), \(lines) event(s)"
    let commit = try git.output(
      ["commit-tree", tree.output.trimmingCharacters(in: .whitespacesAndNewlines)] + (head ? ["-p", "HEAD"] : [])
        + ["-m", message], extraEnvironment: git.identityEnvironment(replica: replica), what: "git commit-tree")
    _ = try git.output(["update-ref", "-m", message, "HEAD", commit], what: "git update-ref")
    // The rep's own index learns the committed version too, so that `git status` agrees.
    _ = try? git.run(["update-index", "--add", "--cacheinfo", "100644,\(blob),\(ownPath)"])
    return lines
  }

  /// The bytes of `path` in `revision`, or nil when it is not there.
  func committedBytes(of path: String, at revision: String) throws -> [UInt8]? {
    let result = try git.run(["cat-file", "blob", "\(revision):\(path)"])
    return result.succeeded ? result.bytes : nil
  }

  /// The number of the first line where `prefix` and `bytes` differ, or nil when `prefix`
  /// is where `bytes` begins.
  static func firstDifference(_ prefix: [UInt8], isPrefixOf bytes: [UInt8]) -> Int? {
    let common = zip(prefix, bytes).prefix { $0 == $1 }.count
    if common == prefix.count { return nil }
    return prefix[..<common].count(where: { $0 == 0x0A }) + 1
  }

  // MARK: Integrating

  /// The remote's copy of this replica's journal must be where ours begins: if it is not,
  /// another machine writes as this replica (a copied home folder), and merging would mix
  /// two histories in one file.
  func checkOwnJournalIsOurs(upstream: String) throws {
    guard let theirs = try committedBytes(of: ownPath, at: upstream) else { return }
    let ours = try committedBytes(of: ownPath, at: "HEAD") ?? []
    if Self.firstDifference(theirs, isPrefixOf: ours) != nil {
      throw CommandError(
        "origin has a different \(ownPath): another machine writes as replica \(replica) (a copied home folder or identity file). Nothing was merged or pushed. On the machine that should be a new member, remove \(printable(Environment.current.identityPath)) (or set CLOSER_REPLICA to a new id) and run `closer team join` again; see docs/team.md"
      )
    }
  }

  /// Brings in `upstream` without touching what the rep has staged: the merged tree is
  /// made by `git merge-tree` (the two sides never touch the same journal), committed, and
  /// only the files it changed are written to the work tree (other members' journals, the
  /// team's config).
  func integrate(_ upstream: String) throws {
    let head = try git.output(["rev-parse", "HEAD"], what: "git rev-parse")
    let theirs = try git.output(["rev-parse", upstream], what: "git rev-parse")
    if try git.run(["merge-base", "--is-ancestor", theirs, head]).succeeded { return }
    let combined: String
    if try git.run(["merge-base", "--is-ancestor", head, theirs]).succeeded {
      combined = theirs
    } else {
      let tree = try git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", head, theirs])
      guard tree.succeeded, let oid = tree.output.split(separator: "\n").first.map(String.init) else {
        let files = tree.output.split(separator: "\n").dropFirst().joined(separator: ", ")
        let why = tree.status == 1 && !files.isEmpty ? "both sides changed \(files)" : tree.said
        throw CommandError(
          "could not bring in origin's journals: \(why). Nothing was pushed; run `closer team` to see what needs attention"
        )
      }
      combined = try git.output(
        ["commit-tree", oid, "-p", head, "-p", theirs, "-m", "closer sync: brought in the team's changes"],
        extraEnvironment: git.identityEnvironment(replica: replica), what: "git commit-tree")
    }
    let merged = try keepingOwnJournal(combined, head: head)
    let changed = try git.output(["diff", "--name-only", "-z", head, merged], what: "git diff")
      .split(separator: "\0").map(String.init)
    // A file the team changed that has changes here not committed (the team's config.toml
    // edited in this folder) is never overwritten: nothing is brought in until they are
    // committed or put aside.
    for path in changed where !path.isEmpty && !path.hasPrefix("\(TeamLayout.journalsFolder)/") {
      let inHead = try git.run(["cat-file", "-e", "\(head):\(path)"]).succeeded
      let untracked = !inHead && FileManager.default.fileExists(atPath: "\(layout.directory)/\(path)")
      let edited = try !git.run(["diff", "--quiet", "HEAD", "--", path]).succeeded
      if untracked || edited {
        throw CommandError(
          "\(printable(path)) has changes here that are not committed, and the team changed it too; commit them or put them aside (`git stash`), then sync again. Nothing was brought in or pushed"
        )
      }
    }
    _ = try git.output(["update-ref", "-m", "closer sync", "HEAD", merged, head], what: "git update-ref")
    for path in changed where !path.isEmpty {
      if try git.run(["cat-file", "-e", "\(merged):\(path)"]).succeeded {
        _ = try git.output(["checkout", merged, "--", path], what: "git checkout")
      } else {
        _ = try? git.run(["rm", "--quiet", "--cached", "--ignore-unmatch", "--", path])
        unlink("\(layout.directory)/\(path)")
      }
    }
  }

  /// `merged`, or, when it lost this machine's journal (a member removed it from the
  /// remote), a commit on top of it that puts the journal back as this machine has it: a
  /// sync never deletes the journal it writes to.
  func keepingOwnJournal(_ merged: String, head: String) throws -> String {
    guard try git.run(["cat-file", "-e", "\(head):\(ownPath)"]).succeeded,
      !(try git.run(["cat-file", "-e", "\(merged):\(ownPath)"])).succeeded
    else { return merged }
    let blob = try git.output(["rev-parse", "\(head):\(ownPath)"], what: "git rev-parse")
    let index = "\(layout.directory)/.git/closer-sync-index"
    defer { unlink(index) }
    let environment = ["GIT_INDEX_FILE": index]
    _ = try git.output(["read-tree", merged], extraEnvironment: environment, what: "git read-tree")
    _ = try git.output(
      ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(ownPath)"], extraEnvironment: environment,
      what: "git update-index")
    let tree = try git.output(["write-tree"], extraEnvironment: environment, what: "git write-tree")
    return try git.output(
      ["commit-tree", tree, "-p", merged, "-m", "closer sync: \(replica)'s journal put back (origin had lost it)"],
      extraEnvironment: git.identityEnvironment(replica: replica), what: "git commit-tree")
  }

  /// Other members' journals changed in this work tree (by hand, by a tool): put back as
  /// committed, since only their own machines write them and a changed copy would stop
  /// every later sync. Returns the paths restored.
  func restoreOthersJournals() throws -> [String] {
    guard try git.run(["rev-parse", "--verify", "--quiet", "HEAD"]).succeeded else { return [] }
    let changed = try git.output(
      ["diff", "--name-only", "-z", "HEAD", "--", TeamLayout.journalsFolder], what: "git diff"
    ).split(separator: "\0").map(String.init).filter { !$0.isEmpty && $0 != ownPath }
    for path in changed where try git.run(["cat-file", "-e", "HEAD:\(path)"]).succeeded {
      _ = try git.output(["checkout", "HEAD", "--", path], what: "git checkout")
    }
    return changed
  }

  /// The branch the team works on (recorded by `team init` and `team join`); sync refuses to
  /// run on another, where nobody would see what it pushes.
  func teamBranch() throws -> String {
    let recorded = (try? git.output(["config", "--get", "closer.branch"], what: "git config")) ?? ""
    guard let current = try? git.output(["symbolic-ref", "--short", "HEAD"], what: "git symbolic-ref") else {
      throw CommandError(
        "this folder is not on a branch (a detached HEAD); `git checkout \(recorded.isEmpty ? "main" : recorded)` and sync again"
      )
    }
    if !recorded.isEmpty && recorded != current {
      throw CommandError(
        "the team works on the branch \(recorded), and this folder is on \(current); `git checkout \(recorded)` and sync again"
      )
    }
    return current
  }

  /// Events in each journal in the work tree, by file name (to count what arrived).
  func journalEventCounts() -> [String: Int] {
    var counts: [String: Int] = [:]
    for name in layout.journalNames(fileSystem: PosixFileSystem()) {
      let lines = FileManager.default.contents(atPath: "\(layout.journalsPath)/\(name)")?.count(where: { $0 == 0x0A })
      counts[name] = max(0, (lines ?? 0) - 1)
    }
    return counts
  }

  /// When this work tree last synced with its remote, kept inside `.git` (never shared).
  var syncTimePath: String { "\(layout.directory)/.git/closer-last-sync" }

  func recordSyncTime() throws {
    let now = Environment.now().iso8601
    _ = FileManager.default.createFile(atPath: syncTimePath, contents: Data((now + "\n").utf8))
  }

  var lastSync: Timestamp? {
    (try? String(contentsOfFile: syncTimePath, encoding: .utf8)).flatMap {
      Timestamp(iso8601: $0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }

  // MARK: What git said

  /// A network that is not there: sync still succeeds, having committed locally.
  static func isOffline(_ said: String) -> Bool {
    let text = said.lowercased()
    return [
      "could not resolve host", "network is unreachable", "connection refused", "connection timed out",
      "no route to host", "operation timed out", "no answer in time", "could not connect", "name or service not known",
      "temporary failure in name resolution", "does not appear to be a git repository", "couldn't connect to server",
      "failed to connect",
    ].contains { text.contains($0) }
  }

  /// Another member pushed first: fetch, merge and push again.
  static func wasBeaten(_ said: String) -> Bool {
    let text = said.lowercased()
    return text.contains("rejected") || text.contains("fetch first") || text.contains("non-fast-forward")
      || text.contains("cannot lock ref") || text.contains("failed to update ref")
  }
}

/// An exclusive lock on a file, so that two syncs of one folder never run at once.
final class SyncLock {
  private let descriptor: Int32

  init(path: String, wait seconds: Double) throws {
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw CommandError("cannot open \(printable(path)): \(String(cString: strerror(errno)))")
    }
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      guard ContinuousClock.now < deadline else {
        close(descriptor)
        throw CommandError("another sync of this folder is still running; try again in a moment")
      }
      usleep(50_000)
    }
  }

  func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
