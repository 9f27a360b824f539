import PipelineCore
import TerminalModel

/// A lifted card, carried with the arrows and dropped with one journal event (keyboard
/// drag and drop).
extension MoveState: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding(
      "←/→ h/l", "carry the card to the previous/next stage", hint: "←→ stage",
      [.left, .right] + Key.characters("hl")),
    KeyBinding("↑/↓ k/j", "change its place in the column", hint: "↑↓ place", [.up, .down] + Key.characters("kj")),
    KeyBinding("Home End", "to the top / bottom of the column", [.home, .end]),
    KeyBinding(
      "Space Enter", "drop it here (one journal event)", hint: "Space drop", writes: true, [.character(" "), .enter]),
    KeyBinding("Esc q", "put it back, write nothing", hint: "Esc cancel", [.escape, .character("q")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  var name: String { "MOVE" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var move = self
    switch key {
    case .left, .character("h"), .right, .character("l"):
      let delta = (key == .left || key == .character("h")) ? -1 : 1
      let target = move.targetColumn + delta
      guard target >= 0, target < pipeline.stages.count else { return [] }
      move.targetColumn = target
      move.targetRow = min(move.targetRow, move.landingCount(board, pipeline) - 1)
    case .up, .character("k"):
      move.targetRow = max(0, move.targetRow - 1)
    case .down, .character("j"):
      move.targetRow = min(move.landingCount(board, pipeline) - 1, move.targetRow + 1)
    case .home:
      move.targetRow = 0
    case .end:
      move.targetRow = move.landingCount(board, pipeline) - 1
    case .character(" "), .enter:
      if move.targetColumn == move.originColumn && move.targetRow == move.originRow {
        board.mode = .board
        board.message = StatusMessage("Put back where it was")
        return []
      }
      guard let lead = pipeline[move.lead] else {
        board.mode = .board
        return []
      }
      return board.propose(move: lead, toColumn: move.targetColumn, row: move.targetRow, pipeline, returnTo: .board)
    case .escape, .character("q"):
      board.mode = .board
      board.message = StatusMessage("Move cancelled")
      return []
    case .character("?"):
      board.mode = .help(over: .move(move))
      return []
    default:
      return []
    }
    board.mode = .move(move)
    board.ensureColumnVisible(pipeline)
    board.ensureRowVisible()
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    let stage = pipeline.stages[targetColumn].title
    return .plain("\(stage), \(targetRow + 1) of \(landingCount(board, pipeline)) · \(Self.hints)")
  }

  /// How many places the lifted card can land on in its target column.
  func landingCount(_ board: BoardState, _ pipeline: Pipeline) -> Int {
    board.cardCount(targetColumn, pipeline) + (targetColumn == originColumn ? 0 : 1)
  }
}
