import Foundation
import Testing

/// Every change the board makes to a lead, from the command line; a re-run writes nothing.
@Suite struct LeadCommandTests {
  func box() throws -> Sandbox {
    let box = Sandbox()
    #expect(try box.run(["add", "Ana Lima", "--company", "Acme", "--value", "1000"]).status == 0)
    #expect(try box.run(["add", "Ben Okafor"]).status == 0)
    #expect(try box.run(["follow-up", "ana", "Call", "--due", "2030-01-01"]).status == 0)
    return box
  }

  @Test func tickAndUntickByKeyTitleOrNumber() throws {
    let box = try box()
    let run = try box.run(["tick", "ana", "budget", "Authority", "3"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Budget, Authority, Need ticked for Ana Lima"), "\(run.stdout)")
    let before = box.journalBytes()
    let again = try box.run(["tick", "ana", "budget"])
    #expect(again.status == 0)
    #expect(again.stdout.contains("already ticked"))
    #expect(box.journalBytes() == before)
    let json = try #require(try json(box.run(["untick", "ana", "need", "--json"]).stdout) as? [String: Any])
    let checklist = try #require(json["checklist"] as? [String: Bool])
    #expect(Set(checklist.filter(\.value).keys) == ["budget", "authority"])
    try box.expectRefused(["tick", "ana", "vibes"], saying: "'vibes' is no criterion")
  }

  @Test func editWritesOnlyWhatDiffers() throws {
    let box = try box()
    let run = try box.run(["edit", "ana", "--company", "Acme", "--owner", "sam", "--value", "12.500,50"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Saved Ana Lima: owner, value"), "\(run.stdout)")
    let cleared = try #require(
      try json(box.run(["edit", "ana", "--clear", "company", "--json"]).stdout) as? [String: Any])
    #expect(cleared["company"] is NSNull)
    #expect((cleared["value"] as? NSNumber)?.doubleValue == 12500.5)
    let before = box.journalBytes()
    #expect(try box.run(["edit", "ana", "--owner", "sam"]).stdout.contains("nothing written"))
    #expect(box.journalBytes() == before)
    try box.expectRefused(["edit", "ana", "--clear", "name"], saying: "--clear takes one of")
    try box.expectRefused(
      ["edit", "ana", "--expected-close", "soon"], saying: "'soon' is not a date; write it as YYYY-MM-DD")
    try box.expectRefused(["edit", "ana", "--value", "12.500"], saying: "'12.500' is ambiguous")
  }

  @Test func assignAndNote() throws {
    let box = try box()
    #expect(try box.run(["assign", "ben", "kim"]).stdout.contains("Ben Okafor is kim's now"))
    #expect(try box.run(["note", "ben", "#1 priority\nCall Friday"]).stdout.contains("(2 lines)"))
    let before = box.journalBytes()
    #expect(try box.run(["note", "ben", "#1 priority\nCall Friday"]).stdout.contains("nothing written"))
    #expect(box.journalBytes() == before)
    let show = try #require(try json(box.run(["show", "ben", "--json"]).stdout) as? [String: Any])
    #expect(show["owner"] as? String == "kim")
    #expect((show["notes"] as? [[String: Any]])?.last?["text"] as? String == "#1 priority\nCall Friday")
  }

  /// `list --owner NAME|me|none`: deals handed to someone, one's own, the unowned.
  @Test func listByOwner() throws {
    let box = try box()
    _ = try box.run(["assign", "ben", "Kim"])
    func names(_ arguments: [String], _ environment: [String: String] = [:]) throws -> [String] {
      let run = try box.run(["list", "--json"] + arguments, environment: environment)
      let leads = try #require(try json(run.stdout) as? [[String: Any]], "\(run.stderr)")
      return leads.compactMap { $0["name"] as? String }
    }
    #expect(try names(["--owner", "kim"]) == ["Ben Okafor"])
    #expect(try names(["--owner", "me"], ["CLOSER_OWNER": "KIM"]) == ["Ben Okafor"])
    #expect(try names(["--owner", "me"], ["USER": "kim"]) == ["Ben Okafor"])
    #expect(try !names(["--owner", "none"]).contains("Ben Okafor"))
    #expect(try names(["--owner", "nobody-here"]).isEmpty)
    let unknown = try box.run(["list", "--owner", "me"])
    #expect(unknown.status != 0 && unknown.stderr.contains("set CLOSER_OWNER"))
  }

  /// `list --where`: the filter language from the command line, over every deal unless
  /// `--status` narrows it; a bad term is an error that names it.
  @Test func listWhere() throws {
    let box = try box()
    _ = try box.run(["assign", "ben", "Kim"])
    _ = try box.run(["add", "Cy Lost", "--value", "90000"])
    _ = try box.run(["lost", "cy", "--reason", "Price"])
    func names(_ filter: String, _ more: [String] = [], _ environment: [String: String] = [:]) throws -> [String] {
      let run = try box.run(["list", "--json", "--where", filter] + more, environment: environment)
      let leads = try #require(try json(run.stdout) as? [[String: Any]], "\(run.stderr)")
      return leads.compactMap { $0["name"] as? String }.sorted()
    }
    #expect(try names("owner:kim") == ["Ben Okafor"])
    #expect(try names("owner:me", [], ["CLOSER_OWNER": "KIM"]) == ["Ben Okafor"])
    #expect(try names("value>500") == ["Ana Lima", "Cy Lost"], "lost deals too, without --status")
    #expect(try names("value>500 -status:lost") == ["Ana Lima"])
    #expect(try names("value>500", ["--status", "open"]) == ["Ana Lima"])
    #expect(try names("due:none") == ["Ben Okafor", "Cy Lost"])
    #expect(try names("acme") == ["Ana Lima"])
    let bad = try box.run(["list", "--where", "value>5Ok"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("--where value>5Ok: '5Ok' is not an amount"), "\(bad.stderr)")
    // export and stats read the same language.
    let exported = try box.run(["export", "--format", "json", "--where", "value>500"])
    let rows = try #require(try json(exported.stdout) as? [[String: Any]], "\(exported.stderr)")
    #expect(rows.compactMap { $0["name"] as? String }.sorted() == ["Ana Lima", "Cy Lost"])
    func lost(_ arguments: [String]) throws -> Int? {
      let run = try box.run(["stats", "--json"] + arguments)
      return (try json(run.stdout) as? [String: Any])?["lost"] as? Int
    }
    #expect(try lost([]) == 1)
    #expect(try lost(["--where", "owner:kim"]) == 0)
    #expect(try lost(["--where", "value>50k"]) == 1)
    for command in [["export"], ["stats"]] {
      let refused = try box.run(command + ["--where", "tier:Z"])
      #expect(refused.status != 0 && refused.stderr.contains("--where tier:Z: 'Z' is not a tier"), "\(refused.stderr)")
    }
  }

  /// Any write command run twice with the same arguments leaves the journal as the first
  /// run left it.
  @Test(arguments: [
    ["move", "ana", "proposal", "--override-gate"], ["tick", "ben", "budget", "need"], ["untick", "ana", "budget"],
    ["edit", "ben", "--company", "Bluefin", "--value", "EUR 9000"], ["assign", "ana", "ren"],
    ["note", "ana", "Met at the fair"], ["follow-up", "ben", "Call back", "--due", "2030-01-02"],
    ["won", "ana"], ["lost", "ben", "--reason", "Budget"], ["reopen", "ana"], ["follow-up", "ana", "--done"],
  ])
  func aReRunWritesNothing(arguments: [String]) throws {
    let box = try box()
    let first = try box.run(arguments)
    #expect(first.status == 0, "\(arguments): \(first.stderr)")
    let after = box.journalBytes()
    let second = try box.run(arguments)
    #expect(second.status == 0, "\(arguments): \(second.stderr)")
    #expect(box.journalBytes() == after, "\(arguments) wrote again: \(second.stdout)")
  }
}

/// `add` says when a lead like the new one is there already (the same name and company, or
/// the same email, case and accents aside), and `--unique` refuses it; with and without a
/// snapshot.
@Suite struct DuplicateLeadTests {
  @Test func aSecondAnaLimaAtAcmeIsSaidOrRefused() throws {
    let box = Sandbox()
    let first = try box.run(["add", "Ana Lima", "--company", "Acme", "--email", "ana@acme.io"])
    let id = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let again = try box.run(["add", "ana lima", "--company", "ACME"])
    #expect(again.status == 0)
    #expect(again.stderr.contains("has the same name and company as lead \(id)"), "\(again.stderr)")
    try box.expectRefused(
      ["add", "Other", "--email", "ANA@acme.io", "--unique"], saying: "has the same email as lead \(id)")
    let different = try box.run(["add", "Ana Lima", "--company", "Globex", "--unique"])
    #expect(different.status == 0 && different.stderr.isEmpty, "\(different.stderr)")
  }

  @Test func theSnapshotsIndexFindsThemWithoutLoadingEveryLead() throws {
    let box = Sandbox()
    #expect(try box.run(["generate", "--leads", "3000"]).status == 0)
    #expect(FileManager.default.fileExists(atPath: box.journal + ".snapshot"))
    let lead = try #require(try json(box.run(["list", "--json"]).stdout) as? [[String: Any]]).first
    let name = try #require(lead?["name"] as? String)
    let company = lead?["company"] as? String ?? ""
    let id = try #require(lead?["id"] as? String)
    try box.expectRefused(["add", name, "--company", company, "--unique"], saying: "as lead \(id)")
    let added = try box.run(["add", "Brand New", "--company", "Nowhere Ltd"])
    let newID = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    // One created after the snapshot is found among the lines after it.
    try box.expectRefused(["add", "brand new", "--company", "nowhere ltd", "--unique"], saying: "as lead \(newID)")
  }
}
