/// A reading of a hybrid logical clock: wall time in milliseconds and a counter.
///
/// In a team pipeline every replica stamps its events so that an event written after seeing
/// another always sorts after it, even when the writer's own clock is behind: the next
/// reading is the wall clock when that is later than everything seen, else the latest
/// reading seen with its counter raised by one. Readings order by time, then counter.
public struct HybridTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var wall: Timestamp
  public var counter: Int

  public init(wall: Timestamp, counter: Int = 0) {
    self.wall = wall
    self.counter = counter
  }

  public static func < (lhs: HybridTime, rhs: HybridTime) -> Bool {
    lhs.wall != rhs.wall ? lhs.wall < rhs.wall : lhs.counter < rhs.counter
  }

  /// The smallest reading after this one.
  public var successor: HybridTime { HybridTime(wall: wall, counter: counter + 1) }

  /// The reading for an event written at `now` by a replica that has seen `latest`.
  public static func next(after latest: HybridTime?, now: Timestamp) -> HybridTime {
    let own = HybridTime(wall: now)
    guard let latest, own <= latest else { return own }
    return latest.successor
  }

  /// As written in the journal: `2026-11-30T09:15:02.120Z/3`.
  public var description: String { "\(wall.iso8601)/\(counter)" }

  /// Reads the form `description` writes.
  public init?(_ text: some StringProtocol) {
    guard let slash = text.lastIndex(of: "/"), let wall = Timestamp(iso8601: String(text[..<slash])),
      let counter = Int(text[text.index(after: slash)...]), counter >= 0, counter <= Int(Int32.max)
    else { return nil }
    self.init(wall: wall, counter: counter)
  }
}
