import PipelineCore

/// What importing a checked file would do to a pipeline: which leads it creates, which it
/// updates (and what changes), which are already as the file says, and the changes to
/// record, in order.
///
/// A row is matched to a lead by its Closer id, else by its record id in the source CRM
/// (`ref`), else by name and company (case and accents aside) among leads that came from no
/// other record. A matched lead gets only the differences; an unmatched row becomes a lead
/// at the bottom of its column. Importing the same file twice therefore changes nothing the
/// second time.
public struct ImportPlan: Sendable {
  public enum Action: Sendable, Equatable {
    case create
    /// What changes, in words ("stage Proposal → Negotiation", "value").
    case update([String])
    case unchanged
  }

  public struct Entry: Sendable, Equatable {
    public var row: Int
    public var lead: LeadID
    public var name: String
    public var action: Action
  }

  public private(set) var entries: [Entry] = []
  /// Rows that match more than one lead, or a lead another row already matched.
  public private(set) var problems: [RowProblem] = []
  /// The changes, each with when it happened when the file says (a deal's created and
  /// closed dates); nil: when it is imported.
  public private(set) var changes: [(LeadID, Change, Timestamp?)] = []
  /// How many changes the plan makes (kept when they are taken to be written).
  public private(set) var eventCount = 0

  /// Hands the changes over to be written, keeping the plan's entries and counts: an
  /// import of 100,000 rows then holds its changes once, not twice.
  public mutating func takeChanges() -> [(LeadID, Change, Timestamp?)] {
    defer { changes = [] }
    return changes
  }

  public var created: Int { entries.count { $0.action == .create } }
  public var updated: Int { entries.count { if case .update = $0.action { true } else { false } } }
  public var unchanged: Int { entries.count { $0.action == .unchanged } }

  /// Plans `deals` (from a `source` file) against `pipeline`; `newID` gives ids no lead has.
  /// Dates from the file later than `now` are not used as event times.
  public init(
    deals: [ImportedDeal], source: ImportSource, pipeline: Pipeline, now: Timestamp = .distantFuture,
    newID: () -> LeadID
  ) {
    var planner = Planner(pipeline: pipeline, source: source, now: now)
    var wins: [(LeadID, Change, Timestamp?)] = []
    for deal in deals {
      switch planner.match(deal) {
      case .failure(let problem):
        problems.append(problem)
      case .success(let lead?):
        let (leadChanges, what) = planner.update(lead, to: deal)
        changes += leadChanges.map { (lead.id, $0.0, $0.1) }
        entries.append(
          Entry(row: deal.row, lead: lead.id, name: deal.name, action: what.isEmpty ? .unchanged : .update(what)))
      case .success(nil):
        var id = deal.closerID ?? newID()
        while planner.createdIDs.contains(id) || (deal.closerID != id && pipeline[id] != nil) { id = newID() }
        planner.createdIDs.insert(id)
        var created = planner.create(deal)
        if case .won = created.last?.0 {
          // A win puts the deal at the top of the last stage: the wins are written last, in
          // reverse, so the won deals keep the file's order there (an export imported again
          // reads as it was).
          wins.append((id, .won, created.removeLast().1))
        }
        changes += created.map { (id, $0.0, $0.1) }
        entries.append(Entry(row: deal.row, lead: id, name: deal.name, action: .create))
      }
    }
    changes += wins.reversed()
    eventCount = changes.count
  }
}

private struct Planner {
  let pipeline: Pipeline
  let source: ImportSource
  let now: Timestamp
  var createdIDs = Set<LeadID>()
  var matchedBy: [LeadID: Int] = [:]
  /// Cards per column after the changes planned so far, for placing cards at the bottom.
  var cardCounts: [String: Int] = [:]
  private var byReference: [String: LeadID]?
  private var byName: [String: [LeadID]]?

  init(pipeline: Pipeline, source: ImportSource, now: Timestamp) {
    self.pipeline = pipeline
    self.source = source
    self.now = now
  }

  /// A date of the file as an event's time: noon UTC, the same day in every time zone from
  /// UTC-11 to UTC+11; nil when it is later than now.
  func time(_ day: CalendarDay?) -> Timestamp? {
    guard let day else { return nil }
    let time = day.noonUTC
    return time < now ? time : nil
  }

  /// The lead a deal is, nil when it is new, or a problem when that is ambiguous.
  mutating func match(_ deal: ImportedDeal) -> Result<Lead?, RowProblem> {
    var found: Lead?
    if let id = deal.closerID {
      found = pipeline[id]
    }
    if found == nil, let reference = deal.reference, !reference.isEmpty {
      if byReference == nil {
        var index: [String: LeadID] = [:]
        for lead in pipeline.leads where !lead.reference.isEmpty { index[lead.reference] = lead.id }
        byReference = index
      }
      found = byReference![reference].flatMap { pipeline[$0] }
    }
    if found == nil && deal.closerID == nil {
      if byName == nil {
        var index: [String: [LeadID]] = [:]
        for lead in pipeline.leads { index[Self.nameKey(lead.name, lead.company), default: []].append(lead.id) }
        byName = index
      }
      let company = deal.text[.company] ?? ""
      let candidates = (byName![Self.nameKey(deal.name, company)] ?? []).compactMap { pipeline[$0] }
        .filter { deal.reference == nil || $0.reference.isEmpty }
      if candidates.count > 1 {
        let ids = candidates.map(\.id.rawValue).joined(separator: ", ")
        return .failure(
          RowProblem(
            row: deal.row, column: nil,
            message:
              "matches \(candidates.count) leads by name and company (\(ids)); add a \"Closer ID\" column to say which")
        )
      }
      found = candidates.first
    }
    if let lead = found {
      if let first = matchedBy[lead.id] {
        return .failure(
          RowProblem(row: deal.row, column: nil, message: "is the same lead (\(lead.id)) as row \(first)"))
      }
      matchedBy[lead.id] = deal.row
    }
    return .success(found)
  }

  static func nameKey(_ name: String, _ company: String) -> String {
    SearchKey.fold(name) + "\u{1F}" + SearchKey.fold(company)
  }

  var defaultLostReason: String { "Lost (imported from \(source.title))" }

  mutating func create(_ deal: ImportedDeal) -> [(Change, Timestamp?)] {
    let stage = deal.status == .won ? pipeline.wonStage : (deal.stage ?? pipeline.stages[0].key)
    var new = NewLead(name: deal.name, stage: stage, position: bottom(of: stage))
    // An open deal's last stage change, when the file has it: its days in stage count from then.
    if deal.status == .open { new.stageEntered = time(deal.stageEntered) }
    new.company = deal.text[.company] ?? ""
    new.email = deal.text[.email] ?? ""
    new.phone = deal.text[.phone] ?? ""
    new.owner = deal.text[.owner] ?? ""
    new.source = deal.text[.source] ?? ""
    new.reference = deal.reference ?? ""
    new.value = deal.value ?? nil
    new.expectedClose = deal.expectedClose ?? nil
    for case (let key, let value?) in deal.custom { new.custom[key] = value }
    cardCounts[stage, default: pipeline.cardCount(inStage: stage)] += 1
    // The deal's history from the file: created then, closed then; the rest as of now.
    let created = time(deal.created)
    var changes: [(Change, Timestamp?)] = [(.created(new), created)]
    for key in (deal.checklist ?? []).sorted() { changes.append((.checked(criterion: key, isChecked: true), created)) }
    if case .some(.some(let followUp)) = deal.followUp { changes.append((.followUpSet(followUp), nil)) }
    for note in deal.notes { changes.append((.noteAdded(note), nil)) }
    let closed = time(deal.closed).map { max($0, created ?? $0) }
    switch deal.status {
    case .open: break
    case .won: changes.append((.won, closed))
    case .lost:
      changes.append((.lost(reason: deal.lostReason ?? defaultLostReason), closed))
      cardCounts[stage]! -= 1
    }
    return changes
  }

  /// The changes that make `lead` what the row says, and what they change in words.
  mutating func update(_ lead: Lead, to deal: ImportedDeal) -> ([(Change, Timestamp?)], [String]) {
    var changes: [(Change, Timestamp?)] = []
    func add(_ change: Change, at time: Timestamp? = nil) { changes.append((change, time)) }
    let closed = time(deal.closed).map { max($0, lead.created) }
    var what: [String] = []
    var edits: [FieldEdit] = []
    func edit(_ field: TextField, _ old: String, _ new: String?) {
      guard let new, new != old else { return }
      edits.append(.text(field, new))
      what.append(field == .reference ? "ref" : field.rawValue)
    }
    edit(.name, lead.name, deal.name)
    edit(.company, lead.company, deal.text[.company])
    edit(.email, lead.email, deal.text[.email])
    edit(.phone, lead.phone, deal.text[.phone])
    edit(.owner, lead.owner, deal.text[.owner])
    edit(.source, lead.source, deal.text[.source])
    edit(.reference, lead.reference, deal.reference)
    if let value = deal.value, value != lead.value {
      edits.append(.value(value))
      what.append("value")
    }
    if let day = deal.expectedClose, day != lead.expectedClose {
      edits.append(.expectedClose(day))
      what.append("expected close")
    }
    for (key, value) in deal.custom.sorted(by: { $0.key < $1.key }) where lead.custom[key] != value {
      edits.append(.custom(key, value))
      what.append(pipeline.config.field(forKey: key)?.title ?? key)
    }
    if !edits.isEmpty { add(.edited(edits)) }

    var checklist = lead.checklist
    if let ticked = deal.checklist {
      let keys = Set(lead.checklist.keys).union(ticked).sorted()
      for key in keys where lead.isChecked(key) != ticked.contains(key) {
        add(.checked(criterion: key, isChecked: ticked.contains(key)))
        checklist[key] = ticked.contains(key)
      }
      if checklist != lead.checklist { what.append("checklist") }
    }
    if let followUp = deal.followUp, followUp != lead.followUp {
      add(.followUpSet(followUp))
      what.append(followUp == nil ? "follow-up cleared" : "follow-up")
    }
    for note in deal.notes where !lead.notes.contains(where: { $0.text == note }) {
      add(.noteAdded(note))
      what.append("note")
    }

    let pipeline = self.pipeline
    func title(_ key: String) -> String { pipeline.stage(forKey: key)?.title ?? key }
    let target = deal.stage ?? lead.stage
    let reason = deal.lostReason ?? lead.lostReason ?? defaultLostReason
    switch (lead.status, deal.status) {
    case (.open, .open), (.open, .lost):
      if target != lead.stage {
        var future = lead
        future.checklist = checklist
        let gated = !pipeline.gates(for: future, movingTo: target).isEmpty
        // Dated from the file's last stage change, when it is later than the current one.
        let entered = time(deal.stageEntered).flatMap { $0 > lead.stageEntered ? $0 : nil }
        add(.moved(stage: target, position: bottom(of: target), gateOverridden: gated), at: entered)
        move(from: lead.stage, to: target)
        what.append("stage \(title(lead.stage)) → \(title(target))")
      }
      if deal.status == .lost {
        add(.lost(reason: reason), at: closed)
        cardCounts[target, default: pipeline.cardCount(inStage: target)] -= 1
        what.append("status open → lost")
      }
    case (.open, .won):
      add(.won, at: closed)
      move(from: lead.stage, to: pipeline.wonStage)
      what.append("status open → won")
    case (.won, .won):
      break
    case (.lost, .lost):
      if target != lead.stage || reason != lead.lostReason {
        // Lost again, from another stage or for another reason: as of now.
        add(.reopened(stage: target))
        add(.lost(reason: reason))
        what.append(target != lead.stage ? "lost from \(title(target))" : "lost reason")
      }
    case (.won, .open), (.lost, .open):
      let stage = deal.stage ?? lead.stage
      add(.reopened(stage: stage))
      if lead.status == .won {
        move(from: lead.stage, to: stage)
      } else {
        cardCounts[stage, default: pipeline.cardCount(inStage: stage)] += 1
      }
      what.append("status \(lead.status.rawValue) → open")
    case (.won, .lost):
      add(.reopened(stage: target))
      add(.lost(reason: reason))
      cardCounts[lead.stage, default: pipeline.cardCount(inStage: lead.stage)] -= 1
      what.append("status won → lost")
    case (.lost, .won):
      add(.reopened(stage: lead.stage))
      add(.won)
      cardCounts[pipeline.wonStage, default: pipeline.cardCount(inStage: pipeline.wonStage)] += 1
      what.append("status lost → won")
    }
    return (changes, what)
  }

  private mutating func bottom(of stage: String) -> Int {
    cardCounts[stage, default: pipeline.cardCount(inStage: stage)] + 1
  }

  private mutating func move(from: String, to: String) {
    guard from != to else { return }
    cardCounts[from, default: pipeline.cardCount(inStage: from)] -= 1
    cardCounts[to, default: pipeline.cardCount(inStage: to)] += 1
  }
}
