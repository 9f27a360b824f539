import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// The search index of a large pipeline is built a slice at a time between keys, never in
/// front of one; built in slices, it is exactly the index built at once.
@Suite struct SlicedSearchIndexTests {
  /// A pipeline with cards in every column, lost deals, and an add that was undone.
  static func pipeline() throws -> Pipeline {
    var pipeline = Fixture.pipeline()
    let time = Timestamp(iso8601: "2026-11-09T09:00:00Z")!
    let stages = pipeline.stages.map(\.key)
    for index in 0..<300 {
      let id = LeadID("bulk\(1000 + index)")
      let stage = stages[index % stages.count]
      try pipeline.apply(
        Event(
          id: "b\(index)", time: time, replica: "t", lead: id,
          change: .created(NewLead(name: "Marta \(index)", company: "Lumen \(index % 7)", stage: stage))))
      if index % 9 == 0 {
        try pipeline.apply(Event(id: "l\(index)", time: time, replica: "t", lead: id, change: .lost(reason: "Budget")))
      }
      if index % 50 == 0 {
        try pipeline.apply(
          Event(
            id: "u\(index)", time: time, replica: "t", lead: id,
            change: .restored(Restoration(reverses: "b\(index)", lead: nil))))
      }
    }
    return pipeline
  }

  @Test func anIndexBuiltInSlicesIsTheIndexBuiltAtOnce() throws {
    let pipeline = try Self.pipeline()
    let whole = SearchIndex(pipeline)
    for budget in [1, 7, 64, 10_000] {
      var builder = SearchIndex.Builder(pipeline)
      var slices = 0
      var built: SearchIndex?
      while built == nil {
        built = builder.advance(pipeline, budget: budget)
        slices += 1
      }
      #expect(built?.ids == whole.ids, "budget \(budget)")
      #expect(built?.matches("marta 1") == whole.matches("marta 1"), "budget \(budget)")
      #expect(slices >= min(whole.ids.count / budget, 100), "budget \(budget)")
    }
    // Every lead still in the pipeline is found once; the undone adds are not.
    #expect(whole.ids.count == pipeline.count)
    #expect(Set(whole.ids).count == whole.ids.count)
  }

  /// A change while the index is being built starts it again on the new pipeline.
  @Test func aChangeWhileBuildingStartsAgain() throws {
    var pipeline = try Self.pipeline()
    var builder = SearchIndex.Builder(pipeline)
    #expect(builder.advance(pipeline, budget: 50) == nil)
    try pipeline.apply(
      Event(
        id: "new", time: Timestamp(iso8601: "2026-11-09T10:00:00Z")!, replica: "t", lead: "zzzz",
        change: .created(NewLead(name: "Quentin Late", stage: "proposal"))))
    var built: SearchIndex?
    while built == nil { built = builder.advance(pipeline, budget: 50) }
    #expect(built?.revision == pipeline.revision)
    #expect(built.map { $0.matches("quentin").count } == 1)
  }

  /// Above the size built at once, `/` opens without building, says it is indexing, the
  /// loop builds the index a slice at a time, and the search shows its matches once done.
  @Test func aLargePipelineIsIndexedBetweenKeys() throws {
    var h = Harness(width: 160, height: 45, pipeline: try Self.pipeline())
    h.state.searchIndexBuiltAtOnceUpTo = 0
    h.send(.character("/"))
    h.type("marta 2")
    #expect(h.state.searchIndex == nil)
    #expect(h.frame.text.contains("indexing…"))
    #expect(h.state.needsSearchIndexNow(h.pipeline))
    var slices = 0
    while h.state.searchIndexIsStale(h.pipeline) {
      h.state.prepareSearch(h.pipeline, budget: 20)
      slices += 1
    }
    #expect(slices > 5)
    #expect(!h.state.isIndexing)
    guard case .search(let search) = h.state.mode else {
      Issue.record("the search closed")
      return
    }
    // "Marta 2", "Marta 20".."Marta 29", "Marta 200".."Marta 299", less the lost and undone.
    let expected = h.pipeline.leads.filter { $0.name.hasPrefix("Marta 2") }.count
    #expect(search.matchCount == expected)
    #expect(h.frame.text.contains("\(expected) matches"))
    #expect(h.written.isEmpty)
  }
}

/// The one-pass scan finds exactly the entries that contain the query, as testing each
/// entry on its own does, at entry boundaries too.
@Suite struct SearchScanTests {
  @Test func theScanFindsWhatTestingEachEntryFinds() {
    let words = ["ana", "anabel", "banana", "b", "", "nab", "xanax", "a", "na", "an"]
    var bytes: [UInt8] = []
    var ends: [Int] = []
    for word in words {
      bytes += Array(word.utf8) + [0x1F] + Array(word.reversed().map { $0 }.map(String.init).joined().utf8)
      ends.append(bytes.count)
    }
    for query in ["a", "an", "ana", "nab", "ban", "x", "anax", "bana", "\u{1F}a", "zz", "b"] {
      let needle = Array(query.utf8)
      let expected = ends.indices.filter { index in
        let start = index == 0 ? 0 : ends[index - 1]
        let entry = Array(bytes[start..<ends[index]])
        return entry.count >= needle.count
          && (0...(entry.count - needle.count)).contains { Array(entry[$0..<($0 + needle.count)]) == needle }
      }.map(Int32.init)
      let found = bytes.withUnsafeBufferPointer { haystack in
        needle.withUnsafeBufferPointer { SearchIndex.scan(haystack, ends: ends, for: $0) }
      }
      #expect(found == expected, "\(query)")
    }
  }

  /// Random entries of every length (empty, shorter and longer than the sixteen bytes
  /// compared at once) and random needles over a small alphabet, so that needles often
  /// match, often at an entry's edges, and often would match across two entries: the scan
  /// in one piece and in two halves, and the test of listed entries, agree with testing
  /// each entry on its own.
  @Test func theScanAgreesWithTestingEachEntryOnRandomText() {
    var generator = SplitMix64(seed: 20_261_130)
    let alphabet = Array("abc\u{1F}".utf8)
    var bytes: [UInt8] = []
    var ends: [Int] = []
    for _ in 0..<800 {
      let length = Int.random(in: 0...70, using: &generator)
      for _ in 0..<length { bytes.append(alphabet.randomElement(using: &generator)!) }
      ends.append(bytes.count)
    }
    func expected(_ needle: [UInt8], among entries: [Int]) -> [Int32] {
      entries.filter { index in
        let entry = bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
        return entry.count >= needle.count
          && (entry.startIndex...(entry.endIndex - needle.count)).contains {
            bytes[$0..<($0 + needle.count)].elementsEqual(needle)
          }
      }.map(Int32.init)
    }
    for _ in 0..<120 {
      let needle = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
        alphabet.randomElement(using: &generator)!
      }
      let every = expected(needle, among: Array(ends.indices))
      let listed = ends.indices.filter { _ in Bool.random(using: &generator) }
      bytes.withUnsafeBufferPointer { haystack in
        needle.withUnsafeBufferPointer { needleBytes in
          #expect(SearchIndex.scan(haystack, ends: ends, for: needleBytes, halvesFrom: .max) == every)
          #expect(SearchIndex.scan(haystack, ends: ends, for: needleBytes, halvesFrom: 2) == every)
          #expect(
            SearchIndex.test(listed.map(Int32.init), haystack, ends: ends, for: needleBytes)
              == expected(needle, among: listed))
        }
      }
    }
  }
}
