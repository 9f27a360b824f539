import Glibc
import PipelineCore
import TerminalModel

/// Folded names and companies of every card, in board order, packed in one byte buffer so
/// that a search keystroke over 100,000 leads is a tight loop of `memchr` and `memcmp`.
struct SearchIndex: Sendable {
  let revision: Int
  /// Entry -> lead, in board order (stage by stage, top to bottom).
  private(set) var ids: [LeadID] = []
  /// Lead -> entry, to tell whether a card on screen matches.
  private(set) var entryOf: [LeadID: Int32] = [:]
  private var bytes: [UInt8] = []
  private var ends: [Int] = []

  init(_ pipeline: Pipeline) {
    revision = pipeline.revision
    ids.reserveCapacity(pipeline.count)
    entryOf.reserveCapacity(pipeline.count)
    ends.reserveCapacity(pipeline.count)
    func add(_ lead: Lead) {
      entryOf[lead.id] = Int32(ids.count)
      ids.append(lead.id)
      SearchKey.appendFolded(lead.name, to: &bytes)
      bytes.append(0x1F)
      SearchKey.appendFolded(lead.company, to: &bytes)
      ends.append(bytes.count)
    }
    for stage in pipeline.stages { pipeline.forEachCard(inStage: stage.key, add) }
    // Lost deals are off the board but still found, after every card.
    for lead in pipeline.leads where lead.status == .lost { add(lead) }
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
          for entry in ends.indices { test(entry) }
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
