import ArgumentParser
import PipelineCore
import TerminalText

/// `closer show LEAD`: every field, the checklist, notes and stage history.
struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one lead in full.")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Flag(help: "Print a JSON object.") var json = false

  func run() throws {
    let pipeline = try options.readPipeline()
    let found = try pipeline.lookup(lead).get()
    let now = Environment.now()
    if json {
      try printJSON(LeadJSON(found, in: pipeline, now: now, detailed: true))
      return
    }
    let stage = pipeline.stage(forKey: found.stage)
    let calendar = Environment.calendar
    let today = calendar.day(of: now)
    let score = pipeline.score(of: found, now: now)
    var lines: [String] = []
    func field(_ label: String, _ value: String) {
      if !value.isEmpty { lines.append("\(label.fitted(toWidth: 15))\(printable(value))") }
    }
    lines.append("\(printable(found.name))  [\(printable(found.id.rawValue))]")
    field("Company", found.company)
    field("Email", found.email)
    field("Phone", found.phone)
    field("Owner", found.owner)
    field("Source", found.source)
    field("Imported as", found.reference)
    if let referrer = found.referredBy {
      field("Referred by", "\(pipeline[referrer]?.name ?? referrer.rawValue) [\(referrer)]")
    }
    let referrals = pipeline.referrals(of: found.id).compactMap { pipeline[$0] }
    if !referrals.isEmpty {
      field("Referrals", referrals.map { "\($0.name) [\($0.id)] (\($0.status.rawValue))" }.joined(separator: ", "))
    }
    field("Value", found.value?.description ?? "")
    let where_ = pipeline.position(of: found.id).map { ", \($0) of \(pipeline.cardCount(inStage: found.stage))" } ?? ""
    field("Stage", "\(stage?.title ?? found.stage)\(where_), \(found.daysInStage(now: now)) days")
    if found.status != .lost { field("In this stage", stage?.guidance ?? "") }
    field(
      "Status",
      found.status.rawValue + (found.lostReason.map { " (\($0))" } ?? "")
        + (found.closed.map { ", \(calendar.day(of: $0))" } ?? ""))
    field("Expected close", found.expectedClose?.description ?? "")
    // The config's own fields; a value of a field the config no longer has stays in the
    // journal, unshown.
    for custom in pipeline.config.fields {
      field(printable(custom.title).truncated(toWidth: 14), found.custom[custom.key].map(custom.shown) ?? "")
    }
    field(
      "Follow-up",
      found.followUp.map {
        "\($0.action), due \($0.due)\($0.due < today ? " (overdue)" : $0.due == today ? " (today)" : "")"
      }
        ?? "")
    field(
      "Score",
      "\(score.total) (tier \(score.tier.rawValue): checklist \(score.checklist), fields \(score.fields), activity \(score.engagement))"
    )
    field("Created", found.created.iso8601)
    let criteria = pipeline.criteria
    if !criteria.isEmpty {
      lines.append("Checklist")
      for (i, criterion) in criteria.enumerated() {
        let ticked = found.isChecked(criterion.key)
        let answer = ticked ? found.answers[criterion.key].map { ": \(printable($0))" } ?? "" : ""
        lines.append("  \(i + 1) [\(ticked ? "x" : " ")] \(printable(criterion.title))\(answer)")
      }
    }
    lines.append("History")
    for visit in found.stageHistory {
      let title = printable(pipeline.stage(forKey: visit.stage)?.title ?? visit.stage)
      // The last visit of a closed deal ended when it closed.
      let end = visit.left ?? found.closed ?? now
      let days = visit.entered.days(until: min(end, now))
      let mark = visit.left == nil ? (found.closed == nil ? " (now)" : " (then \(found.status.rawValue))") : ""
      lines.append("  \(calendar.day(of: visit.entered))  \(title.fitted(toWidth: 22)) \(days) days\(mark)")
    }
    if !found.activities.isEmpty {
      lines.append("Activities (newest first)")
      for activity in found.activities.reversed() {
        let outcome = activity.outcome.isEmpty ? "" : "  \(printable(activity.outcome))"
        lines.append("  \(calendar.day(of: activity.time))  \(printable(activity.kind).fitted(toWidth: 7))\(outcome)")
      }
    }
    if !found.notes.isEmpty {
      lines.append("Notes")
      for note in found.notes.reversed() {
        lines.append("  \(calendar.day(of: note.time))")
        for line in printableLines(note.text).split(separator: "\n", omittingEmptySubsequences: false) {
          lines.append("    \(line)")
        }
      }
    }
    try Console.print(lines.joined(separator: "\n"))
  }
}
