/// Figures about how the pipeline performed over a period, computed from the deals'
/// history (every stage visit, win and loss with its time). The definitions are in
/// docs/insights.md.
public struct Insights: Sendable, Equatable {
  public struct StageFigures: Sendable, Equatable {
    public var stage: String
    /// Distinct deals that entered the stage during the period.
    public var entered: Int
    /// Of those, the share that later reached any later stage (or were won); nil when none entered.
    public var conversion: Double?
    /// Deals lost from this stage during the period, and why.
    public var lost: Int
    public var lostReasons: [String: Int]
    /// Days spent in the stage by visits that ended during the period.
    public var medianDays: Double?
    public var p90Days: Double?
  }

  public struct Velocity: Sendable, Equatable {
    public var openDeals: Int
    /// In minor units of the default currency.
    public var averageWonValue: Int64
    public var winRate: Double
    public var averageCycleDays: Double
    /// Value per day, in minor units: open x value x rate / cycle.
    public var perDay: Int64
  }

  public struct SourceFigures: Sendable, Equatable {
    public var source: String
    public var leads: Int
    public var won: Int
    public var lost: Int
    public var winRate: Double?
    public var wonValue: Int64

    init(source: String, leads: Int, won: Int, lost: Int, wonValue: Int64) {
      self.source = source
      self.leads = leads
      self.won = won
      self.lost = lost
      self.wonValue = wonValue
    }
  }

  public var since: Timestamp
  public var until: Timestamp
  public var stages: [StageFigures]
  public var won: Int
  public var lost: Int
  /// won / (won + lost) in the period; nil when neither happened.
  public var winRate: Double?
  public var velocity: Velocity?
  /// Month ("2026-12") to weighted value in minor units; "unscheduled" for open deals
  /// without an expected close date.
  public var forecast: [(month: String, weighted: Int64)]
  public var sources: [SourceFigures]
  /// Open deals already in their stage longer than that stage's 90th percentile.
  public var slowest: [(lead: LeadID, stage: String, days: Double)]

  public static func == (lhs: Insights, rhs: Insights) -> Bool {
    lhs.since == rhs.since && lhs.until == rhs.until && lhs.stages == rhs.stages && lhs.won == rhs.won
      && lhs.lost == rhs.lost && lhs.winRate == rhs.winRate && lhs.velocity == rhs.velocity
      && lhs.forecast.elementsEqual(rhs.forecast) { $0 == $1 } && lhs.sources == rhs.sources
      && lhs.slowest.elementsEqual(rhs.slowest) { $0 == $1 }
  }
}

extension Pipeline {
  /// The insights for `since ..< until`, with open deals and "now" taken at `until`; with
  /// `including`, over the deals it selects only (a filter).
  public func insights(since: Timestamp, until: Timestamp, including: ((Lead) -> Bool)? = nil) -> Insights {
    let leads = including.map { self.leads.filter($0) } ?? self.leads
    let currency = config.defaultCurrency
    func inPeriod(_ time: Timestamp) -> Bool { time >= since && time < until }
    func days(_ from: Timestamp, _ to: Timestamp) -> Double {
      Double(to.millisecondsSinceEpoch - from.millisecondsSinceEpoch) / Double(Timestamp.millisecondsPerDay)
    }
    let order = Dictionary(uniqueKeysWithValues: stages.enumerated().map { ($1.key, $0) })
    var entered = [Int](repeating: 0, count: stages.count)
    var converted = [Int](repeating: 0, count: stages.count)
    var durations = [[Double]](repeating: [], count: stages.count)
    var lostBy = [Int](repeating: 0, count: stages.count)
    var reasonsBy = [[String: Int]](repeating: [:], count: stages.count)
    var won = 0
    var lost = 0
    var wonValues: [Int64] = []
    var cycles: [Double] = []
    var sources: [String: Insights.SourceFigures] = [:]
    func count(_ source: String, _ change: (inout Insights.SourceFigures) -> Void) {
      change(&sources[source, default: Insights.SourceFigures(source: source, leads: 0, won: 0, lost: 0, wonValue: 0)])
    }

    for lead in leads {
      // Each deal counts once per stage, however often it entered it.
      var enteredHere = Set<Int>()
      var convertedHere = Set<Int>()
      let visits = lead.stageHistory
      var furthestAfter = Array(repeating: -1, count: visits.count)
      var furthest = -1
      for i in visits.indices.reversed() {
        furthestAfter[i] = furthest
        furthest = max(furthest, order[visits[i].stage] ?? -1)
      }
      for (i, visit) in visits.enumerated() {
        guard let s = order[visit.stage] else { continue }
        if inPeriod(visit.entered) {
          enteredHere.insert(s)
          // Converted: reached a later stage afterwards (a win reaches the last stage).
          if furthestAfter[i] > s { convertedHere.insert(s) }
        }
        if let left = visit.left, inPeriod(left) { durations[s].append(days(visit.entered, left)) }
      }
      for s in enteredHere { entered[s] += 1 }
      for s in convertedHere { converted[s] += 1 }
      let source = lead.source.isEmpty ? "(none)" : lead.source
      if inPeriod(lead.created) { count(source) { $0.leads += 1 } }
      if let closed = lead.closed, inPeriod(closed) {
        if lead.status == .won {
          won += 1
          count(source) { $0.won += 1 }
          if let value = lead.value, value.currency == currency {
            wonValues.append(value.minorUnits)
            count(source) { $0.wonValue += value.minorUnits }
          }
          cycles.append(days(lead.created, closed))
        } else if lead.status == .lost, let s = order[lead.stage] {
          lost += 1
          lostBy[s] += 1
          reasonsBy[s][lead.lostReason ?? "", default: 0] += 1
          count(source) { $0.lost += 1 }
        }
      }
    }

    let winRate = won + lost > 0 ? Double(won) / Double(won + lost) : nil
    var stageFigures: [Insights.StageFigures] = []
    for (s, stage) in stages.enumerated() {
      let sorted = durations[s].sorted()
      stageFigures.append(
        Insights.StageFigures(
          stage: stage.key, entered: entered[s],
          conversion: s == stages.count - 1 || entered[s] == 0 ? nil : Double(converted[s]) / Double(entered[s]),
          lost: lostBy[s], lostReasons: reasonsBy[s], medianDays: percentile(sorted, 0.5),
          p90Days: percentile(sorted, 0.9)))
    }

    var velocity: Insights.Velocity?
    let open = leads.filter { $0.status == .open }
    if let winRate, !wonValues.isEmpty, !cycles.isEmpty {
      let average = wonValues.reduce(0, +) / Int64(wonValues.count)
      let cycle = max(1, cycles.reduce(0, +) / Double(cycles.count))
      velocity = Insights.Velocity(
        openDeals: open.count, averageWonValue: average, winRate: winRate, averageCycleDays: cycle,
        perDay: Int64((Double(open.count) * Double(average) * winRate / cycle).rounded()))
    }

    var months: [String: Int64] = [:]
    // An expected close in a month before the period's end is not a future month: overdue.
    let thisMonth = String(until.day.description.prefix(7))
    for lead in open {
      guard let value = lead.value, value.currency == currency, let stage = stage(forKey: lead.stage) else { continue }
      var month = lead.expectedClose.map { String($0.description.prefix(7)) } ?? "unscheduled"
      if month != "unscheduled" && month < thisMonth { month = "overdue" }
      months[month, default: 0] += value.minorUnits * Int64(stage.probability) / 100
    }

    var slowest: [(LeadID, String, Double)] = []
    for lead in open {
      guard let s = order[lead.stage], let p90 = stageFigures[s].p90Days else { continue }
      let inStage = days(lead.stageEntered, until)
      if inStage > p90 { slowest.append((lead.id, lead.stage, inStage)) }
    }
    slowest.sort { $0.2 > $1.2 }

    let sourceList = sources.values.map { figures -> Insights.SourceFigures in
      var figures = figures
      figures.winRate = figures.won + figures.lost > 0 ? Double(figures.won) / Double(figures.won + figures.lost) : nil
      return figures
    }.sorted { ($0.wonValue, $0.leads, $1.source) > ($1.wonValue, $1.leads, $0.source) }

    return Insights(
      since: since, until: until, stages: stageFigures, won: won, lost: lost, winRate: winRate, velocity: velocity,
      forecast: months.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, sources: sourceList,
      slowest: slowest.map { ($0.0, $0.1, $0.2) })
  }
}

/// Nearest-rank percentile of sorted values; nil when there are none.
func percentile(_ sorted: [Double], _ p: Double) -> Double? {
  guard !sorted.isEmpty else { return nil }
  let rank = Int((p * Double(sorted.count)).rounded(.up))
  return sorted[min(sorted.count, max(1, rank)) - 1]
}
