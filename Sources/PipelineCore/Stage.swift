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

  public init(key: String, title: String, probability: Int, checklist: String? = nil, stallDays: Int = 14) {
    self.key = key
    self.title = title
    self.probability = probability
    self.checklist = checklist
    self.stallDays = stallDays
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
    Stage(key: "lead-generation", title: "Lead Generation", probability: 5),
    Stage(key: "qualifying", title: "Qualifying", probability: 10, checklist: "bant"),
    Stage(key: "needs-assessment", title: "Needs Assessment", probability: 20),
    Stage(key: "proposal", title: "Proposal", probability: 50),
    Stage(key: "negotiation", title: "Negotiation", probability: 75),
    Stage(key: "closing", title: "Closing", probability: 90),
    Stage(key: "post-sale", title: "Post-Sale Follow-Up", probability: 100),
  ]
}
