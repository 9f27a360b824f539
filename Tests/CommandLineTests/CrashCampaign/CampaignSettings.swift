import Foundation

/// How big a crash campaign is, and where its randomness comes from.
///
/// The default is short enough for every test run. `CLOSER_CRASH_ROUNDS=50` makes a long
/// one (thousands of processes); `CLOSER_CRASH_SEED` replays a campaign;
/// `CLOSER_CRASH_CLOSER` runs another build of `closer` (a release build, for speed).
struct CampaignSettings {
  var seed: UInt64
  var rounds: Int
  /// Writers started at once in every round: adds, moves and imports.
  var writersPerRound: Int
  var importsPerRound: Int
  var importRows: ClosedRange<Int>
  /// The chance that a writer is killed.
  var killChance: Double
  var executable: String

  static func fromEnvironment() -> CampaignSettings {
    let environment = ProcessInfo.processInfo.environment
    var generator = SystemRandomNumberGenerator()
    let seed = environment["CLOSER_CRASH_SEED"].flatMap { UInt64($0) } ?? generator.next()
    let long = environment["CLOSER_CRASH_ROUNDS"].flatMap { Int($0) }
    return CampaignSettings(
      seed: seed, rounds: max(1, long ?? 6), writersPerRound: long == nil ? 36 : 48,
      importsPerRound: long == nil ? 2 : 3,
      importRows: 200...(long == nil ? 1_500 : 3_000), killChance: 0.35,
      executable: environment["CLOSER_CRASH_CLOSER"] ?? closerExecutable)
  }
}

/// SplitMix64: the same seed gives the same campaign plan (the moments processes reach
/// differ from run to run, but what is started and when it is killed do not).
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
