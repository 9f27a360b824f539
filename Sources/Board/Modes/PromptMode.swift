import PipelineCore
import TerminalModel
import TerminalText

/// A question answered in the status line: a lost reason (a listed one by its number, or
/// typed), or a follow-up's action and then its due date.
extension Prompt: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding(
      "type", "your answer (a number picks a listed one); ←/→ Home End move, Backspace Delete erase, Ctrl-U clears"
    ) { $0.isTyping },
    KeyBinding("Enter", "answer", hint: "Enter", writes: true, [.enter]),
    KeyBinding("Esc", "cancel, write nothing", hint: "Esc cancel", [.escape]),
  ]

  var name: String {
    switch purpose {
    case .lostReason: "LOST"
    case .owner: "OWNER"
    case .followUpAction, .followUpDue: "FOLLOW-UP"
    case .activityKind, .activityOutcome: "LOG"
    case .answer: "ANSWER"
    }
  }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var prompt = self
    prompt.problem = nil
    switch key {
    case .escape:
      // An answer asked from the detail pane goes back to it; the rest to the board.
      if case .answer(_, let item) = prompt.purpose { board.mode = .detail(item: item) } else { board.mode = .board }
      board.message = StatusMessage(prompt.cancelled)
      return []
    case .backspace where prompt.isPrefilled:
      // A suggestion goes at once.
      prompt.input = TextInput()
      prompt.isPrefilled = false
    case .enter where prompt.purpose == .owner:
      return prompt.answerOwner(&board, pipeline)
    case .enter where prompt.purpose == .activityKind:
      return prompt.answerActivityKind(&board, pipeline)
    case .enter where prompt.purpose.isActivityOutcome:
      return prompt.answerActivityOutcome(&board, pipeline)
    case .enter where prompt.purpose.isAnswer:
      return prompt.answerCriterion(&board, pipeline)
    case .enter where prompt.purpose != .lostReason:
      return prompt.answerFollowUp(&board, pipeline)
    case .character, .paste:
      // A pre-filled answer is replaced by what is typed, not added to.
      if prompt.isPrefilled { prompt.input = TextInput() }
      prompt.isPrefilled = false
      _ = prompt.input.handle(key)
    case .enter:
      // A reason's number then Enter picks it; anything else typed is the reason itself
      // ("6 months out" included).
      let typed = cleanLine(prompt.text)
      guard !typed.isEmpty else { return [] }
      if let number = Int(typed), typed.allSatisfy(\.isASCII) {
        guard prompt.options.indices.contains(number - 1) else {
          prompt.problem = "there is no reason \(number); pick 1-\(prompt.options.count), or type one"
          board.mode = .prompt(prompt)
          return []
        }
        return markLost(reason: prompt.options[number - 1], &board, pipeline)
      }
      let known = prompt.options.first { SearchKey.fold($0) == SearchKey.fold(typed) }
      return markLost(reason: known ?? typed, &board, pipeline)
    default:
      // The editing keys: arrows, Home, End, Delete, Backspace, Ctrl-U/A/E/D.
      guard prompt.input.handle(key) else { return [] }
      prompt.isPrefilled = false
    }
    board.mode = .prompt(prompt)
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    let field = input.field(width: Self.fieldWidth(board: board, name: name, question: question))
    if let problem {
      // Wrapped over the rows above when long: what to write instead is read whole.
      return .error("\(question) \(field) \(problem)", wraps: true)
    }
    switch purpose {
    case .followUpAction:
      return .bold("\(question) \(field) · Enter next · Esc cancel")
    case .followUpDue:
      return .bold("\(question) \(field) · today, tomorrow, fri, +3d, YYYY-MM-DD · \(Self.hints)")
    case .lostReason:
      let listed = options.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }
      return .bold(
        "\(question) \(field) · \(listed.joined(separator: " · ")) · a number or a reason, \(Self.hints)")
    case .owner:
      let listed = options.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }
      return .bold(
        "\(question) \(field) · \((listed + ["empty: nobody"]).joined(separator: " · ")) · \(Self.hints)")
    case .activityKind:
      let listed = options.enumerated().map { "\($0.offset + 1) \($0.element)" }
      return .bold("\(question) \(field) · \(listed.joined(separator: " · ")) · \(Self.hints)")
    case .activityOutcome:
      return .bold("\(question) \(field) · a line, or nothing · \(Self.hints)")
    case .answer:
      return .bold("\(question) \(field) · Enter ticks it with this answer · Esc cancel")
    }
  }

  /// Ticks the criterion with the answer typed (the same answer on a ticked criterion
  /// writes nothing).
  private func answerCriterion(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    guard case .answer(let criterion, let item) = purpose else { return [] }
    var prompt = self
    board.mode = .detail(item: item)
    guard let lead = pipeline[self.lead] else { return [] }
    let answer = cleanLine(text)
    guard !answer.isEmpty else {
      prompt.problem = "type the answer, or Esc (Space ticks without one)"
      board.mode = .prompt(prompt)
      return []
    }
    let title = pipeline.criteria.first { $0.key == criterion }?.title ?? criterion
    if lead.isChecked(criterion) && lead.answers[criterion] == answer {
      board.message = StatusMessage("\(title) is ticked with this answer already")
      return []
    }
    if let was,
      was.answers[criterion] != lead.answers[criterion] || was.isChecked(criterion) != lead.isChecked(criterion)
    {
      board.message = StatusMessage(
        "Not saved: \(title) for \(lead.name) changed while you were answering; a to answer again", isError: true)
      return []
    }
    return [
      .record(
        Record(
          lead: lead.id, change: .checked(criterion: criterion, isChecked: true, answer: answer),
          label: "\(title) ticked for \(lead.name): \(answer)",
          inverse: .checked(criterion: criterion, isChecked: lead.isChecked(criterion))))
    ]
  }

  /// What the status line says when the question is cancelled.
  private var cancelled: String {
    switch purpose {
    case .lostReason: "Not marked lost"
    case .owner: "Owner unchanged"
    case .followUpAction, .followUpDue: "Follow-up unchanged"
    case .activityKind, .activityOutcome: "Nothing logged"
    case .answer: "No answer written"
    }
  }

  /// The activity's kind: its number, or its name (or the start of it).
  private func answerActivityKind(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    var prompt = self
    let typed = cleanLine(prompt.text)
    let kind: String?
    if let number = Int(typed), typed.allSatisfy(\.isASCII) {
      kind = options.indices.contains(number - 1) ? options[number - 1] : nil
    } else {
      kind = Activity.kind(named: typed)
    }
    guard let kind else {
      prompt.problem = "pick 1-\(options.count): \(options.joined(separator: ", "))"
      board.mode = .prompt(prompt)
      return []
    }
    let name = pipeline[lead]?.name ?? ""
    board.mode = .prompt(
      Prompt(
        lead: lead, purpose: .activityOutcome(kind: kind),
        question: "How did the \(kind) with \(name) go?", options: [], was: was))
    return []
  }

  /// Logs the activity, with what was typed as its outcome.
  private func answerActivityOutcome(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    guard case .activityOutcome(let kind) = purpose else { return [] }
    board.mode = .board
    guard let lead = pipeline[self.lead] else {
      board.message = StatusMessage("Nothing logged: the deal is gone", isError: true)
      return []
    }
    let outcome = cleanLine(text)
    let what = kind == "email" ? "an email" : "a \(kind)"
    return [
      .record(
        Record(
          lead: lead.id, change: .activityLogged(kind: kind, outcome: outcome),
          label: "Logged \(what) with \(lead.name)\(outcome.isEmpty ? "" : ": \(outcome)")",
          inverse: .activityRetracted(kind: kind, outcome: outcome)))
    ]
  }

  /// How many cells an answer typed in the status line takes: what the line has after the
  /// mode's name and the question, less room for the hints (at least 12); longer answers
  /// scroll inside it, so the cursor, and an error after the answer, stay on screen.
  static func fieldWidth(board: BoardState, name: String, question: String) -> Int {
    max(12, board.width - name.displayWidth - question.displayWidth - 32)
  }

  /// The owner prompt's answer: a listed name by its number, a name typed (matched to one
  /// already in use whatever its case), or nothing for no owner. The same owner writes
  /// nothing.
  private func answerOwner(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    var prompt = self
    let typed = cleanLine(prompt.text)
    var owner = typed
    if let number = Int(typed), typed.allSatisfy(\.isASCII), !options.isEmpty {
      guard options.indices.contains(number - 1) else {
        prompt.problem = "there is no name \(number); pick 1-\(min(9, options.count)), or type one"
        board.mode = .prompt(prompt)
        return []
      }
      owner = options[number - 1]
    } else if let known = options.first(where: { SearchKey.fold($0) == SearchKey.fold(typed) }) {
      owner = known
    }
    board.mode = .board
    guard let lead = pipeline[self.lead] else { return [] }
    guard owner != lead.owner else {
      board.message = StatusMessage("Owner unchanged")
      return []
    }
    if let was, lead.owner != was.owner {
      // Handed to someone else while the rep was answering: theirs stands.
      let now = lead.owner.isEmpty ? "has no owner now" : "is \(lead.owner)'s now"
      board.message = StatusMessage(
        "Not saved: \(lead.name) \(now), changed while you were answering; o to hand it on again", isError: true)
      return []
    }
    let label = owner.isEmpty ? "\(lead.name) has no owner now" : "\(lead.name) is \(owner)'s now"
    return [
      .record(
        Record(
          lead: lead.id, change: .edited([.text(.owner, owner)]), label: label,
          inverse: .edited([.text(.owner, lead.owner)])))
    ]
  }

  /// The follow-up prompt's two steps: the action, then when it is due.
  private func answerFollowUp(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    var prompt = self
    let typed = cleanLine(prompt.text)
    switch prompt.purpose {
    case .lostReason, .owner, .activityKind, .activityOutcome, .answer:
      return []
    case .followUpAction:
      guard !typed.isEmpty else {
        prompt.problem = "type the next action, or Esc"
        board.mode = .prompt(prompt)
        return []
      }
      let current = pipeline[prompt.lead]?.followUp?.due.description ?? "tomorrow"
      board.mode = .prompt(
        Prompt(
          lead: prompt.lead, purpose: .followUpDue(action: typed), question: "Due?", options: [], text: current,
          isPrefilled: true, was: prompt.was))
      return []
    case .followUpDue(let action):
      let today = board.today
      switch DueDate.parse(typed, today: today) {
      case .failure(let error):
        prompt.problem = error.description
        board.mode = .prompt(prompt)
        return []
      case .success(let day):
        board.mode = .board
        guard let lead = pipeline[prompt.lead] else { return [] }
        let next = FollowUp(action: action, due: day)
        guard lead.followUp != next else {
          board.message = StatusMessage("Follow-up unchanged")
          return []
        }
        if let was, lead.followUp != was.followUp {
          // Set by someone else while the rep was answering: theirs stands.
          let now = lead.followUp.map { "\($0.action), due \($0.due)" } ?? "none"
          board.message = StatusMessage(
            "Not saved: the next action for \(lead.name) changed while you were answering (now: \(now)); f to set it again",
            isError: true)
          return []
        }
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

  private func markLost(reason: String, _ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    board.mode = .board
    guard let lead = pipeline[self.lead] else { return [] }
    return [
      .record(
        Record(
          lead: lead.id, change: .lost(reason: reason), label: "Lost: \(lead.name) (\(reason))",
          inverse: .reopened(stage: lead.stage)))
    ]
  }
}

extension Prompt.Purpose {
  var isActivityOutcome: Bool {
    if case .activityOutcome = self { return true }
    return false
  }

  var isAnswer: Bool {
    if case .answer = self { return true }
    return false
  }
}
