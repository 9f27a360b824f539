import PipelineCore
import TerminalModel
import TerminalText

/// The help overlay over the mode it was opened from: that mode's key bindings, as its
/// table lists them. Any key closes it (q too: only q on the plain board quits).
struct HelpMode: ModeComponent {
  var over: BoardState.Mode

  static let bindings: [KeyBinding] = [
    KeyBinding("any key", "close the help", hint: "any key closes the help") { _ in true }
  ]

  var name: String { "HELP" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    board.mode = over
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
    let boxHeight = min(height - 2, entries.count + 4)
    let x = (width - boxWidth) / 2
    let y = max(1, (height - boxHeight) / 2)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: Style(.help, reverse: true))
    let title = "Keys: \(over.component.name.lowercased())"
    frame.text(" \(title) ", x: x + 2, y: y, style: Style(.help, bold: true, reverse: true))
    for (i, entry) in entries.enumerated() where y + 2 + i < y + boxHeight - 1 {
      frame.text(entry.keys, x: x + 2, y: y + 2 + i, style: Style(.help, bold: true, reverse: true), limit: keyWidth)
      frame.text(
        entry.help, x: x + 4 + keyWidth, y: y + 2 + i, style: Style(.help, reverse: true),
        limit: boxWidth - keyWidth - 6)
    }
    frame.text(
      "any key closes", x: x + boxWidth - 16, y: y + boxHeight - 1, style: Style(.help, reverse: true, dim: true))
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
