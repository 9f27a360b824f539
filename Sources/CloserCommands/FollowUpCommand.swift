import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer follow-up LEAD ACTION --due DATE`, or `--done`: a deal's next action.
struct FollowUpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "follow-up", abstract: "Set a lead's next action and due date, or mark it done.",
    discussion: "Dates: today, tomorrow, a weekday (fri: the next one), +3d, +2w, +1m or YYYY-MM-DD.")

  @OptionGroup var options: JournalOptions
  @Flag(help: "Print the lead after the change as JSON.") var json = false
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "The next action, such as \"Send the proposal\".") var action: String?
  @Option(help: "When it is due.") var due: String?
  @Flag(help: "The follow-up is done: clear it.") var done = false

  func validate() throws {
    if done {
      guard action == nil, due == nil else { throw ValidationError("--done takes no action or --due") }
    } else {
      guard let action, !cleanLine(action).isEmpty, due != nil else {
        throw ValidationError("give the next action and --due DATE, or --done")
      }
    }
  }

  func run() throws {
    let day = try due.map { try DueDate.parse($0, today: Environment.today()).get() }
    let store = try options.openStore()
    var summary = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(lead).get()
      id = found.id
      if done {
        // Done already (a re-run): nothing to write.
        guard found.followUp != nil else {
          summary = "\(printable(found.name)) has no follow-up open; nothing written"
          return []
        }
        summary = "Done: \(printable(found.followUp?.action ?? "")) for \(printable(found.name))"
        // A check-in after the sale: the next one of the cadence takes its place.
        if let next = pipeline.nextCheckIn(after: found, today: Environment.today(), calendar: Environment.calendar) {
          summary += "; next: \(printable(next.action)), due \(next.due)"
          return [(found.id, .followUpSet(next))]
        }
        return [(found.id, .followUpSet(nil))]
      }
      let next = FollowUp(action: action.map(cleanLine) ?? "", due: day ?? Environment.today())
      let overdue = next.due < Environment.today() ? " (already overdue)" : ""
      guard found.followUp != next else {
        summary =
          "Next for \(printable(found.name)) is \(printable(next.action)), due \(next.due), already; nothing written"
        return []
      }
      summary = "Next for \(printable(found.name)): \(printable(next.action)), due \(next.due)\(overdue)"
      return [(found.id, .followUpSet(next))]
    }
    try LeadChange.report(summary, lead: id, in: store, json: json)
  }
}
