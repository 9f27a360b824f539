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
  /// Per chunk id: the column it belongs to, and its place in that column's list of chunks,
  /// so that taking a card out finds its chunk without walking the column (a column of
  /// 300,000 cards has over a thousand chunks).
  private var columnOfChunk: [Int32] = []
  private var placeOfChunk: [Int32] = []

  var columnCount: Int { columns.count }

  mutating func addColumn() {
    let chunk = newChunk()
    columnOfChunk[Int(chunk)] = Int32(columns.count)
    placeOfChunk[Int(chunk)] = 0
    columns.append([chunk])
    counts.append(0)
  }

  /// The column a card is in, or nil while it is off the board.
  func column(of slot: Int32) -> Int? {
    let chunk = chunkOfSlot[Int(slot)]
    return chunk < 0 ? nil : Int(columnOfChunk[Int(chunk)])
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
      columnOfChunk[Int(chunkID)] = Int32(column)
      placeOfChunk[Int(chunkID)] = Int32(chunkIDs.count - 1)
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

  /// Takes `slot` off the board; its chunk is found without walking the column.
  mutating func remove(_ slot: Int32, column: Int) {
    let chunkID = chunkOfSlot[Int(slot)]
    precondition(chunkID >= 0 && Int(columnOfChunk[Int(chunkID)]) == column, "lead is not in column \(column)")
    let offset = chunks[Int(chunkID)].firstIndex(of: slot)!
    chunks[Int(chunkID)].remove(at: offset)
    chunkOfSlot[Int(slot)] = -1
    counts[column] -= 1
    if chunks[Int(chunkID)].isEmpty && columns[column].count > 1 {
      let place = Int(placeOfChunk[Int(chunkID)])
      columns[column].remove(at: place)
      renumber(column, from: place)
      freeChunks.append(chunkID)
    }
  }

  /// Sets the places of a column's chunks from `place` on, after one was added or removed.
  private mutating func renumber(_ column: Int, from place: Int) {
    let chunkIDs = columns[column]
    for position in place..<chunkIDs.count { placeOfChunk[Int(chunkIDs[position])] = Int32(position) }
  }

  /// The 0-based index of `slot` in `column`.
  func index(of slot: Int32, column: Int) -> Int {
    let chunkID = chunkOfSlot[Int(slot)]
    precondition(chunkID >= 0 && Int(columnOfChunk[Int(chunkID)]) == column, "lead is not in column \(column)")
    var before = 0
    for id in columns[column][..<Int(placeOfChunk[Int(chunkID)])] { before += chunks[Int(id)].count }
    return before + chunks[Int(chunkID)].firstIndex(of: slot)!
  }

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

  /// Calls `body` with up to `limit` slots of `column` from index `start` down; returns
  /// how many that was.
  @discardableResult
  func forEachSlot(in column: Int, from start: Int, limit: Int, _ body: (Int32) -> Void) -> Int {
    var skip = start
    var done = 0
    for chunkID in columns[column] {
      guard done < limit else { break }
      let chunk = chunks[Int(chunkID)]
      if skip >= chunk.count {
        skip -= chunk.count
        continue
      }
      for slot in chunk[skip...] where done < limit {
        body(slot)
        done += 1
      }
      skip = 0
    }
    return done
  }

  /// All slots of `column`, top to bottom.
  func slots(in column: Int) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(counts[column])
    for chunkID in columns[column] { result.append(contentsOf: chunks[Int(chunkID)]) }
    return result
  }

  private mutating func split(_ chunkID: Int32, column: Int, at chunkPosition: Int) {
    let half = chunks[Int(chunkID)].count / 2
    let moved = Array(chunks[Int(chunkID)][half...])
    chunks[Int(chunkID)].removeSubrange(half...)
    let newID = newChunk()
    chunks[Int(newID)] = moved
    for slot in moved { chunkOfSlot[Int(slot)] = newID }
    columnOfChunk[Int(newID)] = Int32(column)
    columns[column].insert(newID, at: chunkPosition + 1)
    renumber(column, from: chunkPosition + 1)
  }

  private mutating func newChunk() -> Int32 {
    if let reused = freeChunks.popLast() { return reused }
    chunks.append([])
    columnOfChunk.append(-1)
    placeOfChunk.append(-1)
    return Int32(chunks.count - 1)
  }
}
