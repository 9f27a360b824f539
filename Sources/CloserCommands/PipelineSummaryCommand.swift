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
    for stage in pipeline.stages {
      let leads = pipeline.leads(inStage: stage.key)
      let own = leads.compactMap(\.value).filter { $0.currency == currency }
      let total = own.reduce(0) { Self.sum($0, $1.minorUnits) }
      let others = Set(leads.compactMap(\.value).map(\.currency)).subtracting([currency]).sorted()
      let weighted = Self.share(of: total, percent: stage.probability)
      let top = leads.first.map { printable($0.name) + ($0.company.isEmpty ? "" : ", " + printable($0.company)) } ?? ""
      rows.append([
        "\(stage.title) (\(stage.probability)%)", String(leads.count),
        Money(minorUnits: total, currency: currency).formattedAmount
          + (others.isEmpty ? "" : " + " + others.joined(separator: ", ")),
        Money(minorUnits: weighted, currency: currency).formattedAmount, top,
      ])
    }
    let lost = pipeline.leads.filter { $0.status == .lost }.count
    let won = pipeline.leads.filter { $0.status == .won }.count
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
