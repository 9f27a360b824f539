import PipelineCore
import TerminalModel
import TerminalText

extension BoardState {
  // MARK: Detail pane

  func drawDetail(_ frame: inout Frame, x: Int, y: Int, width: Int, height: Int, _ pipeline: Pipeline) {
    frame.fill(x: x, y: y, width: width, height: height, style: Style(.detail))
    for row in y..<(y + height) { frame.text("│", x: x, y: row, style: Style(.border), limit: 1) }
    let inner = width - 3
    let left = x + 2
    let content = detailLines(width: inner, pipeline)
    // The window of lines shown: as the rep scrolled it, or around the selected checklist
    // item while they move between items.
    let maxScroll = max(0, content.lines.count - height)
    // Outside the detail mode the pane shows the top of the focused card.
    var inDetail = false
    if case .detail = mode { inDetail = true }
    var scroll = inDetail ? min(max(0, detailScroll), maxScroll) : 0
    if inDetail && detailFollowsSelection, let row = content.selectedRow {
      if row < scroll + 1 { scroll = max(0, row - 1) }
      if row > scroll + height - 2 { scroll = min(maxScroll, row - height + 2) }
    }
    for (offset, line) in content.lines.dropFirst(scroll).prefix(height).enumerated() {
      if let label = line.label {
        frame.text(label, x: left, y: y + offset, style: Style(.detailLabel, bold: true), limit: 10)
      }
      frame.text(line.text, x: left + line.indent, y: y + offset, style: line.style, limit: inner - line.indent)
    }
    let marker = Style(.marker)
    if scroll > 0 {
      frame.fill(x: left, y: y, width: inner, height: 1, style: Style(.detail))
      frame.text("↑ \(scroll) more", x: left, y: y, style: marker, limit: inner)
    }
    let below = content.lines.count - scroll - height
    if below > 0 {
      frame.fill(x: left, y: y + height - 1, width: inner, height: 1, style: Style(.detail))
      frame.text("↓ \(below + 1) more · PgDn", x: left, y: y + height - 1, style: marker, limit: inner)
    }
  }

  /// One line of the detail pane.
  struct DetailLine {
    var text: String
    var style: Style
    var indent = 0
    /// A field's label, drawn before the first line of its value.
    var label: String?
  }

  /// Everything the detail pane says about the shown lead, as lines `width` cells wide:
  /// long values wrap under their label, every stage visit and every note is there.
  func detailLines(width: Int, _ pipeline: Pipeline) -> (lines: [DetailLine], selectedRow: Int?) {
    var lines: [DetailLine] = []
    var selectedRow: Int?
    let plain = Style(.detail)
    func line(_ text: String, _ style: Style = Style(.detail)) {
      for part in text.wrapped(toWidth: max(1, width)) { lines.append(DetailLine(text: part, style: style)) }
      if text.isEmpty { lines.append(DetailLine(text: "", style: style)) }
    }
    func field(_ label: String, _ value: String) {
      guard !value.isEmpty else { return }
      for (index, part) in value.wrapped(toWidth: max(1, width - 11)).enumerated() {
        lines.append(DetailLine(text: part, style: plain, indent: 11, label: index == 0 ? label : nil))
      }
    }
    var shown = focusedLead
    if case .move(let move) = mode { shown = move.lead }
    guard let id = shown, let lead = pipeline[id] else {
      line("No card selected", Style(.detail, dim: true))
      return (lines, nil)
    }
    let score = pipeline.score(of: lead, now: now)
    let stage = pipeline.stage(forKey: lead.stage)
    line(lead.name, Style(.detail, bold: true))
    if !lead.company.isEmpty { line(lead.company) }
    if let conflict = conflicts[lead.id] {
      line("! \(conflict)", Style(.error, bold: true))
    }
    line("")
    let position = pipeline.position(of: lead.id).map { ", \($0) of \(pipeline.cardCount(inStage: lead.stage))" } ?? ""
    field("Stage", "\(stage?.title ?? lead.stage)\(position) · \(lead.daysInStage(now: now))d")
    if lead.status != .open {
      field("Status", lead.status.rawValue + (lead.lostReason.map { ": \($0)" } ?? ""))
    }
    field("Value", lead.value?.description ?? "")
    field("Email", lead.email)
    field("Phone", lead.phone)
    field("Owner", lead.owner)
    field("Source", lead.source)
    if let referrer = lead.referredBy { field("Referrer", pipeline[referrer]?.name ?? referrer.rawValue) }
    field("Close by", lead.expectedClose?.description ?? "")
    for custom in pipeline.config.fields {
      field(custom.title.truncated(toWidth: 10), lead.custom[custom.key].map(custom.shown) ?? "")
    }
    if let followUp = lead.followUp {
      let when = followUp.due < today ? " (overdue)" : followUp.due == today ? " (today)" : ""
      field("Next", "\(followUp.action), \(followUp.due)\(when)")
    }
    field(
      "Score",
      "\(score.total) · tier \(score.tier.rawValue) · checklist \(score.checklist) + fields \(score.fields) + activity \(score.engagement)"
    )
    if let stage, !stage.guidance.isEmpty, lead.status != .lost {
      line("")
      line("In \(stage.title)", Style(.detailLabel, bold: true))
      line(stage.guidance, Style(.detail, dim: true))
    }
    let criteria = pipeline.criteria
    if !criteria.isEmpty {
      line("")
      line("Checklist", Style(.detailLabel, bold: true))
      var selected: Int?
      if case .detail(let item) = mode { selected = item }
      for (index, criterion) in criteria.enumerated() {
        let ticked = lead.isChecked(criterion.key)
        if selected == index { selectedRow = lines.count }
        // A ticked criterion's answer beside it ("1 [x] Budget: 40k approved for Q1").
        let answer = ticked ? lead.answers[criterion.key].map { ": \($0)" } ?? "" : ""
        // A long answer wraps under the criterion's title, not at the pane's edge.
        let style = Style(.detail, bold: ticked, reverse: selected == index)
        for (part, text) in "\(criterion.title)\(answer)".wrapped(toWidth: max(1, width - 6)).enumerated() {
          lines.append(
            DetailLine(
              text: part == 0 ? "\(index + 1) [\(ticked ? "x" : " ")] \(text)" : text, style: style,
              indent: part == 0 ? 0 : 6))
        }
        // The selected criterion's questions, to ask them.
        guard selected == index else { continue }
        for question in pipeline.config.questions(for: criterion.key) {
          for (part, text) in question.wrapped(toWidth: max(1, width - 6)).enumerated() {
            lines.append(
              DetailLine(text: (part == 0 ? "? " : "  ") + text, style: Style(.detail, dim: true), indent: 4))
          }
        }
      }
    }
    line("")
    line("History", Style(.detailLabel, bold: true))
    for visit in lead.stageHistory {
      let title = pipeline.stage(forKey: visit.stage)?.title ?? visit.stage
      let days = visit.entered.days(until: visit.left ?? now)
      // A table row: its columns keep their spaces (cut at the edge, not wrapped).
      lines.append(
        DetailLine(
          text:
            "\(calendar.day(of: visit.entered))  \(title.fitted(toWidth: 20)) \(days)d\(visit.left == nil ? " now" : "")",
          style: plain))
    }
    let referrals = pipeline.referrals(of: lead.id).compactMap { pipeline[$0] }
    if !referrals.isEmpty {
      // The customer's referrals: the business it brought.
      line("")
      line("Referrals (\(referrals.count))", Style(.detailLabel, bold: true))
      for referral in referrals {
        let stage = pipeline.stage(forKey: referral.stage)?.title ?? referral.stage
        let state = referral.status == .open ? stage : referral.status.rawValue
        line("\(referral.name) · \(state)\(referral.value.map { " · \($0.compactAmount)" } ?? "")")
      }
    }
    if !lead.activities.isEmpty {
      line("")
      line("Activities (\(lead.activities.count), newest first)", Style(.detailLabel, bold: true))
      for activity in lead.activities.reversed() {
        let outcome = activity.outcome.isEmpty ? "" : " · \(activity.outcome)"
        for (index, part) in "\(calendar.day(of: activity.time))  \(activity.kind)\(outcome)".wrapped(
          toWidth: max(1, width - 2)
        ).enumerated() {
          lines.append(DetailLine(text: part, style: plain, indent: index == 0 ? 0 : 2))
        }
      }
    }
    if let changes, changes.lead == lead.id, !changes.lines.isEmpty {
      line("")
      line("Who did what (newest first)", Style(.detailLabel, bold: true))
      for change in changes.lines { line(change) }
    }
    if !lead.notes.isEmpty {
      line("")
      line("Notes (\(lead.notes.count), newest first)", Style(.detailLabel, bold: true))
      for note in lead.notes.reversed() {
        line("\(calendar.day(of: note.time))", Style(.detail, dim: true))
        for part in note.text.split(separator: "\n", omittingEmptySubsequences: false) {
          for wrapped in String(part).wrapped(toWidth: max(1, width - 2)) {
            lines.append(DetailLine(text: wrapped, style: plain, indent: 2))
          }
        }
      }
    }
    return (lines, selectedRow)
  }

}
