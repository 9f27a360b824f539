import Foundation

/// One command a crash campaign starts, and how it says it is done.
enum CampaignOperation {
  /// `closer add NAME`, with `--follow-up Call --due tomorrow` (a batch of two events) or not.
  case add(name: String, followUp: Bool)
  /// `closer move LEAD STAGE` of a lead known to exist, to a stage it was never sent to.
  case move(MovePair)
  case importFile(CampaignImport)
  /// `closer list --status all --json`, reading beside the writers.
  case list

  func arguments(journal: String) -> [String] {
    let command: [String]
    switch self {
    case .add(let name, let followUp):
      command = ["add", name] + (followUp ? ["--follow-up", "Call", "--due", "tomorrow"] : [])
    case .move(let pair): command = ["move", pair.lead, pair.stage, "--override-gate"]
    case .importFile(let file): command = ["import", file.path]
    case .list: command = ["list", "--status", "all", "--json"]
    }
    return command + ["--journal", journal]
  }

  /// Whether `output` is the whole of the command's success output: printed only after the
  /// change was flushed, so the change is acknowledged.
  func isAcknowledgement(_ output: String) -> Bool {
    switch self {
    case .add:
      let id = output.dropLast()
      return output.hasSuffix("\n") && (4...32).contains(id.count)
        && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    case .move(let pair):
      return output.hasPrefix("Moved ") && output.contains(" to \(pair.stageTitle), ") && output.hasSuffix("\n")
    case .importFile(let file):
      // The counts, the journal's line, then how the file was read ("Read as: ...").
      let lines = output.split(separator: "\n")
      return output.hasSuffix("\n") && lines.count >= 2
        && lines[0].hasPrefix("Imported \(file.fileName) ")
        && lines[0].contains(": \(file.names.count) created, 0 updated")
        && lines[1].hasSuffix("(\(file.names.count) events)")
        && (lines.count == 2 || lines[2] == "Read as:")
    case .list:
      return output.hasPrefix("[") && output.hasSuffix("]\n")
    }
  }

  var kind: String {
    switch self {
    case .add(_, let followUp): followUp ? "add --follow-up" : "add"
    case .move: "move"
    case .importFile: "import"
    case .list: "list"
    }
  }
}

/// A lead and a stage it is moved to. Every pair is used once in a campaign, so the
/// journal must hold its move exactly once when acknowledged, at most once otherwise.
struct MovePair: Hashable {
  var lead: String
  var stage: String

  /// The stages a move may go to: every default stage but the first, where adds put leads,
  /// so that no move is a move to where the lead already is.
  static let stages = [
    ("qualifying", "Qualifying"), ("needs-assessment", "Needs Assessment"), ("proposal", "Proposal"),
    ("negotiation", "Negotiation"), ("closing", "Closing"), ("post-sale", "Post-Sale Follow-Up"),
  ]

  var stageTitle: String { Self.stages.first { $0.0 == stage }?.1 ?? stage }
}

/// An import file of the campaign: rows named `Import <index> row <n>`, so that its leads
/// can be counted wherever they show up.
struct CampaignImport {
  var index: Int
  var path: String
  var names: [String]

  var fileName: String { String(path.split(separator: "/").last ?? "") }

  /// Stages of open deals (the last stage would make a row a won deal: two events).
  static let importStages = ["Lead Generation", "Qualifying", "Needs Assessment", "Proposal", "Negotiation", "Closing"]

  /// Writes a CSV of `rows` rows (`Name,Company,Stage,Value`) into `directory`.
  static func write(index: Int, rows: Int, into directory: String, random: inout SeededGenerator) throws
    -> CampaignImport
  {
    let names = (1...rows).map { "Import \(index) row \($0)" }
    var text = "Name,Company,Stage,Value\n"
    for name in names {
      let stage = importStages.randomElement(using: &random) ?? "Proposal"
      let company = Int.random(in: 1...500, using: &random)
      let value = Int.random(in: 100...90_000, using: &random)
      text += "\(name),Company \(company),\(stage),\(value)\n"
    }
    let path = "\(directory)/import-\(index).csv"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return CampaignImport(index: index, path: path, names: names)
  }

  /// The import a lead name belongs to, if it is one of the campaign's import rows.
  static func index(ofName name: String) -> Int? {
    guard name.hasPrefix("Import "), let end = name.range(of: " row ") else { return nil }
    return Int(name[name.index(name.startIndex, offsetBy: 7)..<end.lowerBound])
  }
}
