import Foundation
import Testing

@Suite struct FollowUpTests {
  @Test func addSetsAFollowUpInTheSameAppend() throws {
    let box = Sandbox()
    let add = try box.run(["add", "Ana Lima", "--follow-up", "Send proposal", "--due", "2027-01-15"])
    #expect(add.status == 0, "\(add.stderr)")
    let lines = box.journalLines()
    #expect(lines.count == 3)  // header, created, follow-up
    #expect(lines[2].contains(#""type":"followup.set""#))
    let show = try #require(try json(box.run(["show", "ana", "--json"]).stdout) as? [String: Any])
    let followUp = try #require(show["followUp"] as? [String: Any])
    #expect(followUp["action"] as? String == "Send proposal")
    #expect(followUp["due"] as? String == "2027-01-15")
  }

  @Test func followUpSetsClearsAndListsInDueOrder() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    _ = try box.run(["add", "Ben Okafor"])
    _ = try box.run(["add", "Cleo Park"])
    #expect(try box.run(["follow-up", "ana", "Call back", "--due", "2027-03-01"]).status == 0)
    #expect(try box.run(["follow-up", "ben", "Send contract", "--due", "2020-01-01"]).status == 0)
    let agenda = try box.run(["list", "--due"])
    let rows = agenda.stdout.split(separator: "\n").dropFirst()
    #expect(rows.count == 2)
    #expect(rows.first?.contains("Ben Okafor") == true)
    #expect(rows.first?.contains("overdue") == true)
    #expect(rows.last?.contains("Call back") == true)
    let jsonAgenda = try #require(try json(box.run(["list", "--due", "--json"]).stdout) as? [[String: Any]])
    #expect(jsonAgenda.map { $0["name"] as? String } == ["Ben Okafor", "Ana Lima"])

    let done = try box.run(["follow-up", "ben", "--done"])
    #expect(done.stdout.contains("Done: Send contract for Ben Okafor"))
    #expect(box.journalLines().last?.contains(#""type":"followup.cleared""#) == true)
    #expect(try box.run(["list", "--due"]).stdout.contains("Ben") == false)
  }

  @Test(arguments: [
    (["follow-up", "ana", "Call", "--due", "someday"], "'someday' is not a date"),
    (["follow-up", "ana", "Call"], "--due DATE"),
    (["add", "Dee", "--follow-up", "Call"], "needs both --follow-up ACTION and --due DATE"),
    (["add", "Dee", "--follow-up", "Call", "--due", "32nd"], "is not a date"),
  ])
  func badFollowUpsAreErrorsAndWriteNothing(arguments: [String], message: String) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    try box.expectRefused(arguments, saying: message)
  }
}
