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
  public struct Row: Sendable, Equatable {
    public var number: Int
    public var fields: [String]

    public init(number: Int, fields: [String]) {
      self.number = number
      self.fields = fields
    }

    /// The field in `column`, or empty when the row is shorter (spreadsheets drop trailing
    /// empty cells).
    public subscript(column: Int) -> String { column < fields.count ? fields[column] : "" }
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
  public static func read(_ bytes: [UInt8]) throws(ImportError) -> CSVTable {
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw .notUTF8(
        "it is UTF-16 text (what Excel's \"Unicode Text\" writes). Save it as \"CSV UTF-8\", or convert it: "
          + "iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8.csv")
    }
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    guard var text = String(validating: body, as: UTF8.self) else {
      let (line, byte) = firstInvalidByte(body)
      throw .notUTF8(
        "line \(line) has the byte 0x\(String(byte, radix: 16, uppercase: true)), which is not UTF-8; the file was "
          + "probably saved as Windows-1252 or Latin-1. Save it as \"CSV UTF-8\", or convert it: "
          + "iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE-utf8.csv")
    }
    var delimiter: Unicode.Scalar
    // Excel understands a first line `sep=;` naming the delimiter; honour it too.
    if let declared = declaredDelimiter(text) {
      delimiter = declared.delimiter
      text = String(text[declared.rest...])
    } else {
      delimiter = sniffDelimiter(text)
    }
    if let line = unterminatedQuote(text, delimiter: delimiter) {
      throw .unreadable(
        "the quoted field that starts on line \(line) never ends: is its closing quote missing? "
          + "(a quote inside a quoted field is written twice: \"\")")
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: delimiter)
    } catch {
      throw .unreadable("\(error)")
    }
    var number = 0
    var header: [String]?
    var rows: [Row] = []
    while let fields = reader.next() {
      number += 1
      if fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) {
        if header == nil { number -= 1 }
        continue
      }
      if header == nil {
        header = fields
      } else {
        rows.append(Row(number: number, fields: fields))
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

  /// The line on which a quoted field starts that runs to the end of the file, if one does.
  /// Follows the reader's rules: a quote opens a field only at its start; inside, `""` is a
  /// quote and a lone `"` ends the field.
  static func unterminatedQuote(_ text: String, delimiter: Unicode.Scalar) -> Int? {
    guard text.utf8.contains(0x22) else { return nil }
    let separator = UInt8(delimiter.value)
    var line = 1
    var openedOn = 0
    var atFieldStart = true
    var quoted = false
    var afterQuote = false
    for byte in text.utf8 {
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
      if byte == 0x0A { line += 1 }
    }
    return quoted && !afterQuote ? openedOn : nil
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
