import Foundation
import Journal
import PipelineCore
import Testing

/// The hybrid clock: an event written after seeing another sorts after it, whatever the
/// writer's own clock says.
@Suite struct HybridTimeTests {
  @Test func theNextReadingFollowsEverythingSeen() {
    let t = Timestamp(iso8601: "2026-11-30T09:00:00.000Z")!
    let later = t.adding(days: 2)
    #expect(HybridTime.next(after: nil, now: t) == HybridTime(wall: t))
    #expect(HybridTime.next(after: HybridTime(wall: t, counter: 4), now: later) == HybridTime(wall: later))
    // A clock two days behind what it has seen still writes after it.
    #expect(HybridTime.next(after: HybridTime(wall: later, counter: 4), now: t) == HybridTime(wall: later, counter: 5))
    #expect(HybridTime.next(after: HybridTime(wall: t), now: t) == HybridTime(wall: t, counter: 1))
    #expect(HybridTime(wall: t, counter: 9) < HybridTime(wall: t.adding(days: 0).later(by: 1)))
  }

  @Test func itReadsWhatItWrites() {
    let reading = HybridTime(wall: Timestamp(iso8601: "2026-11-30T09:15:02.120Z")!, counter: 3)
    #expect(reading.description == "2026-11-30T09:15:02.120Z/3")
    #expect(HybridTime(reading.description) == reading)
    for bad in ["", "2026-11-30T09:15:02.120Z", "2026-11-30T09:15:02.120Z/", "2026-11-30T09:15:02.120Z/-1", "x/3"] {
      #expect(HybridTime(bad) == nil, "\(bad)")
    }
  }

  @Test func theClockIsAFieldOfTheLineOnlyWhenStated() throws {
    let time = Timestamp(iso8601: "2026-11-27T16:40:01.123Z")!
    var event = Event(id: "0123456789abcde", time: time, replica: "ben@desk", lead: "k3m9x2qa", change: .won)
    let plain = EventCodec.encode(event)
    #expect(!String(decoding: plain, as: UTF8.self).contains("hlc"))
    event.clock = HybridTime(wall: time.adding(days: 2), counter: 7)
    let line = EventCodec.encode(event)
    #expect(try Array(line.dropLast()).withUnsafeBufferPointer { try EventCodec.decode($0) } == event)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    #expect(object["hlc"] as? String == "2026-11-29T16:40:01.123Z/7")
  }
}

extension Timestamp {
  fileprivate func later(by milliseconds: Int64) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
  }
}

/// A clock for one member: its own offset from true time, one second per reading.
final class MemberClock: @unchecked Sendable {
  private var current: Timestamp
  private let lock = NSLock()

  init(offsetDays: Int = 0) { current = Timestamp(iso8601: "2026-11-01T09:00:00Z")!.adding(days: offsetDays) }

  func now() -> Timestamp {
    lock.lock()
    defer { lock.unlock() }
    current = current.later(by: 1000)
    return current
  }

  /// The machine's clock is set back.
  func jump(milliseconds: Int64) {
    lock.lock()
    current = current.later(by: milliseconds)
    lock.unlock()
  }
}

/// A folder made a team pipeline, as `closer team init` leaves it (without git).
func makeTeamFolder(_ path: String) {
  try? FileManager.default.createDirectory(atPath: "\(path)/journals", withIntermediateDirectories: true)
  writeBytes(Array(TeamLayout.markerContents.utf8), to: "\(path)/\(TeamLayout.markerName)")
}

/// Everything a member sees of a pipeline, to compare members: each column's cards in
/// order and every lead (lost ones too) by id.
func canonical(_ pipeline: Pipeline) -> ([[LeadID]], [Lead]) {
  (pipeline.stages.map { pipeline.leadIDs(inStage: $0.key) }, pipeline.leads.sorted { $0.id.rawValue < $1.id.rawValue })
}

/// Copies the first complete lines of `source` over `destination` the way git does when
/// it brings a file (a new file renamed into place): a member receiving another's journal.
func deliver(_ source: String, to destination: String, lines wanted: Int? = nil) {
  let bytes = readBytes(source)
  var end = bytes.count
  if let wanted {
    var seen = 0
    end = 0
    for (index, byte) in bytes.enumerated() where byte == 0x0A {
      seen += 1
      end = index + 1
      if seen == wanted { break }
    }
  }
  if readBytes(destination).count >= end { return }
  writeBytes(Array(bytes[..<end]), to: destination + ".incoming")
  rename(destination + ".incoming", destination)
}

func lineCount(_ path: String) -> Int { readBytes(path).filter { $0 == 0x0A }.count }

/// Ana's and Ben's folders of one team, and their stores; Ben's clock is a day ahead.
func twoMembers(in dir: TemporaryDirectory) throws -> (String, String, PipelineStore, PipelineStore) {
  let (ana, ben) = (dir.file("ana"), dir.file("ben"))
  makeTeamFolder(ana)
  makeTeamFolder(ben)
  let anaStore = try PipelineStore(path: ana, replica: "ana@laptop", clock: MemberClock().now)
  let benStore = try PipelineStore(path: ben, replica: "ben@desk", clock: MemberClock(offsetDays: 1).now)
  return (ana, ben, anaStore, benStore)
}

@Suite struct TeamMergeTests {
  /// Two members, each in their own folder: what one writes, the other reads once it has
  /// the file, and writes after it even with a clock two days behind.
  @Test func membersReadEachOthersJournalsAndWriteAfterThem() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let ana = dir.file("ana")
    let ben = dir.file("ben")
    makeTeamFolder(ana)
    makeTeamFolder(ben)
    let anaStore = try PipelineStore(path: ana, replica: "ana@laptop", clock: MemberClock().now)
    let acme = try addLead(anaStore, "Acme")
    // Ben's clock is two days behind.
    let benStore = try PipelineStore(path: ben, replica: "ben@desk", clock: MemberClock(offsetDays: -2).now)
    deliver("\(ana)/journals/ana@laptop.jsonl", to: "\(ben)/journals/ana@laptop.jsonl")
    #expect(try benStore.refresh() == 1)
    #expect(benStore.pipeline[acme]?.name == "Acme")
    try benStore.record { _ in (acme, .moved(stage: "proposal", position: 1, gateOverridden: false)) }
    let benLine = String(decoding: readBytes("\(ben)/journals/ben@desk.jsonl"), as: UTF8.self)
    #expect(benLine.contains("\"hlc\":\""), "a clock behind what it saw states its reading")
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    #expect(try anaStore.refresh() == 1)
    #expect(anaStore.pipeline[acme]?.stage == "proposal")
    // Opened afresh, both folders give the same pipeline.
    deliver("\(ana)/journals/ana@laptop.jsonl", to: "\(ben)/journals/ana@laptop.jsonl")
    let anaAgain = try PipelineStore(path: ana, access: .readOnly, replica: "ana@laptop", clock: MemberClock().now)
    let benAgain = try PipelineStore(path: ben, access: .readOnly, replica: "ben@desk", clock: MemberClock().now)
    #expect(canonical(anaAgain.pipeline) == canonical(benAgain.pipeline))
    #expect(canonical(anaAgain.pipeline) == canonical(anaStore.pipeline))
  }

  /// A replica id must make a file name; a team folder with no journals read-only says so.
  @Test func badReplicasAndEmptyTeamsAreClearErrors() throws {
    let dir = TemporaryDirectory(inMemory: true)
    makeTeamFolder(dir.path)
    #expect(throws: JournalError.self) {
      try PipelineStore(path: dir.path, replica: "../ana", clock: MemberClock().now)
    }
    do {
      _ = try PipelineStore(path: dir.path, access: .readOnly, replica: "ana", clock: MemberClock().now)
      Issue.record("an empty team opened read-only")
    } catch {
      #expect("\(error)".contains("has no journals yet"))
    }
    #expect(!TeamLayout.isValidReplica("") && !TeamLayout.isValidReplica(".hidden"))
    #expect(TeamLayout.isValidReplica("ana@laptop-2") && !TeamLayout.isValidReplica("a/b"))
  }

  /// Random histories on three members, with clocks that are off and jump back, delivered
  /// to each other in random order and in pieces: once everyone has every journal, every
  /// member sees exactly the same pipeline, live and opened afresh, and so does a fourth
  /// folder that received the journals in yet another order.
  @Test(arguments: 1...12)
  func everyMemberWithTheSameEventsSeesTheSamePipeline(seed: UInt64) throws {
    try replayTeamHistory(seed: seed, reopeningFromSnapshots: false)
  }

  /// The same, with members that now and then close and open again from their team
  /// snapshot (the history is then read only when something needs it): nothing differs.
  @Test(arguments: 21...28)
  func membersOpenedFromSnapshotsSeeTheSamePipeline(seed: UInt64) throws {
    try replayTeamHistory(seed: seed, reopeningFromSnapshots: true)
  }

  /// The same, with every member a board: a late arrival applies the whole history again on
  /// another thread while the member goes on recording changes, and what arrives meanwhile
  /// waits for it.
  @Test(arguments: 31...38)
  func membersOnABoardSeeTheSamePipeline(seed: UInt64) throws {
    try replayTeamHistory(seed: seed, reopeningFromSnapshots: true, asBoards: true)
  }

  private func replayTeamHistory(seed: UInt64, reopeningFromSnapshots: Bool, asBoards: Bool = false) throws {
    var random = TeamRandom(seed: seed)
    let dir = TemporaryDirectory(inMemory: true)
    let replicas = ["ana@laptop", "ben@desk", "cy@phone"]
    let clocks = [MemberClock(), MemberClock(offsetDays: -2), MemberClock(offsetDays: 1)]
    let folders = replicas.map { dir.file($0) }
    folders.forEach(makeTeamFolder)
    var stores = try replicas.indices.map {
      try PipelineStore(path: folders[$0], replica: replicas[$0], clock: clocks[$0].now)
    }
    var rebuilt = 0
    /// A board reads what arrived between keys; this waits until it is all in.
    func settle(_ store: PipelineStore) throws {
      let deadline = ContinuousClock.now + .seconds(30)
      while try store.refresh(limit: .max, waitForWriters: true).more {
        if store.isRebuildingTeamHistory { rebuilt += 1 }
        #expect(ContinuousClock.now < deadline)
        usleep(1_000)
      }
    }
    if asBoards { stores.forEach { $0.readTeamHistoryInBackground() } }
    func journal(_ member: Int, in folder: Int) -> String { "\(folders[folder])/journals/\(replicas[member]).jsonl" }
    var reopened = 0
    for _ in 0..<70 {
      let member = Int(random.next() % 3)
      if reopeningFromSnapshots && random.next() % 5 == 0 {
        if asBoards { try settle(stores[member]) }
        try stores[member].saveSnapshot()
        stores[member] = try PipelineStore(path: folders[member], replica: replicas[member], clock: clocks[member].now)
        if stores[member].isReadingTeamHistory { reopened += 1 }
        if asBoards { stores[member].readTeamHistoryInBackground() }
      } else if random.next() % 3 == 0 {
        // Another member's journal arrives, up to some line.
        let from = (member + 1 + Int(random.next() % 2)) % 3
        let total = lineCount(journal(from, in: from))
        guard total > 0 else { continue }
        deliver(journal(from, in: from), to: journal(from, in: member), lines: 1 + Int(random.next() % UInt64(total)))
        try stores[member].refresh()
        // A board records a change before what came in is all applied.
        if asBoards && random.next() % 2 == 0 { randomChange(stores[member], &random) }
      } else {
        if random.next() % 10 == 0 { clocks[member].jump(milliseconds: -3_600_000) }
        randomChange(stores[member], &random)
      }
    }
    // Everyone gets everything, each in a different order.
    for member in 0..<3 {
      for from in [0, 1, 2].shuffled(using: &random) where from != member {
        deliver(journal(from, in: from), to: journal(from, in: member))
        try stores[member].refresh()
      }
      if asBoards { try settle(stores[member]) }
    }
    if asBoards { #expect(rebuilt > 0, "a late arrival applied the history again beside the board") }
    let fourth = dir.file("fourth")
    makeTeamFolder(fourth)
    let late = try PipelineStore(path: fourth, replica: "dee@tablet", clock: MemberClock().now)
    for from in [2, 0, 1] {
      let target = "\(fourth)/journals/\(replicas[from]).jsonl"
      deliver(journal(from, in: from), to: target, lines: max(1, lineCount(journal(from, in: from)) / 2))
      try late.refresh()
    }
    for from in [1, 2, 0] {
      deliver(journal(from, in: from), to: "\(fourth)/journals/\(replicas[from]).jsonl")
      try late.refresh()
    }
    let expected = canonical(stores[0].pipeline)
    #expect(expected.1.count >= 3)
    for member in 0..<3 {
      #expect(canonical(stores[member].pipeline) == expected, "member \(member), live")
      let reopened = try PipelineStore(path: folders[member], replica: replicas[member], clock: clocks[member].now)
      #expect(canonical(reopened.pipeline) == expected, "member \(member), opened again")
    }
    #expect(canonical(late.pipeline) == expected, "the folder that received the journals last")
    // The same conflicts are marked for everyone.
    for member in 1..<3 { #expect(stores[member].conflictMarks == stores[0].conflictMarks, "member \(member)") }
    #expect(late.conflictMarks == stores[0].conflictMarks)
    guard reopeningFromSnapshots else { return }
    #expect(reopened >= 3, "members opened from a snapshot during the history")
    // Opened from a snapshot at the end: the same state, marks, conflicts and history.
    for member in 0..<3 {
      try stores[member].saveSnapshot()
      let fromSnapshot = try PipelineStore(
        path: folders[member], replica: replicas[member], clock: clocks[member].now)
      #expect(fromSnapshot.isReadingTeamHistory)
      #expect(canonical(fromSnapshot.pipeline) == expected)
      #expect(fromSnapshot.conflictMarks == stores[0].conflictMarks)
      #expect(fromSnapshot.conflicts.map(\.event) == late.conflicts.map(\.event))
      for lead in expected.1.map(\.id) {
        #expect(fromSnapshot.recentChanges(on: lead) == late.recentChanges(on: lead), "\(lead)")
      }
      #expect(!fromSnapshot.isReadingTeamHistory, "read when the history was first asked for")
    }
  }

  /// Two members who both saw a card move it at the same time: the later move wins, and the
  /// card is marked with what happened, for both; a move made having seen the other is no
  /// conflict, and a later change made having seen the result settles the mark.
  @Test func concurrentChangesAreMarkedOnTheCard() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, anaStore, benStore) = try twoMembers(in: dir)
    let acme = try addLead(anaStore, "Acme")
    let globex = try addLead(anaStore, "Globex")
    let anaFile = "journals/ana@laptop.jsonl"
    let benFile = "journals/ben@desk.jsonl"
    deliver("\(ana)/\(anaFile)", to: "\(ben)/\(anaFile)")
    try benStore.refresh()
    // At the same time: Ana moves Acme to Proposal, Ben to Negotiation (his clock is later).
    try anaStore.record { _ in (acme, .moved(stage: "proposal", position: 1, gateOverridden: true)) }
    try benStore.record { _ in (acme, .moved(stage: "negotiation", position: 1, gateOverridden: true)) }
    // And Ben moves Globex having seen nothing new of it: no conflict there.
    try benStore.record { _ in (globex, .moved(stage: "qualifying", position: 1, gateOverridden: true)) }
    deliver("\(ana)/\(anaFile)", to: "\(ben)/\(anaFile)")
    deliver("\(ben)/\(benFile)", to: "\(ana)/\(benFile)")
    try anaStore.refresh()
    try benStore.refresh()
    for store in [anaStore, benStore] {
      #expect(store.pipeline[acme]?.stage == "negotiation")
      #expect(Set(store.conflictMarks.keys) == [acme])
    }
    let mark = try #require(anaStore.conflictMarks[acme])
    #expect(
      mark.description(me: "ana@laptop", pipeline: anaStore.pipeline)
        == "moved to Negotiation by ben@desk at the same time as your move to Proposal")
    #expect(
      mark.description(me: "ben@desk", pipeline: benStore.pipeline)
        == "moved to Negotiation by you at the same time as ana@laptop's move to Proposal")
    #expect(benStore.conflictMarks == anaStore.conflictMarks)
    // Ana, having seen it, moves the card on: settled, for both.
    try anaStore.record { _ in (acme, .moved(stage: "closing", position: 1, gateOverridden: true)) }
    deliver("\(ana)/\(anaFile)", to: "\(ben)/\(anaFile)")
    try benStore.refresh()
    #expect(anaStore.conflictMarks.isEmpty && benStore.conflictMarks.isEmpty)
  }

  /// A move of a deal another member lost at the same time does not apply; the card says so.
  @Test func aMoveOfADealLostMeanwhileIsMarked() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let (ana, ben, anaStore, benStore) = try twoMembers(in: dir)
    let acme = try addLead(anaStore, "Acme")
    deliver("\(ana)/journals/ana@laptop.jsonl", to: "\(ben)/journals/ana@laptop.jsonl")
    try benStore.refresh()
    try anaStore.record { _ in (acme, .lost(reason: "Price")) }
    try benStore.record { _ in (acme, .moved(stage: "closing", position: 1, gateOverridden: true)) }
    deliver("\(ben)/journals/ben@desk.jsonl", to: "\(ana)/journals/ben@desk.jsonl")
    try anaStore.refresh()
    #expect(anaStore.pipeline[acme]?.status == .lost)
    let mark = try #require(anaStore.conflictMarks[acme])
    #expect(
      mark.description(me: "ben@desk", pipeline: anaStore.pipeline)
        == "lost (Price) by ana@laptop at the same time as your move to Closing")
    #expect(anaStore.conflicts.map(\.event.lead) == [acme])
  }
}

/// SplitMix64, for reproducible histories.
struct TeamRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed &* 0x2545_F491_4F6C_DD1D }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One change a member makes to a lead it can see (or a new lead): what the store refuses
/// (a move of a lost deal) is simply not made.
func randomChange(_ store: PipelineStore, _ random: inout TeamRandom) {
  let leads = store.pipeline.leads
  let stages = store.pipeline.stages.map(\.key)
  let kind = leads.isEmpty ? 0 : Int(random.next() % 10)
  let lead = leads.isEmpty ? nil : leads[Int(random.next() % UInt64(leads.count))].id
  let stage = stages[Int(random.next() % UInt64(stages.count))]
  let position = 1 + Int(random.next() % 4)
  let change: Change
  switch kind {
  case 0:
    let id = store.newLeadID()
    _ = try? store.record { _ in (id, .created(NewLead(name: "Lead \(random.next() % 1000)", stage: stage))) }
    return
  case 1, 2, 3: change = .moved(stage: stage, position: position, gateOverridden: true)
  case 4: change = .edited([.text(.name, "Renamed \(random.next() % 100)")])
  case 5:
    change = .checked(
      criterion: ["budget", "authority", "need"][Int(random.next() % 3)], isChecked: random.next() % 2 == 0)
  case 6: change = .won
  case 7: change = .lost(reason: "Price")
  case 8: change = .reopened(stage: stage)
  default: change = .noteAdded("Called \(random.next() % 50)")
  }
  _ = try? store.record { _ in (lead!, change) }
}
