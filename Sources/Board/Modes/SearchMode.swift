import PipelineCore
import TerminalModel
import TerminalText

/// Incremental search: each key narrows the matches, the focus follows the picked one,
/// and Enter jumps to it (or offers to reopen a lost deal).
extension SearchState: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("type", "filter by name or company (Ctrl-U clears)") { $0.isTyping },
    KeyBinding(
      "↑/↓ Ctrl-P/N", "pick among the matches", hint: "↑↓ pick",
      [.up, .down, .shiftUp, .shiftDown, .tab, .control("p"), .control("n")]),
    KeyBinding("Enter", "jump to the picked lead (a lost one: reopen it)", hint: "Enter jump", [.enter]),
    KeyBinding("Esc", "clear the search", hint: "Esc clear", [.escape]),
  ]

  var name: String { "SEARCH" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var search = self
    switch key {
    case .escape:
      board.mode = .board
      board.highlight = nil
      return []
    case .enter:
      board.mode = .board
      if let picked = search.lead(at: search.picked), let lead = pipeline[picked], lead.status == .lost {
        // A lost deal is off the board: Enter offers to reopen it where it was lost.
        if let reason = board.readOnlyReason { return board.refuse(reason) }
        let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
        board.mode = .confirm(
          Confirmation(
            question: "Reopen \(lead.name) (lost: \(lead.lostReason ?? "no reason")) in \(stage)? y/n",
            record: Record(
              lead: picked, change: .reopened(stage: lead.stage), label: "Reopened \(lead.name) in \(stage)",
              inverse: nil),
            cancelMode: .board, cancelMessage: "Not reopened"))
      } else if let picked = search.lead(at: search.picked) {
        board.highlight = search
        board.focus(on: picked, pipeline)
      } else {
        board.highlight = nil
        board.message = StatusMessage("No lead matches '\(search.query)'")
      }
      return []
    case .up, .control("p"), .shiftUp:
      let count = search.matchCount
      if count > 0 { search.picked = (search.picked - 1 + count) % count }
    case .down, .control("n"), .tab, .shiftDown:
      let count = search.matchCount
      if count > 0 { search.picked = (search.picked + 1) % count }
    case .backspace:
      guard !search.query.isEmpty else {
        board.mode = .board
        return []
      }
      search.query.removeLast()
      search = search.rematched(narrowing: false, &board, pipeline)
    case .character(let c):
      search.query.append(c)
      search = search.rematched(narrowing: true, &board, pipeline)
    case .paste(let text):
      search.query += cleanLine(text)
      search = search.rematched(narrowing: true, &board, pipeline)
    case .control("u"):
      search.query = ""
      search = search.rematched(narrowing: false, &board, pipeline)
    default:
      return []
    }
    // The focus follows the picked match among the cards shown; only a jump (Enter, n, N)
    // shows everyone's deals to reach one the owner view hides.
    if let picked = search.lead(at: search.picked), pipeline.position(of: picked) != nil {
      board.focus(on: picked, pipeline, revealing: false)
    }
    board.mode = .search(search)
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    var count = query.isEmpty ? "type to search" : "\(matchCount) match\(matchCount == 1 ? "" : "es")"
    if board.searchIndex == nil {
      count = "indexing…"
    } else if board.isIndexing {
      count += " (indexing the latest changes…)"
    }
    if let picked = lead(at: picked), let lead = pipeline[picked], lead.status == .lost {
      return .plain(
        "/\(query)▏ \(count) · \(lead.name): lost (\(lead.lostReason ?? "no reason")) · Enter reopen · Esc clear")
    }
    return .plain("/\(query)▏ \(count) · \(Self.hints)")
  }

  /// The same query again on the current index (it was just built).
  func rerun(_ board: inout BoardState, _ pipeline: Pipeline) -> SearchState {
    var search = rematched(narrowing: false, &board, pipeline)
    if let picked = search.lead(at: search.picked), pipeline.position(of: picked) != nil {
      board.focus(on: picked, pipeline, revealing: false)
    } else if search.matchCount == 0 {
      search.picked = 0
    }
    return search
  }

  /// Matches for the query. When a letter was added (`narrowing`), only the previous
  /// matches can still match, so only they are tested.
  private func rematched(narrowing: Bool, _ board: inout BoardState, _ pipeline: Pipeline) -> SearchState {
    var canNarrow = narrowing && index != nil
    _ = board.searchIndexForSearching(pipeline)
    if board.searchIndex?.revision != index?.revision { canNarrow = false }
    guard let fresh = board.searchIndex else { return self }
    var result = self
    result.index = fresh
    if query.isEmpty {
      result.entries = []
      result.picked = 0
      return result
    }
    let previous = canNarrow && index?.revision == fresh.revision && !query.dropLast().isEmpty
    result.entries = fresh.matches(query, within: previous ? entries : nil)
    // Keep the focused lead picked when it still matches; otherwise the first match.
    result.picked = 0
    if let focused = board.focusedLead, let entry = fresh.entry(of: focused, in: pipeline) {
      let place = Self.position(of: entry, in: result.entries)
      if place < result.entries.count && result.entries[place] == entry { result.picked = place }
    }
    return result
  }

  /// Where `entry` is in the sorted `entries` (binary search).
  static func position(of entry: Int32, in entries: [Int32]) -> Int {
    var low = 0
    var high = entries.count
    while low < high {
      let mid = (low + high) / 2
      if entries[mid] < entry { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
