/// One column of the board: a step of the sales process.
public struct Stage: Hashable, Sendable {
  /// Stable identifier used in the journal and on the command line (`proposal`).
  public var key: String
  /// What the board shows (`Proposal`).
  public var title: String
  /// Chance, in percent, that a deal in this stage is won; weights the column's value.
  public var probability: Int
  /// Key of the checklist a deal should complete before it moves past this stage.
  public var checklist: String?
  /// Days without activity after which a deal in this stage counts as stalled.
  public var stallDays: Int
  /// What to achieve in the stage and how to leave it, for the rep working a deal in it
  /// (empty: none).
  public var guidance: String

  public init(
    key: String, title: String, probability: Int, checklist: String? = nil, stallDays: Int = 14, guidance: String = ""
  ) {
    self.key = key
    self.title = title
    self.probability = probability
    self.checklist = checklist
    self.stallDays = stallDays
    self.guidance = guidance
  }

  /// Whether `key` can name a stage: lowercase ASCII letters, digits and dashes.
  public static func isValidKey(_ key: String) -> Bool {
    !key.isEmpty && key.utf8.count <= 40
      && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
  }
}

extension Stage {
  /// The stages a new pipeline starts with (see the product brief).
  public static let defaults: [Stage] = [
    Stage(
      key: "lead-generation", title: "Lead Generation", probability: 5,
      guidance: defaultGuidance["lead-generation"]!),
    Stage(
      key: "qualifying", title: "Qualifying", probability: 10, checklist: "bant",
      guidance: defaultGuidance["qualifying"]!),
    Stage(
      key: "needs-assessment", title: "Needs Assessment", probability: 20,
      guidance: defaultGuidance["needs-assessment"]!),
    Stage(key: "proposal", title: "Proposal", probability: 50, guidance: defaultGuidance["proposal"]!),
    Stage(key: "negotiation", title: "Negotiation", probability: 75, guidance: defaultGuidance["negotiation"]!),
    Stage(key: "closing", title: "Closing", probability: 90, guidance: defaultGuidance["closing"]!),
    Stage(key: "post-sale", title: "Post-Sale Follow-Up", probability: 100, guidance: defaultGuidance["post-sale"]!),
  ]

  /// What each default stage is for and how a deal leaves it; a configured stage with one
  /// of these keys and no `guidance` of its own gets it.
  public static let defaultGuidance: [String: String] = [
    "lead-generation":
      "Draw interest and capture it: who they are, how they found you, who to talk to. Move on once there is a real contact and a reason to talk.",
    "qualifying":
      "Filter before you invest: is there budget, authority, need and a timeline? Move on with the checklist done, or mark the deal lost early.",
    "needs-assessment":
      "Uncover the pain points: what hurts, what it costs them, who else feels it. Move on when you can say what a solution must do for them.",
    "proposal":
      "Tailor the proposal to the needs you found: scope, price, the outcome they get. Move on when they have it and have told you what they think.",
    "negotiation":
      "Handle pricing and objections; trade, don't give away. Move on when the terms are agreed in principle.",
    "closing":
      "Seal it: the paperwork, the signatures, a start date. Leave with a signed contract and mark the deal won.",
    "post-sale":
      "Nurture the customer: thank them, check in on how it goes, ask for referrals and the next deal.",
  ]
}
