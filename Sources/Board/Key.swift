/// A key press, as the board understands it: the terminal adapter turns ncurses key codes
/// and escape sequences into these.
public enum Key: Hashable, Sendable {
  case up, down, left, right
  case shiftUp, shiftDown, shiftLeft, shiftRight
  case enter, tab, backTab, escape, backspace, delete
  case home, end, pageUp, pageDown
  /// A printable character, including non-ASCII ones.
  case character(Character)
  /// Ctrl plus a letter, as its lowercase letter: Ctrl-R is `.control("r")`.
  case control(Character)
  case function(Int)
}

extension Key: CustomStringConvertible {
  public var description: String {
    switch self {
    case .up: "Up"
    case .down: "Down"
    case .left: "Left"
    case .right: "Right"
    case .shiftUp: "Shift+Up"
    case .shiftDown: "Shift+Down"
    case .shiftLeft: "Shift+Left"
    case .shiftRight: "Shift+Right"
    case .enter: "Enter"
    case .tab: "Tab"
    case .backTab: "Shift+Tab"
    case .escape: "Esc"
    case .backspace: "Backspace"
    case .delete: "Delete"
    case .home: "Home"
    case .end: "End"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .character(let c): String(c)
    case .control(let c): "Ctrl-\(c.uppercased())"
    case .function(let n): "F\(n)"
    }
  }
}
