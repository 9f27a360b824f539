import TerminalModel

/// One key binding: the keys it takes, what the help overlay says about it, and whether it
/// leads to a change in the journal.
///
/// The board's keys are data (as charmbracelet/bubbles' key bindings are): one table per
/// mode decides which keys reach the mode at all, is what the help overlay lists, and marks
/// the bindings that write, so that a key the help does not list does nothing, and a write
/// on a read-only journal is refused in one place.
struct KeyBinding: Sendable {
  /// The keys as the help overlay shows them ("←/→ h/l").
  let keys: String
  let help: String
  /// Whether the binding changes the journal (at once, or after a form, prompt or editor).
  let writes: Bool
  /// Shown in the help overlay (false for keys that only have a meaning while typing).
  let listed: Bool
  let matches: @Sendable (Key) -> Bool

  init(
    _ keys: String, _ help: String, writes: Bool = false, listed: Bool = true,
    matches: @escaping @Sendable (Key) -> Bool
  ) {
    self.keys = keys
    self.help = help
    self.writes = writes
    self.listed = listed
    self.matches = matches
  }

  /// A binding for a fixed set of keys.
  init(_ keys: String, _ help: String, writes: Bool = false, listed: Bool = true, _ set: [Key]) {
    self.init(keys, help, writes: writes, listed: listed) { set.contains($0) }
  }
}

extension Key {
  fileprivate static func characters(_ text: String) -> [Key] { text.map { .character($0) } }

  /// A digit from 1 to 9.
  fileprivate var isCriterionDigit: Bool {
    guard case .character(let c) = self else { return false }
    return c.isASCII && c.isNumber && c != "0"
  }

  /// What a text field takes: a character, a paste, or an editing key.
  fileprivate var isTyping: Bool {
    switch self {
    case .character, .paste, .backspace, .delete, .left, .right, .home, .end: true
    case .control(let c): "uade".contains(c)
    default: false
    }
  }
}

/// The key bindings of every mode.
enum KeyBindings {
  static func of(_ mode: BoardState.Mode) -> [KeyBinding] {
    switch mode {
    case .board: board
    case .move: move
    case .search: search
    case .detail: detail
    case .confirm: confirm
    case .prompt: prompt
    case .agenda: agenda
    case .form: form
    case .insights: insights
    case .help: [KeyBinding("any key", "close the help") { _ in true }]
    }
  }

  static let board: [KeyBinding] = [
    KeyBinding("←/→ h/l", "previous/next column", [.left, .right] + Key.characters("hl")),
    KeyBinding(
      "↑/↓ k/j PgUp/PgDn", "previous/next card (Home/End: first/last)",
      [.up, .down, .home, .end, .pageUp, .pageDown] + Key.characters("kj")),
    KeyBinding("Space", "lift the card (move mode)", [.character(" ")]),
    KeyBinding(
      "Shift+←/→ H/L", "move the card one stage at once", writes: true,
      [.shiftLeft, .shiftRight] + Key.characters("HL")),
    KeyBinding(
      "Shift+↑/↓ K/J", "move the card up/down at once", writes: true, [.shiftUp, .shiftDown] + Key.characters("KJ")),
    KeyBinding("/ n N", "quick search; next / previous match", Key.characters("/nN")),
    KeyBinding("Enter Tab", "focus the detail pane", [.enter, .tab]),
    KeyBinding("1-9", "tick checklist item 1-9", writes: true) { $0.isCriterionDigit },
    KeyBinding("w / x", "mark the deal won / lost (with a reason)", writes: true, Key.characters("wx")),
    KeyBinding("f", "set the next action and its due date", writes: true, Key.characters("f")),
    KeyBinding("A", "agenda: every follow-up, soonest first", Key.characters("A")),
    KeyBinding("c", "comment: write a note in $EDITOR", writes: true, Key.characters("c")),
    KeyBinding("a / e", "add a lead here / edit the focused one", writes: true, Key.characters("ae")),
    KeyBinding("i", "insights: funnel, velocity, sources", Key.characters("i")),
    KeyBinding("u Ctrl-R", "undo / redo the last change", writes: true, [.character("u"), .control("r")]),
    KeyBinding("Esc", "clear the search highlight", [.escape]),
    KeyBinding("?", "this help", Key.characters("?")),
    KeyBinding("q", "quit (elsewhere q and Esc close what is open)", Key.characters("q")),
  ]

  static let move: [KeyBinding] = [
    KeyBinding("←/→ h/l", "carry the card to the previous/next stage", [.left, .right] + Key.characters("hl")),
    KeyBinding("↑/↓ k/j", "change its place in the column", [.up, .down] + Key.characters("kj")),
    KeyBinding("Home End", "to the top / bottom of the column", [.home, .end]),
    KeyBinding("Space Enter", "drop it here (one journal event)", writes: true, [.character(" "), .enter]),
    KeyBinding("Esc q", "put it back, write nothing", [.escape, .character("q")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  static let search: [KeyBinding] = [
    KeyBinding("type", "filter by name or company (Ctrl-U clears)") { $0.isTyping },
    KeyBinding(
      "↑/↓ Ctrl-P/N", "pick among the matches",
      [.up, .down, .shiftUp, .shiftDown, .tab, .control("p"), .control("n")]),
    KeyBinding("Enter", "jump to the picked lead (a lost one: reopen it)", [.enter]),
    KeyBinding("Esc", "clear the search", [.escape]),
  ]

  static let detail: [KeyBinding] = [
    KeyBinding("↑/↓ k/j", "select a checklist item", [.up, .down] + Key.characters("kj")),
    KeyBinding("Space Enter", "tick or untick it", writes: true, [.character(" "), .enter]),
    KeyBinding("1-9", "tick item 1-9", writes: true) { $0.isCriterionDigit },
    KeyBinding(
      "PgUp/PgDn Home/End", "scroll through fields, history and every note", [.pageUp, .pageDown, .home, .end]),
    KeyBinding("Esc q Tab", "back to the board", [.escape, .tab, .character("q")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  static let agenda: [KeyBinding] = [
    KeyBinding("↑/↓ k/j", "pick a follow-up", [.up, .down] + Key.characters("kj")),
    KeyBinding("Enter", "go to its card", [.enter]),
    KeyBinding("d", "mark it done", writes: true, Key.characters("d")),
    KeyBinding("u", "undo", writes: true, Key.characters("u")),
    KeyBinding("Esc q A", "close the agenda", [.escape, .character("q"), .character("A")]),
    KeyBinding("?", "this help", Key.characters("?")),
  ]

  static let insights: [KeyBinding] = [
    KeyBinding("←/→ h/l", "shorter / longer period", [.left, .right] + Key.characters("hl")),
    KeyBinding("↑/↓ k/j", "pick a slow deal", [.up, .down] + Key.characters("kj")),
    KeyBinding("PgUp PgDn Space", "scroll", [.pageUp, .pageDown, .character(" ")]),
    KeyBinding("Enter", "go to the picked deal", [.enter]),
    KeyBinding("Esc q i", "close insights", [.escape, .character("q"), .character("i")]),
  ]

  static let prompt: [KeyBinding] = [
    KeyBinding("type", "your answer (a number picks a listed one; Ctrl-U clears)") { $0.isTyping },
    KeyBinding("Enter", "answer", writes: true, [.enter]),
    KeyBinding("Esc", "cancel, write nothing", [.escape]),
  ]

  static let form: [KeyBinding] = [
    KeyBinding("type", "the field's text") { $0.isTyping },
    KeyBinding("Tab Shift-Tab ↑/↓", "next / previous field", [.tab, .backTab, .up, .down]),
    KeyBinding("Enter", "save", writes: true, [.enter]),
    KeyBinding("Esc", "cancel, write nothing", [.escape]),
  ]

  static let confirm: [KeyBinding] = [
    KeyBinding("y", "yes", writes: true, Key.characters("yY")),
    KeyBinding("n Esc q", "no", [.escape] + Key.characters("nNq")),
  ]
}
