import Foundation
import Testing

/// `closer list` says what its filters hide, honours --sort with every filter, refuses what
/// cannot be, and never ranks different currencies as one.
@Suite struct ListFilterTests {
  func names(_ run: Run) throws -> [String] {
    try #require(try json(run.stdout) as? [[String: Any]]).compactMap { $0["name"] as? String }
  }

  @Test func theDefaultStatusSaysWhatItHides() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Won Deal"])
    _ = try box.run(["won", "won deal"])
    let run = try box.run(["list", "--stage", "post-sale", "--json"])
    #expect(run.status == 0)
    #expect(try names(run).isEmpty)
    #expect(run.stderr.contains("1 won deal in Post-Sale Follow-Up not listed (open deals only); add --status all"))
    #expect(try names(box.run(["list", "--stage", "post-sale", "--status", "all", "--json"])) == ["Won Deal"])
  }

  @Test func contradictoryOptionsAreRefused() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana"])
    try box.expectRefused(["list", "--status", "won", "--due"], saying: "--due lists open deals")
    try box.expectRefused(["list", "--status", "lost", "--stalled"], saying: "--stalled lists open deals")
  }

  @Test func valuesSortByCurrencyThenAmountAndDueHonoursSort() throws {
    let box = Sandbox()
    for (name, value) in [("Euro Big", "EUR 250k"), ("Dollar Small", "100k"), ("No Value", ""), ("Dollar Big", "250k")]
    {
      var arguments = ["add", name, "--follow-up", "Call", "--due", "2030-01-0\(name.count % 9 + 1)"]
      if !value.isEmpty { arguments += ["--value", value] }
      #expect(try box.run(arguments).status == 0)
    }
    let expected = ["Dollar Big", "Dollar Small", "Euro Big", "No Value"]
    #expect(try names(box.run(["list", "--sort", "value", "--json"])) == expected)
    #expect(try names(box.run(["list", "--due", "--sort", "value", "--json"])) == expected)
  }
}
