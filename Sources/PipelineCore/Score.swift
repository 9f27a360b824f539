/// How promising a lead is: hot (A), warm (B) or cold (C).
public enum Tier: String, Hashable, Sendable, CaseIterable {
  case a = "A"
  case b = "B"
  case c = "C"
}

/// A lead's score, 0 to 100, and the parts it is made of.
public struct Score: Hashable, Sendable {
  /// Points from ticked qualification criteria (up to 60).
  public var checklist: Int
  /// Points from filled-in fields (up to 40).
  public var fields: Int
  public var tier: Tier

  public var total: Int { checklist + fields }

  /// Fields that show a lead is real and reachable, and count toward the score.
  static let scoredFieldCount = 6

  public init(lead: Lead, criteria: [Criterion], cutoffs: TierCutoffs) {
    let ticked = criteria.reduce(0) { $0 + (lead.isChecked($1.key) ? 1 : 0) }
    checklist = criteria.isEmpty ? 0 : (60 * ticked + criteria.count / 2) / criteria.count
    let filled = [
      !lead.company.isEmpty, !lead.email.isEmpty, !lead.phone.isEmpty, !lead.source.isEmpty,
      lead.value != nil, lead.expectedClose != nil,
    ].reduce(0) { $0 + ($1 ? 1 : 0) }
    let fieldCap = criteria.isEmpty ? 100 : 40
    fields = (fieldCap * filled + Self.scoredFieldCount / 2) / Self.scoredFieldCount
    let total = checklist + fields
    tier = total >= cutoffs.a ? .a : total >= cutoffs.b ? .b : .c
  }
}

extension Pipeline {
  /// The criteria every lead is qualified against (see `PipelineConfig.criteria`).
  public var criteria: [Criterion] { config.criteria }

  public func score(of lead: Lead) -> Score {
    Score(lead: lead, criteria: config.criteria, cutoffs: config.tierCutoffs)
  }
}
