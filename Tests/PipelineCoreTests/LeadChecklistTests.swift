import Testing

@testable import PipelineCore

/// A lead's checklist in two words per lead: it behaves as the dictionary it replaced.
@Suite struct LeadChecklistTests {
  @Test func itBehavesAsADictionaryOfCriteria() {
    var checklist = LeadChecklist()
    #expect(checklist.isEmpty && checklist.count == 0 && checklist["budget"] == nil)
    checklist["budget"] = true
    checklist["authority"] = false
    checklist["need"] = true
    #expect(checklist["budget"] == true && checklist["authority"] == false && checklist["timeline"] == nil)
    #expect(checklist.count == 3 && !checklist.isEmpty)
    #expect(checklist.dictionary == ["budget": true, "authority": false, "need": true])
    #expect(
      checklist.tickedCount(of: [Criterion(key: "budget", title: "B"), Criterion(key: "authority", title: "A")]) == 1)
    checklist["need"] = false
    #expect(checklist["need"] == false)
    checklist["budget"] = nil
    #expect(checklist["budget"] == nil && checklist.count == 2)
    #expect(Set(checklist.keys) == ["authority", "need"])
  }

  /// Equal contents are equal and hash alike, whatever order they were set in; keys past
  /// the 64 that get a bit still work (kept in a dictionary).
  @Test func equalContentsAreEqualAndManyKeysStillWork() {
    let keys = (0..<80).map { "criterion-\($0)-of-a-long-list" }
    var forward = LeadChecklist()
    var backward = LeadChecklist()
    for (index, key) in keys.enumerated() { forward[key] = index % 3 == 0 }
    for (index, key) in keys.enumerated().reversed() { backward[key] = index % 3 == 0 }
    #expect(forward == backward)
    #expect(forward.hashValue == backward.hashValue)
    #expect(forward.count == 80)
    for (index, key) in keys.enumerated() { #expect(forward[key] == (index % 3 == 0), "\(key)") }
    var removed = forward
    for key in keys { removed[key] = nil }
    #expect(removed.isEmpty && removed == LeadChecklist())
    #expect(LeadChecklist(["a-key": true]) == ["a-key": true])
  }

  /// A key looked up once and set many times (as a snapshot is read) gives the same
  /// checklist as the subscript, for keys with a bit and keys past the 64th alike.
  @Test func aKeyLookedUpOnceSetsWhatTheSubscriptSets() {
    let names = ["budget", "authority"] + (0..<70).map { "set-by-key-\($0)" }
    var byKey = LeadChecklist()
    var bySubscript = LeadChecklist()
    for (index, name) in names.enumerated() {
      let key = LeadChecklist.KeyBit(name)
      byKey.set(key, to: index % 2 == 0)
      byKey.set(key, to: index % 3 == 0)
      bySubscript[name] = index % 3 == 0
    }
    #expect(byKey == bySubscript)
    #expect(byKey.dictionary == bySubscript.dictionary && byKey.count == names.count)
  }
}
