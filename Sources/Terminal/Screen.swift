import CNcursesw
import Glibc
import PipelineCore
import TerminalModel
import TerminalText

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
  public var description: String
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
  /// Said once on the status line when the board draws in ASCII (no UTF-8 locale).
  public private(set) var localeNote: String?
  /// Whether only ASCII can be drawn: names with accents or CJK, and the borders, are then
  /// drawn with ASCII stand-ins instead of being dropped.
  private var asciiOnly = false

  /// Whether the board asked the terminal for mouse reports.
  private let mouse: Bool

  /// `mouse`: ask the terminal to report clicks, drags and the wheel (SGR encoding).
  public init(theme: Theme, useColor: Bool, mouse: Bool = true) throws {
    self.mouse = mouse
    setlocale(LC_ALL, "")
    if !Self.localeIsUTF8 {
      // LANG unset or LC_ALL=C (common over ssh and in containers): the system's UTF-8
      // locale, when it has one, draws names and borders as they are.
      let variables: [String] = ["LC_ALL", "LC_CTYPE", "LANG"]
      let named = variables.compactMap { getenv($0).map { String(cString: $0) } }.first { !$0.isEmpty }
      if setlocale(LC_CTYPE, "C.UTF-8") == nil || !Self.localeIsUTF8,
        setlocale(LC_CTYPE, "en_US.UTF-8") == nil
          || !Self.localeIsUTF8
      {
        asciiOnly = true
        localeNote =
          "the locale (\(named.map { "LANG=\($0)" } ?? "LANG unset")) is not UTF-8 and the system has no UTF-8 locale: drawing in ASCII"
      }
    }
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
    // A terminal that cannot move its cursor (TERM=dumb) would get a stream of garbage.
    let move = tigetstr("cup")
    if move == nil || Int(bitPattern: move) == -1 {
      let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
      endwin()
      delscreen(created)
      screen = nil
      throw TerminalError(
        description:
          "this terminal (TERM=\(term)) cannot move its cursor, which the board needs; use one that can (TERM=xterm-256color), or the command line: closer list, closer show"
      )
    }
    closer_crash_prepare()
    raw()
    noecho()
    nonl()
    // Keys are decoded by `KeyDecoder` from the bytes the terminal sends, in every
    // encoding terminals use, not by terminfo's one encoding per key.
    keypad(closer_stdscr(), false)
    curs_set(0)
    timeout(100)
    setBracketedPaste(true)
    setMouse(true)
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
    setBracketedPaste(false)
    setMouse(false)
    endwin()
    delscreen(screen)
    self.screen = nil
  }

  public var size: (width: Int, height: Int) { (Int(closer_cols()), Int(closer_lines())) }

  /// Hands the terminal back in its normal mode, for another program (the rep's editor).
  public func suspend() {
    closer_crash_arm(0)
    setBracketedPaste(false)
    setMouse(false)
    def_prog_mode()
    endwin()
  }

  /// Takes the terminal again after `suspend` and redraws everything on the next frame.
  public func resume() {
    reset_prog_mode()
    setBracketedPaste(true)
    setMouse(true)
    invalidate()
    refresh()
    closer_crash_arm(1)
  }

  /// Asks the terminal to mark pasted text (`ESC[200~` ... `ESC[201~`), so that a paste is
  /// text for a field and never a string of keys on the board. Terminals that do not know
  /// the request ignore it.
  private func setBracketedPaste(_ on: Bool) {
    fputs(on ? "\u{1B}[?2004h" : "\u{1B}[?2004l", closer_stdout())
    fflush(closer_stdout())
  }

  /// Asks the terminal for mouse reports: presses and releases (1000), motion while a
  /// button is held (1002, for dragging a card), in the SGR encoding (1006: any column,
  /// and releases say so). Terminals without a mouse ignore it; with it off (the config's
  /// `mouse = false`) the terminal keeps its own selection and scrolling.
  private func setMouse(_ on: Bool) {
    guard mouse else { return }
    fputs(on ? "\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h" : "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l", closer_stdout())
    fflush(closer_stdout())
  }

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
    if asciiOnly {
      let (text, width) = Self.ascii(cell.text)
      _ = closer_put_cell(Int32(y), Int32(x), [wchar_t(text.value), 0], attributes, pair)
      if width == 2 { _ = closer_put_cell(Int32(y), Int32(x + 1), [0x20, 0], attributes, pair) }
      return
    }
    var wide: [wchar_t] = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
    if wide.isEmpty { wide = [0x20] }
    wide.append(0)
    _ = closer_put_cell(Int32(y), Int32(x), wide, attributes, pair)
  }

  static var localeIsUTF8: Bool {
    guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
    return String(cString: codeset) == "UTF-8"
  }

  /// An ASCII stand-in for a cell's text, and how many cells the text took.
  static func ascii(_ text: String) -> (Unicode.Scalar, Int) {
    guard let scalar = text.unicodeScalars.first else { return (" ", 1) }
    if scalar.isASCII { return (scalar, 1) }
    let width = DisplayWidth.of(Character(scalar)) == 2 ? 2 : 1
    switch scalar {
    case "│", "┃", "║": return ("|", width)
    case "─", "━", "═": return ("-", width)
    case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return ("+", width)
    case "▶", "►", "→": return (">", width)
    case "◀", "◄", "←": return ("<", width)
    case "↑", "▲": return ("^", width)
    case "↓", "▼": return ("v", width)
    case "·", "•": return (".", width)
    case "…": return ("~", width)
    case "▏", "▎", "▍": return ("|", width)
    default:
      // A letter with an accent as its base letter (é as e), anything else as ?.
      let base = SearchKey.fold(String(scalar)).unicodeScalars.first
      return (base.map { $0.isASCII ? $0 : "?" } ?? "?", width)
    }
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

  /// Keys decoded and not yet handed out (one read can complete several).
  private var decoded: [Key] = []
  private var decoder = KeyDecoder()

  /// Waits up to the screen's timeout (100 ms) for a key, or not at all without `wait`;
  /// nil when none came. A key sent as an escape sequence is read whole first: after its
  /// first byte the rest is waited for a moment (25 ms; up to a second between the pieces
  /// of a paste).
  public func readInput(wait: Bool = true) -> InputEvent? {
    while decoded.isEmpty {
      let waiting = decoder.isWaiting
      timeout(decoder.isPasting ? 1000 : waiting ? 25 : wait ? 100 : 0)
      var value: wint_t = 0
      let started = ContinuousClock.now
      let result = closer_get_wch(&value)
      timeout(100)
      if result == ERR {
        if decoder.isPasting {
          decoded += decoder.endPaste()
        } else if waiting {
          decoded += decoder.flush()
        } else {
          // A timeout takes ~100 ms; an error that returns at once, again and again, means
          // there is no terminal left to read from.
          if wait {
            let elapsed = ContinuousClock.now - started
            immediateFailures = elapsed < .milliseconds(20) ? immediateFailures + 1 : 0
          }
          return nil
        }
        continue
      }
      immediateFailures = 0
      if result == KEY_CODE_YES {
        if Int32(value) == KEY_RESIZE {
          invalidate()
          return .resize(width: size.width, height: size.height)
        }
        continue
      }
      guard result == OK else { continue }
      decoded += decoder.feed(UInt32(value))
      // A sequence swallowed whole (a mouse report, an unknown key): no key this time.
      if decoded.isEmpty && !decoder.isWaiting { return nil }
    }
    return .key(decoded.removeFirst())
  }
}
