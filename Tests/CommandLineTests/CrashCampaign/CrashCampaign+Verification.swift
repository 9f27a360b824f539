import Foundation

extension CrashCampaign {
  /// After the last round: the lists before and after one more add (which sets any torn
  /// tail aside), `closer check`, the journal's lines, and the side files.
  func finish() throws {
    let before = try closer(["list", "--status", "all", "--json"])
    checkRun(before, "the list after the last round")
    checkList(before.stdout, mustShow: ledger.acknowledgedNames, by: "the list after the last round")

    let final = try closer(["add", "Campaign final"])
    checkRun(final, "the final add")
    figures.tornTailReports += final.stderr.split(separator: "\n").count { $0.contains("it was moved to") }
    ledger.adds["Campaign final"] = CampaignLedger.Add(followUp: false)
    ledger.record(.add(name: "Campaign final", followUp: false), acknowledged: final.status == 0, output: final.stdout)

    let after = try closer(["list", "--status", "all", "--json"])
    checkRun(after, "the final list")
    checkList(after.stdout, mustShow: ledger.acknowledgedNames, by: "the final list")

    let check = try closer(["check"])
    figures.started += 1
    figures.finalCheck = check.status == 0 && check.stdout.contains(": OK") ? "OK" : "exit \(check.status)"
    if check.status != 0 || !check.stdout.contains(": OK") {
      brokenPromises.append("closer check exited \(check.status): \(check.stdout.suffix(2_000)) \(check.stderr)")
    }
    let contents = JournalContents(box.journalBytes())
    checkJournal(contents)
    checkSideFiles(journalEvents: contents.eventIDs)
  }

  private func checkRun(_ run: Run, _ what: String) {
    figures.started += 1
    if run.status != 0 { brokenPromises.append("\(what) exited \(run.status): \(run.stderr.prefix(2_000))") }
  }

  /// A list shows every import whole or not at all, every add with its follow-up or not at
  /// all, each lead once, and every name in `mustShow`.
  func checkList(_ output: String, mustShow: Set<String>, by reader: String) {
    guard let listed = ListedLeads(output) else {
      brokenPromises.append("\(reader) printed no JSON list: \(output.prefix(300))")
      return
    }
    var perImport: [Int: Int] = [:]
    for (name, count) in listed.names {
      if count > 1 {
        figures.duplicated += 1
        brokenPromises.append("\(reader) shows '\(name)' \(count) times")
      }
      if let index = CampaignImport.index(ofName: name) { perImport[index, default: 0] += 1 }
      if ledger.adds[name]?.followUp == true && !listed.withFollowUp.contains(name) {
        figures.partialBatches += 1
        brokenPromises.append("\(reader) shows '\(name)' without the follow-up added with it in one batch")
      }
    }
    for file in ledger.imports {
      let shown = perImport[file.index] ?? 0
      if shown != 0 && shown != file.names.count {
        figures.partialBatches += 1
        brokenPromises.append("\(reader) shows \(shown) of the \(file.names.count) rows of \(file.fileName)")
      }
    }
    let missing = mustShow.filter { listed.names[$0] == nil }
    if !missing.isEmpty {
      figures.missedByReaders += missing.count
      brokenPromises.append(
        "\(reader) misses \(missing.count) acknowledged leads, such as \(missing.sorted().prefix(5))")
    }
  }

  /// Every acknowledged change is in the journal exactly once; every other change at most
  /// once and, when a batch, whole; nothing is there that no command asked for.
  func checkJournal(_ contents: JournalContents) {
    if !contents.unreadableLines.isEmpty {
      brokenPromises.append("journal lines that are not JSON events: \(contents.unreadableLines.prefix(10))")
    }
    if !contents.repeatedEventIDs.isEmpty {
      figures.duplicated += contents.repeatedEventIDs.count
      brokenPromises.append("event ids repeated in the journal: \(contents.repeatedEventIDs.prefix(10))")
    }
    for (name, add) in ledger.adds {
      let ids = contents.createdByName[name] ?? []
      if ids.count > 1 {
        figures.duplicated += 1
        brokenPromises.append("'\(name)' was created \(ids.count) times: \(ids)")
      }
      if let acknowledged = add.acknowledgedID, ids != [acknowledged] {
        if ids.isEmpty { figures.lost += 1 }
        brokenPromises.append("'\(name)' was acknowledged as \(acknowledged), the journal has \(ids)")
      }
      guard let id = ids.first else { continue }
      let followUps = contents.followUps[id] ?? 0
      if followUps != (add.followUp ? 1 : 0) {
        if add.followUp && followUps == 0 { figures.partialBatches += 1 }
        brokenPromises.append(
          "'\(name)' (\(id)) has \(followUps) follow-ups, its add asked for \(add.followUp ? 1 : 0)")
      }
    }
    for (pair, acknowledged) in ledger.moves {
      let count = contents.moves[pair] ?? 0
      if count > 1 { figures.duplicated += 1 }
      if acknowledged && count == 0 { figures.lost += 1 }
      if count > 1 || (acknowledged && count == 0) {
        brokenPromises.append(
          "move of \(pair.lead) to \(pair.stage) (acknowledged: \(acknowledged)) is there \(count) times")
      }
    }
    for pair in contents.moves.keys where ledger.moves[pair] == nil {
      brokenPromises.append("the journal moves \(pair.lead) to \(pair.stage), which no command asked for")
    }
    for file in ledger.imports {
      let present = file.names.count { contents.createdByName[$0] != nil }
      let acknowledged = ledger.acknowledgedImports.contains(file.index)
      if present != 0 && present != file.names.count {
        figures.partialBatches += 1
        brokenPromises.append("the journal holds \(present) of the \(file.names.count) rows of \(file.fileName)")
      } else if acknowledged && present == 0 {
        figures.lost += file.names.count
        brokenPromises.append("\(file.fileName) was acknowledged, but none of its rows is in the journal")
      } else if !acknowledged && present > 0 {
        figures.unacknowledgedImportsKept += 1
      }
    }
    let known = Set(ledger.adds.keys).union(ledger.imports.flatMap(\.names))
    let strangers = contents.createdByName.keys.filter { !known.contains($0) }
    if !strangers.isEmpty { brokenPromises.append("leads no command created: \(strangers.sorted().prefix(10))") }
  }

  /// Side files hold only what no command acknowledged: no acknowledged name, no event of
  /// the journal.
  func checkSideFiles(journalEvents: Set<String>) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: box.path)) ?? []
    let acknowledged = ledger.acknowledgedNames
    for sideFile in names.sorted() where sideFile.hasPrefix("journal.jsonl.torn-") {
      let bytes = FileManager.default.contents(atPath: "\(box.path)/\(sideFile)") ?? Data()
      figures.tornTailsSetAside += 1
      figures.tornTailBytes += bytes.count
      let text = String(decoding: bytes, as: UTF8.self)
      let leadNames = text.matches(of: #/"name":"([^"]*)"/#).map { String($0.output.1) }
      let eventIDs = text.matches(of: #/"id":"([0-9a-z]+)"/#).map { String($0.output.1) }
      if leadNames.contains(where: { CampaignImport.index(ofName: $0) != nil }) { figures.tornTailsWithImportRows += 1 }
      let kept = leadNames.filter { acknowledged.contains($0) }
      if !kept.isEmpty { brokenPromises.append("\(sideFile) holds acknowledged leads: \(kept.prefix(5))") }
      let settled = eventIDs.filter { journalEvents.contains($0) }
      if !settled.isEmpty {
        brokenPromises.append("\(sideFile) holds events that are in the journal: \(settled.prefix(5))")
      }
    }
  }
}
