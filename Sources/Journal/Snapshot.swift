import Foundation
import PipelineCore

/// Where a snapshot stops in its journal, and how to tell that the journal still holds
/// exactly the bytes it was taken from: their CRC-32C, all of them.
public struct SnapshotSeal: Equatable, Sendable {
  /// Bytes and complete lines of the journal the snapshot covers.
  var position: JournalPosition
  /// CRC-32C of those bytes.
  var prefixChecksum: UInt32
  /// Where the last covered line starts, and whether it lacks its newline.
  var lastLineStart: Int64
  var endsWithoutNewline: Bool
  /// The id of the last covered event, which the next line names as the one it follows.
  var lastEventID: String?
  /// Fingerprint of the configuration the state was built with.
  var configFingerprint: UInt32
  var unknownEvents: Int
  /// CRC-32C of the first and of the last `quickSpan` bytes covered: what `closer add`
  /// checks instead of every byte (see `JournalFile.resume`).
  var headChecksum: UInt32 = 0
  var tailChecksum: UInt32 = 0

  /// How much of each end of the covered bytes the quick check reads.
  static let quickSpan: Int64 = 1 << 20
}

/// A derived copy of a pipeline's state, next to the journal (`journal.jsonl.snapshot`),
/// that makes opening a large journal fast: load the state, replay only the lines after it.
///
/// It is never the source of truth: when it is missing, damaged (every section carries a
/// checksum), taken with another configuration, or does not match the journal, it is
/// ignored and rebuilt from a full replay. Deleting it is always safe.
///
/// Layout (9): magic, then four sections (seal, lead index, state, event ids), each as
/// length (u64) + bytes + CRC-32C (u32), written one at a time. The seal also holds the
/// checksums of the first and last megabyte covered, which `closer add` checks instead of
/// every byte. The lead index (the sorted lead ids, and the `DuplicateKey`s of names and
/// emails, sorted, each with the index of its lead's id) lets `closer add` check that a new
/// id is unused and warn about a duplicate without loading the state. The state holds the
/// leads in two halves and ends with where the second begins, so two threads read one each.
/// The event ids let an event whose line appears twice be applied once, also when the first
/// copy is in the part the snapshot covers.
enum Snapshot {
  static let magic = Array("CLOSNAP9".utf8)
  static let sectionCount = 4

  static func path(forJournal journal: String) -> String { journal + ".snapshot" }

  // MARK: Writing

  static func encode(seal: SnapshotSeal, pipeline: Pipeline, eventIDs: EventIDSet) -> [UInt8] {
    var out: [UInt8] = []
    encode(seal: seal, pipeline: pipeline, eventIDs: eventIDs) { out += $0 }
    return out
  }

  /// The snapshot handed to `sink` a piece at a time (the magic, then each section as it is
  /// made), so that a section is let go before the next one is made: at a million leads the
  /// whole file is 580 MB, its largest section 450 MB.
  static func encode(
    seal: SnapshotSeal, pipeline: Pipeline, eventIDs: EventIDSet, to sink: ([UInt8]) throws -> Void
  ) rethrows {
    try sink(magic)
    var sealBytes = BinaryWriter()
    writeSeal(seal, into: &sealBytes)
    try section(sealBytes.bytes, to: sink)

    let image = pipeline.image
    try leadIndexSection(image.leads, to: sink)
    try stateSection(image, to: sink)
    var events = BinaryWriter()
    writeEventIDs(eventIDs, into: &events)
    try section(events.bytes, to: sink)
  }

  static func writeSeal(_ seal: SnapshotSeal, into w: inout BinaryWriter) {
    w.i64(seal.position.offset)
    w.i64(Int64(seal.position.lineCount))
    w.u32(seal.prefixChecksum)
    w.i64(seal.lastLineStart)
    w.u8(seal.endsWithoutNewline ? 1 : 0)
    w.optional(seal.lastEventID) { $0.string($1) }
    w.u32(seal.configFingerprint)
    w.i64(Int64(seal.unknownEvents))
    w.u32(seal.headChecksum)
    w.u32(seal.tailChecksum)
  }

  static func writeEventIDs(_ eventIDs: EventIDSet, into w: inout BinaryWriter) {
    let (packed, others) = eventIDs.all()
    w.reserve(packed.count * 16 + 16)
    w.count(packed.count)
    for id in packed {
      w.i64(Int64(bitPattern: id.high))
      w.i64(Int64(bitPattern: id.low))
    }
    w.count(others.count)
    for id in others { w.string(id) }
  }

  static func leadIndexSection(_ leads: [Lead], to sink: ([UInt8]) throws -> Void) rethrows {
    var ids = BinaryWriter()
    // The leads' places sorted by id, not the leads: a copy of a million leads is 300 MB.
    let byID = leads.indices.sorted {
      leads[$0].id.rawValue.utf8.lexicographicallyPrecedes(leads[$1].id.rawValue.utf8)
    }
    ids.count(byID.count)
    for slot in byID { ids.string(leads[slot].id.rawValue) }
    var names: [(UInt64, Int)] = []
    var emails: [(UInt64, Int)] = []
    names.reserveCapacity(byID.count)
    for (index, slot) in byID.enumerated() {
      names.append((DuplicateKey.name(leads[slot].name, company: leads[slot].company), index))
      if let email = DuplicateKey.email(leads[slot].email) { emails.append((email, index)) }
    }
    for keys in [names.sorted { $0.0 < $1.0 }, emails.sorted { $0.0 < $1.0 }] {
      ids.count(keys.count)
      for (key, index) in keys {
        ids.i64(Int64(bitPattern: key))
        ids.count(index)
      }
    }
    try section(ids.bytes, to: sink)
  }

  static func stateSection(_ image: PipelineImage, to sink: ([UInt8]) throws -> Void) rethrows {
    // About 450 bytes a lead; room asked for but never written takes no memory, and the
    // buffer is not copied as it grows.
    var state = BinaryWriter(capacity: image.leads.count * 640 + 4096)
    state.count(image.stages.count)
    for stage in image.stages {
      state.string(stage.key)
      state.string(stage.title)
      state.i64(Int64(stage.probability))
      state.optional(stage.checklist) { $0.string($1) }
      state.i64(Int64(stage.stallDays))
      state.string(stage.guidance)
    }
    // The leads in two halves, and at the very end where the second half begins, so that
    // two threads read one each (`File.image()`).
    let split = image.leads.count / 2
    state.count(image.leads.count)
    state.count(split)
    var splitOffset = state.bytes.count
    for (index, lead) in image.leads.enumerated() {
      if index == split { splitOffset = state.bytes.count }
      write(lead, into: &state)
    }
    if split == image.leads.count { splitOffset = state.bytes.count }
    for column in image.columns {
      state.count(column.count)
      for slot in column { state.count(Int(slot)) }
    }
    state.i64(Int64(splitOffset))
    try section(state.bytes, to: sink)
  }

  static func section(_ bytes: [UInt8], to sink: ([UInt8]) throws -> Void) rethrows {
    var length = BinaryWriter()
    length.i64(Int64(bytes.count))
    try sink(length.bytes)
    try sink(bytes)
    var checksum = BinaryWriter()
    checksum.u32(CRC32C.checksum(bytes))
    try sink(checksum.bytes)
  }

  private static func write(_ lead: Lead, into w: inout BinaryWriter) {
    w.string(lead.id.rawValue)
    for text in [lead.name, lead.company, lead.email, lead.phone, lead.owner, lead.source, lead.reference, lead.stage] {
      w.string(text)
    }
    w.optional(lead.value) {
      $0.i64($1.minorUnits)
      $0.string($1.currency)
    }
    w.optional(lead.expectedClose) { $0.i64($1.daysSinceEpoch) }
    w.optional(lead.referredBy) { $0.string($1.rawValue) }
    w.count(lead.custom.count)
    for (key, value) in lead.custom.sorted(by: { $0.key < $1.key }) {
      w.string(key)
      w.string(value)
    }
    w.u8(lead.status == .open ? 0 : lead.status == .won ? 1 : 2)
    w.optional(lead.lostReason) { $0.string($1) }
    w.i64(lead.created.millisecondsSinceEpoch)
    w.i64(lead.stageEntered.millisecondsSinceEpoch)
    w.optional(lead.closed) { $0.i64($1.millisecondsSinceEpoch) }
    w.i64(lead.lastActivity.millisecondsSinceEpoch)
    w.count(lead.checklist.count)
    for (key, checked) in lead.checklist.sorted(by: { $0.key < $1.key }) {
      w.string(key)
      w.u8(checked ? 1 : 0)
    }
    w.count(lead.answers.count)
    for (criterion, answer) in lead.answers.sorted(by: { $0.key < $1.key }) {
      w.string(criterion)
      w.string(answer)
    }
    w.count(lead.notes.count)
    for note in lead.notes {
      w.string(note.text)
      w.i64(note.time.millisecondsSinceEpoch)
    }
    w.count(lead.activities.count)
    for activity in lead.activities {
      w.string(activity.kind)
      w.string(activity.outcome)
      w.i64(activity.time.millisecondsSinceEpoch)
    }
    w.optional(lead.followUp) {
      $0.string($1.action)
      $0.i64($1.due.daysSinceEpoch)
    }
    w.count(lead.stageHistory.count)
    for visit in lead.stageHistory {
      w.string(visit.stage)
      w.i64(visit.entered.millisecondsSinceEpoch)
      w.optional(visit.left) { $0.i64($1.millisecondsSinceEpoch) }
    }
  }

  // MARK: Reading

  /// The lead ids a snapshot holds, and the keys that find duplicates among them.
  /// The lead ids, sorted by their UTF-8 bytes, in one buffer (a million ids are a million
  /// strings otherwise, made on every `closer add`), and the duplicate keys.
  struct LeadIndex {
    private(set) var idBytes: [UInt8] = []
    private(set) var idEnds: [Int] = []
    var names: [(UInt64, Int)] = []
    var emails: [(UInt64, Int)] = []

    var count: Int { idEnds.count }

    mutating func reserve(_ count: Int) {
      idEnds.reserveCapacity(count)
      idBytes.reserveCapacity(count * 9)
    }

    mutating func append(_ id: UnsafeRawBufferPointer) {
      idBytes.append(contentsOf: id)
      idEnds.append(idBytes.count)
    }

    func id(at index: Int) -> String {
      let start = index == 0 ? 0 : idEnds[index - 1]
      return String(decoding: idBytes[start..<idEnds[index]], as: UTF8.self)
    }

    var ids: [String] { (0..<count).map(id(at:)) }

    /// Whether `id` is among the ids (a binary search over their bytes).
    func contains(_ id: String) -> Bool {
      let target = Array(id.utf8)
      var low = 0
      var high = count
      func bytes(_ index: Int) -> ArraySlice<UInt8> { idBytes[(index == 0 ? 0 : idEnds[index - 1])..<idEnds[index]] }
      while low < high {
        let mid = (low + high) / 2
        if bytes(mid).lexicographicallyPrecedes(target) { low = mid + 1 } else { high = mid }
      }
      return low < count && bytes(low).elementsEqual(target)
    }

    /// The id of a lead with `key` among `keys` (sorted), or nil.
    func lead(withKey key: UInt64, in keys: [(UInt64, Int)]) -> String? {
      var low = 0
      var high = keys.count
      while low < high {
        let mid = (low + high) / 2
        if keys[mid].0 < key { low = mid + 1 } else { high = mid }
      }
      return low < keys.count && keys[low].0 == key ? id(at: keys[low].1) : nil
    }
  }

  /// The lead ids, sorted by their UTF-8 bytes, and the duplicate keys of names and
  /// emails, sorted, each with the index of its lead's id.
  static func readLeadIndex(_ r: inout BinaryReader) throws(SnapshotError) -> LeadIndex {
    let count = try r.count(ofAtLeast: 1)
    var index = LeadIndex()
    index.reserve(count)
    for _ in 0..<count { index.append(try r.bytes(try r.count())) }
    for list in 0..<2 {
      var keys: [(UInt64, Int)] = []
      let keyCount = try r.count(ofAtLeast: 9)
      keys.reserveCapacity(keyCount)
      for _ in 0..<keyCount {
        let key = UInt64(bitPattern: try r.i64())
        let lead = try r.count()
        guard lead < count else { throw SnapshotError("a duplicate key names no lead") }
        keys.append((key, lead))
      }
      if list == 0 { index.names = keys } else { index.emails = keys }
    }
    return index
  }

  static func readSeal(_ r: inout BinaryReader) throws(SnapshotError) -> SnapshotSeal {
    SnapshotSeal(
      position: JournalPosition(offset: try r.i64(), lineCount: Int(try r.i64())),
      prefixChecksum: try r.u32(), lastLineStart: try r.i64(), endsWithoutNewline: try r.bool(),
      lastEventID: try r.optional { (r: inout BinaryReader) throws(SnapshotError) in try r.string() },
      configFingerprint: try r.u32(), unknownEvents: Int(try r.i64()), headChecksum: try r.u32(),
      tailChecksum: try r.u32())
  }

  /// What the thread reading the second half of the leads found; read after `done`.
  private final class SecondHalf: @unchecked Sendable {
    /// The columns, read after the leads.
    var result: Result<[[Int32]], SnapshotError> = .failure(SnapshotError("not read"))
    /// Leads made in place so far.
    var made = 0
    let done = DispatchSemaphore(value: 0)
  }

  /// Where the leads of a snapshot are made in place, handed to the thread that makes the
  /// second half (each thread writes only its own half).
  private struct LeadSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<Lead>
  }

  /// A snapshot file whose sections are read a window at a time, each checked against its
  /// checksum once read; the file's bytes are never whole in memory.
  struct File {
    let fileSystem: FileSystem
    let descriptor: Int32
    private var ranges: [Range<Int64>] = []

    init(
      fileSystem: FileSystem, descriptor: Int32, size: Int64, magic: [UInt8] = Snapshot.magic,
      sections: Int = Snapshot.sectionCount
    ) throws(SnapshotError) {
      self.fileSystem = fileSystem
      self.descriptor = descriptor
      func read(_ count: Int, at offset: Int64) throws(SnapshotError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
          let got = bytes.withUnsafeMutableBytes { [filled] raw in
            try? fileSystem.read(
              descriptor, into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: offset + Int64(filled))
          }
          guard let got, got > 0 else { throw SnapshotError("truncated") }
          filled += got
        }
        return bytes
      }
      guard try read(magic.count, at: 0) == magic else { throw SnapshotError("not a snapshot") }
      var offset = Int64(magic.count)
      while offset < size {
        guard size - offset >= 12 else { throw SnapshotError("truncated") }
        let length = try read(8, at: offset).withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        guard length >= 0, length <= size - offset - 12 else { throw SnapshotError("truncated") }
        ranges.append((offset + 8)..<(offset + 8 + length))
        offset += 8 + length + 4
      }
      guard ranges.count == sections else { throw SnapshotError("wrong number of sections") }
    }

    /// The state section (`index`), its two halves of leads read on two threads at once.
    func image(section index: Int = 2) throws(SnapshotError) -> PipelineImage {
      let range = ranges[index]
      guard range.count >= 8 else { throw SnapshotError("truncated") }
      var trailer: Int64 = 0
      let got = withUnsafeMutableBytes(of: &trailer) { raw in
        try? fileSystem.read(descriptor, into: raw, at: range.upperBound - 8)
      }
      let splitOffset = Int64(littleEndian: trailer)
      guard got == 8, splitOffset >= 0, splitOffset <= Int64(range.count) - 8 else {
        throw SnapshotError("bad split")
      }
      let split = range.lowerBound + splitOffset
      // The second half on another thread: it needs only to know how many leads come first.
      let second = SecondHalf()
      let firstStream = SectionStream(fileSystem: fileSystem, descriptor: descriptor, range: range.lowerBound..<split)
      let secondStream = SectionStream(
        fileSystem: fileSystem, descriptor: descriptor, range: split..<range.upperBound)
      var first = BinaryReader(firstStream)
      let header = try readImageHeader(&first)
      try header.check(sectionBytes: Int(range.count))
      let count = header.leadCount
      // Both halves are made in place in one array, the second by another thread: no half
      // is copied after (a million leads: 150 MB and a tenth of a second).
      var columns: [[Int32]] = []
      let leads = try [Lead](unsafeUninitializedCapacity: count + count / 4 + 1024) {
        (buffer, initialized) throws(SnapshotError) in
        adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
        let target = LeadSlots(base: buffer.baseAddress!)
        let worker = Thread { [second, header, target] in
          var reader = BinaryReader(secondStream)
          var cache = StringCache()
          second.result = Result { () throws(SnapshotError) in
            for index in header.split..<header.leadCount {
              (target.base + index).initialize(to: try Snapshot.readLead(&reader, cache: &cache))
              second.made += 1
            }
            var none: [Lead] = []
            let columns = try readImageEnd(&reader, count: 0, columns: header.stages.count, into: &none)
            guard reader.isAtEnd else { throw SnapshotError("unexpected bytes") }
            return columns
          }
          second.done.signal()
        }
        worker.start()
        var cache = StringCache()
        var made = 0
        let firstHalf = Result { () throws(SnapshotError) in
          for index in 0..<header.split {
            (target.base + index).initialize(to: try Snapshot.readLead(&first, cache: &cache))
            made += 1
          }
          guard first.isAtEnd else { throw SnapshotError("the first half does not end where it says") }
        }
        second.done.wait()
        do throws(SnapshotError) {
          try firstHalf.get()
          columns = try second.result.get()
          initialized = count
        } catch {
          // Whatever was made is taken apart again; the array is left empty.
          target.base.deinitialize(count: made)
          (target.base + header.split).deinitialize(count: second.made)
          initialized = 0
          throw error
        }
      }
      var stored: UInt32 = 0
      let read = withUnsafeMutableBytes(of: &stored) { raw in
        try? fileSystem.read(descriptor, into: raw, at: range.upperBound)
      }
      let combined = CRC32C.combine(
        firstStream.checksum.value, secondStream.checksum.value, secondLength: range.upperBound - split)
      guard read == 4, combined == UInt32(littleEndian: stored) else { throw SnapshotError("checksum mismatch") }

      return PipelineImage(stages: header.stages, leads: leads, columns: columns)
    }

    /// Section `index`, read by `read` and checked against its checksum.
    func section<T>(_ index: Int, _ read: (inout BinaryReader) throws(SnapshotError) -> T) throws(SnapshotError) -> T {
      let range = ranges[index]
      let stream = SectionStream(fileSystem: fileSystem, descriptor: descriptor, range: range)
      var reader = BinaryReader(stream)
      let value = try read(&reader)
      guard reader.isAtEnd else { throw SnapshotError("unexpected bytes") }
      var stored: UInt32 = 0
      let got = withUnsafeMutableBytes(of: &stored) { raw in
        try? fileSystem.read(descriptor, into: raw, at: range.upperBound)
      }
      guard got == 4, stream.checksum.value == UInt32(littleEndian: stored) else {
        throw SnapshotError("checksum mismatch")
      }
      return value
    }
  }

  /// The ids of the events the snapshot covers.
  static func readEventIDs(_ r: inout BinaryReader) throws(SnapshotError) -> EventIDSet {
    let count = try r.count(ofAtLeast: 16)
    var packed = SortedEventIDs()
    packed.reserve(count)
    for _ in 0..<count {
      let high = UInt64(bitPattern: try r.i64())
      guard high <= UInt64(UInt16.max) else { throw SnapshotError("bad event id") }
      packed.append(PackedEventID(high: high, low: UInt64(bitPattern: try r.i64())))
    }
    var others = Set<String>()
    for _ in 0..<(try r.count()) { others.insert(try r.string()) }
    return EventIDSet(covered: packed, others: others)
  }

  /// The start of the state section: the stages, how many leads, and how many of them come
  /// in the first half.
  struct ImageHeader: Sendable {
    var stages: [Stage]
    var leadCount: Int
    var split: Int

    /// Refuses a count of leads the section's `bytes` could not hold (a lead takes at least
    /// 30: nine strings' lengths, its numbers and flags) before room is made for them.
    func check(sectionBytes bytes: Int) throws(SnapshotError) {
      guard leadCount <= bytes / 30 else { throw SnapshotError("count larger than the file") }
    }

    /// An array for the leads, with room for all of them and for the ones added after the
    /// snapshot: a full array doubles when one more is added (a million leads: 300 MB more
    /// for a moment). Room never written takes no memory.
    func emptyLeads() -> [Lead] {
      var leads: [Lead] = []
      leads.reserveCapacity(leadCount + leadCount / 4 + 1024)
      return leads
    }
  }

  static func readImageHeader(_ r: inout BinaryReader) throws(SnapshotError) -> ImageHeader {
    var stages: [Stage] = []
    for _ in 0..<(try r.count()) {
      let key = try r.string()
      let title = try r.string()
      let probability = Int(try r.i64())
      let checklist = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in try r.string() }
      let stall = Int(try r.i64())
      let guidance = try r.string()
      stages.append(
        Stage(
          key: key, title: title, probability: probability, checklist: checklist, stallDays: stall, guidance: guidance))
    }
    let leadCount = try r.count()
    let split = try r.count()
    guard split <= leadCount else { throw SnapshotError("bad split") }
    return ImageHeader(stages: stages, leadCount: leadCount, split: split)
  }

  /// The second half: `count` leads appended to `leads`, the columns, and the offset of
  /// the second half (checked by the caller that needed it, skipped otherwise).
  static func readImageEnd(_ r: inout BinaryReader, count: Int, columns stageCount: Int, into leads: inout [Lead])
    throws(SnapshotError) -> [[Int32]]
  {
    var cache = StringCache()
    for _ in 0..<count { leads.append(try Snapshot.readLead(&r, cache: &cache)) }
    var columns: [[Int32]] = []
    for _ in 0..<stageCount {
      let count = try r.count(ofAtLeast: 1)
      var column: [Int32] = []
      column.reserveCapacity(count)
      for _ in 0..<count { column.append(Int32(try r.count())) }
      columns.append(column)
    }
    _ = try r.i64()
    return columns
  }

  /// One lead; the strings many leads share (stage keys, owners, sources, currencies,
  /// reasons, actions, criteria) are kept once through `cache`.
  private static func readLead(_ r: inout BinaryReader, cache: inout StringCache) throws(SnapshotError) -> Lead {
    let id = LeadID(try r.string())
    let name = try r.string()
    let company = try r.string()
    let email = try r.string()
    let phone = try r.string()
    let owner = try r.string(&cache)
    let source = try r.string(&cache)
    let reference = try r.string()
    let stage = try r.string(&cache)
    let created: Timestamp
    var lead = Lead(id: id, name: name, stage: stage, created: Timestamp(millisecondsSinceEpoch: 0))
    lead.company = company
    lead.email = email
    lead.phone = phone
    lead.owner = owner
    lead.source = source
    lead.reference = reference
    lead.value = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in
      Money(minorUnits: try r.i64(), currency: try r.string(&cache))
    }
    lead.expectedClose = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in
      CalendarDay(daysSinceEpoch: try r.i64())
    }
    lead.referredBy = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in LeadID(try r.string()) }
    let customs = try r.count()
    for _ in 0..<customs {
      let key = try r.string(&cache)
      lead.custom[key] = try r.string(&cache)
    }
    switch try r.u8() {
    case 0: lead.status = .open
    case 1: lead.status = .won
    case 2: lead.status = .lost
    default: throw SnapshotError("bad status")
    }
    lead.lostReason = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in try r.string(&cache) }
    created = Timestamp(millisecondsSinceEpoch: try r.i64())
    lead.created = created
    lead.stageEntered = Timestamp(millisecondsSinceEpoch: try r.i64())
    lead.closed = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in
      Timestamp(millisecondsSinceEpoch: try r.i64())
    }
    lead.lastActivity = Timestamp(millisecondsSinceEpoch: try r.i64())
    let checks = try r.count()
    for _ in 0..<checks { lead.checklist.set(cache.criterion(try r.string(&cache)), to: try r.bool()) }
    let answers = try r.count()
    for _ in 0..<answers {
      let criterion = try r.string(&cache)
      lead.answers[criterion] = try r.string()
    }
    let notes = try r.count()
    for _ in 0..<notes {
      lead.notes.append(Note(text: try r.string(), time: Timestamp(millisecondsSinceEpoch: try r.i64())))
    }
    let activities = try r.count()
    for _ in 0..<activities {
      lead.activities.append(
        Activity(
          kind: try r.string(&cache), outcome: try r.string(),
          time: Timestamp(millisecondsSinceEpoch: try r.i64())))
    }
    lead.followUp = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in
      FollowUp(action: try r.string(&cache), due: CalendarDay(daysSinceEpoch: try r.i64()))
    }
    let visits = try r.count()
    var history: [StageVisit] = []
    history.reserveCapacity(visits)
    for _ in 0..<visits {
      let stage = try r.string(&cache)
      let entered = Timestamp(millisecondsSinceEpoch: try r.i64())
      let left = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in
        Timestamp(millisecondsSinceEpoch: try r.i64())
      }
      history.append(StageVisit(stage: stage, entered: entered, left: left))
    }
    lead.stageHistory = history
    return lead
  }

  /// A checksum of everything in the configuration that shapes the replayed state.
  static func fingerprint(_ config: PipelineConfig) -> UInt32 {
    var w = BinaryWriter()
    for stage in config.stages {
      w.string(stage.key)
      w.string(stage.title)
      w.i64(Int64(stage.probability))
      w.string(stage.checklist ?? "")
      w.i64(Int64(stage.stallDays))
    }
    return CRC32C.checksum(w.bytes)
  }
}
