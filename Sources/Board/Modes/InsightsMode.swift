import PipelineCore
import TerminalModel
import TerminalText

/// Pipeline insights for a period: funnel, time in stage, win rate, velocity, forecast,
/// sources and the slowest deals, scrolled, with one slow deal to go to.
extension InsightsView: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("←/→ h/l", "shorter / longer period", hint: "←→ period", [.left, .right] + Key.characters("hl")),
    KeyBinding("↑/↓ k/j", "pick a slow deal", hint: "↑↓ deal", [.up, .down] + Key.characters("kj")),
    KeyBinding("Enter", "go to the picked deal", hint: "Enter go", [.enter]),
    KeyBinding("PgUp PgDn Space", "scroll", hint: "PgDn more", [.pageUp, .pageDown, .character(" ")]),
    KeyBinding("Esc q i", "close insights", hint: "Esc close", [.escape, .character("q"), .character("i")]),
  ]

  /// The figures of one of the offered periods, up to `now`.
  init(period: Int, now: Timestamp, _ pipeline: Pipeline) {
    let days = Self.periods[period]
    let since = now.adding(days: -days)
    self.init(period: period, figures: pipeline.insights(since: since, until: now))
    owners = pipeline.breakdown(by: .owner, since: since, until: now, now: now, today: now.day)
  }

  var name: String { "INSIGHTS" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var view = self
    switch key {
    case .escape, .character("i"), .character("q"):
      board.mode = .board
      return []
    case .left, .character("h"):
      view = InsightsView(period: max(0, view.period - 1), now: board.now, pipeline)
    case .right, .character("l"):
      view = InsightsView(period: min(Self.periods.count - 1, view.period + 1), now: board.now, pipeline)
    case .down, .character("j"):
      view.selected = min(max(0, view.figures.slowest.count - 1), view.selected + 1)
      view.followSelection = true
    case .up, .character("k"):
      view.selected = max(0, view.selected - 1)
      view.followSelection = true
    case .pageDown, .character(" "):
      view.scroll += max(1, board.height - 4)
    case .pageUp:
      view.scroll = max(0, view.scroll - max(1, board.height - 4))
    case .enter:
      guard view.figures.slowest.indices.contains(view.selected) else { return [] }
      board.mode = .board
      board.focus(on: view.figures.slowest[view.selected].lead, pipeline)
      return []
    default:
      return []
    }
    board.mode = .insights(view)
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    .plain("\(Self.periods[period]) days · \(Self.hints)")
  }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let view = self
    let (width, height, calendar) = (board.width, board.height, board.calendar)
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
      let reasons = stage.lostReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
        .joined(
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
    if !view.owners.isEmpty {
      // As `closer stats --by owner`: each rep's open deals and pipeline now, and how the
      // period went.
      lines.append(("", plain))
      lines.append(("By owner: open now, and won, lost, win rate and cycle in the period", heading))
      lines.append(
        (
          "\("owner".fitted(toWidth: 16)) \(right("open", 5)) \(right("pipeline", 9)) \(right("weighted", 9)) \(right("won", 4)) \(right("lost", 5)) \(right("win", 5)) \(right("cycle", 6)) \(right("stalled", 8)) \(right("overdue", 8))",
          plain
        ))
      for row in view.owners.prefix(30) {
        lines.append(
          (
            "\(row.name.fitted(toWidth: 16)) \(right(String(row.open), 5)) \(right(money(row.pipeline) + (row.otherCurrencies > 0 ? "+" : ""), 9)) \(right(money(row.weighted), 9)) \(right(String(row.won), 4)) \(right(String(row.lost), 5)) \(right(percent(row.winRate), 5)) \(right(days(row.averageCycleDays), 6)) \(right(String(row.stalled), 8)) \(right(String(row.overdue), 8))",
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
