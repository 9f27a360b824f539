extension Pipeline {
  /// What a batch of events changed, kept while the batch is applied so that it can be taken
  /// back (an event of the batch did not fit, or its lines could not be written) without
  /// copying a pipeline of a million leads first: the leads the batch touched, as they were,
  /// and the small parts of the state whole.
  public struct BatchUndo: Sendable {
    let revision: Int
    let stageCount: Int
    let stageIndexByKey: [String: Int]
    let columnTotals: [ColumnTotals]
    let withdrawn: Set<Int32>
    let columns: StageColumns
    let storageCount: Int
    /// Leads that existed before the batch, as they were before it first touched them.
    var savedLeads: [Int32: Lead] = [:]
    /// Ids whose slot the batch changed, with the slot they had (nil: none).
    var savedSlots: [LeadID: Int32?] = [:]
  }

  /// Starts a batch: apply its events with `apply(_:undo:)`, and `rollBack(_:)` to undo them.
  public func beginBatch() -> BatchUndo {
    BatchUndo(
      revision: revision, stageCount: stages.count, stageIndexByKey: stageIndexByKey, columnTotals: columnTotals,
      withdrawn: withdrawn, columns: columns, storageCount: storage.count)
  }

  /// Applies one event of a batch, first keeping in `undo` what it is about to change.
  /// With `strict`, stages must be ones the pipeline knows (as `check` has it).
  public mutating func apply(_ event: Event, undo: inout BatchUndo, strict: Bool = false) throws(PipelineError) {
    let slot = slotByID[event.lead]
    try check(event, slot: slot, strict: strict)
    if undo.savedSlots[event.lead] == nil { undo.savedSlots[event.lead] = .some(slot) }
    if let slot, Int(slot) < undo.storageCount, undo.savedLeads[slot] == nil {
      undo.savedLeads[slot] = storage[Int(slot)]
    }
    applyChecked(event, slot: slot)
  }

  /// Puts the pipeline back as it was when `undo`'s batch began.
  public mutating func rollBack(_ undo: BatchUndo) {
    for (id, slot) in undo.savedSlots { slotByID[id] = slot }
    storage.removeLast(storage.count - undo.storageCount)
    for (slot, lead) in undo.savedLeads { storage[Int(slot)] = lead }
    stages.removeLast(stages.count - undo.stageCount)
    stageIndexByKey = undo.stageIndexByKey
    columnTotals = undo.columnTotals
    withdrawn = undo.withdrawn
    columns = undo.columns
    revision = undo.revision
  }
}
