import Foundation
import Glibc
import Testing

@testable import Journal
@testable import PipelineCore

/// The real file system, except that chosen calls fail the way disks and kernels do.
final class FaultyFileSystem: FileSystem, @unchecked Sendable {
  enum Fault: CaseIterable, Sendable, CustomStringConvertible {
    case eio, enospc, shortWrite, flushFails

    var description: String {
      switch self {
      case .eio: "EIO"
      case .enospc: "ENOSPC"
      case .shortWrite: "short write"
      case .flushFails: "failed flush"
      }
    }
  }

  private let real = PosixFileSystem()
  private let lock = NSLock()
  private var calls = 0
  /// The 0-based calls (counted from `arm`) that fail, and how.
  private var plan: [Int: Fault] = [:]
  /// Every call since `arm`, by name, and the ones that failed.
  private(set) var log: [String] = []
  private(set) var injectedCalls: [String] = []
  /// Directories flushed, in order.
  private(set) var syncedDirectories: [String] = []
  /// At most this many bytes per write call (to imitate the kernel's limit).
  var writeLimit = Int.max
  /// At most this many bytes per read call (network and FUSE file systems return less
  /// than asked).
  var readLimit = Int.max
  /// Bytes read so far, and descriptors closed (each should be closed once).
  private(set) var bytesRead = 0
  private(set) var closed: [Int32] = []

  var injected: Bool { !injectedCalls.isEmpty }

  func arm(_ fault: Fault, atCall call: Int) { arm([call: fault]) }

  func arm(_ plan: [Int: Fault]) {
    lock.lock()
    defer { lock.unlock() }
    self.plan = plan
    calls = 0
    log = []
    injectedCalls = []
  }

  func disarm() {
    lock.lock()
    defer { lock.unlock() }
    plan = [:]
  }

  /// The fault for this call, if it is one that fails.
  private func strike(_ operation: String) -> Fault? {
    lock.lock()
    defer { lock.unlock() }
    defer { calls += 1 }
    log.append(operation)
    guard let fault = plan[calls] else { return nil }
    injectedCalls.append(operation)
    return fault
  }

  private func code(_ fault: Fault) -> Int32 { fault == .enospc ? ENOSPC : EIO }

  private func name(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

  /// Whether a call concerned the snapshot, which is derived: failing to read it only
  /// costs speed, and is not an error to report.
  static func concernsSnapshot(_ call: String) -> Bool { call.hasSuffix(".snapshot") }

  func open(_ path: String, writable: Bool, create: Bool) throws(SystemError) -> Int32 {
    if let fault = strike("open \(name(path))") { throw SystemError("open", path: path, code: code(fault)) }
    let descriptor = try real.open(path, writable: writable, create: create)
    lock.lock()
    names[descriptor] = name(path)
    lock.unlock()
    return descriptor
  }

  func close(_ descriptor: Int32) {
    lock.lock()
    closed.append(descriptor)
    if names.removeValue(forKey: descriptor) == nil { closedTwice.append(descriptor) }
    lock.unlock()
    real.close(descriptor)
  }

  /// Descriptors closed that were not open (closed a second time).
  private(set) var closedTwice: [Int32] = []

  /// The file each open descriptor is, by name, for the log.
  private var names: [Int32: String] = [:]

  private func on(_ descriptor: Int32) -> String {
    lock.lock()
    defer { lock.unlock() }
    return names[descriptor].map { $0.hasSuffix(".snapshot") ? " \($0)" : "" } ?? ""
  }

  func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError)
    -> Int
  {
    if let fault = strike("read" + on(descriptor)) { throw SystemError("read", path: "", code: code(fault)) }
    let got = try real.read(
      descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, readLimit)]), at: offset)
    lock.lock()
    bytesRead += got
    lock.unlock()
    return got
  }

  func append(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
    let limited = UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, writeLimit)])
    if let fault = strike("write") {
      switch fault {
      case .shortWrite, .flushFails:
        // The disk fills up part-way: some bytes land, the call reports fewer.
        _ = try real.append(descriptor, UnsafeRawBufferPointer(rebasing: limited[..<(limited.count / 2)]))
        throw SystemError("write", path: "", code: ENOSPC)
      case .eio, .enospc:
        throw SystemError("write", path: "", code: code(fault))
      }
    }
    return try real.append(descriptor, limited)
  }

  func sync(_ descriptor: Int32) throws(SystemError) {
    if strike("sync") != nil { throw SystemError("fdatasync", path: "", code: EIO) }
    try real.sync(descriptor)
  }

  func size(_ descriptor: Int32) throws(SystemError) -> Int64 {
    if let fault = strike("size" + on(descriptor)) { throw SystemError("fstat", path: "", code: code(fault)) }
    return try real.size(descriptor)
  }

  func status(_ descriptor: Int32) throws(SystemError) -> FileStatus {
    if let fault = strike("fstat" + on(descriptor)) { throw SystemError("fstat", path: "", code: code(fault)) }
    return try real.status(descriptor)
  }

  func status(atPath path: String) throws(SystemError) -> FileStatus? {
    if let fault = strike("stat \(name(path))") { throw SystemError("stat", path: path, code: code(fault)) }
    return try real.status(atPath: path)
  }

  func contents(ofDirectory path: String) -> [String] { real.contents(ofDirectory: path) }

  func truncate(_ descriptor: Int32, to size: Int64) throws(SystemError) {
    if let fault = strike("truncate") { throw SystemError("ftruncate", path: "", code: code(fault)) }
    try real.truncate(descriptor, to: size)
  }

  func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) {
    if let fault = strike("lock") { throw SystemError("flock", path: "", code: code(fault)) }
    try real.lock(descriptor, exclusive: exclusive)
  }

  func tryLock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) -> Bool {
    if let fault = strike("lock") { throw SystemError("flock", path: "", code: code(fault)) }
    return try real.tryLock(descriptor, exclusive: exclusive)
  }

  func unlock(_ descriptor: Int32) { real.unlock(descriptor) }

  func syncDirectory(_ path: String) throws(SystemError) {
    if strike("syncDirectory") != nil { throw SystemError("fsync", path: path, code: EIO) }
    try real.syncDirectory(path)
    lock.lock()
    syncedDirectories.append(path)
    lock.unlock()
  }

  func createDirectories(_ path: String) throws(SystemError) { try real.createDirectories(path) }

  func exists(_ path: String) -> Bool { real.exists(path) }

  func rename(_ source: String, to destination: String) throws(SystemError) {
    if let fault = strike("rename") { throw SystemError("rename", path: destination, code: code(fault)) }
    try real.rename(source, to: destination)
  }

  func remove(_ path: String) { real.remove(path) }
}

/// The ways a journal is appended to: one line from an open store, a batch, and a new lead
/// through `closer add`'s fast path (which needs a journal above the snapshot threshold).
enum AppendPath: String, CaseIterable, Sendable {
  case single, batch, quickCreate
}

@Suite struct FaultInjectionTests {
  /// A journal above the snapshot threshold, with its snapshot, made once and copied.
  static let largeJournal: TemporaryDirectory = {
    let dir = TemporaryDirectory(inMemory: true)
    let journal = dir.file("journal.jsonl")
    do {
      let writer = try openStore(journal)
      let events = (0..<PipelineStore.snapshotMinimumEvents).map { i in
        writer.makeEvent(lead: LeadID("bulk\(i)"), change: .created(NewLead(name: "Lead \(i)", stage: "proposal")))
      }
      try writer.recordAll(events)
      _ = try openStore(journal)  // replays, and writes the snapshot
    } catch {
      Issue.record("cannot make the large journal: \(error)")
    }
    return dir
  }()

  /// A journal to append to, through `fileSystem`.
  private func prepare(_ path: AppendPath, in dir: TemporaryDirectory, fileSystem: FaultyFileSystem) throws
    -> (journal: String, store: PipelineStore, lead: LeadID)
  {
    let journal = dir.file("journal.jsonl")
    if path == .quickCreate {
      for suffix in ["", ".snapshot"] {
        try FileManager.default.copyItem(
          atPath: Self.largeJournal.file("journal.jsonl" + suffix), toPath: journal + suffix)
      }
    }
    let store = try openStore(journal, fileSystem: fileSystem)
    #expect(path != .quickCreate || store.journal.resumed)
    let lead = try addLead(store, "Ana")
    return (journal, store, lead)
  }

  private func attempt(
    _ path: AppendPath, store: PipelineStore, journal: String, lead: LeadID, fileSystem: FaultyFileSystem
  )
    throws
  {
    switch path {
    case .single:
      try store.record { _ in (lead, .noteAdded("attempt")) }
    case .batch:
      try store.recordAll { _ in [(lead, .noteAdded("one")), (lead, .noteAdded("two")), (lead, .won)] }
    case .quickCreate:
      // As `closer add` does: the fast path, or, when it cannot be taken, the full one.
      var warnings: [JournalWarning] = []
      let new = NewLead(name: "Quick", stage: "proposal")
      let made = try PipelineStore.quickCreate(
        journal: journal, config: .standard, replica: "t", fileSystem: fileSystem, clock: TestClock().now,
        lead: new, warnings: &warnings)
      if made == nil {
        let full = try openStore(journal, fileSystem: fileSystem)
        let id = full.newLeadID()
        try full.record { _ in (id, .created(new)) }
      }
    }
  }

  /// Every fault at every call an append makes: each one is reported (the append throws),
  /// the file is byte for byte as before, the state is unchanged, only a failed flush turns
  /// the process read-only, and another process appends afterwards.
  @Test(arguments: AppendPath.allCases, FaultyFileSystem.Fault.allCases)
  func everyFaultInAnAppendIsReportedAndLeavesNoTrace(path: AppendPath, fault: FaultyFileSystem.Fault) throws {
    var call = 0
    var injectedAny = false
    while true {
      let dir = TemporaryDirectory(inMemory: true)
      let fileSystem = FaultyFileSystem()
      let (journal, store, lead) = try prepare(path, in: dir, fileSystem: fileSystem)
      let before = readBytes(journal)
      let leadsBefore = store.pipeline.leads
      fileSystem.arm(fault, atCall: call)
      let failure = Result { try attempt(path, store: store, journal: journal, lead: lead, fileSystem: fileSystem) }
      fileSystem.disarm()
      guard fileSystem.injected else {
        // The append made fewer calls than this: it must have worked.
        try failure.get()
        break
      }
      injectedAny = true
      let what = "\(fault) at call \(call) (\(fileSystem.injectedCalls[0])) of \(fileSystem.log)"
      call += 1
      if FaultyFileSystem.concernsSnapshot(fileSystem.injectedCalls[0]) {
        // Without its snapshot, `closer add` replays the journal instead.
        #expect((try? failure.get()) != nil, "\(what)")
        continue
      }
      guard case .failure(let error) = failure else {
        Issue.record("not reported: \(what)")
        break
      }
      #expect(!"\(error)".contains("may or may not"), "\(what)")
      #expect(readBytes(journal) == before, "\(what)")
      #expect(store.pipeline.leads == leadsBefore, "\(what)")
      // (`closer add`'s fast path has a journal of its own, gone with the process.)
      let flushFailed = fileSystem.injectedCalls == ["sync"] && path != .quickCreate
      #expect(store.journal.isReadOnly == flushFailed, "\(what): \(store.journal.readOnlyReason ?? "writable")")
      // Nothing was left behind that a later process trips over.
      let later = try openStore(journal)
      #expect(later.warnings.filter(\.isDamage).isEmpty, "\(what)")
      try later.record { _ in (lead, .noteAdded("after the fault")) }
      if !store.journal.isReadOnly {
        try store.record { _ in (lead, .noteAdded("the failing process goes on")) }
      }
    }
    #expect(injectedAny)
    #expect(call >= 5)
  }

  /// Two faults in one append: the write or flush fails, and so does taking it back out. The
  /// change may be in the file; Closer says so instead of "nothing was written", and until
  /// the rep has looked, no process writes (the fault record next to the journal).
  @Test(arguments: [["write", "truncate"], ["sync", "truncate"], ["sync", "sync"], ["write", "sync"]])
  func aFailedRollBackIsReportedAndStopsEveryWriter(failing: [String]) throws {
    let dir = TemporaryDirectory(inMemory: true)
    let fileSystem = FaultyFileSystem()
    let (journal, store, lead) = try prepare(.single, in: dir, fileSystem: fileSystem)
    // Find the calls of one append, then fail the chosen ones.
    fileSystem.arm([:])
    try store.record { _ in (lead, .noteAdded("probe")) }
    let calls = fileSystem.log
    guard let first = calls.firstIndex(of: failing[0]) else {
      Issue.record("no \(failing[0]) in \(calls)")
      return
    }
    // The rollback's calls follow the failing one: truncate, then sync.
    let second = first + (failing[1] == "truncate" ? 1 : 2)
    fileSystem.arm([first: .eio, second: .eio])
    let result = Result { try store.record { _ in (lead, .noteAdded("uncertain")) } }
    fileSystem.disarm()
    #expect(fileSystem.injectedCalls.count == 2, "\(fileSystem.injectedCalls) of \(fileSystem.log)")
    guard case .failure(let error) = result else {
      Issue.record("not reported")
      return
    }
    #expect("\(error)".contains("may or may not be in the journal"), "\(error)")
    #expect(!"\(error)".contains("Nothing was written"))
    #expect(store.journal.isReadOnly)
    #expect(FileManager.default.fileExists(atPath: journal + ".fault"))
    // Every other process refuses to write, and says why, until the record is removed.
    let other = try openStore(journal)
    #expect(other.journal.isReadOnly)
    #expect(other.warnings.contains { if case .uncertainAppend = $0.kind { true } else { false } })
    #expect(throws: JournalError.self) { try addLead(other, "Refused") }
    try FileManager.default.removeItem(atPath: journal + ".fault")
    let after = try openStore(journal)
    #expect(!after.journal.isReadOnly)
    try addLead(after, "Written again")
  }

  /// A failed flush whose rollback worked: the file holds exactly the acknowledged lines,
  /// the failing process writes nothing more, the next process writes normally.
  @Test func aFailedFlushStopsTheProcessButNotTheJournal() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let fileSystem = FaultyFileSystem()
    let (journal, store, lead) = try prepare(.single, in: dir, fileSystem: fileSystem)
    let before = readBytes(journal)
    fileSystem.arm([:])
    try store.record { _ in (lead, .noteAdded("probe")) }
    let sync = try #require(fileSystem.log.firstIndex(of: "sync"))
    let probed = readBytes(journal)
    #expect(probed.count > before.count)
    fileSystem.arm(.flushFails, atCall: sync)
    #expect(throws: JournalError.self) { try store.record { _ in (lead, .won) } }
    fileSystem.disarm()
    #expect(readBytes(journal) == probed)
    #expect(store.journal.readOnlyReason?.contains("flush") == true)
    #expect(throws: JournalError.self) { try store.record { _ in (lead, .won) } }
    #expect(!FileManager.default.fileExists(atPath: journal + ".fault"))
    let next = try openStore(journal)
    #expect(!next.journal.isReadOnly)
    try next.record { _ in (lead, .won) }
  }

  /// Every fault while creating a journal is reported, and a new journal's directories are
  /// all flushed (the file's, and each one made for it), so none is lost in a crash.
  @Test func creatingAJournalFlushesItsDirectoriesAndReportsEveryFault() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let fileSystem = FaultyFileSystem()
    fileSystem.arm([:])
    _ = try openStore(dir.file("a/b/journal.jsonl"), fileSystem: fileSystem)
    for folder in [dir.file("a/b"), dir.file("a"), dir.path] {
      #expect(fileSystem.syncedDirectories.contains(folder), "\(folder) not flushed: \(fileSystem.syncedDirectories)")
    }
    let callsOfACreation = fileSystem.log.count
    for call in 0..<callsOfACreation {
      let path = dir.file("new-\(call)/journal.jsonl")
      fileSystem.arm(.eio, atCall: call)
      let result = Result { try openStore(path, fileSystem: fileSystem) }
      fileSystem.disarm()
      if fileSystem.injected, case .success = result,
        !FaultyFileSystem.concernsSnapshot(fileSystem.injectedCalls[0])
      {
        Issue.record("not reported: EIO at \(fileSystem.injectedCalls) of \(fileSystem.log)")
      }
      // Whatever happened, the journal opens cleanly afterwards.
      let store = try openStore(path)
      #expect(store.warnings.filter(\.isDamage).isEmpty)
      try addLead(store, "Ana")
    }
  }

  /// More than the system writes in one call (Linux: 0x7ffff000 bytes) is written in several
  /// calls instead of being taken for a full disk.
  @Test func anAppendLargerThanOneWriteCallIsWrittenWhole() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let fileSystem = FaultyFileSystem()
    let (journal, store, lead) = try prepare(.single, in: dir, fileSystem: fileSystem)
    fileSystem.writeLimit = 100
    try store.recordAll { _ in (0..<20).map { (lead, .noteAdded("note \($0) " + String(repeating: "x", count: 300))) } }
    let reopened = try openStore(journal)
    #expect(reopened.warnings.isEmpty)
    #expect(reopened.pipeline[lead]?.notes.count == 20)
  }
}
