/// The whole state of a pipeline as plain arrays, to save it and load it back quickly
/// (a snapshot) instead of replaying every event.
public struct PipelineImage: Sendable, Equatable {
  /// Every stage the pipeline knows, configured or discovered in the journal.
  public var stages: [Stage]
  /// Every lead, in creation order.
  public var leads: [Lead]
  /// Per stage, indices into `leads` from the top of the column down.
  public var columns: [[Int32]]

  public init(stages: [Stage], leads: [Lead], columns: [[Int32]]) {
    self.stages = stages
    self.leads = leads
    self.columns = columns
  }
}

/// Why an image does not describe a consistent pipeline.
public struct PipelineImageError: Error, CustomStringConvertible {
  public var description: String
}

extension Pipeline {
  /// The state as plain arrays.
  public var image: PipelineImage {
    let columnSlots = (0..<stages.count).map { columns.slots(in: $0) }
    guard !withdrawn.isEmpty else { return PipelineImage(stages: stages, leads: storage, columns: columnSlots) }
    // Leads whose adding was undone are left out, and the slots after them renumbered.
    var renumbered = [Int32](repeating: -1, count: storage.count)
    var kept: [Lead] = []
    for slot in storage.indices where !withdrawn.contains(Int32(slot)) {
      renumbered[slot] = Int32(kept.count)
      kept.append(storage[slot])
    }
    return PipelineImage(
      stages: stages, leads: kept, columns: columnSlots.map { $0.map { renumbered[Int($0)] } })
  }

  /// Rebuilds a pipeline from an image, checking that it is consistent: every open or won
  /// lead is in its stage's column exactly once, lost ones in none, ids unique.
  public init(config: PipelineConfig, image: consuming PipelineImage) throws(PipelineImageError) {
    self.init(config: config)
    guard image.stages.count >= stages.count, image.columns.count == image.stages.count,
      zip(stages, image.stages).allSatisfy({ $0.key == $1.key })
    else { throw PipelineImageError(description: "the stages differ from the configuration's") }
    for stage in image.stages.dropFirst(stages.count) { addStage(stage) }
    for (index, stage) in image.stages.enumerated() { stages[index] = stage }
    let columnLists = image.columns
    // Taken, not shared: the leads are changed in place below, and a shared array would be
    // copied whole first (a million leads: hundreds of megabytes and a second).
    storage = image.leads
    image.leads = []
    slotByID.reserveCapacity(storage.count)
    columns.addSlots(storage.count)
    for slot in storage.indices {
      guard slotByID.updateValue(Int32(slot), forKey: storage[slot].id) == nil else {
        throw PipelineImageError(description: "lead \(storage[slot].id) appears twice")
      }
      guard let column = stageIndexByKey[storage[slot].stage] else {
        throw PipelineImageError(description: "lead \(storage[slot].id) is in an unknown stage")
      }
      storage[slot].stage = stages[column].key  // share one copy of each key
      if let referrer = storage[slot].referredBy { referralsByLead[referrer, default: []].append(storage[slot].id) }
    }
    var placed = [Bool](repeating: false, count: storage.count)
    for (column, slots) in columnLists.enumerated() {
      for slot in slots {
        guard slot >= 0, Int(slot) < storage.count, !placed[Int(slot)],
          storage[Int(slot)].stage == stages[column].key, storage[Int(slot)].status != .lost
        else { throw PipelineImageError(description: "column \(stages[column].key) is inconsistent") }
        placed[Int(slot)] = true
      }
      columns.append(slots, toColumn: column)
    }
    for slot in storage.indices where placed[slot] == (storage[slot].status == .lost) {
      throw PipelineImageError(description: "lead \(storage[slot].id) is missing from its column")
    }
    for slot in storage.indices { count(Int32(slot), sign: 1) }
  }
}
