import Board
import CloserCommands
import Foundation
import Journal
import PipelineCore
import TerminalModel

/// Key press to finished frame, measured in-process through the board's runtime: the key
/// sent, every effect carried out (a journal change appended and flushed) and answered,
/// then the whole frame rendered and handed to the terminal (here one that keeps it).
enum BoardBenchmark {
  static func run(journal: String, onlySearch: Bool = false) throws {
    let opening = ContinuousClock.now
    let store = try PipelineStore(path: journal, access: .readWrite, replica: "bench", clock: now)
    let opened = milliseconds(since: opening)
    print("\(store.pipeline.count) leads; medians and 99th percentiles of key -> finished frame")
    print("| action | size | median | p99 |")
    print("|---|---|---:|---:|")
    for (width, height) in [(160, 45), (80, 24)] {
      let start = ContinuousClock.now
      let runtime = BoardRuntime(
        store: JournalWatch(store: store), terminal: ScriptedTerminal(width: width, height: height), clock: now)
      runtime.draw()
      if width == 160 {
        print(
          "| open, then the first frame | \(width)x\(height) | \(String(format: "%.0f ms", opened)) + \(String(format: "%.0f ms", milliseconds(since: start))) | |"
        )
      }
      if !onlySearch { try everyOtherKey(runtime, width, height) }
      try search(runtime, width, height)
    }
  }

  static func everyOtherKey(_ runtime: BoardRuntime, _ width: Int, _ height: Int) throws {
    func press(_ key: Key) { runtime.send(.key(key)) }
    // Focus moves: down and up through the first column, and across columns.
    let focus = measure(400) { i in
      press(i % 40 < 20 ? .down : .up)
      runtime.draw()
    }
    report("focus move (Down/Up)", width, height, focus)
    let across = measure(400) { i in
      press(i % 12 < 6 ? .right : .left)
      runtime.draw()
    }
    report("focus move (Left/Right)", width, height, across)

    // Checklist toggle: the key, the journal append (write + fdatasync), the frame.
    let toggle = measure(100) { _ in
      press(.character("1"))
      runtime.draw()
    }
    report("checklist toggle, saved", width, height, toggle)

    // Lift, carry one place down or up, drop (the drop includes the journal append).
    var drops: [Double] = []
    for i in 0..<100 {
      press(.character(" "))
      press(i % 2 == 0 ? .down : .up)
      let start = ContinuousClock.now
      press(.enter)
      runtime.draw()
      drops.append(milliseconds(since: start))
    }
    report("drop, saved", width, height, drops)

    // The owner view: O, the most common owner's name, Enter (every column filtered), then
    // keys under it (a change makes the view be worked out again), then everyone's again.
    var deals: [String: Int] = [:]
    for lead in runtime.store.pipeline.leads where !lead.owner.isEmpty { deals[lead.owner, default: 0] += 1 }
    if let owner = deals.max(by: { $0.value < $1.value })?.key {
      let show = measure(20) { i in
        press(.character("O"))
        for character in i % 2 == 0 ? owner : "" { press(.character(character)) }
        press(.enter)
        runtime.draw()
      }
      report("owner view on and off (O, a name or nothing, Enter)", width, height, show)
      press(.character("O"))
      for character in owner { press(.character(character)) }
      press(.enter)
      let viewFocus = measure(200) { i in
        press(i % 20 < 10 ? .down : .up)
        runtime.draw()
      }
      report("focus move (Down/Up) in an owner view", width, height, viewFocus)
      let viewToggle = measure(50) { _ in
        press(.character("1"))
        runtime.draw()
      }
      report("checklist toggle, saved, in an owner view", width, height, viewToggle)
      press(.character("O"))
      press(.enter)
    }

    // The filter line: F, a filter, Enter (every card read in place), then all again.
    let filtered = measure(20) { i in
      press(.character("F"))
      press(.control("u"))
      for character in i % 2 == 0 ? "value>50k -status:lost" : "" { press(.character(character)) }
      press(.enter)
      runtime.draw()
    }
    report("filter line on and off (F, value>50k -status:lost or nothing, Enter)", width, height, filtered)

    // The table view: open it (every card in board order), sort by each column (the key,
    // the sort, the frame), then scroll a row at a time and a page at a time.
    let openTable = measure(10) { _ in
      press(.character("t"))
      runtime.draw()
      press(.escape)
    }
    report("open the table view (t)", width, height, openTable)
    press(.character("t"))
    for (index, column) in TableColumn.builtIn.enumerated() {
      let sorted = measure(6) { _ in
        press(.character(Character("\(index + 1)")))
        runtime.draw()
      }
      report(
        "table: sort by \(column.title.lowercased()) (\(index + 1), again reversed)", width, height, sorted)
    }
    let scroll = measure(400) { i in
      press(i % 200 < 100 ? .down : .up)
      runtime.draw()
    }
    report("table: scroll a row (Down/Up)", width, height, scroll)
    let pages = measure(200) { i in
      press(i % 100 < 50 ? .pageDown : .pageUp)
      runtime.draw()
    }
    report("table: scroll a page (PgDn/PgUp)", width, height, pages)
    let ends = measure(20) { i in
      press(i % 2 == 0 ? .end : .home)
      runtime.draw()
    }
    report("table: last row / first row (End/Home)", width, height, ends)
    press(.escape)

    // The insights view: all figures for the last 90 days, then the frame.
    let insights = measure(5) { _ in
      press(.character("i"))
      runtime.draw()
      press(.escape)
    }
    report("open the insights view (i)", width, height, insights)
  }

  static func search(_ runtime: BoardRuntime, _ width: Int, _ height: Int) throws {
    func press(_ key: Key) { runtime.send(.key(key)) }

    // The search index, built a slice at a time between keys as the loop does when the
    // rep is idle: the whole build, and the longest slice (what a key could wait).
    var start = ContinuousClock.now
    var slices: [Double] = []
    while true {
      let slice = ContinuousClock.now
      guard runtime.prepareSearch(budget: BoardRuntime.indexingSlice) else { break }
      slices.append(milliseconds(since: slice))
    }
    print(
      "| building the search index, \(slices.count) slices | \(width)x\(height) | \(String(format: "%.0f ms", milliseconds(since: start))) in all | longest slice \(String(format: "%.2f ms", slices.max() ?? 0)) |"
    )
    // Quick search: `/`, then each keystroke filters every lead.
    start = ContinuousClock.now
    press(.character("/"))
    runtime.draw()
    report("open search", width, height, [milliseconds(since: start)])
    // Each keystroke of "mari", then four backspaces; by prefix too, since the first letter
    // tests every lead and the next ones only the earlier matches.
    let query = ["m", "a", "r", "i"]
    var keystrokes: [Double] = []
    var byPrefix = [[Double]](repeating: [], count: query.count)
    var backspaces: [Double] = []
    for round in 0..<20 {
      for (i, character) in query.enumerated() {
        start = ContinuousClock.now
        press(.character(Character(character)))
        runtime.draw()
        keystrokes.append(milliseconds(since: start))
        byPrefix[i].append(keystrokes.last!)
      }
      for _ in 0..<4 {
        start = ContinuousClock.now
        press(.backspace)
        runtime.draw()
        backspaces.append(milliseconds(since: start))
      }
      if round == 19 { press(.escape) }
    }
    report("search keystroke", width, height, keystrokes)
    for i in query.indices {
      report("  \"\(query[...i].joined())\"", width, height, byPrefix[i])
    }
    report("search backspace", width, height, backspaces)
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
