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

  public init(key: String, title: String, criteria: [Criterion]) {
    self.key = key
    self.title = title
    self.criteria = criteria
  }

  public init(key: String, title: String, criterionTitles: [String]) {
    self.init(key: key, title: title, criteria: criterionTitles.map(Criterion.init(title:)))
  }
}

extension ChecklistTemplate {
  public static let bant = ChecklistTemplate(
    key: "bant", title: "BANT", criterionTitles: ["Budget", "Authority", "Need", "Timeline"])
  public static let champ = ChecklistTemplate(
    key: "champ", title: "CHAMP", criterionTitles: ["Challenges", "Authority", "Money", "Prioritization"])
  public static let meddic = ChecklistTemplate(
    key: "meddic", title: "MEDDIC",
    criterionTitles: [
      "Metrics", "Economic buyer", "Decision criteria", "Decision process", "Identify pain", "Champion",
    ])

  /// Frameworks that a configuration can name without defining them.
  public static let presets: [ChecklistTemplate] = [.bant, .champ, .meddic]
}
