import PipelineCore
import TerminalModel
import TerminalText

extension BoardState {
  // MARK: Detail pane

  func drawDetail(_ frame: inout Frame, x: Int, y: Int, width: Int, height: Int, _ pipeline: Pipeline) {
    frame.fill(x: x, y: y, width: width, height: height, style: Style(.detail))
    for row in y..<(y + height) { frame.text("│", x: x, y: row, style: Style(.border), limit: 1) }
    let inner = width - 3
    let left = x + 2
    let content = detailLines(width: inner, pipeline)
    // The window of lines shown: as the rep scrolled it, or around the selected checklist
    // item while they move between items.
    let maxScroll = max(0, content.lines.count - height)
    // Outside the detail mode the pane shows the top of the focused card.
    var inDetail = false
    if case .detail = mode { inDetail = true }
    var scroll = inDetail ? min(max(0, detailScroll), maxScroll) : 0
    if inDetail && detailFollowsSelection, let row = content.selectedRow {
      if row < scroll + 1 { scroll = max(0, row - 1) }
      if row > scroll + height - 2 { scroll = min(maxScroll, row - height + 2) }
    }
    for (offset, line) in content.lines.dropFirst(scroll).prefix(height).enumerated() {
      if let label = line.label {
        frame.text(label, x: left, y: y + offset, style: Style(.detailLabel, bold: true), limit: 10)
      }
      frame.text(line.text, x: left + line.indent, y: y + offset, style: line.style, limit: inner - line.indent)
    }
    let marker = Style(.marker)
    if scroll > 0 {
      frame.fill(x: left, y: y, width: inner, height: 1, style: Style(.detail))
      frame.text("↑ \(scroll) more", x: left, y: y, style: marker, limit: inner)
    }
    let below = content.lines.count - scroll - height
    if below > 0 {
      frame.fill(x: left, y: y + height - 1, width: inner, height: 1, style: Style(.detail))
      frame.text("↓ \(below + 1) more · PgDn", x: left, y: y + height - 1, style: marker, limit: inner)
    }
  }

  /// One line of the detail pane.
  struct DetailLine {
    var text: String
    var style: Style
    var indent = 0
    /// A field's label, drawn before the first line of its value.
    var label: String?
  }

  /// Everything the detail pane says about the shown lead, as lines `width` cells wide:
  /// long values wrap under their label, every stage visit and every note is there.
  func detailLines(width: Int, _ pipeline: Pipeline) -> (lines: [DetailLine], selectedRow: Int?) {
    var lines: [DetailLine] = []
    var selectedRow: Int?
    let plain = Style(.detail)
    func line(_ text: String, _ style: Style = Style(.detail)) {
      for part in text.wrapped(toWidth: max(1, width)) { lines.append(DetailLine(text: part, style: style)) }
      if text.isEmpty { lines.append(DetailLine(text: "", style: style)) }
    }
    func field(_ label: String, _ value: String) {
      guard !value.isEmpty else { return }
      for (index, part) in value.wrapped(toWidth: max(1, width - 11)).enumerated() {
        lines.append(DetailLine(text: part, style: plain, indent: 11, label: index == 0 ? label : nil))
      }
    }
    var shown = focusedLead
    if case .move(let move) = mode { shown = move.lead }
    guard let id = shown, let lead = pipeline[id] else {
      line("No card selected", Style(.detail, dim: true))
      return (lines, nil)
    }
    let score = pipeline.score(of: lead, now: now)
    let stage = pipeline.stage(forKey: lead.stage)
    line(lead.name, Style(.detail, bold: true))
    if !lead.company.isEmpty { line(lead.company) }
    line("")
    let position = pipeline.position(of: lead.id).map { ", \($0) of \(pipeline.cardCount(inStage: lead.stage))" } ?? ""
    field("Stage", "\(stage?.title ?? lead.stage)\(position) · \(lead.daysInStage(now: now))d")
    if lead.status != .open {
      field("Status", lead.status.rawValue + (lead.lostReason.map { ": \($0)" } ?? ""))
    }
    field("Value", lead.value?.description ?? "")
    field("Email", lead.email)
    field("Phone", lead.phone)
    field("Owner", lead.owner)
    field("Source", lead.source)
    field("Close by", lead.expectedClose?.description ?? "")
    if let followUp = lead.followUp {
      let when = followUp.due < today ? " (overdue)" : followUp.due == today ? " (today)" : ""
      field("Next", "\(followUp.action), \(followUp.due)\(when)")
    }
    field(
      "Score",
      "\(score.total) · tier \(score.tier.rawValue) · checklist \(score.checklist) + fields \(score.fields) + activity \(score.engagement)"
    )
    let criteria = pipeline.criteria
    if !criteria.isEmpty {
      line("")
      line("Checklist", Style(.detailLabel, bold: true))
      var selected: Int?
      if case .detail(let item) = mode { selected = item }
      for (index, criterion) in criteria.enumerated() {
        let ticked = lead.isChecked(criterion.key)
        if selected == index { selectedRow = lines.count }
        line(
          "\(index + 1) [\(ticked ? "x" : " ")] \(criterion.title)",
          Style(.detail, bold: ticked, reverse: selected == index))
      }
    }
    line("")
    line("History", Style(.detailLabel, bold: true))
    for visit in lead.stageHistory {
      let title = pipeline.stage(forKey: visit.stage)?.title ?? visit.stage
      let days = visit.entered.days(until: visit.left ?? now)
      // A table row: its columns keep their spaces (cut at the edge, not wrapped).
      lines.append(
        DetailLine(
          text:
            "\(calendar.day(of: visit.entered))  \(title.fitted(toWidth: 20)) \(days)d\(visit.left == nil ? " now" : "")",
          style: plain))
    }
    if !lead.notes.isEmpty {
      line("")
      line("Notes (\(lead.notes.count), newest first)", Style(.detailLabel, bold: true))
      for note in lead.notes.reversed() {
        line("\(calendar.day(of: note.time))", Style(.detail, dim: true))
        for part in note.text.split(separator: "\n", omittingEmptySubsequences: false) {
          for wrapped in String(part).wrapped(toWidth: max(1, width - 2)) {
            lines.append(DetailLine(text: wrapped, style: plain, indent: 2))
          }
        }
      }
    }
    return (lines, selectedRow)
  }

  // MARK: Help

  /// The keys of each mode, as the help overlay lists them: the mode's key bindings.
  static func helpLines(for mode: Mode) -> [(String, String)] {
    KeyBindings.of(mode).filter(\.listed).map { ($0.keys, $0.help) }
  }

  func drawHelp(_ frame: inout Frame, for over: Mode) {
    let entries = Self.helpLines(for: over)
    let keyWidth = entries.map { $0.0.displayWidth }.max() ?? 0
    let descriptionWidth = entries.map { $0.1.displayWidth }.max() ?? 0
    let boxWidth = min(width - 2, max(44, keyWidth + descriptionWidth + 7))
    let boxHeight = min(height - 2, entries.count + 4)
    let x = (width - boxWidth) / 2
    let y = max(1, (height - boxHeight) / 2)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: Style(.help, reverse: true))
    let title = over == .board ? "Keys: board" : "Keys: \(Self.modeName(over).lowercased())"
    frame.text(" \(title) ", x: x + 2, y: y, style: Style(.help, bold: true, reverse: true))
    for (i, entry) in entries.enumerated() where y + 2 + i < y + boxHeight - 1 {
      frame.text(entry.0, x: x + 2, y: y + 2 + i, style: Style(.help, bold: true, reverse: true), limit: keyWidth)
      frame.text(
        entry.1, x: x + 4 + keyWidth, y: y + 2 + i, style: Style(.help, reverse: true), limit: boxWidth - keyWidth - 6)
    }
    frame.text(
      "any key closes", x: x + boxWidth - 16, y: y + boxHeight - 1, style: Style(.help, reverse: true, dim: true))
  }

  static func modeName(_ mode: Mode) -> String {
    switch mode {
    case .board: "BOARD"
    case .move: "MOVE"
    case .search: "SEARCH"
    case .detail: "DETAIL"
    case .confirm: "CONFIRM"
    case .help: "HELP"
    case .prompt(let prompt): prompt.purpose == .lostReason ? "LOST" : "FOLLOW-UP"
    case .agenda: "AGENDA"
    case .form(let form): form.lead == nil ? "ADD" : "EDIT"
    case .insights: "INSIGHTS"
    }
  }

  // MARK: Status line

  /// Lines an error on the status line may take: the status line and the two rows above it,
  /// which never hold a card's text (the gap after the last card, the "more" marker), so a
  /// long error (the journal was replaced, and where its copy is) is read whole at 80x24.
  static let errorLines = 3

  func drawStatus(_ frame: inout Frame, _ pipeline: Pipeline) {
    let name = " \(Self.modeName(mode)) "
    let x = name.displayWidth + 1
    let text: String
    var style = Style(.status, reverse: true)
    switch mode {
    case .move(let move):
      let stage = pipeline.stages[move.targetColumn].title
      text =
        "\(stage), \(move.targetRow + 1) of \(landingCount(move, pipeline)) · ←→ stage ↑↓ place Space drop Esc cancel"
    case .search(let search):
      let count =
        search.query.isEmpty
        ? "type to search" : "\(search.matchCount) match\(search.matchCount == 1 ? "" : "es")"
      if let picked = search.lead(at: search.picked), let lead = pipeline[picked], lead.status == .lost {
        text =
          "/\(search.query)▏ \(count) · \(lead.name): lost (\(lead.lostReason ?? "no reason")) · Enter reopen Esc clear"
      } else {
        text = "/\(search.query)▏ \(count) · ↑↓ pick Enter jump Esc clear"
      }
      frame.cursor = nil
    case .confirm(let confirmation):
      text = confirmation.question
      style.bold = true
    case .prompt(let prompt):
      if let problem = prompt.problem {
        text = "\(prompt.question) \(prompt.text)▏ \(problem)"
        style = Style(.error, bold: true, reverse: true)
      } else if prompt.options.isEmpty {
        let hint =
          prompt.purpose == .followUpAction ? "Enter next · Esc cancel" : "today, tomorrow, fri, +3d, YYYY-MM-DD · Esc"
        text = "\(prompt.question) \(prompt.text)▏ · \(hint)"
        style.bold = true
      } else {
        let options = prompt.options.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }
        text =
          "\(prompt.question) \(prompt.text)▏ · \(options.joined(separator: " · ")) · a number or a reason, Enter · Esc cancel"
        style.bold = true
      }
    case .agenda:
      text = "↑↓ pick · Enter go to the card · d done · u undo · Esc close"
    case .insights(let view):
      text = "←→ period (\(InsightsView.periods[view.period]) days) · ↑↓ slow deal · Enter go · PgDn/PgUp scroll · Esc"
    case .form(let form):
      if let problem = form.problem {
        text = problem
        style = Style(.error, bold: true, reverse: true)
      } else {
        text = "Tab/Shift-Tab field · Enter save · Esc cancel"
      }
    case .detail:
      text = message?.text ?? "↑↓ item Space tick Esc back ? help"
    case .help:
      text = "any key closes the help"
    case .board:
      if let message {
        text = message.text
        if message.isError { style = Style(.error, bold: true, reverse: true) }
      } else if let highlight {
        text = "'\(highlight.query)': \(highlight.picked + 1) of \(highlight.matchCount) · n/N next/prev · Esc clear"
      } else {
        text = "Space lift · H/L move · / search · 1-9 tick · u undo · ? help · q quit"
      }
    }
    var lines = [text]
    if case .board = mode, message?.isError == true, printable(text).displayWidth > width - x {
      // The rows after the first take the whole width: a path as long as the default
      // journal's copy (~/.local/share/closer/journal.jsonl.replaced-<time>) fits at 80.
      lines = printable(text).wrapped(toWidth: width - 2, firstWidth: width - x, maxLines: Self.errorLines)
    }
    let top = height - lines.count
    frame.fill(x: 0, y: top, width: width, height: lines.count, style: Style(.status, reverse: true))
    frame.text(name, x: 0, y: top, style: Style(.statusMode, bold: true))
    for (i, line) in lines.enumerated() {
      let left = i == 0 ? x : 1
      frame.text(line, x: left, y: top + i, style: style, limit: width - left)
    }
  }
}

extension BoardState {
  /// Every open follow-up, soonest first, over the board.
  func drawAgenda(_ frame: inout Frame, selected: Int, _ pipeline: Pipeline) {
    let items = agenda(pipeline)
    let x = 0
    let y = 1
    let w = width
    let h = height - 2
    frame.fill(x: x, y: y, width: w, height: h, style: Style(.detail))
    frame.text(
      " Agenda: \(items.count) follow-up\(items.count == 1 ? "" : "s"), soonest first", x: x, y: y,
      style: Style(.header, bold: true))
    guard !items.isEmpty else {
      frame.text(
        "No open deal has a follow-up. Press f on a card to set one.", x: x + 1, y: y + 2, style: Style(.detail))
      return
    }
    let rows = h - 2
    let first = max(0, min(selected - rows + 1, items.count - rows))
    let today = self.today
    for (offset, lead) in items.dropFirst(first).prefix(rows).enumerated() {
      guard let followUp = lead.followUp else { continue }
      let index = first + offset
      let mark = followUp.due < today ? "!overdue" : followUp.due == today ? "today" : ""
      let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
      let line =
        "\(followUp.due)  \(mark.fitted(toWidth: 8))  \(lead.name.fitted(toWidth: 22))  \(followUp.action) · \(stage)"
      var style = Style(
        followUp.due < today ? .overdue : .detail, bold: followUp.due <= today, reverse: index == selected)
      if index == selected { style.role = .cardFocused }
      frame.fill(x: x, y: y + 2 + offset, width: w, height: 1, style: style)
      frame.text(line, x: x + 1, y: y + 2 + offset, style: style, limit: w - 2)
    }
  }
}

extension BoardState {
  /// The add/edit form, over the board, with the cursor in the focused field.
  func drawForm(_ frame: inout Frame, _ form: LeadForm, _ pipeline: Pipeline) {
    let fields = LeadForm.Field.allCases
    let boxWidth = min(width - 2, 64)
    let boxHeight = fields.count * 2 + 4
    let x = (width - boxWidth) / 2
    let y = max(1, (height - boxHeight) / 2)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: Style(.help, reverse: true))
    let stage = pipeline.stage(forKey: form.stage)?.title ?? form.stage
    let title = form.lead == nil ? " New lead in \(stage) " : " Edit \(form[.name]) "
    frame.text(title, x: x + 2, y: y, style: Style(.help, bold: true, reverse: true), limit: boxWidth - 4)
    let labelWidth = 9
    let inputWidth = boxWidth - labelWidth - 5
    for (index, field) in fields.enumerated() {
      let row = y + 2 + index * 2
      let focused = field == form.focus
      frame.text(field.label, x: x + 2, y: row, style: Style(.help, bold: focused, reverse: true), limit: labelWidth)
      let inputX = x + 3 + labelWidth
      frame.fill(x: inputX, y: row, width: inputWidth, height: 1, style: Style(.normal, underline: true))
      let (shown, cursorX) = form.inputs[field.rawValue].visible(width: inputWidth)
      frame.text(shown, x: inputX, y: row, style: Style(.normal, underline: true), limit: inputWidth)
      if focused { frame.cursor = (inputX + cursorX, row) }
    }
    if let problem = form.problem {
      frame.text(problem, x: x + 2, y: y + boxHeight - 1, style: Style(.error, bold: true), limit: boxWidth - 4)
    }
  }
}

extension BoardState {
  /// The insights view: funnel bars, conversion, time in stage, win rate, velocity,
  /// forecast bars, sources and the slowest deals, scrolled to keep the selection in view.
  func drawInsights(_ frame: inout Frame, _ view: InsightsView, _ pipeline: Pipeline) {
    let figures = view.figures
    let currency = pipeline.config.defaultCurrency
    func percent(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded()))%" } ?? "-" }
    func days(_ value: Double?) -> String { value.map { "\(Int($0.rounded()))d" } ?? "-" }
    /// Numbers line up on their right edge, whatever their width.
    func right(_ text: String, _ width: Int) -> String {
      String(repeating: " ", count: max(0, width - text.displayWidth)) + text
    }
    func money(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).compactAmount }
    var lines: [(String, Style)] = []
    let heading = Style(.header, bold: true)
    let plain = Style(.detail)
    let barWidth = max(10, min(40, width - 50))
    lines.append(
      (
        "Insights · last \(InsightsView.periods[view.period]) days (\(calendar.day(of: figures.since)) to \(calendar.day(of: figures.until)))",
        heading
      ))
    lines.append(("", plain))
    lines.append(("Funnel: deals that entered each stage, and how many moved on", heading))
    let widest = max(1, figures.stages.map(\.entered).max() ?? 1)
    for stage in figures.stages {
      let title = (pipeline.stage(forKey: stage.stage)?.title ?? stage.stage).fitted(toWidth: 20)
      let bar = String(repeating: "█", count: stage.entered * barWidth / widest).fitted(toWidth: barWidth)
      lines.append(
        ("\(title) \(bar) \(right(String(stage.entered), 5)) → \(right(percent(stage.conversion), 4))", plain))
    }
    lines.append(("", plain))
    lines.append(("Time in stage (median / 90th percentile) and deals lost there", heading))
    for stage in figures.stages where stage.medianDays != nil || stage.lost > 0 {
      let title = (pipeline.stage(forKey: stage.stage)?.title ?? stage.stage).fitted(toWidth: 20)
      let reasons = stage.lostReasons.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(
        separator: ", ")
      lines.append(
        (
          "\(title) \(right(days(stage.medianDays), 5)) / \(right(days(stage.p90Days), 5))   lost \(right(String(stage.lost), 3))\(reasons.isEmpty ? "" : ": " + reasons)",
          plain
        ))
    }
    lines.append(("", plain))
    lines.append(("Win rate \(percent(figures.winRate)) (\(figures.won) won, \(figures.lost) lost)", heading))
    if let v = figures.velocity {
      lines.append(
        (
          "Velocity \(money(v.perDay))/day = \(v.openDeals) open x \(money(v.averageWonValue)) x \(percent(v.winRate)) / \(days(v.averageCycleDays))",
          plain
        ))
    } else {
      lines.append(("Velocity - (nothing won in the period)", plain))
    }
    if !figures.forecast.isEmpty {
      lines.append(("", plain))
      lines.append(("Forecast: weighted value of open deals by expected close month", heading))
      let most = max(1, figures.forecast.map(\.weighted).max() ?? 1)
      for month in figures.forecast {
        let bar = String(repeating: "▇", count: Int(month.weighted * Int64(barWidth) / most)).fitted(toWidth: barWidth)
        lines.append(("\(month.month.fitted(toWidth: 12)) \(bar) \(money(month.weighted))", plain))
      }
    }
    if !figures.sources.isEmpty {
      lines.append(("", plain))
      lines.append(("Sources", heading))
      lines.append(
        (
          "\("source".fitted(toWidth: 20)) \(right("leads", 6)) \(right("won", 5)) \(right("win", 5)) \(right("won value", 10))",
          plain
        ))
      for source in figures.sources.prefix(12) {
        lines.append(
          (
            "\(source.source.fitted(toWidth: 20)) \(right(String(source.leads), 6)) \(right(String(source.won), 5)) \(right(percent(source.winRate), 5)) \(right(money(source.wonValue), 10))",
            plain
          ))
      }
    }
    lines.append(("", plain))
    lines.append(("Slowest open deals (longer than their stage's 90th percentile)", heading))
    var selectedLine = lines.count
    if figures.slowest.isEmpty { lines.append(("none", plain)) }
    for (index, slow) in figures.slowest.prefix(50).enumerated() {
      let name = pipeline[slow.lead]?.name ?? slow.lead.rawValue
      let stage = pipeline.stage(forKey: slow.stage)?.title ?? slow.stage
      if index == view.selected { selectedLine = lines.count }
      let selected = index == view.selected
      lines.append(
        (
          "\(selected ? "▶ " : "  ")\(name.fitted(toWidth: 24)) \(stage.fitted(toWidth: 20)) \(right(String(Int(slow.days)), 5)) day\(Int(slow.days) == 1 ? "" : "s")",
          Style(.detail, reverse: selected)
        ))
    }
    let rows = height - 2
    var first = min(view.scroll, max(0, lines.count - rows))
    if view.followSelection && !figures.slowest.isEmpty && selectedLine >= first + rows {
      first = selectedLine - rows + 1
    }
    frame.fill(x: 0, y: 1, width: width, height: rows, style: plain)
    for (offset, line) in lines.dropFirst(first).prefix(rows).enumerated() {
      if line.1.reverse { frame.fill(x: 0, y: 1 + offset, width: width, height: 1, style: line.1) }
      frame.text(line.0, x: 1, y: 1 + offset, style: line.1, limit: width - 2)
    }
  }
}
