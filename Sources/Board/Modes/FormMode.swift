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
    let fields = Field.allCases
    switch key {
    case .escape:
      board.mode = .board
      board.message = StatusMessage(form.lead == nil ? "Nothing added" : "Nothing changed")
      return []
    case .tab, .down:
      form.focus = fields[(form.focus.rawValue + 1) % fields.count]
    case .backTab, .up:
      form.focus = fields[(form.focus.rawValue - 1 + fields.count) % fields.count]
    case .enter:
      return form.save(&board, pipeline)
    default:
      _ = form.inputs[form.focus.rawValue].handle(key)
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
    func problem(_ text: String, _ field: Field) -> [Effect] {
      form.problem = text
      form.focus = field
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
    board.mode = .board
    guard let id = form.lead else {
      var new = NewLead(name: name, stage: form.stage)
      new.company = form[.company]
      new.email = form[.email]
      new.phone = form[.phone]
      new.source = form[.source]
      new.value = value
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
    if !changedElsewhere.isEmpty {
      for field in Field.allCases where !mineDiffers(field, from: was) {
        form.inputs[field.rawValue] = TextInput(LeadForm.text(of: field, in: lead))
      }
      form.was = lead
      let now = changedElsewhere.map { "\($0.label) is now '\(LeadForm.text(of: $0, in: lead))'" }
      return problem(
        "Changed elsewhere while you were editing: \(now.joined(separator: "; ")). Enter saves yours over it, Esc keeps it",
        changedElsewhere[0])
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
    guard !edits.isEmpty else {
      board.message = StatusMessage("Nothing changed")
      return []
    }
    return [.record(Record(lead: id, change: .edited(edits), label: "Saved \(name)", inverse: .edited(undo)))]
  }

  /// The form, over the board, with the cursor in the focused field.
  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let fields = Field.allCases
    let boxWidth = min(board.width - 2, 64)
    let boxHeight = fields.count * 2 + 4
    let x = (board.width - boxWidth) / 2
    let y = max(1, (board.height - boxHeight) / 2)
    let box = Style(.help, reverse: true)
    frame.fill(x: x, y: y, width: boxWidth, height: boxHeight, style: box)
    let stageTitle = pipeline.stage(forKey: stage)?.title ?? stage
    let title = lead == nil ? " New lead in \(stageTitle) " : " Edit \(self[.name]) "
    frame.text(title, x: x + 2, y: y, style: Style(.help, bold: true, reverse: true), limit: boxWidth - 4)
    let labelWidth = 9
    let inputWidth = boxWidth - labelWidth - 5
    for (index, field) in fields.enumerated() {
      let row = y + 2 + index * 2
      let focused = field == focus
      frame.text(field.label, x: x + 2, y: row, style: Style(.help, bold: focused, reverse: true), limit: labelWidth)
      let inputX = x + 3 + labelWidth
      frame.fill(x: inputX, y: row, width: inputWidth, height: 1, style: Style(.normal, underline: true))
      let (shown, cursorX) = inputs[field.rawValue].visible(width: inputWidth)
      frame.text(shown, x: inputX, y: row, style: Style(.normal, underline: true), limit: inputWidth)
      if focused { frame.cursor = (inputX + cursorX, row) }
      if field == .value, !self[.value].isEmpty {
        // What the value will be saved as, before it is saved.
        let config = pipeline.config
        switch Money.parse(self[.value], defaultCurrency: config.defaultCurrency, mark: config.amountMark) {
        case .success(let money):
          frame.text("= \(money.description)", x: inputX, y: row + 1, style: box, limit: inputWidth)
        case .failure(let error):
          frame.text(error.description, x: inputX, y: row + 1, style: Style(.error, reverse: true), limit: inputWidth)
        }
      }
    }
    if let problem {
      frame.text(problem, x: x + 2, y: y + boxHeight - 1, style: Style(.error, bold: true), limit: boxWidth - 4)
    }
  }
}
