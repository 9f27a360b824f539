import Foundation
import Testing

/// Files reps actually have: CRM exports with API-style and lower-case headers, the
/// sales-pipeline data set, Pipedrive's own sample sheet; column maps from flags and the
/// config; history dated from the file.
@Suite struct RealDataImportTests {
  func write(_ text: String, in box: Sandbox, name: String) -> String {
    let path = "\(box.path)/\(name)"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    return path
  }

  func leads(_ box: Sandbox) throws -> [String: [String: Any]] {
    let list = try #require(try json(box.run(["list", "--status", "all", "--json"]).stdout) as? [[String: Any]])
    return Dictionary(list.map { (($0["name"] as? String) ?? "", $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// A Salesforce export with API field names: recognised, and every column used.
  @Test func salesforceAPINames() throws {
    let box = Sandbox()
    let file = write(
      """
      Id,OpportunityName,StageName,Amount,CloseDate,CreatedDate,LeadSource
      0061,Acme renewal,Closed Won,12500,2023-06-30,2023-04-01,Web
      0062,Globex pilot,Negotiation/Review,4000,2026-12-15,2026-10-01,Referral

      """, in: box, name: "sf.csv")
    let run = try box.run(["import", file])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("(Salesforce, 2 rows): 2 created"))
    let leads = try leads(box)
    let acme = try #require(leads["Acme renewal"])
    #expect(acme["status"] as? String == "won")
    #expect(acme["value"] as? Double == 12500)
    #expect((acme["created"] as? String)?.hasPrefix("2023-04-01") == true)
    #expect((acme["closed"] as? String)?.hasPrefix("2023-06-30") == true)
    let globex = try #require(leads["Globex pilot"])
    #expect(globex["stage"] as? String == "negotiation")
    #expect(globex["expectedClose"] as? String == "2026-12-15")
    #expect(globex["source"] as? String == "Referral")
    #expect(globex["ref"] as? String == "salesforce:0062")
  }

  /// HubSpot's internal property names, as its API and some exports write them.
  @Test func hubspotInternalNames() throws {
    let box = Sandbox()
    let file = write(
      """
      hs_object_id,dealname,dealstage,amount,closedate,createdate
      901,Initech seats,contractsent,"7,500.00",2026-12-20,2026-09-01

      """, in: box, name: "hubspot.csv")
    let run = try box.run(["import", file])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("(HubSpot, 1 row)"))
    let lead = try #require(try leads(box)["Initech seats"])
    #expect(lead["stage"] as? String == "closing")
    #expect(lead["value"] as? Double == 7500)
    #expect(lead["ref"] as? String == "hubspot:901")
  }

  /// Pipedrive's own sample import sheet: the work email, and the activity as the follow-up.
  @Test func pipedriveSampleSheet() throws {
    let box = Sandbox()
    let file = write(
      """
      Deal - Title,Deal - Value,Deal - Currency,Organization - Name,Person - Name,Person - Email (Work),Person - Phone (Work),Activity - Subject,Activity - Due date,Deal - Stage,Deal - Deal created,Deal - Last stage change
      Big sale,1500,EUR,Acme,Ana Lima,ana@acme.example,+49 30 123,Call about pricing,2026-12-04,Proposal Made,2026-01-05 10:00:00,2026-03-01 09:30:00

      """, in: box, name: "pipedrive.csv")
    let run = try box.run(["import", file, "--from", "pipedrive"])
    #expect(run.status == 0, "\(run.stderr)")
    let lead = try #require(try leads(box)["Big sale"])
    #expect(lead["email"] as? String == "ana@acme.example")
    #expect(lead["phone"] as? String == "+49 30 123")
    let followUp = try #require(lead["followUp"] as? [String: Any])
    #expect(followUp["action"] as? String == "Call about pricing")
    #expect(followUp["due"] as? String == "2026-12-04")
    // Created on 5 January, in Proposal since 1 March: its days in stage count from then.
    #expect((lead["created"] as? String)?.hasPrefix("2026-01-05") == true)
    #expect((lead["stageEntered"] as? String)?.hasPrefix("2026-03-01") == true)
  }

  /// The sales-pipeline data set: snake_case headers, no name column, two-digit years
  /// written day first; stage, value and dates all land.
  @Test func theSalesPipelineDataSet() throws {
    let box = Sandbox()
    let file = write(
      """
      opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
      1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,20-10-16,01-03-17,1054
      Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Lost,25-10-16,11-03-17,0
      EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Engaging,25-10-16,,

      """, in: box, name: "sales_pipeline.csv")
    let dry = try box.run(["import", file, "--dry-run"])
    #expect(dry.status == 0, "\(dry.stderr)")
    #expect(dry.stdout.contains("rows are named by opportunity_id"))
    #expect(dry.stdout.contains("dates: day first"))
    #expect(dry.stdout.contains("columns not imported: product (--column \"product=note\")"))
    #expect(dry.stdout.contains("row 2: Cancity 1C1I7A6R · create · Post-Sale Follow-Up · won 2017-03-01 · USD 1,054"))
    let run = try box.run(["import", file, "--column", "product=note"])
    #expect(run.status == 0, "\(run.stderr)")
    let leads = try leads(box)
    let won = try #require(leads["Cancity 1C1I7A6R"])
    #expect(won["status"] as? String == "won")
    #expect(won["owner"] as? String == "Moses Frase")
    #expect((won["created"] as? String)?.hasPrefix("2016-10-20") == true)
    #expect((won["closed"] as? String)?.hasPrefix("2017-03-01") == true)
    #expect(try #require(leads["Cancity EC4QE1BX"])["stage"] as? String == "qualifying")
  }

  /// Any header to any field, from the command line or the config; a field or header that
  /// does not exist is an error that says which exist.
  @Test func columnMapsFromFlagsAndConfig() throws {
    let box = Sandbox()
    let file = write(
      """
      Client,Deal size,Phase,Opened on,Remarks
      Acme,"12.500,50",proposal,03-18-2026,#1 priority

      """, in: box, name: "sheet.csv")
    try box.expectRefused(["import", file], saying: "--column \"HEADER=name\"")
    try box.expectRefused(["import", file, "--column", "Client=title"], saying: "'title' is no field")
    try box.expectRefused(["import", file, "--column", "Customer=name"], saying: "the file has no column 'Customer'")
    let config = "\(box.path)/config.toml"
    try """
    [import.columns]
    "Client" = "name"
    "Deal size" = "value"
    "Phase" = "stage"
    "Opened on" = "created"

    """.write(toFile: config, atomically: true, encoding: .utf8)
    let run = try box.run(["import", file, "--config", config, "--column", "Remarks=note"])
    #expect(run.status == 0, "\(run.stderr)")
    let lead = try #require(try leads(box)["Acme"])
    #expect(lead["value"] as? Double == 12500.5)
    #expect(lead["stage"] as? String == "proposal")
    #expect((lead["created"] as? String)?.hasPrefix("2026-03-18") == true)
    let show = try box.run(["show", "acme", "--json"])
    let notes = try #require((try json(show.stdout) as? [String: Any])?["notes"] as? [[String: Any]])
    #expect(notes.first?["text"] as? String == "#1 priority")
  }

  /// The dry run says what each row will write, and every assumption; --limit shows fewer.
  @Test func theDryRunShowsEveryRowAndAssumption() throws {
    let box = Sandbox()
    let file = write(
      """
      Name,Value,Due,Follow-up
      Ana,100,18-03-2026,Call
      Ben,"1.234,56",01-04-2026,Mail
      Cleo,5,02-04-2026,Visit

      """, in: box, name: "sheet.csv")
    let run = try box.run(["import", file, "--dry-run", "--limit", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.contains(
        "row 2: Ana · create · Lead Generation (no stage in the file) · open · USD 100 (default currency) · next: Call, due 2026-03-18"
      ))
    #expect(
      run.stdout.contains(
        "row 3: Ben · create · Lead Generation (no stage in the file) · open · USD 1,234.56 (default currency) · next: Mail, due 2026-04-01"
      ))
    #expect(!run.stdout.contains("row 4: Cleo"))
    #expect(run.stdout.contains("... and 1 more rows (--limit 2)"))
    #expect(run.stdout.contains("amounts: decimal comma (1.234,56 shows it)"))
    #expect(run.stdout.contains("dates: day first (18-03-2026 has no month 18)"))
    #expect(run.stdout.contains("3 rows name no currency: USD, the configured default"))
    #expect(run.stdout.contains("3 open rows have no stage: put in the first stage"))
    #expect(!FileManager.default.fileExists(atPath: box.journal))
  }

  /// Past wins and losses count when they happened: stats over 2023 give the figures worked
  /// out by hand, the last 30 days none of them, and importing again changes nothing.
  @Test func historyFromTheFileCountsWhenItHappened() throws {
    let box = Sandbox()
    let file = write(
      """
      Name,Company,Stage,Status,Value,Created,Closed,Lost reason
      Alpha,A Co,,won,10000,2023-01-10,2023-02-09,
      Beta,B Co,,won,20000,2023-01-20,2023-03-21,
      Gamma,C Co,qualifying,lost,5000,2023-02-01,2023-02-11,Budget
      Delta,D Co,,lost,7000,2023-03-01,2023-03-31,Timing
      Eps,E Co,proposal,open,40000,2023-03-05,,

      """, in: box, name: "history.csv")
    let run = try box.run(["import", file])
    #expect(run.status == 0, "\(run.stderr)")
    let stats = try #require(
      try json(box.run(["stats", "--since", "2023-01-01", "--until", "2023-04-01", "--json"]).stdout)
        as? [String: Any])
    // 2 won, 2 lost in Q1 2023: a win rate of 50%; cycles of 30 and 60 days: 45 on average;
    // the average win 15,000; one open deal: 1 x 15,000 x 0.5 / 45 = 166.67 a day.
    #expect(stats["won"] as? Int == 2)
    #expect(stats["lost"] as? Int == 2)
    #expect(stats["winRate"] as? Double == 0.5)
    let velocity = try #require(stats["velocity"] as? [String: Any])
    #expect(velocity["averageCycleDays"] as? Double == 45)
    #expect(velocity["averageWonValue"] as? Double == 15000)
    #expect(velocity["openDeals"] as? Int == 1)
    let recent = try #require(try json(box.run(["stats", "--json"]).stdout) as? [String: Any])
    #expect(recent["won"] as? Int == 0)
    #expect(recent["lost"] as? Int == 0)
    let forecast = try #require(recent["forecast"] as? [[String: Any]])
    #expect(forecast.compactMap { $0["month"] as? String }.allSatisfy { !$0.hasPrefix("2023") })
    let lines = box.journalLines().count
    let again = try box.run(["import", file])
    #expect(again.stdout.contains("0 created, 0 updated, 5 unchanged"), "\(again.stdout)")
    #expect(box.journalLines().count == lines)
  }
}

/// What a demanding rep found trying to break the import: each is refused or said.
@Suite struct ImportHonestyTests {
  func write(_ text: String, in box: Sandbox, name: String = "sheet.csv") -> String {
    let path = "\(box.path)/\(name)"
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
    return path
  }

  /// Round European amounts are not read a thousand times too small.
  @Test func roundAmountsWithALoneSeparatorAreNotShrunk() throws {
    let box = Sandbox()
    let file = write("name,value\nA,\"12.500\"\nB,\"250.000\"\n", in: box)
    let dry = try box.run(["import", file, "--dry-run"])
    #expect(dry.status != 0)
    #expect(dry.stdout.contains("'12.500' is ambiguous"), "\(dry.stdout)")
    let config = "\(box.path)/config.toml"
    try "decimal-mark = \",\"\n".write(toFile: config, atomically: true, encoding: .utf8)
    let run = try box.run(["import", file, "--config", config, "--dry-run"])
    #expect(
      run.stdout.contains("row 2: A · create · Lead Generation (no stage in the file) · open · USD 12,500"),
      "\(run.stdout)")
    #expect(run.stdout.contains("row 3: B · create · Lead Generation (no stage in the file) · open · USD 250,000"))
  }

  /// Two columns for one field is a conflict, named; the command line comes before the
  /// config; a header named twice on the command line is refused.
  @Test func twoColumnsForOneFieldAreAConflict() throws {
    let box = Sandbox()
    let file = write("Client,Deal size,Amount\nAlpha,\"1,000\",5\n", in: box)
    try box.expectRefused(
      ["import", file, "--column", "Client=name", "--column", "Deal size=value", "--column", "Amount=value"],
      saying: "both 'Amount' and 'Deal size' are mapped to value")
    try box.expectRefused(
      ["import", file, "--column", "Client=name", "--column", "Client=company"], saying: "--column names 'Client' twice"
    )
    let config = "\(box.path)/config.toml"
    try "[import.columns]\n\"Amount\" = \"value\"\n\"Nope\" = \"note\"\n".write(
      toFile: config, atomically: true, encoding: .utf8)
    // The flag wins over the config; the config's column the file lacks is no error.
    let run = try box.run(
      ["import", file, "--config", config, "--column", "Client=name", "--column", "Deal size=value", "--dry-run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("row 2: Alpha · create · Lead Generation (no stage in the file) · open · USD 1,000"))
  }

  /// A header twice, a column without a header, future dates, --limit without a dry run.
  @Test func whatTheFileHidesIsSaid() throws {
    let box = Sandbox()
    let file = write(
      "name,value,value,,Created,Closed,Status\nA,100,200,x,2024-01-02,2099-01-01,won\nB,5,6,,2024-01-03,,open\n",
      in: box)
    let run = try box.run(["import", file, "--dry-run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("'value' is column 2 and 3; column 2 is read"), "\(run.stdout)")
    #expect(run.stdout.contains("column 4 (no header)"))
    #expect(run.stdout.contains("won (2099-01-01 is in the future: dated today)"))
    #expect(run.stdout.contains("dates: year-month-day (ISO)"))
    try box.expectRefused(["import", file, "--limit", "1"], saying: "--limit lists fewer rows of a dry run")
  }

  /// A date that fits another order than the file's is named as such, with the way out.
  @Test func aDateAgainstTheFilesOrderSaysSo() throws {
    let box = Sandbox()
    let file = write("name,due,follow-up\nA,03/04/2024,Call\nB,05/14/2024,Call\nC,13/05/2024,Call\n", in: box)
    let run = try box.run(["import", file, "--dry-run"])
    #expect(run.stdout.contains("'13/05/2024' is no date month first"), "\(run.stdout)")
    #expect(run.stdout.contains("pass --date-order day-first"))
  }

  /// Only ISO 4217 codes (or a symbol) in a currency column.
  @Test func currencyColumnsTakeCodesAndSymbols() throws {
    let box = Sandbox()
    let file = write("name,value,currency\nA,100,€\nB,100,XYZ\n", in: box)
    let run = try box.run(["import", file, "--dry-run"])
    #expect(run.stdout.contains("row 2: A · create · Lead Generation (no stage in the file) · open · EUR 100"))
    #expect(run.stdout.contains("'XYZ' is not a currency code"))
  }
}
