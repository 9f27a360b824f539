import PipelineCore

/// Random ids for leads and events, in lowercase Crockford base32 (no i, l, o, u), so they
/// are easy to read aloud and type.
public struct Identifiers<Generator: RandomNumberGenerator> {
  static var alphabet: [Character] { Array("0123456789abcdefghjkmnpqrstvwxyz") }

  private var generator: Generator

  public init(generator: Generator) { self.generator = generator }

  /// 8 characters (40 bits): short enough to type, with collisions checked by the caller.
  public mutating func leadID() -> LeadID { LeadID(random(count: 8)) }

  /// 15 characters (75 bits): unique enough, and short enough for Swift to store inline
  /// without a heap allocation per event.
  public mutating func eventID() -> String { random(count: 15) }

  private mutating func random(count: Int) -> String {
    let alphabet = Self.alphabet
    return String((0..<count).map { _ in alphabet[Int(generator.next() & 31)] })
  }
}

extension Identifiers where Generator == SystemRandomNumberGenerator {
  public init() { self.init(generator: SystemRandomNumberGenerator()) }
}
