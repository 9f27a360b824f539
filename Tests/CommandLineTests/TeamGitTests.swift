import Board
import Foundation
import Journal
import PipelineCore
import TerminalModel
import Testing

@testable import CloserCommands

/// A team of members, each with a home of their own and a clone of one bare repository.
final class TeamSandbox {
  let root = Sandbox()
  var remote: String { "\(root.path)/remote.git" }

  init(remote makeRemote: Bool = true) throws {
    if makeRemote { try git(["init", "--quiet", "--bare", remote], in: root.path) }
  }

  struct Member {
    var name: String
    var folder: String
    var home: String
    var replica: String
    var journal: String

    var environment: [String: String] {
      [
        "HOME": home, "XDG_DATA_HOME": "\(home)/data", "XDG_CONFIG_HOME": "\(home)/config", "CLOSER_REPLICA": replica,
        "CLOSER_JOURNAL": journal,
      ]
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
      try closer(arguments, environment: environment.merging(extra) { _, new in new })
    }

    /// Runs a command that must succeed, and returns its output.
    @discardableResult
    func ok(_ arguments: [String], _ comment: Comment? = nil) throws -> String {
      let run = try self.run(arguments)
      #expect(run.status == 0, "\(name) \(arguments): \(run.stderr)")
      return run.stdout
    }

    var everything: String { (try? ok(["list", "--status", "all", "--json"])) ?? "" }
    /// `stats --json` without its window's ends, which are the moment it ran.
    var stats: String {
      guard let text = try? ok(["stats", "--json"]), var object = (try? json(text)) as? [String: Any] else { return "" }
      object["since"] = nil
      object["until"] = nil
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
  }

  /// A member whose journal is the team folder itself (after `team join`), or a journal
  /// file of their own (before `team init`).
  func member(_ name: String, soloJournal: Bool = false) -> Member {
    let home = "\(root.path)/home-\(name)"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let folder = "\(root.path)/\(name)-team"
    return Member(
      name: name, folder: folder, home: home, replica: "\(name)@machine",
      journal: soloJournal ? "\(home)/journal.jsonl" : folder)
  }

  /// Ana's team of three leads, which Ben joined and has synced.
  func anaAndBen() throws -> (Member, Member) {
    let members = try started(["ana", "ben"])
    try members[1].ok(["sync"])
    return (members[0], members[1])
  }

  /// Ana makes the team from a journal with three leads; the others join.
  func started(_ names: [String]) throws -> [Member] {
    let ana = member(names[0], soloJournal: true)
    for lead in ["Acme", "Globex", "Initech"] { try ana.ok(["add", lead]) }
    try ana.ok(["team", "init", ana.folder, "--remote", remote])
    var members = [ana]
    for name in names.dropFirst() {
      let other = member(name)
      try other.ok(["team", "join", remote, other.folder])
      members.append(other)
    }
    return members
  }
}

@discardableResult
func git(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
  process.arguments = ["-C", directory] + arguments
  var env = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t"]
  env["GIT_COMMITTER_NAME"] = "t"
  env["GIT_COMMITTER_EMAIL"] = "t@t"
  env.merge(environment) { _, new in new }
  process.environment = env
  let out = Pipe()
  process.standardOutput = out
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

/// Team pipelines against real git: a bare repository and clones in temporary folders.
@Suite(.serialized) struct TeamGitTests {
  /// Two members change things offline, the same card included, and sync in either order:
  /// both end with byte-identical `list --json` and `stats --json`.
  @Test(arguments: [false, true])
  func membersWhoSyncInEitherOrderEndEqual(benFirst: Bool) throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben"])
    let (ana, ben) = (members[0], members[1])
    try ana.ok(["move", "acme", "proposal", "--override-gate"])
    try ana.ok(["tick", "globex", "budget"])
    try ben.ok(["sync"])  // ben sees the three leads
    try ben.ok(["move", "acme", "negotiation", "--override-gate"])
    try ben.ok(["edit", "initech", "--value", "5000"])
    try ben.ok(["untick", "globex", "budget"])
    try ben.ok(["add", "Umbrella"])
    let order = benFirst ? [ben, ana, ben] : [ana, ben, ana]
    for member in order { try member.ok(["sync"]) }
    #expect(ana.everything == ben.everything)
    #expect(ana.stats == ben.stats)
    let leads = try #require(try json(ana.everything) as? [[String: Any]])
    #expect(leads.count == 4)
    // closer check reads every member's journal.
    #expect(try ana.ok(["check"]).contains("events in 2 journals, 4 leads"))
    let acme = try #require(leads.first { $0["name"] as? String == "Acme" })
    // The later of the two moves wins: Ben's, made after Ana's.
    #expect(acme["stage"] as? String == "negotiation")
  }

  /// A lead lost by one member while another moves it stays lost, whichever sorts later; the
  /// move stays in its journal.
  @Test func aLossAgainstAMoveStaysLost() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    try ana.ok(["lost", "acme", "--reason", "Price"])
    try ben.ok(["move", "acme", "closing", "--override-gate"])
    for member in [ana, ben, ana] { try member.ok(["sync"]) }
    #expect(ana.everything == ben.everything)
    let leads = try #require(try json(ben.everything) as? [[String: Any]])
    #expect(leads.first { $0["name"] as? String == "Acme" }?["status"] as? String == "lost")
    let benJournal = try String(contentsOfFile: "\(ana.folder)/journals/ben@machine.jsonl", encoding: .utf8)
    #expect(benJournal.contains("lead.moved"), "the losing move is kept")
  }

  /// Two members sync at the same moment: one push is rejected, its retry gets through,
  /// and both end equal.
  @Test func aPushRaceIsRetried() throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben", "cy"])
    for (index, member) in members.enumerated() { try member.ok(["add", "Lead of \(member.name) \(index)"]) }
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 3) { index in
      results.set(index, try? members[index].run(["sync"]))
    }
    for index in 0..<3 {
      #expect(results.get(index)?.status == 0, "\(results.get(index)?.stderr ?? "")")
    }
    for member in members { try member.ok(["sync"]) }
    #expect(members[0].everything == members[1].everything)
    #expect(members[1].everything == members[2].everything)
    let leads = try #require(try json(members[0].everything) as? [[String: Any]])
    #expect(leads.count == 6)
  }

  /// No remote: sync commits locally and succeeds. An unreachable remote: it says so, fast,
  /// and succeeds; nothing waits for a password.
  @Test func noRemoteAndAnUnreachableRemoteCommitLocally() throws {
    let team = try TeamSandbox(remote: false)
    let ana = team.member("ana", soloJournal: true)
    try ana.ok(["add", "Acme"])
    try ana.ok(["team", "init", ana.folder])
    var local = ana
    local.journal = ana.folder
    try local.ok(["add", "Globex"])
    let offline = try local.ok(["sync"])
    #expect(offline.contains("committed locally"))
    #expect(try git(["log", "--oneline"], in: ana.folder).split(separator: "\n").count == 2)
    for url in ["ssh://git@127.0.0.1:9/team.git", "https://127.0.0.1:9/team.git", "/nonexistent/team.git"] {
      try git(["remote", "remove", "origin"], in: ana.folder)
      try git(["remote", "add", "origin", url], in: ana.folder)
      try local.ok(["add", "Lead for \(url)"])
      let started = ContinuousClock.now
      let run = try local.run(["sync"])
      #expect(ContinuousClock.now - started < .seconds(30), "\(url)")
      #expect(run.status == 0, "\(url): \(run.stderr)")
      #expect(run.stdout.contains("could not reach origin"), "\(url): \(run.stdout)")
    }
  }

  /// Whatever the user's git configuration says (pull.rebase, pull.ff=only, hooks that fail,
  /// signing that cannot work), init, join and sync work.
  @Test func theUsersGitConfigurationDoesNotGetInTheWay() throws {
    let team = try TeamSandbox()
    let hooks = "\(team.root.path)/hooks"
    try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
    for hook in ["pre-commit", "commit-msg", "pre-push", "pre-merge-commit", "post-merge"] {
      _ = FileManager.default.createFile(
        atPath: "\(hooks)/\(hook)", contents: Data("#!/bin/sh\necho refused by \(hook) >&2\nexit 1\n".utf8),
        attributes: [.posixPermissions: 0o755])
    }
    let config = """
      [user]
        name = Someone
        email = someone@example.com
      [pull]
        rebase = false
        ff = only
      [core]
        hooksPath = \(hooks)
      [commit]
        gpgsign = true
      [push]
        gpgSign = true
      [gpg]
        program = /bin/false
      [merge]
        ff = only

      """
    for name in ["ana", "ben"] {
      let home = "\(team.root.path)/home-\(name)"
      try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
      _ = FileManager.default.createFile(atPath: "\(home)/.gitconfig", contents: Data(config.utf8))
    }
    let members = try team.started(["ana", "ben"])
    try members[1].ok(["add", "Umbrella"])
    try members[0].ok(["add", "Hooli"])
    for member in members + members { try member.ok(["sync"]) }
    #expect(members[0].everything == members[1].everything)
    #expect(try #require(try json(members[0].everything) as? [[String: Any]]).count == 5)
  }

  /// This member's journal edited by hand: sync says where and pushes nothing. Another
  /// member's journal damaged: it is reported with the file and line, and the rest loads.
  @Test func aJournalEditedByHandIsReportedAndNotPushed() throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben"])
    let (ana, ben) = (members[0], members[1])
    try ben.ok(["add", "Umbrella"])
    try ben.ok(["sync"])
    let own = "\(ben.folder)/journals/ben@machine.jsonl"
    let text = try String(contentsOfFile: own, encoding: .utf8)
    try text.replacingOccurrences(of: "Umbrella", with: "Umbrelly").write(
      toFile: own, atomically: true, encoding: .utf8)
    let remoteBefore = try git(["rev-parse", "main"], in: team.remote)
    let refused = try ben.run(["sync"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("line 2 differs"), "\(refused.stderr)")
    #expect(try git(["rev-parse", "main"], in: team.remote) == remoteBefore)
    // Ana receives a damaged copy of Ben's journal: the rest of the team still loads.
    try ana.ok(["sync"])
    let theirs = "\(ana.folder)/journals/ben@machine.jsonl"
    let received = try String(contentsOfFile: theirs, encoding: .utf8)
    try received.replacingOccurrences(of: "Umbrella", with: "Umbrelly").write(
      toFile: theirs, atomically: true, encoding: .utf8)
    let listed = try ana.run(["list"])
    #expect(listed.status == 0)
    #expect(listed.stderr.contains("journals/ben@machine.jsonl line 2"), "\(listed.stderr)")
    #expect(listed.stdout.contains("Acme"))
  }

  /// Two machines with one identity (a copied home folder): joining says so, and a clone
  /// made by hand that writes as another member is caught at sync, before anything is
  /// merged or pushed.
  @Test func aCopiedIdentityIsCaught() throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben"])
    try members[1].ok(["add", "Umbrella"])
    try members[1].ok(["sync"])
    var copy = team.member("ben-copy")
    copy.replica = "ben@machine"
    let joined = try copy.run(["team", "join", team.remote, copy.folder])
    #expect(joined.status != 0)
    #expect(joined.stderr.contains("already has a journal for ben@machine"), "\(joined.stderr)")
    // By hand: clone, then write as ben (behind ben's latest).
    try? FileManager.default.removeItem(atPath: copy.folder)
    try git(["clone", "--quiet", "--branch", "main", team.remote, copy.folder], in: team.root.path)
    try git(["reset", "--quiet", "--hard", "HEAD~1"], in: copy.folder)
    try copy.ok(["add", "Stark"])
    let remoteBefore = try git(["rev-parse", "main"], in: team.remote)
    let caught = try copy.run(["sync"])
    #expect(caught.status != 0)
    #expect(caught.stderr.contains("another machine writes as replica ben@machine"), "\(caught.stderr)")
    #expect(try git(["rev-parse", "main"], in: team.remote) == remoteBefore)
  }

  /// `team init` of a journal of 10,000 leads keeps every event: the same leads, byte for
  /// byte in JSON, and the old path leads to the team.
  @Test func teamInitKeepsEveryEventOfALargeJournal() throws {
    let team = try TeamSandbox(remote: false)
    let ana = team.member("ana", soloJournal: true)
    try ana.ok(["generate", "--leads", "10000", "--seed", "7"])
    let before = ana.everything
    let journalBefore = try Data(contentsOf: URL(fileURLWithPath: ana.journal))
    try ana.ok(["team", "init", ana.folder])
    #expect(ana.everything == before, "through the old path")
    var member = ana
    member.journal = ana.folder
    #expect(member.everything == before, "through the team folder")
    let moved = try Data(contentsOf: URL(fileURLWithPath: "\(ana.folder)/journals/ana@machine.jsonl"))
    #expect(moved == journalBefore)
    #expect(FileManager.default.fileExists(atPath: ana.journal + ".before-team"))
  }
}

/// A team without a `config.toml` (its maker had no config of their own) uses the built-in
/// configuration for everyone: a member's own config file never changes what they see.
@Suite struct TeamConfigTests {
  @Test func aMembersOwnConfigIsNotUsedInATeam() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    #expect(!FileManager.default.fileExists(atPath: "\(ana.folder)/config.toml"))
    try FileManager.default.createDirectory(atPath: "\(ana.home)/config/closer", withIntermediateDirectories: true)
    try """
    currency = "EUR"

    [[stages]]
    key = "leads"
    title = "Leads"
    probability = 5

    [[stages]]
    key = "customer"
    title = "Customer"
    probability = 100

    """.write(toFile: "\(ana.home)/config/closer/config.toml", atomically: true, encoding: .utf8)
    #expect(ana.stats == ben.stats)
    #expect(ana.everything == ben.everything)
    #expect(try ana.ok(["summary"]) == (try ben.ok(["summary"])))
  }
}

/// Each machine's team snapshot stays fresh: `team join` of a large team writes it, and a
/// `closer sync` that brings in many events writes it again, so the next open reads only
/// what comes after; the pipeline is the same as reading every journal.
@Suite struct TeamSnapshotFreshnessTests {
  @Test func joinAndSyncLeaveAFreshSnapshot() throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben"])
    let (ana, ben) = (members[0], members[1])
    let benSnapshot = "\(ben.folder)/journals/\(ben.replica).jsonl.team-snapshot"
    #expect(!FileManager.default.fileExists(atPath: benSnapshot), "three leads: no snapshot")
    // Ana imports 2,500 leads and syncs; Ben's sync brings them in.
    var csv = "name,company,value,stage\n"
    for index in 0..<2_500 { csv += "Lead \(index),Company \(index % 37),\(1000 + index),Qualifying\n" }
    let file = "\(ana.home)/leads.csv"
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    try ana.ok(["import", file])
    try ana.ok(["sync"])
    try ben.ok(["sync"])
    #expect(FileManager.default.fileExists(atPath: benSnapshot), "the sync wrote it")
    let fromSnapshot = try PipelineStore(
      path: ben.folder, access: .readOnly, replica: ben.replica, clock: Environment.now)
    #expect(fromSnapshot.isReadingTeamHistory, "opened from it")
    #expect(fromSnapshot.eventsSinceSnapshot == 0, "nothing left to read after it")
    let whole = try PipelineStore(
      path: ben.folder, access: .readOnly, replica: ben.replica, clock: Environment.now, snapshots: false)
    #expect(fromSnapshot.pipeline.count == 2_503)
    #expect(fromSnapshot.pipeline.leads.map(\.id) == whole.pipeline.leads.map(\.id))
    #expect(fromSnapshot.pipeline.leadIDs(inStage: "qualifying") == whole.pipeline.leadIDs(inStage: "qualifying"))
    // Cy joins the team as it is now: the join writes his snapshot.
    let cy = team.member("cy")
    try cy.ok(["team", "join", team.remote, cy.folder])
    #expect(FileManager.default.fileExists(atPath: "\(cy.folder)/journals/\(cy.replica).jsonl.team-snapshot"))
    #expect(cy.everything == ben.everything)
  }
}

/// The board's `S`: a sync in the background, reported when done, after which the other
/// members' changes appear like any other appends.
@Suite struct BoardSyncTests {
  @Test func theBoardSyncsInTheBackgroundAndShowsWhatArrived() throws {
    let team = try TeamSandbox()
    let members = try team.started(["ana", "ben"])
    let (ana, ben) = (members[0], members[1])
    try ana.ok(["add", "Umbrella"])
    try ana.ok(["sync"])
    let store = try PipelineStore(
      path: ben.folder, replica: ben.replica, clock: { Timestamp(millisecondsSinceEpoch: 1) })
    let watch = JournalWatch(store: store)
    #expect(store.pipeline.count == 3)
    let id = store.newLeadID()
    try store.record { _ in (id, .created(NewLead(name: "Hooli", stage: "lead-generation"))) }
    #expect(watch.startSync() == "syncing with the team…")
    let deadline = ContinuousClock.now + .seconds(60)
    var said: [String] = []
    while ContinuousClock.now < deadline
      && !said.contains(where: { $0.hasPrefix("synced") || $0.hasPrefix("sync failed") })
    {
      said += watch.look().compactMap { if case .notice(let text) = $0 { text } else { nil } }
      usleep(20_000)
    }
    #expect(
      said.contains { $0.hasPrefix("synced: committed 1 new event(s) of yours; brought in 1 event(s)") }, "\(said)")
    _ = watch.look()
    #expect(store.pipeline.leads.map(\.name).sorted() == ["Acme", "Globex", "Hooli", "Initech", "Umbrella"])
    try ana.ok(["sync"])
    #expect(ana.everything == ben.everything)
    #expect(watch.teamStatus?.hasPrefix("synced ") == true, "\(watch.teamStatus ?? "nil")")
    // A journal of one's own is not shared: the key says how to make it so.
    let solo = Sandbox()
    _ = try solo.run(["add", "Acme"])
    let single = JournalWatch(
      store: try PipelineStore(path: solo.journal, replica: "r", clock: { Timestamp(millisecondsSinceEpoch: 1) }))
    #expect(single.startSync().contains("closer team init"))
  }
}

/// A remote that asks for a password (an HTTP server that answers 401 to everything): sync
/// and join fail at once with git's words, nothing waits for a password, and the commit
/// is made locally.
@Suite struct PasswordProtectedRemoteTests {
  @Test func aRemoteThatWantsAPasswordFailsFastAndClearly() throws {
    let server = try AuthRequiredServer()
    defer { server.stop() }
    let url = "http://127.0.0.1:\(server.port)/team.git"
    let team = try TeamSandbox(remote: false)
    let ana = team.member("ana", soloJournal: true)
    try ana.ok(["add", "Acme"])
    try ana.ok(["team", "init", ana.folder])
    var member = ana
    member.journal = ana.folder
    try git(["remote", "add", "origin", url], in: ana.folder)
    try member.ok(["add", "Globex"])
    var started = ContinuousClock.now
    let sync = try member.run(["sync"])
    #expect(ContinuousClock.now - started < .seconds(30))
    #expect(sync.status != 0)
    #expect(sync.stderr.contains("could not fetch from origin"), "\(sync.stderr)")
    #expect(
      sync.stderr.contains("terminal prompts disabled") || sync.stderr.contains("Authentication"), "\(sync.stderr)")
    #expect(sync.stdout.contains("committed 1 new event(s) of yours"), "\(sync.stdout)")
    #expect(server.requests > 0, "git did ask the server")
    started = ContinuousClock.now
    let ben = team.member("ben")
    let join = try ben.run(["team", "join", url, ben.folder])
    #expect(ContinuousClock.now - started < .seconds(30))
    #expect(join.status != 0 && join.stderr.contains("could not clone"), "\(join.stderr)")
  }
}

/// An HTTP server on a free local port that answers every request with 401 and a Basic
/// challenge, as a git host does before a password is given.
final class AuthRequiredServer: @unchecked Sendable {
  let port: Int
  private let socketDescriptor: Int32
  private let lock = NSLock()
  private var count = 0
  private var stopped = false

  var requests: Int {
    lock.lock()
    defer { lock.unlock() }
    return count
  }

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    socketDescriptor = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
    let thread = Thread { [self] in serve() }
    thread.start()
  }

  private func serve() {
    while true {
      let client = accept(socketDescriptor, nil, nil)
      if client < 0 { return }
      var buffer = [UInt8](repeating: 0, count: 4096)
      _ = read(client, &buffer, buffer.count)
      lock.lock()
      count += 1
      lock.unlock()
      let response =
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"team\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
      _ = response.withCString { write(client, $0, strlen($0)) }
      close(client)
    }
  }

  func stop() {
    shutdown(socketDescriptor, Int32(SHUT_RDWR))
    close(socketDescriptor)
  }
}

/// `sync-every` in the config: an open board syncs on its own, quietly, and the title says
/// when it last did and how many events wait.
@Suite struct ScheduledSyncTests {
  @Test func theBoardSyncsOnItsOwnWhenTheConfigSaysSo() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    try ana.ok(["add", "Umbrella"])
    try ana.ok(["sync"])
    let store = try PipelineStore(path: ben.folder, replica: ben.replica, clock: Environment.now)
    // Ben's folder has synced before: the title says so from the start.
    #expect(JournalWatch(store: store).teamStatus?.hasPrefix("synced ") == true)
    try FileManager.default.removeItem(atPath: "\(ben.folder)/.git/closer-last-sync")
    let watch = JournalWatch(store: store, syncEvery: 1)
    #expect(watch.teamStatus == "not synced yet")
    let id = store.newLeadID()
    try store.record { _ in (id, .created(NewLead(name: "Hooli", stage: "lead-generation"))) }
    let deadline = ContinuousClock.now + .seconds(60)
    var notices: [String] = []
    while ContinuousClock.now < deadline && store.pipeline.count < 5 {
      notices += watch.look().compactMap { if case .notice(let text) = $0 { text } else { nil } }
      usleep(50_000)
    }
    #expect(store.pipeline.count == 5, "Umbrella arrived on its own")
    // A sync may have started again meanwhile (every second here): wait for it to end.
    while ContinuousClock.now < deadline && watch.teamStatus == "syncing…" { usleep(20_000) }
    #expect(notices.isEmpty, "a scheduled sync that went well says nothing: \(notices)")
    #expect(watch.teamStatus?.hasPrefix("synced ") == true, "\(watch.teamStatus ?? "nil")")
    try ana.ok(["sync"])
    #expect(ana.everything.contains("Hooli"))
  }
}

/// A `closer sync` run elsewhere (another terminal) while the board is open: the board's
/// title says when, and counts this journal's events to sync from then on.
@Suite struct SyncElsewhereTests {
  @Test func theTitleFollowsASyncRunElsewhere() throws {
    let team = try TeamSandbox()
    let (_, ben) = try team.anaAndBen()
    try FileManager.default.removeItem(atPath: "\(ben.folder)/.git/closer-last-sync")
    let store = try PipelineStore(path: ben.folder, replica: ben.replica, clock: Environment.now)
    let watch = JournalWatch(store: store)
    #expect(watch.teamStatus == "not synced yet")
    try ben.ok(["add", "Hooli"])
    _ = watch.look()
    try ben.ok(["sync"])
    _ = watch.look()
    #expect(watch.teamStatus?.hasPrefix("synced ") == true, "\(watch.teamStatus ?? "nil")")
    #expect(watch.teamStatus?.contains("to sync") == false)
    let id = store.newLeadID()
    try store.record { _ in (id, .created(NewLead(name: "Initrode", stage: "lead-generation"))) }
    #expect(watch.teamStatus?.hasSuffix(" · 1 to sync") == true, "\(watch.teamStatus ?? "nil")")
  }
}

/// The same card moved by two members at the same time: after syncing, the board marks it
/// for both with what happened, until each has looked (kept per machine, across restarts).
@Suite struct TeamConflictMarkTests {
  @Test func theBoardMarksAConflictUntilLookedAt() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    try ana.ok(["move", "acme", "proposal", "--override-gate"])
    try ben.ok(["move", "acme", "negotiation", "--override-gate"])
    for member in [ana, ben, ana] { try member.ok(["sync"]) }
    func watch(_ member: TeamSandbox.Member) throws -> JournalWatch {
      JournalWatch(store: try PipelineStore(path: member.folder, replica: member.replica, clock: Environment.now))
    }
    let anaBoard = try watch(ana)
    let acme = try #require(anaBoard.pipeline.leads.first { $0.name == "Acme" }).id
    #expect(
      anaBoard.conflictNotes[acme] == "moved to Negotiation by ben@machine at the same time as your move to Proposal")
    #expect(
      try watch(ben).conflictNotes[acme]
        == "moved to Negotiation by you at the same time as ana@machine's move to Proposal")
    // Who did what, newest first, in the words of the member looking.
    let changes = anaBoard.changes(on: acme).map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }
    #expect(
      changes == [
        "ben@machine moved it to Negotiation", "you moved it to Proposal", "you added it in Lead Generation",
      ],
      "\(anaBoard.changes(on: acme))")
    let status = try ana.ok(["team"])
    #expect(status.contains("Acme: moved to Negotiation by ben@machine at the same time as your move to Proposal"))
    #expect(status.contains("members (2 people, 2 machine journal(s)):\n  ana\n    ana@machine (you): "), "\(status)")
    #expect(status.contains("(marked ! on the board until you look at it)"), "\(status)")
    anaBoard.sawConflict(on: acme)
    #expect(try ana.ok(["team"]).contains("(seen on the board; the next change to the deal settles it)"))
    #expect(anaBoard.unseenConflicts.isEmpty)
    #expect(anaBoard.conflictNotes.count == 1, "the pane still says what happened")
    #expect(try watch(ana).unseenConflicts.isEmpty, "seen stays seen")
    #expect(try watch(ben).unseenConflicts == [acme], "what one member has seen is theirs")
    // Ben moves the card on, having seen it: settled for both.
    try ben.ok(["move", "acme", "closing", "--override-gate"])
    try ben.ok(["sync"])
    try ana.ok(["sync"])
    #expect(try watch(ana).conflictNotes.isEmpty)
    // The open board reads Ben's move and drops the note too.
    _ = anaBoard.look()
    #expect(anaBoard.conflictNotes.isEmpty)
  }
}

/// Undo on the board takes back one's own change after others' changes were merged, and
/// leaves theirs as they are.
@Suite struct TeamUndoTests {
  @Test func undoAfterAMergeTakesBackOnlyOnesOwnChange() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    let store = try PipelineStore(path: ana.folder, replica: ana.replica, clock: Environment.now)
    let watch = JournalWatch(store: store)
    let runtime = BoardRuntime(
      store: watch, terminal: ScriptedTerminal(width: 160, height: 45), clock: Environment.now)
    // The top card of Lead Generation (Initech, added last) goes one stage on.
    runtime.send(.key(.character("L")))
    let initech = try #require(store.pipeline.leads.first { $0.name == "Initech" })
    #expect(initech.stage == "qualifying")
    // Meanwhile Ben moved Globex and added a lead; Ana's sync brings both in.
    try ben.ok(["move", "globex", "proposal", "--override-gate"])
    try ben.ok(["add", "Umbrella"])
    try ben.ok(["sync"])
    try ana.ok(["sync"])
    // The board reads what came in beside its keys: looked for until it is there.
    let deadline = ContinuousClock.now + .seconds(20)
    repeat {
      for message in watch.look() { runtime.send(message) }
      if watch.isCatchingUp { usleep(2_000) }
    } while watch.isCatchingUp && ContinuousClock.now < deadline
    #expect(store.pipeline.leads.count == 4)
    runtime.send(.key(.character("u")))
    #expect(store.pipeline[initech.id]?.stage == "lead-generation", "Ana's move is taken back")
    #expect(store.pipeline.leads.first { $0.name == "Globex" }?.stage == "proposal", "Ben's move stays")
    try ana.ok(["sync"])
    try ben.ok(["sync"])
    #expect(ana.everything == ben.everything)
  }
}

/// What an adversarial pass found, each fixed: a torn or damaged journal at `team init`, a
/// relative remote path, things staged in git, another member's journal changed here, two
/// syncs at once, another branch, a damaged identity file.
@Suite(.serialized) struct TeamSyncEdgeTests {
  /// A half-written last line is set aside before the journal becomes the team's, so every
  /// later sync works; a damaged journal is refused before anything is made.
  @Test func teamInitSetsATornTailAsideAndRefusesDamage() throws {
    let team = try TeamSandbox()
    let ana = team.member("ana", soloJournal: true)
    for lead in ["Acme", "Globex"] { try ana.ok(["add", lead]) }
    let handle = try #require(FileHandle(forWritingAtPath: ana.journal))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"id\":\"half".utf8))
    try handle.close()
    let made = try ana.run(["team", "init", ana.folder, "--remote", team.remote])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stderr.contains("never finished being written"), "\(made.stderr)")
    var member = ana
    member.journal = ana.folder
    try member.ok(["add", "Initech"])
    #expect(try member.ok(["sync"]).contains("committed 1 new event(s)"))
    // Damage in the middle: refused, nothing made.
    let cy = team.member("cy", soloJournal: true)
    for lead in ["Acme", "Globex", "Initech"] { try cy.ok(["add", lead]) }
    var lines = try String(contentsOfFile: cy.journal, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[2] = lines[2].replacingOccurrences(of: "Globex", with: "Globez")
    try (lines.joined(separator: "\n") + "\n").write(toFile: cy.journal, atomically: true, encoding: .utf8)
    let refused = try cy.run(["team", "init", cy.folder])
    #expect(refused.status != 0 && refused.stderr.contains("is damaged"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: cy.folder))
  }

  /// `--remote remote.git` is the repository in the current folder, not in the team folder.
  @Test func aRelativeRemoteIsTakenFromTheCurrentFolder() throws {
    let team = try TeamSandbox()
    let ana = team.member("ana", soloJournal: true)
    try ana.ok(["add", "Acme"])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: closerExecutable)
    process.arguments = ["team", "init", "ana-team", "--remote", "remote.git"]
    process.currentDirectoryURL = URL(fileURLWithPath: team.root.path)
    process.environment = ["PATH": "/usr/bin:/bin"].merging(ana.environment) { _, new in new }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(try git(["log", "--oneline", "main"], in: team.remote).split(separator: "\n").count == 1)
  }

  /// Something the rep staged stays staged and out of the commits, a merge included; a
  /// journal of another member changed here is put back and said so.
  @Test func stagedFilesAndAnotherMembersEditedJournalDoNotStopSync() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    _ = FileManager.default.createFile(atPath: "\(ana.folder)/notes.txt", contents: Data("mine\n".utf8))
    try git(["add", "notes.txt"], in: ana.folder)
    let theirs = "\(ana.folder)/journals/ben@machine.jsonl"
    try ben.ok(["add", "Umbrella"])
    try ben.ok(["sync"])
    try ana.ok(["sync"])
    try "hand edit\n".write(toFile: theirs, atomically: true, encoding: .utf8)
    try ana.ok(["note", "acme", "Called"])
    try ben.ok(["note", "globex", "Met"])
    try ben.ok(["sync"])
    let synced = try ana.ok(["sync"])
    #expect(synced.contains("restored journals/ben@machine.jsonl"), "\(synced)")
    #expect(synced.contains("brought in 1 event(s)"), "\(synced)")
    #expect(try git(["diff", "--cached", "--name-only"], in: ana.folder).contains("notes.txt"))
    #expect(!(try git(["log", "--name-only", "--format="], in: ana.folder)).contains("notes.txt"))
    try ben.ok(["sync"])
    #expect(ana.everything == ben.everything)
  }

  /// The team's config.toml changed by another member while it has uncommitted changes
  /// here: nothing is overwritten, and sync says what to do.
  @Test func aConfigChangedHereAndByTheTeamIsNeverOverwritten() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    try "currency = \"EUR\"\n".write(toFile: "\(ben.folder)/config.toml", atomically: true, encoding: .utf8)
    try git(["add", "config.toml"], in: ben.folder)
    try git(["commit", "--quiet", "-m", "EUR"], in: ben.folder)
    try ben.ok(["sync"])
    let mine = "currency = \"GBP\"\n"
    try mine.write(toFile: "\(ana.folder)/config.toml", atomically: true, encoding: .utf8)
    try ana.ok(["add", "Umbrella"])
    let refused = try ana.run(["sync"])
    #expect(refused.status != 0 && refused.stderr.contains("config.toml has changes here"), "\(refused.stderr)")
    #expect(try String(contentsOfFile: "\(ana.folder)/config.toml", encoding: .utf8) == mine)
  }

  /// A member who removes this machine's journal from the remote never removes it here:
  /// sync puts it back and pushes it.
  @Test func aJournalRemovedFromTheRemoteIsPutBack() throws {
    let team = try TeamSandbox()
    let (ana, ben) = try team.anaAndBen()
    try git(["rm", "--quiet", "journals/ana@machine.jsonl"], in: ben.folder)
    try git(["commit", "--quiet", "-m", "oops"], in: ben.folder)
    try git(["push", "--quiet", "origin", "main"], in: ben.folder)
    let before = ana.everything
    let synced = try ana.ok(["sync"])
    #expect(FileManager.default.fileExists(atPath: "\(ana.folder)/journals/ana@machine.jsonl"), "\(synced)")
    #expect(ana.everything == before)
    try ben.ok(["sync"])
    #expect(ben.everything == before, "the journal is back on the remote")
  }

  /// Two syncs of one folder at once run one after the other: both succeed, and no commit
  /// claims events it does not hold.
  @Test func twoSyncsOfOneFolderAtOnceTakeTurns() throws {
    let team = try TeamSandbox()
    let (ana, _) = try team.anaAndBen()
    try ana.ok(["add", "Umbrella"])
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 2) { index in results.set(index, try? ana.run(["sync"])) }
    #expect(
      results.get(0)?.status == 0 && results.get(1)?.status == 0,
      "\(results.get(0)?.stderr ?? "") \(results.get(1)?.stderr ?? "")")
    let subjects = try git(["log", "--format=%s"], in: ana.folder).split(separator: "\n")
    #expect(subjects.filter { $0.hasPrefix("closer sync: ana@machine") }.count == 1, "\(subjects)")
  }

  /// Joining what is not a team leaves nothing behind, so that trying again works; an
  /// empty folder is as good as a new one; a file is not a folder.
  @Test func joinAndInitTakeNewOrEmptyFoldersAndLeaveNothingOnFailure() throws {
    let team = try TeamSandbox()
    let plain = "\(team.root.path)/plain.git"
    try git(["init", "--quiet", "--bare", plain], in: team.root.path)
    let ben = team.member("ben")
    let refused = try ben.run(["team", "join", plain, ben.folder])
    #expect(refused.status != 0 && refused.stderr.contains("is not a Closer team pipeline"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: ben.folder))
    _ = try team.started(["ana"])
    try FileManager.default.createDirectory(atPath: ben.folder, withIntermediateDirectories: true)
    try ben.ok(["team", "join", team.remote, ben.folder])
    let file = "\(team.root.path)/file.txt"
    _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
    let cy = team.member("cy", soloJournal: true)
    try cy.ok(["add", "Acme"])
    let onFile = try cy.run(["team", "init", file])
    #expect(onFile.status != 0 && onFile.stderr.contains("is a file"), "\(onFile.stderr)")
  }

  /// On another branch than the team's, sync refuses rather than push where nobody looks.
  @Test func syncStaysOnTheTeamsBranch() throws {
    let team = try TeamSandbox()
    let (ana, _) = try team.anaAndBen()
    try git(["checkout", "--quiet", "-b", "feature"], in: ana.folder)
    let refused = try ana.run(["sync"])
    #expect(refused.status != 0 && refused.stderr.contains("the team works on the branch main"), "\(refused.stderr)")
  }

  /// A damaged identity file is an error that says what to do, never a write under another
  /// name.
  @Test func aDamagedIdentityFileIsAnError() throws {
    let team = try TeamSandbox()
    let (ana, _) = try team.anaAndBen()
    var anonymous = ana
    let path = "\(ana.home)/data/closer/replica"
    try FileManager.default.createDirectory(atPath: "\(ana.home)/data/closer", withIntermediateDirectories: true)
    try "bad/id\n".write(toFile: path, atomically: true, encoding: .utf8)
    anonymous.replica = ""
    let run = try anonymous.run(["add", "Stark"])
    #expect(run.status != 0 && run.stderr.contains("does not hold a replica id"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(ana.folder)/journals/bad"))
  }
}

/// Results written by several threads, one slot each.
private final class Results: @unchecked Sendable {
  private var runs: [Int: Run] = [:]
  private let lock = NSLock()
  func set(_ index: Int, _ run: Run?) {
    lock.lock()
    runs[index] = run
    lock.unlock()
  }
  func get(_ index: Int) -> Run? {
    lock.lock()
    defer { lock.unlock() }
    return runs[index]
  }
}
