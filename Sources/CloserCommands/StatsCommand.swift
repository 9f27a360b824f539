import ArgumentParser
import Foundation
import PipelineCore
import TerminalText

/// `closer stats`: funnel, win rate, drop-off, time in stage, velocity, forecast, sources.
struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats", abstract: "Pipeline insights for a period: funnel, conversion, time in stage, velocity.",
    discussion: "Definitions: docs/insights.md.")

  @OptionGroup var options: JournalOptions
  @Option(
    help: "A period ending now: 30d, 90d, 12w, quarter (this calendar quarter), ytd.",
    completion: .list(["30d", "90d", "12w", "quarter", "ytd"]))
  var period: String = "90d"
  @Option(help: "Start date, YYYY-MM-DD, from its local midnight (instead of --period).") var since: String?
  @Option(
    help: "End date, YYYY-MM-DD, exclusive: up to its local midnight (default: now; a later date counts up to now).")
  var until: String?
  @Flag(help: "Print JSON.") var json = false
  @Option(
    name: .customLong("where"),
    help: "Only the deals the filter selects (docs/filters.md), e.g. \"owner:ben source:referral\".")
  var filter: String?
  @Option(
    help:
      "One row per owner, source or stage: open deals, pipeline, weighted, won, lost, win rate, cycle, stalled, overdue.",
    completion: .list(["owner", "source", "stage"]))
  var by: String?

  func run() throws {
    let dimension = try by.map { name in
      guard let found = BreakdownDimension(rawValue: name.lowercased()) else {
        throw CommandError("--by takes owner, source or stage; got '\(printable(name))'")
      }
      return found
    }
    let now = Environment.now()
    let calendar = Environment.calendar
    // A period that ends in the future counts up to now: nothing has happened after it.
    let asked = try until.map { calendar.start(of: try isoDay($0)) } ?? now
    let start =
      try since.map { calendar.start(of: try isoDay($0)) } ?? Self.start(of: period, before: asked, calendar)
    guard start < asked else {
      throw CommandError(
        since != nil
          ? "the period is empty: --since must be before --until" : "the period is empty: it ends where it starts")
    }
    let end = min(asked, now)
    guard start < end else { throw CommandError("the period starts after now; there is nothing to count yet") }
    let pipeline = try options.readPipeline()
    let selected = try ListCommand.readFilter(filter, pipeline: pipeline, environment: options.environment)
    let today = Environment.today()
    if let dimension {
      let rows = pipeline.breakdown(
        by: dimension, since: start, until: end, now: now, today: today,
        including: selected.map { filter in { filter.matches($0, in: pipeline, now: now, today: today) } })
      if json {
        try printJSON(BreakdownJSON(by: dimension, since: start, until: end, rows: rows))
      } else {
        let period = "\(calendar.day(of: start)) to \(calendar.day(of: end))"
        try Console.print(
          BreakdownReport.text(rows, by: dimension, period: period, currency: pipeline.config.defaultCurrency))
      }
      return
    }
    let insights = pipeline.insights(
      since: start, until: end,
      including: selected.map { filter in { filter.matches($0, in: pipeline, now: now, today: today) } })
    if json {
      try printJSON(StatsJSON(insights, pipeline))
    } else {
      try Console.print(StatsReport.text(insights, pipeline, calendar: calendar))
    }
  }

  /// The start of a named period ending at `end`; a year or a quarter starts at local
  /// midnight.
  static func start(of period: String, before end: Timestamp, _ calendar: LocalCalendar) throws -> Timestamp {
    let text = period.lowercased()
    // The quarter or year the period's last moment falls in (the end is exclusive).
    let (year, month, _) = calendar.day(of: Timestamp(millisecondsSinceEpoch: end.millisecondsSinceEpoch - 1)).civil
    switch text {
    case "ytd":
      return calendar.start(of: CalendarDay(year: Int(year), month: 1, day: 1)!)
    case "quarter":
      return calendar.start(of: CalendarDay(year: Int(year), month: Int((month - 1) / 3 * 3 + 1), day: 1)!)
    default:
      guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0, amount <= 3650 else {
        throw CommandError("'\(printable(period))' is not a period; use 30d, 12w, quarter or ytd, or --since")
      }
      switch unit {
      case "d": return end.adding(days: -amount)
      case "w": return end.adding(days: -7 * amount)
      default: throw CommandError("'\(printable(period))' is not a period; use 30d, 12w, quarter or ytd, or --since")
      }
    }
  }
}

/// The report as text.
enum StatsReport {
  static func text(_ insights: Insights, _ pipeline: Pipeline, calendar: LocalCalendar) -> String {
    let currency = pipeline.config.defaultCurrency
    func percent(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded()))%" } ?? "-" }
    func days(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
    func money(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).description }
    let (since, until) = (calendar.day(of: insights.since), calendar.day(of: insights.until))
    var lines = ["Closer insights, \(since) to \(until) (exclusive)", ""]
    let widest = max(1, insights.stages.map(\.entered).max() ?? 1)
    var rows = [["STAGE", "ENTERED", "", "ON", "LOST", "MEDIAN D", "P90 D"]]
    for figures in insights.stages {
      let title = pipeline.stage(forKey: figures.stage)?.title ?? figures.stage
      let bar = String(repeating: "█", count: figures.entered * 20 / widest)
      rows.append([
        title, String(figures.entered), bar, percent(figures.conversion), String(figures.lost),
        days(figures.medianDays),
        days(figures.p90Days),
      ])
    }
    lines.append(table(rows, maxWidths: [24, 7, 20, 4, 4, 8, 8]))
    lines.append("")
    lines.append("Win rate: \(percent(insights.winRate)) (\(insights.won) won, \(insights.lost) lost)")
    var reasonTotals: [String: Int] = [:]
    for figures in insights.stages {
      for (reason, count) in figures.lostReasons { reasonTotals[reason, default: 0] += count }
    }
    if !reasonTotals.isEmpty {
      let sorted = reasonTotals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
      lines.append("Lost because: " + sorted.map { "\(printable($0.key)) \($0.value)" }.joined(separator: ", "))
    }
    if let v = insights.velocity {
      lines.append(
        "Velocity: \(money(v.perDay)) a day = \(v.openDeals) open deals x \(money(v.averageWonValue)) average won x "
          + "\(percent(v.winRate)) win rate / \(days(v.averageCycleDays)) days average cycle")
    } else {
      lines.append("Velocity: - (no deal was won in the period)")
    }
    if !insights.forecast.isEmpty {
      lines.append(
        "Forecast (weighted, open deals by expected close): "
          + insights.forecast.map { "\($0.month) \(money($0.weighted))" }.joined(separator: ", "))
    }
    if !insights.sources.isEmpty {
      lines.append("")
      var sourceRows = [["SOURCE", "LEADS", "WON", "LOST", "WIN RATE", "WON VALUE"]]
      for s in insights.sources {
        sourceRows.append([
          printable(s.source), String(s.leads), String(s.won), String(s.lost), percent(s.winRate), money(s.wonValue),
        ])
      }
      lines.append(table(sourceRows, maxWidths: [24, 6, 5, 5, 8, 20]))
    }
    if !insights.slowest.isEmpty {
      lines.append("")
      lines.append("Slowest open deals (longer in their stage than its 90th percentile):")
      for item in insights.slowest.prefix(10) {
        let name = pipeline[item.lead].map { printable($0.name) } ?? item.lead.rawValue
        let stage = pipeline.stage(forKey: item.stage)?.title ?? item.stage
        // Whole days counted as `show` and the board count them.
        let days = pipeline[item.lead]?.daysInStage(now: insights.until) ?? Int(item.days)
        lines.append("  \(name)  \(printable(stage))  \(days) days")
      }
    }
    return lines.joined(separator: "\n")
  }
}

/// The figures as JSON. Money is in major units of the default currency. Every key is
/// always there, with null where there is nothing to say (docs/insights.md).
struct StatsJSON: Encodable {
  struct Stage: Encodable {
    var stage: String
    var entered: Int
    var conversion: Double?
    var lost: Int
    var lostReasons: [String: Int]
    var medianDays: Double?
    var p90Days: Double?

    enum CodingKeys: String, CodingKey { case stage, entered, conversion, lost, lostReasons, medianDays, p90Days }

    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(stage, forKey: .stage)
      try c.encode(entered, forKey: .entered)
      try c.encode(conversion, forKey: .conversion)
      try c.encode(lost, forKey: .lost)
      try c.encode(lostReasons, forKey: .lostReasons)
      try c.encode(medianDays, forKey: .medianDays)
      try c.encode(p90Days, forKey: .p90Days)
    }
  }
  struct Velocity: Encodable {
    var openDeals: Int
    var averageWonValue: Double
    var winRate: Double
    var averageCycleDays: Double
    var valuePerDay: Double
  }
  struct Month: Encodable {
    var month: String
    var weightedValue: Double
  }
  struct Source: Encodable {
    var source: String
    var leads: Int
    var won: Int
    var lost: Int
    var winRate: Double?
    var wonValue: Double

    enum CodingKeys: String, CodingKey { case source, leads, won, lost, winRate, wonValue }

    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(source, forKey: .source)
      try c.encode(leads, forKey: .leads)
      try c.encode(won, forKey: .won)
      try c.encode(lost, forKey: .lost)
      try c.encode(winRate, forKey: .winRate)
      try c.encode(wonValue, forKey: .wonValue)
    }
  }
  struct Slow: Encodable {
    var id: String
    var stage: String
    /// Whole days, as `show --json` counts them.
    var daysInStage: Int
  }

  var since: String
  var until: String
  var currency: String
  var stages: [Stage]
  var won: Int
  var lost: Int
  var winRate: Double?
  var velocity: Velocity?
  var forecast: [Month]
  var sources: [Source]
  var slowest: [Slow]

  enum CodingKeys: String, CodingKey {
    case since, until, currency, stages, won, lost, winRate, velocity, forecast, sources, slowest
  }

  func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(since, forKey: .since)
    try c.encode(until, forKey: .until)
    try c.encode(currency, forKey: .currency)
    try c.encode(stages, forKey: .stages)
    try c.encode(won, forKey: .won)
    try c.encode(lost, forKey: .lost)
    try c.encode(winRate, forKey: .winRate)
    try c.encode(velocity, forKey: .velocity)
    try c.encode(forecast, forKey: .forecast)
    try c.encode(sources, forKey: .sources)
    try c.encode(slowest, forKey: .slowest)
  }

  init(_ i: Insights, _ pipeline: Pipeline) {
    func major(_ minor: Int64) -> Double { Double(minor) / 100 }
    since = i.since.iso8601
    until = i.until.iso8601
    currency = pipeline.config.defaultCurrency
    stages = i.stages.map {
      Stage(
        stage: $0.stage, entered: $0.entered, conversion: $0.conversion, lost: $0.lost, lostReasons: $0.lostReasons,
        medianDays: $0.medianDays, p90Days: $0.p90Days)
    }
    won = i.won
    lost = i.lost
    winRate = i.winRate
    velocity = i.velocity.map {
      Velocity(
        openDeals: $0.openDeals, averageWonValue: major($0.averageWonValue), winRate: $0.winRate,
        averageCycleDays: $0.averageCycleDays, valuePerDay: major($0.perDay))
    }
    forecast = i.forecast.map { Month(month: $0.month, weightedValue: major($0.weighted)) }
    sources = i.sources.map {
      Source(
        source: $0.source, leads: $0.leads, won: $0.won, lost: $0.lost, winRate: $0.winRate,
        wonValue: major($0.wonValue))
    }
    slowest = i.slowest.map {
      Slow(
        id: $0.lead.rawValue, stage: $0.stage, daysInStage: pipeline[$0.lead]?.daysInStage(now: i.until) ?? Int($0.days)
      )
    }
  }
}

/// `stats --by`: one row per owner, source or stage, as a table.
enum BreakdownReport {
  static func text(_ rows: [BreakdownRow], by dimension: BreakdownDimension, period: String, currency: String)
    -> String
  {
    let title = dimension.rawValue.prefix(1).uppercased() + dimension.rawValue.dropFirst()
    let header = [title, "Open", "Pipeline", "Weighted", "Won", "Lost", "Win rate", "Avg cycle", "Stalled", "Overdue"]
    func money(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).formattedAmount }
    let body = rows.map { row -> [String] in
      [
        printable(row.name), "\(row.open)", money(row.pipeline) + (row.otherCurrencies > 0 ? "+" : ""),
        money(row.weighted), "\(row.won)", "\(row.lost)",
        row.winRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "-",
        row.averageCycleDays.map { "\(Int($0.rounded()))d" } ?? "-", "\(row.stalled)", "\(row.overdue)",
      ]
    }
    var lines = [
      "By \(dimension.rawValue), \(period) (won, lost, win rate and cycle in the period; the rest now; \(currency))"
    ]
    guard !rows.isEmpty else { return (lines + ["No deals."]).joined(separator: "\n") }
    let widths = header.indices.map { column in
      ([header] + body).map { $0[column].displayWidth }.max() ?? 0
    }
    for line in [header] + body {
      let cells = line.enumerated().map { column, text in
        column == 0
          ? text.fitted(toWidth: widths[0])
          : String(repeating: " ", count: widths[column] - text.displayWidth) + text
      }
      lines.append(cells.joined(separator: "  "))
    }
    if rows.contains(where: { $0.otherCurrencies > 0 }) {
      lines.append("+ open deals in other currencies are not in the sums")
    }
    return lines.joined(separator: "\n")
  }
}

/// `stats --by --json`.
struct BreakdownJSON: Encodable {
  struct Row: Encodable {
    var name: String
    var open: Int
    var pipeline: Double
    var weighted: Double
    var otherCurrencies: Int
    var won: Int
    var lost: Int
    var winRate: Double?
    var averageCycleDays: Double?
    var stalled: Int
    var overdue: Int

    enum CodingKeys: String, CodingKey {
      case name, open, pipeline, weighted, otherCurrencies, won, lost, winRate, averageCycleDays, stalled, overdue
    }

    /// Every key, null where there is no figure.
    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(name, forKey: .name)
      try c.encode(open, forKey: .open)
      try c.encode(pipeline, forKey: .pipeline)
      try c.encode(weighted, forKey: .weighted)
      try c.encode(otherCurrencies, forKey: .otherCurrencies)
      try c.encode(won, forKey: .won)
      try c.encode(lost, forKey: .lost)
      try c.encode(winRate, forKey: .winRate)
      try c.encode(averageCycleDays, forKey: .averageCycleDays)
      try c.encode(stalled, forKey: .stalled)
      try c.encode(overdue, forKey: .overdue)
    }
  }

  var by: String
  var since: String
  var until: String
  var rows: [Row]

  init(by dimension: BreakdownDimension, since: Timestamp, until: Timestamp, rows: [BreakdownRow]) {
    by = dimension.rawValue
    self.since = since.iso8601
    self.until = until.iso8601
    self.rows = rows.map {
      Row(
        name: $0.name, open: $0.open, pipeline: Double($0.pipeline) / 100, weighted: Double($0.weighted) / 100,
        otherCurrencies: $0.otherCurrencies, won: $0.won, lost: $0.lost,
        winRate: $0.winRate.map { ($0 * 1000).rounded() / 1000 },
        averageCycleDays: $0.averageCycleDays.map { ($0 * 10).rounded() / 10 }, stalled: $0.stalled,
        overdue: $0.overdue)
    }
  }
}
