/// The order of the cards in every column, with positions found in about O(sqrt n).
///
/// Each column is an unrolled list: a sequence of small chunks of lead slots. Inserting or
/// removing a card touches one chunk, and finding a card's position walks the chunk counts
/// instead of the whole column, so replaying a million moves over 100,000 leads stays fast.
struct StageColumns: Hashable, Sendable {
  /// Chunks never grow past this; a full chunk splits in two.
  private static let maximumChunk = 256

  /// Per column, its chunk ids in order.
  private var columns: [[Int32]] = []
  /// Per column, the number of cards in it.
  private(set) var counts: [Int] = []
  /// Lead slots of each chunk, indexed by chunk id.
  private var chunks: [[Int32]] = []
  private var freeChunks: [Int32] = []
  /// Chunk id of each lead slot, or -1 while the lead is off the board.
  private var chunkOfSlot: [Int32] = []

  var columnCount: Int { columns.count }

  mutating func addColumn() {
    columns.append([newChunk()])
    counts.append(0)
  }

  /// Makes room for a new lead slot (off the board until inserted).
  mutating func addSlot() { chunkOfSlot.append(-1) }

  mutating func addSlots(_ count: Int) {
    chunkOfSlot.append(contentsOf: repeatElement(-1, count: count))
  }

  /// Puts `slots` at the bottom of an empty `column`, in half-full chunks (room to grow).
  mutating func append(_ slots: [Int32], toColumn column: Int) {
    precondition(counts[column] == 0, "column is not empty")
    var start = 0
    var chunkIDs = columns[column]
    while start < slots.count {
      let end = min(start + Self.maximumChunk / 2, slots.count)
      let chunkID = start == 0 ? chunkIDs[0] : newChunk()
      if start > 0 { chunkIDs.append(chunkID) }
      chunks[Int(chunkID)] = Array(slots[start..<end])
      for slot in slots[start..<end] { chunkOfSlot[Int(slot)] = chunkID }
      start = end
    }
    columns[column] = chunkIDs
    counts[column] = slots.count
  }

  func isOnBoard(_ slot: Int32) -> Bool { chunkOfSlot[Int(slot)] >= 0 }

  /// Inserts `slot` into `column` so that it ends up at `index` (clamped to the column).
  mutating func insert(_ slot: Int32, column: Int, at index: Int) {
    precondition(chunkOfSlot[Int(slot)] < 0, "lead is already on the board")
    var remaining = min(max(index, 0), counts[column])
    var chunkPosition = 0
    let chunkIDs = columns[column]
    while chunkPosition < chunkIDs.count - 1 && remaining > chunks[Int(chunkIDs[chunkPosition])].count {
      remaining -= chunks[Int(chunkIDs[chunkPosition])].count
      chunkPosition += 1
    }
    let chunkID = chunkIDs[chunkPosition]
    chunks[Int(chunkID)].insert(slot, at: remaining)
    chunkOfSlot[Int(slot)] = chunkID
    counts[column] += 1
    if chunks[Int(chunkID)].count > Self.maximumChunk {
      split(chunkID, column: column, at: chunkPosition)
    }
  }

  /// Takes `slot` off the board and returns the index it had in `column`.
  @discardableResult
  mutating func remove(_ slot: Int32, column: Int) -> Int {
    let (index, chunkPosition, offset) = locate(slot, column: column)
    let chunkID = columns[column][chunkPosition]
    chunks[Int(chunkID)].remove(at: offset)
    chunkOfSlot[Int(slot)] = -1
    counts[column] -= 1
    if chunks[Int(chunkID)].isEmpty && columns[column].count > 1 {
      columns[column].remove(at: chunkPosition)
      freeChunks.append(chunkID)
    }
    return index
  }

  /// The 0-based index of `slot` in `column`.
  func index(of slot: Int32, column: Int) -> Int { locate(slot, column: column).index }

  /// The slot at `index` of `column`.
  func slot(at index: Int, column: Int) -> Int32 {
    var remaining = index
    for chunkID in columns[column] {
      let chunk = chunks[Int(chunkID)]
      if remaining < chunk.count { return chunk[remaining] }
      remaining -= chunk.count
    }
    preconditionFailure("index \(index) is outside column \(column)")
  }

  /// All slots of `column`, top to bottom.
  func slots(in column: Int) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(counts[column])
    for chunkID in columns[column] { result.append(contentsOf: chunks[Int(chunkID)]) }
    return result
  }

  private func locate(_ slot: Int32, column: Int) -> (index: Int, chunkPosition: Int, offset: Int) {
    let chunkID = chunkOfSlot[Int(slot)]
    precondition(chunkID >= 0, "lead is not on the board")
    var before = 0
    for (position, id) in columns[column].enumerated() {
      if id == chunkID {
        let offset = chunks[Int(id)].firstIndex(of: slot)!
        return (before + offset, position, offset)
      }
      before += chunks[Int(id)].count
    }
    preconditionFailure("lead is not in column \(column)")
  }

  private mutating func split(_ chunkID: Int32, column: Int, at chunkPosition: Int) {
    let half = chunks[Int(chunkID)].count / 2
    let moved = Array(chunks[Int(chunkID)][half...])
    chunks[Int(chunkID)].removeSubrange(half...)
    let newID = newChunk()
    chunks[Int(newID)] = moved
    for slot in moved { chunkOfSlot[Int(slot)] = newID }
    columns[column].insert(newID, at: chunkPosition + 1)
  }

  private mutating func newChunk() -> Int32 {
    if let reused = freeChunks.popLast() { return reused }
    chunks.append([])
    return Int32(chunks.count - 1)
  }
}
