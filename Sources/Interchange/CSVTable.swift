import CSV

/// A delimited text file as a header and rows of fields: what a spreadsheet or a CRM exported.
///
/// Reads what real exports look like: UTF-8 with or without a byte order mark, CRLF or LF
/// line ends, quoted fields holding delimiters, quotes and line breaks, and comma, semicolon
/// or tab delimiters (semicolons are what spreadsheets in many European locales write).
/// Fields are split by CSV.swift; this type checks the encoding, picks the delimiter and
/// numbers the rows.
public struct CSVTable: Sendable {
  /// One record after the header. `number` is the row as a spreadsheet shows it: the
  /// header is row 1, so the first record is row 2. Blank rows are left out but counted.
  ///
  /// Its fields are kept in a `FieldStore` shared by many rows (one buffer of text, not a
  /// string per field): a file of 100,000 rows and 20 columns takes about the room of its
  /// text, instead of two million strings.
  public struct Row: Sendable, Equatable {
    public var number: Int
    let store: FieldStore
    let first: Int
    /// How many fields the row has.
    public let count: Int

    public init(number: Int, fields: [String]) {
      let store = FieldStore()
      for field in fields { store.append(field) }
      self.init(number: number, store: store, first: 0, count: fields.count)
    }

    init(number: Int, store: FieldStore, first: Int, count: Int) {
      self.number = number
      self.store = store
      self.first = first
      self.count = count
    }

    public var fields: [String] { (0..<count).map { store.field(first + $0) } }

    /// The field in `column`, or empty when the row is shorter (spreadsheets drop trailing
    /// empty cells).
    public subscript(column: Int) -> String { column < count ? store.field(first + column) : "" }

    public static func == (lhs: Row, rhs: Row) -> Bool { lhs.number == rhs.number && lhs.fields == rhs.fields }
  }

  /// The fields of many rows, their UTF-8 bytes back to back, and where each one ends.
  final class FieldStore: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []

    var fieldCount: Int { ends.count }

    func append(_ field: String) {
      bytes.append(contentsOf: field.utf8)
      ends.append(bytes.count)
    }

    func field(_ index: Int) -> String {
      let start = index == 0 ? 0 : ends[index - 1]
      return String(decoding: bytes[start..<ends[index]], as: UTF8.self)
    }

    func shrink() {
      bytes = Array(bytes)
      ends = Array(ends)
    }
  }

  public var header: [String]
  public var rows: [Row]
  /// `,`, `;` or a tab.
  public var delimiter: Unicode.Scalar

  public init(header: [String], rows: [Row], delimiter: Unicode.Scalar) {
    self.header = header
    self.rows = rows
    self.delimiter = delimiter
  }

  /// Reads a whole file's bytes. Throws when they are not UTF-8 text or there is no header.
  ///
  /// A large file is cut at record boundaries into parts of about `partSize` bytes (at
  /// most eight), which are split into fields on all cores.
  public static func read(_ bytes: [UInt8], partSize: Int = 1 << 20) throws(ImportError) -> CSVTable {
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
      throw .notUTF8(
        "it is an Excel workbook (.xlsx or .xls), not CSV. Open it and save it as \"CSV UTF-8\", "
          + "or export CSV from the CRM")
    }
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw .notUTF8(
        "it is UTF-16 text (what Excel's \"Unicode Text\" writes). Save it as \"CSV UTF-8\", or convert it: "
          + "iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8.csv")
    }
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if let first = body.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }),
      first == 0x5B || first == 0x7B
    {
      throw .unreadable(
        "it is JSON, not CSV. closer import reads CSV (comma, semicolon or tab separated): export CSV from the CRM, "
          + "or from Closer with `closer export --format csv`")
    }
    guard var text = String(validating: body, as: UTF8.self) else {
      let (line, byte) = firstInvalidByte(body)
      throw .notUTF8(
        "line \(line) has the byte 0x\(String(byte, radix: 16, uppercase: true)), which is not UTF-8; the file was "
          + "probably saved as Windows-1252 or Latin-1. Save it as \"CSV UTF-8\", or convert it: "
          + "iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE-utf8.csv")
    }
    // Excel understands a first line `sep=;` naming the delimiter; honour it too.
    let declared = declaredDelimiter(text)
    if let declared { text = String(text[declared.rest...]) }
    let delimiter = declared?.delimiter ?? sniffDelimiter(text)
    let parts = min(8, max(1, text.utf8.count / max(1, partSize)))
    let scan = scanQuotes(text, delimiter: delimiter, parts: parts)
    if let line = scan.unterminatedOn {
      throw .unreadable(
        "the quoted field that starts on line \(line) never ends: is its closing quote missing? "
          + "(a quote inside a quoted field is written twice: \"\")")
    }
    // Each part ends with a line break outside quotes, so its records are exactly the
    // whole file's records, in order.
    let utf8 = text.utf8
    let cuts = [0] + scan.recordStarts + [utf8.count]
    let texts = (0..<(cuts.count - 1)).map { part in
      let start = utf8.index(utf8.startIndex, offsetBy: cuts[part])
      return String(Substring(utf8[start..<utf8.index(start, offsetBy: cuts[part + 1] - cuts[part])]))
    }
    // Each part's records go into one store as they are read: (first field, field count),
    // or nil for a blank record (counted, not kept).
    let parsed = inParts(texts.count, minimumPerPart: 1) { range in
      range.map { part -> (FieldStore, [(first: Int, count: Int)?]) in
        let store = FieldStore()
        var records: [(first: Int, count: Int)?] = []
        guard let reader = try? CSVReader(string: texts[part], hasHeaderRow: false, delimiter: delimiter) else {
          return (store, records)
        }
        while let fields = reader.next() {
          if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
            records.append(nil)
            continue
          }
          records.append((store.fieldCount, fields.count))
          for field in fields { store.append(field) }
        }
        store.shrink()
        return (store, records)
      }
    }.joined()
    var number = 0
    var header: [String]?
    var rows: [Row] = []
    for (store, records) in parsed {
      rows.reserveCapacity(rows.count + records.count)
      for record in records {
        number += 1
        guard let record else {
          if header == nil { number -= 1 }
          continue
        }
        let row = Row(number: number, store: store, first: record.first, count: record.count)
        if header == nil { header = row.fields } else { rows.append(row) }
      }
    }
    guard let header else { throw .empty }
    return CSVTable(header: header, rows: rows, delimiter: delimiter)
  }

  /// The delimiter that occurs most in the first record outside quotes: `,` unless `;` or a
  /// tab is more frequent.
  static func sniffDelimiter(_ text: String) -> Unicode.Scalar {
    var comma = 0
    var semicolon = 0
    var tab = 0
    var quoted = false
    for scalar in text.unicodeScalars {
      if scalar == "\"" {
        quoted.toggle()
      } else if !quoted {
        if scalar == "\n" || scalar == "\r" { break }
        if scalar == "," { comma += 1 } else if scalar == ";" { semicolon += 1 } else if scalar == "\t" { tab += 1 }
      }
    }
    if semicolon > comma && semicolon >= tab { return ";" }
    if tab > comma && tab > semicolon { return "\t" }
    return ","
  }

  /// `sep=X` alone on the first line, as Excel writes and reads it.
  private static func declaredDelimiter(_ text: String) -> (delimiter: Unicode.Scalar, rest: String.Index)? {
    let scalars = text.unicodeScalars
    let lineEnd = scalars.firstIndex { $0 == "\n" || $0 == "\r" } ?? scalars.endIndex
    let line = Array(scalars[..<lineEnd])
    guard line.count == 5, String(String.UnicodeScalarView(line[0..<4])).lowercased() == "sep=" else { return nil }
    var rest = lineEnd
    if rest < scalars.endIndex, scalars[rest] == "\r" { rest = scalars.index(after: rest) }
    if rest < scalars.endIndex, scalars[rest] == "\n" { rest = scalars.index(after: rest) }
    return (line[4], rest)
  }

  /// Where `text` can be cut into about `parts` parts at record boundaries (offsets in
  /// UTF-8 just after a line break outside quotes), and the line on which a quoted field
  /// starts that runs to the end of the file, if one does. Follows the reader's rules: a
  /// quote opens a field only at its start; inside, `""` is a quote and a lone `"` ends it.
  static func scanQuotes(_ text: String, delimiter: Unicode.Scalar, parts: Int = 1)
    -> (unterminatedOn: Int?, recordStarts: [Int])
  {
    let size = text.utf8.count
    guard parts > 1 || text.utf8.contains(0x22) else { return (nil, []) }
    let separator = UInt8(truncatingIfNeeded: delimiter.value)
    var recordStarts: [Int] = []
    var nextCut = parts > 1 ? size / parts : Int.max
    var line = 1
    var openedOn = 0
    var atFieldStart = true
    var quoted = false
    var afterQuote = false
    for (offset, byte) in text.utf8.enumerated() {
      if quoted {
        if afterQuote {
          afterQuote = false
          if byte == 0x22 { continue }  // "" inside a quoted field
          if byte == separator || byte == 0x0A || byte == 0x0D {
            quoted = false
            atFieldStart = true
          }
        } else if byte == 0x22 {
          afterQuote = true
        }
      } else if byte == separator || byte == 0x0A || byte == 0x0D {
        atFieldStart = true
      } else {
        if atFieldStart && byte == 0x22 {
          quoted = true
          openedOn = line
        }
        atFieldStart = false
      }
      if byte == 0x0A {
        line += 1
        if !quoted && offset + 1 >= nextCut && offset + 1 < size {
          recordStarts.append(offset + 1)
          nextCut = recordStarts.count < parts - 1 ? size * (recordStarts.count + 1) / parts : Int.max
        }
      }
    }
    return (quoted && !afterQuote ? openedOn : nil, recordStarts)
  }

  /// The 1-based line and the value of the first byte that is not part of valid UTF-8.
  static func firstInvalidByte(_ bytes: ArraySlice<UInt8>) -> (line: Int, byte: UInt8) {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = bytes.startIndex
    var line = 1
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar):
        if scalar.count == 1 && scalar.first == 0x0A { line += 1 }
        offset += scalar.count
      case .error:
        return (line, bytes[offset])
      case .emptyInput:
        return (line, 0)
      }
    }
  }
}
