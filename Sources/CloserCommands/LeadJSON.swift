import Foundation
import PipelineCore

/// A lead as `--json` prints it. Field names are part of the command line's contract.
struct LeadJSON: Encodable {
  struct FollowUpJSON: Encodable {
    var action: String
    var due: String
  }
  struct ActivityJSON: Encodable {
    var time: String
    var kind: String
    var outcome: String
  }
  struct NoteJSON: Encodable {
    var time: String
    var text: String
  }
  struct VisitJSON: Encodable {
    var stage: String
    var entered: String
    /// null while the deal is still in the stage.
    var left: String?
    var days: Int

    enum CodingKeys: String, CodingKey { case stage, entered, left, days }

    func encode(to encoder: Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(stage, forKey: .stage)
      try c.encode(entered, forKey: .entered)
      try c.encode(left, forKey: .left)
      try c.encode(days, forKey: .days)
    }
  }

  var id: String
  var name: String
  /// Text fields are null when the lead has none.
  var company: String?
  var email: String?
  var phone: String?
  var owner: String?
  var source: String?
  /// The deal's id in the system it was imported from; null when typed in Closer.
  var ref: String?
  var stage: String
  var stageTitle: String
  /// 1-based position in the column; null for lost deals (off the board).
  var position: Int?
  var value: Double?
  /// The value exactly, for writers that need no floating point.
  var valueMinorUnits: Int64?
  var currency: String?
  var status: String
  var lostReason: String?
  /// When the deal was won or lost.
  var closed: String?
  var created: String
  var stageEntered: String
  var daysInStage: Int
  var expectedClose: String?
  var checklist: [String: Bool]
  var score: Int
  var tier: String
  var followUp: FollowUpJSON?
  /// No activity for longer than the stage allows.
  var stalled: Bool
  /// The config's custom fields, every key there, null where the lead has no value.
  var fields: [String: String?]
  /// Ticked criteria's answers by criterion key (only those that have one).
  var answers: [String: String]
  /// The customer who referred the lead, and (detailed) the leads it referred.
  var referredBy: String?
  var referrals: [String]?
  var notes: [NoteJSON]?
  /// Calls, meetings and emails logged, newest first.
  var activities: [ActivityJSON]?
  var history: [VisitJSON]?

  enum CodingKeys: String, CodingKey {
    case id, name, company, email, phone, owner, source, ref, stage, stageTitle, position, value, currency, status
    case lostReason, closed, created, stageEntered, daysInStage, expectedClose, checklist, score, tier, followUp,
      stalled, notes
    case activities, history, fields, answers, referredBy, referrals
  }

  /// Fields without a value are written as null rather than left out, so scripts can rely
  /// on every key being there.
  func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(name, forKey: .name)
    try c.encode(company, forKey: .company)
    try c.encode(email, forKey: .email)
    try c.encode(phone, forKey: .phone)
    try c.encode(owner, forKey: .owner)
    try c.encode(source, forKey: .source)
    try c.encode(ref, forKey: .ref)
    try c.encode(stage, forKey: .stage)
    try c.encode(stageTitle, forKey: .stageTitle)
    try c.encode(position, forKey: .position)
    try c.encode(value, forKey: .value)
    try c.encode(currency, forKey: .currency)
    try c.encode(status, forKey: .status)
    try c.encode(lostReason, forKey: .lostReason)
    try c.encode(closed, forKey: .closed)
    try c.encode(created, forKey: .created)
    try c.encode(stageEntered, forKey: .stageEntered)
    try c.encode(daysInStage, forKey: .daysInStage)
    try c.encode(expectedClose, forKey: .expectedClose)
    try c.encode(checklist, forKey: .checklist)
    try c.encode(score, forKey: .score)
    try c.encode(tier, forKey: .tier)
    try c.encode(followUp, forKey: .followUp)
    try c.encode(stalled, forKey: .stalled)
    try c.encode(fields, forKey: .fields)
    try c.encode(answers, forKey: .answers)
    try c.encode(referredBy, forKey: .referredBy)
    try c.encodeIfPresent(referrals, forKey: .referrals)
    try c.encodeIfPresent(notes, forKey: .notes)
    try c.encodeIfPresent(activities, forKey: .activities)
    try c.encodeIfPresent(history, forKey: .history)
  }

  init(_ lead: Lead, in pipeline: Pipeline, now: Timestamp, detailed: Bool) {
    id = lead.id.rawValue
    name = lead.name
    func orNull(_ text: String) -> String? { text.isEmpty ? nil : text }
    company = orNull(lead.company)
    email = orNull(lead.email)
    phone = orNull(lead.phone)
    owner = orNull(lead.owner)
    source = orNull(lead.source)
    ref = orNull(lead.reference)
    stage = lead.stage
    stageTitle = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
    position = pipeline.position(of: lead.id)
    value = lead.value.map { Double($0.minorUnits) / 100 }
    valueMinorUnits = lead.value?.minorUnits
    currency = lead.value?.currency
    status = lead.status.rawValue
    lostReason = lead.lostReason
    closed = lead.closed?.iso8601
    created = lead.created.iso8601
    stageEntered = lead.stageEntered.iso8601
    daysInStage = lead.daysInStage(now: now)
    expectedClose = lead.expectedClose?.description
    checklist = Dictionary(uniqueKeysWithValues: pipeline.criteria.map { ($0.key, lead.isChecked($0.key)) })
    let score = pipeline.score(of: lead, now: now)
    self.score = score.total
    tier = score.tier.rawValue
    followUp = lead.followUp.map { FollowUpJSON(action: $0.action, due: $0.due.description) }
    stalled = pipeline.isStalled(lead, now: now)
    fields = Dictionary(uniqueKeysWithValues: pipeline.config.fields.map { ($0.key, lead.custom[$0.key]) })
    answers = lead.answers.filter { lead.isChecked($0.key) }
    referredBy = lead.referredBy?.rawValue
    if detailed { referrals = pipeline.referrals(of: lead.id).map(\.rawValue) }
    if detailed {
      notes = lead.notes.reversed().map { NoteJSON(time: $0.time.iso8601, text: $0.text) }
      activities = lead.activities.reversed().map {
        ActivityJSON(time: $0.time.iso8601, kind: $0.kind, outcome: $0.outcome)
      }
      history = lead.stageHistory.map {
        VisitJSON(
          stage: $0.stage, entered: $0.entered.iso8601, left: $0.left?.iso8601,
          days: $0.entered.days(until: $0.left ?? now))
      }
    }
  }
}

/// Prints command output as pretty, key-sorted JSON. It is data for scripts, written as
/// it is: JSON's escapes, not symbols, keep control characters out of it.
func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  try Console.printData(escapingInvisibles(Array(try encoder.encode(value))) + [0x0A])
}
