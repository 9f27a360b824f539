import Foundation
import Testing

@Suite struct CommandTests {
  @Test func addPrintsTheIdAndListShowsTheLeadAsJSON() throws {
    let box = Sandbox()
    let add = try box.run([
      "add", "José García", "--company", "Café Olé", "--value", "12.5k", "--stage", "Proposal", "--email",
      "jose@example.com", "--phone", "+34 600", "--source", "Referral",
    ])
    #expect(add.status == 0, "\(add.stderr)")
    let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 8)

    let list = try box.run(["list", "--json"])
    #expect(list.status == 0)
    let leads = try #require(try json(list.stdout) as? [[String: Any]])
    #expect(leads.count == 1)
    let lead = leads[0]
    #expect(lead["id"] as? String == id)
    #expect(lead["name"] as? String == "José García")
    #expect(lead["company"] as? String == "Café Olé")
    #expect(lead["stage"] as? String == "proposal")
    #expect(lead["position"] as? Int == 1)
    #expect(lead["value"] as? Double == 12500)
    #expect(lead["status"] as? String == "open")
    #expect(
      lead["checklist"] as? [String: Bool] == ["budget": false, "authority": false, "need": false, "timeline": false])
    #expect(lead["score"] as? Int == 46)  // 5 of 6 fields (21 of 25) + just active (25), nothing ticked
    #expect(["A", "B", "C"].contains(lead["tier"] as? String ?? ""))
  }

  @Test func newLeadsGoOnTopAndMoveRespectsGates() throws {
    let box = Sandbox()
    let first = try box.run(["add", "Ana Lima"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    _ = try box.run(["add", "Ben Okafor"])
    var list = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]])
    #expect(list.map { $0["name"] as? String } == ["Ben Okafor", "Ana Lima"])
    #expect(list.map { $0["position"] as? Int } == [1, 2])

    // Past Qualifying with BANT unticked: refused, nothing written.
    let before = box.journalBytes()
    let refused = try box.run(["move", "ana", "proposal"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("Qualifying needs Budget, Authority, Need, Timeline"))
    #expect(refused.stderr.contains("--override-gate"))
    #expect(box.journalBytes() == before)

    let moved = try box.run(["move", "ana", "proposal", "--override-gate"])
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(moved.stdout.contains("Moved Ana Lima to Proposal, 1 of 1"))
    let last = try #require(box.journalLines().last)
    #expect(last.contains(#""type":"lead.moved""#))
    #expect(last.contains(#""gateOverridden":true"#))
    #expect(last.contains(first))

    list = try #require(try json(box.run(["list", "--json", "--stage", "proposal"]).stdout) as? [[String: Any]])
    #expect(list.map { $0["id"] as? String } == [first])
  }

  @Test func showPrintsEverythingAndMatchesWithoutAccents() throws {
    let box = Sandbox()
    _ = try box.run(["add", "José García", "--company", "Acme"])
    let show = try box.run(["show", "jose", "--json"])
    #expect(show.status == 0, "\(show.stderr)")
    let lead = try #require(try json(show.stdout) as? [String: Any])
    #expect(lead["name"] as? String == "José García")
    #expect((lead["history"] as? [[String: Any]])?.first?["stage"] as? String == "lead-generation")
    let text = try box.run(["show", "GARCIA"])
    #expect(text.stdout.contains("José García"))
    #expect(text.stdout.contains("1 [ ] Budget"))
  }

  @Test(arguments: [
    (["move", "nobody", "proposal"], "no lead matches 'nobody'"),
    (["move", "n", "proposal"], "'n' matches 2 leads"),
    (["move", "ana", "won"], "there is no stage 'won'"),
    (["add", "Cleo", "--value", "lots"], "'lots' is not an amount"),
    (["add", "   "], "a lead needs a name"),
    (["add", "Cleo", "--stage", "nowhere"], "there is no stage 'nowhere'"),
    (["add", "Cleo", "--expected-close", "soon"], "YYYY-MM-DD"),
    (["show", "nobody"], "no lead matches"),
    (["list", "--status", "maybe"], "maybe"),
    (["move", "ana", "proposal", "--position", "0"], "counts from 1"),
  ])
  func badInputIsAnErrorAndWritesNothing(arguments: [String], message: String) throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima"])
    _ = try box.run(["add", "Ben Santos"])
    try box.expectRefused(arguments, saying: message)
  }

  @Test func theJournalComesFromTheFlagTheEnvironmentOrXDG() throws {
    let box = Sandbox()
    let viaEnvironment = "\(box.path)/env.jsonl"
    _ = try closer(["add", "Env Lead"], environment: ["CLOSER_JOURNAL": viaEnvironment])
    #expect(FileManager.default.fileExists(atPath: viaEnvironment))
    _ = try closer(["add", "Xdg Lead"], environment: ["XDG_DATA_HOME": "\(box.path)/data"])
    #expect(FileManager.default.fileExists(atPath: "\(box.path)/data/closer/journal.jsonl"))
    let flag = try closer(
      ["list", "--json", "--journal", viaEnvironment], environment: ["CLOSER_JOURNAL": "\(box.path)/other.jsonl"])
    #expect((try json(flag.stdout) as? [[String: Any]])?.first?["name"] as? String == "Env Lead")
  }

  @Test func listFiltersByStatus() throws {
    let box = Sandbox()
    _ = try box.run(["generate", "--leads", "60", "--seed", "3"])
    let all = try #require(try json(box.run(["list", "--json", "--status", "all"]).stdout) as? [[String: Any]])
    let open = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]])
    let lost = try #require(try json(box.run(["list", "--json", "--status", "lost"]).stdout) as? [[String: Any]])
    let won = try #require(try json(box.run(["list", "--json", "--status", "won"]).stdout) as? [[String: Any]])
    #expect(all.count == 60)
    #expect(open.count + lost.count + won.count == 60)
    #expect(open.allSatisfy { $0["status"] as? String == "open" })
    #expect(lost.allSatisfy { $0["status"] as? String == "lost" && $0["position"] is NSNull })
    #expect(!lost.isEmpty)
  }

  @Test func listSortsByScoreAndFindsStalledDeals() throws {
    let box = Sandbox()
    _ = try box.run(["generate", "--leads", "80", "--seed", "9", "--days", "120"])
    let byScore = try #require(try json(box.run(["list", "--json", "--sort", "score"]).stdout) as? [[String: Any]])
    let scores = byScore.compactMap { $0["score"] as? Int }
    #expect(scores.count == byScore.count && scores == scores.sorted(by: >))
    let stalled = try #require(try json(box.run(["list", "--json", "--stalled"]).stdout) as? [[String: Any]])
    #expect(!stalled.isEmpty)
    #expect(stalled.allSatisfy { $0["stalled"] as? Bool == true && $0["status"] as? String == "open" })
    let open = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]])
    #expect(open.filter { $0["stalled"] as? Bool == true }.count == stalled.count)
  }

  @Test func checkReportsDamageWithLineNumbers() throws {
    let box = Sandbox()
    _ = try box.run(["generate", "--leads", "20"])
    let ok = try box.run(["check"])
    #expect(ok.status == 0)
    #expect(ok.stdout.contains(": OK"))

    var lines = box.journalLines()
    lines[5] = lines[5].replacingOccurrences(of: "\"lead\":\"", with: "\"lead\":\"x")
    let damaged = lines.joined(separator: "\n") + "\n" + #"{"id":"torn"#
    try damaged.write(toFile: box.journal, atomically: false, encoding: .utf8)
    let before = box.journalBytes()
    let check = try box.run(["check"])
    #expect(check.status == 1)
    #expect(check.stdout.contains("line 6: damaged: checksum mismatch"))
    #expect(check.stdout.contains("line \(lines.count + 1): an incomplete last line"))
    #expect(box.journalBytes() == before)  // check never changes the file

    // Other commands read it too, say why it is read-only, and refuse to write.
    let add = try box.run(["add", "Refused"])
    #expect(add.status != 0)
    #expect(add.stderr.contains("read-only"))
  }

  @Test func generateRefusesAJournalThatHoldsEvents() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Real Lead"])
    let run = try box.run(["generate", "--leads", "5"])
    #expect(run.status != 0)
    #expect(run.stderr.contains("already holds 1 events"))
  }

  @Test func namesFromDataCannotControlTheTerminal() throws {
    let box = Sandbox()
    _ = try box.run(["add", "\u{1b}]2;owned\u{07}Evil"])
    let list = try box.run(["list"])
    #expect(!list.stdout.contains("\u{1b}"))
    #expect(list.stdout.contains("Evil"))
    let show = try box.run(["show", "evil"])
    #expect(!show.stdout.contains("\u{1b}") && !show.stdout.contains("\u{07}"))
  }

  @Test func aBadConfigFileIsNamedWithItsLine() throws {
    let box = Sandbox()
    let config = "\(box.path)/config.toml"
    try "[[stages]]\nkey = \"a\"\nprobability = 500\n".write(toFile: config, atomically: true, encoding: .utf8)
    let run = try box.run(["list", "--config", config])
    #expect(run.status != 0)
    #expect(run.stderr.contains("\(config):3: probability must be a whole number from 0 to 100"))
  }

  @Test func theBoardWithoutATerminalSaysWhatToUseAndCreatesNothing() throws {
    let box = Sandbox()
    let run = try box.run([])
    #expect(run.status != 0)
    #expect(run.stderr.contains("the board needs a terminal"))
    #expect(!FileManager.default.fileExists(atPath: box.journal))
  }

  @Test func demoWritesASamplePipeline() throws {
    let run = try closer(["demo"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Lead Generation"))
    #expect(run.stdout.contains("40 leads"))
  }
}
