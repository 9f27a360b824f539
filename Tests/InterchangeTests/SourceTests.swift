import Journal
import PipelineCore
import Testing

@testable import Interchange

func sheet(
  _ text: String, source: ImportSource? = nil, stageMap: [String: String] = [:], pipeline: Pipeline = Pipeline(),
  columns: [String: String] = [:], dayOrder: DayOrder? = nil
) throws -> DealSheet {
  try DealSheet(
    CSVTable.read(Array(text.utf8)), source: source, stageMap: stageMap, pipeline: pipeline, columnMap: columns,
    dayOrder: dayOrder)
}

func deal(_ sheet: DealSheet, _ name: String) throws -> ImportedDeal {
  try #require(sheet.deals.first { $0.name == name })
}

/// Sample exports written from each CRM's documented column names.
@Suite struct SourceTests {
  static let pipedrive = """
    "Deal - ID","Deal - Title*","Deal - Creator","Deal - Owner","Deal - Value","Deal - Currency",\
    "Deal - Weighted value","Deal - Probability","Deal - Organization","Deal - Pipeline","Deal - Contact person",\
    "Deal - Stage","Deal - Status","Deal - Deal created","Deal - Expected close date","Deal - Lost reason"
    "101","Acme website","Sam Rep","Sam Rep","1,234.56","EUR","0","","Acme GmbH","Sales","Ana Lima",\
    "Proposal Made","open","2026-01-05 10:00:00","2026-12-31",""
    "102","Globex expansion","Sam Rep","Sam Rep","12,000","USD","0","","Globex","Sales","",\
    "Negotiations Started","won","2026-02-01 09:00:00","",""
    "103","Initech pilot","Sam Rep","Sam Rep","500","USD","0","","Initech","Sales","Bob Smith",\
    "Contact Made","lost","2026-03-01 09:00:00","","Too expensive"
    "104","Old test deal","Sam Rep","Sam Rep","1","USD","0","","","Sales","",\
    "Lead In","deleted","2026-03-01 09:00:00","",""
    "105","Hooli demo","Sam Rep","Sam Rep","","","0","","Hooli","Sales","",\
    "Demo Scheduled","open","2026-03-01 09:00:00","",""

    """

  @Test func pipedrive() throws {
    let sheet = try sheet(Self.pipedrive)
    #expect(sheet.source == .pipedrive)
    #expect(sheet.problems.isEmpty)
    #expect(sheet.skipped.map(\.row) == [5])
    #expect(sheet.ignoredColumns.contains("Deal - Pipeline") && !sheet.ignoredColumns.contains("Deal - Title*"))
    let acme = try deal(sheet, "Acme website")
    #expect(acme.reference == "pipedrive:101")
    #expect(acme.value == .some(Money(minorUnits: 123_456, currency: "EUR")))
    #expect(acme.stage == "proposal" && acme.status == .open)
    #expect(acme.text[.company] == "Acme GmbH" && acme.text[.owner] == "Sam Rep")
    #expect(acme.expectedClose == .some(CalendarDay(iso8601: "2026-12-31")))
    #expect(acme.notes == ["Contact: Ana Lima"])
    let globex = try deal(sheet, "Globex expansion")
    #expect(globex.status == .won && globex.stage == "post-sale")
    #expect(globex.value == .some(Money(minorUnits: 1_200_000, currency: "USD")))
    let initech = try deal(sheet, "Initech pilot")
    #expect(initech.status == .lost && initech.stage == "qualifying" && initech.lostReason == "Too expensive")
    let hooli = try deal(sheet, "Hooli demo")
    #expect(hooli.stage == "needs-assessment")
    #expect(hooli.value == .some(nil))
  }

  static let hubspot = """
    Record ID,Deal Name,Deal Stage,Close Date,Deal Owner,Amount,Pipeline,Associated Company,Create Date
    9001,Acme renewal,appointmentscheduled,2026-12-31 00:00,Sam Rep,5000,Sales Pipeline,Acme,2026-01-01 10:00
    9002,Globex expansion,contractsent,,Sam Rep,12000.5,Sales Pipeline,Globex,2026-01-01 10:00
    9003,Initech,closedwon,2026-06-30 00:00,Sam Rep,800,Sales Pipeline,Initech,2026-01-01 10:00
    9004,Umbrella,closedlost,,Sam Rep,,Sales Pipeline,Umbrella,2026-01-01 10:00
    9005,Hooli,Presentation Scheduled,,Sam Rep,,Sales Pipeline,Hooli,2026-01-01 10:00
    9006,Pied Piper,qualifiedtobuy,,Sam Rep,,Sales Pipeline,,2026-01-01 10:00
    9007,Vandelay,decisionmakerboughtin,,Sam Rep,,Sales Pipeline,,2026-01-01 10:00

    """

  @Test func hubspotWithInternalStageIDs() throws {
    let sheet = try sheet(Self.hubspot)
    #expect(sheet.source == .hubspot)
    #expect(sheet.problems.isEmpty)
    let stages = Dictionary(uniqueKeysWithValues: sheet.deals.map { ($0.name, $0.stage ?? "") })
    #expect(
      stages == [
        "Acme renewal": "qualifying", "Globex expansion": "closing", "Initech": "post-sale",
        "Umbrella": "lead-generation",
        "Hooli": "proposal", "Pied Piper": "needs-assessment", "Vandelay": "negotiation",
      ])
    #expect(try deal(sheet, "Initech").status == .won)
    let umbrella = try deal(sheet, "Umbrella")
    #expect(umbrella.status == .lost && umbrella.lostReason == nil)
    #expect(try deal(sheet, "Acme renewal").reference == "hubspot:9001")
    #expect(try deal(sheet, "Globex expansion").value == .some(Money(minorUnits: 1_200_050, currency: "USD")))
    #expect(try deal(sheet, "Acme renewal").expectedClose == .some(CalendarDay(iso8601: "2026-12-31")))
  }

  static let salesforce = """
    Opportunity ID,Opportunity Name,Account Name,Stage,Amount,Probability (%),Close Date,Opportunity Owner,Lead Source
    0065g00000AbCdE,Acme - 200 Widgets,Acme,Prospecting,"USD 12,000.00",10,5/31/2026,Sam Rep,Web
    0065g00000AbCdF,Globex - Renewal,Globex,Negotiation/Review,"$8,500.00",90,12/15/2026,Sam Rep,Partner Referral
    0065g00000AbCdG,Initech - Pilot,Initech,Closed Won,$500.00,100,1/10/2026,Sam Rep,Web
    0065g00000AbCdH,Umbrella - Upsell,Umbrella,Closed Lost,$0.00,0,2/1/2026,Sam Rep,Trade Show
    0065g00000AbCdI,Hooli - Eval,Hooli,Id. Decision Makers,,60,,Sam Rep,

    """

  @Test func salesforceOpportunities() throws {
    let sheet = try sheet(Self.salesforce)
    #expect(sheet.source == .salesforce)
    #expect(sheet.problems.isEmpty)
    #expect(sheet.ignoredColumns == ["Probability (%)"])
    let acme = try deal(sheet, "Acme - 200 Widgets")
    #expect(acme.stage == "lead-generation" && acme.text[.source] == "Web" && acme.text[.company] == "Acme")
    #expect(acme.value == .some(Money(minorUnits: 1_200_000, currency: "USD")))
    #expect(acme.expectedClose == .some(CalendarDay(iso8601: "2026-05-31")))
    #expect(try deal(sheet, "Globex - Renewal").stage == "negotiation")
    #expect(try deal(sheet, "Initech - Pilot").status == .won)
    #expect(try deal(sheet, "Umbrella - Upsell").status == .lost)
    #expect(try deal(sheet, "Hooli - Eval").stage == "proposal")
    #expect(try deal(sheet, "Acme - 200 Widgets").reference == "salesforce:0065g00000AbCdE")
  }

  @Test func aSalesforceReportsFooterIsSkippedNotImported() throws {
    let report =
      Self.salesforce + """
        ""
        "Opportunity Pipeline"
        "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
        "Confidential Information - Do Not Distribute"
        "Generated By:  Sam Rep  11/27/2026 9:00 AM"
        "Acme Inc"

        """
    let read = try sheet(report)
    #expect(read.problems.isEmpty)
    #expect(read.deals.count == 5)
    #expect(read.skipped.map(\.row) == [8, 9, 10, 11, 12])
    // A short last row right after the others is a deal (or a bad row), never dropped quietly.
    let short = try sheet("name,company\nAna,Acme\nBen\n")
    #expect(short.deals.map(\.name) == ["Ana", "Ben"])
  }

  @Test func aEuropeanSpreadsheetInAnyOrderAndCase() throws {
    let text = """
      \u{FEFF}STAGE;Value;E-Mail;Name;Company;Phone;Source;Close date\r
      Angebot;1.234,56 €;ana@example.com;Ana Lima;Acme GmbH;+49 30 1234;Messe;31.05.2026\r
      Qualifying;2.000;ben@example.com;Ben Okafor;;;;25/12/2026\r
      proposal;12,5;;Chloé Martin;;;;\r

      """
    let sheet = try sheet(text, stageMap: ["angebot": "Proposal"])
    #expect(sheet.source == .generic)
    #expect(sheet.problems.isEmpty)
    let ana = try deal(sheet, "Ana Lima")
    #expect(ana.value == .some(Money(minorUnits: 123_456, currency: "EUR")))
    #expect(ana.stage == "proposal" && ana.text[.email] == "ana@example.com" && ana.text[.source] == "Messe")
    #expect(ana.expectedClose == .some(CalendarDay(iso8601: "2026-05-31")))
    #expect(try deal(sheet, "Ben Okafor").value == .some(Money(minorUnits: 200_000, currency: "USD")))
    #expect(try deal(sheet, "Ben Okafor").expectedClose == .some(CalendarDay(iso8601: "2026-12-25")))
    #expect(try deal(sheet, "Chloé Martin").value == .some(Money(minorUnits: 1250, currency: "USD")))
  }

  @Test func unmappedStagesStopTheImportAndSayHowToMapThem() throws {
    let text = """
      Deal Name,Deal Stage,Record ID
      A,contractsent,1
      B,12345678,2
      C,12345678,3
      D,Verbal yes,4

      """
    let error = try #require(throws: ImportError.self) { try sheet(text) }
    guard case .unmappedStages(_, let stages, _) = error else {
      Issue.record("expected unmapped stages, got \(error)")
      return
    }
    #expect(stages.map(\.name) == ["12345678", "Verbal yes"])
    #expect(stages.map(\.rows) == [2, 1])
    #expect(error.description.contains("--stage-map \"12345678=lead-generation\""))
    #expect(error.description.contains("[import.stage-map]"))
    let mapped = try sheet(text, stageMap: ["12345678": "negotiation", "verbal YES": "won"])
    #expect(mapped.deals.map { $0.stage ?? "" } == ["closing", "negotiation", "negotiation", "post-sale"])
    #expect(mapped.deals.last?.status == .won)
    // A mapping wins over the source's own default.
    #expect(
      try sheet(text, stageMap: ["12345678": "closing", "verbal yes": "won", "ContractSent": "proposal"])
        .deals.first?.stage == "proposal")
  }

  @Test func eachBadFieldIsReportedWithItsRowAndColumn() throws {
    let text = """
      name,value,status,close date,checklist,follow-up,follow-up due,closer id
      Ana,1,open,,,,,
      Zed,12.5.0,open,,,,,
      ,100,open,,,,,
      Ben,-3,maybe,someday,budget,,,
      Chloé,1,open,,Budget; vibes,Call,,X
      Dan,1,open,,,,2026-13-01,
      ana,2,open,,,,,
      Eve,"3",open,,,,,,extra

      """
    let sheet = try sheet(text)
    #expect(sheet.deals.map(\.name) == ["Ana"])
    let problems = sheet.problems.map(\.description)
    #expect(
      problems.contains { $0.hasPrefix("row 3, \"value\": '12.5.0' has a separator that does not group thousands") })
    #expect(problems.contains("row 4, \"name\": has no name"))
    #expect(problems.contains { $0.hasPrefix("row 5, \"value\": '-3' is negative") })
    #expect(problems.contains { $0.hasPrefix("row 5, \"status\": 'maybe' is not a status") })
    #expect(problems.contains { $0.hasPrefix("row 5, \"close date\": 'someday' is not a date") })
    #expect(problems.contains { $0.hasPrefix("row 6, \"checklist\": 'vibes' is not a criterion") })
    #expect(problems.contains { $0.hasPrefix("row 6, \"follow-up\": 'Call' has no due date") })
    #expect(problems.contains { $0.hasPrefix("row 6, \"closer id\": 'X' is not a lead id") })
    #expect(problems.contains { $0.hasPrefix("row 7, \"follow-up due\": '2026-13-01' is not a date") })
    #expect(problems.contains("row 8: the same deal as row 2"))
    #expect(problems.contains { $0.hasPrefix("row 9: has 9 fields but the header has 8") })
    #expect(problems.count == 11)
  }

  @Test func textFromTheFileCannotReachTheTerminalAsControlCodes() throws {
    let text =
      "name,company,notes\n\"Evil\u{1B}]2;pwned\u{07}\u{1B}[2J Co\",\"Acme\u{202E}gnp.exe\r\nLtd\",\"line 1\r\n\u{1B}[31mline 2\"\n"
    let evil = try #require(try sheet(text).deals.first)
    for field in [evil.name, evil.text[.company] ?? "", evil.notes.joined()] {
      #expect(!field.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F || $0 == "\u{202E}" })
    }
    #expect(evil.name == "Evil ]2;pwned [2J Co")
    #expect(evil.text[.company] == "Acme gnp.exe Ltd")
    #expect(evil.notes == ["line 1\n [31mline 2"])
  }

  /// Garbage in gives an error or checked rows, never a crash: random bytes after each
  /// source's header, from an alphabet of delimiters, quotes, digits, separators, currency
  /// signs, line breaks, bytes that are not UTF-8 and control codes.
  @Test(arguments: 0..<200)
  func garbageNeverCrashesTheReader(seed: UInt64) {
    var random = SplitMix64(seed: seed)
    let headers = [
      "name,value,stage,status,close date,checklist,follow-up,follow-up due,closer id,ref,currency,notes\n",
      "Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,Deal - Expected close date\n",
      "Deal Name,Deal Stage,Amount,Close Date,Record ID\n", "Opportunity Name;Stage;Amount;Close Date\n", "",
    ]
    let pieces: [[UInt8]] = [
      [0x2C], [0x3B], [0x09], [0x22], [0x0A], [0x0D, 0x0A], [0x2E], [0x27], [0x2D], [0x2F], Array("12".utf8),
      Array("1.234,5".utf8), Array("€".utf8), Array("$".utf8), Array("won".utf8), Array("Proposal".utf8),
      Array("2026-13-45".utf8), Array("31/12/2026".utf8), [0xE9], [0xC3], [0x1B], [0x00], Array("budget".utf8),
      Array("Zoë".utf8), [0x20],
    ]
    var bytes = Array(headers[Int(random.next() % UInt64(headers.count))].utf8)
    for _ in 0..<Int(random.next() % 400) { bytes += pieces[Int(random.next() % UInt64(pieces.count))] }
    do {
      let sheet = try DealSheet(CSVTable.read(bytes), source: nil, stageMap: ["proposal": "won"], pipeline: Pipeline())
      _ = ImportPlan(deals: sheet.deals, source: sheet.source, pipeline: Pipeline()) {
        LeadID("new\(random.next() % 100_000)")
      }
      for deal in sheet.deals { #expect(!deal.name.isEmpty && !deal.name.unicodeScalars.contains { $0.value < 0x20 }) }
    } catch {
      #expect(!error.description.isEmpty)
    }
  }

  @Test func aFileWithoutANameColumnSaysWhichColumnsItNeeds() throws {
    let error = try #require(throws: ImportError.self) { try sheet("company,value\nAcme,1\n") }
    #expect(error.description.contains("needs a \"name\" or \"full name\""))
    #expect(error.description.contains("\"company\", \"value\""))
  }
}
