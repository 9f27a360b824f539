import PipelineCore
import TerminalModel

/// Everything the board shows that is not the pipeline itself: focus, mode, scroll,
/// search, undo history, messages. The pipeline is passed in to `update` and `render`, so
/// the board never holds a second copy of a large state.
public struct BoardState: Sendable {
  /// How far the detail pane is scrolled (lines from its top), and whether it follows the
  /// selected checklist item (after Up/Down) rather than the rep's scrolling (PgUp/PgDn).
  var detailScroll = 0
  var detailFollowsSelection = true

  public indirect enum Mode: Sendable, Equatable {
    case board
    /// A card is lifted and being carried (keyboard drag and drop).
    case move(MoveState)
    case search(SearchState)
    /// The detail pane has the focus; `item` is the selected checklist row.
    case detail(item: Int)
    /// A yes/no question in the status line, such as a stage gate.
    case confirm(Confirmation)
    /// The help overlay, over the mode it was opened from, scrolled by `scroll` lines.
    case help(over: Mode, scroll: Int = 0)
    /// A question answered in the status line: pick a numbered option or type.
    case prompt(Prompt)
    /// Every open follow-up in due order; `selected` is the highlighted row.
    case agenda(selected: Int)
    /// The add or edit form.
    case form(LeadForm)
    /// Pipeline insights for a period.
    case insights(InsightsView)
    /// Whose deals the board shows, asked in the status line.
    case ownerView(OwnerView)
    /// The filter line: a filter typed in the status line.
    case filterLine(FilterLine)
    /// The table view: one row per deal shown, sorted by a column.
    case table(TableView)
  }

  public var width: Int
  public var height: Int
  public var mode: Mode = .board
  /// The focused column, and per column the focused card (0 = top).
  public internal(set) var column = 0
  var rows: [Int] = []
  /// The lead the focus is on, so it can be found again after the pipeline changes.
  public internal(set) var focusedLead: LeadID?
  /// First visible column (when not all fit) and, per column, first visible card.
  var firstColumn = 0
  var firstRows: [Int] = []
  /// The last search, kept after Enter for highlighting and n / N.
  public internal(set) var highlight: SearchState?
  var searchIndex: SearchIndex?
  /// The next search index, built a slice at a time while the rep is idle.
  var searchIndexBuilder: SearchIndex.Builder?
  /// Up to this many leads, a search index out of date is rebuilt at once when a search
  /// needs it (a few milliseconds); above, the search uses the last index until the loop has
  /// built the next one between keys.
  var searchIndexBuiltAtOnceUpTo = 20_000
  var undoStack: [UndoEntry] = []
  var redoStack: [UndoEntry] = []
  /// The latest message for the status line.
  public internal(set) var message: StatusMessage?
  /// "Now", for days in stage and overdue marks; set by the loop's clock.
  public var now: Timestamp
  /// The rep's calendar, for "today": due dates and overdue marks are local dates.
  public var calendar: LocalCalendar
  /// Shown in the title bar: which journal this is.
  public var journalName: String
  /// Why changes are refused, when the journal is read-only.
  public var readOnlyReason: String?
  /// In a team pipeline: cards whose last change lost to one made at the same time by
  /// another member, with what happened, until the rep has looked at them.
  var conflicts: [LeadID: String] = [:]
  /// The cards among them the rep has not looked at yet: marked on the board.
  var unseenConflicts: Set<LeadID> = []
  /// In a team pipeline, the sync state the title shows.
  var teamStatus: String?
  /// Whose deals the board shows: nil everyone's, "" the deals nobody owns, else one
  /// owner's (case ignored). Columns, counts and totals describe what is shown.
  public internal(set) var ownerFilter: String?
  /// The filter line's filter (docs/filters.md): only the deals it selects are shown, with
  /// the owner view's, when both are on.
  public internal(set) var filter: LeadFilter?
  /// The saved views from the config (`[views.NAME] where = "..."`), and the one shown.
  public var views: [SavedView] = []
  public internal(set) var activeView: String?
  /// The rep's own name as an owner ("me"), when the store knows it.
  public var me: String?
  /// In a team pipeline, who did what to the card in the detail pane lately.
  var changes: (lead: LeadID, lines: [String])?

  /// The lead the detail pane shows: the one being moved, else the focused one.
  var shownLead: LeadID? {
    if case .move(let move) = mode { return move.lead }
    return focusedLead
  }
  var summaries = SummaryCache()
  /// The agenda's leads, soonest due first, rebuilt only when the pipeline changes while
  /// the agenda is open (not on every key or frame).
  var agendaItems: [LeadID] = []
  var agendaRevision = -1
  /// The table view's rows, sorted again only when what they show changes.
  var tableRows = TableRows()
  /// The card the mouse pressed (a drag lifts it), and whether the card lifted is carried
  /// by the mouse (its release drops it).
  var mouseDown: MouseDown?
  var isMouseDrag = false
  /// Whether the board acts on mouse reports (`mouse = false` in the config: no).
  public var mouseEnabled = true

  public init(
    width: Int, height: Int, now: Timestamp, calendar: LocalCalendar = .utc, journalName: String = "",
    readOnlyReason: String? = nil
  ) {
    self.width = width
    self.height = height
    self.now = now
    self.calendar = calendar
    self.journalName = journalName
    self.readOnlyReason = readOnlyReason
  }

  /// The rep's local date now: what "today" means to them.
  public var today: CalendarDay { calendar.day(of: now) }

  /// Whether a key or message should end the program.
  public internal(set) var wantsToQuit = false
}

/// A lifted card: where it came from and where it would land.
public struct MoveState: Sendable, Equatable {
  public var lead: LeadID
  public var originColumn: Int
  public var originRow: Int
  public var targetColumn: Int
  public var targetRow: Int
}

/// Incremental search over names and companies.
public struct SearchState: Sendable, Equatable {
  public var query: String = ""
  /// Matching search-index entries, in board order (stage by stage, top to bottom).
  var entries: [Int32] = []
  /// Index into the matches of the picked one.
  public var picked = 0
  /// The index the entries refer to.
  var index: SearchIndex?

  /// Matching leads in board order.
  public var matches: [LeadID] {
    guard let index else { return [] }
    return entries.map { index.ids[Int($0)] }
  }

  public var matchCount: Int { entries.count }

  func lead(at position: Int) -> LeadID? {
    guard let index, entries.indices.contains(position) else { return nil }
    return index.ids[Int(entries[position])]
  }

  func contains(_ lead: LeadID, in pipeline: Pipeline) -> Bool {
    guard let entry = index?.entry(of: lead, in: pipeline) else { return false }
    let place = Self.position(of: entry, in: entries)
    return place < entries.count && entries[place] == entry
  }

  public static func == (lhs: SearchState, rhs: SearchState) -> Bool {
    lhs.query == rhs.query && lhs.entries == rhs.entries && lhs.picked == rhs.picked
  }
}

/// A question waiting for y or n.
public struct Confirmation: Sendable, Equatable {
  public var question: String
  public var record: Record
  /// Where the focus goes back to when the answer is no.
  public var cancelMode: BoardState.Mode
  /// What the status line says when the answer is no.
  public var cancelMessage = "Not moved"
}

/// A question in the status line with numbered options and free text (a lost reason, a
/// follow-up's action and due date).
public struct Prompt: Sendable, Equatable {
  public enum Purpose: Sendable, Equatable {
    case lostReason
    case followUpAction
    case followUpDue(action: String)
    /// Who owns the deal: a name typed, or one of those listed by its number.
    case owner
    /// What was done (a call, meeting or email), then how it went.
    case activityKind
    case activityOutcome(kind: String)
    /// The answer to a criterion's questions, ticking it (from the detail pane's `item`).
    case answer(criterion: String, item: Int)
  }

  public var lead: LeadID
  public var purpose: Purpose = .lostReason
  public var question: String
  public var options: [String]
  /// The answer being typed, with its cursor.
  public var input: TextInput
  /// Whether the answer is a suggestion (the current value): the first character typed
  /// replaces it; an editing key (an arrow, Home, End) keeps it to edit.
  public var isPrefilled = false
  /// What was wrong with the last answer, shown until the next key.
  public var problem: String?
  /// The lead as it was when the question was asked: an answer to a lead that changed
  /// meanwhile in what it answers (another process, another member) is not written.
  public var was: Lead?

  public var text: String { input.text }

  public init(
    lead: LeadID, purpose: Purpose = .lostReason, question: String, options: [String], text: String = "",
    isPrefilled: Bool = false, was: Lead? = nil
  ) {
    self.lead = lead
    self.purpose = purpose
    self.question = question
    self.options = options
    self.input = TextInput(text)
    self.isPrefilled = isPrefilled
    self.was = was
  }
}

/// The insights view: the figures for one of a few periods, scrolled, with one of the
/// slowest deals selected.
public struct InsightsView: Sendable, Equatable {
  /// Periods the view offers, in days back from now.
  public static let periods = [30, 90, 365]
  public var period = 1
  public var figures: Insights
  public var scroll = 0
  public var selected = 0
  /// Set once the rep picks among the slow deals: the view then scrolls to the selection.
  public var followSelection = false
  /// One row per owner, as `closer stats --by owner` has them.
  public var owners: [BreakdownRow] = []
}

/// A line for the status bar.
public struct StatusMessage: Sendable, Equatable {
  public var text: String
  public var isError: Bool

  public init(_ text: String, isError: Bool = false) {
    self.text = text
    self.isError = isError
  }
}

/// A change that can be undone by appending its opposite.
struct UndoEntry: Sendable, Equatable {
  var lead: LeadID
  var undo: Change
  var redo: Change
  var label: String
  /// The event the next undo or redo reverses (the change, then the undo, then the redo).
  var eventID: String

  /// Whether `lead` is as `change`'s opposite left it, so that putting it back loses
  /// nothing anyone did since (notes and logged activities aside, which it does not touch).
  static func leaves(_ lead: Lead?, asLeftBy change: Change) -> Bool {
    guard case .restored(let restoration) = change else { return true }
    func plain(_ lead: Lead?) -> Lead? {
      guard var lead else { return nil }
      lead.notes = []
      lead.activities = []
      lead.lastActivity = lead.created
      return lead
    }
    return plain(lead) == plain(restoration.lead)
  }

  /// `change`, naming `eventID` as the event it reverses when it puts a lead back.
  func reversing(_ change: Change) -> Change {
    guard case .restored(var restoration) = change else { return change }
    restoration.reverses = eventID
    return .restored(restoration)
  }
}

/// A filter saved in the config under a name, cycled with V.
public struct SavedView: Sendable, Equatable {
  public var name: String
  public var filter: String

  public init(name: String, filter: String) {
    self.name = name
    self.filter = filter
  }
}

/// Column headers' counts and values, and with an owner filter the cards shown,
/// recomputed only when the pipeline or the filter changes.
struct SummaryCache: Sendable {
  struct Column: Sendable {
    var count: Int
    var total: Int64
    var weighted: Int64
    var otherCurrencies: Bool
  }

  var revision = -1
  var columns: [Column] = []
  /// The filters the cache was made for, and the day (a filter on due dates or tiers
  /// changes with it).
  private(set) var filter: String?
  private(set) var query: LeadFilter?
  private var day: CalendarDay?
  /// With a filter, per column the places (1-based, in the pipeline's column) of the cards
  /// shown, top to bottom; nil without one (every card is shown).
  private(set) var shown: [[Int32]]?
  /// Goes up each time the cards shown are worked out again (for the table's rows).
  private(set) var generation = 0

  mutating func refresh(
    _ pipeline: Pipeline, filter: String?, query: LeadFilter? = nil, now: Timestamp, today: CalendarDay
  ) {
    guard
      revision != pipeline.revision || columns.count != pipeline.stages.count || self.filter != filter
        || self.query != query || (query != nil && day != today)
    else { return }
    self.filter = filter
    self.query = query
    day = today
    revision = pipeline.revision
    generation += 1
    if let query {
      refresh(pipeline, owner: filter) { query.matches($0, in: pipeline, now: now, today: today) }
      return
    }
    guard let filter else {
      shown = nil
      columns = pipeline.stages.map { stage in
        let totals = pipeline.totals(inStage: stage.key)
        return Column(
          count: totals.count, total: totals.minorUnits,
          weighted: totals.minorUnits * Int64(stage.probability) / 100, otherCurrencies: totals.otherCurrencies)
      }
      return
    }
    refreshByOwner(pipeline, filter)
  }

  /// With the filter line's filter (and the owner view's, when on): every card read in place.
  private mutating func refresh(_ pipeline: Pipeline, owner: String?, _ selects: (UnsafePointer<Lead>) -> Bool) {
    let wanted = owner.map(SearchKey.fold)
    let currency = pipeline.config.defaultCurrency
    var places: [[Int32]] = []
    columns = pipeline.stages.map { stage in
      var column = Column(count: 0, total: 0, weighted: 0, otherCurrencies: false)
      var shownHere: [Int32] = []
      var place: Int32 = 0
      pipeline.forEachCard(inStage: stage.key) { (lead: UnsafePointer<Lead>) in
        place += 1
        if let wanted {
          let owner = lead.pointee.owner
          guard owner.isEmpty ? wanted.isEmpty : (!wanted.isEmpty && SearchKey.fold(owner) == wanted) else { return }
        }
        guard selects(lead) else { return }
        shownHere.append(place)
        column.count += 1
        if let value = lead.pointee.value {
          if value.currency == currency { column.total += value.minorUnits } else { column.otherCurrencies = true }
        }
      }
      column.weighted = column.total * Int64(stage.probability) / 100
      places.append(shownHere)
      return column
    }
    shown = places
  }

  /// With the owner view's filter only: owners and values read in place.
  private mutating func refreshByOwner(_ pipeline: Pipeline, _ filter: String) {
    let wanted = SearchKey.fold(filter)
    let currency = pipeline.config.defaultCurrency
    var places: [[Int32]] = []
    // Owners are a few names shared by many deals: each is folded once.
    var verdicts: [String: Bool] = [:]
    func matches(_ owner: String) -> Bool {
      if let known = verdicts[owner] { return known }
      // Folded as search folds: "Ana", "ana" and "Âna" are one owner.
      let verdict = owner.isEmpty ? wanted.isEmpty : (!wanted.isEmpty && SearchKey.fold(owner) == wanted)
      verdicts[owner] = verdict
      return verdict
    }
    columns = pipeline.stages.map { stage in
      var column = Column(count: 0, total: 0, weighted: 0, otherCurrencies: false)
      var mine: [Int32] = []
      var place: Int32 = 0
      pipeline.forEachCardOwner(inStage: stage.key) { owner, value in
        place += 1
        guard matches(owner) else { return }
        mine.append(place)
        column.count += 1
        if let value {
          if value.currency == currency { column.total += value.minorUnits } else { column.otherCurrencies = true }
        }
      }
      column.weighted = column.total * Int64(stage.probability) / 100
      places.append(mine)
      return column
    }
    shown = places
  }
}
