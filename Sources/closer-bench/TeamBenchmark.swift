import CloserCommands
import Foundation
import Journal
import PipelineCore

/// A board's store on a team pipeline when a sync brings in another member's journal whose
/// events sort among those already applied (a member who worked offline): how long until
/// they show, and the longest the board's loop waits on the store meanwhile (a key waits at
/// most that long).
enum TeamBenchmark {
  static func run(team folder: String, arriving journal: String) throws {
    var start = ContinuousClock.now
    let store = try PipelineStore(path: folder, access: .readOnly, replica: "bench", clock: now)
    print("open: \(Int(milliseconds(since: start))) ms, \(store.pipeline.count) leads")
    start = ContinuousClock.now
    store.readTeamHistoryInBackground()
    var longest = 0.0
    func look() throws -> (events: Int, more: Bool) {
      let call = ContinuousClock.now
      let result = try store.refresh(limit: BoardSession.refreshSlice, waitForWriters: false)
      longest = max(longest, milliseconds(since: call))
      return result
    }
    while try look().more { usleep(1_000) }
    print("history read beside the board: \(Int(milliseconds(since: start))) ms; longest look \(fmt(longest)) ms")
    let name = URL(fileURLWithPath: journal).lastPathComponent
    let target = "\(folder)/journals/\(name)"
    defer { unlink(target) }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: journal))
    try bytes.write(to: URL(fileURLWithPath: target + ".incoming"))
    longest = 0
    start = ContinuousClock.now
    rename(target + ".incoming", target)
    var shown = 0
    var looks = 0
    while true {
      let (events, more) = try look()
      looks += 1
      shown += events
      if !more && shown > 0 { break }
      usleep(1_000)
    }
    print(
      "\(shown) events arrived: shown after \(Int(milliseconds(since: start))) ms; longest look \(fmt(longest)) ms"
        + " (\(looks) looks)")
  }

  private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
