import CTextScan
import Dispatch
import PipelineCore
import TerminalModel

/// Folded names and companies of every card, in board order, packed in one byte buffer so
/// that a search keystroke over 100,000 leads is a tight loop of `memchr` and `memcmp`.
struct SearchIndex: Sendable {
  let revision: Int
  /// Entry -> lead, in board order (stage by stage, top to bottom).
  private(set) var ids: [LeadID] = []
  /// Lead (by its place in creation order) -> entry, -1 for none: to tell whether a card on
  /// screen matches. An array, not a dictionary: a million leads are 4 MB made at once,
  /// not a million insertions.
  private var entryOfSlot: [Int32] = []
  private var bytes: [UInt8] = []
  private var ends: [Int] = []

  init(_ pipeline: Pipeline) {
    var builder = Builder(pipeline)
    while true {
      if let index = builder.advance(pipeline, budget: .max) {
        self = index
        return
      }
    }
  }

  private init(revision: Int, capacity: Int, slots: Int) {
    self.revision = revision
    ids.reserveCapacity(capacity)
    ends.reserveCapacity(capacity)
    // About 30 bytes a lead; asked for at once, so that the buffer is never copied as it grows.
    bytes.reserveCapacity(capacity * 48)
    entryOfSlot = [Int32](repeating: -1, count: slots)
  }

  /// The entry of a lead, if it is in the index.
  func entry(of lead: LeadID, in pipeline: Pipeline) -> Int32? {
    guard let slot = pipeline.slot(of: lead), entryOfSlot.indices.contains(slot) else { return nil }
    let entry = entryOfSlot[slot]
    return entry >= 0 && ids[Int(entry)] == lead ? entry : nil
  }

  private mutating func add(_ slot: Int, _ lead: Lead) {
    if entryOfSlot.indices.contains(slot) { entryOfSlot[slot] = Int32(ids.count) }
    ids.append(lead.id)
    SearchKey.appendFolded(lead.name, to: &bytes)
    bytes.append(0x1F)
    SearchKey.appendFolded(lead.company, to: &bytes)
    ends.append(bytes.count)
  }

  /// Builds an index a slice at a time, so that a million leads (about 1.4 s of work) are
  /// indexed between keys instead of in front of one. A change to the pipeline while it
  /// builds starts it again.
  struct Builder: Sendable {
    private(set) var index: SearchIndex
    /// Where it goes on: a stage's column and a place in it, then (past the last stage)
    /// lost deals by creation order.
    private var stage = 0
    private var place = 0

    init(_ pipeline: Pipeline) {
      index = SearchIndex(revision: pipeline.revision, capacity: pipeline.count, slots: pipeline.slotCount)
    }

    var revision: Int { index.revision }

    /// Indexes about `budget` more leads; the finished index once every lead is in it.
    mutating func advance(_ pipeline: Pipeline, budget: Int) -> SearchIndex? {
      if pipeline.revision != index.revision { self = Builder(pipeline) }
      var left = budget
      while left > 0 && stage < pipeline.stages.count {
        let taken = pipeline.forEachCard(inStage: pipeline.stages[stage].key, from: place, limit: left) {
          index.add($0, $1)
        }
        left -= taken
        place += taken
        if place >= pipeline.cardCount(inStage: pipeline.stages[stage].key) {
          stage += 1
          place = 0
        }
      }
      // Lost deals are off the board but still found, after every card.
      while left > 0 && place < pipeline.slotCount {
        let end = min(pipeline.slotCount, place + min(left, 50_000))
        pipeline.forEachLead(slots: place..<end) { slot, lead in
          if lead.status == .lost { index.add(slot, lead) }
        }
        left -= end - place
        place = end
      }
      return place >= pipeline.slotCount && stage >= pipeline.stages.count ? index : nil
    }
  }

  /// Entries whose name or company contains `query` (folded), in board order. `within`
  /// narrows the test to earlier matches, when the query only grew and they are few (when
  /// they are many, one pass over the whole buffer is quicker than a test per entry).
  func matches(_ query: String, within: [Int32]? = nil) -> [Int32] {
    var needle: [UInt8] = []
    SearchKey.appendFolded(query, to: &needle)
    guard !needle.isEmpty else { return [] }
    return bytes.withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { needle in
        if let within, within.count < ids.count / 8 {
          return Self.test(within, haystack, ends: ends, for: needle)
        }
        return Self.scan(haystack, ends: ends, for: needle)
      }
    }
  }

  /// Every entry that contains `needle`, in one pass over the whole buffer: sixteen places
  /// at a time are compared with the needle's first and last bytes, and only where both
  /// match is the rest compared; after a match the scan goes on from the next entry. A
  /// large index is scanned in two halves at once.
  static func scan(
    _ haystack: UnsafeBufferPointer<UInt8>, ends: [Int], for needle: UnsafeBufferPointer<UInt8>,
    halvesFrom: Int = scanHalvesFrom
  ) -> [Int32] {
    guard let base = haystack.baseAddress, let needleBase = needle.baseAddress, !ends.isEmpty, !needle.isEmpty
    else { return [] }
    let count = ends.count
    let halves = count >= max(2, halvesFrom) ? 2 : 1
    return ends.withUnsafeBufferPointer { ends in
      ends.withMemoryRebound(to: Int64.self) { ends in
        [Int32](unsafeUninitializedCapacity: count) { out, found in
          let split = count / halves
          let job = ScanJob(
            haystack: base, ends: ends.baseAddress!, needle: needleBase, needleCount: needle.count,
            out: out.baseAddress!, counts: .allocate(capacity: 2))
          defer { job.counts.deallocate() }
          DispatchQueue.concurrentPerform(iterations: halves) { half in
            job.run(first: half == 0 ? 0 : split, limit: half == halves - 1 ? count : split, half: half)
          }
          found = job.counts[0]
          if halves == 2 {
            (job.out + found).update(from: job.out + split, count: job.counts[1])
            found += job.counts[1]
          }
        }
      }
    }
  }

  /// One half of a scan: pointers into buffers that outlive it, each half writing only its
  /// own part of `out` and its own count.
  private struct ScanJob: @unchecked Sendable {
    let haystack: UnsafePointer<UInt8>
    let ends: UnsafePointer<Int64>
    let needle: UnsafePointer<UInt8>
    let needleCount: Int
    let out: UnsafeMutablePointer<Int32>
    let counts: UnsafeMutablePointer<Int>

    func run(first: Int, limit: Int, half: Int) {
      counts[half] = closer_scan_entries(
        haystack, first == 0 ? 0 : Int(ends[first - 1]), ends, first, limit, needle, needleCount, out + first)
    }
  }

  /// From this many entries on, a scan runs in two halves on two threads.
  static let scanHalvesFrom = 100_000

  /// The listed entries (ascending) that contain `needle`.
  static func test(
    _ entries: [Int32], _ haystack: UnsafeBufferPointer<UInt8>, ends: [Int], for needle: UnsafeBufferPointer<UInt8>
  ) -> [Int32] {
    guard let base = haystack.baseAddress, let needleBase = needle.baseAddress, !entries.isEmpty else { return [] }
    return ends.withUnsafeBufferPointer { ends in
      ends.withMemoryRebound(to: Int64.self) { ends in
        entries.withUnsafeBufferPointer { entries in
          [Int32](unsafeUninitializedCapacity: entries.count) { out, found in
            found = closer_test_entries(
              base, ends.baseAddress!, entries.baseAddress!, entries.count, needleBase, needle.count, out.baseAddress!)
          }
        }
      }
    }
  }
}
