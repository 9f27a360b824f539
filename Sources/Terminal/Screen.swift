import Board
import CNcursesw
import Glibc

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
  public var description: String
}

/// What the keyboard (or the terminal) said.
public enum InputEvent: Sendable {
  case key(Key)
  case resize(width: Int, height: Int)
}

/// The only code that talks to ncurses: it copies frames to the screen, cell by changed
/// cell, and turns `get_wch` results into keys.
public final class Screen {
  private var screen: OpaquePointer?
  private var previous: Frame?
  private var pairs: [Role: Int16] = [:]
  private var rolesWithColors: Set<Role> = []
  public private(set) var colorCount = 0

  /// Takes over the terminal. `useColor` false (NO_COLOR) draws with attributes only.
  public init(theme: Theme, useColor: Bool) throws {
    setlocale(LC_ALL, "")
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw TerminalError(description: "the board needs a terminal; for scripts use `closer list` or `closer summary`")
    }
    // The mode a crash gives back: the terminal as it was before curses.
    closer_crash_save_mode()
    // newterm, unlike initscr, returns nil on an unknown TERM instead of exiting.
    guard let created = newterm(nil, closer_stdout(), closer_stdin()) else {
      let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
      throw TerminalError(description: "this terminal type (TERM=\(term)) is unknown; try TERM=xterm-256color")
    }
    screen = created
    set_term(created)
    closer_crash_prepare()
    raw()
    noecho()
    nonl()
    keypad(closer_stdscr(), true)
    set_escdelay(25)
    curs_set(0)
    timeout(100)
    defineShiftedArrows()
    if useColor && has_colors() {
      start_color()
      use_default_colors()
      colorCount = Int(closer_colors())
      setUpColors(theme)
    }
    closer_crash_arm(1)
  }

  deinit { close() }

  /// Gives the terminal back (also on errors; safe to call twice).
  public func close() {
    guard let screen else { return }
    closer_crash_arm(0)
    endwin()
    delscreen(screen)
    self.screen = nil
  }

  public var size: (width: Int, height: Int) { (Int(closer_cols()), Int(closer_lines())) }

  /// Hands the terminal back in its normal mode, for another program (the rep's editor).
  public func suspend() {
    closer_crash_arm(0)
    def_prog_mode()
    endwin()
  }

  /// Takes the terminal again after `suspend` and redraws everything on the next frame.
  public func resume() {
    reset_prog_mode()
    invalidate()
    refresh()
    closer_crash_arm(1)
  }

  /// Shifted arrows arrive as raw sequences under TERM=screen and others; bind them.
  private func defineShiftedArrows() {
    for (sequence, code) in Self.shiftedArrows { define_key(sequence, code) }
  }

  static let shiftUp: Int32 = 0x1100
  static let shiftDown: Int32 = 0x1101
  static let shiftRight: Int32 = 0x1102
  static let shiftLeft: Int32 = 0x1103
  static let shiftedArrows: [(String, Int32)] = [
    ("\u{1b}[1;2A", shiftUp), ("\u{1b}[1;2B", shiftDown), ("\u{1b}[1;2C", shiftRight), ("\u{1b}[1;2D", shiftLeft),
    ("\u{1b}[a", shiftUp), ("\u{1b}[b", shiftDown), ("\u{1b}[c", shiftRight), ("\u{1b}[d", shiftLeft),
  ]

  private func setUpColors(_ theme: Theme) {
    var next: Int16 = 1
    for role in Role.allCases {
      guard let style = theme.styles[role], style.foreground != nil || style.background != nil else { continue }
      let fg = colorNumber(style.foreground)
      let bg = colorNumber(style.background)
      guard Int32(next) < closer_color_pairs(), init_pair(next, fg, bg) == OK else { continue }
      pairs[role] = next
      if style.hasOwnColors { rolesWithColors.insert(role) }
      next += 1
    }
    self.theme = theme
  }

  private var theme = Theme.monochrome

  private func colorNumber(_ color: ThemeColor?) -> Int16 {
    guard let color, case .indexed(var index) = color else { return -1 }
    if colorCount < 256 { if case .indexed(let basic) = ThemeColor.indexed(index).basic { index = basic } }
    if index >= colorCount { index = index % 8 }
    return Int16(index)
  }

  // MARK: Drawing

  /// Copies `frame` to the screen. Only cells that differ from the last frame are
  /// touched, and ncurses sends only what changed on the terminal.
  public func draw(_ frame: Frame) {
    let sameSize = previous.map { $0.width == frame.width && $0.height == frame.height } ?? false
    if !sameSize { erase() }
    for y in 0..<frame.height {
      for x in 0..<frame.width {
        let cell = frame[x, y]
        if cell.isContinuation { continue }
        if sameSize, let previous, previous[x, y] == cell { continue }
        put(cell, x: x, y: y)
      }
    }
    if let cursor = frame.cursor {
      curs_set(1)
      move(Int32(cursor.y), Int32(cursor.x))
    } else {
      curs_set(0)
    }
    refresh()
    previous = frame
  }

  /// Forgets what is on screen, so the next frame is drawn in full (after a resize or
  /// after another program used the terminal).
  public func invalidate() {
    previous = nil
    clearok(closer_stdscr(), true)
  }

  private func put(_ cell: Cell, x: Int, y: Int) {
    var attributes = closer_a_normal()
    let style = cell.style
    let themed = theme.styles[style.role]
    if style.bold || themed?.bold == true { attributes |= closer_a_bold() }
    if style.underline || themed?.underline == true { attributes |= closer_a_underline() }
    if style.dim { attributes |= closer_a_dim() }
    if style.reverse && !rolesWithColors.contains(style.role) { attributes |= closer_a_reverse() }
    let pair = pairs[style.role] ?? 0
    var wide: [wchar_t] = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
    if wide.isEmpty { wide = [0x20] }
    wide.append(0)
    _ = closer_put_cell(Int32(y), Int32(x), wide, attributes, pair)
  }

  /// On a crash (a trap, abort or bad access), gives the terminal back and lets the
  /// default action end the process, so the shell is never left in raw mode or on the
  /// alternate screen, and nothing waits for a key. The handler does only what is safe in
  /// a signal handler (see crash.h): no curses, no allocation.
  public static func restoreTerminalOnCrash() {
    closer_crash_install()
  }

  // MARK: Keys

  /// Consecutive reads that failed at once instead of waiting: the terminal is gone.
  private var immediateFailures = 0

  /// Whether the terminal has gone away (the pty closed, the ssh session dropped):
  /// reads then fail at once instead of waiting for a key.
  public var isGone: Bool { immediateFailures >= 20 }

  /// Waits up to the screen's timeout (100 ms) for a key, or not at all without `wait`;
  /// nil when none came.
  public func readInput(wait: Bool = true) -> InputEvent? {
    var value: wint_t = 0
    let started = ContinuousClock.now
    if !wait { timeout(0) }
    let result = closer_get_wch(&value)
    if !wait { timeout(100) }
    if result == ERR {
      // A timeout takes ~100 ms; an error that returns at once, again and again, means
      // there is no terminal left to read from.
      if wait {
        let elapsed = ContinuousClock.now - started
        immediateFailures = elapsed < .milliseconds(20) ? immediateFailures + 1 : 0
      }
      return nil
    }
    immediateFailures = 0
    if result == KEY_CODE_YES {
      let code = Int32(value)
      if code == KEY_RESIZE {
        invalidate()
        return .resize(width: size.width, height: size.height)
      }
      return Self.key(forCode: code).map { .key($0) }
    }
    guard result == OK else { return nil }
    return Self.key(forCharacter: UInt32(value)).map { .key($0) }
  }

  static func key(forCode code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_SR, shiftUp: return .shiftUp
    case KEY_SF, shiftDown: return .shiftDown
    case KEY_SLEFT, shiftLeft: return .shiftLeft
    case KEY_SRIGHT, shiftRight: return .shiftRight
    case KEY_ENTER: return .enter
    case KEY_BTAB: return .backTab
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_F0 + 1...KEY_F0 + 24: return .function(Int(code - KEY_F0))
    default: return nil
    }
  }

  static func key(forCharacter value: UInt32) -> Key? {
    switch value {
    case 0x1B: return .escape
    case 0x0D, 0x0A: return .enter
    case 0x09: return .tab
    case 0x7F, 0x08: return .backspace
    case 0x01...0x1A: return .control(Character(Unicode.Scalar(value + 0x60)!))
    case 0x00..<0x20: return nil
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }
}
