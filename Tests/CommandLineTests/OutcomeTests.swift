import Foundation
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
    #expect(types == ["lead.created", "lead.created", "lead.won", "lead.lost", "lead.reopened"])
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
