import Foundation
import Testing

@Suite struct StatsTests {
  @Test func statsReportsTheFunnelAsTextAndJSON() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--value", "10k", "--source", "Referral"])
    _ = try box.run(["add", "Ben Okafor", "--value", "4k", "--source", "Referral"])
    _ = try box.run(["move", "ana", "qualifying"])
    _ = try box.run(["won", "ana"])
    _ = try box.run(["lost", "ben", "--reason", "Budget"])
    let text = try box.run(["stats", "--period", "30d"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Win rate: 50% (1 won, 1 lost)"))
    #expect(text.stdout.contains("Lost because: Budget 1"))
    let report = try #require(try json(box.run(["stats", "--json"]).stdout) as? [String: Any])
    #expect(report["won"] as? Int == 1 && report["lost"] as? Int == 1 && report["winRate"] as? Double == 0.5)
    let stages = try #require(report["stages"] as? [[String: Any]])
    #expect(stages.first?["stage"] as? String == "lead-generation")
    #expect(stages.first?["entered"] as? Int == 2)
    #expect(stages.first?["conversion"] as? Double == 0.5)
    let sources = try #require(report["sources"] as? [[String: Any]])
    #expect(sources.first?["source"] as? String == "Referral" && sources.first?["wonValue"] as? Double == 10_000)
    for key in ["since", "until", "currency", "velocity", "forecast", "slowest"] {
      #expect(report[key] != nil, "\(key)")
    }
  }

  @Test(arguments: [
    (["stats", "--period", "soon"], "is not a period"),
    (["stats", "--since", "2026-13-01"], "is not a date"),
    (["stats", "--since", "2026-03-01", "--until", "2026-02-01"], "the period is empty"),
  ])
  func badPeriodsAreExplained(arguments: [String], message: String) throws {
    let box = Sandbox()
    let run = try box.run(arguments)
    #expect(run.status != 0)
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }
}

/// `closer stats --by owner|source|stage`: one row per owner, as text and as JSON.
@Suite struct StatsByTests {
  @Test func oneRowPerOwner() throws {
    let box = Sandbox()
    _ = try box.run(["add", "A1", "--owner", "Ana", "--value", "10k", "--stage", "proposal"])
    _ = try box.run(["add", "A2", "--owner", "ana", "--value", "4k", "--stage", "qualifying"])
    _ = try box.run(["add", "B1", "--owner", "Ben", "--value", "20k", "--stage", "negotiation"])
    _ = try box.run(["add", "N1", "--stage", "closing"])
    _ = try box.run(["won", "N1"])
    let text = try box.run(["stats", "--by", "owner"])
    #expect(text.status == 0, "\(text.stderr)")
    let lines = text.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("Owner ") && $0.contains("Pipeline") && $0.contains("Win rate") })
    let ana = try #require(lines.first { $0.hasPrefix("Ana ") })
    #expect(ana.contains("14,000") && ana.contains("5,400"))
    let nobody = try #require(lines.first { $0.hasPrefix("(none)") })
    #expect(nobody.contains("100%"))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(box.run(["stats", "--by", "owner", "--json"]).stdout.utf8))
        as? [String: Any])
    let rows = try #require(json["rows"] as? [[String: Any]])
    #expect(rows.map { $0["name"] as? String } == ["Ana", "Ben", "(none)"])
    #expect(rows[0]["pipeline"] as? Double == 14_000)
    #expect(rows[2]["won"] as? Int == 1)
    try box.expectRefused(["stats", "--by", "region"], saying: "--by takes owner, source or stage")
  }
}

/// One owner whatever the case and accents: `list --owner` finds the deals `stats --by
/// owner` counts under the name.
@Suite struct OwnerFoldingTests {
  @Test func listAndStatsAgreeOnWhoOwnsWhat() throws {
    let box = Sandbox()
    for (name, owner) in [("A1", "José"), ("A2", "jose"), ("A3", "JOSÉ"), ("A4", "Jose")] {
      _ = try box.run(["add", name, "--owner", owner])
    }
    let listed = try #require(try json(box.run(["list", "--owner", "jose", "--json"]).stdout) as? [[String: Any]])
    #expect(listed.count == 4)
    let stats = try #require(try json(box.run(["stats", "--by", "owner", "--json"]).stdout) as? [String: Any])
    #expect((stats["rows"] as? [[String: Any]])?.map { $0["open"] as? Int } == [4])
  }
}
