/// Everything a team can configure about its pipeline: stages, checklists, tiers, reasons.
public struct PipelineConfig: Hashable, Sendable {
  /// The board's columns, in order. The last one is where won deals go.
  public var stages: [Stage]
  /// Checklist templates by key; stages refer to them through `Stage.checklist`.
  public var checklists: [String: ChecklistTemplate]
  /// Lowest score of tier A and of tier B; anything below is C.
  public var tierCutoffs: TierCutoffs
  /// How the score weighs checklist, fields and recent activity.
  public var scoring: ScoringWeights
  /// Reasons offered when a deal is lost.
  public var lostReasons: [String]
  /// Currency for values given without one.
  public var defaultCurrency: String
  /// The decimal mark that settles an amount like `1,234` (`decimal-mark` in the config;
  /// the locale's when not set there).
  public var decimalMark: DecimalMark?
  /// The team's own fields (`[[fields]]`), in the order forms and the pane show them.
  public var fields: [CustomField] = []
  /// What a won deal's next actions are, one after another (`[post-sale] check-ins`).
  public var checkIns: [CheckIn] = CheckIn.defaults

  /// The decimal mark amounts are read with: the configured one, else a point.
  public var amountMark: DecimalMark { decimalMark ?? .point }

  public init(
    stages: [Stage] = Stage.defaults,
    checklists: [ChecklistTemplate] = ChecklistTemplate.presets,
    tierCutoffs: TierCutoffs = TierCutoffs(),
    scoring: ScoringWeights = ScoringWeights(),
    lostReasons: [String] = PipelineConfig.defaultLostReasons,
    defaultCurrency: String = "USD",
    decimalMark: DecimalMark? = nil
  ) {
    self.stages = stages
    self.checklists = Dictionary(checklists.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
    self.tierCutoffs = tierCutoffs
    self.scoring = scoring
    self.lostReasons = lostReasons
    self.defaultCurrency = defaultCurrency
    self.decimalMark = decimalMark
  }

  public static let standard = PipelineConfig()

  public static let defaultLostReasons = ["Budget", "Timing", "Chose competitor", "No decision", "Bad fit"]

  /// The criteria a lead is qualified against: those of every stage's checklist, in stage
  /// order, each once. Keys 1-9 on the board toggle them in this order.
  public var criteria: [Criterion] {
    var seen = Set<String>()
    var result: [Criterion] = []
    for stage in stages {
      guard let key = stage.checklist, let template = checklists[key] else { continue }
      for criterion in template.criteria where seen.insert(criterion.key).inserted {
        result.append(criterion)
      }
    }
    return result
  }

  public func stage(forKey key: String) -> Stage? { stages.first { $0.key == key } }

  public func field(forKey key: String) -> CustomField? { fields.first { $0.key == key } }

  /// The questions that settle a criterion, from the first checklist (in stage order) that
  /// has the criterion.
  public func questions(for criterion: String) -> [String] {
    for stage in stages {
      guard let key = stage.checklist, let template = checklists[key],
        template.criteria.contains(where: { $0.key == criterion })
      else { continue }
      return template.questions[criterion] ?? []
    }
    return []
  }
}

/// Score thresholds for the hot/warm/cold tiers.
public struct TierCutoffs: Hashable, Sendable {
  public var a: Int
  public var b: Int

  public init(a: Int = 70, b: Int = 40) {
    self.a = a
    self.b = b
  }
}
