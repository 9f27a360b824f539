import PipelineCore
import TerminalModel

/// Where the board's changes go and where news of other writers comes from: the journal,
/// or a pipeline in memory in tests.
public protocol BoardStore: AnyObject {
  /// The pipeline as the store has it now.
  var pipeline: Pipeline { get }
  /// Why changes are refused, or nil.
  var readOnlyReason: String? { get }
  /// Whether a large batch from elsewhere (an import) is still being read in slices.
  var isCatchingUp: Bool { get }
  /// A new lead id, unused in the pipeline.
  func newLeadID() -> LeadID
  /// Appends `change` to `lead`, decided on `card` as the board showed it: built on the
  /// pipeline after catching up with other writers, and refused (`StaleDecision`) when
  /// someone else moved, won, lost or edited that card since. Returns the event's id.
  func record(_ change: Change, to lead: LeadID, decidedOn card: LeadID?) throws -> String
  /// Appends several changes to one lead as one batch, all or nothing (a win and its first
  /// check-in); returns the first event's id.
  func record(_ changes: [Change], to lead: LeadID, decidedOn card: LeadID?) throws -> String
  /// What other writers did since the last look, as messages for the board (changes read,
  /// warnings, the journal lost).
  func look() -> [Message]
  /// Starts exchanging changes with the team in the background (the board keeps answering
  /// keys meanwhile; `look` reports how it went). Returns what to tell the rep now.
  func startSync() -> String
  /// Cards whose last change lost to one another member made at the same time, with what
  /// happened in words, until a later change settles it (a team pipeline).
  var conflictNotes: [LeadID: String] { get }
  /// Those of them the rep has not looked at yet.
  var unseenConflicts: Set<LeadID> { get }
  /// The rep has looked at the card's conflict: it is no longer marked.
  func sawConflict(on lead: LeadID)
  /// In a team pipeline, the sync state for the title ("synced 14:02 · 3 to sync").
  var teamStatus: String? { get }
  /// In a team pipeline, who did what to the lead lately, newest first, a line each.
  func changes(on lead: LeadID) -> [String]
  /// The rep's own name as a deal's owner, when known ("me" in the owner view).
  var me: String? { get }
}

extension BoardStore {
  public func startSync() -> String {
    "this pipeline is not shared with a team: `closer team init DIR` makes it a team pipeline (docs/team.md)"
  }
  public var conflictNotes: [LeadID: String] { [:] }
  public var unseenConflicts: Set<LeadID> { [] }
  public func sawConflict(on lead: LeadID) {}
  public var teamStatus: String? { nil }
  public func changes(on lead: LeadID) -> [String] { [] }
  public var me: String? { nil }
}

/// The terminal the board is drawn on and read from: ncurses, or a script in tests.
public protocol BoardTerminal: AnyObject {
  var size: (width: Int, height: Int) { get }
  /// Whether the terminal went away (the window closed): the loop ends.
  var isGone: Bool { get }
  /// The next key or resize; with `wait`, blocks until there is one (or a short timeout).
  func readInput(wait: Bool) -> InputEvent?
  func draw(_ frame: Frame)
  /// Hands the terminal to the rep's editor for a note on `lead` (called `name`); the text
  /// written, or nil.
  func editNote(for lead: LeadID, name: String) throws -> String?
}

/// The event loop, shared by the executable and the tests: input and news become messages
/// for the board's view-model, every effect it returns is carried out against the store or
/// the terminal and answered with a message (none is thrown away), and every new state is
/// drawn. In tests an in-memory store and a scripted terminal stand in for the journal and
/// ncurses, the way swift-nio's embedded channel stands in for sockets.
public final class BoardRuntime {
  public internal(set) var state: BoardState
  public let store: any BoardStore
  public let terminal: any BoardTerminal
  let clock: () -> Timestamp
  /// Every message the board handled, with the effects it returned, in order, when
  /// `tracing` is on (tests look at what a key led to).
  public private(set) var trace: [(message: Message, effects: [Effect])] = []
  public var tracing = false
  /// How often the store is looked at for other writers' changes, in milliseconds.
  public var refreshInterval: Int64 = 500

  public init(
    store: any BoardStore, terminal: any BoardTerminal, clock: @escaping () -> Timestamp,
    calendar: LocalCalendar = .utc, journalName: String = "", notices: [String] = [], views: [SavedView] = [],
    mouse: Bool = true
  ) {
    self.store = store
    self.terminal = terminal
    self.clock = clock
    let size = terminal.size
    state = BoardState(
      width: size.width, height: size.height, now: clock(), calendar: calendar, journalName: journalName,
      readOnlyReason: store.readOnlyReason)
    state.conflicts = store.conflictNotes
    state.unseenConflicts = store.unseenConflicts
    state.teamStatus = store.teamStatus
    state.me = store.me
    state.views = views
    state.mouseEnabled = mouse
    send(.tick(clock()))
    if let notice = Self.notice(notices) { send(.notice(notice)) }
  }

  /// One status line from what the rep should know: the first, and how many more there are.
  public static func notice(_ notices: [String]) -> String? {
    guard let first = notices.first else { return nil }
    return notices.count > 1 ? "\(first) (+\(notices.count - 1) more: closer check)" : first
  }

  /// Hands a message to the board, carries out the effects it returns, and hands the board
  /// the answer to each (saved, refused, the note written), until nothing is left to do.
  public func send(_ message: Message) {
    var queue = [message]
    while !queue.isEmpty {
      let next = queue.removeFirst()
      let effects = state.update(next, pipeline: store.pipeline)
      if tracing { trace.append((next, effects)) }
      for effect in effects {
        if let answer = perform(effect) { queue.append(answer) }
        // A failed write may have found the journal replaced: refuse the next key at once.
        state.readOnlyReason = store.readOnlyReason
      }
    }
    // Conflicts a change just settled, and who did what to the card in view, for the frame
    // drawn after this message (a team pipeline's).
    state.conflicts = store.conflictNotes
    state.unseenConflicts = store.unseenConflicts
    let shown = state.shownLead
    state.changes = shown.map { (lead: $0, lines: store.changes(on: $0)) }
  }

  /// Carries out one effect; the message that answers it (nil for quit, which ends the loop).
  private func perform(_ effect: Effect) -> Message? {
    switch effect {
    case .quit:
      return nil
    case .create(let new):
      let id = store.newLeadID()
      var record = Record(lead: id, change: .created(new), label: "Added \(new.name)", inverse: nil)
      do {
        record.eventID = try store.record(record.change, to: id, decidedOn: nil)
        return .recorded(record)
      } catch {
        return .failed(record, reason: "\(error)")
      }
    case .record(let record):
      do {
        // Decided on the card as the board showed it: if it changed elsewhere since, the
        // rep is told, and nothing is written on a stale basis.
        var saved = record
        saved.eventID =
          record.then.isEmpty
          ? try store.record(record.change, to: record.lead, decidedOn: record.lead)
          : try store.record([record.change] + record.then, to: record.lead, decidedOn: record.lead)
        return .recorded(saved)
      } catch {
        return .failed(record, reason: "\(error)")
      }
    case .editNote(let lead, let name):
      do {
        return .noteWritten(lead: lead, text: try terminal.editNote(for: lead, name: name))
      } catch {
        return .notice("\(error)")
      }
    case .sync:
      defer { state.teamStatus = store.teamStatus }
      return .notice(store.startSync())
    case .sawConflict(let lead):
      store.sawConflict(on: lead)
      state.conflicts = store.conflictNotes
      state.unseenConflicts = store.unseenConflicts
      return nil
    }
  }

  /// Leads indexed for search between two looks at the keyboard: about a millisecond of work.
  public static let indexingSlice = 500

  /// Builds about `budget` leads of the search index, as the loop does between keys; false
  /// once the index is current.
  public func prepareSearch(budget: Int) -> Bool {
    guard state.searchIndexIsStale(store.pipeline) else { return false }
    state.prepareSearch(store.pipeline, budget: budget)
    return true
  }

  /// Draws the board as it is now.
  public func draw() { terminal.draw(state.render(store.pipeline)) }

  /// Runs until the rep quits, the terminal goes away or `shouldStop` says so: reads a key
  /// (or, while a large batch is read in slices, polls for one), looks at the store every
  /// `refreshInterval`, keeps the clock current, and draws after anything happened. When
  /// idle for a moment it builds the search index, so that `/` opens at once.
  public func run(shouldStop: () -> Bool = { false }) {
    draw()
    var lastRefresh = clock()
    var lastInput = clock()
    var lastSliceRead = false
    while !state.wantsToQuit && !shouldStop() && !terminal.isGone {
      var input: [Message] = []
      // While the search index is built a slice at a time, keys are looked for between
      // slices instead of waited for.
      if let event = terminal.readInput(wait: !(store.isCatchingUp && lastSliceRead) && !state.isIndexing) {
        // Keep the board's clock current before acting on a key (days in stage, insights).
        if clock().millisecondsSinceEpoch - state.now.millisecondsSinceEpoch > 1000 { input.append(.tick(clock())) }
        switch event {
        case .key(let key): input.append(.key(key))
        case .resize(let width, let height): input.append(.resize(width: width, height: height))
        }
      }
      let now = clock()
      var news: [Message] = []
      if store.isCatchingUp || now.millisecondsSinceEpoch - lastRefresh.millisecondsSinceEpoch >= refreshInterval {
        lastRefresh = now
        // Lines that other processes appended (a slice at a time, so that keys are still
        // answered while a big import arrives), warnings that arose, the journal replaced.
        news = store.look()
        lastSliceRead = news.contains { if case .externalChanges = $0 { true } else { false } }
        state.readOnlyReason = store.readOnlyReason
        state.conflicts = store.conflictNotes
        state.unseenConflicts = store.unseenConflicts
        state.teamStatus = store.teamStatus
        // A new local day turns due dates into today's and today's into overdue at once.
        if state.calendar.day(of: now) != state.today
          || now.millisecondsSinceEpoch - state.now.millisecondsSinceEpoch > 60_000
        {
          news.append(.tick(now))
        }
      }
      guard !news.isEmpty || !input.isEmpty else {
        let idle = now.millisecondsSinceEpoch - lastInput.millisecondsSinceEpoch > 300
        if state.searchIndexIsStale(store.pipeline)
          && (idle || state.isIndexing || state.needsSearchIndexNow(store.pipeline))
        {
          let searching = state.needsSearchIndexNow(store.pipeline)
          state.prepareSearch(store.pipeline, budget: Self.indexingSlice)
          // A search that was waiting for the index shows its matches now.
          if searching && !state.isIndexing { draw() }
        }
        continue
      }
      lastInput = now
      // The news first, then the key: the key acts on the pipeline as it is now, and its
      // answer (saved, refused) is what the status line shows. A key with nothing to say
      // (a move of the focus clears the line) leaves the news on it.
      for message in news + input { send(message) }
      if !input.isEmpty, state.message == nil, let latest = news.last(where: { !$0.isTick }) { send(latest) }
      draw()
    }
  }
}

extension Message {
  fileprivate var isTick: Bool {
    if case .tick = self { return true }
    return false
  }
}
