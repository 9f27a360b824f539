/// What a crash campaign started and which of it was acknowledged: what the journal must
/// hold exactly once, and what it may hold at most once.
struct CampaignLedger {
  struct Add {
    var followUp: Bool
    /// The id the command printed, once it acknowledged the lead.
    var acknowledgedID: String?
  }

  /// Adds by lead name (every name is used once).
  var adds: [String: Add] = [:]
  /// Moves started, and whether each was acknowledged.
  var moves: [MovePair: Bool] = [:]
  var imports: [CampaignImport] = []
  var acknowledgedImports: Set<Int> = []
  /// Leads whose creation was acknowledged, which later rounds may move, in order.
  var movableLeads: [String] = []
  /// The stages each lead was (or may have been) sent to.
  var stagesUsed: [String: Set<String>] = [:]

  /// A lead and a stage no move went to yet, or nil when none is left to try.
  mutating func freshMove(random: inout SeededGenerator) -> MovePair? {
    for _ in 0..<8 {
      guard let lead = movableLeads.randomElement(using: &random) else { return nil }
      let free = MovePair.stages.map(\.0).filter { !(stagesUsed[lead]?.contains($0) ?? false) }
      guard let stage = free.randomElement(using: &random) else { continue }
      stagesUsed[lead, default: []].insert(stage)
      return MovePair(lead: lead, stage: stage)
    }
    return nil
  }

  /// Notes how a command ended: `acknowledged` when it exited 0 with all its output.
  mutating func record(_ operation: CampaignOperation, acknowledged: Bool, output: String) {
    switch operation {
    case .add(let name, _):
      guard acknowledged else { return }
      let id = String(output.dropLast())
      adds[name]?.acknowledgedID = id
      movableLeads.append(id)
    case .move(let pair):
      moves[pair] = acknowledged
    case .importFile(let file):
      if acknowledged { acknowledgedImports.insert(file.index) }
    case .list:
      break
    }
  }

  /// Names whose creation was acknowledged: adds and every row of acknowledged imports.
  var acknowledgedNames: Set<String> {
    var names = Set(adds.compactMap { $0.value.acknowledgedID == nil ? nil : $0.key })
    for file in imports where acknowledgedImports.contains(file.index) { names.formUnion(file.names) }
    return names
  }
}

/// The campaign's figures, printed at its end.
struct CampaignFigures: CustomStringConvertible {
  var started = 0
  var killed = 0
  var killedHoldingLock = 0
  var killedWriting = 0
  var failed = 0
  var acknowledgedAdds = 0
  var acknowledgedFollowUpAdds = 0
  var acknowledgedMoves = 0
  var acknowledgedImports = 0
  var acknowledgedImportRows = 0
  var importsKilled = 0
  /// Imports killed before they acknowledged whose batch is in the journal whole (killed
  /// after or during the flush).
  var unacknowledgedImportsKept = 0
  var readers = 0
  /// Acknowledged changes missing from the journal.
  var lost = 0
  /// Leads acknowledged before a reader started that its list did not show.
  var missedByReaders = 0
  /// Changes in the journal more than once.
  var duplicated = 0
  /// Batches seen in part: in the journal, in a reader's list, or in the final list.
  var partialBatches = 0
  var tornTailsSetAside = 0
  var tornTailBytes = 0
  var tornTailsWithImportRows = 0
  var tornTailReports = 0
  /// How `closer check` ended after the final add.
  var finalCheck = "not run"

  var description: String {
    """
    processes started \(started), killed \(killed) (\(killedHoldingLock) holding the journal's lock, \
    \(killedWriting) of them imports mid-write or mid-flush), failed \(failed); \
    acknowledged: \(acknowledgedAdds) adds (\(acknowledgedFollowUpAdds) with a follow-up), \
    \(acknowledgedMoves) moves, \(acknowledgedImports) imports (\(acknowledgedImportRows) rows); \
    imports killed \(importsKilled), of which kept whole \(unacknowledgedImportsKept); readers \(readers); \
    events lost \(lost), acknowledged leads missed by readers (summed) \(missedByReaders), duplicated \(duplicated), \
    partial batches visible \(partialBatches); \
    torn tails set aside \(tornTailsSetAside) (\(tornTailBytes) bytes, \(tornTailsWithImportRows) with import rows), \
    reported \(tornTailReports) times; closer check at the end: \(finalCheck)
    """
  }
}
