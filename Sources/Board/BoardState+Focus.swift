import PipelineCore
import TerminalModel

extension BoardState {
  var layout: BoardLayout { BoardLayout(width: width, height: height, stageCount: max(1, rows.count)) }

  /// The focused card's index in the focused column.
  var row: Int { rows.indices.contains(column) ? rows[column] : 0 }

  var visibleCards: Int { layout.visibleCards }

  func cardCount(_ column: Int, _ pipeline: Pipeline) -> Int {
    guard pipeline.stages.indices.contains(column) else { return 0 }
    return summaries.columns.indices.contains(column)
      ? summaries.columns[column].count : pipeline.cardCount(inStage: pipeline.stages[column].key)
  }

  /// Keeps focus, scroll positions and the focused lead consistent with the pipeline,
  /// which may have changed under the board (its own changes or another process's).
  mutating func syncFocus(_ pipeline: Pipeline) {
    let stageCount = pipeline.stages.count
    if rows.count != stageCount {
      let first = rows.isEmpty
      rows = Array(rows.prefix(stageCount)) + Array(repeating: 0, count: max(0, stageCount - rows.count))
      firstRows = Array(firstRows.prefix(stageCount)) + Array(repeating: 0, count: max(0, stageCount - firstRows.count))
      if first {
        // The board opens on the top card of the first column that has cards.
        column = pipeline.stages.firstIndex { pipeline.cardCount(inStage: $0.key) > 0 } ?? 0
      }
    }
    column = min(max(column, 0), max(0, stageCount - 1))
    if let lead = focusedLead, let current = pipeline[lead], let position = pipeline.position(of: lead),
      pipeline.stageIndex(forKey: current.stage) == column
    {
      rows[column] = position - 1
    }
    for index in rows.indices {
      rows[index] = min(max(rows[index], 0), max(0, cardCount(index, pipeline) - 1))
    }
    focusedLead = stageCount == 0 ? nil : pipeline.lead(inStage: pipeline.stages[column].key, at: row + 1)?.id
    ensureColumnVisible(pipeline)
    ensureRowVisible()
  }

  /// Focuses another column at the same height (the nearest card to it).
  mutating func focusColumn(_ target: Int, _ pipeline: Pipeline) {
    let height = row
    column = min(max(target, 0), max(0, pipeline.stages.count - 1))
    if rows.indices.contains(column) { rows[column] = min(height, max(0, cardCount(column, pipeline) - 1)) }
    focusedLead = pipeline.lead(inStage: pipeline.stages[column].key, at: row + 1)?.id
    ensureColumnVisible(pipeline)
  }

  mutating func focusRow(_ target: Int, _ pipeline: Pipeline) {
    guard rows.indices.contains(column) else { return }
    rows[column] = min(max(target, 0), max(0, cardCount(column, pipeline) - 1))
    focusedLead = pipeline.lead(inStage: pipeline.stages[column].key, at: row + 1)?.id
    ensureRowVisible()
  }

  /// Moves the focus to `lead`, wherever it is on the board.
  mutating func focus(on lead: LeadID, _ pipeline: Pipeline) {
    guard let found = pipeline[lead], let index = pipeline.stageIndex(forKey: found.stage),
      let position = pipeline.position(of: lead)
    else { return }
    column = index
    if rows.indices.contains(index) { rows[index] = position - 1 }
    focusedLead = lead
    ensureColumnVisible(pipeline)
    ensureRowVisible()
  }

  /// The column the eye is on: the lifted card's target while moving, else the focus.
  var activeColumn: Int {
    if case .move(let move) = mode { return move.targetColumn }
    return column
  }

  mutating func ensureColumnVisible(_ pipeline: Pipeline) {
    let visible = layout.visibleColumns
    let active = activeColumn
    if active < firstColumn { firstColumn = active }
    if active >= firstColumn + visible { firstColumn = active - visible + 1 }
    firstColumn = min(max(0, firstColumn), max(0, pipeline.stages.count - visible))
  }

  mutating func ensureRowVisible() {
    let active = activeColumn
    guard firstRows.indices.contains(active) else { return }
    var focusRow = row
    if case .move(let move) = mode { focusRow = move.targetRow }
    let visible = layout.visibleCards
    if focusRow < firstRows[active] { firstRows[active] = focusRow }
    if focusRow >= firstRows[active] + visible { firstRows[active] = focusRow - visible + 1 }
  }
}
