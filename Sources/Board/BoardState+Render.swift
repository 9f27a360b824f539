import PipelineCore
import TerminalModel
import TerminalText

extension BoardState {
  /// Draws the whole screen for the current state: the title, the columns and the side
  /// pane, then what the mode shows over them, then the status line.
  public func render(_ pipeline: Pipeline) -> Frame {
    var frame = Frame(width: width, height: height)
    let layout = BoardLayout(width: width, height: height, stageCount: max(1, pipeline.stages.count))
    if layout.isTooSmall {
      TooSmallMode().render(into: &frame, board: self, pipeline: pipeline)
      return frame
    }
    drawTitle(&frame, pipeline)
    if let table = tableShown {
      // The table takes the whole screen, under its help too.
      table.render(into: &frame, board: self, pipeline: pipeline)
    } else {
      drawColumns(&frame, layout, pipeline)
      if layout.hasSidePane {
        drawDetail(&frame, x: layout.boardWidth, y: 1, width: layout.paneWidth, height: height - 2, pipeline)
      }
    }
    let component = mode.component
    if tableShown == nil || !(component is TableView) {
      component.render(into: &frame, board: self, pipeline: pipeline)
    }
    drawStatus(&frame, component, pipeline)
    return frame
  }

  /// The table view, when it is open (or its help is open over it).
  private var tableShown: TableView? {
    switch mode {
    case .table(let view), .help(over: .table(let view), _): view
    default: nil
    }
  }

  /// Lines an error on the status line may take: the status line and the two rows above it,
  /// which never hold a card's text (the gap after the last card, the "more" marker), so a
  /// long error (the journal was replaced, and where its copy is) is read whole at 80x24.
  static let errorLines = 3

  /// The mode's name, then what the mode says (hints from its key bindings, a question, a
  /// message); an error on the plain board wraps over the rows above to be read whole.
  private func drawStatus(_ frame: inout Frame, _ component: any ModeComponent, _ pipeline: Pipeline) {
    let name = " \(component.name) "
    let x = name.displayWidth + 1
    let status = component.status(board: self, pipeline: pipeline)
    var lines = [status.text]
    if status.wraps, printable(status.text).displayWidth > width - x {
      // The rows after the first take the whole width: a path as long as the default
      // journal's copy (~/.local/share/closer/journal.jsonl.replaced-<time>) fits at 80.
      lines = printable(status.text).wrapped(toWidth: width - 2, firstWidth: width - x, maxLines: Self.errorLines)
    }
    let top = height - lines.count
    frame.fill(x: 0, y: top, width: width, height: lines.count, style: Style(.status, reverse: true))
    frame.text(name, x: 0, y: top, style: Style(.statusMode, bold: true))
    for (i, line) in lines.enumerated() {
      let left = i == 0 ? x : 1
      frame.text(line, x: left, y: top + i, style: status.style, limit: width - left)
    }
  }

  private func drawTitle(_ frame: inout Frame, _ pipeline: Pipeline) {
    frame.fill(x: 0, y: 0, width: width, height: 1, style: Style(.title, reverse: true))
    let currency = pipeline.config.defaultCurrency
    let open = summaries.columns.reduce(0) { $0 + $1.count }
    let weighted = summaries.columns.reduce(Int64(0)) { $0 + $1.weighted }
    var title = " Closer"
    if !journalName.isEmpty { title += " · \(journalName)" }
    title +=
      " · \(open) card\(open == 1 ? "" : "s") · weighted \(currency) \(Money(minorUnits: weighted, currency: currency).compactAmount)"
    if let ownerFilter { title += ownerFilter.isEmpty ? " · deals nobody owns" : " · \(ownerFilter)'s deals" }
    if let activeView, filter != nil {
      title += " · view \(activeView)"
    } else if let filter {
      title += " · where \(filter.text)"
    }
    if let teamStatus { title += " · team: \(teamStatus)" }
    if readOnlyReason != nil { title += " · READ-ONLY" }
    frame.text(title, x: 0, y: 0, style: Style(.title, bold: true, reverse: true))
  }

  // MARK: Columns and cards

  /// What sits at a given place of a column, counting the lifted card where it would land.
  enum Slot {
    case card(Int)  // index into the pipeline's column
    case lifted(LeadID)
  }

  func displayCount(_ column: Int, _ pipeline: Pipeline) -> Int {
    let count = cardCount(column, pipeline)
    guard case .move(let move) = mode else { return count }
    if move.originColumn == move.targetColumn { return count }
    if column == move.originColumn { return count - 1 }
    if column == move.targetColumn { return count + 1 }
    return count
  }

  func displaySlot(_ column: Int, _ index: Int) -> Slot {
    guard case .move(let move) = mode else { return .card(index) }
    var underlying = index
    if column == move.targetColumn {
      if index == move.targetRow { return .lifted(move.lead) }
      if index > move.targetRow { underlying -= 1 }
    }
    if column == move.originColumn && underlying >= move.originRow { underlying += 1 }
    return .card(underlying)
  }

  private func drawColumns(_ frame: inout Frame, _ layout: BoardLayout, _ pipeline: Pipeline) {
    let stages = pipeline.stages
    let last = min(stages.count, firstColumn + layout.visibleColumns)
    if firstColumn > 0 {
      frame.text("◀", x: 0, y: layout.boardTop, style: Style(.marker, bold: true))
      frame.text("\(firstColumn)", x: 0, y: layout.boardTop + 1, style: Style(.marker))
    }
    if last < stages.count {
      let x = layout.boardWidth - 1
      frame.text("▶", x: x, y: layout.boardTop, style: Style(.marker, bold: true))
      frame.text("\(stages.count - last)", x: x, y: layout.boardTop + 1, style: Style(.marker), limit: 1)
    }
    for (visibleIndex, column) in (firstColumn..<last).enumerated() {
      let x = layout.columnX(visibleIndex)
      drawHeader(&frame, column: column, x: x, width: layout.columnWidth, layout, pipeline)
      drawCards(&frame, column: column, x: x, width: layout.columnWidth, layout, pipeline)
      if visibleIndex > 0 {
        for y in layout.boardTop..<(layout.boardTop + layout.boardHeight) {
          frame.text("│", x: x - 1 + 0, y: y, style: Style(.border), limit: 1)
        }
      }
    }
  }

  private func drawHeader(
    _ frame: inout Frame, column: Int, x: Int, width: Int, _ layout: BoardLayout, _ pipeline: Pipeline
  ) {
    let stage = pipeline.stages[column]
    let summary = summaries.columns.indices.contains(column) ? summaries.columns[column] : nil
    let focused = column == activeColumn
    let style = Style(focused ? .headerFocused : .header, bold: true, underline: focused)
    let inner = width - 2
    let count = summary?.count ?? 0
    // The count is never cut: the title gives way first ("Needs Assess… (12)").
    let counted = " (\(count))"
    let title = stage.title.truncated(toWidth: max(1, inner - counted.displayWidth))
    frame.text(title + counted, x: x + 1, y: layout.boardTop, style: style, limit: inner)
    if let summary {
      let currency = pipeline.config.defaultCurrency
      let total = Money(minorUnits: summary.total, currency: currency).compactAmount
      let weighted = Money(minorUnits: summary.weighted, currency: currency).compactAmount
      let others = summary.otherCurrencies ? "+" : ""
      frame.text(
        "\(total)\(others) · w \(weighted) · \(stage.probability)%", x: x + 1, y: layout.boardTop + 1,
        style: Style(.header), limit: inner)
    }
    frame.text(String(repeating: "─", count: max(0, inner)), x: x + 1, y: layout.boardTop + 2, style: Style(.border))
  }

  private func drawCards(
    _ frame: inout Frame, column: Int, x: Int, width: Int, _ layout: BoardLayout, _ pipeline: Pipeline
  ) {
    let count = displayCount(column, pipeline)
    let first = firstRows.indices.contains(column) ? min(firstRows[column], max(0, count - 1)) : 0
    let top = layout.cardAreaTop
    if first > 0 {
      frame.text("↑ \(first) more", x: x + 1, y: top, style: Style(.marker), limit: width - 2)
    }
    let visible = layout.visibleCards
    for offset in 0..<visible {
      let index = first + offset
      guard index < count else { break }
      let y = top + 1 + offset * BoardLayout.cardHeight
      switch displaySlot(column, index) {
      case .card(let underlying):
        guard let lead = shownLead(column, at: underlying, pipeline) else { continue }
        let isFocused = column == self.column && lead.id == focusedLead && !isMoving
        drawCard(&frame, lead, x: x + 1, y: y, width: width - 2, focused: isFocused, lifted: false, pipeline)
      case .lifted(let id):
        guard let lead = pipeline[id] else { continue }
        drawCard(&frame, lead, x: x + 1, y: y, width: width - 2, focused: true, lifted: true, pipeline)
      }
    }
    let below = count - first - visible
    if below > 0 {
      // Below the last card, or, when the screen is short, on its gap line.
      let y = min(top + 1 + visible * BoardLayout.cardHeight, layout.cardAreaTop + layout.cardAreaHeight - 1)
      frame.text("↓ \(below) more", x: x + 1, y: y, style: Style(.marker), limit: width - 2)
    }
  }

  var isMoving: Bool {
    if case .move = mode { return true }
    return false
  }

  /// The search whose matches are shown: the one being typed, or the one kept after Enter.
  var activeSearch: SearchState? {
    if case .search(let search) = mode, !search.query.isEmpty { return search }
    return highlight
  }

  private func drawCard(
    _ frame: inout Frame, _ lead: Lead, x: Int, y: Int, width: Int, focused: Bool, lifted: Bool,
    _ pipeline: Pipeline
  ) {
    let search = activeSearch
    let isMatch = search?.contains(lead.id, in: pipeline) ?? false
    let dimmed = search != nil && !isMatch && !focused
    let role: Role = lifted ? .lifted : focused ? .cardFocused : isMatch ? .match : dimmed ? .dimmed : .card
    let base = Style(role, bold: lifted, reverse: focused, dim: dimmed)
    frame.fill(x: x, y: y, width: width, height: 3, style: base)
    let score = pipeline.score(of: lead, now: now)
    let tierRole: Role = score.tier == .a ? .tierA : score.tier == .b ? .tierB : .tierC
    let marker = lifted ? "▶ " : isMatch ? "• " : unseenConflicts.contains(lead.id) ? "! " : ""
    var nameStyle = base
    nameStyle.bold = true
    nameStyle.underline = isMatch
    let badge = score.tier.rawValue
    let nameWidth = width - 2
    frame.text(marker + lead.name, x: x, y: y, style: nameStyle, limit: nameWidth - 1)
    var tierStyle = base
    if !focused && !lifted { tierStyle.role = tierRole }
    tierStyle.bold = true
    frame.text(badge, x: x + width - 1, y: y, style: tierStyle, limit: 1)
    frame.text(lead.company, x: x, y: y + 1, style: base, limit: width)
    var facts: [String] = []
    if let value = lead.value {
      facts.append(
        value.compactAmount + (value.currency == pipeline.config.defaultCurrency ? "" : " " + value.currency))
    }
    facts.append("\(lead.daysInStage(now: now))d")
    if lead.status == .won { facts.append("won") }
    let line = facts.joined(separator: " · ")
    let used = frame.text(line, x: x, y: y + 2, style: base, limit: width)
    var flags = ""
    let today = self.today
    if let followUp = lead.followUp, lead.status != .lost {
      if followUp.due < today { flags += " !due" } else if followUp.due == today { flags += " today" }
    }
    if isStalled(lead, pipeline) { flags += " ~stale" }
    if !flags.isEmpty {
      var flagStyle = base
      if !focused && !lifted { flagStyle.role = flags.contains("!") ? .overdue : .stalled }
      flagStyle.bold = true
      let flagText = String(flags.dropFirst())
      frame.text(
        flagText, x: x + max(used + 1, width - flagText.displayWidth), y: y + 2, style: flagStyle,
        limit: width - used - 1)
    }
  }

  func isStalled(_ lead: Lead, _ pipeline: Pipeline) -> Bool { pipeline.isStalled(lead, now: now) }
}
