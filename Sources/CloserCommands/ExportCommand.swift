import ArgumentParser
import Foundation
import Interchange
import PipelineCore

/// `closer export`: the pipeline as CSV, JSON, JSON Lines, or follow-ups as a calendar.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the leads as CSV, JSON or JSON Lines, or the follow-ups as an iCalendar file.",
    discussion: """
      CSV reads back with closer import; JSON and JSON Lines carry every field of list --json plus
      notes and stage history; ics holds one all-day event per open deal's follow-up.
      Without --output the export goes to standard output.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case csv, json, jsonl, ics
  }

  @OptionGroup var options: JournalOptions
  @Option(help: "csv, json, jsonl or ics. Default: from the --output file's extension, else csv.") var format: Format?
  @Option(help: "open, won, lost or all (default). Not for ics, which holds open deals' follow-ups.")
  var status: ListCommand.StatusFilter?
  @Option(name: .shortAndLong, help: "Write to this file (replaced whole, never half-written).") var output: String?
  @Flag(help: "Start a CSV with a UTF-8 byte order mark, for Excel.") var bom = false

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
        throw CommandError("\(output) is the journal\(protected == journal ? "" : "'s snapshot"); export elsewhere")
      }
    }
    let pipeline = try options.readPipeline()
    let now = Environment.now()
    let leads = ListCommand.select(pipeline, stage: nil, status: status ?? .all)
    let bytes = Self.encode(leads, format: resolvedFormat, pipeline: pipeline, now: now, bom: bom)
    if let output {
      try Self.writeReplacing(output, bytes)
      if resolvedFormat == .ics {
        let count = leads.count { $0.status == .open && $0.followUp != nil }
        printError("wrote \(count) follow-up\(count == 1 ? "" : "s") to \(output)")
      } else {
        printError("wrote \(leads.count) lead\(leads.count == 1 ? "" : "s") to \(output)")
      }
    } else {
      FileHandle.standardOutput.write(Data(bytes))
    }
  }

  static func encode(_ leads: [Lead], format: Format, pipeline: Pipeline, now: Timestamp, bom: Bool) -> [UInt8] {
    switch format {
    case .csv:
      return LeadCSV.encode(leads, in: pipeline, now: now, byteOrderMark: bom)
    case .ics:
      return FollowUpCalendar.encode(leads, in: pipeline, now: now)
    case .json:
      // An array with one lead per line: valid JSON that still reads well line by line.
      var json = JSONBytes()
      json.raw("[\n")
      for (index, lead) in leads.enumerated() {
        if index > 0 { json.raw(",\n") }
        LeadJSON(lead, in: pipeline, now: now, detailed: true).write(to: &json)
      }
      json.raw("\n]\n")
      return json.bytes
    case .jsonl:
      var json = JSONBytes()
      for lead in leads {
        LeadJSON(lead, in: pipeline, now: now, detailed: true).write(to: &json)
        json.raw("\n")
      }
      return json.bytes
    }
  }

  /// Writes `bytes` to a temporary file beside `path`, flushes it, and renames it over
  /// `path`, so a reader never sees half a file.
  static func writeReplacing(_ path: String, _ bytes: [UInt8]) throws {
    let temporary = "\(path).tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw CommandError("cannot write \(path): \(String(cString: strerror(errno)))") }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        unlink(temporary)
        throw CommandError("cannot write \(path): \(reason)")
      }
      offset += written
    }
    let synced = fsync(descriptor) == 0
    let reason = String(cString: strerror(errno))
    close(descriptor)
    guard synced, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw CommandError("cannot write \(path): \(synced ? String(cString: strerror(errno)) : reason)")
    }
  }

  static func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
}
