import Foundation

/// A lead's checklist: criterion key -> ticked (a criterion never touched is absent).
///
/// A pipeline has a few criteria (BANT, CHAMP, MEDDIC: fourteen keys) shared by every lead,
/// so each key gets a bit, once per process, and a lead keeps its checklist in two words
/// instead of a dictionary of its own (a million leads: about 200 MB less). Keys past the
/// 64th go to a dictionary, which a key never leaves once it is there, so equal checklists
/// are always stored alike.
public struct LeadChecklist: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  /// Bit i: the key with bit i is in the checklist, and whether it is ticked.
  private var present: UInt64 = 0
  private var ticked: UInt64 = 0
  private var others: [String: Bool]?

  public init() {}

  public init(dictionaryLiteral elements: (String, Bool)...) {
    for (key, value) in elements { self[key] = value }
  }

  public init(_ dictionary: [String: Bool]) {
    for (key, value) in dictionary { self[key] = value }
  }

  public subscript(key: String) -> Bool? {
    get {
      if present != 0, let bit = CriterionKeys.shared.bit(of: key) {
        return present & (1 << bit) == 0 ? nil : ticked & (1 << bit) != 0
      }
      return others?[key]
    }
    set {
      guard let bit = CriterionKeys.shared.bit(assigning: key) else {
        var dictionary = others ?? [:]
        dictionary[key] = newValue
        others = dictionary.isEmpty ? nil : dictionary
        return
      }
      let mask: UInt64 = 1 << bit
      if let newValue {
        present |= mask
        ticked = newValue ? ticked | mask : ticked & ~mask
      } else {
        present &= ~mask
        ticked &= ~mask
      }
    }
  }

  /// A criterion key with its bit looked up once, for filling many checklists (a snapshot
  /// of a million leads) without a lookup per tick.
  public struct KeyBit: Sendable, Equatable {
    public let name: String
    let bit: Int?

    public init(_ name: String) {
      self.name = name
      bit = CriterionKeys.shared.bit(assigning: name)
    }
  }

  /// The same as `self[key.name] = value`.
  public mutating func set(_ key: KeyBit, to value: Bool) {
    guard let bit = key.bit else {
      self[key.name] = value
      return
    }
    present |= 1 << bit
    ticked = value ? ticked | 1 << bit : ticked & ~(1 << bit)
  }

  public var count: Int { present.nonzeroBitCount + (others?.count ?? 0) }
  public var isEmpty: Bool { present == 0 && others == nil }
  public var keys: [String] { map(\.key) }

  /// How many of `criteria` are ticked.
  public func tickedCount(of criteria: [Criterion]) -> Int {
    guard !isEmpty else { return 0 }
    return criteria.reduce(0) { $0 + (self[$1.key] == true ? 1 : 0) }
  }

  /// The entries, the keys with bits first (in the order they got them), then the others.
  public func makeIterator() -> IndexingIterator<[(key: String, value: Bool)]> {
    var entries: [(key: String, value: Bool)] = []
    var bits = present
    while bits != 0 {
      let bit = bits.trailingZeroBitCount
      entries.append((CriterionKeys.shared.key(at: bit), ticked & (1 << bit) != 0))
      bits &= bits - 1
    }
    if let others { entries += others.map { ($0.key, $0.value) } }
    return entries.makeIterator()
  }

  /// As a dictionary (for JSON and comparisons in tests).
  public var dictionary: [String: Bool] { Dictionary(uniqueKeysWithValues: map { ($0.key, $0.value) }) }
}

/// The criterion keys of this process, each with its bit: assigned on first use, never
/// changed, at most 64.
final class CriterionKeys: @unchecked Sendable {
  static let shared = CriterionKeys()

  private let lock = NSLock()
  private var bits: [String: Int] = [:]
  private var keys: [String] = []

  /// The key's bit, if it has one.
  func bit(of key: String) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    return bits[key]
  }

  /// The key's bit, given one now if it has none and there is room.
  func bit(assigning key: String) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    if let bit = bits[key] { return bit }
    guard keys.count < 64 else { return nil }
    bits[key] = keys.count
    keys.append(key)
    return keys.count - 1
  }

  func key(at bit: Int) -> String {
    lock.lock()
    defer { lock.unlock() }
    return keys[bit]
  }
}
