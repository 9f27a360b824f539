import Foundation
import PipelineCore
import Testing

@Suite struct OutcomeTests {
  @Test func wonLostAndReopenKeepEverything() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--value", "10k", "--stage", "closing"])
    _ = try box.run(["add", "Ben Okafor", "--stage", "proposal"])
    let won = try box.run(["won", "ana"])
    #expect(won.status == 0)
    #expect(won.stdout.contains("now in Post-Sale Follow-Up"))
    let lost = try box.run(["lost", "ben", "--reason", "3"])
    #expect(lost.stdout.contains("Lost: Ben Okafor (Chose competitor)"))
    let ben = try #require(try json(box.run(["show", "ben", "--json"]).stdout) as? [String: Any])
    #expect(ben["status"] as? String == "lost")
    #expect(ben["lostReason"] as? String == "Chose competitor")
    #expect(ben["position"] is NSNull)
    #expect((ben["closed"] as? String)?.hasSuffix("Z") == true)
    #expect(try box.run(["list", "--json"]).stdout.contains("Ben Okafor") == false)  // off the board
    #expect(try box.run(["list", "--json", "--status", "lost"]).stdout.contains("Ben Okafor"))

    #expect(try box.run(["reopen", "ben"]).stdout.contains("Reopened: Ben Okafor in Proposal"))
    let reopened = try #require(try json(box.run(["show", "ben", "--json"]).stdout) as? [String: Any])
    #expect(reopened["status"] as? String == "open")
    #expect(reopened["position"] as? Int == 1)
    // Nothing was deleted: every step is a line.
    let types = box.journalLines().dropFirst().compactMap { line in
      (try? json(line) as? [String: Any])?["type"] as? String
    }
    #expect(types == ["lead.created", "lead.created", "lead.won", "followup.set", "lead.lost", "lead.reopened"])
  }

  @Test func aTypedReasonIsKeptAndAConfiguredOneMatchesByName() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    _ = try box.run(["add", "Ben Okafor"])
    _ = try box.run(["lost", "ana", "--reason", "budget"])
    _ = try box.run(["lost", "ben", "--reason", "Went with an in-house tool"])
    let lost = try #require(try json(box.run(["list", "--json", "--status", "lost"]).stdout) as? [[String: Any]])
    #expect(Set(lost.compactMap { $0["lostReason"] as? String }) == ["Budget", "Went with an in-house tool"])
  }

  @Test(arguments: [
    (["won", "nobody"], "no lead matches"),
    (["lost", "ana", "--reason", "  "], "give a reason"),
    (["reopen", "ana", "--stage", "nowhere"], "there is no stage"),
  ])
  func badOutcomesAreErrorsAndWriteNothing(arguments: [String], message: String) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    try box.expectRefused(arguments, saying: message)
  }
}

/// The check-ins after a sale from the command line: `won` schedules the first in the same
/// batch, `follow-up --done` the next, to the last; the config sets the cadence.
@Suite struct CheckInCommandTests {
  func followUp(_ box: Sandbox, _ arguments: [String] = []) throws -> [String: Any]? {
    let shown = try #require(try json(box.run(["show", "ana", "--json"] + arguments).stdout) as? [String: Any])
    return shown["followUp"] as? [String: Any]
  }

  @Test func theDefaultCadence() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--stage", "closing"])
    let won = try box.run(["won", "ana"])
    #expect(won.stdout.contains("; next: Thank-you note, due "), "\(won.stdout)")
    #expect(try followUp(box)?["action"] as? String == "Thank-you note")
    for next in ["Check-in: satisfaction and feedback", "Ask for referrals"] {
      let done = try box.run(["follow-up", "ana", "--done"])
      #expect(done.stdout.contains("next: \(next)"), "\(done.stdout)")
      #expect(try followUp(box)?["action"] as? String == next)
    }
    #expect(!(try box.run(["follow-up", "ana", "--done"]).stdout.contains("next:")))
    #expect(try followUp(box) == nil)
    // Reopened, a won deal's check-in goes; won again, the cadence starts again.
    _ = try box.run(["reopen", "ana"])
    #expect(try box.run(["won", "ana"]).stdout.contains("next: Thank-you note"))
    #expect(try box.run(["reopen", "ana"]).stdout.contains("its check-in (Thank-you note) is cleared"))
    #expect(try followUp(box) == nil)
    // A win says which follow-up its check-in replaces.
    _ = try box.run(["add", "Bob Stone", "--stage", "closing", "--follow-up", "Send contract", "--due", "+5d"])
    #expect(try box.run(["won", "bob"]).stdout.contains("(instead of Send contract)"))
  }

  /// Check-in actions from the config are lines: control characters become spaces.
  @Test func checkInActionsAreLines() {
    #expect(CheckIn.parse("+2d Thank\u{1B}[31myou") == CheckIn(days: 2, action: "Thank [31myou"))
  }

  @Test func theConfigSetsTheCadence() throws {
    let box = Sandbox()
    let config = "\(box.path)/c.toml"
    try "[post-sale]\ncheck-ins = [\"+1w Kick-off call\", \"+3m Renewal talk\"]\n".write(
      toFile: config, atomically: true, encoding: .utf8)
    _ = try box.run(["add", "Ana Lima", "--stage", "closing", "--config", config])
    _ = try box.run(["won", "ana", "--config", config])
    let first = try #require(try followUp(box, ["--config", config]))
    #expect(first["action"] as? String == "Kick-off call")
    _ = try box.run(["follow-up", "ana", "--done", "--config", config])
    #expect(try followUp(box, ["--config", config])?["action"] as? String == "Renewal talk")
    // No check-ins at all: a win writes the win alone.
    try "[post-sale]\ncheck-ins = []\n".write(toFile: config, atomically: true, encoding: .utf8)
    _ = try box.run(["add", "Ben", "--stage", "closing", "--config", config])
    let lines = box.journalLines().count
    _ = try box.run(["won", "ben", "--config", config])
    #expect(box.journalLines().count == lines + 1)
    for (bad, message) in [
      ("check-ins = [\"2d Thanks\"]", "'2d Thanks' is not a check-in"),
      ("check-ins = [\"+30d Later\", \"+2d Sooner\"]", "check-ins go in order"),
      ("check-ins = \"+2d Thanks\"", "check-ins must be a list"),
      ("cadence = []", "unknown key 'cadence'"),
      ("check-ins = [\"+100000d Later\"]", "up to ten years"),
      ("check-ins = [\"+2d Thanks\", \"+3d THANKS\"]", "is in the check-ins twice"),
    ] {
      try "[post-sale]\n\(bad)\n".write(toFile: config, atomically: true, encoding: .utf8)
      let refused = try box.run(["list", "--config", config])
      #expect(refused.status != 0)
      #expect(refused.stderr.contains("c.toml:2"), "\(refused.stderr)")
      #expect(refused.stderr.contains(message), "\(refused.stderr)")
    }
  }
}

/// Referrals both ways: a lead added with `--referred-by` names its customer (its source is
/// Referral), and the customer lists the leads it brought, in `show` and `--json`.
@Suite struct ReferralCommandTests {
  @Test func referralsBothWays() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--company", "Acme", "--stage", "closing"])
    _ = try box.run(["won", "ana"])
    let added = try box.run(["add", "Cy Tan", "--referred-by", "ana", "--value", "8k"])
    #expect(added.status == 0, "\(added.stderr)")
    _ = try box.run(["add", "Dee Roy", "--referred-by", "Ana Lima", "--source", "referral"])
    let cy = try #require(try json(box.run(["show", "cy", "--json"]).stdout) as? [String: Any])
    let ana = try #require(try json(box.run(["show", "ana", "--json"]).stdout) as? [String: Any])
    #expect(cy["source"] as? String == "Referral")
    #expect(cy["referredBy"] as? String == ana["id"] as? String)
    #expect((ana["referrals"] as? [String])?.count == 2)
    #expect((ana["referrals"] as? [String])?.first == cy["id"] as? String)
    let show = try box.run(["show", "ana"]).stdout
    #expect(show.contains("Referrals      Cy Tan ["), "\(show)")
    #expect(show.contains("Dee Roy ["))
    #expect(try box.run(["show", "cy"]).stdout.contains("Referred by    Ana Lima ["))
    try box.expectRefused(
      ["add", "Eve", "--referred-by", "ana", "--source", "Webinar"],
      saying: "--referred-by is for leads from a referral")
    try box.expectRefused(["add", "Eve", "--referred-by", "nobody-at-all"], saying: "nobody-at-all")
  }
}
