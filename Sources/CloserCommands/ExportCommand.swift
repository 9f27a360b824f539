import ArgumentParser
import Foundation
import Interchange
import PipelineCore
import TerminalText

/// `closer export`: the pipeline as CSV, JSON, JSON Lines, or follow-ups as a calendar.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the leads as CSV, JSON or JSON Lines, or the follow-ups as an iCalendar file.",
    discussion: """
      CSV reads back with closer import; JSON and JSON Lines carry every field of list --json plus \
      notes and stage history; ics holds one all-day event per open deal's follow-up. \
      Without --output the export goes to standard output.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case csv, json, jsonl, ics
  }

  @OptionGroup var options: JournalOptions
  @Option(help: "csv, json, jsonl or ics. Default: from the --output file's extension, else csv.") var format: Format?
  @Option(help: "open, won, lost or all (default). Not for ics, which holds open deals' follow-ups.")
  var status: ListCommand.StatusFilter?
  @Option(
    name: .shortAndLong,
    help: "Write to this file (replaced whole, never half-written; a device or a pipe is written into).",
    completion: .file())
  var output: String?
  @Flag(help: "Start a CSV with a UTF-8 byte order mark, for Excel.") var bom = false
  @Option(
    name: .customLong("where"), help: "Only deals the filter selects (docs/filters.md), e.g. \"owner:me tier:A\".")
  var filter: String?

  var resolvedFormat: Format {
    if let format { return format }
    if let output, let dot = output.lastIndex(of: "."),
      let inferred = Format(rawValue: output[output.index(after: dot)...].lowercased())
    {
      return inferred
    }
    return .csv
  }

  func validate() throws {
    if resolvedFormat == .ics && status != nil {
      throw ValidationError("--status does not apply to ics: a calendar holds the follow-ups of open deals")
    }
    if bom && resolvedFormat != .csv { throw ValidationError("--bom is for csv only") }
  }

  func run() throws {
    if let output {
      let journal = options.journalPath
      for protected in [journal, journal + ".snapshot"] where Self.sameFile(output, protected) {
        throw CommandError(
          "\(printable(output)) is the journal\(protected == journal ? "" : "'s snapshot"); export elsewhere")
      }
    }
    let pipeline = try options.readPipeline()
    let now = Environment.now()
    var leads = ListCommand.select(pipeline, stage: nil, status: status ?? .all)
    if let filter = try ListCommand.readFilter(filter, pipeline: pipeline, environment: options.environment) {
      let today = Environment.today()
      leads = leads.filter { filter.matches($0, in: pipeline, now: now, today: today) }
    }
    let sink = try ExportSink(path: output)
    do {
      try Self.write(leads, format: resolvedFormat, pipeline: pipeline, now: now, bom: bom, to: sink.write)
      try sink.finish()
    } catch {
      sink.abandon()
      throw error
    }
    guard let output else { return }
    if resolvedFormat == .ics {
      let count = leads.count { $0.status != .lost && $0.followUp != nil }
      Console.printError("wrote \(count) follow-up\(count == 1 ? "" : "s") to \(printable(output))")
    } else {
      Console.printError("wrote \(leads.count) lead\(leads.count == 1 ? "" : "s") to \(printable(output))")
    }
  }

  /// Writes the export in pieces of about a megabyte, so that memory stays flat however
  /// large the pipeline.
  static func write(
    _ leads: [Lead], format: Format, pipeline: Pipeline, now: Timestamp, bom: Bool, to output: ([UInt8]) throws -> Void
  ) throws {
    switch format {
    case .csv:
      try LeadCSV.write(leads, in: pipeline, now: now, byteOrderMark: bom, to: output)
    case .ics:
      try FollowUpCalendar.write(leads, in: pipeline, now: now, to: output)
    case .json, .jsonl:
      // JSON: an array with one lead per line, valid JSON that still reads well line by line.
      var json = JSONBytes(capacity: LeadCSV.flushSize + 65_536)
      if format == .json { json.raw("[\n") }
      for (index, lead) in leads.enumerated() {
        if format == .json && index > 0 { json.raw(",\n") }
        LeadJSON(lead, in: pipeline, now: now, detailed: true).write(to: &json)
        if format == .jsonl { json.raw("\n") }
        // Whole leads at a time, so that no character is split between two pieces.
        if json.bytes.count >= LeadCSV.flushSize {
          try output(escapingInvisibles(json.bytes))
          json.bytes.removeAll(keepingCapacity: true)
        }
      }
      if format == .json { json.raw(leads.isEmpty ? "]\n" : "\n]\n") }
      try output(escapingInvisibles(json.bytes))
    }
  }

  static func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
}
