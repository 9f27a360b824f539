/// One item of a qualification checklist ("Budget").
public struct Criterion: Hashable, Sendable {
  /// Stable identifier used in the journal (`budget`).
  public var key: String
  public var title: String

  public init(key: String, title: String) {
    self.key = key
    self.title = title
  }

  /// Derives a key from a title: "Economic buyer" becomes `economic-buyer`.
  public init(title: String) {
    self.init(key: Criterion.key(forTitle: title), title: title)
  }

  static func key(forTitle title: String) -> String {
    var key = ""
    var pendingDash = false
    for scalar in SearchKey.fold(title).unicodeScalars {
      if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
        if pendingDash && !key.isEmpty { key.append("-") }
        key.unicodeScalars.append(scalar)
        pendingDash = false
      } else {
        pendingDash = true
      }
    }
    return key
  }
}

/// A named qualification framework: BANT, CHAMP, MEDDIC or a team's own.
public struct ChecklistTemplate: Hashable, Sendable {
  public var key: String
  public var title: String
  public var criteria: [Criterion]
  /// Criterion key -> the questions that settle it, for the rep asking them.
  public var questions: [String: [String]]

  public init(key: String, title: String, criteria: [Criterion], questions: [String: [String]] = [:]) {
    self.key = key
    self.title = title
    self.criteria = criteria
    self.questions = questions
  }

  public init(key: String, title: String, criterionTitles: [String], questions: [String: [String]] = [:]) {
    self.init(key: key, title: title, criteria: criterionTitles.map(Criterion.init(title:)), questions: questions)
  }
}

extension ChecklistTemplate {
  public static let bant = ChecklistTemplate(
    key: "bant", title: "BANT", criterionTitles: ["Budget", "Authority", "Need", "Timeline"],
    questions: [
      "budget": ["Is there money set aside for this, and how much?", "Who approves spending it, and when?"],
      "authority": ["Who decides, and who else has a say?", "Have we spoken with the person who signs?"],
      "need": ["What problem are they solving, and what does it cost them today?", "What happens if they do nothing?"],
      "timeline": ["When do they need it working?", "What event or date drives that?"],
    ])
  public static let champ = ChecklistTemplate(
    key: "champ", title: "CHAMP", criterionTitles: ["Challenges", "Authority", "Money", "Prioritization"],
    questions: [
      "challenges": ["What is hardest for them right now?", "What have they tried, and why did it fall short?"],
      "authority": ["Who makes the final call?", "Whose support do we need to get there?"],
      "money": ["Is there a budget, or could one be found for the right outcome?", "What range are they thinking of?"],
      "prioritization": ["Where does this rank against their other projects?", "Why now rather than next year?"],
    ])
  public static let meddic = ChecklistTemplate(
    key: "meddic", title: "MEDDIC",
    criterionTitles: [
      "Metrics", "Economic buyer", "Decision criteria", "Decision process", "Identify pain", "Champion",
    ],
    questions: [
      "metrics": ["What measurable result do they expect (time, money, risk)?", "How do they measure it today?"],
      "economic-buyer": ["Who owns the budget this comes from?", "Have we met them, and what do they care about?"],
      "decision-criteria": ["What will they compare options on?", "What must a solution do to be chosen?"],
      "decision-process": ["What are the steps to a signature, and who is in each?", "Legal, security, procurement?"],
      "identify-pain": ["What pain drives this, and who feels it most?", "What does it cost them each month?"],
      "champion": ["Who inside wants this to happen and will sell it for us?", "What do they gain if it does?"],
    ])

  /// Frameworks that a configuration can name without defining them.
  public static let presets: [ChecklistTemplate] = [.bant, .champ, .meddic]
}
