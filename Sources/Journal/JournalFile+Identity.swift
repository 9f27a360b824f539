import Glibc
import PipelineCore

/// Where a snapshot ends in its journal, with the ids of the events it covers.
public struct JournalResume {
  var seal: SnapshotSeal
  var eventIDs: EventIDSet
  /// The checksum of the bytes the snapshot covers, taken on another thread while the
  /// snapshot was read, and the file it was taken of; used when the journal opened is that
  /// file, computed again otherwise.
  var prefix: PrefixChecksum?
}

/// A checksum of a file's first `count` bytes, and which file that was.
struct PrefixChecksum: Sendable {
  var file: FileStatus
  var count: Int64
  var value: UInt32

  /// Reads the first `count` bytes of the file at `path`; nil when it cannot.
  static func take(of path: String, count: Int64, fileSystem: FileSystem) -> PrefixChecksum? {
    guard let descriptor = try? fileSystem.open(path, writable: false, create: false) else { return nil }
    defer { fileSystem.close(descriptor) }
    guard let status = try? fileSystem.status(descriptor), status.kind == .regular,
      let value = try? fileSystem.checksum(descriptor, 0..<count)
    else { return nil }
    return PrefixChecksum(file: status, count: count, value: value)
  }
}

/// Checksums of the parts of a journal that change when it is edited in place: its header
/// line, and the end of its last settled line (up to 64 KiB, which holds the line's own
/// checksum).
struct Fingerprints {
  var headerEnd: Int64 = 0
  var header: UInt32 = 0
  var start: Int64 = 0
  var end: Int64 = 0
  var lastLine: UInt32 = 0

  static let span: Int64 = 64 << 10

  /// Where the fingerprinted end of the last line starts.
  static func start(of cursor: JournalCursor) -> Int64 { max(cursor.lastLineStart, cursor.offset - span) }

  /// Takes the fingerprints again, reading the file, when the settled part changed.
  mutating func update(_ file: JournalFile) throws(JournalError) {
    let cursor = file.cursor
    if cursor.headerEnd != headerEnd {
      header = CRC32C.checksum(try file.readBytes(at: 0, count: Int(cursor.headerEnd)))
      headerEnd = cursor.headerEnd
    }
    guard cursor.offset != end else { return }
    let from = Self.start(of: cursor)
    lastLine = CRC32C.checksum(try file.readBytes(at: from, count: Int(cursor.offset - from)))
    start = from
    end = cursor.offset
  }

  /// Takes the last line's fingerprint from the bytes just appended, which end with it.
  mutating func update(_ cursor: JournalCursor, appended bytes: [UInt8]) {
    let from = Self.start(of: cursor)
    let count = Int(cursor.offset - from)
    guard count <= bytes.count else {
      self = Fingerprints()  // taken afresh at the next check
      return
    }
    lastLine = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(bytes.count - count)...])) }
    start = from
    end = cursor.offset
  }

  /// Whether the file still holds the bytes fingerprinted (true when none were taken).
  func match(_ file: JournalFile) throws(JournalError) -> Bool {
    if headerEnd > 0 {
      guard CRC32C.checksum(try file.readBytes(at: 0, count: Int(headerEnd))) == header else { return false }
    }
    guard end > 0 else { return true }
    return CRC32C.checksum(try file.readBytes(at: start, count: Int(end - start))) == lastLine
  }
}

extension JournalFile {
  /// Starts reading after the lines a snapshot covers, if the journal still begins with
  /// exactly the bytes it covers: every one of them is checked against the snapshot's
  /// checksum, so an edit, a swap or damage anywhere in them makes it unusable.
  ///
  /// `quick` (`closer add`, which appends one lead and needs nothing of the state) checks
  /// only the first and the last megabyte the snapshot covers, and that the file is at
  /// least as long, not every byte: at a million leads every byte is 2.4 GB, read on every
  /// add. A change further inside is seen by the next open of any other command, which
  /// checks every byte.
  func resume(from resume: JournalResume, quick: Bool = false) throws(JournalError) -> Bool {
    let seal = resume.seal
    let size = try Self.wrap { () throws(SystemError) in try fileSystem.size(descriptor) }
    let end = seal.position.offset
    guard seal.position.lineCount >= 2, end <= size, end > 0 else { return false }
    let head = try readBytes(at: 0, count: Int(min(end, 1 << 16)))
    guard let newline = head.firstIndex(of: 0x0A) else { return false }
    let header: JournalHeader
    do {
      header = try head[..<newline].withUnsafeBufferPointer { buffer throws(LineError) in
        try EventCodec.decodeHeader(buffer)
      }
    } catch {
      return false
    }
    guard header.major <= JournalHeader.currentMajor else { return false }
    if quick {
      let ends = try quickChecksums(end: end)
      guard ends.head == seal.headChecksum, ends.tail == seal.tailChecksum else { return false }
    } else {
      let value: UInt32?
      if let prefix = resume.prefix, prefix.count == end, prefix.file.isSameFile(as: identity) {
        value = prefix.value
      } else {
        value = try checksum(of: descriptor, count: end)
      }
      guard value == seal.prefixChecksum else { return false }
    }
    cursor = JournalCursor(resuming: seal, header: header, headerEnd: Int64(newline + 1), eventIDs: resume.eventIDs)
    return true
  }

  /// Checks, holding the lock, that the file read so far is still the journal at the path,
  /// unchanged in the part already read.
  ///
  /// When another file took its place (an editor saving by rename, `sed -i`, `git checkout`)
  /// and begins with every byte read so far, that file is the journal from now on: the lines
  /// after them are read next. Otherwise, or when the journal was deleted, shortened or
  /// changed in place, nothing more is written, what was read is kept in a side file, and
  /// `JournalError.replaced` says what happened and what to do.
  ///
  /// Returns false when `wait` is off and the new file's lock is taken: look again later.
  func confirmFile(exclusive: Bool, wait: Bool) throws(JournalError) -> Bool {
    for _ in 0..<5 {
      let current: FileStatus?
      do {
        current = try fileSystem.status(atPath: path)
      } catch {
        // Cannot tell (a passing I/O error): nothing is read or written this time.
        throw .system(error)
      }
      guard let current else { try lose("was deleted or moved away", keepCopy: true) }
      if current.isSameFile(as: identity) {
        let status = try Self.wrap { () throws(SystemError) in try fileSystem.status(descriptor) }
        let size = status.size
        if size < cursor.offset {
          try lose(
            "was cut short: it is now \(size) bytes, shorter than the \(cursor.offset) already read", keepCopy: false)
        }
        if let seen = lastSeen, size == seen.size, status.modified != seen.modified,
          try checksum(of: descriptor, count: cursor.offset) != cursor.checksum.value
        {
          // Written to without growing (an editor saving in place): every byte read is checked.
          try lose("was changed in place, in the part already read", keepCopy: false)
        }
        if try !fingerprints.match(self) {
          try lose("was changed in place, in the part already read", keepCopy: false)
        }
        try fingerprints.update(self)
        return true
      }
      guard current.kind == .regular else { try lose("was replaced by \(current.kind)", keepCopy: true) }
      let replacement: Int32
      do {
        replacement = try fileSystem.open(path, writable: access == .readWrite && readOnlyReason == nil, create: false)
      } catch {
        try lose("was replaced by a file Closer cannot open (\(error))", keepCopy: true)
      }
      let locked: Bool
      do {
        if wait {
          try fileSystem.lock(replacement, exclusive: exclusive)
          locked = true
        } else {
          locked = try fileSystem.tryLock(replacement, exclusive: exclusive)
        }
      } catch {
        fileSystem.close(replacement)
        throw .system(error)
      }
      guard locked else {
        fileSystem.close(replacement)
        return false
      }
      let adopted = try adopt(replacement)
      if !adopted {
        fileSystem.unlock(replacement)
        fileSystem.close(replacement)
        // Replaced again in the meantime: look once more.
        continue
      }
      return true
    }
    try lose("keeps being replaced", keepCopy: true)
  }

  /// Takes `replacement` (locked) as the journal if it is still the file at the path and
  /// begins with every byte read so far. False when the path changed again.
  private func adopt(_ replacement: Int32) throws(JournalError) -> Bool {
    let status = try Self.wrap { () throws(SystemError) in try fileSystem.status(replacement) }
    guard let atPath = try? fileSystem.status(atPath: path), atPath.isSameFile(as: status) else { return false }
    guard status.kind == .regular, status.size >= cursor.offset,
      try checksum(of: replacement, count: cursor.offset) == cursor.checksum.value
    else {
      fileSystem.unlock(replacement)
      fileSystem.close(replacement)
      try lose("was replaced by a file that does not begin with what Closer had read", keepCopy: true)
    }
    fileSystem.unlock(descriptor)
    fileSystem.close(descriptor)
    descriptor = replacement
    identity = status
    knownTail = nil
    cursor.rewindToSettled()
    return true
  }

  /// Stops reading and writing this journal for good, keeping what was read.
  private func lose(_ what: String, keepCopy: Bool) throws(JournalError) -> Never {
    lost = true
    var detail = what
    if keepCopy && access == .readWrite, let copy = keepCopyOfWhatWasRead() {
      detail += "; what Closer had read of it is kept in \(copy)"
    }
    detail +=
      ". Nothing more is written to it from here: quit and open Closer again to work on the file now at the path"
    refusal = "the journal \(detail)"
    throw .replaced(path: path, detail: detail)
  }

  /// Copies the old file (still open here, though no longer at the path) next to the
  /// journal, so that no change acknowledged in it is lost.
  private func keepCopyOfWhatWasRead() -> String? {
    guard let size = try? fileSystem.size(descriptor), size > 0,
      let bytes = try? readBytes(at: 0, count: Int(size))
    else { return nil }
    let copyPath = freeSidePath("replaced")
    do {
      let copy = try fileSystem.open(copyPath, writable: true, create: true)
      defer { fileSystem.close(copy) }
      try writeAll(bytes, to: copy, path: copyPath)
      try fileSystem.sync(copy)
      try fileSystem.syncDirectory(directory(of: copyPath))
      return copyPath
    } catch {
      return nil
    }
  }
}

extension JournalFile {
  /// What a snapshot of the state read so far must record to be checked and resumed from;
  /// nil when the journal is in no state to be snapshotted.
  func seal(configFingerprint: UInt32, unknownEvents: Int) -> SnapshotSeal? {
    guard !lost, cursor.lineCount >= 2, cursor.chainTip != .unknown,
      let ends = try? quickChecksums(end: cursor.offset)
    else { return nil }
    return SnapshotSeal(
      position: position, prefixChecksum: cursor.checksum.value, lastLineStart: cursor.lastLineStart,
      endsWithoutNewline: cursor.endsWithoutNewline, lastEventID: cursor.chainTip.eventID,
      configFingerprint: configFingerprint, unknownEvents: unknownEvents, headChecksum: ends.head,
      tailChecksum: ends.tail)
  }

  /// CRC-32C of the first and of the last `SnapshotSeal.quickSpan` bytes before `end`.
  func quickChecksums(end: Int64) throws(JournalError) -> (head: UInt32, tail: UInt32) {
    let span = SnapshotSeal.quickSpan
    let head = try readBytes(at: 0, count: Int(min(end, span)))
    let tailStart = max(0, end - span)
    let tail = try readBytes(at: tailStart, count: Int(end - tailStart))
    guard head.count == Int(min(end, span)), tail.count == Int(end - tailStart) else {
      throw JournalError.system(SystemError("the journal ends early at", path: path, code: 5))
    }
    return (CRC32C.checksum(head), CRC32C.checksum(tail))
  }

  /// The ids of every event read or written so far.
  var eventIDs: EventIDSet { cursor.eventIDs }
}
