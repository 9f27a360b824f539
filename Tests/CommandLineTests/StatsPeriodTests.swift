import Foundation
import Testing

/// Stats over periods ending in the past, now and in the future, and JSON with every key.
@Suite struct StatsPeriodTests {
  func stats(_ box: Sandbox, _ arguments: [String]) throws -> [String: Any] {
    let run = try box.run(["stats", "--json"] + arguments)
    #expect(run.status == 0, "\(arguments): \(run.stderr)")
    return try #require(try json(run.stdout) as? [String: Any])
  }

  /// Keys docs/insights.md promises are there, with null when there is nothing to say.
  @Test func everyKeyIsThereWithNull() throws {
    let box = Sandbox()
    #expect(try box.run(["add", "Ana"]).status == 0)
    let figures = try stats(box, [])
    #expect(figures.keys.contains("winRate") && figures["winRate"] is NSNull)
    #expect(figures.keys.contains("velocity") && figures["velocity"] is NSNull)
    let stages = try #require(figures["stages"] as? [[String: Any]])
    let last = try #require(stages.last)
    for key in ["conversion", "medianDays", "p90Days"] {
      #expect(last.keys.contains(key) && last[key] is NSNull, "\(key)")
    }
  }

  /// A period that ends in the future counts up to now: no deal is older than it is.
  @Test func aPeriodEndingInTheFutureCountsUpToNow() throws {
    let box = Sandbox()
    let today = Date()
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    let created = formatter.string(from: today.addingTimeInterval(-40 * 86_400))
    let csv = "\(box.path)/open.csv"
    try "name,stage,created\nSlow deal,qualifying,\(created)\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try box.run(["import", csv]).status == 0)
    let future = formatter.string(from: today.addingTimeInterval(400 * 86_400))
    let figures = try stats(box, ["--since", created, "--until", future])
    let until = try #require(figures["until"] as? String)
    #expect(until < future, "\(until)")
    for slow in (figures["slowest"] as? [[String: Any]]) ?? [] {
      #expect(((slow["daysInStage"] as? NSNumber)?.doubleValue ?? 0) <= 41)
    }
    // --period quarter with an --until at a quarter's end is that quarter, not empty.
    let quarter = try box.run(["stats", "--period", "quarter", "--until", "2026-01-01"])
    #expect(quarter.status == 0, "\(quarter.stderr)")
    #expect(quarter.stdout.contains("2025-10-01 to 2026-01-01"), "\(quarter.stdout)")
  }
}

/// `closer generate` reads like a real pipeline: wins and losses spread over the period,
/// most open deals young in their stage.
@Suite struct GeneratedRealismTests {
  @Test func winsSpreadAndFewOpenDealsAreSlow() throws {
    let box = Sandbox()
    #expect(try box.run(["generate", "--leads", "3000"]).status == 0)
    func figures(_ period: String) throws -> [String: Any] {
      try #require(try json(box.run(["stats", "--period", period, "--json"]).stdout) as? [String: Any])
    }
    let all = try figures("180d")
    let recent = try figures("30d")
    let won = try #require(all["won"] as? Int)
    let wonRecently = try #require(recent["won"] as? Int)
    #expect(won > 100)
    #expect(Double(wonRecently) < 0.4 * Double(won), "\(wonRecently) of \(won) wins in the last 30 days")
    let open = try #require(try json(box.run(["list", "--json"]).stdout) as? [Any]).count
    let slow = (all["slowest"] as? [Any])?.count ?? 0
    #expect(
      Double(slow) < 0.35 * Double(open), "\(slow) of \(open) open deals slower than their stage's 90th percentile")
    let winRate = try #require(all["winRate"] as? Double)
    #expect(winRate > 0.05 && winRate < 0.4)
    // show and stats count the same whole days for the same lead.
    for slowDeal in ((all["slowest"] as? [[String: Any]]) ?? []).prefix(5) {
      let id = try #require(slowDeal["id"] as? String)
      let shown = try #require(try json(box.run(["show", id, "--json"]).stdout) as? [String: Any])
      #expect(shown["daysInStage"] as? Int == slowDeal["daysInStage"] as? Int, "\(id)")
    }
  }
}
