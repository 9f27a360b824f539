import PipelineCore
import TerminalModel
import TerminalText

/// The filter line: a filter in the language of `closer list --where` (docs/filters.md),
/// typed in the status line. Enter shows only the deals it selects (nothing typed: all of
/// them); a term it cannot read is named and the line stays open. It writes nothing.
public struct FilterLine: Sendable, Equatable {
  public var input: TextInput
  /// What was wrong with the last filter, shown until the next key.
  public var problem: String?
}

extension FilterLine: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding(
      "type", "a filter, as for closer list --where; ←/→ Home End move, Backspace Delete erase, Ctrl-U clears"
    ) { $0.isTyping },
    KeyBinding("Enter", "show the deals it selects (empty: all)", hint: "Enter filter", [.enter]),
    KeyBinding("Esc", "cancel", hint: "Esc cancel", [.escape]),
  ]

  var name: String { "FILTER" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var line = self
    line.problem = nil
    switch key {
    case .escape:
      board.mode = .board
      return []
    case .enter:
      let typed = String(
        cleanLine(line.input.text).drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
      guard !typed.isEmpty else {
        board.mode = .board
        board.showFilter(nil, pipeline)
        board.message = StatusMessage("Showing every deal")
        return []
      }
      do throws(LeadFilterError) {
        let filter = try LeadFilter(
          typed, context: LeadFilter.Context(me: board.me, today: board.today, config: pipeline.config))
        board.mode = .board
        board.showFilter(filter, pipeline)
        let shown = board.summaries.columns.reduce(0) { $0 + $1.count }
        board.message = StatusMessage("\(shown) deal\(shown == 1 ? "" : "s") where \(typed)")
      } catch {
        line.problem = error.description
        board.mode = .filterLine(line)
      }
      return []
    default:
      guard line.input.handle(key) else { return [] }
    }
    board.mode = .filterLine(line)
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    let asked = "Filter:"
    let field = input.field(width: Prompt.fieldWidth(board: board, name: name, question: asked))
    if let problem { return .error("\(asked) \(field) \(problem)", wraps: true) }
    return .bold("\(asked) \(field) · owner:me stage:proposal value>50k due:overdue -status:lost · \(Self.hints)")
  }
}
