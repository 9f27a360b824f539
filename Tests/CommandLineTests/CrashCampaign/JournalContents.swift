import Foundation

/// What a journal holds, read line by line as plain JSON (not through Closer's reader), for
/// counting a campaign's changes.
struct JournalContents {
  /// Lead ids created under each name.
  var createdByName: [String: [String]] = [:]
  var moves: [MovePair: Int] = [:]
  /// Follow-ups set, by lead id.
  var followUps: [String: Int] = [:]
  var eventIDs: Set<String> = []
  var repeatedEventIDs: [String] = []
  /// Line numbers (from 1) of lines that are not JSON objects.
  var unreadableLines: [Int] = []
  var lineCount = 0

  init(_ bytes: Data) {
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() where !(index == lines.count - 1 && line.isEmpty) {
      lineCount += 1
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
        unreadableLines.append(index + 1)
        continue
      }
      if index == 0 && object["format"] != nil { continue }
      guard let id = object["id"] as? String, let type = object["type"] as? String,
        let lead = object["lead"] as? String, let payload = object["payload"] as? [String: Any]
      else {
        unreadableLines.append(index + 1)
        continue
      }
      if !eventIDs.insert(id).inserted { repeatedEventIDs.append(id) }
      switch type {
      case "lead.created":
        createdByName[payload["name"] as? String ?? "", default: []].append(lead)
      case "lead.moved":
        moves[MovePair(lead: lead, stage: payload["stage"] as? String ?? ""), default: 0] += 1
      case "followup.set":
        followUps[lead, default: 0] += 1
      default:
        break
      }
    }
  }
}

/// The leads a `closer list --json` printed: name, and whether each has a follow-up.
struct ListedLeads {
  var names: [String: Int] = [:]
  var withFollowUp: Set<String> = []

  init?(_ output: String) {
    guard let leads = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else {
      return nil
    }
    for lead in leads {
      let name = lead["name"] as? String ?? ""
      names[name, default: 0] += 1
      if let followUp = lead["followUp"], !(followUp is NSNull) { withFollowUp.insert(name) }
    }
  }
}
