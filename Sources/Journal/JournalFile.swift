import Glibc
import PipelineCore

/// A point in a journal just after a complete line.
public struct JournalPosition: Equatable, Sendable {
  /// Bytes from the start of the file.
  public var offset: Int64
  /// Complete lines before it, the header included.
  public var lineCount: Int

  public init(offset: Int64, lineCount: Int) {
    self.offset = offset
    self.lineCount = lineCount
  }
}

/// One journal file: its lines read in order, and new lines appended durably.
///
/// Rules (docs/journal-format.md): a line is appended with one `write` on an `O_APPEND`
/// descriptor while holding an exclusive `flock`, then flushed with `fdatasync`; only then
/// is the append reported as done. A failed or short write or a failed flush is rolled back
/// by truncating to the size before the append, so no partial line is ever left behind.
/// The file is never rewritten: the only other change is moving a torn last line (left
/// by a crash) to a side file.
public final class JournalFile {
  public enum Access: Sendable {
    /// Create the journal when missing, repair a torn tail, allow appends.
    case readWrite
    /// Never change the file.
    case readOnly
  }

  public let path: String
  public private(set) var header: JournalHeader
  /// Why appends are refused, or nil when they are allowed.
  public private(set) var readOnlyReason: String?
  /// Problems found so far, in the order they were found.
  public private(set) var warnings: [JournalWarning] = []
  /// Bytes consumed so far; always the end of a complete line.
  public private(set) var offset: Int64 = 0
  /// Complete lines consumed so far, the header included.
  public private(set) var lineCount = 0
  /// Where the last consumed line starts; with `offset`, it identifies the journal's
  /// content so far for a snapshot.
  public private(set) var lastLineStart: Int64 = 0
  /// CRC-32C of the header line, newline included: the journal's identity.
  public private(set) var headerChecksum: UInt32 = 0
  /// Whether reading started from a snapshot's position instead of the first line.
  public private(set) var resumed = false

  public var position: JournalPosition { JournalPosition(offset: offset, lineCount: lineCount) }

  private let fileSystem: FileSystem
  private let descriptor: Int32
  private let now: () -> Timestamp

  public var isReadOnly: Bool { readOnlyReason != nil }

  /// Opens the journal at `path` and reads every line, handing each event to `apply` with
  /// its line number.
  ///
  /// With `resume`, reading starts after the lines a snapshot covers, provided the journal
  /// still holds them unchanged; `start` is told, before any event, whether it does.
  public init(
    path: String, access: Access, replica: String, fileSystem: FileSystem = PosixFileSystem(),
    now: @escaping () -> Timestamp, resume: SnapshotSeal? = nil, resumeOnly: Bool = false,
    start: (Bool) -> Void = { _ in }, apply: (Event, Int) -> Void
  ) throws(JournalError) {
    self.path = path
    self.fileSystem = fileSystem
    self.now = now
    var created = false
    if !fileSystem.exists(path) {
      guard access == .readWrite else { throw .missing(path: path) }
      do {
        try fileSystem.createDirectories(directory(of: path))
        let descriptor = try fileSystem.open(path, writable: true, create: true)
        fileSystem.close(descriptor)
        created = true
      } catch let error where error.code == EEXIST {
        // Another process created it first; open theirs.
      } catch {
        throw .system(error)
      }
    }
    var opened: Int32
    var reason: String?
    do {
      opened = try fileSystem.open(path, writable: access == .readWrite, create: false)
    } catch let error where access == .readWrite && (error.code == EACCES || error.code == EROFS) {
      opened = try Self.wrap { () throws(SystemError) in try fileSystem.open(path, writable: false, create: false) }
      reason = "the file is not writable (\(error))"
    } catch {
      throw .system(error)
    }
    descriptor = opened
    header = JournalHeader(created: now(), replica: replica)
    readOnlyReason = access == .readOnly ? "opened for reading only" : reason
    do throws(JournalError) {
      if created { try Self.wrap { () throws(SystemError) in try fileSystem.syncDirectory(directory(of: path)) } }
      if let resume, try self.resume(from: resume) {
        resumed = true
      }
      if resumeOnly && !resumed { throw .snapshotOutOfDate(path: path) as JournalError }
      start(resumed)
      try readAll(replica: replica, apply: apply)
    } catch {
      fileSystem.close(descriptor)
      throw error
    }
  }

  deinit { fileSystem.close(descriptor) }

  /// Checks that the journal still starts with the header and holds the line a snapshot
  /// ended on; if so, positions reading after it.
  private func resume(from seal: SnapshotSeal) throws(JournalError) -> Bool {
    let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    let end = seal.position.offset
    guard seal.position.lineCount >= 1, end <= size, seal.lastLineStart < end, end - seal.lastLineStart <= 1 << 24
    else { return false }
    let head = try readBytes(at: 0, count: Int(min(size, 1 << 16)))
    guard let newline = head.firstIndex(of: 0x0A), CRC32C.checksum(Array(head[...newline])) == seal.headerChecksum
    else { return false }
    let last = try readBytes(at: seal.lastLineStart, count: Int(end - seal.lastLineStart))
    guard last.last == 0x0A, CRC32C.checksum(last) == seal.lastLineChecksum else { return false }
    let headerLine = Array(head[..<newline])
    do {
      header = try headerLine.withUnsafeBufferPointer { buffer throws(LineError) in
        try EventCodec.decodeHeader(buffer)
      }
    } catch {
      return false
    }
    guard header.major <= JournalHeader.currentMajor else { return false }
    headerChecksum = seal.headerChecksum
    offset = end
    lineCount = seal.position.lineCount
    lastLineStart = seal.lastLineStart
    return true
  }

  private func readBytes(at start: Int64, count: Int) throws(JournalError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let chunk = bytes.withUnsafeMutableBytes { [filled] raw in
        let target = UnsafeMutableRawBufferPointer(rebasing: raw[filled...])
        return Result { () throws(SystemError) in
          try fileSystem.read(descriptor, into: target, at: start + Int64(filled))
        }
      }
      let got = try Self.wrap { () throws(SystemError) in try chunk.get() }
      guard got > 0 else { break }
      filled += got
    }
    return Array(bytes[..<filled])
  }

  /// CRC-32C of the last consumed line, newline included (for a snapshot's seal).
  public func lastLineChecksum() throws(JournalError) -> UInt32 {
    CRC32C.checksum(try readBytes(at: lastLineStart, count: Int(offset - lastLineStart)))
  }

  // MARK: Reading

  /// Reads lines that other processes appended since the last read.
  ///
  /// With `limit`, reads about that many bytes (at least one whole line) and leaves the rest
  /// for the next call; returns whether more is waiting, so a reader that must stay
  /// responsive (the board) can take a large batch in slices. Without `waitForWriters`, a
  /// writer in the middle of an append (a big import flushing to disk) is not waited for:
  /// nothing is read, and the answer is that more is waiting.
  @discardableResult
  public func refresh(
    limit: Int64 = .max, waitForWriters: Bool = true, apply: (Event, Int) -> Void
  ) throws(JournalError) -> Bool {
    if waitForWriters {
      try Self.wrap { () throws(SystemError) in try fileSystem.lock(descriptor, exclusive: false) }
    } else {
      let locked = try Self.wrap { () throws(SystemError) in try fileSystem.tryLock(descriptor, exclusive: false) }
      guard locked else { return true }
    }
    defer { fileSystem.unlock(descriptor) }
    let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    let start = offset
    let (end, overflow) = offset.addingReportingOverflow(limit)
    try catchUp(to: overflow ? size : min(size, end), apply: apply)
    // A line longer than the limit: read on to its end.
    if offset == start && size > start { try catchUp(to: size, apply: apply) }
    return offset < size
  }

  private func readAll(replica: String, apply: (Event, Int) -> Void) throws(JournalError) {
    let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    let tail = try scan(to: size, apply: apply)
    if tail > 0 || lineCount == 0 {
      // A partial last line, or no header yet: maybe a writer is mid-append. Look again
      // under the lock, where no append can be in progress.
      if isReadOnly {
        if tail > 0 { warnings.append(JournalWarning(line: lineCount + 1, .tornTail(bytes: tail, sideFile: nil))) }
      } else {
        try lockExclusively()
        defer { fileSystem.unlock(descriptor) }
        let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
        let tail = try scan(to: size, apply: apply)
        if tail > 0 { try setAsideTail(size: size) }
        if lineCount == 0 { try writeHeader(replica: replica) }
      }
    }
  }

  /// Reads new complete lines up to `size`, or notes that the file shrank.
  private func catchUp(to size: Int64, apply: (Event, Int) -> Void) throws(JournalError) {
    guard size >= offset else {
      let detail = "it is now \(size) bytes, shorter than the \(offset) already read"
      readOnlyReason = "the file changed underneath Closer (\(detail))"
      throw .changedUnderneath(path: path, detail: detail)
    }
    if size > offset { _ = try scan(to: size, apply: apply) }
  }

  /// Reads complete lines from `offset` up to `end`; returns the length of the partial
  /// line left after the last newline.
  private func scan(to end: Int64, apply: (Event, Int) -> Void) throws(JournalError) -> Int {
    let chunkSize = 4 << 20
    var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), max(end - offset, 1))))
    var carried = 0  // bytes of a partial line kept at the start of the buffer
    var position = offset
    while position < end {
      if carried == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
      let want = Int(min(Int64(buffer.count - carried), end - position))
      let read = buffer.withUnsafeMutableBytes { [carried, position] raw in
        let target = UnsafeMutableRawBufferPointer(rebasing: raw[carried..<(carried + want)])
        return Result { () throws(SystemError) in try fileSystem.read(descriptor, into: target, at: position) }
      }
      let got = try Self.wrap { () throws(SystemError) in try read.get() }
      guard got > 0 else { break }
      position += Int64(got)
      let filled = carried + got
      let consumed = buffer.withUnsafeBufferPointer { bytes in
        consumeLines(UnsafeBufferPointer(rebasing: bytes[..<filled]), apply: apply)
      }
      carried = filled - consumed
      if consumed > 0 && carried > 0 {
        buffer.withUnsafeMutableBytes { raw in
          raw.baseAddress!.copyMemory(from: raw.baseAddress! + consumed, byteCount: carried)
        }
      }
    }
    return carried
  }

  /// Handles every complete line in `bytes`; returns how many bytes that was.
  private func consumeLines(_ bytes: UnsafeBufferPointer<UInt8>, apply: (Event, Int) -> Void) -> Int {
    var start = 0
    let base = UnsafeRawPointer(bytes.baseAddress!)
    while start < bytes.count {
      guard let found = memchr(base + start, 0x0A, bytes.count - start) else { break }
      let end = base.distance(to: UnsafeRawPointer(found))
      let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
      lineCount += 1
      lastLineStart = offset
      offset += Int64(end - start + 1)
      if lineCount == 1 {
        headerChecksum = CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...end])))
      }
      handle(line, apply: apply)
      start = end + 1
    }
    return start
  }

  private var unknownEvents = 0
  private var decoder = EventDecoder()

  private func handle(_ line: UnsafeBufferPointer<UInt8>, apply: (Event, Int) -> Void) {
    if lineCount == 1 {
      do {
        header = try EventCodec.decodeHeader(line)
        if header.major > JournalHeader.currentMajor {
          warnings.append(JournalWarning(line: 1, .newerVersion(header.version)))
          readOnlyReason = "it was written by a newer Closer (format \(header.version))"
        }
      } catch {
        warnings.append(JournalWarning(line: 1, .damagedLine(error)))
        readOnlyReason = "line 1 is not a valid journal header"
      }
      return
    }
    do {
      let event = try decoder.decode(line)
      if case .unknown = event.change { unknownEvents += 1 }
      apply(event, lineCount)
    } catch {
      warnings.append(JournalWarning(line: lineCount, .damagedLine(error)))
      if readOnlyReason == nil {
        readOnlyReason = "line \(lineCount) is damaged; `closer check` lists every damaged line"
      }
    }
  }

  /// The number of events of unknown types read so far.
  public var unknownEventCount: Int { unknownEvents }

  // MARK: Writing

  /// Appends one or more complete lines as one write, under the exclusive lock.
  ///
  /// Lines that other processes appended since the last read are read first and handed to
  /// `apply`; `build` then makes the bytes to append from the now current state. When
  /// anything fails, the file is truncated back and the error is thrown; `build`'s errors
  /// are thrown unchanged and nothing is written.
  public func append(apply: (Event, Int) -> Void, build: () throws -> [UInt8]) throws {
    if let readOnlyReason { throw JournalError.readOnly(path: path, reason: readOnlyReason) }
    try lockExclusively()
    defer { fileSystem.unlock(descriptor) }
    let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    try catchUp(to: size, apply: apply)
    if offset < size {
      // A partial line nobody is writing (we hold the lock): a crash left it.
      try setAsideTail(size: size)
    }
    if let readOnlyReason { throw JournalError.readOnly(path: path, reason: readOnlyReason) }
    let bytes = try build()
    guard !bytes.isEmpty else { return }
    try write(bytes, expectedStart: offset)
    let lastStart = bytes.dropLast().lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    lastLineStart = offset + Int64(lastStart)
    lineCount += bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    offset += Int64(bytes.count)
  }

  /// One write, then a flush; on any failure the file goes back to `expectedStart` bytes.
  private func write(_ bytes: [UInt8], expectedStart: Int64) throws(JournalError) {
    let written: Int
    do {
      written = try appendOnce(descriptor, bytes)
    } catch {
      try rollBack(to: expectedStart, after: error, detail: "the write failed")
    }
    guard written == bytes.count else {
      let error = SystemError("short write to", path: path, code: ENOSPC)
      try rollBack(
        to: expectedStart, after: error, detail: "only \(written) of \(bytes.count) bytes were written")
    }
    do {
      try fileSystem.sync(descriptor)
    } catch {
      try rollBack(to: expectedStart, after: error, detail: "the flush to disk failed")
    }
  }

  private func rollBack(to size: Int64, after error: SystemError, detail: String) throws(JournalError) -> Never {
    do {
      try fileSystem.truncate(descriptor, to: size)
      try fileSystem.sync(descriptor)
    } catch {
      readOnlyReason =
        "an append failed and could not be undone (\(error)); run `closer check` and reopen"
    }
    throw .appendFailed(path: path, error, detail: detail)
  }

  private func writeHeader(replica: String) throws(JournalError) {
    header = JournalHeader(created: now(), replica: replica)
    let bytes = EventCodec.encode(header)
    try write(bytes, expectedStart: 0)
    lineCount = 1
    lastLineStart = 0
    offset = Int64(bytes.count)
    headerChecksum = CRC32C.checksum(bytes)
  }

  /// Moves the bytes after the last complete line to a side file, then cuts them off.
  private func setAsideTail(size: Int64) throws(JournalError) {
    let count = Int(size - offset)
    var tail = [UInt8](repeating: 0, count: count)
    let start = offset
    let read = tail.withUnsafeMutableBytes { raw in
      Result { () throws(SystemError) in try fileSystem.read(descriptor, into: raw, at: start) }
    }
    _ = try Self.wrap { () throws(SystemError) in try read.get() }
    let stamp = now().iso8601.filter { $0 != "-" && $0 != ":" && $0 != "." }
    var sidePath = "\(path).torn-\(stamp)"
    var attempt = 1
    while fileSystem.exists(sidePath) {
      attempt += 1
      sidePath = "\(path).torn-\(stamp)-\(attempt)"
    }
    try Self.wrap { () throws(SystemError) in
      let side = try fileSystem.open(sidePath, writable: true, create: true)
      defer { fileSystem.close(side) }
      let written = try appendOnce(side, tail)
      guard written == tail.count else { throw SystemError("short write to", path: sidePath, code: ENOSPC) }
      try fileSystem.sync(side)
      try fileSystem.syncDirectory(directory(of: sidePath))
      try fileSystem.truncate(descriptor, to: offset)
      try fileSystem.sync(descriptor)
    }
    warnings.append(JournalWarning(line: lineCount + 1, .tornTail(bytes: count, sideFile: sidePath)))
  }

  private func lockExclusively() throws(JournalError) {
    try Self.wrap { () throws(SystemError) in try fileSystem.lock(descriptor, exclusive: true) }
  }

  /// One `write` of all of `bytes` (or fewer, on a short write).
  private func appendOnce(_ target: Int32, _ bytes: [UInt8]) throws(SystemError) -> Int {
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(SystemError) in try fileSystem.append(target, raw) }
    }
    return try result.get()
  }

  private static func wrap<T>(_ body: () throws(SystemError) -> T) throws(JournalError) -> T {
    do { return try body() } catch { throw .system(error) }
  }
}
