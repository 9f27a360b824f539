import PipelineCore
import TerminalModel
import TerminalText

/// The help overlay over the mode it was opened from: that mode's key bindings, as its
/// table lists them, then the rules that hold everywhere. ↓/↑ and PgDn/PgUp scroll when it
/// does not fit; any other key closes it (q too: only q on the plain board quits).
struct HelpMode: ModeComponent {
  var over: BoardState.Mode
  var scroll = 0

  static let bindings: [KeyBinding] = [
    KeyBinding(
      "↓/↑ PgDn/PgUp", "scroll the help", hint: "↓/↑ scroll", listed: false,
      [.down, .up, .pageDown, .pageUp] + Key.characters("jk")),
    KeyBinding("any other key", "close the help", hint: "any other key closes") { _ in true },
  ]

  /// The rules that hold in every mode (the README says the same).
  static let rules = [
    "A key this help does not list does nothing. While the journal is read-only, keys that would write say why and write nothing.",
    "Esc closes whatever is open (help, agenda, insights, detail, a prompt, a form, a lifted card), and so does q except where you type (a prompt, a form, search: there q is a letter); only q on the plain board quits.",
    "A lost reason: its number, then Enter. Text that starts with a digit is a reason of its own. Answers and fields edit with ←/→, Home/End (Ctrl-A/Ctrl-E), Backspace, Delete (Ctrl-D); Ctrl-U clears. A suggested answer is replaced by typing, kept to edit after an arrow.",
    "w on a deal whose checklist is not done asks first, as a move past the gate does. In the agenda, d says what it did and u takes it back.",
    "While the window is too small every key but q is ignored; after a resize the focused card is in view.",
  ]

  var name: String { "HELP" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    let page = max(1, board.height - 8)
    switch key {
    case .down, .character("j"): board.mode = .help(over: over, scroll: scroll + 1)
    case .up, .character("k"): board.mode = .help(over: over, scroll: max(0, scroll - 1))
    case .pageDown: board.mode = .help(over: over, scroll: scroll + page)
    case .pageUp: board.mode = .help(over: over, scroll: max(0, scroll - page))
    default: board.mode = over
    }
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine { .plain(Self.hints) }

  /// The keys of a mode as the help overlay lists them.
  static func lines(for mode: BoardState.Mode) -> [(keys: String, help: String)] {
    mode.bindings.filter(\.listed).map { ($0.keys, $0.help) }
  }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let (width, height) = (board.width, board.height)
    let entries = Self.lines(for: over)
    let keyWidth = entries.map { $0.keys.displayWidth }.max() ?? 0
    let descriptionWidth = entries.map { $0.help.displayWidth }.max() ?? 0
    let boxWidth = min(width - 2, max(44, keyWidth + descriptionWidth + 7))
    let textWidth = boxWidth - 4
    // The bindings, then the rules, each wrapped to the box.
    var lines: [(keys: String, text: String, bold: Bool)] = entries.map { ($0.keys, $0.help, false) }
    if over == .board || over.component is TableView, !board.views.isEmpty {
      lines.append(("", "", false))
      lines.append(("", "Saved views (V)", true))
      for view in board.views { lines.append((view.name, view.filter, false)) }
    }
    lines.append(("", "", false))
    lines.append(("", "Rules everywhere", true))
    for rule in Self.rules {
      for (i, part) in rule.wrapped(toWidth: textWidth - 2).enumerated() {
        lines.append(("", (i == 0 ? "• " : "  ") + part, false))
      }
    }
    let boxHeight = min(height - 2, lines.count + 4)
    let rows = boxHeight - 4
    let first = min(scroll, max(0, lines.count - rows))
    let x = (width - boxWidth) / 2
    let y = max(1, (height - boxHeight) / 2)
    let box = Style(.help, reverse: true)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: box)
    frame.text(
      " Keys: \(over.component.name.lowercased()) ", x: x + 2, y: y, style: Style(.help, bold: true, reverse: true))
    for (i, line) in lines.dropFirst(first).prefix(rows).enumerated() {
      let row = y + 2 + i
      if line.keys.isEmpty {
        frame.text(line.text, x: x + 2, y: row, style: Style(.help, bold: line.bold, reverse: true), limit: textWidth)
      } else {
        frame.text(line.keys, x: x + 2, y: row, style: Style(.help, bold: true, reverse: true), limit: keyWidth)
        frame.text(line.text, x: x + 4 + keyWidth, y: row, style: box, limit: boxWidth - keyWidth - 6)
      }
    }
    let below = lines.count - first - rows
    let footer = below > 0 ? "↓ \(below) more · any other key closes" : "any key closes"
    frame.text(
      footer, x: x + boxWidth - footer.displayWidth - 2, y: y + boxHeight - 1,
      style: Style(.help, reverse: true, dim: true))
  }
}

/// The screen when the terminal is smaller than the board needs: nothing on it can be
/// seen, so nothing on it can be acted on; only quit (and a resize) do anything.
struct TooSmallMode: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("q", "quit", hint: "q quit", Key.characters("q"))
  ]

  var name: String { "TOO SMALL" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    board.wantsToQuit = true
    return [.quit]
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine { .plain(Self.hints) }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let (width, height) = (board.width, board.height)
    let lines = [
      "Closer needs at least \(BoardLayout.minimumWidth)x\(BoardLayout.minimumHeight).",
      "This terminal is \(width)x\(height).", "Enlarge it, or press q to quit.",
    ]
    for (i, line) in lines.enumerated() {
      let y = height / 2 - 1 + i
      frame.text(line, x: max(0, (width - line.displayWidth) / 2), y: y, style: Style(.message, bold: i == 0))
    }
  }
}
