import Foundation
import Glibc
import Testing

@testable import Journal
@testable import PipelineCore

/// The real file system, except that one chosen call fails the way disks and kernels do.
final class FaultyFileSystem: FileSystem, @unchecked Sendable {
  enum Fault: CaseIterable, Sendable {
    case eio, enospc, shortWrite, flushFails
  }

  private let real = PosixFileSystem()
  private let lock = NSLock()
  private var calls = 0
  /// The 0-based call (counted from `arm`) that fails, if any.
  private var failingCall: Int?
  private var fault = Fault.eio
  private(set) var injected = false

  func arm(_ fault: Fault, atCall call: Int) {
    lock.lock()
    defer { lock.unlock() }
    self.fault = fault
    failingCall = call
    calls = 0
    injected = false
  }

  func disarm() {
    lock.lock()
    defer { lock.unlock() }
    failingCall = nil
  }

  /// Whether this call is the one to fail.
  private func strike(_ operation: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    defer { calls += 1 }
    guard let failingCall, calls == failingCall else { return false }
    injected = true
    return true
  }

  private var errorCode: Int32 { fault == .enospc ? ENOSPC : EIO }

  func open(_ path: String, writable: Bool, create: Bool) throws(SystemError) -> Int32 {
    if strike("open") { throw SystemError("open", path: path, code: errorCode) }
    return try real.open(path, writable: writable, create: create)
  }

  func close(_ descriptor: Int32) { real.close(descriptor) }

  func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError)
    -> Int
  {
    if strike("read") { throw SystemError("read", path: "", code: errorCode) }
    return try real.read(descriptor, into: buffer, at: offset)
  }

  func append(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
    if strike("append") {
      switch fault {
      case .shortWrite, .flushFails:
        // The disk fills up part-way: some bytes land, the call reports fewer.
        return try real.append(descriptor, UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count / 2)]))
      case .eio, .enospc:
        throw SystemError("write", path: "", code: errorCode)
      }
    }
    return try real.append(descriptor, bytes)
  }

  func sync(_ descriptor: Int32) throws(SystemError) {
    if strike("sync") { throw SystemError("fdatasync", path: "", code: EIO) }
    try real.sync(descriptor)
  }

  func size(_ descriptor: Int32) throws(SystemError) -> Int64 {
    if strike("size") { throw SystemError("fstat", path: "", code: errorCode) }
    return try real.size(descriptor)
  }

  func truncate(_ descriptor: Int32, to size: Int64) throws(SystemError) {
    if strike("truncate") { throw SystemError("ftruncate", path: "", code: errorCode) }
    try real.truncate(descriptor, to: size)
  }

  func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) {
    if strike("lock") { throw SystemError("flock", path: "", code: errorCode) }
    try real.lock(descriptor, exclusive: exclusive)
  }

  func unlock(_ descriptor: Int32) { real.unlock(descriptor) }

  func syncDirectory(_ path: String) throws(SystemError) {
    if strike("syncDirectory") { throw SystemError("fsync", path: path, code: EIO) }
    try real.syncDirectory(path)
  }

  func createDirectories(_ path: String) throws(SystemError) { try real.createDirectories(path) }

  func exists(_ path: String) -> Bool { real.exists(path) }

  func rename(_ source: String, to destination: String) throws(SystemError) {
    if strike("rename") { throw SystemError("rename", path: destination, code: errorCode) }
    try real.rename(source, to: destination)
  }

  func remove(_ path: String) { real.remove(path) }
}

@Suite struct FaultInjectionTests {
  /// Every fault at every call an append makes: the append reports the error, the file is
  /// byte for byte as before, the state is unchanged, and the next append works.
  @Test(arguments: FaultyFileSystem.Fault.allCases)
  func aFailedAppendLeavesNoTrace(fault: FaultyFileSystem.Fault) throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let fileSystem = FaultyFileSystem()
    let store = try openStore(path, fileSystem: fileSystem)
    let ana = try addLead(store, "Ana")
    var failures = 0
    for call in 0..<12 {
      let before = readBytes(path)
      let leadsBefore = store.pipeline.leads
      fileSystem.arm(fault, atCall: call)
      do {
        try store.record { _ in (ana, .noteAdded("attempt \(call)")) }
      } catch {
        failures += 1
        #expect(fileSystem.injected)
        #expect(readBytes(path) == before, "\(fault) at call \(call)")
        #expect(store.pipeline.leads == leadsBefore, "\(fault) at call \(call)")
        #expect(!store.journal.isReadOnly)
      }
      fileSystem.disarm()
      if !fileSystem.injected { break }  // the append made fewer calls than this
    }
    #expect(failures >= 3)
    try store.record { _ in (ana, .noteAdded("after the faults")) }
    let reopened = try openStore(path)
    #expect(reopened.warnings.isEmpty)
    #expect(reopened.pipeline[ana]?.notes.last?.text == "after the faults")
    #expect(reopened.pipeline[ana]?.notes.count == store.pipeline[ana]?.notes.count)
  }

  @Test func aFailedFlushWhoseRollBackAlsoFailsMakesTheJournalReadOnly() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    let fileSystem = FaultyFileSystem()
    let store = try openStore(path, fileSystem: fileSystem)
    let ana = try addLead(store, "Ana")
    // Calls of an append: lock, size, append, sync (fails), truncate (fails too).
    fileSystem.arm(.flushFails, atCall: 3)
    #expect(throws: JournalError.self) { try store.record { _ in (ana, .won) } }
    fileSystem.disarm()
    #expect(store.pipeline[ana]?.status == .open)
  }

  @Test func failuresWhileCreatingAJournalAreReported() throws {
    let dir = TemporaryDirectory()
    let fileSystem = FaultyFileSystem()
    for call in 0..<6 {
      let path = dir.file("new-\(call).jsonl")
      fileSystem.arm(.eio, atCall: call)
      do {
        _ = try openStore(path, fileSystem: fileSystem)
      } catch {
        #expect(error is JournalError)
      }
      fileSystem.disarm()
      // Whatever happened, the journal opens cleanly afterwards.
      let store = try openStore(path)
      #expect(store.warnings.filter(\.isDamage).isEmpty)
      try addLead(store, "Ana")
    }
  }
}
