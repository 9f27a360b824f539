import Foundation
import Journal
import PipelineCore

/// A fresh directory under /tmp, removed when the test's value goes away.
final class TemporaryDirectory: Sendable {
  let path: String

  /// `inMemory` puts it on tmpfs when the machine has one: same code paths, no disk waits.
  init(inMemory: Bool = false) {
    let base = inMemory && FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp"
    var template = Array("\(base)/closer-test-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    path = String(cString: made!)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { "\(path)/\(name)" }

  func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? [] }
}

func readBytes(_ path: String) -> [UInt8] {
  (FileManager.default.contents(atPath: path)).map { Array($0) } ?? []
}

func writeBytes(_ bytes: [UInt8], to path: String) {
  precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
}

/// A clock that starts on a fixed day and moves one second per reading.
final class TestClock: @unchecked Sendable {
  private var current = Timestamp(iso8601: "2026-11-01T09:00:00Z")!
  private let lock = NSLock()

  func now() -> Timestamp {
    lock.lock()
    defer { lock.unlock() }
    current.millisecondsSinceEpoch += 1000
    return current
  }
}

func openStore(_ path: String, access: JournalFile.Access = .readWrite, fileSystem: FileSystem = PosixFileSystem())
  throws -> PipelineStore
{
  let clock = TestClock()
  return try PipelineStore(path: path, access: access, replica: "test", fileSystem: fileSystem, clock: clock.now)
}

/// Adds a lead through the store, the way `closer add` does.
@discardableResult
func addLead(_ store: PipelineStore, _ name: String, stage: String = "lead-generation") throws -> LeadID {
  let id = store.newLeadID()
  try store.record { _ in (id, .created(NewLead(name: name, stage: stage))) }
  return id
}

/// Every change type, with text that tries hard to break a line format.
let trickyChanges: [Change] = [
  .created(
    NewLead(
      name: "José \"Pepe\" García", company: "Café\r\nOlé\u{2028}Ltd", email: "jose@example.com",
      phone: "+34 600\t000", owner: "ana", source: "Referral \\ Partner",
      reference: "hubspot:1234\"5", value: Money(minorUnits: 1_250_050, currency: "EUR"),
      expectedClose: CalendarDay(iso8601: "2027-01-31"),
      stage: "proposal", position: 3)),
  .edited([.text(.name, "Zoë 🚀 Müller"), .value(nil), .expectedClose(nil), .text(.email, "")]),
  .edited([.text(.reference, "pipedrive:77"), .text(.owner, "")]),
  .edited([.value(Money(minorUnits: 99, currency: "GBP")), .expectedClose(CalendarDay(iso8601: "2026-12-24"))]),
  .moved(stage: "negotiation", position: 2, gateOverridden: true),
  .moved(stage: "closing", position: 1, gateOverridden: false),
  .checked(criterion: "budget", isChecked: true),
  .checked(criterion: "economic-buyer", isChecked: false),
  .noteAdded("Line one\r\nLine two\u{2028}three\u{2029}\n\u{1b}]2;owned\u{07}\u{0}\u{7f} end 👨‍👩‍👧 \\n not a newline"),
  .noteRetracted("Line one\r\nLine two"),
  .activityLogged(kind: "call", outcome: "Talked budget, \"sending\" proposal \u{1b}[31m 北京"),
  .activityLogged(kind: "meeting", outcome: ""),
  .activityRetracted(kind: "email", outcome: "Sent the deck"),
  .checked(criterion: "budget", isChecked: true, answer: "40k \"approved\"\nfor Q1 北京"),
  .checked(criterion: "need", isChecked: true, answer: ""),
  .created(
    {
      var new = NewLead(name: "Custom", stage: "qualifying")
      new.custom = ["seats": "12", "industry": "Health \"care\" 北京", "renewal": "2027-01-31"]
      return new
    }()),
  .edited([.text(.company, "Acme"), .custom("seats", "40"), .custom("industry", nil)]),
  .edited([.custom("contract", "EUR 9000.50")]),
  .followUpSet(FollowUp(action: "Call \"back\"", due: CalendarDay(iso8601: "2026-12-01")!)),
  .followUpSet(nil),
  .won,
  .lost(reason: "Chose competitor: 北京 Co."),
  .reopened(stage: "qualifying"),
  .restored(Restoration(reverses: "4t70hw65c64rmg8", lead: nil)),
  .restored(
    Restoration(
      reverses: "092rz8k0r06z14y",
      lead: {
        var lead = Lead(
          id: "k3m9x2qa", name: "Zoë \"Z\" Müller", stage: "proposal",
          created: Timestamp(iso8601: "2026-10-01T09:00:00.123Z")!)
        lead.company = "Café\r\nOlé"
        lead.value = Money(minorUnits: Int64.min, currency: "EUR")
        lead.expectedClose = CalendarDay(iso8601: "2027-01-31")
        lead.status = .lost
        lead.lostReason = "Chose competitor: 北京 Co."
        lead.stageEntered = Timestamp(iso8601: "2026-10-05T09:00:00Z")!
        lead.closed = Timestamp(iso8601: "2026-10-09T09:00:00Z")!
        lead.lastActivity = Timestamp(iso8601: "2026-10-09T09:00:00Z")!
        lead.checklist = ["budget": true, "need \u{1b}": false]
        lead.custom = ["seats": "12", "industry": "Health\ncare"]
        lead.answers = ["budget": "40k for Q1 \"approved\""]
        lead.followUp = FollowUp(action: "Call \"back\"", due: CalendarDay(iso8601: "2026-12-01")!)
        lead.stageHistory = [
          StageVisit(stage: "qualifying", entered: lead.created, left: lead.stageEntered),
          StageVisit(stage: "proposal", entered: lead.stageEntered),
        ]
        return lead
      }(), position: 3)),
  .unknown(type: "lead.teleported"),
]

/// `PipelineStore.quickCreate`, as `closer add` calls it.
func quickCreate(
  journal: String, config: PipelineConfig, replica: String, clock: @escaping () -> Timestamp, lead: NewLead,
  then more: [Change] = []
) throws -> Event? {
  var warnings: [JournalWarning] = []
  return try PipelineStore.quickCreate(
    journal: journal, config: config, replica: replica, clock: clock, lead: lead, then: more, warnings: &warnings)
}

/// Runs `work` on `count` threads of their own, started together (a start barrier), and
/// returns the errors they threw. Threads, not tasks: the task pool may run only as many
/// at once as there are cores, and writers that never overlap prove nothing.
func runTogether(_ count: Int, _ work: @escaping @Sendable (Int) throws -> Void) -> [String] {
  let gate = NSCondition()
  nonisolated(unsafe) var waiting = count
  nonisolated(unsafe) var errors: [String] = []
  let done = DispatchGroup()
  for index in 0..<count {
    done.enter()
    let thread = Thread {
      gate.lock()
      waiting -= 1
      if waiting == 0 { gate.broadcast() }
      while waiting > 0 { gate.wait() }
      gate.unlock()
      do { try work(index) } catch {
        gate.lock()
        errors.append("\(index): \(error)")
        gate.unlock()
      }
      done.leave()
    }
    thread.start()
  }
  done.wait()
  return errors
}
