import Dispatch
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
/// Rules (docs/journal-format.md): lines are appended while holding an exclusive `flock`,
/// then flushed with `fdatasync`; only then is the append reported as done. A failed write
/// or flush is rolled back by truncating to the size before the append. Readers read under
/// a shared lock, so they never take a line being written for a crash. The file is never
/// rewritten: the only other change is moving a torn tail (left by a crash) to a side file.
///
/// The journal is the file at the path: before every read and append, Closer checks that
/// the file it holds is still the one there, unchanged in the part already read
/// (`JournalFile+Identity.swift`).
public final class JournalFile {
  public enum Access: Sendable {
    /// Create the journal when missing, repair a torn tail, allow appends.
    case readWrite
    /// Never change the file.
    case readOnly
  }

  public let path: String
  public let access: Access
  /// Why appends are refused, or nil when they are allowed.
  public var readOnlyReason: String? { refusal ?? cursor.damage }
  /// Why appends are refused, apart from damage in the lines read.
  var refusal: String?
  /// Whether reading started from a snapshot's position instead of the first line.
  public private(set) var resumed = false

  let fileSystem: FileSystem
  let now: () -> Timestamp
  var descriptor: Int32
  /// The file `descriptor` is: compared with what the path names before every read and append.
  var identity: FileStatus
  var cursor = JournalCursor()
  /// Checksums of the header line and of the last settled bytes, to notice a change in the
  /// part already read without reading all of it again.
  var fingerprints = Fingerprints()
  /// A torn tail seen under the shared lock, and the file's size and time then: while they
  /// stay the same, there is nothing new to read.
  var knownTail: (size: Int64, modified: Int64)?
  /// The file's size and modification time when this process last read or wrote it: a file
  /// written to since without growing was changed in place.
  var lastSeen: (size: Int64, modified: Int64)?
  /// The last line read past the settled ones, and its checksum.
  var scannedLine: (start: Int64, end: Int64, checksum: UInt32)?
  /// Set once the file at the path is no longer the one read: nothing more is read or written.
  var lost = false

  public var header: JournalHeader {
    cursor.header ?? JournalHeader(created: .init(millisecondsSinceEpoch: 0), replica: "")
  }
  /// Problems found so far, in the order they were found.
  public var warnings: [JournalWarning] { cursor.warnings }
  /// Bytes settled so far; always the end of a complete line.
  public var offset: Int64 { cursor.offset }
  /// Complete lines settled so far, the header included.
  public var lineCount: Int { cursor.lineCount }
  public var position: JournalPosition { JournalPosition(offset: offset, lineCount: lineCount) }
  public var isReadOnly: Bool { readOnlyReason != nil }
  /// The number of events of unknown types read so far.
  public var unknownEventCount: Int { cursor.unknownEvents }

  /// Opens the journal at `path` and reads every line, handing each event to `apply` with
  /// its line number.
  ///
  /// With `resume`, reading starts after the lines a snapshot covers, provided the journal
  /// still begins with exactly the bytes it covers; `start` is told, before any event,
  /// whether it does.
  public init(
    path: String, access: Access, replica: String, fileSystem: FileSystem = PosixFileSystem(),
    now: @escaping () -> Timestamp, resume: JournalResume? = nil, resumeOnly: Bool = false,
    decodeAsideFrom: Int64 = JournalFile.defaultDecodeAsideFrom, takingLocks: Bool = true,
    start: (Bool) -> Void = { _ in }, apply: (Event, Int) -> Void
  ) throws(JournalError) {
    self.path = path
    self.takesLocks = takingLocks
    self.decodeAsideFrom = decodeAsideFrom
    self.access = access
    self.fileSystem = fileSystem
    self.now = now
    let found = try Self.wrap { () throws(SystemError) in try fileSystem.status(atPath: path) }
    if let found, found.kind != .regular {
      throw .notAJournal(path: path, reason: "it is \(found.kind)")
    }
    if found == nil {
      guard access == .readWrite else { throw .missing(path: path) }
      try Self.create(path, fileSystem: fileSystem)
    }
    var reason: String?
    do {
      descriptor = try fileSystem.open(path, writable: access == .readWrite, create: false)
    } catch let error where access == .readWrite && (error.code == EACCES || error.code == EROFS) {
      descriptor = try Self.wrap { () throws(SystemError) in try fileSystem.open(path, writable: false, create: false) }
      reason = "the file is not writable (\(error))"
    } catch {
      throw .system(error)
    }
    identity = FileStatus(kind: .other, device: 0, inode: 0, size: 0)
    // Every stored property is set: from here on, `deinit` closes the descriptor.
    identity = try Self.wrap { () throws(SystemError) in try fileSystem.status(descriptor) }
    guard identity.kind == .regular else { throw .notAJournal(path: path, reason: "it is \(identity.kind)") }
    refusal = access == .readOnly ? "opened for reading only" : reason
    if let fault = faultRecord() {
      cursor.note(JournalWarning(line: nil, .uncertainAppend(fault)))
      if access == .readWrite { refusal = fault }
    }
    if let resume, try self.resume(from: resume, quick: resumeOnly) {
      resumed = true
    }
    if resumeOnly && !resumed { throw .snapshotOutOfDate(path: path) }
    start(resumed)
    try readAll(replica: replica, apply: apply)
  }

  deinit { fileSystem.close(descriptor) }

  /// From how many bytes on a read decodes on another thread (`DecodingStream`).
  let decodeAsideFrom: Int64

  /// Whether reading takes the journal's lock. Off only for reading again lines a
  /// snapshot covers, which are settled and never change (`TeamMerge.readHistory`): that
  /// read may run while this process holds the lock to append, and must not wait for it.
  let takesLocks: Bool

  /// Creates a new, empty journal and flushes every directory on its path, so that neither
  /// the file nor a directory made for it is lost in a crash; also when another process
  /// created it a moment earlier and may not have flushed them yet.
  private static func create(_ path: String, fileSystem: FileSystem) throws(JournalError) {
    do {
      try fileSystem.createDirectories(directory(of: path))
      let descriptor = try fileSystem.open(path, writable: true, create: true)
      fileSystem.close(descriptor)
    } catch let error where error.code == EEXIST {
      // Another process created it first; open theirs.
    } catch {
      throw .system(error)
    }
    var directory = directory(of: path)
    while true {
      try wrap { () throws(SystemError) in try fileSystem.syncDirectory(directory) }
      let parent = Journal.directory(of: directory)
      if parent == directory || directory == "." { break }
      directory = parent
    }
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
    guard !lost else { return false }
    guard try lock(exclusive: false, wait: waitForWriters) else { return true }
    defer { fileSystem.unlock(descriptor) }
    guard try confirmFile(exclusive: false, wait: waitForWriters) else { return true }
    let status = try Self.wrap { () throws(SystemError) in try fileSystem.status(descriptor) }
    if let knownTail, knownTail == (status.size, status.modified) { return false }
    try recheckUnsettledLines(size: status.size)
    let start = cursor.scanOffset
    let (end, overflow) = start.addingReportingOverflow(limit)
    try scan(to: overflow ? status.size : min(status.size, end), fileSize: status.size, apply: apply)
    // A line longer than the limit: read on to its end.
    if cursor.scanOffset == start && status.size > start {
      try scan(to: status.size, fileSize: status.size, apply: apply)
    }
    if cursor.scanOffset >= status.size, let tail = cursor.tail(fileSize: status.size) {
      // Under the shared lock no append is under way: a crash left this. The next append
      // (from here or anywhere) moves it aside; until the file changes, it is not read again.
      knownTail = (status.size, status.modified)
      cursor.note(
        JournalWarning(line: cursor.lineCount + 1, .tornTail(bytes: tail.bytes, lines: tail.lines, sideFile: nil)))
    }
    try fingerprints.update(self)
    try fingerprintUnsettledLines()
    lastSeen = (status.size, status.modified)
    return cursor.offset < status.size && knownTail == nil
  }

  /// Remembers the file's size and time as this process leaves it.
  func noteFileState() throws(JournalError) {
    let status = try Self.wrap { () throws(SystemError) in try fileSystem.status(descriptor) }
    lastSeen = (status.size, status.modified)
  }

  /// Lines read after the settled ones (a batch read in part, a torn tail) are read again
  /// when the file may have changed under them since: a tail that was seen changed, or the
  /// last line read is no longer the same (another process set the tail aside and wrote
  /// new lines in its place).
  func recheckUnsettledLines(size: Int64) throws(JournalError) {
    guard cursor.scanOffset > cursor.offset else { return }
    var same = false
    if knownTail == nil, size >= cursor.scanOffset, let scanned = scannedLine, scanned.end == cursor.scanOffset {
      let bytes = try readBytes(at: scanned.start, count: Int(cursor.scanOffset - scanned.start))
      same = CRC32C.checksum(bytes) == scanned.checksum
    }
    if !same {
      knownTail = nil
      scannedLine = nil
      cursor.rewindToSettled()
    }
  }

  /// Remembers the last line read past the settled ones (see `recheckUnsettledLines`).
  func fingerprintUnsettledLines() throws(JournalError) {
    guard cursor.scanOffset > cursor.offset else {
      scannedLine = nil
      return
    }
    let start = cursor.lastScanStart
    let bytes = try readBytes(at: start, count: Int(cursor.scanOffset - start))
    scannedLine = (start, cursor.scanOffset, CRC32C.checksum(bytes))
  }

  /// Reads the whole journal on opening: most of it without holding the lock, so that a long
  /// replay does not keep writers waiting, then the end under the lock, where no append can
  /// be under way, so a line still being written is never taken for a crash's leftovers.
  private func readAll(replica: String, apply: (Event, Int) -> Void) throws(JournalError) {
    // How far the journal is complete: measured where no writer is in the middle of an
    // append that it could still roll back.
    _ = try lock(exclusive: false, wait: true)
    let settledSize = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    let start = try startOfFile()
    fileSystem.unlock(descriptor)
    if case .notAJournal(let reason) = start { throw .notAJournal(path: path, reason: reason) }
    if case .journal = start, settledSize > cursor.scanOffset {
      // Lines run to 200 bytes and more: room for their ids at once.
      cursor.reserveEventIDs(Int((settledSize - cursor.scanOffset) / 256))
      try scan(to: settledSize, fileSize: .max, apply: apply)
    }

    let writable = !isReadOnly
    _ = try lock(exclusive: writable, wait: true)
    defer { fileSystem.unlock(descriptor) }
    // Lines read past the settled ones without the lock may have been a torn tail that
    // another process has set aside since, and written new lines in its place: read them
    // again. (What is settled never changes: nothing truncates below it.)
    cursor.rewindToSettled()
    let status = try Self.wrap { () throws(SystemError) in try fileSystem.status(descriptor) }
    let size = status.size
    var tail: Tail?
    switch try startOfFile() {
    case .notAJournal(let reason): throw .notAJournal(path: path, reason: reason)
    case .tornHeader: tail = Tail(start: 0, bytes: size, lines: 0)
    case .empty, .journal:
      try scan(to: size, fileSize: size, apply: apply)
      tail = cursor.tail(fileSize: size)
    }
    if let tail {
      // A damaged journal is left exactly as it is, tail and all.
      if writable && !isReadOnly {
        try setAside(tail)
      } else {
        cursor.note(
          JournalWarning(line: cursor.lineCount + 1, .tornTail(bytes: tail.bytes, lines: tail.lines, sideFile: nil)))
        knownTail = (status.size, status.modified)
      }
    }
    if cursor.lineCount == 0 && writable && !isReadOnly { try writeHeader(replica: replica) }
    try fingerprints.update(self)
    try fingerprintUnsettledLines()
    try noteFileState()
  }

  enum FileStart: Equatable {
    case empty, journal, tornHeader
    case notAJournal(String)
  }

  /// What the first line says the file is. Anything but a journal, an empty file or the
  /// beginning of a header (a crash while creating the journal) is left alone.
  private func startOfFile() throws(JournalError) -> FileStart {
    guard cursor.lineCount == 0 else { return .journal }
    let head = try readBytes(at: 0, count: 1 << 16)
    guard !head.isEmpty else { return .empty }
    let marker = Array(#"{"format":"closer-journal""#.utf8)
    guard let newline = head.firstIndex(of: 0x0A) else {
      let whole = head.withUnsafeBufferPointer { line in (try? EventCodec.decodeHeader(line)) != nil }
      if whole { return .journal }  // a sound header that only lacks its newline
      if head.starts(with: marker) || marker.starts(with: head) { return .tornHeader }
      return .notAJournal(
        head.count == 1 << 16
          ? "its first 64 KiB hold no line break" : "it does not begin with a journal header")
    }
    let first = head[..<newline]
    guard first.firstRange(of: Array(#""format":"closer-journal""#.utf8)) != nil else {
      return .notAJournal("its first line is not a journal header")
    }
    return .journal
  }

  /// Reads complete lines from where reading stopped up to `end`; at the end of the file
  /// (`end == fileSize`), also the bytes after the last newline, which settle if they are a
  /// complete line that only lacks its newline.
  func scan(to end: Int64, fileSize: Int64, apply: (Event, Int) -> Void) throws(JournalError) {
    guard end > cursor.scanOffset else {
      if end == fileSize { cursor.reachedEnd() }
      return
    }
    if end - cursor.scanOffset >= decodeAsideFrom {
      try scanDecodingAside(to: end, fileSize: fileSize, apply: apply)
      return
    }
    let chunkSize = 4 << 20
    var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), max(end - cursor.scanOffset, 1))))
    var carried = 0  // bytes of a partial line kept at the start of the buffer
    var position = cursor.scanOffset
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
        takeLines(UnsafeBufferPointer(rebasing: bytes[..<filled]), apply: apply)
      }
      carried = filled - consumed
      if consumed > 0 && carried > 0 {
        buffer.withUnsafeMutableBytes { raw in
          raw.baseAddress!.copyMemory(from: raw.baseAddress! + consumed, byteCount: carried)
        }
      }
    }
    guard position == fileSize else { return }
    if carried > 0 {
      buffer.withUnsafeBufferPointer { bytes in
        cursor.take(UnsafeBufferPointer(rebasing: bytes[..<carried]), hasNewline: false, deliver: apply)
      }
    }
    cursor.reachedEnd()
  }

  /// From how many bytes on a read decodes on another thread while this one applies.
  public static let defaultDecodeAsideFrom: Int64 = 8 << 20

  /// `scan` for a long stretch: lines are read and decoded on another thread
  /// (`DecodingStream`) while this one settles and applies the ones before.
  private func scanDecodingAside(to end: Int64, fileSize: Int64, apply: (Event, Int) -> Void) throws(JournalError) {
    let stream = DecodingStream(
      fileSystem: fileSystem, file: descriptor, from: cursor.scanOffset, to: end, fileSize: fileSize,
      lineNumber: cursor.scanLineCount, checksum: cursor.scanChecksum)
    defer { stream.cancel() }
    while let lines = stream.next() {
      for line in lines {
        if line.length == 1 && line.hasNewline && cursor.endsWithoutNewline && cursor.scanOffset == cursor.offset {
          // The newline the last line lacked, written by the next append.
          cursor.skipMissingNewline()
        } else {
          cursor.take(line, deliver: apply)
        }
      }
    }
    let finish = stream.finish
    if let error = finish.error { throw JournalError.system(error) }
    if finish.position == fileSize { cursor.reachedEnd() }
  }

  /// Hands every complete line in `bytes` to the cursor; returns how many bytes that was.
  private func takeLines(_ bytes: UnsafeBufferPointer<UInt8>, apply: (Event, Int) -> Void) -> Int {
    var start = 0
    let base = UnsafeRawPointer(bytes.baseAddress!)
    while start < bytes.count {
      guard let found = memchr(base + start, 0x0A, bytes.count - start) else { break }
      let end = base.distance(to: UnsafeRawPointer(found))
      if start == end && cursor.endsWithoutNewline && cursor.scanOffset == cursor.offset {
        // The newline the last line lacked, written by the next append.
        cursor.skipMissingNewline()
      } else {
        cursor.take(UnsafeBufferPointer(rebasing: bytes[start..<end]), hasNewline: true, deliver: apply)
      }
      start = end + 1
    }
    return start
  }

  /// Reads up to `count` bytes at `start`, fewer only at the end of the file.
  func readBytes(at start: Int64, count: Int) throws(JournalError) -> [UInt8] {
    try readBytes(descriptor, at: start, count: count)
  }

  func readBytes(_ file: Int32, at start: Int64, count: Int) throws(JournalError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let chunk = bytes.withUnsafeMutableBytes { [filled] raw in
        let target = UnsafeMutableRawBufferPointer(rebasing: raw[filled...])
        return Result { () throws(SystemError) in try fileSystem.read(file, into: target, at: start + Int64(filled)) }
      }
      let got = try Self.wrap { () throws(SystemError) in try chunk.get() }
      guard got > 0 else { break }
      filled += got
    }
    bytes.removeSubrange(filled...)
    return bytes
  }

  /// CRC-32C of the first `count` bytes of `file`; nil when the file is shorter. A large
  /// file is read in two halves on two threads, their checksums combined: checking every
  /// byte of a 200 MB journal then costs some 30 ms.
  func checksum(of file: Int32, count: Int64) throws(JournalError) -> UInt32? {
    try Self.checksum(of: file, count: count, fileSystem: fileSystem)
  }

  static func checksum(of file: Int32, count: Int64, fileSystem: FileSystem) throws(JournalError) -> UInt32? {
    guard count >= 16 << 20 else {
      return try Self.wrap { () throws(SystemError) in try fileSystem.checksum(file, 0..<count) }
    }
    let middle = count / 2 & ~0xFFFF
    let halves = [0..<middle, middle..<count]
    let results = PieceResults(count: 2)
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      results.store(index, Result { () throws(SystemError) in try fileSystem.checksum(file, halves[index]) })
    }
    let first = try Self.wrap { () throws(SystemError) in try results.value(0) }
    let second = try Self.wrap { () throws(SystemError) in try results.value(1) }
    guard let first, let second else { return nil }
    return CRC32C.combine(first, second, secondLength: count - middle)
  }

  /// Takes the lock on the journal; false when `wait` is off and another process holds it.
  func lock(exclusive: Bool, wait: Bool) throws(JournalError) -> Bool {
    guard takesLocks else { return true }
    if wait {
      try Self.wrap { () throws(SystemError) in try fileSystem.lock(descriptor, exclusive: exclusive) }
      return true
    }
    return try Self.wrap { () throws(SystemError) in try fileSystem.tryLock(descriptor, exclusive: exclusive) }
  }

  static func wrap<T>(_ body: () throws(SystemError) -> T) throws(JournalError) -> T {
    do { return try body() } catch { throw .system(error) }
  }
}

extension FileSystem {
  /// CRC-32C of the bytes of `file` in `range`, read a megabyte at a time; nil when the file
  /// ends before the range does.
  func checksum(_ file: Int32, _ range: Range<Int64>) throws(SystemError) -> UInt32? {
    var running = CRC32C.Running()
    var buffer = [UInt8](repeating: 0, count: Int(min(Int64(range.count), 1 << 20)))
    var done = range.lowerBound
    while done < range.upperBound {
      let want = Int(min(Int64(buffer.count), range.upperBound - done))
      let read = buffer.withUnsafeMutableBytes { raw in
        Result { () throws(SystemError) in
          try self.read(file, into: UnsafeMutableRawBufferPointer(rebasing: raw[..<want]), at: done)
        }
      }
      let got = try read.get()
      guard got > 0 else { return nil }
      buffer.withUnsafeBytes { running.update(UnsafeRawBufferPointer(rebasing: $0[..<got])) }
      done += Int64(got)
    }
    return running.value
  }
}

/// What each of several threads worked out, kept until all of them are done.
private final class PieceResults: @unchecked Sendable {
  private var results: [Result<UInt32?, SystemError>]
  private let lock = NSLockLike()

  init(count: Int) { results = Array(repeating: .success(nil), count: count) }

  func store(_ index: Int, _ result: Result<UInt32?, SystemError>) {
    lock.locked { results[index] = result }
  }

  func value(_ index: Int) throws(SystemError) -> UInt32? { try results[index].get() }
}

/// A mutex from the C library, so the journal needs no Foundation.
private final class NSLockLike: @unchecked Sendable {
  private var mutex = pthread_mutex_t()

  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }

  func locked(_ body: () -> Void) {
    pthread_mutex_lock(&mutex)
    body()
    pthread_mutex_unlock(&mutex)
  }
}
