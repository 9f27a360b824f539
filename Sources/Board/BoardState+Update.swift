import PipelineCore
import TerminalModel
import TerminalText

extension BoardState {
  /// Handles one message and returns what the loop should do. `pipeline` is the current
  /// state of the journal (after any change the message reports).
  public mutating func update(_ message: Message, pipeline: Pipeline) -> [Effect] {
    // Every change remembers the lead as the rep saw it, so that undo puts it back exactly.
    let effects = react(to: message, pipeline: pipeline).map { effect -> Effect in
      guard case .record(var record) = effect, record.kind == .change, record.before == nil else { return effect }
      record.before = Restoration(
        reverses: "", lead: pipeline[record.lead], position: pipeline.position(of: record.lead) ?? 1)
      return .record(record)
    }
    if case .agenda = mode, agendaRevision != pipeline.revision {
      agendaItems = pipeline.leads.filter { $0.status != .lost && $0.followUp != nil }
        .sorted { ($0.followUp!.due, $0.name) < ($1.followUp!.due, $1.name) }.map(\.id)
      agendaRevision = pipeline.revision
    }
    refreshTable(pipeline)
    return effects
  }

  private mutating func react(to message: Message, pipeline: Pipeline) -> [Effect] {
    summaries.refresh(pipeline, filter: ownerFilter, query: filter, now: now, today: today)
    if case .externalChanges = message, let lead = focusedLead, let place = shownPlace(of: lead, pipeline),
      place.column != column, !isMoving
    {
      // The focus stays on its card wherever another process or member moved it; only a
      // card that left the board (or the owner's view) leaves the focus at its place.
      focus(on: lead, pipeline, revealing: false)
    }
    syncFocus(pipeline)
    switch message {
    case .key(let key):
      return handle(key, pipeline: pipeline)
    case .resize(let width, let height):
      self.width = width
      self.height = height
      // Whatever the new size, the focused card is on screen.
      ensureColumnVisible(pipeline)
      ensureRowVisible()
      return []
    case .tick(let time):
      now = time
      return []
    case .recorded(let record):
      finish(record, pipeline: pipeline)
      return []
    case .failed(let record, let reason):
      self.message = StatusMessage("Not saved: \(record.label): \(reason)", isError: true)
      return []
    case .noteWritten(let lead, let text):
      guard let text, !text.allSatisfy(\.isWhitespace), let found = pipeline[lead] else {
        self.message = StatusMessage("No note added")
        return []
      }
      if let reason = readOnlyReason { return refuse(reason) }
      let lines = text.split(separator: "\n").count
      return [
        .record(
          Record(
            lead: lead, change: .noteAdded(text),
            label: "Note added to \(found.name) (\(lines) line\(lines == 1 ? "" : "s"))", inverse: .noteRetracted(text))
        )
      ]
    case .notice(let text):
      self.message = StatusMessage(text, isError: true)
      return []
    case .externalChanges(let count):
      if count > 0 { self.message = StatusMessage("\(count) change\(count == 1 ? "" : "s") from elsewhere") }
      searchIndex = nil
      return []
    }
  }

  /// Whether the search index is out of date with the pipeline.
  public func searchIndexIsStale(_ pipeline: Pipeline) -> Bool { searchIndex?.revision != pipeline.revision }

  /// Whether a search index is being built, a slice at a time (the loop then looks for keys
  /// between slices instead of waiting for one).
  public var isIndexing: Bool { searchIndexBuilder != nil }

  /// Whether the search index should be built now rather than when the rep is idle: a
  /// search is open on an index that is out of date.
  public func needsSearchIndexNow(_ pipeline: Pipeline) -> Bool {
    if case .search = mode { return searchIndexIsStale(pipeline) }
    return false
  }

  /// Builds the search index ahead of time, so that `/` opens at once: about `budget` leads
  /// at a time (the loop calls this when the rep has been idle for a moment, and again
  /// between keys until it is done). When it is done during a search, the search is run
  /// again on it.
  public mutating func prepareSearch(_ pipeline: Pipeline, budget: Int = .max) {
    guard searchIndexIsStale(pipeline) else {
      searchIndexBuilder = nil
      return
    }
    // Taken out while it grows: a second reference would make every slice copy the whole
    // index built so far.
    var builder = searchIndexBuilder ?? SearchIndex.Builder(pipeline)
    searchIndexBuilder = nil
    guard let index = builder.advance(pipeline, budget: budget) else {
      searchIndexBuilder = builder
      return
    }
    searchIndex = index
    searchIndexBuilder = nil
    if case .search(let search) = mode { mode = .search(search.rerun(&self, pipeline)) }
  }

  /// Makes the search index current when that is cheap; true when there is one to search.
  mutating func searchIndexForSearching(_ pipeline: Pipeline) -> Bool {
    if searchIndexIsStale(pipeline) && pipeline.count <= searchIndexBuiltAtOnceUpTo {
      searchIndex = SearchIndex(pipeline)
      searchIndexBuilder = nil
    }
    return searchIndex != nil
  }

  /// The dispatch: a key reaches the mode only when the mode's table binds it, and a
  /// binding that writes is refused here, in one place, when the journal is read-only.
  mutating func handle(_ key: Key, pipeline: Pipeline) -> [Effect] {
    if key == .control("c") {
      wantsToQuit = true
      return [.quit]
    }
    if case .mouse(let mouse) = key {
      // With the mouse turned off in the config, a report that still arrives is nothing.
      return mouseEnabled ? handle(mouse, pipeline: pipeline) : []
    }
    // A key ends whatever the mouse was doing: a drag cancelled or dropped by a key does not
    // go on with the next report (which would lift the card again).
    mouseDown = nil
    isMouseDrag = false
    let component: any ModeComponent = layout.isTooSmall ? TooSmallMode() : mode.component
    guard let binding = type(of: component).bindings.first(where: { $0.matches(key) }) else {
      // On the plain board an unbound key only dismisses the status message.
      if case .board = mode { message = nil }
      return []
    }
    if binding.writes, let reason = readOnlyReason { return refuse(reason) }
    return component.update(key, board: &self, pipeline: pipeline)
  }

  // MARK: Actions shared by the modes

  mutating func noCard() -> [Effect] {
    message = StatusMessage("No card here")
    return []
  }

  /// A move of `lead`, through the stage gate when it carries the deal past an incomplete
  /// checklist.
  mutating func propose(
    move lead: Lead, toColumn targetColumn: Int, row targetRow: Int, _ pipeline: Pipeline, returnTo: Mode
  ) -> [Effect] {
    let target = pipeline.stages[targetColumn]
    // A won deal stays in the stage won deals go to (it may change places there), as
    // `closer move` refuses it: reopened, it moves again.
    guard lead.status == .open || lead.stage == target.key else {
      mode = returnTo
      let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
      message = StatusMessage(
        "\(lead.name) is \(lead.status.rawValue) and stays in \(stage); `closer reopen` brings it back first",
        isError: true)
      return []
    }
    let count = cardCount(targetColumn, pipeline) + (lead.stage == target.key ? 0 : 1)
    let gates = pipeline.gates(for: lead, movingTo: target.key)
    let inverse = Change.moved(
      stage: lead.stage, position: (pipeline.position(of: lead.id) ?? 1), gateOverridden: false)
    let position = dropPosition(of: lead, column: targetColumn, row: targetRow, pipeline)
    var record = Record(
      lead: lead.id, change: .moved(stage: target.key, position: position, gateOverridden: !gates.isEmpty),
      label: "Moved \(lead.name) to \(target.title), \(targetRow + 1) of \(count)", inverse: inverse)
    if gates.isEmpty {
      mode = returnTo
      return [.record(record)]
    }
    let missing = gates.map { "\($0.stage.title) needs \($0.missing.map(\.title).joined(separator: ", "))" }
    record.label += " (gate overridden)"
    mode = .confirm(
      Confirmation(
        question: "Move anyway? y/n · \(missing.joined(separator: "; "))", record: record, cancelMode: .board))
    return []
  }

  mutating func refuse(_ reason: String) -> [Effect] {
    message = StatusMessage("Read-only: \(reason)", isError: true)
    mode = .board
    return []
  }

  mutating func toggle(criterion index: Int, _ pipeline: Pipeline) -> [Effect] {
    guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
    let criteria = pipeline.criteria
    guard index < criteria.count else {
      message = StatusMessage("There is no criterion \(index + 1); the checklist has \(criteria.count)")
      return []
    }
    let criterion = criteria[index]
    let now = !lead.isChecked(criterion.key)
    return [
      .record(
        Record(
          lead: id, change: .checked(criterion: criterion.key, isChecked: now),
          label: "\(criterion.title) \(now ? "ticked" : "unticked") for \(lead.name)",
          inverse: .checked(criterion: criterion.key, isChecked: !now)))
    ]
  }

  mutating func undo(_ pipeline: Pipeline) -> [Effect] {
    guard let entry = undoStack.last else {
      message = StatusMessage("Nothing to undo")
      return []
    }
    guard UndoEntry.leaves(pipeline[entry.lead], asLeftBy: entry.redo) else {
      return changedSince(entry)
    }
    return [
      .record(
        Record(
          lead: entry.lead, change: entry.reversing(entry.undo), label: "Undid: \(entry.label)", inverse: nil,
          kind: .undo))
    ]
  }

  mutating func redo(_ pipeline: Pipeline) -> [Effect] {
    guard let entry = redoStack.last else {
      message = StatusMessage("Nothing to redo")
      return []
    }
    guard UndoEntry.leaves(pipeline[entry.lead], asLeftBy: entry.undo) else {
      return changedSince(entry)
    }
    return [
      .record(
        Record(
          lead: entry.lead, change: entry.reversing(entry.redo), label: "Redid: \(entry.label)", inverse: nil,
          kind: .redo))
    ]
  }

  /// An undo or redo that would lose what someone else changed on the lead since: refused.
  private mutating func changedSince(_ entry: UndoEntry) -> [Effect] {
    message = StatusMessage(
      "Nothing written: the lead of \"\(entry.label)\" was changed elsewhere since, and putting it back would lose that",
      isError: true)
    return []
  }

  /// A change was saved: update the history and follow the card.
  private mutating func finish(_ record: Record, pipeline: Pipeline) {
    let eventID = record.eventID ?? ""
    switch record.kind {
    case .change:
      // Undo puts the lead back exactly as it was before (or takes out a lead just added);
      // redo puts it back as it was after. A note or a logged activity is taken back by
      // retracting it.
      let after = Change.restored(
        Restoration(reverses: "", lead: pipeline[record.lead], position: pipeline.position(of: record.lead) ?? 1))
      if record.change.isTakenBack, let inverse = record.inverse {
        undoStack.append(
          UndoEntry(lead: record.lead, undo: inverse, redo: record.change, label: record.label, eventID: eventID))
      } else if case .created = record.change {
        undoStack.append(
          UndoEntry(
            lead: record.lead, undo: .restored(Restoration(reverses: "", lead: nil)), redo: after,
            label: record.label, eventID: eventID))
        focus(on: record.lead, pipeline)
      } else if let before = record.before {
        undoStack.append(
          UndoEntry(lead: record.lead, undo: .restored(before), redo: after, label: record.label, eventID: eventID))
      }
      redoStack.removeAll()
    case .undo:
      if var entry = undoStack.popLast() {
        entry.eventID = eventID
        redoStack.append(entry)
      }
    case .redo:
      if var entry = redoStack.popLast() {
        entry.eventID = eventID
        undoStack.append(entry)
      }
    }
    // After an undo or a redo, the focus is on the lead it concerned, wherever it is now.
    if record.kind != .change, pipeline.position(of: record.lead) != nil { focus(on: record.lead, pipeline) }
    message = StatusMessage(record.label)
    // A deal the rep moved into another stage (or won): what to do there, for a moment.
    if record.kind == .change, let lead = pipeline[record.lead], lead.stage != record.before?.lead?.stage,
      let guidance = pipeline.stage(forKey: lead.stage)?.guidance, !guidance.isEmpty
    {
      message = StatusMessage("\(record.label) · \(guidance)")
    }
    // A card the rep moved out of the view (the filter's stage) leaves it; the view stays.
    if case .moved = record.change { focus(on: record.lead, pipeline, revealing: record.kind != .change) }
    if case .reopened = record.change { focus(on: record.lead, pipeline, revealing: record.kind != .change) }
    if case .move = mode { mode = .board }
    if case .agenda = mode { return }
  }
}

extension Change {
  /// A note or an activity: undone by taking it back (a retraction), not by a restoration,
  /// so that whatever else happened to the lead since stays.
  var isTakenBack: Bool {
    switch self {
    case .noteAdded, .activityLogged: true
    default: false
    }
  }
}
