extension Pipeline {
  /// The stage a rep means: its key, its title, or an unambiguous start of either
  /// (case- and accent-insensitive): "proposal", "Needs Assessment", "needs", "post".
  public func resolveStage(_ text: String) -> Result<Stage, PipelineError> {
    let needle = SearchKey.fold(text.trimmingWhitespace)
    let unknown = PipelineError.unknownStage(text, known: stages.map(\.key))
    guard !needle.isEmpty else { return .failure(unknown) }
    if let exact = stages.first(where: { $0.key == needle || SearchKey.fold($0.title) == needle }) {
      return .success(exact)
    }
    let partial = stages.filter { $0.key.hasPrefix(needle) || SearchKey.fold($0.title).hasPrefix(needle) }
    return partial.count == 1 ? .success(partial[0]) : .failure(unknown)
  }

  /// Stages that a move of `lead` to `target` would carry it past while their required
  /// checklist is incomplete, each with the criteria still unticked. Empty when the move is
  /// backwards, stays in place, or every gate is satisfied.
  public func gates(for lead: Lead, movingTo target: String) -> [(stage: Stage, missing: [Criterion])] {
    guard let from = stageIndex(forKey: lead.stage), let to = stageIndex(forKey: target), to > from else {
      return []
    }
    var result: [(Stage, [Criterion])] = []
    for stage in stages[from..<to] {
      guard let key = stage.checklist, let template = config.checklists[key] else { continue }
      let missing = template.criteria.filter { !lead.isChecked($0.key) }
      if !missing.isEmpty { result.append((stage, missing)) }
    }
    return result
  }

  /// Whether an open deal has had no activity for longer than its stage allows
  /// (`Stage.stallDays`, 14 by default): a stalled, "rotting" deal.
  public func isStalled(_ lead: borrowing Lead, now: Timestamp) -> Bool {
    guard lead.status == .open, let stage = stage(forKey: lead.stage) else { return false }
    return lead.lastActivity.days(until: now) > stage.stallDays
  }

  /// Weighted value of a stage's open deals, in minor units: value x stage probability.
  public func weightedValue(inStage key: String) -> Int64 {
    guard let stage = stage(forKey: key) else { return 0 }
    return leads(inStage: key).reduce(0) { total, lead in
      total + (lead.status == .open ? (lead.value?.minorUnits ?? 0) * Int64(stage.probability) / 100 : 0)
    }
  }
}
