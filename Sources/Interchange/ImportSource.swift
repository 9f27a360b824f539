import PipelineCore

/// Where a file comes from: a CRM's deal export, or any spreadsheet.
public enum ImportSource: String, CaseIterable, Sendable {
  case pipedrive, hubspot, salesforce, generic

  public var title: String {
    switch self {
    case .pipedrive: "Pipedrive"
    case .hubspot: "HubSpot"
    case .salesforce: "Salesforce"
    case .generic: "spreadsheet"
    }
  }

  /// The source whose headers these are: a CRM when its telltale columns are there,
  /// otherwise a generic sheet.
  public static func detect(header: [String]) -> ImportSource {
    let names = Set(header.map(ImportColumn.normalize))
    if names.contains(where: { $0.hasPrefix("deal - ") }) { return .pipedrive }
    if names.contains("deal name") && (names.contains("deal stage") || names.contains("record id")) { return .hubspot }
    if names.contains("dealname") && names.contains("dealstage") { return .hubspot }
    if names.contains("opportunity name") || names.contains("stagename")
      || (names.contains("stage name") && names.contains("close date"))
    {
      return .salesforce
    }
    return .generic
  }

  /// Header (normalized) to the field it fills.
  var columns: [String: ImportColumn] {
    switch self {
    case .pipedrive:
      [
        "deal - id": .recordID, "deal - title": .name, "deal - value": .value, "deal - currency": .currency,
        "deal - organization": .company, "deal - organisation": .company, "organization - name": .company,
        "deal - contact person": .contact, "person - name": .contact, "person - email": .email,
        "deal - contact person email": .email, "person - phone": .phone, "deal - contact person phone": .phone,
        "deal - stage": .stage, "deal - status": .status, "deal - lost reason": .lostReason,
        "deal - expected close date": .expectedClose, "deal - owner": .owner, "deal - source channel": .source,
        "deal - source origin": .source, "deal - source": .source, "person - email (work)": .email,
        "person - email (home)": .email, "person - email (other)": .email, "person - phone (work)": .phone,
        "person - phone (mobile)": .phone, "person - phone (home)": .phone, "person - phone (other)": .phone,
        "activity - subject": .followUp, "activity - due date": .followUpDue, "deal - deal created": .created,
        "deal - add time": .created, "deal - won time": .closed, "deal - lost time": .closed,
        "deal - close time": .closed, "deal - last stage change": .stageEntered,
      ]
    case .hubspot:
      [
        "record id": .recordID, "deal name": .name, "deal stage": .stage, "amount": .value, "currency": .currency,
        "close date": .expectedClose, "deal owner": .owner, "associated company": .company,
        "company name": .company, "associated contact": .contact, "original source type": .source,
        "original source": .source, "closed lost reason": .lostReason, "create date": .created,
        "dealname": .name, "dealstage": .stage, "closedate": .expectedClose, "createdate": .created,
        "hs object id": .recordID, "hubspot owner id": .owner, "deal currency code": .currency,
        "date entered current stage": .stageEntered,
      ]
    case .salesforce:
      [
        "opportunity id": .recordID, "opportunity name": .name, "stage": .stage, "stagename": .stage,
        "amount": .value, "opportunity currency": .currency, "currency": .currency, "close date": .expectedClose,
        "closedate": .expectedClose, "account name": .company, "opportunity owner": .owner,
        "lead source": .source, "leadsource": .source, "contact name": .contact, "loss reason": .lostReason,
        "stage name": .stage, "created date": .created, "id": .recordID, "account.name": .company,
        "owner.name": .owner, "owner name": .owner, "currency iso code": .currency,
        "last stage change date": .stageEntered,
      ]
    case .generic:
      [
        "closer id": .closerID, "ref": .reference, "name": .name, "full name": .name, "lead": .name,
        "lead name": .name, "contact name": .name, "company": .company, "organization": .company,
        "organisation": .company, "account": .company, "email": .email, "e-mail": .email,
        "email address": .email, "phone": .phone, "phone number": .phone, "telephone": .phone, "owner": .owner,
        "source": .source, "lead source": .source, "value": .value, "amount": .value, "deal value": .value,
        "currency": .currency, "stage": .stage, "status": .status, "lost reason": .lostReason,
        "expected close": .expectedClose, "close date": .expectedClose, "expected close date": .expectedClose,
        "checklist": .checklist, "follow-up": .followUp, "next action": .followUp, "follow-up due": .followUpDue,
        "due": .followUpDue, "note": .note, "notes": .note, "deal": .name, "deal name": .name, "title": .name,
        "deal title": .name, "opportunity": .name, "opportunity name": .name, "deal stage": .stage,
        "stage name": .stage, "close value": .value, "deal amount": .value, "created": .created,
        "created date": .created, "create date": .created, "created at": .created, "date created": .created,
        "engage date": .created, "closed": .closed, "closed date": .closed, "closed at": .closed,
        "date closed": .closed, "won date": .closed, "lost date": .closed, "sales agent": .owner,
        "sales rep": .owner, "deal owner": .owner, "opportunity id": .reference, "deal id": .reference,
        "stage entered": .stageEntered, "stage date": .stageEntered, "last stage change": .stageEntered,
        "last stage change date": .stageEntered, "in stage since": .stageEntered,
      ]
    }
  }

  /// Headers that name a row's deal, at least one of which must be there.
  var nameHeaders: [String] {
    switch self {
    case .pipedrive: ["Deal - Title"]
    case .hubspot: ["Deal Name"]
    case .salesforce: ["Opportunity Name"]
    case .generic: ["name", "full name", "lead name", "contact name"]
    }
  }

  /// The prefix of a record id from this source, kept in the lead's `ref`.
  var referencePrefix: String { rawValue }

  /// Where this source's default stages go in Closer's default pipeline (by folded name).
  /// `won` and `lost` close the deal.
  var stageDefaults: [String: String] {
    switch self {
    case .pipedrive:
      [
        "lead in": "lead-generation", "qualified": "qualifying", "contact made": "qualifying",
        "demo scheduled": "needs-assessment", "needs defined": "needs-assessment", "proposal made": "proposal",
        "negotiations started": "negotiation",
      ]
    case .hubspot:
      [
        "appointmentscheduled": "qualifying", "appointment scheduled": "qualifying",
        "qualifiedtobuy": "needs-assessment", "qualified to buy": "needs-assessment",
        "presentationscheduled": "proposal", "presentation scheduled": "proposal",
        "decisionmakerboughtin": "negotiation", "decision maker bought-in": "negotiation",
        "decision maker bought in": "negotiation", "contractsent": "closing", "contract sent": "closing",
        "closedwon": "won", "closed won": "won", "closedlost": "lost", "closed lost": "lost",
      ]
    case .salesforce:
      [
        "prospecting": "lead-generation", "qualification": "qualifying", "needs analysis": "needs-assessment",
        "value proposition": "proposal", "id. decision makers": "proposal", "perception analysis": "proposal",
        "proposal/price quote": "proposal", "negotiation/review": "negotiation", "closed won": "won",
        "closed lost": "lost",
      ]
    case .generic:
      [
        "won": "won", "closed won": "won", "lost": "lost", "closed lost": "lost", "prospecting": "lead-generation",
        "engaging": "qualifying",
      ]
    }
  }
}

/// A field of a lead that a column of the file fills.
enum ImportColumn: Int, CaseIterable, Sendable {
  /// A lead's own id (`Closer ID`, in files Closer exported).
  case closerID
  /// A lead's `ref` as Closer exported it (`hubspot:123`).
  case reference
  /// The deal's id in the source CRM; becomes `ref` with the source's prefix.
  case recordID
  case name, company, email, phone, owner, source
  /// A contact person, when the row's name is a deal's title: kept as a note.
  case contact
  case value, currency, stage, status, lostReason, expectedClose
  /// When the deal was created in the source: the date of its `lead.created` event.
  case created
  /// When a won or lost deal was closed: the date of its `lead.won` or `lead.lost` event.
  case closed
  /// When the deal entered its current stage (its last stage change).
  case stageEntered
  /// Ticked criteria by key (`budget, authority`).
  case checklist
  case followUp, followUpDue
  /// A note to add to the lead.
  case note

  /// Lowercase, single-spaced, without the `*` Pipedrive puts after required fields, with
  /// API-style names split into words: `OpportunityName` and `opportunity_name` are both
  /// `opportunity name`.
  static func normalize(_ header: String) -> String {
    var text = header.trimmingWhitespace
    while text.hasSuffix("*") { text = String(text.dropLast()).trimmingWhitespace }
    var words = ""
    var previous: Character?
    for character in text {
      if character == "_" {
        words.append(" ")
      } else {
        if let previous, previous.isLowercase || previous.isNumber, character.isUppercase { words.append(" ") }
        words.append(character)
      }
      previous = character
    }
    return words.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The field names `--column HEADER=FIELD` and `[import.columns]` take: those of
  /// `closer list --json`, plus followUp, due and note.
  static let fieldNames: [(String, ImportColumn)] = [
    ("name", .name), ("company", .company), ("value", .value), ("currency", .currency), ("stage", .stage),
    ("status", .status), ("owner", .owner), ("source", .source), ("email", .email), ("phone", .phone),
    ("expectedClose", .expectedClose), ("ref", .reference), ("lostReason", .lostReason), ("created", .created),
    ("closed", .closed), ("stageEntered", .stageEntered), ("followUp", .followUp), ("due", .followUpDue),
    ("note", .note),
    ("checklist", .checklist), ("id", .closerID),
  ]

  /// The field's name as `--column` takes it (a CRM's record id is `ref`).
  var fieldName: String {
    self == .recordID ? "ref" : (Self.fieldNames.first { $0.1 == self }?.0 ?? "\(self)")
  }

  /// The column a field name means (`expectedClose`, `expected-close` and `expected close`
  /// alike), or nil.
  static func named(_ field: String) -> ImportColumn? {
    let wanted = field.lowercased().filter { $0.isLetter }
    return fieldNames.first { $0.0.lowercased() == wanted }?.1
  }

  /// A `--column` that may suit a header left out, from the words in it.
  static func suggestion(for header: String) -> String? {
    let name = normalize(header)
    let hints: [(String, String)] = [
      ("email", "email"), ("phone", "phone"), ("mobile", "phone"), ("owner", "owner"), ("agent", "owner"),
      ("rep", "owner"), ("amount", "value"), ("value", "value"), ("revenue", "value"), ("price", "value"),
      ("currency", "currency"), ("stage", "stage"), ("status", "status"), ("company", "company"),
      ("account", "company"), ("organi", "company"), ("source", "source"), ("channel", "source"),
      ("created", "created"), ("create", "created"), ("won", "closed"), ("lost", "closed"), ("close", "closed"),
      ("reason", "lostReason"), ("title", "name"), ("name", "name"), ("note", "note"), ("description", "note"),
      ("comment", "note"), ("next", "followUp"), ("due", "due"), ("id", "ref"),
    ]
    let field = hints.first { name.contains($0.0) }?.1 ?? "note"
    return "--column \"\(header)=\(field)\""
  }
}

/// Which column of the file holds each field: an array lookup, as it is made for every field
/// of every row.
struct ColumnIndexes: Sendable {
  private var indexes = [Int?](repeating: nil, count: ImportColumn.allCases.count)

  subscript(column: ImportColumn) -> Int? {
    get { indexes[column.rawValue] }
    set { indexes[column.rawValue] = newValue }
  }
}

/// The fields a column of an imported file can fill, by the names `--column` and
/// `[import.columns]` take.
public enum ImportFields {
  /// Every field name, in the order the docs list them.
  public static var names: [String] { ImportColumn.fieldNames.map(\.0) }

  /// Whether `name` is a field, or `ignore`.
  public static func isValid(_ name: String) -> Bool {
    ImportColumn.named(name) != nil || ["ignore", "skip", "-", ""].contains(name.lowercased())
  }
}
