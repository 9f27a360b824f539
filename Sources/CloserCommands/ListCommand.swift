import ArgumentParser
import Foundation
import PipelineCore
import TerminalText

/// `closer list`: leads as a table or JSON.
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List leads (open deals by default), in board order.")

  enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
    case open, won, lost, all
  }

  @OptionGroup var options: JournalOptions
  @Option(help: "Only this stage (key or title).", completion: .custom { _, _, _ in Completions.stages() }) var stage:
    String?
  @Option(help: "open (the default), won, lost or all.") var status: StatusFilter?
  enum SortOrder: String, ExpressibleByArgument, CaseIterable {
    case board, score, value
  }

  @Flag(help: "Only open deals with a follow-up, soonest due first (overdue ones on top).") var due = false
  @Flag(help: "Only open deals with no activity for longer than their stage allows.") var stalled = false
  @Option(
    help:
      "board (stage by stage), score or value (highest first; the default currency first, then each currency by its code; no value last). With --due: soonest due first unless --sort is given."
  )
  var sort: SortOrder?
  @Flag(help: "Print a JSON array.") var json = false
  @Option(
    help: "Only deals owned by NAME (any case); me: yours ($CLOSER_OWNER, else your user name); none: nobody's."
  )
  var owner: String?
  @Option(
    name: .customLong("where"),
    help:
      "Only deals the filter selects (docs/filters.md), e.g. \"owner:me tier:A,B value>50k -status:lost\"; without --status it looks at every deal, open, won and lost."
  )
  var filter: String?

  func run() throws {
    // --due and --stalled are about open deals: with won or lost ones they would list nothing.
    if let status, status == .won || status == .lost, due || stalled {
      throw CommandError(
        "\(due ? "--due" : "--stalled") lists open deals, so it cannot be combined with --status \(status.rawValue)")
    }
    // A filter says which deals it wants, lost ones included (`-status:lost` leaves them out).
    let status = self.status ?? (filter == nil ? .open : .all)
    let pipeline = try options.readPipeline()
    let now = Environment.now()
    let today = Environment.today()
    let leadFilter = try Self.readFilter(filter, pipeline: pipeline, environment: options.environment)
    let stageFilter = try stage.map { try pipeline.resolveStage($0).get().key }
    var leads = Self.select(pipeline, stage: stageFilter, status: status)
    if stalled { leads = leads.filter { pipeline.isStalled($0, now: now) } }
    if let leadFilter { leads = leads.filter { leadFilter.matches($0, in: pipeline, now: now, today: today) } }
    if let owner {
      let wanted = owner.lowercased() == "me" ? options.environment.me : owner
      guard !wanted.isEmpty else {
        throw CommandError("--owner me needs to know who you are: set CLOSER_OWNER (or USER) to your name")
      }
      let nobody = owner.lowercased() == "none"
      leads = leads.filter {
        // One owner whatever the case and accents, as the board's owner view, filters and
        // `stats --by owner` have it.
        nobody ? $0.owner.isEmpty : !$0.owner.isEmpty && SearchKey.fold($0.owner) == SearchKey.fold(wanted)
      }
    }
    if due {
      leads = leads.filter { $0.followUp != nil && $0.status == .open }
      if sort == nil { leads.sort { ($0.followUp!.due, $0.name) < ($1.followUp!.due, $1.name) } }
    }
    switch sort ?? .board {
    case .board: break
    case .score:
      leads = Self.stableSorted(leads) {
        pipeline.score(of: $0, now: now).total > pipeline.score(of: $1, now: now).total
      }
    case .value:
      let home = pipeline.config.defaultCurrency
      leads = Self.stableSorted(leads) { Self.valueRank($0, home) < Self.valueRank($1, home) }
    }
    // Say what the default status hid, when it hid what was asked for (won deals in the
    // last stage).
    if self.status == nil, let stageFilter {
      let hidden = pipeline.leads.filter { $0.stage == stageFilter && $0.status != .open }
      if !hidden.isEmpty {
        let won = hidden.count { $0.status == .won }
        let lost = hidden.count - won
        let what = [won > 0 ? "\(won) won" : nil, lost > 0 ? "\(lost) lost" : nil].compactMap { $0 }
        Console.printError(
          "\(what.joined(separator: " and ")) deal\(hidden.count == 1 ? "" : "s") in "
            + "\(pipeline.stage(forKey: stageFilter)?.title ?? stageFilter) not listed (open deals only); "
            + "add --status all to see them")
      }
    }
    if json {
      try printJSON(leads.map { LeadJSON($0, in: pipeline, now: now, detailed: false) })
      return
    }
    guard !leads.isEmpty else {
      Console.printError(
        pipeline.count == 0 ? "no leads yet; add one with: closer add \"Ana Lima\" --company Acme" : "no leads match")
      return
    }
    if due {
      try printAgenda(leads, pipeline, today: Environment.calendar.day(of: now))
      return
    }
    var rows = [["ID", "NAME", "COMPANY", "STAGE", "POS", "VALUE", "SCORE", "STATUS"]]
    for lead in leads {
      rows.append([
        lead.id.rawValue, printable(lead.name), printable(lead.company),
        pipeline.stage(forKey: lead.stage)?.title ?? lead.stage,
        pipeline.position(of: lead.id).map(String.init) ?? "-",
        lead.value.map { "\($0.currency) \($0.formattedAmount)" } ?? "",
        "\(pipeline.score(of: lead, now: now).total) \(pipeline.score(of: lead, now: now).tier.rawValue)",
        lead.status.rawValue + (pipeline.isStalled(lead, now: now) ? ", stalled" : ""),
      ])
    }
    try Console.print(table(rows, maxWidths: [8, 28, 24, 20, 5, 18, 6, 13]))
  }

  /// How a lead ranks by value: the default currency first, then each other currency by
  /// its code, highest amount first within each; no value last. Amounts in different
  /// currencies are never compared as if they were one.
  /// `--where`'s filter (docs/filters.md), read with the pipeline's stages and currency and
  /// the rep's name for `me`; an error names the term.
  static func readFilter(_ text: String?, pipeline: Pipeline, environment: Environment) throws -> LeadFilter? {
    guard let text else { return nil }
    let me = environment.me
    do {
      return try LeadFilter(
        text,
        context: LeadFilter.Context(me: me.isEmpty ? nil : me, today: Environment.today(), config: pipeline.config))
    } catch {
      throw CommandError("--where \(error)")
    }
  }

  static func valueRank(_ lead: Lead, _ home: String) -> (Int, String, Int64) {
    guard let value = lead.value else { return (2, "", 0) }
    return value.currency == home ? (0, "", -value.minorUnits) : (1, value.currency, -value.minorUnits)
  }

  /// Sorted by `before`, keeping board order among equals.
  static func stableSorted(_ leads: [Lead], by before: (Lead, Lead) -> Bool) -> [Lead] {
    leads.enumerated().sorted { a, b in
      before(a.element, b.element) || (!before(b.element, a.element) && a.offset < b.offset)
    }.map(\.element)
  }

  /// Follow-ups in due order, overdue and due-today ones marked.
  private func printAgenda(_ leads: [Lead], _ pipeline: Pipeline, today: CalendarDay) throws {
    var rows = [["DUE", "", "ID", "NAME", "COMPANY", "NEXT ACTION", "STAGE"]]
    for lead in leads {
      guard let followUp = lead.followUp else { continue }
      let mark = followUp.due < today ? "overdue" : followUp.due == today ? "today" : ""
      rows.append([
        followUp.due.description, mark, lead.id.rawValue, printable(lead.name), printable(lead.company),
        printable(followUp.action), pipeline.stage(forKey: lead.stage)?.title ?? lead.stage,
      ])
    }
    try Console.print(table(rows, maxWidths: [10, 7, 8, 26, 22, 32, 20]))
  }

  /// Leads in board order: stage by stage, top to bottom; lost deals last, newest first.
  static func select(_ pipeline: Pipeline, stage: String?, status: StatusFilter) -> [Lead] {
    var result: [Lead] = []
    for column in pipeline.stages where stage == nil || stage == column.key {
      result += pipeline.leads(inStage: column.key).filter { status == .all || $0.status.rawValue == status.rawValue }
    }
    if status == .lost || status == .all {
      let lost = pipeline.leads.filter { $0.status == .lost && (stage == nil || $0.stage == stage) }
      result += lost.sorted { ($0.closed ?? $0.created) > ($1.closed ?? $1.created) }
    }
    return result
  }
}

/// Rows aligned in columns by display width, each cell cut to its column's maximum. Cells
/// are made visible first (a stage key or a currency from the journal is shown as it is
/// stored), so that what is measured is what is printed.
func table(_ rows: [[String]], maxWidths: [Int]) -> String {
  let rows = rows.map { $0.map { printable($0) } }
  let columns = rows.map(\.count).max() ?? 0
  var widths = [Int](repeating: 0, count: columns)
  for row in rows {
    for (i, cell) in row.enumerated() { widths[i] = max(widths[i], min(cell.displayWidth, maxWidths[i])) }
  }
  return rows.map { row in
    row.enumerated().map { i, cell in
      i == row.count - 1 ? cell.truncated(toWidth: widths[i]) : cell.fitted(toWidth: widths[i])
    }
    .joined(separator: "  ")
  }.joined(separator: "\n")
}
