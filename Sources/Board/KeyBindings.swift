import TerminalModel

/// One key binding: the keys it takes, what the help overlay says about it, its hint on
/// the status line, and whether it leads to a change in the journal.
///
/// The board's keys are data (as charmbracelet/bubbles' key bindings are): each mode's
/// table decides which keys reach the mode at all, is what the help overlay lists and what
/// the status line hints at, and marks the bindings that write, so that a key the help
/// does not list does nothing, and a write on a read-only journal is refused in one place.
struct KeyBinding: Sendable {
  /// The keys as the help overlay shows them ("←/→ h/l").
  let keys: String
  let help: String
  /// The binding on the status line ("Space drop"), or nil when the line leaves it out.
  let hint: String?
  /// Whether the binding changes the journal (at once, or after a form, prompt or editor).
  let writes: Bool
  /// Shown in the help overlay (false for keys that only have a meaning while typing).
  let listed: Bool
  let matches: @Sendable (Key) -> Bool
  /// The key a click on the binding's hint stands for (its first key), or nil when it
  /// takes a range of keys (1-9).
  let clickKey: Key?

  init(
    _ keys: String, _ help: String, hint: String? = nil, writes: Bool = false, listed: Bool = true,
    clickKey: Key? = nil, matches: @escaping @Sendable (Key) -> Bool
  ) {
    self.keys = keys
    self.help = help
    self.hint = hint
    self.writes = writes
    self.listed = listed
    self.clickKey = clickKey
    self.matches = matches
  }

  /// A binding for a fixed set of keys.
  init(
    _ keys: String, _ help: String, hint: String? = nil, writes: Bool = false, listed: Bool = true, _ set: [Key]
  ) {
    self.init(keys, help, hint: hint, writes: writes, listed: listed, clickKey: set.first) { set.contains($0) }
  }
}

/// The key bindings of every mode, by mode.
enum KeyBindings {
  static func of(_ mode: BoardState.Mode) -> [KeyBinding] { mode.bindings }
}
