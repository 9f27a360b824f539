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
  @Option(help: "Theme: dark, light, mono, or a file name in $XDG_CONFIG_HOME/closer/themes.")
  var theme: String?

  func run() throws {
    try BoardSession.run(options: options, themeFlag: theme)
  }
}

/// Set by the signal handlers; read by the loop between keys.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

/// The event loop: keys become messages for the board's view-model, its effects are
/// carried out against the journal, and every new state is drawn.
public enum BoardSession {
  /// Bytes of journal read per pass of the loop while catching up: about 4,000 events,
  /// roughly 10 ms of work, so a key waits at most that long during an import.
  public static let refreshSlice: Int64 = 1 << 20

  static func run(options: JournalOptions, themeFlag: String?) throws {
    guard isatty(0) != 0, isatty(1) != 0 else {
      throw CommandError("the board needs a terminal; for scripts use `closer list`, `closer show` or `closer summary`")
    }
    let environment = options.environment
    let settings = try environment.loadSettings(flag: options.config)
    let (theme, themeWarning) = loadTheme(named: themeFlag ?? settings.theme, environment: environment)
    let store = try PipelineStore(
      path: options.journalPath, config: settings.pipeline, access: .readWrite, replica: environment.replica,
      clock: Environment.now)
    let screen = try Screen(theme: theme, useColor: environment.wantsColor && theme.name != "mono")
    installSignalHandlers()
    defer { screen.close() }

    let size = screen.size
    var state = BoardState(
      width: size.width, height: size.height, now: Environment.now(), calendar: Environment.calendar,
      journalName: String(store.journal.path.split(separator: "/").last ?? ""),
      readOnlyReason: store.journal.readOnlyReason)
    _ = state.update(.tick(Environment.now()), pipeline: store.pipeline)
    // What the journal said on opening is shown now; later warnings after each refresh.
    _ = store.takeNewWarnings()
    let opening = [screen.localeNote, themeWarning].compactMap { $0 }
    if let notice = notice(opening + store.warnings.map(\.description)) {
      _ = state.update(.notice(notice), pipeline: store.pipeline)
    }
    screen.draw(state.render(store.pipeline))

    var lastRefresh = Environment.now()
    var lastInput = Environment.now()
    // The journal is looked at every half second, and at once while a large batch (an
    // import) is read in slices, keys then polled between slices instead of waited for.
    var watch = JournalWatch(store: store)
    while !state.wantsToQuit && pendingSignal == 0 && !screen.isGone {
      var input: [Message] = []
      if let event = screen.readInput(wait: !(watch.catchingUp && watch.lastSliceRead > 0)) {
        // Keep the board's clock current before acting on a key (days in stage, insights).
        if Environment.now().millisecondsSinceEpoch - state.now.millisecondsSinceEpoch > 1000 {
          input.append(.tick(Environment.now()))
        }
        switch event {
        case .key(let key): input.append(.key(key))
        case .resize(let width, let height): input.append(.resize(width: width, height: height))
        }
      }
      let now = Environment.now()
      var news: [Message] = []
      if watch.catchingUp || now.millisecondsSinceEpoch - lastRefresh.millisecondsSinceEpoch >= 500 {
        lastRefresh = now
        // Lines that other processes (say `closer add` in another pane) appended, a slice
        // at a time so that keys are still answered while a big import arrives; warnings
        // that arose; the journal replaced or deleted under the board.
        news = watch.look()
        state.readOnlyReason = watch.readOnlyReason
        // A new local day turns due dates into today's and today's into overdue at once.
        if state.calendar.day(of: now) != state.today
          || now.millisecondsSinceEpoch - state.now.millisecondsSinceEpoch > 60_000
        {
          news.append(.tick(now))
        }
      }
      guard !news.isEmpty || !input.isEmpty else {
        // Idle for a moment: build the search index now rather than on the next `/`.
        if now.millisecondsSinceEpoch - lastInput.millisecondsSinceEpoch > 300
          && state.searchIndexIsStale(store.pipeline)
        {
          state.prepareSearch(store.pipeline)
        }
        continue
      }
      lastInput = now
      // The journal's news first, then the key: the key acts on the journal as it is now,
      // and its answer (saved, refused) is what the status line shows. A key with nothing
      // to say (a move of the focus clears the line) leaves the news on it.
      for message in news + input {
        send(message, store: store, watch: watch, state: &state, screen: screen)
      }
      if !input.isEmpty, state.message == nil, let latest = news.last(where: { !$0.isTick }) {
        send(latest, store: store, watch: watch, state: &state, screen: screen)
      }
      screen.draw(state.render(store.pipeline))
    }
  }

  /// Hands one message to the board and carries out what it asks for.
  private static func send(
    _ message: Message, store: PipelineStore, watch: JournalWatch, state: inout BoardState, screen: Screen
  ) {
    for effect in state.update(message, pipeline: store.pipeline) {
      perform(effect, store: store, state: &state, screen: screen)
      // A failed write may have found the journal replaced: refuse the next key at once.
      state.readOnlyReason = watch.readOnlyReason
    }
  }

  /// One status line from what the rep should know: the first, and how many more there are.
  static func notice(_ notices: [String]) -> String? {
    guard let first = notices.first else { return nil }
    return notices.count > 1 ? "\(first) (+\(notices.count - 1) more: closer check)" : first
  }

  private static func perform(_ effect: Effect, store: PipelineStore, state: inout BoardState, screen: Screen) {
    switch effect {
    case .quit:
      break
    case .create(let new):
      let id = store.newLeadID()
      var record = Record(lead: id, change: .created(new), label: "Added \(new.name)", inverse: nil)
      do {
        record.eventID = try store.record { _ in (id, .created(new)) }.id
        _ = state.update(.recorded(record), pipeline: store.pipeline)
      } catch {
        _ = state.update(.failed(record, reason: "\(error)"), pipeline: store.pipeline)
      }
    case .editNote(let lead, let name):
      screen.suspend()
      let result = Result { try NoteEditor.edit(for: name, environment: .current) }
      screen.resume()
      switch result {
      case .success(let text):
        for next in state.update(.noteWritten(lead: lead, text: text), pipeline: store.pipeline) {
          perform(next, store: store, state: &state, screen: screen)
        }
      case .failure(let error):
        _ = state.update(.notice("\(error)"), pipeline: store.pipeline)
      }
    case .record(let record):
      do {
        // Decided on the card as the board showed it: if it changed elsewhere since, the
        // rep is told, and nothing is written on a stale basis.
        var saved = record
        saved.eventID = try store.record(decidedOn: record.lead) { _ in (record.lead, record.change) }.id
        _ = state.update(.recorded(saved), pipeline: store.pipeline)
      } catch {
        _ = state.update(.failed(record, reason: "\(error)"), pipeline: store.pipeline)
      }
    }
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

extension Message {
  fileprivate var isTick: Bool {
    if case .tick = self { return true }
    return false
  }
}
