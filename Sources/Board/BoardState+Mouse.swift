import PipelineCore
import TerminalModel
import TerminalText

/// The mouse, where the terminal reports it: a click focuses a card or a column, a card
/// dragged and released over a column is moved as a keyboard drop moves it (one event, the
/// same gate), the wheel scrolls a column or the table, a click on a hint on the status line
/// does what the hint says. Everything else a mouse does is nothing.
extension BoardState {
  /// What is under a cell of the screen.
  enum Spot: Equatable {
    /// A column's header.
    case header(column: Int)
    /// The card shown at `row` of `column` (counting a lifted card where it would land), or
    /// the room below the last card (`row` is then the count).
    case card(column: Int, row: Int)
    case detailPane
    case statusLine
    case elsewhere
  }

  /// What is at (x, y) on the board as it is drawn now.
  func spot(x: Int, y: Int, _ pipeline: Pipeline) -> Spot {
    let layout = BoardLayout(width: width, height: height, stageCount: max(1, pipeline.stages.count))
    guard !layout.isTooSmall, x >= 0, y >= 0, x < width, y < height else { return .elsewhere }
    if y == height - 1 { return .statusLine }
    if y < layout.boardTop { return .elsewhere }
    if x >= layout.boardWidth { return layout.hasSidePane ? .detailPane : .elsewhere }
    guard x >= layout.gutter, x < layout.boardWidth - layout.gutter else { return .elsewhere }
    let visibleIndex = (x - layout.gutter) / layout.columnWidth
    let column = firstColumn + visibleIndex
    guard visibleIndex < layout.visibleColumns, pipeline.stages.indices.contains(column) else { return .elsewhere }
    if y < layout.cardAreaTop { return .header(column: column) }
    let count = displayCount(column, pipeline)
    let first = firstRows.indices.contains(column) ? min(firstRows[column], max(0, count - 1)) : 0
    let offset = max(0, y - layout.cardAreaTop - 1) / BoardLayout.cardHeight
    let row = min(first + min(offset, layout.visibleCards - 1), count)
    return .card(column: column, row: row)
  }

  mutating func handle(_ mouse: Mouse, pipeline: Pipeline) -> [Effect] {
    let layout = BoardLayout(width: width, height: height, stageCount: max(1, pipeline.stages.count))
    // The too-small screen takes nothing but q.
    guard !layout.isTooSmall else { return [] }
    let effects = react(to: mouse, pipeline)
    if mouse.action == .release { mouseDown = nil }
    return effects
  }

  private mutating func react(to mouse: Mouse, _ pipeline: Pipeline) -> [Effect] {
    switch mode {
    case .board:
      return browse(mouse, pipeline)
    case .move(let move):
      return carry(move, mouse, pipeline)
    case .table(let view):
      return table(view, mouse, pipeline)
    case .agenda(let selected):
      return agenda(selected, mouse, pipeline)
    case .help(let over, _):
      // Any key closes the help; so does a click.
      if mouse.action == .press { mode = over }
      return []
    default:
      // Forms, prompts, search and the rest are typed into: a click there does nothing.
      return []
    }
  }

  private mutating func browse(_ mouse: Mouse, _ pipeline: Pipeline) -> [Effect] {
    let spot = spot(x: mouse.x, y: mouse.y, pipeline)
    switch mouse.action {
    case .press where mouse.button == 0:
      message = nil
      isMouseDrag = false
      switch spot {
      case .header(let column):
        focusColumn(column, pipeline)
      case .card(let column, let row):
        focusColumn(column, pipeline)
        guard row < cardCount(column, pipeline) else { return [] }
        focusRow(row, pipeline)
        if let lead = focusedLead { mouseDown = MouseDown(lead: lead, column: column, row: row) }
      case .statusLine:
        return clickHint(at: mouse.x, pipeline)
      case .detailPane, .elsewhere:
        break
      }
    case .drag:
      // A card pressed and carried off its place (to another, or a column's header) is
      // lifted, as Space lifts it.
      guard let down = mouseDown, focusedLead == down.lead else { return [] }
      switch spot {
      case .card(let column, let row) where column != down.column || row != down.row: break
      case .header: break
      default: return []
      }
      if let reason = readOnlyReason {
        // Said once, and the press is forgotten: nothing more of this drag does anything.
        mouseDown = nil
        return refuse(reason)
      }
      var move = MoveState(
        lead: down.lead, originColumn: down.column, originRow: down.row, targetColumn: down.column,
        targetRow: down.row)
      mode = .move(move)
      move.aim(at: spot, self, pipeline)
      mode = .move(move)
      isMouseDrag = true
      ensureColumnVisible(pipeline)
      ensureRowVisible()
    case .wheelUp, .wheelDown:
      guard case .card(let column, _) = spot else { return [] }
      if column != self.column { focusColumn(column, pipeline) }
      focusRow(row + (mouse.action == .wheelUp ? -3 : 3), pipeline)
    default:
      break
    }
    return []
  }

  /// A card carried with the mouse follows the pointer; released over a column it is
  /// dropped there as Space drops it (one event, through the gate), released anywhere else
  /// it goes back. A card lifted with the keyboard takes no mouse.
  private mutating func carry(_ move: MoveState, _ mouse: Mouse, _ pipeline: Pipeline) -> [Effect] {
    guard isMouseDrag else { return [] }
    var move = move
    let spot = spot(x: mouse.x, y: mouse.y, pipeline)
    switch mouse.action {
    case .drag:
      move.aim(at: spot, self, pipeline)
      mode = .move(move)
      ensureColumnVisible(pipeline)
      ensureRowVisible()
      return []
    case .release:
      isMouseDrag = false
      switch spot {
      case .card, .header: break
      default: return handle(.escape, pipeline: pipeline)
      }
      move.aim(at: spot, self, pipeline)
      mode = .move(move)
      // Through the key's binding: a read-only journal refuses it there.
      return handle(.enter, pipeline: pipeline)
    default:
      return []
    }
  }

  private mutating func table(_ view: TableView, _ mouse: Mouse, _ pipeline: Pipeline) -> [Effect] {
    var view = view
    let firstRow = 3  // the title, the table's heading and its column titles
    switch mouse.action {
    case .wheelUp, .wheelDown:
      view.select(view.selected + (mouse.action == .wheelUp ? -3 : 3), count: tableRows.count)
    case .press where mouse.button == 0:
      if mouse.y == height - 1 { return clickHint(at: mouse.x, pipeline) }
      if mouse.y == firstRow - 1 {
        // A column's title sorts by it; again, reversed.
        var x = 1
        let columns = TableColumn.all(pipeline.config)
        for (column, w) in zip(columns, TableView.widths(for: width, columns)) where w > 0 {
          if mouse.x >= x && mouse.x < x + w { view.sort(by: column, reverse: column == view.sort) }
          x += w + 1
        }
      } else if mouse.y >= firstRow, mouse.y < height - 1 {
        let row = view.top + mouse.y - firstRow
        guard row < tableRows.count else { return [] }
        // A click on the selected row goes to its card, as Enter does.
        if row == view.selected { return handle(.enter, pipeline: pipeline) }
        view.select(row, count: tableRows.count)
      }
    default:
      return []
    }
    mode = .table(view)
    refreshTable(pipeline)
    return []
  }

  private mutating func agenda(_ selected: Int, _ mouse: Mouse, _ pipeline: Pipeline) -> [Effect] {
    let count = agenda(pipeline).count
    switch mouse.action {
    case .wheelUp, .wheelDown:
      mode = .agenda(selected: max(0, min(count - 1, selected + (mouse.action == .wheelUp ? -3 : 3))))
    case .press where mouse.button == 0:
      if mouse.y == height - 1 { return clickHint(at: mouse.x, pipeline) }
      // The agenda's rows start under its heading; the list scrolls to keep the selection.
      let rows = height - 4
      let first = max(0, min(selected - rows + 1, count - rows))
      let row = first + mouse.y - 3
      guard mouse.y >= 3, row < count else { return [] }
      if row == selected { return handle(.enter, pipeline: pipeline) }
      mode = .agenda(selected: row)
    default:
      break
    }
    return []
  }

  /// A click on the status line: the hint under it does what it says (as its key would), when
  /// the line shows the mode's hints.
  private mutating func clickHint(at x: Int, _ pipeline: Pipeline) -> [Effect] {
    let component = mode.component
    let status = component.status(board: self, pipeline: pipeline)
    let start = " \(component.name) ".displayWidth + 1
    var from = status.text.startIndex
    for binding in type(of: component).bindings {
      guard let hint = binding.hint, let found = status.text.range(of: hint, range: from..<status.text.endIndex)
      else { continue }
      from = found.upperBound
      let left = start + String(status.text[..<found.lowerBound]).displayWidth
      guard x >= left, x < left + hint.displayWidth else { continue }
      // A hint that names two keys (H/L move, ↑↓ pick) or a range (1-9) does nothing.
      guard let key = binding.clickKey, let keys = hint.split(separator: " ").first,
        keys.count == 1 || !(keys.contains("/") || keys.contains("-") || keys.allSatisfy { "←→↑↓".contains($0) })
      else { return [] }
      return handle(key, pipeline: pipeline)
    }
    return []
  }
}

/// A card the mouse pressed, which a drag lifts.
struct MouseDown: Sendable, Equatable {
  var lead: LeadID
  var column: Int
  var row: Int
}

extension MoveState {
  /// Points the lifted card at what is under the pointer: a column, and a place in it.
  mutating func aim(at spot: BoardState.Spot, _ board: BoardState, _ pipeline: Pipeline) {
    switch spot {
    case .header(let column):
      targetColumn = column
      targetRow = 0
    case .card(let column, let row):
      targetColumn = column
      targetRow = min(row, landingCount(board, pipeline) - 1)
    default:
      return
    }
    targetRow = max(0, min(targetRow, landingCount(board, pipeline) - 1))
  }
}
