import ArgumentParser
import PipelineCore
import TerminalText

/// `closer summary`: the pipeline at a glance, stage by stage, as text.
struct PipelineSummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary", abstract: "Print each stage's deals, total and weighted value.")

  @OptionGroup var options: JournalOptions

  func run() throws {
    let pipeline = try options.readPipeline()
    try Console.print(Self.summary(pipeline, now: Environment.now()))
    if pipeline.count == 0 {
      try Console.print("\nNo leads yet. Add one with: closer add \"Ana Lima\" --company Acme --value 12k")
    }
  }

  static func summary(_ pipeline: Pipeline, now: Timestamp) -> String {
    let currency = pipeline.config.defaultCurrency
    var rows = [["STAGE", "DEALS", "VALUE (\(currency))", "WEIGHTED", "TOP OF COLUMN"]]
    // Each card read in place: copying a million leads to sum their values costs more
    // than the sums.
    for stage in pipeline.stages {
      var count = 0
      var total: Int64 = 0
      var others = Set<String>()
      pipeline.forEachCard(inStage: stage.key) { lead in
        count += 1
        guard let value = lead.value else { return }
        if value.currency == currency {
          total = Self.sum(total, value.minorUnits)
        } else {
          others.insert(value.currency)
        }
      }
      let weighted = Self.share(of: total, percent: stage.probability)
      let top =
        pipeline.lead(inStage: stage.key, at: 1).map {
          printable($0.name) + ($0.company.isEmpty ? "" : ", " + printable($0.company))
        } ?? ""
      rows.append([
        "\(stage.title) (\(stage.probability)%)", String(count),
        Money(minorUnits: total, currency: currency).formattedAmount
          + (others.isEmpty ? "" : " + " + others.sorted().joined(separator: ", ")),
        Money(minorUnits: weighted, currency: currency).formattedAmount, top,
      ])
    }
    var lost = 0
    var won = 0
    pipeline.forEachLead(slots: 0..<pipeline.slotCount) { _, lead in
      if lead.status == .lost { lost += 1 } else if lead.status == .won { won += 1 }
    }
    return table(rows, maxWidths: [30, 6, 24, 16, 36])
      + "\n\(pipeline.count) leads: \(won) won, \(lost) lost, \(pipeline.count - won - lost) open"
  }

  /// `a + b`, held at the ends of `Int64` instead of trapping: a journal may hold any amount.
  static func sum(_ a: Int64, _ b: Int64) -> Int64 {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b < 0 ? .min : .max) : result
  }

  /// `percent` % of `minorUnits`, rounded toward zero, without overflowing on large amounts.
  static func share(of minorUnits: Int64, percent: Int) -> Int64 {
    let p = Int64(percent)
    let (whole, overflow) = (minorUnits / 100).multipliedReportingOverflow(by: p)
    guard !overflow else { return (minorUnits < 0) == (p < 0) ? .max : .min }
    return sum(whole, minorUnits % 100 * p / 100)
  }
}
