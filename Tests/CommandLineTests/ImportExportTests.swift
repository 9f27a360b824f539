import Foundation
import TerminalModel
import Testing

@Suite struct ImportExportTests {
  static let deals = """
    Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Stage,Deal - Status,Deal - Lost reason
    1,Acme website,"1,234.56",EUR,Acme,Proposal Made,open,
    2,Globex expansion,"12,000",USD,Globex,Negotiations Started,won,
    3,Initech pilot,500,USD,Initech,Contact Made,lost,Too expensive

    """

  func write(_ text: String, in box: Sandbox, name: String = "deals.csv") -> String {
    let path = "\(box.path)/\(name)"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    return path
  }

  @Test func importsOnceAndThenFindsNothingNew() throws {
    let box = Sandbox()
    let file = write(Self.deals, in: box)
    let first = try box.run(["import", file])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("Imported deals.csv (Pipedrive, 3 rows): 3 created, 0 updated, 0 unchanged"))
    let lines = box.journalLines().count
    let again = try box.run(["import", file])
    #expect(again.stdout.contains("0 created, 0 updated, 3 unchanged"))
    #expect(box.journalLines().count == lines)
    let all = try #require(try json(box.run(["list", "--status", "all", "--json"]).stdout) as? [[String: Any]])
    #expect(all.count == 3)
    #expect(Set(all.compactMap { $0["ref"] as? String }) == ["pipedrive:1", "pipedrive:2", "pipedrive:3"])
  }

  @Test func aDryRunWritesNothing() throws {
    let box = Sandbox()
    let file = write(Self.deals, in: box)
    let run = try box.run(["import", file, "--dry-run"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("Rows:\n  row 2: Acme website · create · Proposal · open · EUR 1,234.56\n"))
    #expect(run.stdout.contains("  row 3: Globex expansion · create · Post-Sale Follow-Up · won · USD 12,000\n"))
    #expect(run.stdout.hasSuffix("Nothing was written.\n"))
    #expect(!FileManager.default.fileExists(atPath: box.journal))
  }

  @Test func oneBadRowImportsNothingUnlessSkipBadIsGiven() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Existing lead"])
    let before = box.journalBytes()
    let file = write(
      Self.deals.replacingOccurrences(of: "3,Initech pilot,500,", with: "3,Initech pilot,5x0,"), in: box)
    let refused = try box.run(["import", file])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("1 of 3 rows cannot be imported, so nothing was"))
    #expect(refused.stderr.contains("row 4, \"Deal - Value\": '5x0' is not an amount"))
    #expect(refused.stderr.contains("--skip-bad"))
    #expect(box.journalBytes() == before)

    let skipped = try box.run(["import", file, "--skip-bad"])
    #expect(skipped.status == 0)
    #expect(skipped.stdout.contains("2 created"))
    #expect(skipped.stdout.contains("Bad rows, left out:\n  row 4, \"Deal - Value\": '5x0' is not an amount"))
    // One batch: every new line was written by the one append.
    #expect(box.journalLines().count > String(decoding: before, as: UTF8.self).split(separator: "\n").count)
  }

  @Test func unmappedStagesAreListedAndCanBeMappedOnTheCommandLineOrInTheConfig() throws {
    let box = Sandbox()
    let file = write("Deal Name,Deal Stage,Record ID\nA,12345678,1\nB,Verbal yes,2\n", in: box)
    let refused = try box.run(["import", file])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("\"12345678\" (1 row)") && refused.stderr.contains("\"Verbal yes\" (1 row)"))
    #expect(!FileManager.default.fileExists(atPath: box.journal))
    let bad = try box.run(["import", file, "--stage-map", "12345678=nowhere"])
    #expect(bad.stderr.contains("'nowhere', which is no stage"))

    let config = "\(box.path)/config.toml"
    #expect(
      FileManager.default.createFile(
        atPath: config, contents: Data("[import.stage-map]\n\"Verbal yes\" = \"won\"\n".utf8)))
    let mapped = try box.run(["import", file, "--stage-map", "12345678=negotiation", "--config", config])
    #expect(mapped.status == 0, "\(mapped.stderr)")
    let leads = try #require(try json(box.run(["list", "--status", "all", "--json"]).stdout) as? [[String: Any]])
    #expect(
      Set(leads.map { "\($0["name"]!) \($0["stage"]!) \($0["status"]!)" }) == ["A negotiation open", "B post-sale won"])
  }

  @Test func aFileThatIsNotUTF8IsRefusedWithHowToConvertIt() throws {
    let box = Sandbox()
    let path = "\(box.path)/latin1.csv"
    #expect(
      FileManager.default.createFile(
        atPath: path, contents: Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0x4A, 0x6F, 0x73, 0xE9, 0x0A])))
    let run = try box.run(["import", path])
    #expect(run.status != 0)
    #expect(run.stderr.contains("not UTF-8") && run.stderr.contains("line 2") && run.stderr.contains("iconv"))
    let missing = try box.run(["import", "\(box.path)/nope.csv"])
    #expect(missing.stderr.contains("cannot read \(box.path)/nope.csv: No such file or directory"))
  }

  @Test func exportsEveryFormatAndRefusesToOverwriteTheJournal() throws {
    let box = Sandbox()
    _ = try box.run(["import", write(Self.deals, in: box)])
    _ = try box.run(["follow-up", "acme", "Call, then send", "--due", "2030-01-15"])

    let csv = try box.run(["export"])
    #expect(csv.stdout.hasPrefix("Closer ID,Name,Company,"))
    #expect(csv.stdout.split(separator: "\r\n").count == 4)
    #expect(try box.run(["export", "--status", "lost"]).stdout.split(separator: "\r\n").count == 2)
    #expect(try box.run(["export", "--bom"]).stdout.utf8.starts(with: [0xEF, 0xBB, 0xBF]))

    let array = try #require(try json(box.run(["export", "--format", "json"]).stdout) as? [[String: Any]])
    #expect(array.count == 3)
    #expect(array.allSatisfy { $0["history"] is [Any] && $0["notes"] is [Any] })
    let lines = try box.run(["export", "--format", "jsonl", "--status", "open"]).stdout.split(separator: "\n")
    #expect(lines.count == 1)
    #expect((try json(String(lines[0])) as? [String: Any])?["name"] as? String == "Acme website")

    let ics = "\(box.path)/follow-ups.ics"
    let written = try box.run(["export", "--output", ics])
    #expect(written.stderr.contains("wrote 1 follow-up to \(ics)"))
    let calendar = try String(contentsOfFile: ics, encoding: .utf8)
    #expect(calendar.contains("SUMMARY:Call\\, then send: Acme website (Acme)\r\n"))
    #expect(try box.run(["export", "--format", "ics", "--status", "all"]).status != 0)

    let overwrite = try box.run(["export", "--output", box.journal])
    #expect(overwrite.status != 0 && overwrite.stderr.contains("is the journal"))
    #expect(box.journalLines().count > 3)
  }

  @Test func anExportImportsIntoANewJournalAsTheSameLeads() throws {
    let box = Sandbox()
    _ = try box.run(["import", write(Self.deals, in: box)])
    _ = try box.run(["follow-up", "acme", "Call", "--due", "2030-01-15"])
    let exported = "\(box.path)/export.csv"
    _ = try box.run(["export", "-o", exported])
    let copy = "\(box.path)/copy.jsonl"
    let imported = try closer(["import", exported, "--journal", copy])
    #expect(imported.stdout.contains("(spreadsheet, 3 rows): 3 created"), "\(imported.stderr)")
    func leads(_ journal: String) throws -> [[String: String]] {
      let list = try #require(
        try json(closer(["list", "--status", "all", "--json", "--journal", journal]).stdout) as? [[String: Any]])
      let kept = ["id", "name", "company", "ref", "stage", "status", "lostReason", "value", "currency"]
      return list.map { lead in
        var fields = Dictionary(uniqueKeysWithValues: kept.map { ($0, "\(lead[$0] ?? "")") })
        let followUp = lead["followUp"] as? [String: Any]
        fields["followUp"] = followUp.map { "\($0["action"] ?? "") \($0["due"] ?? "")" } ?? "none"
        return fields
      }
    }
    #expect(try leads(copy) == leads(box.journal))
  }
}

/// Closer's own export imported into a new journal reads as it was: won deals in their
/// order; a JSON file is named as such, with what import reads.
@Suite struct RoundTripTests {
  @Test func wonDealsKeepTheirOrder() throws {
    let box = Sandbox()
    for name in ["First Win", "Second Win", "Third Win"] {
      #expect(try box.run(["add", name]).status == 0)
    }
    // Won in reverse, so that the board shows First, Second, Third from the top.
    for name in ["third win", "second win", "first win"] { #expect(try box.run(["won", name]).status == 0) }
    func order(_ box: Sandbox) throws -> [String] {
      let list = try #require(
        try json(box.run(["list", "--stage", "post-sale", "--status", "won", "--json"]).stdout) as? [[String: Any]])
      return list.compactMap { $0["name"] as? String }
    }
    #expect(try order(box) == ["First Win", "Second Win", "Third Win"])
    let csv = "\(box.path)/export.csv"
    #expect(try box.run(["export", "--format", "csv", "-o", csv]).status == 0)
    let fresh = Sandbox()
    let imported = try fresh.run(["import", csv])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try order(fresh) == ["First Win", "Second Win", "Third Win"])
  }

  @Test func aJSONFileIsNamedAsSuch() throws {
    let box = Sandbox()
    #expect(try box.run(["add", "Ana"]).status == 0)
    let file = "\(box.path)/export.json"
    #expect(try box.run(["export", "--format", "json", "-o", file]).status == 0)
    let other = Sandbox()
    try other.expectRefused(["import", file], saying: "it is JSON, not CSV. closer import reads CSV")
  }
}
