import Testing

@testable import PipelineCore

@Suite struct StageColumnsTests {
  /// Random inserts, removals and moves, checked against plain arrays after every step,
  /// with enough cards that chunks split and empty out many times.
  @Test(arguments: [UInt64(1), 2, 3])
  func matchesAPlainArrayModel(seed: UInt64) {
    var random = TestRandom(seed: seed)
    var columns = StageColumns()
    var model: [[Int32]] = [[], [], []]
    var columnOf: [Int32: Int] = [:]
    for _ in 0..<3 { columns.addColumn() }
    var nextSlot: Int32 = 0
    for step in 0..<6000 {
      let action = random.next() % 10
      if action < 5 || columnOf.isEmpty {
        columns.addSlot()
        let column = Int(random.next() % 3)
        let index = Int(random.next() % UInt64(model[column].count + 1))
        columns.insert(nextSlot, column: column, at: index)
        model[column].insert(nextSlot, at: index)
        columnOf[nextSlot] = column
        nextSlot += 1
      } else {
        let slot = Array(columnOf.keys)[Int(random.next() % UInt64(columnOf.count))]
        let column = columnOf[slot]!
        #expect(columns.column(of: slot) == column)
        let removedAt = columns.index(of: slot, column: column)
        columns.remove(slot, column: column)
        #expect(removedAt == model[column].firstIndex(of: slot))
        model[column].remove(at: removedAt)
        if action < 8 {
          let target = Int(random.next() % 3)
          let index = Int(random.next() % UInt64(model[target].count + 1))
          columns.insert(slot, column: target, at: index)
          model[target].insert(slot, at: index)
          columnOf[slot] = target
        } else {
          columnOf[slot] = nil
        }
      }
      if step % 500 == 0 || step == 5999 {
        for column in 0..<3 {
          #expect(columns.slots(in: column) == model[column])
          #expect(columns.counts[column] == model[column].count)
          for (index, slot) in model[column].enumerated() where index % 37 == 0 {
            #expect(columns.index(of: slot, column: column) == index)
            #expect(columns.slot(at: index, column: column) == slot)
          }
        }
      }
    }
  }
}

/// SplitMix64, for reproducible random tests.
struct TestRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
