import ArgumentParser
import Board
import Glibc
import Journal
import PipelineCore
import Settings
import Terminal
import TerminalModel

/// `closer` / `closer board`: the interactive kanban board.
struct BoardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "board", abstract: "Open the interactive board (the default command).")

  @OptionGroup var options: JournalOptions
  @Option(
    help: "Theme: dark, light, mono, or a file name in $XDG_CONFIG_HOME/closer/themes.",
    completion: .custom { _, _, _ in Completions.themes() })
  var theme: String?

  func run() throws {
    try BoardSession.run(options: options, themeFlag: theme)
  }
}

/// Set by the signal handlers; read by the loop between keys.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

/// The board in a real terminal: the journal as its store, ncurses as its terminal, and
/// the shared runtime between them.
public enum BoardSession {
  /// Bytes of journal read per pass of the loop while catching up: about 4,000 events,
  /// roughly 10 ms of work, so a key waits at most that long during an import.
  public static let refreshSlice: Int64 = 1 << 20

  static func run(options: JournalOptions, themeFlag: String?) throws {
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw CommandError("the board needs a terminal; for scripts use `closer list`, `closer show` or `closer summary`")
    }
    let environment = options.environment
    try environment.checkTeamIdentity()
    let settings = try environment.loadSettings(flag: options.config)
    let (theme, themeWarning) = loadTheme(named: themeFlag ?? settings.theme, environment: environment)
    let open = {
      try PipelineStore(
        path: options.journalPath, config: settings.pipeline, access: .readWrite, replica: environment.replica,
        clock: Environment.now)
    }
    // A journal that is not there yet is created by the first change, not by looking.
    let existing = try options.journalExists() ? try open() : nil
    let screen = try Screen(
      theme: theme, useColor: environment.wantsColor && theme.name != "mono", mouse: settings.mouse)
    installSignalHandlers()
    defer { screen.close() }

    // What the journal said on opening is shown now; later warnings after each look.
    _ = existing?.takeNewWarnings()
    let opening = [screen.localeNote, themeWarning].compactMap { $0 }
    let store: any BoardStore =
      existing.map { JournalWatch(store: $0, syncEvery: settings.syncEvery) }
      ?? JournalToBe(config: settings.pipeline, exists: { (try? options.journalExists()) == true }, open: open)
    let runtime = BoardRuntime(
      store: store, terminal: BoardScreen(screen: screen, environment: environment),
      clock: Environment.now, calendar: Environment.calendar,
      journalName: String(options.journalPath.split(separator: "/").last ?? ""),
      notices: opening + (existing?.warnings.map(\.description) ?? []),
      views: settings.views.map { SavedView(name: $0.name, filter: $0.filter) }, mouse: settings.mouse)
    runtime.run { pendingSignal != 0 }
    // A board that read or wrote many events leaves a fresh snapshot for the next open.
    existing?.saveSnapshotIfStale()
  }

  /// The theme by name: the user's theme directory first, then the shipped ones.
  /// A broken file is reported and the default theme used instead.
  static func loadTheme(named name: String?, environment: Environment) -> (Theme, String?) {
    let name = name ?? "dark"
    let userPath = "\(environment.themeDirectory)/\(name).toml"
    var warning: String?
    do {
      if let text = try readTextFile(userPath, as: .theme) {
        return (try ThemeFile.parse(text, path: userPath), nil)
      }
    } catch {
      warning = "\(error); using the default theme"
    }
    if warning == nil, let text = ShippedThemes.files[name] {
      if let theme = try? ThemeFile.parse(text, path: "themes/\(name).toml") { return (theme, nil) }
    }
    if warning == nil {
      warning =
        "there is no theme '\(name)' (shipped: \(ShippedThemes.files.keys.sorted().joined(separator: ", "))); using the default theme"
    }
    let fallback = (try? ThemeFile.parse(ShippedThemes.files["dark"] ?? "", path: "themes/dark.toml")) ?? .monochrome
    return (fallback, warning)
  }

  /// Ctrl-C arrives as a key in raw mode; SIGTERM, SIGHUP, SIGINT and SIGQUIT from
  /// elsewhere end the loop cleanly (SIGQUIT would otherwise bring up the Swift runtime's
  /// backtrace over the board, waiting for a key). On a crash, the terminal is restored
  /// before the default action.
  private static func installSignalHandlers() {
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for signal in [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGWINCH] { sigaddset(&wanted, signal) }
    // A parent may have started Closer with these blocked; the board needs them.
    sigprocmask(SIG_UNBLOCK, &wanted, nil)
    for signal in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
      Glibc.signal(signal) { number in pendingSignal = number }
    }
    Screen.restoreTerminalOnCrash()
  }
}

/// A journal that does not exist yet: the board shows an empty pipeline and creates the
/// file with the first change, or opens it once another process has created it (`closer
/// add` in another pane). Opening the board on a mistyped path leaves nothing behind.
final class JournalToBe: BoardStore {
  private let empty: Pipeline
  private let exists: () -> Bool
  private let open: () throws -> PipelineStore
  private var watch: JournalWatch?
  private var identifiers = Identifiers()

  init(config: PipelineConfig, exists: @escaping () -> Bool, open: @escaping () throws -> PipelineStore) {
    empty = Pipeline(config: config)
    self.exists = exists
    self.open = open
  }

  var pipeline: Pipeline { watch?.pipeline ?? empty }
  var readOnlyReason: String? { watch?.readOnlyReason }
  var isCatchingUp: Bool { watch?.isCatchingUp ?? false }

  /// Any id is unused in a journal that does not exist yet.
  func newLeadID() -> LeadID { watch?.newLeadID() ?? identifiers.leadID() }

  func record(_ change: Change, to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    if watch == nil { watch = JournalWatch(store: try open()) }
    return try watch!.record(change, to: lead, decidedOn: card)
  }

  func record(_ changes: [Change], to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    if watch == nil { watch = JournalWatch(store: try open()) }
    return try watch!.record(changes, to: lead, decidedOn: card)
  }

  func look() -> [Message] {
    if let watch { return watch.look() }
    guard exists(), let store = try? open() else { return [] }
    watch = JournalWatch(store: store)
    return [.externalChanges(count: max(1, store.journal.lineCount - 1))]
  }
}

/// ncurses as the board's terminal; notes are written in the rep's editor, with the
/// terminal handed over to it meanwhile.
final class BoardScreen: BoardTerminal {
  let screen: Screen
  let environment: Environment

  init(screen: Screen, environment: Environment) {
    self.screen = screen
    self.environment = environment
  }

  var size: (width: Int, height: Int) { screen.size }
  var isGone: Bool { screen.isGone }
  func readInput(wait: Bool) -> InputEvent? { screen.readInput(wait: wait) }
  func draw(_ frame: Frame) { screen.draw(frame) }

  func editNote(for lead: LeadID, name: String) throws -> String? {
    screen.suspend()
    defer { screen.resume() }
    return try NoteEditor.edit(for: name, environment: environment)
  }
}
