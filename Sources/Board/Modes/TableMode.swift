import PipelineCore
import TerminalModel
import TerminalText

/// The table view: one row per deal the board shows, under the same owner view and filter,
/// sorted by any column; Enter goes to the card on the board.
public struct TableView: Sendable, Equatable, ModeComponent {
  public var sort: TableColumn = .stage
  public var descending = false
  /// The selected row, and its lead: the selection stays on the deal when the rows are
  /// sorted again or the pipeline changes.
  public var selected = 0
  public var selectedLead: LeadID?
  /// The first row on screen.
  public var top = 0

  public init() {}

  static let bindings: [KeyBinding] = [
    KeyBinding(
      "↑/↓ k/j PgUp/PgDn", "previous/next deal (Home/End: first/last)", hint: "↑↓ pick",
      [.up, .down, .pageUp, .pageDown, .home, .end] + Key.characters("kj")),
    KeyBinding("1-9", "sort by that column (again: reversed)", hint: "1-9 sort") { $0.criterionDigit != nil },
    KeyBinding("←/→ h/l", "sort by the previous/next column", [.left, .right] + Key.characters("hl")),
    KeyBinding("r", "reverse the order", hint: "r reverse", Key.characters("r")),
    KeyBinding("Enter", "go to the deal's card on the board", hint: "Enter go to the card", [.enter]),
    KeyBinding("V", "next saved view, then every deal", Key.characters("V")),
    KeyBinding("Esc q t", "back to the board", hint: "Esc close", [.escape, .character("q"), .character("t")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  var name: String { "TABLE" }

  /// Rows of deals on screen: the screen less the title, the table's two header rows and
  /// the status line.
  static func visibleRows(height: Int) -> Int { max(1, height - 4) }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    if key != .character("?") { board.message = nil }
    var view = self
    let count = board.tableRows.count
    let columns = TableColumn.all(pipeline.config)
    let at = columns.firstIndex(of: sort) ?? 0
    let page = Self.visibleRows(height: board.height)
    switch key {
    case .up, .character("k"): view.select(selected - 1, count: count)
    case .down, .character("j"): view.select(selected + 1, count: count)
    case .pageUp: view.select(selected - max(1, page - 1), count: count)
    case .pageDown: view.select(selected + max(1, page - 1), count: count)
    case .home: view.select(0, count: count)
    case .end: view.select(count - 1, count: count)
    case .left, .character("h"), .right, .character("l"):
      // The next column drawn: one the screen has no room for is skipped.
      let widths = Self.widths(for: board.width, columns)
      let step = key == .left || key == .character("h") ? -1 : 1
      var next = at
      repeat { next = (next + step + columns.count) % columns.count } while widths[next] == 0 && next != at
      view.sort(by: columns[next], reverse: false)
    case .character("r"): view.descending.toggle()
    case .character("V"):
      board.mode = .table(view)
      board.showNextView(pipeline)
      board.refreshTable(pipeline)
      return []
    case .enter:
      guard let lead = view.selectedLead, pipeline[lead] != nil else {
        board.message = StatusMessage("No deal to go to")
        return []
      }
      board.mode = .board
      board.focus(on: lead, pipeline)
      return []
    case .escape, .character("q"), .character("t"):
      board.mode = .board
      return []
    case .character("?"):
      board.mode = .help(over: .table(view))
      return []
    default:
      guard let digit = key.criterionDigit, columns.indices.contains(digit - 1) else { return [] }
      view.sort(by: columns[digit - 1], reverse: columns[digit - 1] == sort)
    }
    board.mode = .table(view)
    board.refreshTable(pipeline)
    return []
  }

  /// Selects row `row` (clamped to the rows there are).
  mutating func select(_ row: Int, count: Int) {
    selected = max(0, min(row, count - 1))
    selectedLead = nil
  }

  /// Sorts by `column`; `reverse` flips the order of the column already sorted by.
  mutating func sort(by column: TableColumn, reverse: Bool) {
    if reverse {
      descending.toggle()
    } else {
      sort = column
      // Figures read best largest first; text A to Z.
      descending = column.isNumeric
    }
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    if let message = board.message {
      return message.isError ? .error(message.text, wraps: true) : .plain(message.text)
    }
    return .plain(Self.hints)
  }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let rows = board.tableRows
    let (width, top) = (board.width, 1)
    frame.fill(x: 0, y: top, width: width, height: board.height - 2, style: Style(.detail))
    var heading = " Table: \(rows.count) deal\(rows.count == 1 ? "" : "s")"
    heading += " · by \(sort.title.lowercased()), \(sortOrderWords)"
    frame.text(heading, x: 0, y: top, style: Style(.header, bold: true))
    let all = TableColumn.all(pipeline.config)
    let columns = Self.widths(for: width, all)
    var x = 1
    for (index, column) in all.enumerated() {
      let w = columns[index]
      guard w > 0 else { continue }
      let title = header(column, number: index + 1, width: w)
      frame.text(
        Self.aligned(title, width: w, right: false), x: x, y: top + 1,
        style: Style(.header, bold: column == sort, underline: true), limit: w)
      x += w + 1
    }
    guard rows.count > 0 else {
      let why =
        board.filter != nil || board.ownerFilter != nil
        ? "No deal is shown under this view. Press V for the next view, or F on the board to change the filter."
        : "No deals yet. Press a on the board to add one."
      frame.text(why, x: 1, y: top + 3, style: Style(.detail), limit: width - 2)
      return
    }
    let today = board.today
    let visible = Self.visibleRows(height: board.height)
    for offset in 0..<min(visible, rows.count - self.top) {
      let index = self.top + offset
      guard let lead = pipeline.lead(atSlot: Int(rows.slots[index])) else { continue }
      let y = top + 2 + offset
      let isSelected = index == selected
      let overdue = lead.status != .lost && (lead.followUp?.due).map { $0 < today } ?? false
      var style = Style(isSelected ? .cardFocused : overdue ? .overdue : .detail, reverse: isSelected)
      style.bold = isSelected
      frame.fill(x: 0, y: y, width: width, height: 1, style: style)
      var x = 1
      for (index, column) in all.enumerated() {
        let w = columns[index]
        guard w > 0 else { continue }
        let text = Self.cell(column, of: lead, width: w, board: board, pipeline: pipeline)
        // The row is blank already: text is written where it starts (figures end at the
        // column's right edge), cut at the column's width.
        let shift = column.isNumeric ? max(0, w - text.displayWidth) : 0
        frame.text(text, x: x + shift, y: y, style: style, limit: w - shift)
        x += w + 1
      }
    }
  }

  /// A column's header: its number (the key that sorts by it) and title, and on the column
  /// sorted by an arrow for the order, in as much of that as fits.
  private func header(_ column: TableColumn, number: Int, width: Int) -> String {
    let title = width < 12 && column == .followUp ? "Due" : column.title
    let arrow = column == sort ? (descending ? " ▼" : " ▲") : ""
    let numbered = "\(number) \(title)\(arrow)"
    return number <= 9 && numbered.displayWidth <= width ? numbered : title + arrow
  }

  private var sortOrderWords: String {
    switch sort.kind {
    case .stage: return descending ? "last stage first" : "board order"
    case .followUp: return descending ? "latest first" : "soonest first"
    case .custom(let field) where field.kind == .date: return descending ? "latest first" : "earliest first"
    case .custom(let field) where field.kind == .choice:
      return descending ? "last choice first" : "in the config's order"
    default:
      if sort.isText { return descending ? "Z to A" : "A to Z" }
      return descending ? "largest first" : "smallest first"
    }
  }

  /// The text of one cell.
  static func cell(_ column: TableColumn, of lead: Lead, width: Int, board: BoardState, pipeline: Pipeline) -> String {
    switch column.kind {
    case .custom(let field): return lead.custom[field.key].map(field.shown) ?? ""
    case .name: return lead.name
    case .company: return lead.company
    case .stage:
      let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
      return lead.status == .won ? "\(stage) (won)" : stage
    case .value:
      guard let value = lead.value else { return "" }
      let currency = value.currency == pipeline.config.defaultCurrency ? "" : " " + value.currency
      return width >= 12 ? value.formattedAmount + currency : value.compactAmount + currency
    case .score:
      let score = pipeline.score(of: lead, now: board.now)
      return "\(score.total) \(score.tier.rawValue)"
    case .followUp:
      guard let followUp = lead.followUp else { return "" }
      return width > 11 ? "\(followUp.due) \(followUp.action)" : "\(followUp.due)"
    case .owner: return lead.owner
    case .days: return "\(lead.daysInStage(now: board.now))"
    }
  }

  static func aligned(_ text: String, width: Int, right: Bool) -> String {
    let cut = text.truncated(toWidth: width)
    let pad = String(repeating: " ", count: max(0, width - cut.displayWidth))
    return right ? pad + cut : cut + pad
  }

  /// Each column's width at a screen `width`: the figures take what they need, name and
  /// company share what is left; at 80 columns the follow-up shows its date only. Custom
  /// fields get a width by their type while name and company keep room to be read (24
  /// cells at 80 columns, 34 from 120); those that do not fit are left out (width 0), last
  /// first.
  static func widths(for width: Int, _ columns: [TableColumn] = TableColumn.builtIn) -> [Int] {
    let wide = width >= 120
    let hasCustom = columns.count > TableColumn.builtIn.count
    // stage, value, score, follow-up, owner, days (narrower stage and follow-up to make room
    // for custom fields)
    var fixed = wide ? (hasCustom ? [16, 14, 7, 20, 14, 6] : [18, 14, 7, 30, 14, 6]) : [12, 8, 7, 10, 9, 6]
    var custom = columns.dropFirst(TableColumn.builtIn.count).map { column -> Int in
      guard case .custom(let field) = column.kind else { return 0 }
      switch field.kind {
      case .number: return wide ? 10 : 7
      case .amount: return wide ? 14 : 9
      case .date: return 10
      case .text, .choice: return wide ? 16 : 10
      }
    }
    func room() -> Int {
      let shown = (fixed + custom).filter { $0 > 0 }
      return width - shown.reduce(0, +) - (shown.count + 3)
    }
    while room() < (wide ? 34 : 24), let last = custom.lastIndex(where: { $0 > 0 }) { custom[last] = 0 }
    // Narrower than 80: the owner, days in stage and follow-up give way, in that order, so
    // that names stay readable.
    for dropped in [4, 5, 3] where room() < 16 { fixed[dropped] = 0 }
    let left = max(8, room())
    let name = left * 11 / 20
    return [name, left - name] + fixed + custom
  }
}

extension BoardState {
  /// Sorts the table's rows again if the pipeline, the cards shown or the sort changed, and
  /// keeps the selection on its deal (or at its row, when the deal left the table) and in
  /// sight.
  mutating func refreshTable(_ pipeline: Pipeline) {
    guard case .table(var view) = mode else { return }
    tableRows.refresh(
      pipeline, shown: summaries.shown, shownRevision: summaries.generation, sort: view.sort,
      descending: view.descending, now: now, today: today)
    let count = tableRows.count
    // The selected deal's row: where it was (every message while nothing changed), else
    // looked for (after a sort or a change).
    if let lead = view.selectedLead, let slot = pipeline.slot(of: lead),
      !(tableRows.slots.indices.contains(view.selected) && tableRows.slots[view.selected] == Int32(slot)),
      let row = tableRows.row(of: lead, pipeline)
    {
      view.selected = row
    }
    view.selected = max(0, min(view.selected, count - 1))
    view.selectedLead =
      tableRows.slots.indices.contains(view.selected)
      ? pipeline.lead(atSlot: Int(tableRows.slots[view.selected]))?.id : nil
    let visible = TableView.visibleRows(height: height)
    if view.selected < view.top { view.top = view.selected }
    if view.selected >= view.top + visible { view.top = view.selected - visible + 1 }
    view.top = max(0, min(view.top, count - visible))
    mode = .table(view)
  }
}
