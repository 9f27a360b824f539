import Board
import Foundation
import Journal
import PipelineCore
import TerminalModel

/// Key press to finished frame, measured in-process: `update` with the key, any journal
/// change it asks for, then `render` of the whole frame.
enum BoardBenchmark {
  static func run(journal: String) throws {
    let store = try PipelineStore(path: journal, access: .readWrite, replica: "bench", clock: now)
    print("\(store.pipeline.count) leads; medians and 99th percentiles of key -> finished frame")
    print("| action | size | median | p99 |")
    print("|---|---|---:|---:|")
    for (width, height) in [(160, 45), (80, 24)] {
      var state = BoardState(width: width, height: height, now: now())
      _ = state.update(.tick(now()), pipeline: store.pipeline)
      _ = state.render(store.pipeline)

      // Focus moves: down and up through the first column, and across columns.
      let focus = measure(400) { i in
        let key: Key = i % 40 < 20 ? .down : .up
        _ = state.update(.key(key), pipeline: store.pipeline)
        _ = state.render(store.pipeline)
      }
      report("focus move (Down/Up)", width, height, focus)
      let across = measure(400) { i in
        _ = state.update(.key(i % 12 < 6 ? .right : .left), pipeline: store.pipeline)
        _ = state.render(store.pipeline)
      }
      report("focus move (Left/Right)", width, height, across)

      // Checklist toggle: the key, the journal append (write + fdatasync), the frame.
      let toggle = measure(100) { _ in
        for effect in state.update(.key(.character("1")), pipeline: store.pipeline) { perform(effect, store, &state) }
        _ = state.render(store.pipeline)
      }
      report("checklist toggle, saved", width, height, toggle)

      // Lift, carry one stage right, drop (the drop includes the journal append), then back.
      var drops: [Double] = []
      for i in 0..<100 {
        _ = state.update(.key(.character(" ")), pipeline: store.pipeline)
        _ = state.update(.key(i % 2 == 0 ? .down : .up), pipeline: store.pipeline)
        let start = ContinuousClock.now
        for effect in state.update(.key(.enter), pipeline: store.pipeline) { perform(effect, store, &state) }
        _ = state.render(store.pipeline)
        drops.append(milliseconds(since: start))
      }
      report("drop, saved", width, height, drops)

      // The insights view: all figures for the last 90 days, then the frame.
      let insights = measure(5) { _ in
        _ = state.update(.key(.character("i")), pipeline: store.pipeline)
        _ = state.render(store.pipeline)
        _ = state.update(.key(.escape), pipeline: store.pipeline)
      }
      report("open the insights view (i)", width, height, insights)

      // Quick search: the index is built on `/`, then each keystroke filters 100,000 leads.
      var start = ContinuousClock.now
      _ = state.update(.key(.character("/")), pipeline: store.pipeline)
      _ = state.render(store.pipeline)
      report("open search (builds the index)", width, height, [milliseconds(since: start)])
      var keystrokes: [Double] = []
      for round in 0..<20 {
        for character in ["m", "a", "r", "i"] {
          start = ContinuousClock.now
          _ = state.update(.key(.character(Character(character))), pipeline: store.pipeline)
          _ = state.render(store.pipeline)
          keystrokes.append(milliseconds(since: start))
        }
        for _ in 0..<4 { _ = state.update(.key(.backspace), pipeline: store.pipeline) }
        if round == 19 { _ = state.update(.key(.escape), pipeline: store.pipeline) }
      }
      report("search keystroke", width, height, keystrokes)
    }
  }

  static func perform(_ effect: Effect, _ store: PipelineStore, _ state: inout BoardState) {
    guard case .record(let record) = effect else { return }
    do {
      try store.record { _ in (record.lead, record.change) }
      _ = state.update(.recorded(record), pipeline: store.pipeline)
    } catch {
      _ = state.update(.failed(record, reason: "\(error)"), pipeline: store.pipeline)
    }
  }

  static func measure(_ count: Int, _ body: (Int) -> Void) -> [Double] {
    (0..<count).map { i in
      let start = ContinuousClock.now
      body(i)
      return milliseconds(since: start)
    }
  }

  static func report(_ name: String, _ width: Int, _ height: Int, _ samples: [Double]) {
    let sorted = samples.sorted()
    let median = sorted[sorted.count / 2]
    let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    print("| \(name) | \(width)x\(height) | \(String(format: "%.2f ms", median)) | \(String(format: "%.2f ms", p99)) |")
  }
}
