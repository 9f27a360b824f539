import Glibc
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
  /// narrows the test to earlier matches, when the query only grew.
  func matches(_ query: String, within: [Int32]? = nil) -> [Int32] {
    var needle: [UInt8] = []
    SearchKey.appendFolded(query, to: &needle)
    guard !needle.isEmpty else { return [] }
    var result: [Int32] = []
    bytes.withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { n in
        func test(_ entry: Int) {
          let start = entry == 0 ? 0 : ends[entry - 1]
          let end = ends[entry]
          if end - start >= n.count && Self.contains(haystack.baseAddress! + start, count: end - start, n) {
            result.append(Int32(entry))
          }
        }
        if let within {
          for entry in within { test(Int(entry)) }
        } else {
          result = Self.scan(haystack, ends: ends, for: n)
        }
      }
    }
    return result
  }

  /// Every entry that contains `needle`, in one pass over the whole buffer: memchr finds
  /// the next place the needle's first byte occurs, the entry it falls in is found by
  /// walking the entries' ends forward (never back), memcmp checks the rest, and after a
  /// match the scan goes on from the next entry. About a byte's worth of work per byte,
  /// instead of a call per entry (a million leads: 18 ms before, a few now).
  static func scan(_ haystack: UnsafeBufferPointer<UInt8>, ends: [Int], for needle: UnsafeBufferPointer<UInt8>)
    -> [Int32]
  {
    var result: [Int32] = []
    guard let base = haystack.baseAddress, !ends.isEmpty else { return result }
    let total = ends[ends.count - 1]
    var entry = 0
    var position = 0
    ends.withUnsafeBufferPointer { ends in
      while position <= total - needle.count {
        guard let found = memchr(base + position, Int32(needle[0]), total - needle.count - position + 1) else {
          break
        }
        position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        while ends[entry] <= position { entry += 1 }
        if position + needle.count <= ends[entry] && memcmp(base + position, needle.baseAddress!, needle.count) == 0 {
          result.append(Int32(entry))
          position = ends[entry]
          entry += 1
          if entry == ends.count { break }
        } else {
          position += 1
        }
      }
    }
    return result
  }

  /// Whether `count` bytes at `haystack` contain `needle`: memchr finds candidates for
  /// the first byte, memcmp checks the rest.
  private static func contains(_ haystack: UnsafePointer<UInt8>, count: Int, _ needle: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    let last = count - needle.count
    var start = 0
    while start <= last {
      guard let found = memchr(haystack + start, Int32(needle[0]), last - start + 1) else { return false }
      let at = UnsafeRawPointer(haystack).distance(to: UnsafeRawPointer(found))
      if memcmp(haystack + at, needle.baseAddress!, needle.count) == 0 { return true }
      start = at + 1
    }
    return false
  }
}
