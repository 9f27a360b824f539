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

  /// The card shown at `index` (0-based) of `column`: with an owner filter, among that
  /// owner's cards only.
  func shownLead(_ column: Int, at index: Int, _ pipeline: Pipeline) -> Lead? {
    guard pipeline.stages.indices.contains(column), index >= 0 else { return nil }
    let key = pipeline.stages[column].key
    guard let shown = summaries.shown else { return pipeline.lead(inStage: key, at: index + 1) }
    guard shown.indices.contains(column), index < shown[column].count else { return nil }
    return pipeline.lead(inStage: key, at: Int(shown[column][index]))
  }

  /// Where `lead` is shown (its column, and its index there), or nil when it is off the
  /// board or the owner filter hides it.
  func shownPlace(of lead: LeadID, _ pipeline: Pipeline) -> (column: Int, index: Int)? {
    guard let found = pipeline[lead], let column = pipeline.stageIndex(forKey: found.stage),
      let position = pipeline.position(of: lead)
    else { return nil }
    guard let shown = summaries.shown else { return (column, position - 1) }
    guard shown.indices.contains(column) else { return nil }
    let places = shown[column]
    var low = 0
    var high = places.count
    while low < high {
      let mid = (low + high) / 2
      if places[mid] < Int32(position) { low = mid + 1 } else { high = mid }
    }
    return low < places.count && places[low] == Int32(position) ? (column, low) : nil
  }

  /// The place (1-based, in the pipeline's column) a card dropped at `row` of the cards
  /// shown in `column` takes: just above the card shown there, or just below the last one.
  /// Without a filter, the row itself.
  func dropPosition(of lead: Lead, column: Int, row: Int, _ pipeline: Pipeline) -> Int {
    guard let shown = summaries.shown, shown.indices.contains(column) else { return row + 1 }
    // In its own column the card is taken out first: the places below it move up one.
    let own = lead.stage == pipeline.stages[column].key ? pipeline.position(of: lead.id) : nil
    let others = shown[column].map { Int($0) }.filter { $0 != own }
    func afterTakingOut(_ place: Int) -> Int {
      guard let own, place > own else { return place }
      return place - 1
    }
    if row < others.count { return afterTakingOut(others[row]) }
    return others.last.map { afterTakingOut($0) + 1 } ?? 1
  }

  /// Shows the deals `filter` selects, or all of them (nil); the focus stays on its card
  /// when it is still shown.
  mutating func showFilter(_ filter: LeadFilter?, _ pipeline: Pipeline) {
    self.filter = filter
    activeView = nil
    refreshView(pipeline)
  }

  /// Shows the next saved view (after the last: every deal again), and says which.
  mutating func showNextView(_ pipeline: Pipeline) {
    guard !views.isEmpty else {
      message = StatusMessage("No saved views: add [views.NAME] where = \"...\" to the config (docs/filters.md)")
      return
    }
    let next = activeView.flatMap { name in views.firstIndex { $0.name == name } }.map { $0 + 1 } ?? 0
    guard next < views.count else {
      showFilter(nil, pipeline)
      message = StatusMessage("Showing every deal")
      return
    }
    let view = views[next]
    do throws(LeadFilterError) {
      let filter = try LeadFilter(
        view.filter, context: LeadFilter.Context(me: me, today: today, config: pipeline.config))
      showFilter(filter, pipeline)
      activeView = view.name
      let shown = summaries.columns.reduce(0) { $0 + $1.count }
      message = StatusMessage("View \(view.name): \(shown) deal\(shown == 1 ? "" : "s") where \(view.filter)")
    } catch {
      activeView = view.name
      message = StatusMessage("View \(view.name) cannot be shown: \(error)", isError: true)
    }
  }

  /// Works out the cards shown again, after a view changed.
  private mutating func refreshView(_ pipeline: Pipeline) {
    summaries.refresh(pipeline, filter: ownerFilter, query: filter, now: now, today: today)
    syncFocus(pipeline)
    // The focused card hidden and its column empty now: the first column with cards.
    if focusedLead == nil, let first = pipeline.stages.indices.first(where: { cardCount($0, pipeline) > 0 }) {
      focusColumn(first, pipeline)
    }
  }

  /// Shows one owner's deals ("" the deals nobody owns), or everyone's (nil); the focus
  /// stays on its card when it is still shown.
  mutating func showOwner(_ owner: String?, _ pipeline: Pipeline) {
    ownerFilter = owner
    refreshView(pipeline)
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
        column = pipeline.stages.indices.first { cardCount($0, pipeline) > 0 } ?? 0
      }
    }
    column = min(max(column, 0), max(0, stageCount - 1))
    if let lead = focusedLead, let place = shownPlace(of: lead, pipeline), place.column == column {
      rows[column] = place.index
    }
    for index in rows.indices {
      rows[index] = min(max(rows[index], 0), max(0, cardCount(index, pipeline) - 1))
    }
    focusedLead = stageCount == 0 ? nil : shownLead(column, at: row, pipeline)?.id
    ensureColumnVisible(pipeline)
    ensureRowVisible()
  }

  /// Focuses another column at the same height (the nearest card to it).
  mutating func focusColumn(_ target: Int, _ pipeline: Pipeline) {
    let height = row
    column = min(max(target, 0), max(0, pipeline.stages.count - 1))
    if rows.indices.contains(column) { rows[column] = min(height, max(0, cardCount(column, pipeline) - 1)) }
    focusedLead = shownLead(column, at: row, pipeline)?.id
    ensureColumnVisible(pipeline)
  }

  mutating func focusRow(_ target: Int, _ pipeline: Pipeline) {
    guard rows.indices.contains(column) else { return }
    rows[column] = min(max(target, 0), max(0, cardCount(column, pipeline) - 1))
    focusedLead = shownLead(column, at: row, pipeline)?.id
    ensureRowVisible()
  }

  /// Moves the focus to `lead`, wherever it is on the board. A card the owner filter hides
  /// is shown by showing everyone's deals (`revealing`), else the focus stays where it is.
  mutating func focus(on lead: LeadID, _ pipeline: Pipeline, revealing: Bool = true) {
    if revealing, ownerFilter != nil || filter != nil, shownPlace(of: lead, pipeline) == nil,
      pipeline.position(of: lead) != nil
    {
      ownerFilter = nil
      filter = nil
      refreshView(pipeline)
    }
    guard let place = shownPlace(of: lead, pipeline) else { return }
    column = place.column
    if rows.indices.contains(place.column) { rows[place.column] = place.index }
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
