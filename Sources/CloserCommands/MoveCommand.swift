import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer move LEAD STAGE`: moves a deal, respecting the stages' checklists.
struct MoveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move",
    abstract: "Move a lead to another stage (to the top of its column, or --position).",
    discussion: """
      Moving a deal forward past a stage whose required checklist is incomplete is refused \
      unless --override-gate is given; the journal then records that the gate was overridden.
      """)

  @OptionGroup var options: JournalOptions
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "Stage key or title.", completion: .custom { _, _, _ in Completions.stages() }) var stage: String
  @Option(help: "Position in the column, 1 = top.") var position: Int = 1
  @Flag(help: "Move past stages whose required checklist is incomplete.") var overrideGate = false

  func run() throws {
    guard position >= 1 else { throw CommandError("--position counts from 1 (the top of the column)") }
    let store = try options.openStore()
    var summary = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(lead).get()
      id = found.id
      let target = try pipeline.resolveStage(stage).get()
      guard found.status == .open else {
        throw CommandError(
          "\(printable(found.name)) is \(found.status.rawValue); `closer reopen \(found.id)` brings it back first")
      }
      let count = pipeline.cardCount(inStage: target.key) + (found.stage == target.key ? 0 : 1)
      let at = min(position, count)
      // Already there: a re-run writes nothing (and does not count as activity).
      if found.stage == target.key, pipeline.position(of: found.id) == at {
        summary =
          "\(printable(found.name)) is in \(printable(target.title)), \(at) of \(count), already; nothing written"
        return []
      }
      let gates = pipeline.gates(for: found, movingTo: target.key)
      if !gates.isEmpty && !overrideGate {
        let detail = gates.map { gate in
          printable("\(gate.stage.title) needs \(gate.missing.map(\.title).joined(separator: ", "))")
        }.joined(separator: "; ")
        throw CommandError(
          "\(printable(found.name)) has not passed its checklist: \(detail). "
            + "Tick them (`closer tick \(found.id) CRITERION`) or pass --override-gate to move anyway.")
      }
      summary = "Moved \(printable(found.name)) to \(printable(target.title)), \(at) of \(count)"
      return [(found.id, .moved(stage: target.key, position: at, gateOverridden: !gates.isEmpty))]
    }
    try LeadChange.report(summary, lead: id, in: store, json: json)
  }
}
