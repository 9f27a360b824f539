import PipelineCore
import TerminalModel
import TerminalText

/// The add and edit form over the board: one event when saved, nothing when cancelled.
extension LeadForm: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("type", "the field's text") { $0.isTyping },
    KeyBinding(
      "Tab Shift-Tab ↑/↓", "next / previous field", hint: "Tab/Shift-Tab field", [.tab, .backTab, .up, .down]),
    KeyBinding("Enter", "save", hint: "Enter save", writes: true, [.enter]),
    KeyBinding("Esc", "cancel, write nothing", hint: "Esc cancel", [.escape]),
  ]

  var name: String { lead == nil ? "ADD" : "EDIT" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var form = self
    form.problem = nil
    let rows = form.rowCount
    switch key {
    case .escape:
      board.mode = .board
      board.message = StatusMessage(form.lead == nil ? "Nothing added" : "Nothing changed")
      return []
    case .tab, .down:
      form.focus = (form.focus + 1) % rows
    case .backTab, .up:
      form.focus = (form.focus - 1 + rows) % rows
    case .enter:
      return form.save(&board, pipeline)
    default:
      _ = form.inputs[form.focus].handle(key)
    }
    board.mode = .form(form)
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    problem.map { .error($0) } ?? .plain(Self.hints)
  }

  /// Checks the form; saves it as one event, or shows what to fix and keeps it open.
  private func save(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    var form = self
    func problem(_ text: String, _ field: Field) -> [Effect] { problem(text, row: field.rawValue) }
    func problem(_ text: String, row: Int) -> [Effect] {
      form.problem = text
      form.focus = row
      board.mode = .form(form)
      return []
    }
    let name = form[.name]
    guard !name.isEmpty else { return problem("A lead needs a name", .name) }
    var value: Money?
    if !form[.value].isEmpty {
      switch Money.parse(
        form[.value], defaultCurrency: pipeline.config.defaultCurrency, mark: pipeline.config.amountMark)
      {
      case .success(let money): value = money
      case .failure(let error): return problem(error.description, .value)
      }
    }
    // Each custom field by its type: the stored form, or what is wrong, on its row.
    var customValues: [String: String?] = [:]
    for (index, field) in form.custom.enumerated() {
      let row = Field.allCases.count + index
      // A value left as it was is kept as it is, even one the config no longer takes (a
      // choice taken off the list): only what the rep typed is checked.
      if let was = form.was, form.text(ofRow: row) == cleanLine(LeadForm.text(of: field, in: was)) {
        customValues[field.key] = was.custom[field.key]
        continue
      }
      switch field.stored(form.text(ofRow: row), config: pipeline.config, today: board.today) {
      case .success(let value): customValues[field.key] = value
      case .failure(let error): return problem(error.description, row: row)
      }
    }
    board.mode = .board
    guard let id = form.lead else {
      var new = NewLead(name: name, stage: form.stage)
      new.company = form[.company]
      new.email = form[.email]
      new.phone = form[.phone]
      new.source = form[.source]
      new.value = value
      for case (let key, let value?) in customValues { new.custom[key] = value }
      return [.create(new)]
    }
    guard let lead = pipeline[id] else { return [] }
    let was = form.was ?? lead
    func differ(_ field: Field, _ a: Lead, _ b: Lead) -> Bool {
      field == .value ? a.value != b.value : LeadForm.text(of: field, in: a) != LeadForm.text(of: field, in: b)
    }
    func mineDiffers(_ field: Field, from other: Lead) -> Bool {
      field == .value ? value != other.value : form[field] != LeadForm.text(of: field, in: other)
    }
    // A field the rep changed that was also changed elsewhere meanwhile (another process,
    // another member) is not overwritten unseen: the form shows what it is now and asks
    // again. A field the rep left alone keeps what it is now.
    let changedElsewhere = Field.allCases.filter {
      mineDiffers($0, from: was) && differ($0, lead, was) && mineDiffers($0, from: lead)
    }
    // The same for custom fields: what the rep typed against what the lead had then and has now.
    let customChangedElsewhere = form.custom.filter { field in
      let mine = customValues[field.key] ?? nil
      return mine != was.custom[field.key] && lead.custom[field.key] != was.custom[field.key]
        && mine != lead.custom[field.key]
    }
    if !changedElsewhere.isEmpty || !customChangedElsewhere.isEmpty {
      for field in Field.allCases where !mineDiffers(field, from: was) {
        form.inputs[field.rawValue] = TextInput(LeadForm.text(of: field, in: lead))
      }
      for (index, field) in form.custom.enumerated() where (customValues[field.key] ?? nil) == was.custom[field.key] {
        form.inputs[Field.allCases.count + index] = TextInput(LeadForm.text(of: field, in: lead))
      }
      form.was = lead
      let now =
        changedElsewhere.map { "\($0.label) is now '\(LeadForm.text(of: $0, in: lead))'" }
        + customChangedElsewhere.map { "\($0.title) is now '\(LeadForm.text(of: $0, in: lead))'" }
      let first =
        changedElsewhere.first?.rawValue
        ?? Field.allCases.count + (form.custom.firstIndex { $0.key == customChangedElsewhere[0].key } ?? 0)
      return problem(
        "Changed elsewhere while you were editing: \(now.joined(separator: "; ")). Enter saves yours over it, Esc keeps it",
        row: first)
    }
    var edits: [FieldEdit] = []
    var undo: [FieldEdit] = []
    let texts: [(Field, TextField, String)] = [
      (.name, .name, lead.name), (.company, .company, lead.company), (.email, .email, lead.email),
      (.phone, .phone, lead.phone), (.source, .source, lead.source),
    ]
    for (field, key, old) in texts where mineDiffers(field, from: was) && mineDiffers(field, from: lead) {
      edits.append(.text(key, form[field]))
      undo.append(.text(key, old))
    }
    if mineDiffers(.value, from: was) && value != lead.value {
      edits.append(.value(value))
      undo.append(.value(lead.value))
    }
    for field in form.custom {
      let mine = customValues[field.key] ?? nil
      guard mine != was.custom[field.key], mine != lead.custom[field.key] else { continue }
      edits.append(.custom(field.key, mine))
      undo.append(.custom(field.key, lead.custom[field.key]))
    }
    guard !edits.isEmpty else {
      board.message = StatusMessage("Nothing changed")
      return []
    }
    return [.record(Record(lead: id, change: .edited(edits), label: "Saved \(name)", inverse: .edited(undo)))]
  }

  /// The form, over the board, with the cursor in the focused field.
  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let rows = rowCount
    let boxWidth = min(board.width - 2, 64)
    // Two lines a field (the second says what it will be saved as) while they fit, else
    // one; past that the rows scroll with the focus.
    let room = board.height - 2 - 4
    let spacing = rows * 2 <= room ? 2 : 1
    let visible = max(1, min(rows, room / spacing))
    let first = max(0, min(focus - visible + 1, rows - visible))
    let boxHeight = visible * spacing + 4
    let x = (board.width - boxWidth) / 2
    let y = max(1, (board.height - boxHeight) / 2)
    let box = Style(.help, reverse: true)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: box)
    let stageTitle = pipeline.stage(forKey: stage)?.title ?? stage
    var title = lead == nil ? " New lead in \(stageTitle) " : " Edit \(self[.name]) "
    if visible < rows { title += "· \(focus + 1) of \(rows) " }
    frame.text(title, x: x + 2, y: y, style: Style(.help, bold: true, reverse: true), limit: boxWidth - 4)
    // Labels as wide as the longest (9 to 16 cells): custom fields' titles can be told apart.
    let labelWidth = max(9, min(16, (0..<rows).map { label(ofRow: $0).displayWidth }.max() ?? 9, boxWidth / 3))
    let inputWidth = boxWidth - labelWidth - 5
    let config = pipeline.config
    for index in first..<(first + visible) {
      let row = y + 2 + (index - first) * spacing
      let focused = index == focus
      frame.text(
        label(ofRow: index), x: x + 2, y: row, style: Style(.help, bold: focused, reverse: true), limit: labelWidth)
      let inputX = x + 3 + labelWidth
      frame.fill(x: inputX, y: row, width: inputWidth, height: 1, style: Style(.normal, underline: true))
      let (shown, cursorX) = inputs[index].visible(width: inputWidth)
      frame.text(shown, x: inputX, y: row, style: Style(.normal, underline: true), limit: inputWidth)
      if focused { frame.cursor = (inputX + cursorX, row) }
      guard spacing == 2 else { continue }
      // What the field will be saved as, before it is saved, or what it takes.
      let text = self.text(ofRow: index)
      var note: (text: String, isError: Bool)?
      if index == Field.value.rawValue, !text.isEmpty {
        switch Money.parse(text, defaultCurrency: config.defaultCurrency, mark: config.amountMark) {
        case .success(let money): note = ("= \(money.description)", false)
        case .failure(let error): note = (error.description, true)
        }
      } else if let field = customField(atRow: index) {
        if text.isEmpty {
          switch field.kind {
          case .choice:
            note = (field.choices.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: " · "), false)
          case .date where focused: note = ("YYYY-MM-DD, today, +3d, fri", false)
          default: break
          }
        } else {
          switch field.stored(text, config: config, today: board.today) {
          case .success(let value): if let value, value != text { note = ("= \(field.shown(value))", false) }
          case .failure(let error): note = (error.description, true)
          }
        }
      }
      if let note {
        frame.text(
          note.text, x: inputX, y: row + 1, style: note.isError ? Style(.error, reverse: true) : box, limit: inputWidth)
      }
    }
    if let problem {
      frame.text(problem, x: x + 2, y: y + boxHeight - 1, style: Style(.error, bold: true), limit: boxWidth - 4)
    }
  }
}
