import ArgumentParser
import Glibc
import Interchange
import Journal
import PipelineCore
import TerminalText

/// `closer import FILE`: deals from a CRM's export or a spreadsheet, checked row by row and
/// appended as one batch.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Bring in deals from a Pipedrive, HubSpot or Salesforce export, or any spreadsheet (CSV).",
    discussion: """
      Every row is checked first; if any is bad, nothing is imported (unless --skip-bad). \
      Importing the same file again updates the leads it created instead of adding them twice. \
      See docs/import-export.md for the columns each source may have.
      """)

  enum From: String, ExpressibleByArgument, CaseIterable {
    case auto, pipedrive, hubspot, salesforce, generic
  }

  enum DateOrderOption: String, ExpressibleByArgument, CaseIterable {
    case dayFirst = "day-first", monthFirst = "month-first", yearFirst = "year-first"

    var order: DayOrder {
      switch self {
      case .dayFirst: .dayFirst
      case .monthFirst: .monthFirst
      case .yearFirst: .yearFirst
      }
    }
  }

  @OptionGroup var options: JournalOptions
  @Argument(
    help: "The CSV file (comma, semicolon or tab separated, UTF-8).",
    completion: .file(extensions: ["csv", "tsv", "txt"]))
  var file: String
  @Option(help: "Where the file comes from: auto (from its header), pipedrive, hubspot, salesforce or generic.")
  var from: From = .auto
  @Option(
    name: .customLong("stage-map"),
    help: ArgumentHelp(
      "Map a stage of the file to a stage of the pipeline, won or lost: \"Contract sent=negotiation\". Repeatable.",
      valueName: "NAME=STAGE"))
  var stageMap: [String] = []
  @Option(
    name: .customLong("column"),
    help: ArgumentHelp(
      "Say which field a column fills: \"Deal size=value\", \"engage_date=created\", \"Notes=ignore\". Repeatable. "
        + "Fields: \(ImportFields.names.joined(separator: ", ")).",
      valueName: "HEADER=FIELD"))
  var columns: [String] = []
  @Option(
    name: .customLong("date-order"),
    help:
      "The order of the file's dates like 01-03-26: day-first, month-first or year-first (default: decided from the file)."
  )
  var dateOrder: DateOrderOption?
  @Option(help: "With --dry-run, list only the first N rows.") var limit: Int?
  @Flag(help: "Show what would be created, updated and skipped, row by row, and write nothing.") var dryRun = false
  @Flag(help: "Import the good rows and list the bad ones, instead of importing nothing.") var skipBad = false

  func run() throws {
    do {
      try runImport()
    } catch let error as ImportError {
      throw CommandError(printableLines(error.description))
    }
  }

  private func runImport() throws {
    let settings = try options.environment.loadSettings(flag: options.config)
    var map = settings.importStageMap
    for entry in stageMap {
      let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
      let name = parts.dropLast().joined(separator: "=").trimmingWhitespace
      let target = String(parts.last ?? "").trimmingWhitespace
      guard parts.count >= 2, !name.isEmpty, !target.isEmpty else {
        throw CommandError(
          "--stage-map takes NAME=STAGE, such as \"Contract sent=negotiation\"; got '\(printable(entry))'")
      }
      map[name] = target
    }
    let configured = Pipeline(config: settings.pipeline)
    for (name, target) in map where !["won", "lost"].contains(target.lowercased()) {
      guard case .success = configured.resolveStage(target) else {
        throw CommandError(
          "'\(printable(name))' maps to '\(printable(target))', which is no stage; use one of "
            + "\(configured.stages.map(\.key).joined(separator: ", ")), won or lost")
      }
    }
    let configColumns = settings.importColumns
    var columnMap: [String: String] = [:]
    // A lead's own fields, or the config's ([[fields]]) by key or title.
    func isField(_ name: String) -> Bool {
      ImportFields.isValid(name) || CustomFieldOptions.field(named: name, in: settings.pipeline) != nil
    }
    let fieldNames = (ImportFields.names + settings.pipeline.fields.map(\.key)).joined(separator: ", ")
    for (header, field) in configColumns where !isField(field) {
      throw CommandError(
        "[import.columns] in the config maps '\(printable(header))' to '\(printable(field))', which is no field; "
          + "use one of \(fieldNames) or ignore")
    }
    for entry in columns {
      let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
      let header = parts.dropLast().joined(separator: "=").trimmingWhitespace
      let field = String(parts.last ?? "").trimmingWhitespace
      guard parts.count >= 2, !header.isEmpty else {
        throw CommandError("--column takes HEADER=FIELD, such as \"Deal size=value\"; got '\(printable(entry))'")
      }
      guard isField(field) else {
        throw CommandError(
          "--column \(printable(entry)): '\(printable(field))' is no field; use one of \(fieldNames) or ignore")
      }
      if let earlier = columnMap.keys.first(where: { $0.lowercased() == header.lowercased() }) {
        throw CommandError(
          "--column names '\(printable(earlier))' twice (\(printable(columnMap[earlier] ?? "")) and \(printable(field))); say once what it holds"
        )
      }
      columnMap[header] = field
    }
    if let limit {
      guard dryRun else {
        throw CommandError("--limit lists fewer rows of a dry run; add --dry-run, or leave it out to import every row")
      }
      guard limit >= 1 else { throw CommandError("--limit counts rows from 1; got \(limit)") }
    }
    let source: ImportSource? = from == .auto ? nil : ImportSource(rawValue: from.rawValue)
    var sheet = try readSheet(
      source: source, stageMap: map, pipeline: configured, columnMap: columnMap, configColumnMap: configColumns)
    if !sheet.problems.isEmpty && !skipBad && !dryRun {
      throw ImportError.badRows(sheet.problems, total: sheet.rowCount)
    }

    if dryRun {
      let pipeline = try options.readPipeline(missingIsEmpty: true)
      var counter = 0
      let plan = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: pipeline, now: Environment.now()) {
        counter += 1
        return LeadID("new-\(counter)")
      }
      try Console.print(report(sheet, plan, dryRun: true, configured: configured))
      let problems = sheet.problems + plan.problems
      if !problems.isEmpty && !skipBad {
        throw CommandError(
          "\(problems.count) row\(problems.count == 1 ? "" : "s") cannot be imported, so nothing would be; "
            + "fix them, or import the other rows with --skip-bad")
      }
      return
    }

    let store = try options.openStore(creating: true)
    var plan: ImportPlan?
    try store.recordAll { pipeline in
      var planned = ImportPlan(
        deals: sheet.deals, source: sheet.source, pipeline: pipeline, now: Environment.now(), newID: store.newLeadID)
      if !planned.problems.isEmpty && !skipBad {
        throw ImportError.badRows(planned.problems, total: sheet.rowCount)
      }
      let changes = planned.takeChanges()
      plan = planned
      return changes
    }
    guard let plan else { return }
    // The report is written first, so that the deals are let go before the snapshot is.
    let outcome = report(sheet, plan, dryRun: false, configured: configured)
    sheet.deals = []
    if plan.eventCount >= PipelineStore.snapshotMinimumEvents { try? store.saveSnapshot() }
    try Console.printOutcome(outcome)
  }

  /// The file read and checked. Its bytes and fields are let go on return: only the deals
  /// are kept while they are planned and written.
  private func readSheet(
    source: ImportSource?, stageMap: [String: String], pipeline: Pipeline, columnMap: [String: String],
    configColumnMap: [String: String]
  ) throws -> DealSheet {
    let table = try CSVTable.read(try readFile(file, as: .table))
    return try DealSheet(
      table, source: source, stageMap: stageMap, pipeline: pipeline, columnMap: columnMap,
      configColumnMap: configColumnMap, dayOrder: dateOrder?.order)
  }

  /// What was (or would be) done, row by row for the first few of each kind.
  private func report(_ sheet: DealSheet, _ plan: ImportPlan, dryRun: Bool, configured: Pipeline) -> String {
    let name = file.split(separator: "/").last.map(String.init) ?? file
    var lines: [String] = []
    let rows = "\(sheet.rowCount) row\(sheet.rowCount == 1 ? "" : "s")"
    let bad = sheet.problems + plan.problems
    let counts = [
      "\(plan.created) \(dryRun ? "to create" : "created")", "\(plan.updated) \(dryRun ? "to update" : "updated")",
      "\(plan.unchanged) unchanged", "\(sheet.skipped.count) skipped",
    ]
    lines.append(
      "\(dryRun ? "Dry run of" : "Imported") \(printable(name)) (\(sheet.source.title), \(rows)): "
        + counts.joined(separator: ", ") + (bad.isEmpty ? "" : ", \(bad.count) bad") + ".")
    let limit = 20
    func section(_ title: String, _ items: [String]) {
      guard !items.isEmpty else { return }
      lines.append("\(title):")
      lines += items.prefix(limit).map { "  \($0)" }
      if items.count > limit { lines.append("  ... and \(items.count - limit) more") }
    }
    if dryRun {
      lines += rowLines(sheet, plan, configured: configured)
    } else if plan.eventCount > 0 {
      lines.append(
        "Journal: \(printable(options.journalPath)) (\(plan.eventCount) event\(plan.eventCount == 1 ? "" : "s"))")
    }
    section("Skipped", sheet.skipped.map { printable($0.description) })
    section(skipBad ? "Bad rows, left out" : "Bad rows", bad.map { printable($0.description) })
    lines += assumptions(sheet)
    if sheet.rowCount == 0 { lines.append("The file has a header but no rows: nothing to import.") }
    if dryRun { lines.append("Nothing was written.") }
    return lines.joined(separator: "\n")
  }

  /// What each row will write: its name, what happens to it, stage, status, value and dates.
  private func rowLines(_ sheet: DealSheet, _ plan: ImportPlan, configured: Pipeline) -> [String] {
    let deals = Dictionary(sheet.deals.map { ($0.row, $0) }, uniquingKeysWith: { first, _ in first })
    var lines: [String] = []
    let shown = limit.map { min($0, plan.entries.count) } ?? plan.entries.count
    if shown > 0 { lines.append("Rows:") }
    for entry in plan.entries.prefix(shown) {
      guard let deal = deals[entry.row] else { continue }
      let action: String
      switch entry.action {
      case .create: action = "create"
      case .update(let what): action = "update \(entry.lead) (\(what.joined(separator: ", ")))"
      case .unchanged: action = "unchanged \(entry.lead)"
      }
      let stageKey = deal.status == .won ? configured.wonStage : (deal.stage ?? configured.stages.first?.key ?? "")
      var parts = [
        "row \(entry.row): \(deal.name)", action,
        (configured.stage(forKey: stageKey)?.title ?? stageKey)
          + (deal.stage == nil && deal.status == .open ? " (no stage in the file)" : ""),
      ]
      // Dates later than now are not used: the event then happens at the import.
      let today = Environment.today()
      func dated(_ day: CalendarDay?) -> String {
        guard let day else { return "" }
        return day > today ? " (\(day) is in the future: dated today)" : " \(day)"
      }
      switch deal.status {
      case .open: parts.append("open")
      case .won: parts.append("won" + dated(deal.closed))
      case .lost:
        parts.append(
          "lost" + dated(deal.closed) + " (\(deal.lostReason ?? "Lost (imported from \(sheet.source.title))"))")
      }
      if case .some(.some(let value)) = deal.value {
        parts.append(value.description + (deal.currencyAssumed ? " (default currency)" : ""))
      }
      if deal.created != nil { parts.append("created" + dated(deal.created)) }
      if deal.status == .open, deal.stageEntered != nil { parts.append("in stage since" + dated(deal.stageEntered)) }
      if deal.status == .open, case .some(.some(let day)) = deal.expectedClose { parts.append("expected close \(day)") }
      if case .some(.some(let followUp)) = deal.followUp {
        parts.append("next: \(followUp.action), due \(followUp.due)")
      }
      lines.append("  " + printable(parts.joined(separator: " · ")))
    }
    if shown < plan.entries.count {
      lines.append("  ... and \(plan.entries.count - shown) more rows (--limit \(shown))")
    }
    return lines
  }

  /// Every assumption the import makes, so the mapping can be checked before writing.
  private func assumptions(_ sheet: DealSheet) -> [String] {
    var lines = ["Read as:"]
    if !sheet.mapping.isEmpty {
      lines.append(
        "  columns: " + sheet.mapping.map { "\(printable($0.header)) → \($0.field)" }.joined(separator: ", "))
    }
    if let namedBy = sheet.namedBy {
      lines.append(
        "  the file has no name column: rows are named by \(printable(namedBy)) (choose one with --column \"HEADER=name\")"
      )
    }
    if sheet.mapping.contains(where: { $0.field == "value" }) {
      lines.append(
        "  amounts: decimal \(sheet.decimalMark == .comma ? "comma" : "point") (\(printable(sheet.decimalMarkWhy)))")
    }
    for note in sheet.notes { lines.append("  \(printable(note))") }
    let dated = sheet.mapping.contains {
      ["expectedClose", "due", "created", "closed", "stageEntered"].contains($0.field)
    }
    if dated {
      lines.append(
        sheet.datesAreISO
          ? "  dates: year-month-day (ISO)" : "  dates: \(sheet.dayOrder.words) (\(printable(sheet.dayOrderWhy)))")
    }
    let assumedCurrency = sheet.deals.count { $0.currencyAssumed }
    if assumedCurrency > 0, let currency = sheet.deals.first(where: { $0.currencyAssumed })?.value??.currency {
      lines.append(
        "  \(assumedCurrency) row\(assumedCurrency == 1 ? " names" : "s name") no currency: \(currency), the configured default"
      )
    }
    let noStage = sheet.deals.count { $0.stage == nil && $0.status == .open }
    if noStage > 0 {
      lines.append("  \(noStage) open row\(noStage == 1 ? " has" : "s have") no stage: put in the first stage")
    }
    if !sheet.ignoredColumns.isEmpty {
      lines.append(
        "  columns not imported: "
          + sheet.ignoredColumns.map { "\(printable($0)) (\(printable(sheet.suggestion(for: $0) ?? "")))" }.joined(
            separator: ", "))
    }
    return lines.count > 1 ? lines : []
  }
}
