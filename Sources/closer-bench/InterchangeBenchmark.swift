import Board
import CloserCommands
import Foundation
import Journal
import PipelineCore
import TerminalModel

/// `closer export` and `closer import` end to end on a large journal, and how long a board
/// that has the journal open is busy per slice while an import arrives.
enum InterchangeBenchmark {
  static func run(journal: String, closer: String, directory: String, runs: Int) throws {
    let store = try PipelineStore(path: journal, access: .readOnly, replica: "bench", clock: now)
    let leads = store.pipeline.count
    print("\(leads) leads; medians of \(runs) runs, process start to exit")
    print("| command | file | median |")
    print("|---|---:|---:|")
    var exported: [String: String] = [:]
    for format in ["csv", "json", "jsonl", "ics"] {
      let output = "\(directory)/export.\(format)"
      let times = try (0..<runs).map { _ in
        try spawnAndWait(closer, ["export", "--format", format, "--output", output, "--journal", journal])
      }
      exported[format] = output
      report("closer export --format \(format)", output, times)
    }

    let pipedrive = "\(directory)/pipedrive-\(leads).csv"
    try writePipedriveExport(of: store.pipeline, to: pipedrive)
    for (label, file) in [("Closer CSV", exported["csv"]!), ("Pipedrive CSV", pipedrive)] {
      var times: [Double] = []
      var again: [Double] = []
      for _ in 0..<runs {
        let target = "\(directory)/imported.jsonl"
        for stale in [target, target + ".snapshot"] { try? FileManager.default.removeItem(atPath: stale) }
        times.append(try spawnAndWait(closer, ["import", file, "--journal", target]))
        // The same file again: every row matched, nothing written.
        again.append(try spawnAndWait(closer, ["import", file, "--journal", target]))
      }
      report("closer import (\(label), \(leads) rows, new journal)", file, times)
      report("closer import again (\(label), all unchanged)", file, again)
    }
    try boardDuringImport(file: exported["csv"]!, closer: closer, directory: directory)
  }

  /// A board opens an empty journal, an import of the whole file lands in it, and the board
  /// catches up slice by slice (refresh, then the frame), as its loop does.
  static func boardDuringImport(file: String, closer: String, directory: String) throws {
    let target = "\(directory)/board-import.jsonl"
    for stale in [target, target + ".snapshot"] { try? FileManager.default.removeItem(atPath: stale) }
    let board = try PipelineStore(path: target, access: .readWrite, replica: "board", clock: now)
    var state = BoardState(width: 160, height: 45, now: now())
    _ = state.render(board.pipeline)
    _ = try spawnAndWait(closer, ["import", file, "--journal", target])
    var slices: [Double] = []
    let start = ContinuousClock.now
    var events = 0
    while true {
      let sliceStart = ContinuousClock.now
      let (count, more) = try board.refresh(limit: BoardSession.refreshSlice)
      _ = state.update(.externalChanges(count: count), pipeline: board.pipeline)
      _ = state.render(board.pipeline)
      slices.append(milliseconds(since: sliceStart))
      events += count
      if !more { break }
    }
    let total = milliseconds(since: start)
    let sorted = slices.sorted()
    print(
      "board catching up with the import: \(events) events in \(slices.count) slices, "
        + String(
          format: "%.0f ms in all; per slice (refresh + frame) median %.1f ms, p99 %.1f ms, max %.1f ms", total,
          sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], sorted.last ?? 0))
  }

  /// The pipeline as Pipedrive would export its deals: its headers, its stage names, amounts
  /// with thousands separators.
  static func writePipedriveExport(of pipeline: Pipeline, to path: String) throws {
    let stageNames = [
      "lead-generation": "Lead In", "qualifying": "Qualified", "needs-assessment": "Demo Scheduled",
      "proposal": "Proposal Made", "negotiation": "Negotiations Started", "closing": "Negotiations Started",
      "post-sale": "Negotiations Started",
    ]
    var text =
      [
        "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal - Contact person",
        "Deal - Stage", "Deal - Status", "Deal - Lost reason", "Deal - Expected close date", "Deal - Owner",
      ].map(quoted).joined(separator: ",") + "\n"
    for (index, lead) in pipeline.leads.enumerated() {
      let fields = [
        String(index + 1), lead.name, lead.value.map { $0.formattedAmount } ?? "", lead.value?.currency ?? "",
        lead.company, "", stageNames[lead.stage] ?? "Lead In", lead.status.rawValue, lead.lostReason ?? "",
        lead.expectedClose?.description ?? "", lead.owner,
      ]
      text += fields.map(quoted).joined(separator: ",") + "\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }

  static func quoted(_ field: String) -> String {
    "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func report(_ name: String, _ file: String, _ times: [Double]) {
    let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
    print(
      "| \(name) | \(String(format: "%.1f MB", Double(bytes) / 1e6)) | \(String(format: "%.0f ms", median(times))) |")
  }
}
