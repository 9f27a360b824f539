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
  case insert
  /// Text pasted into the terminal (bracketed paste): text for a text field, nothing
  /// anywhere else.
  case paste(String)
  /// A key with Alt, Ctrl or Shift that is no key of its own above: Alt+x, Ctrl+Up, Shift+F5.
  indirect case modified(Key, Modifiers)
  /// What the mouse did, where the terminal reports it (and the board asked for it).
  case mouse(Mouse)

  /// Shift, Alt and Ctrl, as terminals report them.
  public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let shift = Modifiers(rawValue: 1)
    public static let alt = Modifiers(rawValue: 2)
    public static let control = Modifiers(rawValue: 4)
  }
}

/// A mouse report: a button pressed or released, the pointer moved with a button held (a
/// drag), or the wheel turned, at a cell (0-based, from the top left).
public struct Mouse: Hashable, Sendable {
  public enum Action: Hashable, Sendable {
    case press, release, drag, wheelUp, wheelDown
  }

  public var action: Action
  /// 0 left, 1 middle, 2 right (for a release the terminal may not say which: 0).
  public var button: Int
  public var x: Int
  public var y: Int
  public var modifiers: Key.Modifiers

  public init(_ action: Action, button: Int = 0, x: Int, y: Int, modifiers: Key.Modifiers = []) {
    self.action = action
    self.button = button
    self.x = x
    self.y = y
    self.modifiers = modifiers
  }
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
    case .insert: "Insert"
    case .paste(let text): "a paste of \(text.count) characters"
    case .modified(let key, let modifiers):
      (modifiers.contains(.control) ? "Ctrl+" : "") + (modifiers.contains(.alt) ? "Alt+" : "")
        + (modifiers.contains(.shift) ? "Shift+" : "") + key.description
    case .mouse(let mouse): "mouse \(mouse.action) at \(mouse.x),\(mouse.y)"
    }
  }
}

/// What the keyboard (or the terminal) said.
public enum InputEvent: Sendable, Equatable {
  case key(Key)
  case resize(width: Int, height: Int)
}
