import Glibc
import PipelineCore

/// Lines ready to append: their bytes, and the id of the event on each line, in order.
public struct PreparedLines: Sendable {
  /// The lines, in parts written one after the other; each part ends with a whole line.
  public var parts: [[UInt8]]
  /// More parts, encoded while the ones before are written (a large batch).
  public var stream: EncodingStream?
  public var eventIDs: [String]

  public init(bytes: [UInt8], eventIDs: [String]) {
    self.init(parts: [bytes], eventIDs: eventIDs)
  }

  public init(parts: [[UInt8]], stream: EncodingStream? = nil, eventIDs: [String]) {
    self.parts = parts.filter { !$0.isEmpty }
    self.stream = stream
    self.eventIDs = eventIDs
  }

  var isEmpty: Bool { parts.isEmpty && (stream == nil || eventIDs.isEmpty) }

  /// Every part in order: those at hand, then those the stream encodes.
  func forEachPart(_ body: ([UInt8]) throws(JournalError) -> Void) throws(JournalError) {
    for part in parts { try body(part) }
    while let part = stream?.next() { try body(part) }
  }
}

/// What an append wrote: how many bytes, the journal's running checksum carried on over
/// them, and the last part (which ends with the last line).
struct WrittenLines {
  var count = 0
  var checksum: CRC32C.Running
  var last: [UInt8] = []

  init(continuing checksum: CRC32C.Running) { self.checksum = checksum }

  mutating func add(_ part: [UInt8]) {
    count += part.count
    checksum.update(part)
    last = part
  }
}

extension JournalFile {
  /// Appends complete lines under the exclusive lock, and returns once they are on disk.
  ///
  /// Lines that other processes appended since the last read are read first and handed to
  /// `apply`; `build` then makes the lines from the now current state, given the id of the
  /// last event in the journal (which the first line names as the one it follows). When
  /// anything fails, the file is truncated back and the error is thrown; `build`'s errors
  /// are thrown unchanged and nothing is written.
  ///
  /// Should the file at the path be replaced while the lines are written (an editor saving,
  /// `git checkout`), they went into a file nobody reads: the append starts again on the new
  /// file when it begins with everything read so far (`build` is called again), and fails
  /// otherwise. An append is never reported done unless its lines are in the file at the path.
  public func append(apply: (Event, Int) -> Void, build: (_ after: String?) throws -> PreparedLines) throws {
    for _ in 0..<3 {
      if let readOnlyReason { throw JournalError.readOnly(path: path, reason: readOnlyReason) }
      if let fault = faultRecord() {
        refusal = fault
        throw JournalError.readOnly(path: path, reason: fault)
      }
      _ = try lock(exclusive: true, wait: true)
      defer { fileSystem.unlock(descriptor) }
      _ = try confirmFile(exclusive: true, wait: true)
      let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
      knownTail = nil
      try recheckUnsettledLines(size: size)
      try scan(to: size, fileSize: size, apply: apply)
      // Anything left after the settled lines was left by a crash: nobody is writing (the
      // lock is ours).
      if let tail = cursor.tail(fileSize: size) { try setAside(tail) }
      if let readOnlyReason { throw JournalError.readOnly(path: path, reason: readOnlyReason) }
      let prepared = try build(cursor.chainTip.eventID)
      defer { prepared.stream?.cancel() }
      guard !prepared.isEmpty else { return }
      var lines = WrittenLines(continuing: cursor.checksum)
      let start = cursor.offset
      if cursor.endsWithoutNewline {
        try writePart([0x0A], expectedStart: start, before: 0)
        lines.add([0x0A])
      }
      try prepared.forEachPart { (part) throws(JournalError) in
        try writePart(part, expectedStart: start, before: lines.count)
        lines.add(part)
      }
      try flush(expectedStart: start)
      let written: FileStatus
      do {
        written = try fileSystem.status(descriptor)
      } catch {
        try rollBack(to: cursor.offset, after: error, detail: "Closer could not look at the journal after writing")
      }
      guard try stillAtPath(after: cursor.offset) else { continue }
      cursor.appended(lines, eventIDs: prepared.eventIDs, lineCount: prepared.eventIDs.count)
      fingerprints.update(cursor, appended: lines.last)
      scannedLine = nil
      lastSeen = (written.size, written.modified)
      return
    }
    throw JournalError.replaced(path: path, detail: "kept being replaced while Closer wrote to it; nothing was saved")
  }

  /// Writes the header of a new journal (under the exclusive lock).
  func writeHeader(replica: String) throws(JournalError) {
    let header = JournalHeader(created: now(), replica: replica)
    let bytes = EventCodec.encode(header)
    try write([bytes], expectedStart: 0)
    cursor.wroteHeader(bytes, header)
    try fingerprints.update(self)
  }

  /// Writes all of `bytes` at the end of the file, then flushes; on any failure the file goes
  /// back to `expectedStart` bytes. Several calls when one is not enough (a batch larger
  /// than the system writes at once): readers take a batch whole or not at all anyway.
  private func write(_ parts: [[UInt8]], expectedStart: Int64) throws(JournalError) {
    var before = 0
    for bytes in parts {
      try writePart(bytes, expectedStart: expectedStart, before: before)
      before += bytes.count
    }
    try flush(expectedStart: expectedStart)
  }

  /// Writes all of one part at the end of the file; `before` bytes of the append are
  /// already there. On a failure the file goes back to `expectedStart` bytes.
  private func writePart(_ bytes: [UInt8], expectedStart: Int64, before: Int) throws(JournalError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { raw in
        Result { () throws(SystemError) in
          try fileSystem.append(descriptor, UnsafeRawBufferPointer(rebasing: raw[written...]))
        }
      }
      let count: Int
      do {
        count = try result.get()
      } catch {
        try rollBack(to: expectedStart, after: error, detail: "the write failed")
      }
      guard count > 0 else {
        let error = SystemError("short write to", path: path, code: ENOSPC)
        try rollBack(to: expectedStart, after: error, detail: "only \(before + written) bytes were written")
      }
      written += count
    }
  }

  /// Flushes what was written to disk; on a failure the file goes back to `expectedStart`.
  private func flush(expectedStart: Int64) throws(JournalError) {
    do {
      try fileSystem.sync(descriptor)
    } catch {
      try rollBack(to: expectedStart, after: error, detail: "the flush to disk failed", flushFailed: true)
    }
  }

  /// Takes a failed append back out of the file.
  ///
  /// After a failed flush the disk may hold other bytes than the ones read back, so this
  /// process writes nothing more (PostgreSQL stops for the same reason). The rollback itself
  /// is flushed, so the file on disk holds exactly the acknowledged lines, and the next
  /// process may write. When the rollback fails too, the change may or may not be in the
  /// file: that is recorded next to the journal (`faultRecord`), and every process refuses to
  /// write until the rep has looked.
  func rollBack(to size: Int64, after error: SystemError, detail: String, flushFailed: Bool = false)
    throws(JournalError) -> Never
  {
    do {
      try fileSystem.truncate(descriptor, to: size)
      try fileSystem.sync(descriptor)
    } catch {
      let reason =
        "a write to it failed (\(error)) and could not be undone, so its last change may or may not be in it; check the disk, run `closer check`, then remove \(Self.faultPath(path)) to write again"
      refusal = reason
      recordFault(reason)
      throw .appendUncertain(path: path, error, detail: detail)
    }
    if flushFailed {
      refusal =
        "a flush to disk failed (\(error)); nothing more is written from here. Check the disk, then open the journal again"
    }
    throw .appendFailed(path: path, error, detail: detail)
  }

  /// Whether the file just written to is still the one at the path. When the path cannot
  /// be looked up, nobody can tell whether the lines are in the journal: they are taken
  /// out again, and the append fails.
  private func stillAtPath(after size: Int64) throws(JournalError) -> Bool {
    let current: FileStatus?
    do {
      current = try fileSystem.status(atPath: path)
    } catch {
      try rollBack(to: size, after: error, detail: "Closer could not check that the journal is still at its path")
    }
    guard let current else { return false }
    return current.isSameFile(as: identity)
  }

  // MARK: Torn tails

  /// Moves the bytes after the settled lines to a side file, byte for byte, then cuts them
  /// off. Only under the exclusive lock: nobody else is writing them.
  func setAside(_ tail: Tail) throws(JournalError) {
    let bytes = try readBytes(at: tail.start, count: Int(tail.bytes))
    guard bytes.count == Int(tail.bytes) else {
      throw .changedUnderneath(path: path, detail: "it shrank while its torn tail was being set aside")
    }
    let sidePath = freeSidePath("torn")
    try Self.wrap { () throws(SystemError) in
      let side = try fileSystem.open(sidePath, writable: true, create: true)
      defer { fileSystem.close(side) }
      try writeAll(bytes, to: side, path: sidePath)
      try fileSystem.sync(side)
      try fileSystem.syncDirectory(directory(of: sidePath))
      try fileSystem.truncate(descriptor, to: tail.start)
      try fileSystem.sync(descriptor)
    }
    cursor.rewindToSettled()
    knownTail = nil
    cursor.note(
      JournalWarning(line: cursor.lineCount + 1, .tornTail(bytes: tail.bytes, lines: tail.lines, sideFile: sidePath)))
  }

  /// A name next to the journal that nothing has yet: `journal.jsonl.KIND-<time>[-n]`.
  func freeSidePath(_ kind: String) -> String {
    let stamp = now().iso8601.filter { $0 != "-" && $0 != ":" && $0 != "." }
    var sidePath = "\(path).\(kind)-\(stamp)"
    var attempt = 1
    while fileSystem.exists(sidePath) {
      attempt += 1
      sidePath = "\(path).\(kind)-\(stamp)-\(attempt)"
    }
    return sidePath
  }

  func writeAll(_ bytes: [UInt8], to file: Int32, path: String) throws(SystemError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { raw in
        Result { () throws(SystemError) in
          try fileSystem.append(file, UnsafeRawBufferPointer(rebasing: raw[written...]))
        }
      }
      let count = try result.get()
      guard count > 0 else { throw SystemError("short write to", path: path, code: ENOSPC) }
      written += count
    }
  }

  // MARK: The fault record

  static func faultPath(_ journal: String) -> String { journal + ".fault" }

  /// Why writing is refused after an append that could not be undone, when such a record
  /// lies next to the journal.
  func faultRecord() -> String? {
    let recordPath = Self.faultPath(path)
    guard fileSystem.exists(recordPath) else { return nil }
    return
      "an earlier write to it failed and could not be undone (\(recordPath) says when); run `closer check`, then remove \(recordPath) to write again"
  }

  /// Leaves a note next to the journal, as far as the disk lets it.
  private func recordFault(_ reason: String) {
    let recordPath = Self.faultPath(path)
    guard let file = try? fileSystem.open(recordPath, writable: true, create: true) else { return }
    defer { fileSystem.close(file) }
    let text = "\(now().iso8601) \(path): \(reason)\n"
    try? writeAll(Array(text.utf8), to: file, path: recordPath)
    try? fileSystem.sync(file)
    try? fileSystem.syncDirectory(directory(of: recordPath))
  }
}

extension JournalCursor.ChainTip {
  /// The event the next line follows, if known.
  var eventID: String? {
    if case .event(let id) = self { return id }
    return nil
  }
}
