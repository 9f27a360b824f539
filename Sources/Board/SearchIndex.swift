import Glibc
import PipelineCore

/// Folded names and companies of every card, in board order, packed in one byte buffer so
/// that a search keystroke over 100,000 leads is a tight loop of `memmem` calls.
struct SearchIndex: Sendable {
  let revision: Int
  private(set) var ids: [LeadID] = []
  private var bytes: [UInt8] = []
  private var ends: [Int] = []

  init(_ pipeline: Pipeline) {
    revision = pipeline.revision
    for stage in pipeline.stages {
      for id in pipeline.leadIDs(inStage: stage.key) {
        guard let lead = pipeline[id] else { continue }
        ids.append(id)
        bytes.append(contentsOf: SearchKey.fold(lead.name + "\u{1F}" + lead.company).utf8)
        ends.append(bytes.count)
      }
    }
  }

  /// Leads whose name or company contains `query` (folded), in board order.
  func matches(_ query: String) -> [LeadID] {
    let needle = Array(SearchKey.fold(query).utf8)
    guard !needle.isEmpty else { return [] }
    var result: [LeadID] = []
    bytes.withUnsafeBufferPointer { haystack in
      needle.withUnsafeBufferPointer { n in
        var start = 0
        for (index, end) in ends.enumerated() {
          defer { start = end }
          guard end - start >= n.count else { continue }
          if Self.contains(haystack.baseAddress! + start, count: end - start, n) {
            result.append(ids[index])
          }
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
