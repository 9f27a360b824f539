import PipelineCore
import TerminalModel

/// A yes/no question in the status line (a stage gate, reopening a lost deal): y writes
/// the change it holds, anything the table lists as no puts the board back.
extension Confirmation: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("y", "yes", writes: true, Key.characters("yY")),
    KeyBinding("n Esc q", "no", [.escape] + Key.characters("nNq")),
  ]

  var name: String { "CONFIRM" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    switch key {
    case .character("y"), .character("Y"):
      board.mode = .board
      return [.record(record)]
    default:
      board.mode = cancelMode
      board.message = StatusMessage(cancelMessage)
      return []
    }
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine { .bold(question) }
}
