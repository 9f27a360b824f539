import Glibc

/// The ids of the events read so far, so that an event whose line appears twice (a bad
/// merge, a copied line) is applied once.
///
/// Closer's own ids, 15 characters of Crockford base32, are kept as two integers (16 bytes,
/// no allocation); any other id as a string. A snapshot stores the ids it covers sorted, and
/// they are searched there instead of being hashed again on every opening.
struct EventIDSet {
  /// From a snapshot: sorted.
  private(set) var covered = SortedEventIDs()
  private(set) var coveredOthers: Set<String> = []
  private var recent = PackedEventIDTable()
  private var recentOthers: Set<String> = []

  init() {}

  init(covered: SortedEventIDs, others: Set<String>) {
    self.covered = covered
    self.coveredOthers = others
  }

  /// Adds `id`; false when it was there already.
  mutating func insert(_ id: String) -> Bool {
    guard let packed = PackedEventID(id) else {
      if coveredOthers.contains(id) { return false }
      return recentOthers.insert(id).inserted
    }
    if covered.count > 0 && covered.contains(packed) { return false }
    return recent.insert(packed)
  }

  /// Makes room for about `count` more ids at once, instead of growing step by step.
  mutating func reserve(_ count: Int) { recent.reserve(count) }

  /// Every id, the packed ones sorted, for a snapshot.
  func all() -> (packed: [PackedEventID], others: [String]) {
    let packed = recent.count == 0 ? covered.all : (covered.all + recent.elements).sorted()
    return (packed, (coveredOthers.union(recentOthers)).sorted())
  }
}

/// A 15-character Crockford base32 event id as two integers: 15 bits and 60 bits.
struct PackedEventID: Hashable, Comparable, Sendable {
  var high: UInt64
  var low: UInt64

  init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  init?(_ id: String) {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0
    for byte in id.utf8 {
      let digit = Self.values[Int(byte)]
      guard digit != 0xFF, count < 15 else { return nil }
      if count < 3 { high = high << 5 | UInt64(digit) } else { low = low << 5 | UInt64(digit) }
      count += 1
    }
    guard count == 15 else { return nil }
    self.init(high: high, low: low)
  }

  static func < (a: PackedEventID, b: PackedEventID) -> Bool {
    a.high != b.high ? a.high < b.high : a.low < b.low
  }

  /// Each byte's value in the alphabet, or 0xFF.
  private static let values: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (value, byte) in Array("0123456789abcdefghjkmnpqrstvwxyz".utf8).enumerated() {
      table[Int(byte)] = UInt8(value)
    }
    return table
  }()
}

/// Sorted packed ids, their two parts in two arrays: 10 bytes an id instead of 16 (eleven
/// million ids, a million leads' history: 110 MB instead of 175 MB).
struct SortedEventIDs {
  private var high: [UInt16] = []
  private var low: [UInt64] = []

  init() {}

  /// From ids already sorted.
  init(sorted ids: [PackedEventID]) {
    high = ids.map { UInt16(truncatingIfNeeded: $0.high) }
    low = ids.map(\.low)
  }

  mutating func reserve(_ count: Int) {
    high.reserveCapacity(count)
    low.reserveCapacity(count)
  }

  /// Appends an id not smaller than the last one.
  mutating func append(_ id: PackedEventID) {
    high.append(UInt16(truncatingIfNeeded: id.high))
    low.append(id.low)
  }

  var count: Int { low.count }

  subscript(index: Int) -> PackedEventID { PackedEventID(high: UInt64(high[index]), low: low[index]) }

  var all: [PackedEventID] { (0..<count).map { self[$0] } }

  var isSorted: Bool { (1..<max(1, count)).allSatisfy { self[$0 - 1] < self[$0] } }

  func contains(_ id: PackedEventID) -> Bool {
    var lower = 0
    var upper = count
    while lower < upper {
      let middle = (lower + upper) / 2
      if self[middle] < id { lower = middle + 1 } else { upper = middle }
    }
    return lower < count && self[lower] == id
  }
}

/// A hash set of packed event ids: open addressing with linear probing. Closer's ids are
/// random, so a multiplication of their bits is all the hashing they need; a million of
/// them go in about ten times faster than into a `Set`, which hashes each one with SipHash.
struct PackedEventIDTable {
  /// Free slots hold `empty` (no id has so large a first part: it holds 15 bits).
  private var slots: [PackedEventID] = []
  private(set) var count = 0
  private var shift = 64

  private static let empty = PackedEventID(high: .max, low: .max)

  /// Inserts `id`; false when it was there already.
  mutating func insert(_ id: PackedEventID) -> Bool {
    if (count + 1) * 4 > slots.count * 3 { grow(to: max(16, slots.count * 2)) }
    let mask = slots.count - 1
    var index = slot(of: id)
    while true {
      let held = slots[index]
      if held == Self.empty {
        slots[index] = id
        count += 1
        return true
      }
      if held == id { return false }
      index = (index + 1) & mask
    }
  }

  /// Makes room for `more` ids without growing again.
  mutating func reserve(_ more: Int) {
    var size = max(16, slots.count)
    while (count + more) * 4 > size * 3 { size *= 2 }
    if size > slots.count { grow(to: size) }
  }

  var elements: [PackedEventID] { slots.filter { $0 != Self.empty } }

  private func slot(of id: PackedEventID) -> Int {
    Int(truncatingIfNeeded: ((id.low ^ (id.high << 49)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  private mutating func grow(to size: Int) {
    let old = slots
    slots = [PackedEventID](unsafeUninitializedCapacity: size) { buffer, initialized in
      // Eleven million ids make a 256 MB table touched at random: in 2 MB pages the
      // processor finds each place without a page walk (where the system allows it).
      adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      buffer.initialize(repeating: Self.empty)
      initialized = size
    }
    shift = 64 - size.trailingZeroBitCount
    count = 0
    for id in old where id != Self.empty { _ = insert(id) }
  }
}

/// Asks for transparent huge pages over the whole 2 MB pages inside `buffer`: a large table
/// or array filled at once then costs a page fault per 2 MB instead of per 4 KB.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
  let page = 2 << 20
  guard buffer.count >= 2 * page, let base = buffer.baseAddress else { return }
  let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
  let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
  guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
  _ = madvise(pointer, end - start, MADV_HUGEPAGE)
}
