import PipelineCore
import TerminalModel

/// The plain board: moving the focus between cards and columns, and the keys that act on
/// the focused card or open another mode.
struct BrowseMode: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding("←/→ h/l", "previous/next column", [.left, .right] + Key.characters("hl")),
    KeyBinding(
      "↑/↓ k/j PgUp/PgDn", "previous/next card (Home/End: first/last)",
      [.up, .down, .home, .end, .pageUp, .pageDown] + Key.characters("kj")),
    KeyBinding("Space", "lift the card (move mode)", hint: "Space lift", [.character(" ")]),
    KeyBinding(
      "Shift+←/→ H/L", "move the card one stage at once", hint: "H/L move", writes: true,
      [.shiftLeft, .shiftRight] + Key.characters("HL")),
    KeyBinding(
      "Shift+↑/↓ K/J", "move the card up/down at once", writes: true, [.shiftUp, .shiftDown] + Key.characters("KJ")),
    KeyBinding("/ n N", "quick search; next / previous match", hint: "/ search", Key.characters("/nN")),
    KeyBinding("Enter Tab", "focus the detail pane", [.enter, .tab]),
    KeyBinding("1-9", "tick checklist item 1-9", hint: "1-9 tick", writes: true) { $0.criterionDigit != nil },
    KeyBinding("w / x", "mark the deal won / lost (with a reason)", writes: true, Key.characters("wx")),
    KeyBinding("o", "hand the deal to someone (its owner)", writes: true, Key.characters("o")),
    KeyBinding("O", "show one owner's deals, yours, or everyone's", Key.characters("O")),
    KeyBinding("F", "filter the board (owner:me value>50k ...)", Key.characters("F")),
    KeyBinding("V", "next saved view, then every deal", Key.characters("V")),
    KeyBinding("f", "set the next action and its due date", writes: true, Key.characters("f")),
    KeyBinding("C", "log a call, meeting or email", writes: true, Key.characters("C")),
    KeyBinding("A", "agenda: every follow-up, soonest first", Key.characters("A")),
    KeyBinding("t", "table: one row per deal, sorted by any column", Key.characters("t")),
    KeyBinding("c", "comment: write a note in $EDITOR", writes: true, Key.characters("c")),
    KeyBinding("a / e", "add a lead here / edit the focused one", writes: true, Key.characters("ae")),
    KeyBinding("i", "insights: funnel, velocity, sources", Key.characters("i")),
    KeyBinding("S", "sync with the team, in the background", Key.characters("S")),
    KeyBinding(
      "u Ctrl-R", "undo / redo the last change", hint: "u undo", writes: true, [.character("u"), .control("r")]),
    KeyBinding("Esc", "clear the search highlight", [.escape]),
    KeyBinding("?", "this help", hint: "? help", Key.characters("?")),
    KeyBinding("q", "quit (elsewhere q and Esc close what is open)", hint: "q quit", Key.characters("q")),
  ]

  var name: String { "BOARD" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    // A key says what it did, or clears the line; the help keeps the last message, which is
    // there again when the help closes (a count of changes from elsewhere, read meanwhile).
    if key != .character("?") { board.message = nil }
    switch key {
    case .left, .character("h"): board.focusColumn(board.column - 1, pipeline)
    case .right, .character("l"): board.focusColumn(board.column + 1, pipeline)
    case .up, .character("k"): board.focusRow(board.row - 1, pipeline)
    case .down, .character("j"): board.focusRow(board.row + 1, pipeline)
    case .home: board.focusRow(0, pipeline)
    case .end: board.focusRow(board.cardCount(board.column, pipeline) - 1, pipeline)
    case .pageUp: board.focusRow(board.row - max(1, board.visibleCards - 1), pipeline)
    case .pageDown: board.focusRow(board.row + max(1, board.visibleCards - 1), pipeline)
    case .character(" "):
      guard let lead = board.focusedLead else { return board.noCard() }
      board.isMouseDrag = false
      board.mode = .move(
        MoveState(
          lead: lead, originColumn: board.column, originRow: board.row, targetColumn: board.column,
          targetRow: board.row))
    case .shiftLeft, .character("H"): return step(dColumn: -1, dRow: 0, &board, pipeline)
    case .shiftRight, .character("L"): return step(dColumn: 1, dRow: 0, &board, pipeline)
    case .shiftUp, .character("K"): return step(dColumn: 0, dRow: -1, &board, pipeline)
    case .shiftDown, .character("J"): return step(dColumn: 0, dRow: 1, &board, pipeline)
    case .character("/"):
      _ = board.searchIndexForSearching(pipeline)
      board.mode = .search(SearchState())
    case .character("n"): jumpToMatch(1, &board, pipeline)
    case .character("N"): jumpToMatch(-1, &board, pipeline)
    case .escape: board.highlight = nil
    case .enter, .tab:
      guard let focused = board.focusedLead else { return board.noCard() }
      board.mode = .detail(item: 0)
      board.detailScroll = 0
      board.detailFollowsSelection = true
      // The pane says what happened; once it has been read the card is no longer marked.
      if board.unseenConflicts.contains(focused) { return [.sawConflict(focused)] }
    case .character("a"):
      guard pipeline.stages.indices.contains(board.column) else { return [] }
      board.mode = .form(LeadForm(new: pipeline.stages[board.column].key, custom: pipeline.config.fields))
    case .character("e"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      board.mode = .form(LeadForm(editing: lead, custom: pipeline.config.fields))
    case .character("S"):
      return [.sync]
    case .character("i"):
      board.mode = .insights(InsightsView(period: 1, now: board.now, pipeline))
    case .character("w"): return markWon(&board, pipeline)
    case .character("c"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      return [.editNote(lead: id, name: lead.name)]
    case .character("f"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      board.mode = .prompt(
        Prompt(
          lead: id, purpose: .followUpAction, question: "Next action for \(lead.name)?", options: [],
          text: lead.followUp?.action ?? "", isPrefilled: lead.followUp != nil, was: lead))
    case .character("C"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      board.mode = .prompt(
        Prompt(lead: id, purpose: .activityKind, question: "Log for \(lead.name):", options: Activity.kinds, was: lead))
    case .character("A"):
      board.mode = .agenda(selected: 0)
      board.agendaRevision = -1
    case .character("t"):
      var view = TableView()
      view.selectedLead = board.focusedLead
      board.mode = .table(view)
      board.refreshTable(pipeline)
    case .character("x"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      guard lead.status == .open else {
        board.message = StatusMessage("\(lead.name) is \(lead.status.rawValue), not open")
        return []
      }
      board.mode = .prompt(Prompt(lead: id, question: "Lost because?", options: pipeline.config.lostReasons))
    case .character("o"):
      guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
      if let reason = board.readOnlyReason { return board.refuse(reason) }
      // The names already in use, most deals first, to pick by number.
      let names = OwnerView.owners(in: pipeline)
      board.mode = .prompt(
        Prompt(
          lead: id, purpose: .owner, question: "Owner of \(lead.name)?", options: names, text: lead.owner,
          isPrefilled: !lead.owner.isEmpty, was: lead))
    case .character("O"):
      board.mode = .ownerView(OwnerView(options: OwnerView.owners(in: pipeline)))
    case .character("V"):
      board.showNextView(pipeline)
    case .character("F"):
      board.mode = .filterLine(FilterLine(input: TextInput(board.filter?.text ?? "")))
    case .character("u"): return board.undo(pipeline)
    case .control("r"): return board.redo(pipeline)
    case .character("?"): board.mode = .help(over: .board)
    case .character("q"):
      board.wantsToQuit = true
      return [.quit]
    default:
      if let digit = key.criterionDigit { return board.toggle(criterion: digit - 1, pipeline) }
    }
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    if let message = board.message {
      return message.isError ? .error(message.text, wraps: true) : .plain(message.text)
    }
    if let highlight = board.highlight {
      return .plain(
        "'\(highlight.query)': \(highlight.picked + 1) of \(highlight.matchCount) · n/N next/prev · Esc clear")
    }
    return .plain(Self.hints)
  }

  /// Shift+arrows: one step at once, one journal event.
  private func step(dColumn: Int, dRow: Int, _ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    guard let lead = board.focusedLead, let current = pipeline[lead] else { return board.noCard() }
    let targetColumn = board.column + dColumn
    guard targetColumn >= 0, targetColumn < pipeline.stages.count else {
      board.message = StatusMessage("\(current.name) is already in the \(dColumn < 0 ? "first" : "last") stage")
      return []
    }
    let count = board.cardCount(targetColumn, pipeline) + (dColumn == 0 ? 0 : 1)
    let targetRow = min(max(board.row + dRow, 0), count - 1)
    guard targetColumn != board.column || targetRow != board.row else {
      board.message = StatusMessage(
        "\(current.name) is already at the \(dRow < 0 ? "top" : "bottom") of its column")
      return []
    }
    return board.propose(move: current, toColumn: targetColumn, row: targetRow, pipeline, returnTo: .board)
  }

  private func markWon(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    guard let id = board.focusedLead, let lead = pipeline[id] else { return board.noCard() }
    guard lead.status == .open else {
      board.message = StatusMessage("\(lead.name) is already \(lead.status.rawValue)")
      return []
    }
    let value = lead.value.map { " (\($0.description))" } ?? ""
    var record = Record(
      lead: id, change: .won, label: "Won: \(lead.name)\(value)", inverse: .reopened(stage: lead.stage))
    // A win carries the deal past every stage before the last: the same soft gate as a move.
    let gates = pipeline.gates(for: lead, movingTo: pipeline.wonStage)
    if !gates.isEmpty { record.label += " (gate overridden)" }
    // The first check-in after the sale is the deal's next action.
    if let first = pipeline.firstCheckIn(wonOn: board.today), lead.followUp != first {
      record.then = [.followUpSet(first)]
      record.label += "; next: \(first.action), \(first.due)"
      if let replaced = lead.followUp { record.label += " (instead of \(replaced.action))" }
    }
    guard gates.isEmpty else {
      let missing = gates.map { "\($0.stage.title) needs \($0.missing.map(\.title).joined(separator: ", "))" }
      board.mode = .confirm(
        Confirmation(
          question: "Mark won anyway? y/n · \(missing.joined(separator: "; "))", record: record, cancelMode: .board,
          cancelMessage: "Not marked won"))
      return []
    }
    return [.record(record)]
  }

  private func jumpToMatch(_ direction: Int, _ board: inout BoardState, _ pipeline: Pipeline) {
    guard var search = board.highlight, search.matchCount > 0 else {
      board.message = StatusMessage("No search; press / to find a lead")
      return
    }
    search.picked = (search.picked + direction + search.matchCount) % search.matchCount
    board.highlight = search
    if let lead = search.lead(at: search.picked) { board.focus(on: lead, pipeline) }
    board.message = StatusMessage("Match \(search.picked + 1) of \(search.matchCount) for '\(search.query)'")
  }
}
