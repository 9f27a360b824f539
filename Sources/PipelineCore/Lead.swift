/// The stable identifier of a lead: short, lowercase, easy to type (`k3m9x2qa`).
public struct LeadID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var rawValue: String

  public init(_ rawValue: String) { self.rawValue = rawValue }

  public var description: String { rawValue }

  public static func < (lhs: LeadID, rhs: LeadID) -> Bool { lhs.rawValue < rhs.rawValue }

  /// Whether `text` has the shape of an id: 4 to 32 lowercase letters, digits or dashes.
  public static func isValid(_ text: String) -> Bool {
    (4...32).contains(text.utf8.count)
      && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
  }
}

/// Whether a deal is still being worked, was won, or was lost.
public enum LeadStatus: String, Hashable, Sendable, CaseIterable {
  case open, won, lost
}

/// A lead and the deal it may become: everything the board and the detail pane show.
public struct Lead: Hashable, Sendable {
  public var id: LeadID
  public var name: String
  public var company: String
  public var email: String
  public var phone: String
  public var owner: String
  /// How the lead was generated ("Referral", "Webinar").
  public var source: String
  /// The deal's id in the system it was imported from (`pipedrive:1234`), so that importing
  /// the same file again updates it instead of adding it twice; empty otherwise.
  public var reference: String
  public var value: Money?
  public var expectedClose: CalendarDay?
  /// Custom fields' stored values by key (`CustomField.stored`): kept when the config no
  /// longer has the field, shown again when it has it again.
  public var custom: [String: String] = [:]
  /// The customer who referred this lead (its source is a referral), if one did.
  public var referredBy: LeadID?
  public var stage: String
  public var status: LeadStatus
  public var lostReason: String?
  public var created: Timestamp
  public var stageEntered: Timestamp
  /// When the deal was won or lost, if it was.
  public var closed: Timestamp?
  /// The latest event that touched this lead; the stalled clock starts here.
  public var lastActivity: Timestamp
  /// Criterion key -> ticked. Criteria never touched are absent (unticked).
  public var checklist: LeadChecklist
  /// Criterion key -> the answer the rep gave when ticking it ("40k approved for Q1").
  public var answers: [String: String] = [:]
  public var notes: [Note]
  /// Calls, meetings and emails logged, oldest first.
  public var activities: [Activity]
  public var followUp: FollowUp?
  /// Every stage the deal has been in, oldest first; the last one is the current stage.
  public var stageHistory: [StageVisit]

  public init(id: LeadID, name: String, stage: String, created: Timestamp) {
    self.id = id
    self.name = name
    self.company = ""
    self.email = ""
    self.phone = ""
    self.owner = ""
    self.source = ""
    self.reference = ""
    self.stage = stage
    self.status = .open
    self.created = created
    self.stageEntered = created
    self.lastActivity = created
    self.checklist = LeadChecklist()
    self.notes = []
    self.activities = []
    self.stageHistory = [StageVisit(stage: stage, entered: created)]
  }

  /// Name and company folded for matching ("jose" finds "José").
  public var searchKey: String {
    company.isEmpty ? SearchKey.fold(name) : SearchKey.fold(name + "\u{1F}" + company)
  }

  public func isChecked(_ criterion: String) -> Bool { checklist[criterion] ?? false }

  /// Whole days since the deal entered its current stage.
  /// Whole days in its stage: up to now for an open deal; a won or lost deal stopped ageing
  /// when it closed.
  public func daysInStage(now: Timestamp) -> Int { stageEntered.days(until: min(now, closed ?? now)) }
}

/// A note a rep wrote about a lead; multi-line text.
public struct Note: Hashable, Sendable {
  public var text: String
  public var time: Timestamp

  public init(text: String, time: Timestamp) {
    self.text = text
    self.time = time
  }
}

/// A call, meeting or email logged against a deal, with how it went.
public struct Activity: Hashable, Sendable {
  /// The kinds the board and `closer log` offer. A journal may hold others (written by a
  /// newer Closer): they are kept and shown as they are.
  public static let kinds = ["call", "meeting", "email"]

  public var kind: String
  public var outcome: String
  public var time: Timestamp

  public init(kind: String, outcome: String, time: Timestamp) {
    self.kind = kind
    self.outcome = outcome
    self.time = time
  }

  /// The kind named by `text` (any case, or a prefix: "m" is a meeting), if it is one.
  public static func kind(named text: String) -> String? {
    let folded = SearchKey.fold(text.trimmingWhitespace)
    guard !folded.isEmpty else { return nil }
    return kinds.first { $0 == folded } ?? kinds.first { $0.hasPrefix(folded) }
  }
}

/// The next thing to do for a deal, and when.
public struct FollowUp: Hashable, Sendable {
  public var action: String
  public var due: CalendarDay

  public init(action: String, due: CalendarDay) {
    self.action = action
    self.due = due
  }
}

/// A stretch of time a deal spent in one stage.
public struct StageVisit: Hashable, Sendable {
  public var stage: String
  public var entered: Timestamp
  public var left: Timestamp?

  public init(stage: String, entered: Timestamp, left: Timestamp? = nil) {
    self.stage = stage
    self.entered = entered
    self.left = left
  }
}

extension LeadID: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self.init(value) }
}
