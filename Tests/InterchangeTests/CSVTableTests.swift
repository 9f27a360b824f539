import Journal
import Testing

@testable import Interchange

@Suite struct CSVTableTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var label: String
    var text: String
    var header: [String]
    var rows: [[String]]
    var numbers: [Int]? = nil
    var delimiter: Unicode.Scalar = ","
    var testDescription: String { label }
  }

  static let cases: [Case] = [
    Case(label: "plain", text: "name,company\nAna,Acme\n", header: ["name", "company"], rows: [["Ana", "Acme"]]),
    Case(
      label: "quoted delimiter", text: "name,company\n\"Lima, Ana\",Acme\n", header: ["name", "company"],
      rows: [["Lima, Ana", "Acme"]]),
    Case(
      label: "doubled quotes", text: "name\n\"Ana \"\"the closer\"\" Lima\"\n", header: ["name"],
      rows: [["Ana \"the closer\" Lima"]]),
    Case(
      label: "line break inside quotes", text: "name,note\nAna,\"first\nsecond\"\nBen,x\n", header: ["name", "note"],
      rows: [["Ana", "first\nsecond"], ["Ben", "x"]], numbers: [2, 3]),
    Case(
      label: "empty fields", text: "a,b,c\n,,\nx,,z\n", header: ["a", "b", "c"], rows: [["x", "", "z"]], numbers: [3]),
    Case(
      label: "byte order mark", text: "\u{FEFF}name,value\nAna,1\n", header: ["name", "value"], rows: [["Ana", "1"]]),
    Case(
      label: "CRLF", text: "name,value\r\nAna,1\r\nBen,2\r\n", header: ["name", "value"],
      rows: [["Ana", "1"], ["Ben", "2"]]),
    Case(
      label: "semicolons", text: "name;value\nAna;1.234,56\n", header: ["name", "value"], rows: [["Ana", "1.234,56"]],
      delimiter: ";"),
    Case(
      label: "semicolons with commas in the header", text: "name;\"a,b\";c\nAna;1;2\n", header: ["name", "a,b", "c"],
      rows: [["Ana", "1", "2"]], delimiter: ";"),
    Case(
      label: "tabs", text: "name\tvalue\nAna\t1\n", header: ["name", "value"], rows: [["Ana", "1"]], delimiter: "\t"),
    Case(
      label: "sep= line", text: "sep=;\r\nname;value\r\nAna;1\r\n", header: ["name", "value"], rows: [["Ana", "1"]],
      delimiter: ";"),
    Case(
      label: "trailing delimiter", text: "name,value,\nAna,1,\n", header: ["name", "value", ""],
      rows: [["Ana", "1", ""]]),
    Case(label: "header only", text: "name,company\n", header: ["name", "company"], rows: []),
    Case(label: "no final newline", text: "name\nAna", header: ["name"], rows: [["Ana"]]),
    Case(
      label: "blank lines counted", text: "\nname\n\nAna\n\n\nBen\n", header: ["name"], rows: [["Ana"], ["Ben"]],
      numbers: [3, 6]),
    Case(label: "wide text", text: "name\n北京 Zoë 👨‍👩‍👧\n", header: ["name"], rows: [["北京 Zoë 👨‍👩‍👧"]]),
  ]

  /// Each case read whole, and cut into parts of a few bytes as a large file is.
  @Test(arguments: cases, [1 << 20, 4])
  func reads(_ c: Case, partSize: Int) throws {
    let table = try CSVTable.read(Array(c.text.utf8), partSize: partSize)
    #expect(table.header == c.header)
    #expect(table.rows.map(\.fields) == c.rows)
    #expect(table.delimiter == c.delimiter)
    if let numbers = c.numbers { #expect(table.rows.map(\.number) == numbers) }
  }

  /// Whatever the export writes, the reader reads back: random tables of fields made of
  /// quotes, delimiters, line breaks, spaces and wide characters.
  @Test(arguments: 0..<300)
  func randomTablesSurviveWritingAndReading(seed: UInt64) throws {
    var random = SplitMix64(seed: seed)
    let pieces = ["a", "Zoë", "北京", "👨‍👩‍👧", " ", ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "'", "=1+2", "x y"]
    func field() -> String {
      (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }
    let columns = 1 + Int(random.next() % 5)
    // The header's first field is never empty, so no row is blank.
    let rows = (0..<(1 + Int(random.next() % 30))).map { _ in ["h" + field()] + (1..<columns).map { _ in field() } }
    var bytes: [UInt8] = []
    for row in rows { LeadCSV.appendRow(row, to: &bytes, guardFormulas: false) }
    // Whole, and cut into parts as a large file is.
    for partSize in [1 << 20, 1 + Int(random.next() % 64)] {
      let table = try CSVTable.read(bytes, partSize: partSize)
      #expect(table.delimiter == ",")
      #expect([table.header] + table.rows.map(\.fields) == rows)
      #expect(table.rows.map(\.number) == Array(2..<(rows.count + 1)))
    }
  }

  @Test func anEmptyOrBlankFileHasNoHeader() {
    #expect(throws: ImportError.empty) { try CSVTable.read([]) }
    #expect(throws: ImportError.empty) { try CSVTable.read(Array("\r\n\n  \n".utf8)) }
    #expect(throws: ImportError.empty) { try CSVTable.read([0xEF, 0xBB, 0xBF]) }
  }

  @Test func aQuoteThatNeverClosesIsFoundInsteadOfSwallowingTheRest() throws {
    let text = "name,company\nAna,Acme\n\"Ben,Globex\nCleo,Initech\nDan,Hooli\n"
    for partSize in [1 << 20, 3] {
      let error = try #require(throws: ImportError.self) { try CSVTable.read(Array(text.utf8), partSize: partSize) }
      #expect(error.description.contains("starts on line 3 never ends"))
    }
    // Closed ones, doubled quotes and a quote inside an unquoted field are all fine.
    for fine in [
      "name\n\"Ana\"\n", "name\n\"Ana \"\"A\"\" Lima\"\n", "name,size\nTV,55\" screen\n", "name\n\"a\nb\"",
      "name;x\n\"Ana\";\"\"\n",
    ] {
      #expect(throws: Never.self) { try CSVTable.read(Array(fine.utf8)) }
    }
  }

  @Test func latin1IsRefusedWithTheLineAndHowToConvert() throws {
    var bytes = Array("name,company\nAna,Acme\nJos".utf8)
    bytes.append(0xE9)  // é in Latin-1
    bytes += Array(",Café\n".utf8)
    let error = try #require(throws: ImportError.self) { try CSVTable.read(bytes) }
    #expect(error.description.contains("line 3"))
    #expect(error.description.contains("0xE9"))
    #expect(error.description.contains("iconv -f WINDOWS-1252 -t UTF-8"))
  }

  @Test func aWorkbookIsRefusedAsAWorkbook() throws {
    for magic: [UInt8] in [[0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]] {
      let error = try #require(throws: ImportError.self) { try CSVTable.read(magic) }
      #expect(error.description.contains("Excel workbook") && error.description.contains("CSV UTF-8"))
    }
  }

  @Test func utf16IsRefusedWithHowToConvert() throws {
    let error = try #require(throws: ImportError.self) { try CSVTable.read([0xFF, 0xFE, 0x6E, 0x00]) }
    #expect(error.description.contains("UTF-16"))
    #expect(error.description.contains("iconv -f UTF-16"))
  }
}
