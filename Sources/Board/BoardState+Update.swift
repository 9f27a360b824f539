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
      agendaItems = pipeline.leads.filter { $0.status == .open && $0.followUp != nil }
        .sorted { ($0.followUp!.due, $0.name) < ($1.followUp!.due, $1.name) }.map(\.id)
      agendaRevision = pipeline.revision
    }
    return effects
  }

  private mutating func react(to message: Message, pipeline: Pipeline) -> [Effect] {
    summaries.refresh(pipeline)
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

  /// Builds the search index ahead of time, so that `/` opens at once. The loop calls this
  /// when the rep has been idle for a moment.
  public mutating func prepareSearch(_ pipeline: Pipeline) {
    if searchIndexIsStale(pipeline) { searchIndex = SearchIndex(pipeline) }
  }

  private mutating func handle(_ key: Key, pipeline: Pipeline) -> [Effect] {
    if key == .control("c") {
      wantsToQuit = true
      return [.quit]
    }
    if layout.isTooSmall {
      // Nothing on it can be seen, so nothing on it can be acted on: only quit.
      guard key == .character("q") else { return [] }
      wantsToQuit = true
      return [.quit]
    }
    // A key does what the help lists for this mode, or nothing; a key that would write is
    // refused here when the journal is read-only.
    guard let binding = KeyBindings.of(mode).first(where: { $0.matches(key) }) else {
      // On the plain board an unbound key only dismisses the status message.
      if case .board = mode { message = nil }
      return []
    }
    if binding.writes, let reason = readOnlyReason { return refuse(reason) }
    switch mode {
    case .board: return boardKey(key, pipeline: pipeline)
    case .move(let move): return moveKey(key, move, pipeline: pipeline)
    case .search(let search): return searchKey(key, search, pipeline: pipeline)
    case .detail(let item): return detailKey(key, item: item, pipeline: pipeline)
    case .confirm(let confirmation): return confirmKey(key, confirmation)
    case .prompt(let prompt): return promptKey(key, prompt, pipeline: pipeline)
    case .agenda(let selected): return agendaKey(key, selected: selected, pipeline: pipeline)
    case .form(let form): return formKey(key, form, pipeline: pipeline)
    case .insights(let view): return insightsKey(key, view, pipeline: pipeline)
    case .help(let over):
      // Any key closes the help (q too: only q on the plain board quits).
      mode = over
      return []
    }
  }

  // MARK: Board mode

  private mutating func boardKey(_ key: Key, pipeline: Pipeline) -> [Effect] {
    message = nil
    switch key {
    case .left, .character("h"): focusColumn(column - 1, pipeline)
    case .right, .character("l"): focusColumn(column + 1, pipeline)
    case .up, .character("k"): focusRow(row - 1, pipeline)
    case .down, .character("j"): focusRow(row + 1, pipeline)
    case .home: focusRow(0, pipeline)
    case .end: focusRow(cardCount(column, pipeline) - 1, pipeline)
    case .pageUp: focusRow(row - max(1, visibleCards - 1), pipeline)
    case .pageDown: focusRow(row + max(1, visibleCards - 1), pipeline)
    case .character(" "):
      guard let lead = focusedLead else { return noCard() }
      mode = .move(MoveState(lead: lead, originColumn: column, originRow: row, targetColumn: column, targetRow: row))
    case .shiftLeft, .character("H"): return step(dColumn: -1, dRow: 0, pipeline)
    case .shiftRight, .character("L"): return step(dColumn: 1, dRow: 0, pipeline)
    case .shiftUp, .character("K"): return step(dColumn: 0, dRow: -1, pipeline)
    case .shiftDown, .character("J"): return step(dColumn: 0, dRow: 1, pipeline)
    case .character("/"):
      if searchIndex?.revision != pipeline.revision { searchIndex = SearchIndex(pipeline) }
      mode = .search(SearchState())
    case .character("n"): jumpToMatch(1, pipeline)
    case .character("N"): jumpToMatch(-1, pipeline)
    case .escape: highlight = nil
    case .enter, .tab:
      guard focusedLead != nil else { return noCard() }
      mode = .detail(item: 0)
      detailScroll = 0
      detailFollowsSelection = true
    case .character(let c) where c.isASCII && c.isNumber && c != "0":
      return toggle(criterion: Int(String(c))! - 1, pipeline)
    case .character("a"):
      guard pipeline.stages.indices.contains(column) else { return [] }
      mode = .form(LeadForm(new: pipeline.stages[column].key))
    case .character("e"):
      guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
      mode = .form(LeadForm(editing: lead))
    case .character("i"):
      mode = .insights(insightsView(period: 1, pipeline))
    case .character("w"): return markWon(pipeline)
    case .character("c"):
      guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
      return [.editNote(lead: id, name: lead.name)]
    case .character("f"):
      guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
      mode = .prompt(
        Prompt(
          lead: id, purpose: .followUpAction, question: "Next action for \(lead.name)?", options: [],
          text: lead.followUp?.action ?? "", isPrefilled: lead.followUp != nil))
    case .character("A"):
      mode = .agenda(selected: 0)
      agendaRevision = -1
    case .character("x"):
      guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
      guard lead.status == .open else {
        message = StatusMessage("\(lead.name) is \(lead.status.rawValue), not open")
        return []
      }
      mode = .prompt(Prompt(lead: id, question: "Lost because?", options: pipeline.config.lostReasons))
    case .character("u"): return undo(pipeline)
    case .control("r"): return redo(pipeline)
    case .character("?"): mode = .help(over: .board)
    case .character("q"):
      wantsToQuit = true
      return [.quit]
    default: break
    }
    return []
  }

  private mutating func noCard() -> [Effect] {
    message = StatusMessage("No card here")
    return []
  }

  /// Shift+arrows: one step at once, one journal event.
  private mutating func step(dColumn: Int, dRow: Int, _ pipeline: Pipeline) -> [Effect] {
    guard let lead = focusedLead, let current = pipeline[lead] else { return noCard() }
    let targetColumn = column + dColumn
    guard targetColumn >= 0, targetColumn < pipeline.stages.count else {
      message = StatusMessage("\(current.name) is already in the \(dColumn < 0 ? "first" : "last") stage")
      return []
    }
    let count = cardCount(targetColumn, pipeline) + (dColumn == 0 ? 0 : 1)
    let targetRow = min(max(row + dRow, 0), count - 1)
    guard targetColumn != column || targetRow != row else {
      message = StatusMessage("\(current.name) is already at the \(dRow < 0 ? "top" : "bottom") of its column")
      return []
    }
    return propose(move: current, toColumn: targetColumn, row: targetRow, pipeline, returnTo: .board)
  }

  /// A move of `lead`, through the stage gate when it carries the deal past an incomplete
  /// checklist.
  private mutating func propose(
    move lead: Lead, toColumn targetColumn: Int, row targetRow: Int, _ pipeline: Pipeline, returnTo: Mode
  ) -> [Effect] {
    let target = pipeline.stages[targetColumn]
    let count = cardCount(targetColumn, pipeline) + (lead.stage == target.key ? 0 : 1)
    let gates = pipeline.gates(for: lead, movingTo: target.key)
    let inverse = Change.moved(
      stage: lead.stage, position: (pipeline.position(of: lead.id) ?? 1), gateOverridden: false)
    var record = Record(
      lead: lead.id, change: .moved(stage: target.key, position: targetRow + 1, gateOverridden: !gates.isEmpty),
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

  private mutating func refuse(_ reason: String) -> [Effect] {
    message = StatusMessage("Read-only: \(reason)", isError: true)
    mode = .board
    return []
  }

  private mutating func toggle(criterion index: Int, _ pipeline: Pipeline) -> [Effect] {
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

  private mutating func markWon(_ pipeline: Pipeline) -> [Effect] {
    guard let id = focusedLead, let lead = pipeline[id] else { return noCard() }
    guard lead.status == .open else {
      message = StatusMessage("\(lead.name) is already \(lead.status.rawValue)")
      return []
    }
    let value = lead.value.map { " (\($0.description))" } ?? ""
    var record = Record(
      lead: id, change: .won, label: "Won: \(lead.name)\(value)", inverse: .reopened(stage: lead.stage))
    // A win carries the deal past every stage before the last: the same soft gate as a move.
    let gates = pipeline.gates(for: lead, movingTo: pipeline.wonStage)
    guard gates.isEmpty else {
      let missing = gates.map { "\($0.stage.title) needs \($0.missing.map(\.title).joined(separator: ", "))" }
      record.label += " (gate overridden)"
      mode = .confirm(
        Confirmation(
          question: "Mark won anyway? y/n · \(missing.joined(separator: "; "))", record: record, cancelMode: .board,
          cancelMessage: "Not marked won"))
      return []
    }
    return [.record(record)]
  }

  private mutating func promptKey(_ key: Key, _ prompt: Prompt, pipeline: Pipeline) -> [Effect] {
    var prompt = prompt
    prompt.problem = nil
    switch key {
    case .escape:
      mode = .board
      message = StatusMessage(prompt.purpose == .lostReason ? "Not marked lost" : "Follow-up unchanged")
      return []
    case .backspace:
      if prompt.isPrefilled { prompt.text = "" } else if !prompt.text.isEmpty { prompt.text.removeLast() }
      prompt.isPrefilled = false
    case .control("u"):
      prompt.text = ""
      prompt.isPrefilled = false
    case .enter where prompt.purpose != .lostReason:
      return answerFollowUp(prompt, pipeline)
    case .character(let c):
      // A pre-filled answer is replaced by what is typed, not added to.
      if prompt.isPrefilled { prompt.text = "" }
      prompt.isPrefilled = false
      prompt.text.append(c)
    case .paste(let pasted):
      if prompt.isPrefilled { prompt.text = "" }
      prompt.isPrefilled = false
      prompt.text += cleanLine(pasted)
    case .enter:
      // A reason's number then Enter picks it; anything else typed is the reason itself
      // ("6 months out" included).
      let typed = cleanLine(prompt.text)
      guard !typed.isEmpty else { return [] }
      if let number = Int(typed), typed.allSatisfy(\.isASCII) {
        guard prompt.options.indices.contains(number - 1) else {
          prompt.problem = "there is no reason \(number); pick 1-\(prompt.options.count), or type one"
          mode = .prompt(prompt)
          return []
        }
        return markLost(prompt.lead, reason: prompt.options[number - 1], pipeline)
      }
      let known = prompt.options.first { SearchKey.fold($0) == SearchKey.fold(typed) }
      return markLost(prompt.lead, reason: known ?? typed, pipeline)
    default:
      return []
    }
    mode = .prompt(prompt)
    return []
  }

  /// The follow-up prompt's two steps: the action, then when it is due.
  private mutating func answerFollowUp(_ prompt: Prompt, _ pipeline: Pipeline) -> [Effect] {
    var prompt = prompt
    let typed = cleanLine(prompt.text)
    switch prompt.purpose {
    case .lostReason:
      return []
    case .followUpAction:
      guard !typed.isEmpty else {
        prompt.problem = "type the next action, or Esc"
        mode = .prompt(prompt)
        return []
      }
      let current = pipeline[prompt.lead]?.followUp?.due.description ?? "tomorrow"
      mode = .prompt(
        Prompt(
          lead: prompt.lead, purpose: .followUpDue(action: typed), question: "Due?", options: [], text: current,
          isPrefilled: true))
      return []
    case .followUpDue(let action):
      switch DueDate.parse(typed, today: today) {
      case .failure(let error):
        prompt.problem = error.description
        mode = .prompt(prompt)
        return []
      case .success(let day):
        mode = .board
        guard let lead = pipeline[prompt.lead] else { return [] }
        return [
          .record(
            Record(
              lead: lead.id, change: .followUpSet(FollowUp(action: action, due: day)),
              label: "Next for \(lead.name): \(action), due \(day)\(day < today ? " (already overdue)" : "")",
              inverse: .followUpSet(lead.followUp)))
        ]
      }
    }
  }

  // MARK: Insights

  func insightsView(period: Int, _ pipeline: Pipeline) -> InsightsView {
    let days = InsightsView.periods[period]
    let figures = pipeline.insights(since: now.adding(days: -days), until: now)
    return InsightsView(period: period, figures: figures)
  }

  private mutating func insightsKey(_ key: Key, _ view: InsightsView, pipeline: Pipeline) -> [Effect] {
    var view = view
    switch key {
    case .escape, .character("i"), .character("q"):
      mode = .board
      return []
    case .left, .character("h"):
      view = insightsView(period: max(0, view.period - 1), pipeline)
    case .right, .character("l"):
      view = insightsView(period: min(InsightsView.periods.count - 1, view.period + 1), pipeline)
    case .down, .character("j"):
      view.selected = min(max(0, view.figures.slowest.count - 1), view.selected + 1)
      view.followSelection = true
    case .up, .character("k"):
      view.selected = max(0, view.selected - 1)
      view.followSelection = true
    case .pageDown, .character(" "):
      view.scroll += max(1, height - 4)
    case .pageUp:
      view.scroll = max(0, view.scroll - max(1, height - 4))
    case .enter:
      guard view.figures.slowest.indices.contains(view.selected) else { return [] }
      mode = .board
      focus(on: view.figures.slowest[view.selected].lead, pipeline)
      return []
    default:
      return []
    }
    mode = .insights(view)
    return []
  }

  // MARK: Form

  private mutating func formKey(_ key: Key, _ form: LeadForm, pipeline: Pipeline) -> [Effect] {
    var form = form
    form.problem = nil
    let fields = LeadForm.Field.allCases
    switch key {
    case .escape:
      mode = .board
      message = StatusMessage(form.lead == nil ? "Nothing added" : "Nothing changed")
      return []
    case .tab, .down:
      form.focus = fields[(form.focus.rawValue + 1) % fields.count]
    case .backTab, .up:
      form.focus = fields[(form.focus.rawValue - 1 + fields.count) % fields.count]
    case .enter:
      return save(form, pipeline)
    default:
      _ = form.inputs[form.focus.rawValue].handle(key)
    }
    mode = .form(form)
    return []
  }

  /// Checks the form; saves it as one event, or shows what to fix and keeps it open.
  private mutating func save(_ form: LeadForm, _ pipeline: Pipeline) -> [Effect] {
    var form = form
    func problem(_ text: String, _ field: LeadForm.Field) -> [Effect] {
      form.problem = text
      form.focus = field
      mode = .form(form)
      return []
    }
    let name = form[.name]
    guard !name.isEmpty else { return problem("A lead needs a name", .name) }
    var value: Money?
    if !form[.value].isEmpty {
      switch Money.parse(form[.value], defaultCurrency: pipeline.config.defaultCurrency) {
      case .success(let money): value = money
      case .failure(let error): return problem(error.description, .value)
      }
    }
    guard let id = form.lead else {
      var new = NewLead(name: name, stage: form.stage)
      new.company = form[.company]
      new.email = form[.email]
      new.phone = form[.phone]
      new.source = form[.source]
      new.value = value
      mode = .board
      return [.create(new)]
    }
    guard let lead = pipeline[id] else {
      mode = .board
      return []
    }
    var edits: [FieldEdit] = []
    var undo: [FieldEdit] = []
    for (field, text, old) in [
      (TextField.name, name, lead.name), (.company, form[.company], lead.company), (.email, form[.email], lead.email),
      (.phone, form[.phone], lead.phone), (.source, form[.source], lead.source),
    ] where text != old {
      edits.append(.text(field, text))
      undo.append(.text(field, old))
    }
    if value != lead.value {
      edits.append(.value(value))
      undo.append(.value(lead.value))
    }
    mode = .board
    guard !edits.isEmpty else {
      message = StatusMessage("Nothing changed")
      return []
    }
    return [.record(Record(lead: id, change: .edited(edits), label: "Saved \(name)", inverse: .edited(undo)))]
  }

  // MARK: Agenda

  /// Open deals with a follow-up, soonest due first.
  func agenda(_ pipeline: Pipeline) -> [Lead] {
    agendaItems.compactMap { pipeline[$0] }.filter { $0.status == .open && $0.followUp != nil }
  }

  private mutating func agendaKey(_ key: Key, selected: Int, pipeline: Pipeline) -> [Effect] {
    let items = agenda(pipeline)
    switch key {
    case .escape, .character("A"), .character("q"):
      mode = .board
    case .up, .character("k"):
      mode = .agenda(selected: max(0, selected - 1))
    case .down, .character("j"):
      mode = .agenda(selected: min(max(0, items.count - 1), selected + 1))
    case .enter:
      mode = .board
      if items.indices.contains(selected) { focus(on: items[selected].id, pipeline) }
    case .character("d"):
      guard items.indices.contains(selected), let followUp = items[selected].followUp else { return [] }
      let lead = items[selected]
      mode = .agenda(selected: max(0, min(selected, items.count - 2)))
      return [
        .record(
          Record(
            lead: lead.id, change: .followUpSet(nil), label: "Done: \(followUp.action) for \(lead.name)",
            inverse: .followUpSet(followUp)))
      ]
    case .character("u"):
      return undo(pipeline)
    case .character("?"):
      mode = .help(over: mode)
    default:
      break
    }
    return []
  }

  private mutating func markLost(_ id: LeadID, reason: String, _ pipeline: Pipeline) -> [Effect] {
    mode = .board
    guard let lead = pipeline[id] else { return [] }
    return [
      .record(
        Record(
          lead: id, change: .lost(reason: reason), label: "Lost: \(lead.name) (\(reason))",
          inverse: .reopened(stage: lead.stage)))
    ]
  }

  private mutating func undo(_ pipeline: Pipeline) -> [Effect] {
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

  private mutating func redo(_ pipeline: Pipeline) -> [Effect] {
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
      // redo puts it back as it was after. A note is taken back by retracting it.
      let after = Change.restored(
        Restoration(reverses: "", lead: pipeline[record.lead], position: pipeline.position(of: record.lead) ?? 1))
      if case .noteAdded = record.change, let inverse = record.inverse {
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
    if case .moved = record.change { focus(on: record.lead, pipeline) }
    if case .reopened = record.change { focus(on: record.lead, pipeline) }
    if case .move = mode { mode = .board }
    if case .agenda = mode { return }
  }

  // MARK: Move mode

  private mutating func moveKey(_ key: Key, _ move: MoveState, pipeline: Pipeline) -> [Effect] {
    var move = move
    switch key {
    case .left, .character("h"), .right, .character("l"):
      let delta = (key == .left || key == .character("h")) ? -1 : 1
      let target = move.targetColumn + delta
      guard target >= 0, target < pipeline.stages.count else { return [] }
      move.targetColumn = target
      move.targetRow = min(move.targetRow, landingCount(move, pipeline) - 1)
    case .up, .character("k"):
      move.targetRow = max(0, move.targetRow - 1)
    case .down, .character("j"):
      move.targetRow = min(landingCount(move, pipeline) - 1, move.targetRow + 1)
    case .home:
      move.targetRow = 0
    case .end:
      move.targetRow = landingCount(move, pipeline) - 1
    case .character(" "), .enter:
      if move.targetColumn == move.originColumn && move.targetRow == move.originRow {
        mode = .board
        message = StatusMessage("Put back where it was")
        return []
      }
      guard let lead = pipeline[move.lead] else {
        mode = .board
        return []
      }
      return propose(move: lead, toColumn: move.targetColumn, row: move.targetRow, pipeline, returnTo: .board)
    case .escape, .character("q"):
      mode = .board
      message = StatusMessage("Move cancelled")
      return []
    case .character("?"):
      mode = .help(over: .move(move))
      return []
    default:
      return []
    }
    mode = .move(move)
    ensureColumnVisible(pipeline)
    ensureRowVisible()
    return []
  }

  /// How many places the lifted card can land on in its target column.
  func landingCount(_ move: MoveState, _ pipeline: Pipeline) -> Int {
    cardCount(move.targetColumn, pipeline) + (move.targetColumn == move.originColumn ? 0 : 1)
  }

  // MARK: Search mode

  private mutating func searchKey(_ key: Key, _ search: SearchState, pipeline: Pipeline) -> [Effect] {
    var search = search
    switch key {
    case .escape:
      mode = .board
      highlight = nil
      return []
    case .enter:
      mode = .board
      if let picked = search.lead(at: search.picked), let lead = pipeline[picked], lead.status == .lost {
        // A lost deal is off the board: Enter offers to reopen it where it was lost.
        if let reason = readOnlyReason { return refuse(reason) }
        let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
        mode = .confirm(
          Confirmation(
            question: "Reopen \(lead.name) (lost: \(lead.lostReason ?? "no reason")) in \(stage)? y/n",
            record: Record(
              lead: picked, change: .reopened(stage: lead.stage), label: "Reopened \(lead.name) in \(stage)",
              inverse: nil),
            cancelMode: .board, cancelMessage: "Not reopened"))
      } else if let picked = search.lead(at: search.picked) {
        highlight = search
        focus(on: picked, pipeline)
      } else {
        highlight = nil
        message = StatusMessage("No lead matches '\(search.query)'")
      }
      return []
    case .up, .control("p"), .shiftUp:
      let count = search.matchCount
      if count > 0 { search.picked = (search.picked - 1 + count) % count }
    case .down, .control("n"), .tab, .shiftDown:
      let count = search.matchCount
      if count > 0 { search.picked = (search.picked + 1) % count }
    case .backspace:
      guard !search.query.isEmpty else {
        mode = .board
        return []
      }
      search.query.removeLast()
      search = rematch(search, narrowing: false, pipeline)
    case .character(let c):
      search.query.append(c)
      search = rematch(search, narrowing: true, pipeline)
    case .paste(let text):
      search.query += cleanLine(text)
      search = rematch(search, narrowing: true, pipeline)
    case .control("u"):
      search.query = ""
      search = rematch(search, narrowing: false, pipeline)
    default:
      return []
    }
    if let picked = search.lead(at: search.picked), pipeline.position(of: picked) != nil { focus(on: picked, pipeline) }
    mode = .search(search)
    return []
  }

  /// Matches for the search's query. When a letter was added (`narrowing`), only the
  /// previous matches can still match, so only they are tested.
  private mutating func rematch(_ search: SearchState, narrowing: Bool, _ pipeline: Pipeline) -> SearchState {
    var canNarrow = narrowing && search.index != nil
    if searchIndex?.revision != pipeline.revision {
      searchIndex = SearchIndex(pipeline)
      canNarrow = false
    }
    guard let index = searchIndex else { return search }
    var result = search
    result.index = index
    if search.query.isEmpty {
      result.entries = []
      result.isMatch = []
      result.picked = 0
      return result
    }
    let previous = canNarrow && search.index?.revision == index.revision && !search.query.dropLast().isEmpty
    result.entries = index.matches(search.query, within: previous ? search.entries : nil)
    if previous, !search.isMatch.isEmpty {
      result.isMatch = search.isMatch
      for entry in search.entries { result.isMatch[Int(entry)] = false }
    } else {
      result.isMatch = [Bool](repeating: false, count: index.ids.count)
    }
    for entry in result.entries { result.isMatch[Int(entry)] = true }
    // Keep the focused lead picked when it still matches; otherwise the first match.
    result.picked = 0
    if let focused = focusedLead, let entry = index.entryOf[focused], result.isMatch[Int(entry)] {
      result.picked = Self.position(of: entry, in: result.entries)
    }
    return result
  }

  /// Where `entry` is in the sorted `entries` (binary search).
  static func position(of entry: Int32, in entries: [Int32]) -> Int {
    var low = 0
    var high = entries.count
    while low < high {
      let mid = (low + high) / 2
      if entries[mid] < entry { low = mid + 1 } else { high = mid }
    }
    return low
  }

  private mutating func jumpToMatch(_ direction: Int, _ pipeline: Pipeline) {
    guard var search = highlight, search.matchCount > 0 else {
      message = StatusMessage("No search; press / to find a lead")
      return
    }
    search.picked = (search.picked + direction + search.matchCount) % search.matchCount
    highlight = search
    if let lead = search.lead(at: search.picked) { focus(on: lead, pipeline) }
    message = StatusMessage("Match \(search.picked + 1) of \(search.matchCount) for '\(search.query)'")
  }

  // MARK: Detail pane

  private mutating func detailKey(_ key: Key, item: Int, pipeline: Pipeline) -> [Effect] {
    let count = pipeline.criteria.count
    switch key {
    case .escape, .tab:
      mode = .board
    case .up, .character("k"):
      mode = .detail(item: max(0, item - 1))
      detailFollowsSelection = true
    case .down, .character("j"):
      mode = .detail(item: min(max(0, count - 1), item + 1))
      detailFollowsSelection = true
    case .pageDown, .pageUp, .home, .end:
      // Scrolling through fields, history and notes (the selected item stays).
      let page = max(1, height - 4)
      let content = detailLines(width: max(10, layout.hasSidePane ? layout.paneWidth - 3 : width - 3), pipeline)
      let maxScroll = max(0, content.lines.count - (height - 2))
      var scroll = min(detailScroll, maxScroll)
      if detailFollowsSelection, let row = content.selectedRow { scroll = max(0, min(maxScroll, row - 1)) }
      switch key {
      case .pageDown: scroll = min(maxScroll, scroll + page)
      case .pageUp: scroll = max(0, scroll - page)
      case .home: scroll = 0
      default: scroll = maxScroll
      }
      detailScroll = scroll
      detailFollowsSelection = false
    case .character(" "), .enter:
      return toggle(criterion: item, pipeline)
    case .character(let c) where c.isASCII && c.isNumber && c != "0":
      mode = .detail(item: min(Int(String(c))! - 1, max(0, count - 1)))
      return toggle(criterion: Int(String(c))! - 1, pipeline)
    case .character("?"):
      mode = .help(over: mode)
    case .character("q"):
      mode = .board
    default:
      break
    }
    return []
  }

  // MARK: Confirmation

  private mutating func confirmKey(_ key: Key, _ confirmation: Confirmation) -> [Effect] {
    switch key {
    case .character("y"), .character("Y"):
      mode = .board
      return [.record(confirmation.record)]
    case .character("n"), .character("N"), .escape, .character("q"):
      mode = confirmation.cancelMode
      message = StatusMessage(confirmation.cancelMessage)
      return []
    default:
      return []
    }
  }
}
