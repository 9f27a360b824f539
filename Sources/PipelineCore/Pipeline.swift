/// The state of a whole pipeline: every lead and the order of the cards in each column.
///
/// It changes only through `apply(_:)`, one event at a time, so replaying a journal's events
/// in order always rebuilds the same state.
public struct Pipeline: Sendable {
  public let config: PipelineConfig
  /// The criteria every lead is qualified against (`PipelineConfig.criteria`, worked out
  /// once: scores and exports ask for them for every lead).
  public let criteria: [Criterion]
  /// The configured stages, followed by any stage the journal names that the
  /// configuration no longer has (so no deal ever disappears from the board).
  public internal(set) var stages: [Stage]
  var stageIndexByKey: [String: Int]
  var storage: [Lead] = []
  var slotByID: [LeadID: Int32] = [:]
  var columns = StageColumns()
  /// Slots of leads whose adding was undone: kept in `storage` (slots are never reused) but
  /// out of the pipeline (`leads`, `count`, lookups, the image).
  var withdrawn: Set<Int32> = []
  /// Customer -> the leads that name it as their referrer, in the order they were added.
  var referralsByLead: [LeadID: [LeadID]] = [:]
  /// Goes up with every applied event, so views can tell when to recompute what they cache.
  public internal(set) var revision = 0
  /// Per column: open deals, and value in the default currency of the cards on the board,
  /// kept up to date event by event so that headers cost nothing to draw.
  var columnTotals: [ColumnTotals] = []

  public init(config: PipelineConfig = .standard) {
    self.config = config
    self.criteria = config.criteria
    self.stages = []
    self.stageIndexByKey = [:]
    for stage in config.stages { addStage(stage) }
  }

  /// Number of leads, whatever their status.
  public var count: Int { storage.count - withdrawn.count }

  public subscript(id: LeadID) -> Lead? {
    guard let slot = slotByID[id] else { return nil }
    return storage[Int(slot)]
  }

  /// Every lead, in the order they were created.
  public var leads: [Lead] {
    guard !withdrawn.isEmpty else { return storage }
    return storage.indices.filter { !withdrawn.contains(Int32($0)) }.map { storage[$0] }
  }

  public func stage(forKey key: String) -> Stage? {
    stageIndexByKey[key].map { stages[$0] }
  }

  public func stageIndex(forKey key: String) -> Int? { stageIndexByKey[key] }

  /// The cards of a stage, top to bottom (open and won deals; lost ones are off the board).
  public func leads(inStage key: String) -> [Lead] {
    guard let column = stageIndexByKey[key] else { return [] }
    return columns.slots(in: column).map { storage[Int($0)] }
  }

  /// The lead at `position` (1 = top) of a stage.
  public func lead(inStage key: String, at position: Int) -> Lead? {
    guard let column = stageIndexByKey[key], position >= 1, position <= columns.counts[column] else {
      return nil
    }
    return storage[Int(columns.slot(at: position - 1, column: column))]
  }

  /// Calls `body` with each card of a stage, top to bottom, without copying the column.
  /// Each lead reaches `body` as a copy (perf shows a dozen retains a lead); a pass over
  /// many leads that needs a field or two reads them in place (`forEachCardOwner`).
  public func forEachCard(inStage key: String, _ body: (Lead) -> Void) {
    guard let column = stageIndexByKey[key] else { return }
    for slot in columns.slots(in: column) { body(storage[Int(slot)]) }
  }

  /// Calls `body` with up to `limit` cards of a stage from index `start` (0 = top) down,
  /// without copying them; returns how many that was. For work done a slice at a time.
  @discardableResult
  public func forEachCard(inStage key: String, from start: Int, limit: Int, _ body: (_ slot: Int, Lead) -> Void)
    -> Int
  {
    guard let column = stageIndexByKey[key] else { return 0 }
    return columns.forEachSlot(in: column, from: start, limit: limit) { body(Int($0), storage[Int($0)]) }
  }

  /// The owner and the value of each card of a stage, top to bottom, read in place: what
  /// a view by owner needs, without copying the leads (a copy retains a dozen strings: at
  /// 100,000 leads, nearly all the time of a pass).
  public func forEachCardOwner(inStage key: String, _ body: (_ owner: String, _ value: Money?) -> Void) {
    guard let column = stageIndexByKey[key] else { return }
    _ = columns.forEachSlot(in: column, from: 0, limit: .max) { slot in
      body(storage[Int(slot)].owner, storage[Int(slot)].value)
    }
  }

  /// Calls `body` with each card of a stage, top to bottom, lent in place (never copied:
  /// read its fields through the pointer, which is valid only during the call).
  public func forEachCard(inStage key: String, inPlace body: (UnsafePointer<Lead>) -> Void) {
    guard let column = stageIndexByKey[key] else { return }
    storage.withUnsafeBufferPointer { leads in
      guard let base = leads.baseAddress else { return }
      _ = columns.forEachSlot(in: column, from: 0, limit: .max) { body(base + Int($0)) }
    }
  }

  /// Calls `body` with each card of a stage, top to bottom, with its place in creation
  /// order (`lead(atSlot:)`), lent in place as `forEachCard(inStage:inPlace:)` lends it.
  public func forEachCardSlot(inStage key: String, _ body: (_ slot: Int32, UnsafePointer<Lead>) -> Void) {
    guard let column = stageIndexByKey[key] else { return }
    storage.withUnsafeBufferPointer { leads in
      guard let base = leads.baseAddress else { return }
      _ = columns.forEachSlot(in: column, from: 0, limit: .max) { body($0, base + Int($0)) }
    }
  }

  /// The leads a customer referred (those added naming it with `referredBy`), oldest first;
  /// a lead whose adding was undone is not among them.
  public func referrals(of id: LeadID) -> [LeadID] {
    // A batch taken back may have left an id here; one added again is here once.
    var seen = Set<LeadID>()
    return (referralsByLead[id] ?? []).filter { self[$0]?.referredBy == id && seen.insert($0).inserted }
  }

  /// The lead created at `slot` in creation order, while it is in the pipeline.
  public func lead(atSlot slot: Int) -> Lead? {
    guard storage.indices.contains(slot), withdrawn.isEmpty || !withdrawn.contains(Int32(slot)) else { return nil }
    return storage[slot]
  }

  /// The owner and status of each lead (leads whose adding was undone are left out), read
  /// in place.
  public func forEachOwner(_ body: (_ owner: String, _ status: LeadStatus) -> Void) {
    for slot in storage.indices where withdrawn.isEmpty || !withdrawn.contains(Int32(slot)) {
      body(storage[slot].owner, storage[slot].status)
    }
  }

  /// A lead's place in creation order (what `forEachCard(inStage:from:limit:)` and
  /// `forEachLead(slots:)` hand over), while it is in the pipeline.
  public func slot(of id: LeadID) -> Int? { slotByID[id].map(Int.init) }

  /// How many leads were ever created: `forEachLead(slots:)` takes ranges below this.
  public var slotCount: Int { storage.count }

  /// Calls `body` with each lead created in the range of creation order (leads whose adding
  /// was undone are left out), without copying them.
  public func forEachLead(slots: Range<Int>, _ body: (_ slot: Int, Lead) -> Void) {
    for slot in slots.clamped(to: storage.indices) where withdrawn.isEmpty || !withdrawn.contains(Int32(slot)) {
      body(slot, storage[slot])
    }
  }

  /// The ids of a stage's cards, top to bottom, without copying the leads.
  public func leadIDs(inStage key: String) -> [LeadID] {
    guard let column = stageIndexByKey[key] else { return [] }
    return columns.slots(in: column).map { storage[Int($0)].id }
  }

  /// Count, open deals and total value (in the configured default currency) of a stage's
  /// cards, and whether some of them are in other currencies. Constant time.
  public func totals(inStage key: String) -> (count: Int, open: Int, minorUnits: Int64, otherCurrencies: Bool) {
    guard let column = stageIndexByKey[key], columnTotals.indices.contains(column) else { return (0, 0, 0, false) }
    let totals = columnTotals[column]
    return (columns.counts[column], totals.open, totals.minorUnits, totals.otherCurrencies > 0)
  }

  /// Number of cards in a stage.
  public func cardCount(inStage key: String) -> Int {
    stageIndexByKey[key].map { columns.counts[$0] } ?? 0
  }

  /// The 1-based position of a lead in its column, or nil when it is off the board (lost).
  public func position(of id: LeadID) -> Int? {
    guard let slot = slotByID[id], columns.isOnBoard(slot),
      let column = stageIndexByKey[storage[Int(slot)].stage]
    else { return nil }
    return columns.index(of: slot, column: column) + 1
  }

  /// Throws the error `apply` would throw, without changing anything.
  ///
  /// Commands call this before writing an event, so that nothing invalid reaches the journal.
  /// With `strict`, stages must be ones the pipeline knows; replay is lenient about that.
  public func check(_ event: Event, strict: Bool = true) throws(PipelineError) {
    try check(event, slot: slotByID[event.lead], strict: strict)
  }

  /// `check` with the lead's slot already looked up (replay looks it up once per event).
  func check(_ event: Event, slot: Int32?, strict: Bool) throws(PipelineError) {
    switch event.change {
    case .created(let new):
      guard slot == nil else { throw .duplicateLead(event.lead) }
      guard LeadID.isValid(event.lead.rawValue) else { throw .invalidLeadID(event.lead.rawValue) }
      guard !new.name.allSatisfy(\.isWhitespace) else { throw .emptyName }
      guard new.position >= 1 else { throw .invalidPosition(new.position) }
      if strict { try requireStage(new.stage) }
      return
    case .unknown:
      return
    case .restored(let restoration):
      guard slot != nil || restoration.lead != nil else { throw .unknownLead(event.lead) }
      if let lead = restoration.lead {
        guard !lead.name.allSatisfy(\.isWhitespace) else { throw .emptyName }
        if strict { try requireStage(lead.stage) }
      }
      return
    default:
      break
    }
    guard let slot else { throw .unknownLead(event.lead) }
    // Only the status is needed; reading it in place avoids copying the whole lead.
    let status = storage[Int(slot)].status
    let id = event.lead
    switch event.change {
    case .created, .unknown, .restored:
      break
    case .edited(let edits):
      for case .text(.name, let name) in edits where name.allSatisfy(\.isWhitespace) {
        throw .emptyName
      }
    case .moved(let stage, let position, _):
      guard status != .lost else { throw .notOpen(id, status) }
      guard position >= 1 else { throw .invalidPosition(position) }
      if strict { try requireStage(stage) }
    case .checked, .followUpSet:
      break
    case .noteAdded(let text):
      guard !text.allSatisfy(\.isWhitespace) else { throw .emptyNote }
    case .noteRetracted(let text):
      guard storage[Int(slot)].notes.contains(where: { $0.text == text }) else { throw .noSuchNote }
    case .activityLogged(let kind, _):
      guard !kind.allSatisfy(\.isWhitespace) else { throw .emptyActivityKind }
    case .activityRetracted(let kind, let outcome):
      guard storage[Int(slot)].activities.contains(where: { $0.kind == kind && $0.outcome == outcome }) else {
        throw .noSuchActivity
      }
    case .won:
      guard status == .open else { throw .notOpen(id, status) }
    case .lost(let reason):
      guard status == .open else { throw .notOpen(id, status) }
      guard !reason.allSatisfy(\.isWhitespace) else { throw .emptyReason }
    case .reopened(let stage):
      guard status != .open else { throw .alreadyOpen(id) }
      if strict { try requireStage(stage) }
    }
  }

  /// Applies one event. Nothing changes when it throws.
  public mutating func apply(_ event: Event) throws(PipelineError) {
    let found = slotByID[event.lead]
    try check(event, slot: found, strict: false)
    applyChecked(event, slot: found)
  }

  /// Applies an event that passed `check`; `found` is its lead's slot.
  mutating func applyChecked(_ event: Event, slot found: Int32?) {
    revision += 1
    let time = event.effectiveTime
    if case .created(let new) = event.change {
      create(event.lead, new, at: time)
      count(Int32(storage.count - 1), sign: 1)
      return
    }
    if case .restored(let restoration) = event.change {
      restore(event.lead, restoration)
      return
    }
    guard let slot = found else { return }
    count(slot, sign: -1)
    defer { count(slot, sign: 1) }
    let index = Int(slot)
    switch event.change {
    case .created, .unknown, .restored:
      return
    case .edited(let edits):
      for edit in edits { storage[index].apply(edit) }
    case .moved(let stage, let position, _):
      move(slot, to: stage, position: position, at: time)
    case .checked(let criterion, let isChecked, let answer):
      storage[index].checklist[criterion] = isChecked
      if !isChecked {
        storage[index].answers[criterion] = nil
      } else if let answer {
        storage[index].answers[criterion] = answer.isEmpty ? nil : answer
      }
    case .noteAdded(let text):
      storage[index].notes.append(Note(text: text, time: time))
    case .noteRetracted(let text):
      if let last = storage[index].notes.lastIndex(where: { $0.text == text }) {
        storage[index].notes.remove(at: last)
      }
    case .activityLogged(let kind, let outcome):
      storage[index].activities.append(Activity(kind: kind, outcome: outcome, time: time))
    case .activityRetracted(let kind, let outcome):
      if let last = storage[index].activities.lastIndex(where: { $0.kind == kind && $0.outcome == outcome }) {
        storage[index].activities.remove(at: last)
      }
    case .followUpSet(let followUp):
      storage[index].followUp = followUp
    case .won:
      move(slot, to: wonStage, position: 1, at: time)
      storage[index].status = .won
      storage[index].closed = time
    case .lost(let reason):
      columns.remove(slot, column: stageIndexByKey[storage[index].stage]!)
      storage[index].status = .lost
      storage[index].lostReason = reason
      storage[index].closed = time
    case .reopened(let stage):
      if storage[index].status == .lost {
        // Back on the board, at the top of the stage it was lost from.
        columns.insert(slot, column: stageIndexByKey[storage[index].stage]!, at: 0)
      }
      storage[index].status = .open
      storage[index].lostReason = nil
      storage[index].closed = nil
      move(slot, to: stage, position: 1, at: time)
    }
    storage[index].lastActivity = max(storage[index].lastActivity, time)
  }

  /// Where won deals go: the last configured stage.
  public var wonStage: String { (config.stages.last ?? stages[stages.count - 1]).key }

  private func requireStage(_ key: String) throws(PipelineError) {
    guard stageIndexByKey[key] != nil else { throw .unknownStage(key, known: stages.map(\.key)) }
  }

  mutating func addStage(_ stage: Stage) {
    guard stageIndexByKey[stage.key] == nil else { return }
    stageIndexByKey[stage.key] = stages.count
    stages.append(stage)
    columns.addColumn()
    columnTotals.append(ColumnTotals())
  }

  /// Adds (`sign` 1) or removes (-1) a card's share of its column's totals.
  mutating func count(_ slot: Int32, sign: Int) {
    guard let column = columns.column(of: slot) else { return }
    let lead = Int(slot)
    if storage[lead].status == .open { columnTotals[column].open += sign }
    guard let value = storage[lead].value else { return }
    if value.currency == config.defaultCurrency {
      columnTotals[column].minorUnits += Int64(sign) * value.minorUnits
    } else {
      columnTotals[column].otherCurrencies += sign
    }
  }

  /// A stage the journal names but the configuration does not: keep its deals visible.
  private mutating func column(forStage key: String) -> Int {
    if let column = stageIndexByKey[key] { return column }
    addStage(Stage(key: key, title: key, probability: 0))
    return stages.count - 1
  }

  private mutating func create(_ id: LeadID, _ new: NewLead, at time: Timestamp) {
    let column = column(forStage: new.stage)
    // The stage's own key string, so a million leads share one copy of each key.
    var lead = Lead(id: id, name: new.name, stage: stages[column].key, created: time)
    if let entered = new.stageEntered, entered > time {
      lead.stageEntered = entered
      lead.stageHistory = [StageVisit(stage: lead.stage, entered: entered)]
      lead.lastActivity = entered
    }
    lead.company = new.company
    lead.email = new.email
    lead.phone = new.phone
    lead.owner = new.owner
    lead.source = new.source
    lead.reference = new.reference
    lead.value = new.value
    lead.expectedClose = new.expectedClose
    lead.custom = new.custom
    lead.referredBy = new.referredBy
    if let referrer = new.referredBy { referralsByLead[referrer, default: []].append(id) }
    let slot = Int32(storage.count)
    storage.append(lead)
    slotByID[id] = slot
    columns.addSlot()
    columns.insert(slot, column: column, at: new.position - 1)
  }

  /// Puts a lead back as `restoration` has it, or takes it out of the pipeline.
  private mutating func restore(_ id: LeadID, _ restoration: Restoration) {
    var slot = slotByID[id]
    if let found = slot {
      count(found, sign: -1)
      if columns.isOnBoard(found) { columns.remove(found, column: stageIndexByKey[storage[Int(found)].stage]!) }
    }
    guard var lead = restoration.lead else {
      // An add undone: the lead leaves the pipeline.
      if let found = slot {
        slotByID[id] = nil
        withdrawn.insert(found)
      }
      return
    }
    let column = column(forStage: lead.stage)
    lead.id = id
    lead.stage = stages[column].key
    if let found = slot {
      lead.notes = storage[Int(found)].notes
      lead.activities = storage[Int(found)].activities
      storage[Int(found)] = lead
    } else {
      // An undone add, redone: back as it was.
      lead.notes = []
      lead.activities = []
      if let referrer = lead.referredBy, !(referralsByLead[referrer] ?? []).contains(id) {
        referralsByLead[referrer, default: []].append(id)
      }
      slot = Int32(storage.count)
      storage.append(lead)
      slotByID[id] = slot
      columns.addSlot()
    }
    guard let slot else { return }
    if lead.status != .lost { columns.insert(slot, column: column, at: restoration.position - 1) }
    count(slot, sign: 1)
  }

  private mutating func move(_ slot: Int32, to stage: String, position: Int, at time: Timestamp) {
    let index = Int(slot)
    let from = stageIndexByKey[storage[index].stage]!
    let to = column(forStage: stage)
    if columns.isOnBoard(slot) { columns.remove(slot, column: from) }
    columns.insert(slot, column: to, at: position - 1)
    if from != to {
      let stage = stages[to].key
      storage[index].stageEntered = time
      if !storage[index].stageHistory.isEmpty {
        storage[index].stageHistory[storage[index].stageHistory.count - 1].left = time
      }
      storage[index].stage = stage
      storage[index].stageHistory.append(StageVisit(stage: stage, entered: time))
    }
  }
}

extension Lead {
  mutating func apply(_ edit: FieldEdit) {
    switch edit {
    case .text(let field, let text):
      switch field {
      case .name: name = text
      case .company: company = text
      case .email: email = text
      case .phone: phone = text
      case .owner: owner = text
      case .source: source = text
      case .reference: reference = text
      }
    case .value(let money): value = money
    case .expectedClose(let day): expectedClose = day
    case .custom(let key, let text): custom[key] = text
    }
  }
}

/// What a column header sums up, maintained as events are applied.
struct ColumnTotals: Hashable, Sendable {
  var open = 0
  var minorUnits: Int64 = 0
  /// Cards whose value is in another currency than the default.
  var otherCurrencies = 0
}
