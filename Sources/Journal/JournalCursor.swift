import PipelineCore

/// How far a journal has been read: the lines that are settled (their events handed over,
/// their problems reported) and, after them, lines read but not settled yet.
///
/// A line is settled when nothing that follows can change what it means. A line on its own
/// settles at once. The lines of a batch settle together, when the last of them has been
/// read, so an import is seen whole or not at all. A damaged line settles (as damage in the
/// middle of the journal) only once a sound line follows it; damaged lines at the very end
/// are what a crash in the middle of an append leaves, and, like a partial last line or a
/// batch cut short, they are the journal's torn tail (`tail`).
///
/// Everything here works on bytes already read; `JournalFile` does the reading.
struct JournalCursor {
  // MARK: Settled

  /// The end of the settled lines: bytes from the start of the file.
  private(set) var offset: Int64 = 0
  /// Settled lines, the header included.
  private(set) var lineCount = 0
  /// CRC-32C of every settled byte: what the journal was, for a snapshot's seal and for
  /// telling whether a file that replaced the journal begins with the same bytes.
  private(set) var checksum = CRC32C.Running()
  /// Where the last settled line starts.
  private(set) var lastLineStart: Int64 = 0
  /// Whether the last settled line was complete and sound but had no newline; the next
  /// append writes the newline first.
  private(set) var endsWithoutNewline = false
  /// The id of the last event settled, which the next line must name as its `after`.
  private(set) var chainTip: ChainTip = .start
  private(set) var header: JournalHeader?
  /// Where the header line ends (its newline included).
  private(set) var headerEnd: Int64 = 0
  private(set) var eventIDs = EventIDSet()
  /// Events of types this version does not know, settled so far.
  private(set) var unknownEvents = 0
  /// Problems found in settled lines, in the order found.
  private(set) var warnings: [JournalWarning] = []
  /// Why the journal must not be written to, when a settled line is damaged.
  private(set) var damage: String?

  enum ChainTip: Equatable {
    /// No event yet: the next line follows the header.
    case start
    case event(String)
    /// The line before was damaged, so what follows it cannot be checked.
    case unknown
  }

  // MARK: Read but not settled

  /// Where reading goes on: the end of the last line read.
  private(set) var scanOffset: Int64 = 0
  private(set) var scanLineCount = 0
  /// Where the last line read starts.
  private(set) var lastScanStart: Int64 = 0
  private(set) var scanChecksum = CRC32C.Running()
  private var parked: [ParkedLine] = []
  private var decoder = EventDecoder()

  private struct ParkedLine {
    var number: Int
    var start: Int64
    var end: Int64
    var hasNewline: Bool
    /// The running checksum up to the end of this line.
    var checksum: CRC32C.Running
    var content: Result<(Event, LineLinks), LineError>
    /// 1 for a line on its own or a damaged one; the batch's size on a batch's first line.
    var batchSize: Int
    var isSound: Bool
  }

  /// Damaged lines among the parked ones.
  private var parkedDamaged = 0

  init() {}

  /// Starts after the part of a journal that a snapshot covers.
  init(resuming seal: SnapshotSeal, header: JournalHeader, headerEnd: Int64, eventIDs: EventIDSet) {
    self.headerEnd = headerEnd
    offset = seal.position.offset
    lineCount = seal.position.lineCount
    checksum = CRC32C.Running(register: seal.prefixChecksum ^ 0xFFFF_FFFF)
    lastLineStart = seal.lastLineStart
    endsWithoutNewline = seal.endsWithoutNewline
    chainTip = seal.lastEventID.map { .event($0) } ?? .start
    self.header = header
    self.eventIDs = eventIDs
    unknownEvents = seal.unknownEvents
    scanOffset = offset
    scanLineCount = lineCount
    scanChecksum = checksum
  }

  /// Makes room for about `count` more event ids.
  mutating func reserveEventIDs(_ count: Int) { eventIDs.reserve(count) }

  /// Whether lines read are waiting to be settled.
  var hasUnsettledLines: Bool { !parked.isEmpty }

  /// Takes the next line read (without its newline), starting at `scanOffset`, and hands
  /// over the events of every line that settles because of it.
  ///
  /// `hasNewline` is false only for the bytes after the last newline at the end of the
  /// file: they settle only if they are a complete, sound line.
  mutating func take(
    _ line: UnsafeBufferPointer<UInt8>, hasNewline: Bool, deliver: (Event, Int) -> Void
  ) {
    var checksum = scanChecksum
    checksum.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[...])))
    if hasNewline { checksum.update(Self.newline) }
    let length = Int64(line.count) + (hasNewline ? 1 : 0)
    if scanLineCount == 0 {
      takeHeader(line, length: length, hasNewline: hasNewline, checksum: checksum)
      return
    }
    var links = LineLinks()
    let content: Result<(Event, LineLinks), LineError>
    do {
      content = .success((try decoder.decode(line, links: &links), links))
    } catch {
      content = .failure(error)
    }
    take(decoded: content, length: length, hasNewline: hasNewline, checksum: checksum, deliver: deliver)
  }

  /// Takes the next line read, decoded elsewhere (`DecodingStream`): its length (newline
  /// included), the running checksum after it, and what it holds.
  mutating func take(_ line: DecodingStream.Line, deliver: (Event, Int) -> Void) {
    switch line.content {
    case .header(let bytes):
      bytes.withUnsafeBufferPointer { bytes in
        takeHeader(bytes, length: line.length, hasNewline: line.hasNewline, checksum: line.checksum)
      }
    case .event(let content):
      take(
        decoded: content, length: line.length, hasNewline: line.hasNewline, checksum: line.checksum, deliver: deliver)
    }
  }

  private mutating func take(
    decoded content: Result<(Event, LineLinks), LineError>, length: Int64, hasNewline: Bool,
    checksum: CRC32C.Running, deliver: (Event, Int) -> Void
  ) {
    let start = scanOffset
    lastScanStart = start
    scanChecksum = checksum
    scanOffset += length
    scanLineCount += 1
    let number = scanLineCount
    if case .success(let (event, links)) = content, parked.isEmpty && links.batch <= 1 {
      // The usual case: a sound line on its own settles at once.
      settle(number: number, start: start, end: scanOffset, hasNewline: hasNewline, checksum: scanChecksum)
      handOver(event, links: links, line: number, deliver: deliver)
      return
    }
    var batchSize = 1
    if case .success(let (_, links)) = content {
      batchSize = max(1, links.batch)
      // A batch head: room for the whole batch, so that parking it copies nothing twice.
      if batchSize > 1 && parked.isEmpty { parked.reserveCapacity(min(batchSize, 1 << 20)) }
    } else {
      parkedDamaged += 1
    }
    parked.append(
      ParkedLine(
        number: number, start: start, end: scanOffset, hasNewline: hasNewline, checksum: scanChecksum,
        content: content, batchSize: batchSize, isSound: content.isSound))
    settleParked(deliver: deliver)
  }

  /// The first line: the journal's header.
  private mutating func takeHeader(
    _ line: UnsafeBufferPointer<UInt8>, length: Int64, hasNewline: Bool, checksum: CRC32C.Running
  ) {
    let start = scanOffset
    lastScanStart = start
    scanChecksum = checksum
    scanOffset += length
    scanLineCount += 1
    do {
      let decoded = try EventCodec.decodeHeader(line)
      header = decoded
      if decoded.major > JournalHeader.currentMajor {
        warnings.append(JournalWarning(line: 1, .newerVersion(decoded.version)))
        damage = damage ?? "it was written by a newer Closer (format \(decoded.version))"
      }
    } catch {
      warnings.append(JournalWarning(line: 1, .damagedLine(error)))
      damage = damage ?? "line 1 is not a valid journal header"
    }
    headerEnd = scanOffset
    settle(number: 1, start: start, end: scanOffset, hasNewline: hasNewline, checksum: scanChecksum)
  }

  /// Reads the newline that the last settled line lacked, which the next append wrote first.
  mutating func skipMissingNewline() {
    precondition(endsWithoutNewline && parked.isEmpty && scanOffset == offset, "no newline is missing")
    checksum.update(Self.newline)
    scanChecksum = checksum
    offset += 1
    scanOffset = offset
    endsWithoutNewline = false
  }

  /// Settles the parked lines that the newest one lets settle.
  ///
  /// Before the newest line was parked, nothing parked could settle: the parked lines are
  /// damaged lines waiting for a sound one, or a batch waiting for its last line. So only
  /// the newest line needs looking at, and a batch of 200,000 lines costs no more per line
  /// than a single one.
  private mutating func settleParked(deliver: (Event, Int) -> Void) {
    let newest = parked.count - 1
    guard newest >= 0 else { return }
    if !parked[0].isSound {
      guard parked[newest].isSound else { return }
      // A sound line follows: the damaged lines before it are damage in the middle.
      for index in 0..<newest { reportDamage(parked[index]) }
      settle(parked[newest - 1])
      parked.removeFirst(newest)
      parkedDamaged = 0
    } else if newest > 0 {
      let size = parked[0].batchSize
      guard parked[newest].batchSize > 1 else {
        if parked.count == size { settleBatch(deliver: deliver) }
        return
      }
      // Another batch begins before this one ended: this one was cut short.
      let head = parked[0].number
      report(.incompleteBatch(lines: newest, of: size), line: head)
      damage = damage ?? "lines \(head)-\(head + newest - 1) are an incomplete batch"
      chainTip = .unknown
      settle(parked[newest - 1])
      parked.removeFirst(newest)
      parkedDamaged = 0
    }
    // Only the newest line is left: it settles now unless it begins a batch or is damaged.
    guard parked[0].batchSize == 1, case .success(let (event, links)) = parked[0].content else { return }
    settle(parked[0])
    handOver(event, links: links, line: parked[0].number, deliver: deliver)
    parked.removeAll(keepingCapacity: true)
  }

  /// A complete batch (all the parked lines): all of its events, or none when one of its
  /// lines is damaged.
  private mutating func settleBatch(deliver: (Event, Int) -> Void) {
    defer {
      settle(parked[parked.count - 1])
      parked.removeAll(keepingCapacity: true)
      parkedDamaged = 0
    }
    guard parkedDamaged == 0 else {
      var damaged: [Int] = []
      for line in parked where !line.content.isSound {
        reportDamage(line)
        damaged.append(line.number)
      }
      report(.batchNotApplied(lines: parked.count, damaged: damaged), line: parked[0].number)
      return
    }
    for index in parked.indices {
      guard case .success(let (event, links)) = parked[index].content else { continue }
      handOver(event, links: links, line: parked[index].number, deliver: deliver)
    }
  }

  private mutating func reportDamage(_ line: ParkedLine) {
    if case .failure(let error) = line.content { report(.damagedLine(error), line: line.number) }
    damage = damage ?? "line \(line.number) is damaged; `closer check` lists every damaged line"
    chainTip = .unknown
  }

  private mutating func settle(_ line: ParkedLine) {
    settle(number: line.number, start: line.start, end: line.end, hasNewline: line.hasNewline, checksum: line.checksum)
  }

  private mutating func settle(number: Int, start: Int64, end: Int64, hasNewline: Bool, checksum: CRC32C.Running) {
    offset = end
    lineCount = number
    lastLineStart = start
    endsWithoutNewline = !hasNewline
    self.checksum = checksum
  }

  /// An event whose line settled: checked against the line before it and against repeats,
  /// then handed over.
  private mutating func handOver(_ event: Event, links: LineLinks, line: Int, deliver: (Event, Int) -> Void) {
    guard eventIDs.insert(event.id) else {
      report(.duplicateEvent(id: event.id), line: line)
      return
    }
    if let after = links.after {
      switch chainTip {
      case .start: report(.outOfOrder(writtenAfter: after, follows: nil), line: line)
      case .event(let previous) where previous != after:
        report(.outOfOrder(writtenAfter: after, follows: previous), line: line)
      default: break
      }
    }
    chainTip = .event(event.id)
    if case .unknown = event.change { unknownEvents += 1 }
    deliver(event, line)
  }

  private mutating func report(_ kind: JournalWarning.Kind, line: Int) {
    warnings.append(JournalWarning(line: line, kind))
  }

  // MARK: The end of the file

  /// Settles what reading to the end of the file leaves parked, apart from what may be a
  /// torn tail: a batch cut short, or the one last line. Several damaged lines at the end
  /// are not what an append cut short leaves (unless they are a batch's): all but the last
  /// are damage in the middle, so that a journal whose lines all fail (saved with CR LF line
  /// endings, say) is reported and left alone, never set aside.
  mutating func reachedEnd() {
    guard let first = parked.first, case .failure = first.content else { return }
    // In a journal already damaged, a complete damaged last line is more of the same; a
    // partial one is still what an append cut short leaves.
    let keep = damage == nil || parked.last?.hasNewline == false ? 1 : 0
    guard parked.count > keep else { return }
    for line in parked.dropLast(keep) {
      reportDamage(line)
      settle(line)
    }
    parked.removeFirst(parked.count - keep)
    parkedDamaged = keep
  }

  /// What lies after the settled lines once the whole file has been read: lines of a
  /// batch cut short, a damaged last line, a partial line. Nil when everything settled.
  func tail(fileSize: Int64) -> Tail? {
    guard fileSize > offset else { return nil }
    return Tail(start: offset, bytes: fileSize - offset, lines: parked.filter(\.hasNewline).count)
  }

  /// Forgets the lines read after the settled ones, to read them again (after the tail was
  /// set aside, or when the file changed after them).
  mutating func rewindToSettled() {
    parked.removeAll()
    parkedDamaged = 0
    scanOffset = offset
    scanLineCount = lineCount
    scanChecksum = checksum
  }

  /// Records lines this process appended: `bytes`, whose last line holds event `lastEventID`.
  mutating func appended(_ bytes: [UInt8], eventIDs ids: [String], lineCount added: Int) {
    appended([bytes], eventIDs: ids, lineCount: added)
  }

  /// Records lines this process appended, written in parts that each end with a line.
  mutating func appended(_ parts: [[UInt8]], eventIDs ids: [String], lineCount added: Int) {
    var written = WrittenLines(continuing: checksum)
    for part in parts { written.add(part) }
    appended(written, eventIDs: ids, lineCount: added)
  }

  mutating func appended(_ written: WrittenLines, eventIDs ids: [String], lineCount added: Int) {
    precondition(parked.isEmpty && scanOffset == offset, "appending over unsettled lines")
    let last = written.last
    let lastStart = last.dropLast().lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    lastLineStart = offset + Int64(written.count - last.count + lastStart)
    offset += Int64(written.count)
    lineCount += added
    checksum = written.checksum
    endsWithoutNewline = false
    for id in ids { _ = eventIDs.insert(id) }
    if let last = ids.last { chainTip = .event(last) }
    scanOffset = offset
    scanLineCount = lineCount
    scanChecksum = checksum
  }

  /// Records the header this process wrote into an empty journal.
  mutating func wroteHeader(_ bytes: [UInt8], _ written: JournalHeader) {
    precondition(offset == 0 && parked.isEmpty, "a header after other lines")
    header = written
    appended(bytes, eventIDs: [], lineCount: 1)
    lastLineStart = 0
    headerEnd = offset
  }

  /// Notes a problem found outside the lines (a torn tail set aside, say).
  mutating func note(_ warning: JournalWarning) { warnings.append(warning) }

  private static let newline: [UInt8] = [0x0A]
}

/// The bytes at the end of a journal that no complete append wrote.
struct Tail: Equatable {
  var start: Int64
  var bytes: Int64
  /// Complete lines among them (the rest is a partial line).
  var lines: Int
}

extension Result where Success == (Event, LineLinks) {
  fileprivate var isSound: Bool {
    if case .success = self { return true }
    return false
  }
}
