import PipelineCore
import TerminalModel
import TerminalText

/// Every open follow-up, soonest due first, over the board: pick one, go to its card,
/// mark it done, undo that.
struct AgendaMode: ModeComponent {
  /// The highlighted row.
  var selected: Int

  static let bindings: [KeyBinding] = [
    KeyBinding("↑/↓ k/j", "pick a follow-up", hint: "↑↓ pick", [.up, .down] + Key.characters("kj")),
    KeyBinding("Enter", "go to its card", hint: "Enter go to the card", [.enter]),
    KeyBinding("d", "mark it done", hint: "d done", writes: true, Key.characters("d")),
    KeyBinding("u", "undo", hint: "u undo", writes: true, Key.characters("u")),
    KeyBinding("Esc q A", "close the agenda", hint: "Esc close", [.escape, .character("q"), .character("A")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  var name: String { "AGENDA" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    let items = board.agenda(pipeline)
    board.message = nil
    switch key {
    case .up, .character("k"):
      board.mode = .agenda(selected: max(0, selected - 1))
    case .down, .character("j"):
      board.mode = .agenda(selected: min(max(0, items.count - 1), selected + 1))
    case .enter:
      board.mode = .board
      if items.indices.contains(selected) { board.focus(on: items[selected].id, pipeline) }
    case .character("d"):
      guard items.indices.contains(selected), let followUp = items[selected].followUp else { return [] }
      let lead = items[selected]
      // A check-in after the sale done: the next one of the cadence takes its place.
      if let next = pipeline.nextCheckIn(after: lead, today: board.today, calendar: board.calendar) {
        return [
          .record(
            Record(
              lead: lead.id, change: .followUpSet(next),
              label: "Done: \(followUp.action) for \(lead.name); next: \(next.action), \(next.due)",
              inverse: .followUpSet(followUp)))
        ]
      }
      board.mode = .agenda(selected: max(0, min(selected, items.count - 2)))
      return [
        .record(
          Record(
            lead: lead.id, change: .followUpSet(nil), label: "Done: \(followUp.action) for \(lead.name)",
            inverse: .followUpSet(followUp)))
      ]
    case .character("u"):
      return board.undo(pipeline)
    case .character("?"):
      board.mode = .help(over: board.mode)
    default:
      board.mode = .board
    }
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    .plain(board.message?.text ?? Self.hints)
  }

  func render(into frame: inout Frame, board: BoardState, pipeline: Pipeline) {
    let items = board.agenda(pipeline)
    let (x, y, w, h) = (0, 1, board.width, board.height - 2)
    frame.fill(x: x, y: y, width: w, height: h, style: Style(.detail))
    frame.text(
      " Agenda: \(items.count) follow-up\(items.count == 1 ? "" : "s"), soonest first", x: x, y: y,
      style: Style(.header, bold: true))
    guard !items.isEmpty else {
      frame.text(
        "No deal has a follow-up. Press f on a card to set one.", x: x + 1, y: y + 2, style: Style(.detail))
      return
    }
    let rows = h - 2
    let first = max(0, min(selected - rows + 1, items.count - rows))
    let today = board.today
    for (offset, lead) in items.dropFirst(first).prefix(rows).enumerated() {
      guard let followUp = lead.followUp else { continue }
      let index = first + offset
      let mark = followUp.due < today ? "!overdue" : followUp.due == today ? "today" : ""
      let stage = pipeline.stage(forKey: lead.stage)?.title ?? lead.stage
      let line =
        "\(followUp.due)  \(mark.fitted(toWidth: 8))  \(lead.name.fitted(toWidth: 22))  \(followUp.action) · \(stage)"
      var style = Style(
        followUp.due < today ? .overdue : .detail, bold: followUp.due <= today, reverse: index == selected)
      if index == selected { style.role = .cardFocused }
      frame.fill(x: x, y: y + 2 + offset, width: w, height: 1, style: style)
      frame.text(line, x: x + 1, y: y + 2 + offset, style: style, limit: w - 2)
    }
  }
}

extension BoardState {
  /// Deals with a follow-up (open ones, and won ones with their check-ins), soonest due first.
  func agenda(_ pipeline: Pipeline) -> [Lead] {
    agendaItems.compactMap { pipeline[$0] }.filter { $0.status != .lost && $0.followUp != nil }
  }
}
