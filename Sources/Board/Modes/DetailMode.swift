import PipelineCore
import TerminalModel

/// The detail pane with the focus: a checklist item is selected and ticked from the
/// keyboard, and the pane scrolls through fields, history and notes.
struct DetailMode: ModeComponent {
  /// The selected checklist row.
  var item: Int

  static let bindings: [KeyBinding] = [
    KeyBinding("↑/↓ k/j", "select a checklist item", hint: "↑↓ item", [.up, .down] + Key.characters("kj")),
    KeyBinding("Space Enter", "tick or untick it", hint: "Space tick", writes: true, [.character(" "), .enter]),
    KeyBinding("1-9", "tick item 1-9", writes: true) { $0.criterionDigit != nil },
    KeyBinding("a", "tick it with a one-line answer", hint: "a answer", writes: true, Key.characters("a")),
    KeyBinding(
      "PgUp/PgDn Home/End", "scroll through fields, history and every note", [.pageUp, .pageDown, .home, .end]),
    KeyBinding("Esc q Tab", "back to the board", hint: "Esc back", [.escape, .tab, .character("q")]),
    KeyBinding("?", "this help", hint: "? help", Key.characters("?")),
  ]

  var name: String { "DETAIL" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    let count = pipeline.criteria.count
    switch key {
    case .escape, .tab, .character("q"):
      board.mode = .board
    case .up, .character("k"):
      board.mode = .detail(item: max(0, item - 1))
      board.detailFollowsSelection = true
    case .down, .character("j"):
      board.mode = .detail(item: min(max(0, count - 1), item + 1))
      board.detailFollowsSelection = true
    case .pageDown, .pageUp, .home, .end:
      // Scrolling through fields, history and notes (the selected item stays).
      let page = max(1, board.height - 4)
      let layout = board.layout
      let content = board.detailLines(
        width: max(10, layout.hasSidePane ? layout.paneWidth - 3 : board.width - 3), pipeline)
      let maxScroll = max(0, content.lines.count - (board.height - 2))
      var scroll = min(board.detailScroll, maxScroll)
      if board.detailFollowsSelection, let row = content.selectedRow { scroll = max(0, min(maxScroll, row - 1)) }
      switch key {
      case .pageDown: scroll = min(maxScroll, scroll + page)
      case .pageUp: scroll = max(0, scroll - page)
      case .home: scroll = 0
      default: scroll = maxScroll
      }
      board.detailScroll = scroll
      board.detailFollowsSelection = false
    case .character(" "), .enter:
      return board.toggle(criterion: item, pipeline)
    case .character("a"):
      let criteria = pipeline.criteria
      guard criteria.indices.contains(item), let id = board.focusedLead, let lead = pipeline[id] else {
        return board.noCard()
      }
      let criterion = criteria[item]
      let current = lead.answers[criterion.key] ?? ""
      board.mode = .prompt(
        Prompt(
          lead: id, purpose: .answer(criterion: criterion.key, item: item), question: "\(criterion.title):",
          options: [], text: current, isPrefilled: !current.isEmpty, was: lead))
    case .character("?"):
      board.mode = .help(over: board.mode)
    default:
      if let digit = key.criterionDigit {
        board.mode = .detail(item: min(digit - 1, max(0, count - 1)))
        return board.toggle(criterion: digit - 1, pipeline)
      }
    }
    return []
  }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    // With a side pane the board draws it; without one the pane takes the screen.
    guard !board.layout.hasSidePane else { return }
    board.drawDetail(&frame, x: 0, y: 1, width: board.width, height: board.height - 2, pipeline)
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    .plain(board.message?.text ?? Self.hints)
  }
}
