/// How promising a lead is: hot (A), warm (B) or cold (C).
public enum Tier: String, Hashable, Sendable, CaseIterable {
  case a = "A"
  case b = "B"
  case c = "C"
}

/// How a score is weighed: points for the checklist, for filled-in fields and for recent
/// activity, adding up to 100, and how fast activity's points fade.
public struct ScoringWeights: Hashable, Sendable {
  public var checklist: Int
  public var fields: Int
  public var engagement: Int
  /// Days after which the engagement points of the latest activity have halved.
  public var halfLifeDays: Int

  public init(checklist: Int = 50, fields: Int = 25, engagement: Int = 25, halfLifeDays: Int = 14) {
    self.checklist = checklist
    self.fields = fields
    self.engagement = engagement
    self.halfLifeDays = halfLifeDays
  }
}

/// A lead's score, 0 to 100, and the parts it is made of.
public struct Score: Hashable, Sendable {
  /// Points from ticked qualification criteria.
  public var checklist: Int
  /// Points from filled-in fields.
  public var fields: Int
  /// Points from recent activity, fading with time.
  public var engagement: Int
  public var tier: Tier

  public var total: Int { checklist + fields + engagement }

  /// Fields that show a lead is real and reachable, and count toward the score.
  static let scoredFieldCount = 6

  public init(
    lead: borrowing Lead, criteria: [Criterion], weights: ScoringWeights, cutoffs: TierCutoffs, now: Timestamp
  ) {
    let ticked = lead.checklist.tickedCount(of: criteria)
    // Without criteria, their points go to the fields.
    let checklistWeight = criteria.isEmpty ? 0 : weights.checklist
    let fieldWeight = criteria.isEmpty ? weights.fields + weights.checklist : weights.fields
    checklist = criteria.isEmpty ? 0 : (checklistWeight * ticked + criteria.count / 2) / criteria.count
    let filled = [
      !lead.company.isEmpty, !lead.email.isEmpty, !lead.phone.isEmpty, !lead.source.isEmpty,
      lead.value != nil, lead.expectedClose != nil,
    ].reduce(0) { $0 + ($1 ? 1 : 0) }
    fields = (fieldWeight * filled + Self.scoredFieldCount / 2) / Self.scoredFieldCount
    let idleDays =
      Double(max(0, now.millisecondsSinceEpoch - lead.lastActivity.millisecondsSinceEpoch))
      / Double(Timestamp.millisecondsPerDay)
    let halfLife = Double(max(1, weights.halfLifeDays))
    engagement = Int((Double(weights.engagement) * pow2(-idleDays / halfLife)).rounded())
    let total = checklist + fields + engagement
    tier = total >= cutoffs.a ? .a : total >= cutoffs.b ? .b : .c
  }
}

/// 2^x for the decay, without Foundation: exp2 by splitting the exponent.
func pow2(_ x: Double) -> Double {
  guard x > -1000 else { return 0 }
  var result = 1.0
  var whole = x.rounded(.down)
  let fraction = x - whole
  while whole < 0 {
    result /= 2
    whole += 1
  }
  while whole > 0 {
    result *= 2
    whole -= 1
  }
  // 2^f = e^(f ln 2), by its series; f is in [0, 1).
  let y = fraction * 0.693_147_180_559_945_3
  var term = 1.0
  var sum = 1.0
  for n in 1..<20 {
    term *= y / Double(n)
    sum += term
  }
  return result * sum
}

extension Pipeline {
  /// The lead's score as of `now`: fit (checklist and fields) plus fading engagement.
  public func score(of lead: borrowing Lead, now: Timestamp) -> Score {
    Score(lead: lead, criteria: criteria, weights: config.scoring, cutoffs: config.tierCutoffs, now: now)
  }
}
