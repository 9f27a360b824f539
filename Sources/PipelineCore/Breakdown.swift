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
    var rows: [BreakdownRow] = []
    var keys: [String] = []
    var cycles: [[Double]] = []
    let currency = config.defaultCurrency
    // Each distinct owner (source, stage) text to its row: owners are a few names shared by
    // many deals, so a deal costs one lookup of the text as written, and each text is folded
    // once ("Ana", "ana" and "Âna" are one row).
    var rowOfText: [String: Int] = [:]
    var rowOfKey: [String: Int] = [:]
    func row(for text: String) -> Int {
      if let known = rowOfText[text] { return known }
      let key: String
      let name: String
      switch dimension {
      case .owner, .source:
        key = text.isEmpty ? "\u{0}" : SearchKey.fold(text)
        name = text.isEmpty ? BreakdownDimension.none : text
      case .stage:
        key = text
        name = stageIndexByKey[text].map { stages[$0].title } ?? text
      }
      let index: Int
      if let existing = rowOfKey[key] {
        index = existing
      } else {
        index = rows.count
        rows.append(BreakdownRow(name: name))
        keys.append(key)
        cycles.append([])
        rowOfKey[key] = index
      }
      rowOfText[text] = index
      return index
    }
    // Every lead read in place (a copy retains a dozen strings: at 100,000 leads, most of
    // the time); only a filter is handed a copy.
    storage.withUnsafeBufferPointer { leads in
      for slot in leads.indices where withdrawn.isEmpty || !withdrawn.contains(Int32(slot)) {
        let place = leads.baseAddress! + slot
        if let including, !including(place.pointee) { continue }
        let text: String
        switch dimension {
        case .owner: text = place.pointee.owner
        case .source: text = place.pointee.source
        case .stage: text = place.pointee.stage
        }
        let index = row(for: text)
        let column = stageIndexByKey[place.pointee.stage]
        switch place.pointee.status {
        case .open:
          rows[index].open += 1
          if let value = place.pointee.value {
            if value.currency == currency {
              rows[index].pipeline += value.minorUnits
              rows[index].weighted += value.minorUnits * Int64(column.map { stages[$0].probability } ?? 0) / 100
            } else {
              rows[index].otherCurrencies += 1
            }
          }
          if let column, place.pointee.lastActivity.days(until: now) > stages[column].stallDays {
            rows[index].stalled += 1
          }
          if let followUp = place.pointee.followUp, followUp.due < today { rows[index].overdue += 1 }
        case .won:
          if let closed = place.pointee.closed, closed >= since, closed < until {
            rows[index].won += 1
            cycles[index].append(
              Double(closed.millisecondsSinceEpoch - place.pointee.created.millisecondsSinceEpoch)
                / Double(Timestamp.millisecondsPerDay))
          }
        case .lost:
          if let closed = place.pointee.closed, closed >= since, closed < until { rows[index].lost += 1 }
        }
      }
    }
    for index in rows.indices where !cycles[index].isEmpty {
      rows[index].averageCycleDays = cycles[index].reduce(0, +) / Double(cycles[index].count)
    }
    let indices = Array(rows.indices)
    switch dimension {
    case .stage:
      let order = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($1.key, $0) })
      return indices.sorted { (order[keys[$0]] ?? .max, keys[$0]) < (order[keys[$1]] ?? .max, keys[$1]) }.map {
        rows[$0]
      }
    case .owner, .source:
      return indices.sorted { a, b in
        if (keys[a] == "\u{0}") != (keys[b] == "\u{0}") { return keys[b] == "\u{0}" }
        return keys[a] < keys[b]
      }.map { rows[$0] }
    }
  }
}
