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

  @OptionGroup var options: JournalOptions
  @Argument(help: "The CSV file (comma, semicolon or tab separated, UTF-8).") var file: String
  @Option(help: "Where the file comes from: auto (from its header), pipedrive, hubspot, salesforce or generic.")
  var from: From = .auto
  @Option(
    name: .customLong("stage-map"),
    help: ArgumentHelp(
      "Map a stage of the file to a stage of the pipeline, won or lost: \"Contract sent=negotiation\". Repeatable.",
      valueName: "NAME=STAGE"))
  var stageMap: [String] = []
  @Flag(help: "Show what would be created, updated and skipped, and write nothing.") var dryRun = false
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
    let table = try CSVTable.read(try readFile(file, as: .table))
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
    let source: ImportSource? = from == .auto ? nil : ImportSource(rawValue: from.rawValue)
    let sheet = try DealSheet(table, source: source, stageMap: map, pipeline: configured)
    if !sheet.problems.isEmpty && !skipBad && !dryRun {
      throw ImportError.badRows(sheet.problems, total: sheet.rowCount)
    }

    if dryRun {
      let pipeline = try options.readPipeline()
      var counter = 0
      let plan = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: pipeline) {
        counter += 1
        return LeadID("new-\(counter)")
      }
      try Console.print(report(sheet, plan, dryRun: true))
      let problems = sheet.problems + plan.problems
      if !problems.isEmpty && !skipBad {
        throw CommandError(
          "\(problems.count) row\(problems.count == 1 ? "" : "s") cannot be imported, so nothing would be; "
            + "fix them, or import the other rows with --skip-bad")
      }
      return
    }

    let store = try options.openStore()
    var plan: ImportPlan?
    try store.recordAll { pipeline in
      let planned = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: pipeline, newID: store.newLeadID)
      if !planned.problems.isEmpty && !skipBad {
        throw ImportError.badRows(planned.problems, total: sheet.rowCount)
      }
      plan = planned
      return planned.changes
    }
    guard let plan else { return }
    if plan.changes.count >= PipelineStore.snapshotMinimumEvents { try? store.saveSnapshot() }
    try Console.printOutcome(report(sheet, plan, dryRun: false))
  }

  /// What was (or would be) done, row by row for the first few of each kind.
  private func report(_ sheet: DealSheet, _ plan: ImportPlan, dryRun: Bool) -> String {
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
      section(
        "Would create",
        plan.entries.filter { $0.action == .create }.map { "row \($0.row): \(printable($0.name))" })
      section(
        "Would update",
        plan.entries.compactMap { entry in
          guard case .update(let what) = entry.action else { return nil }
          return
            "row \(entry.row): \(printable(entry.name)) [\(entry.lead)]: \(printable(what.joined(separator: ", ")))"
        })
    } else if !plan.changes.isEmpty {
      lines.append(
        "Journal: \(printable(options.journalPath)) (\(plan.changes.count) event\(plan.changes.count == 1 ? "" : "s"))")
    }
    section("Skipped", sheet.skipped.map { printable($0.description) })
    section(skipBad ? "Bad rows, left out" : "Bad rows", bad.map { printable($0.description) })
    if !sheet.ignoredColumns.isEmpty {
      lines.append("Columns not imported: \(sheet.ignoredColumns.map { printable($0) }.joined(separator: ", "))")
    }
    if sheet.rowCount == 0 { lines.append("The file has a header but no rows: nothing to import.") }
    if dryRun { lines.append("Nothing was written.") }
    return lines.joined(separator: "\n")
  }
}
