import PipelineCore

/// Random ids for leads and events, in lowercase Crockford base32 (no i, l, o, u), so they
/// are easy to read aloud and type.
public struct Identifiers<Generator: RandomNumberGenerator> {
  static var alphabet: [UInt8] { Array("0123456789abcdefghjkmnpqrstvwxyz".utf8) }

  private var generator: Generator

  public init(generator: Generator) { self.generator = generator }

  /// 8 characters (40 bits): short enough to type, with collisions checked by the caller.
  public mutating func leadID() -> LeadID { LeadID(random(count: 8)) }

  /// 15 characters (75 bits): unique enough, and short enough for Swift to store inline
  /// without a heap allocation per event.
  public mutating func eventID() -> String { random(count: 15) }

  private mutating func random(count: Int) -> String {
    let alphabet = Self.alphabet
    return String(decoding: (0..<count).map { _ in alphabet[Int(generator.next() & 31)] }, as: UTF8.self)
  }
}

extension Identifiers where Generator == SplitMix64 {
  /// Seeded once from the system's entropy: one system call per process rather than one
  /// per character (an import of 100,000 rows makes some 400,000 ids).
  public init() {
    var system = SystemRandomNumberGenerator()
    self.init(generator: SplitMix64(seed: system.next()))
  }
}

/// A small, fast, seedable random number generator (SplitMix64), so that a generated
/// pipeline is the same every time for the same seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
