import PipelineCore
import TerminalModel

/// One mode of the board as a component: its own state (the value itself), the keys it
/// takes, what it does with them, what it draws and what the status line says.
///
/// The board keeps what every mode shares (the focus, the status message, the undo
/// history, the journal's read-only reason) and the dispatch: a key reaches a mode only
/// when the mode's binding table has it, and a binding that writes is refused before it
/// reaches the mode when the journal is read-only. A mode hands over to another by
/// setting `board.mode`; its effects go back to the loop, which answers each with a
/// message.
protocol ModeComponent: Sendable {
  /// The keys the mode takes. The same table drives the dispatch, the help overlay and
  /// the status line's hints, so the three cannot disagree.
  static var bindings: [KeyBinding] { get }
  /// The mode's name on the status line ("MOVE").
  var name: String { get }
  /// Handles a key of the mode's table.
  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect]
  /// Draws what the mode shows over the board (an overlay, a pane); the board's columns
  /// and the status line are drawn by the board.
  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline)
  /// What the status line says while the mode is open.
  func status(board: BoardState, pipeline: Pipeline) -> StatusLine
}

extension ModeComponent {
  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {}

  /// The status-line hints of the mode's bindings ("Space drop · Esc cancel").
  static var hints: String { bindings.compactMap(\.hint).joined(separator: " · ") }
}

/// The text of the status line after the mode's name, and how it is drawn.
struct StatusLine: Equatable {
  var text: String
  var style = Style(.status, reverse: true)
  /// An error: it may wrap over the rows above the status line to be read whole.
  var wraps = false

  static func plain(_ text: String) -> StatusLine { StatusLine(text: text) }
  static func bold(_ text: String) -> StatusLine {
    StatusLine(text: text, style: Style(.status, bold: true, reverse: true))
  }
  static func error(_ text: String, wraps: Bool = false) -> StatusLine {
    StatusLine(text: text, style: Style(.error, bold: true, reverse: true), wraps: wraps)
  }
}

extension BoardState.Mode {
  /// The mode as a component, with its state.
  var component: any ModeComponent {
    switch self {
    case .board: BrowseMode()
    case .move(let move): move
    case .search(let search): search
    case .detail(let item): DetailMode(item: item)
    case .confirm(let confirmation): confirmation
    case .help(let over, let scroll): HelpMode(over: over, scroll: scroll)
    case .prompt(let prompt): prompt
    case .agenda(let selected): AgendaMode(selected: selected)
    case .form(let form): form
    case .insights(let view): view
    case .ownerView(let view): view
    case .filterLine(let line): line
    case .table(let view): view
    }
  }

  /// The mode's key bindings.
  var bindings: [KeyBinding] { type(of: component).bindings }
}

extension Key {
  static func characters(_ text: String) -> [Key] { text.map { .character($0) } }

  /// A digit from 1 to 9, as the number it is.
  var criterionDigit: Int? {
    guard case .character(let c) = self, c.isASCII, c.isNumber, c != "0" else { return nil }
    return Int(String(c))
  }

  /// What a text field takes: a character, a paste, or an editing key.
  var isTyping: Bool {
    switch self {
    case .character, .paste, .backspace, .delete, .left, .right, .home, .end: true
    case .control(let c): "uade".contains(c)
    default: false
    }
  }
}
