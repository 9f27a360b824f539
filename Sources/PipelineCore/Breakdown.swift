/// Who or what a breakdown groups deals by: their owner, their source, or their stage.
public enum BreakdownDimension: String, Sendable, CaseIterable {
  case owner, source, stage

  /// The group of deals with no owner (or no source).
  public static let none = "(none)"
}

/// One row of a breakdown: the deals of one owner (source, stage) and how they are doing —
/// what makes each rep accountable.
public struct BreakdownRow: Sendable, Equatable {
  /// The owner's name as first written (case and accents aside, one owner), the source, or
  /// the stage's title; `(none)` for deals without one.
  public var name: String
  /// Open deals now, their value in the pipeline's currency (minor units), and that value
  /// weighted by each deal's stage probability.
  public var open = 0
  public var pipeline: Int64 = 0
  public var weighted: Int64 = 0
  /// Open deals with a value in another currency (not in the sums).
  public var otherCurrencies = 0
  /// Deals won and lost in the period.
  public var won = 0
  public var lost = 0
  /// Average days from created to won, over the deals won in the period.
  public var averageCycleDays: Double?
  /// Open deals with no activity for longer than their stage allows, and with a follow-up
  /// due before today.
  public var stalled = 0
  public var overdue = 0

  /// Won out of won and lost in the period; nil when neither happened.
  public var winRate: Double? { won + lost == 0 ? nil : Double(won) / Double(won + lost) }

  public init(name: String) { self.name = name }
}

extension Pipeline {
  /// The deals grouped by `dimension`: one row per owner (source, stage), `(none)` for
  /// deals without, with open deals and pipeline as of now and wins, losses, win rate and
  /// cycle over `since..<until`. Owners and sources are sorted by name with `(none)` last;
  /// stages in board order. Withdrawn leads (an add undone) are not counted.
  public func breakdown(
    by dimension: BreakdownDimension, since: Timestamp, until: Timestamp, now: Timestamp, today: CalendarDay,
    including: ((Lead) -> Bool)? = nil
  ) -> [BreakdownRow] {
    var rows: [String: BreakdownRow] = [:]
    var cycles: [String: [Double]] = [:]
    let currency = config.defaultCurrency
    for lead in leads where including?(lead) ?? true {
      let (key, name): (String, String)
      switch dimension {
      case .owner, .source:
        let text = dimension == .owner ? lead.owner : lead.source
        key = text.isEmpty ? "\u{0}" : SearchKey.fold(text)
        name = text.isEmpty ? BreakdownDimension.none : text
      case .stage:
        key = lead.stage
        name = stage(forKey: lead.stage)?.title ?? lead.stage
      }
      var row = rows[key] ?? BreakdownRow(name: name)
      switch lead.status {
      case .open:
        row.open += 1
        if let value = lead.value {
          if value.currency == currency {
            row.pipeline += value.minorUnits
            row.weighted += value.minorUnits * Int64(stage(forKey: lead.stage)?.probability ?? 0) / 100
          } else {
            row.otherCurrencies += 1
          }
        }
        if isStalled(lead, now: now) { row.stalled += 1 }
        if let followUp = lead.followUp, followUp.due < today { row.overdue += 1 }
      case .won:
        if let closed = lead.closed, closed >= since, closed < until {
          row.won += 1
          cycles[key, default: []].append(
            Double(closed.millisecondsSinceEpoch - lead.created.millisecondsSinceEpoch)
              / Double(Timestamp.millisecondsPerDay))
        }
      case .lost:
        if let closed = lead.closed, closed >= since, closed < until { row.lost += 1 }
      }
      rows[key] = row
    }
    for (key, days) in cycles where !days.isEmpty {
      rows[key]?.averageCycleDays = days.reduce(0, +) / Double(days.count)
    }
    switch dimension {
    case .stage:
      let order = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($1.key, $0) })
      return rows.sorted { (order[$0.key] ?? .max, $0.key) < (order[$1.key] ?? .max, $1.key) }.map(\.value)
    case .owner, .source:
      return rows.sorted { a, b in
        if (a.key == "\u{0}") != (b.key == "\u{0}") { return b.key == "\u{0}" }
        return a.key < b.key
      }.map(\.value)
    }
  }
}
