/// Why a file cannot be imported. Nothing is written when one of these is thrown.
public enum ImportError: Error, Equatable, CustomStringConvertible {
  /// The bytes are not UTF-8; the text says what they probably are and how to convert them.
  case notUTF8(String)
  case unreadable(String)
  /// No header row: the file is empty or blank.
  case empty
  /// The header has no column this source needs (`needed` names the accepted headers).
  case missingColumn(source: ImportSource, needed: [String], header: [String])
  /// Stages in the file that map to no stage of the pipeline, with how many rows use each.
  case unmappedStages(source: ImportSource, stages: [(name: String, rows: Int)], known: [String])
  /// `--stage-map` text that is not `NAME=STAGE`, or names a stage the pipeline lacks.
  case badStageMap(String)
  /// Rows that cannot be imported; with `--skip-bad` they are left out instead.
  case badRows([RowProblem], total: Int)
  /// A `--column` or `[import.columns]` entry that names no column of the file or no field.
  case badColumnMap(String)

  public static func == (lhs: ImportError, rhs: ImportError) -> Bool { lhs.description == rhs.description }

  public var description: String {
    switch self {
    case .notUTF8(let detail):
      return "the file is not UTF-8 text: \(detail)"
    case .unreadable(let detail):
      return "the file cannot be read as CSV: \(detail)"
    case .empty:
      return "the file is empty: it needs a header row naming its columns (name, company, value, stage, ...)"
    case .missingColumn(let source, let needed, let header):
      let found = header.isEmpty ? "none" : header.map { "\"\($0)\"" }.joined(separator: ", ")
      return
        "a \(source.title) file needs a \(needed.map { "\"\($0)\"" }.joined(separator: " or ")) column; "
        + "its header has \(found)"
        + "; say which column names the deals with --column \"HEADER=name\""
        + (source == .generic
          ? ". If this is a CRM's export, name it with --from pipedrive, hubspot or salesforce" : "")
    case .unmappedStages(let source, let stages, let known):
      let list = stages.map { "  \"\($0.name)\" (\($0.rows) row\($0.rows == 1 ? "" : "s"))" }.joined(separator: "\n")
      let example = stages.first.map { $0.name } ?? "Stage"
      return """
        \(stages.count) stage\(stages.count == 1 ? "" : "s") in this \(source.title) file map\(stages.count == 1 ? "s" : "") \
        to no stage of the pipeline:
        \(list)
        Map each one to a stage (\(known.joined(separator: ", ")), won or lost), on the command line:
          --stage-map "\(example)=\(known.first ?? "lead-generation")"
        or for every import, in the config file:
          [import.stage-map]
          "\(example)" = "\(known.first ?? "lead-generation")"
        """
    case .badStageMap(let detail):
      return detail
    case .badColumnMap(let detail):
      return detail
    case .badRows(let problems, let total):
      let shown = problems.prefix(50).map { "  \($0)" }.joined(separator: "\n")
      let more = problems.count > 50 ? "\n  ... and \(problems.count - 50) more" : ""
      // A row may have several problems: the count is of rows.
      let rows = Set(problems.map(\.row)).count
      return """
        \(rows) of \(total) row\(total == 1 ? "" : "s") cannot be imported, so nothing was:
        \(shown)\(more)
        Fix them in the file, or import the other rows with --skip-bad.
        """
    }
  }
}

/// What is wrong with one row: its number as a spreadsheet shows it, and the column.
public struct RowProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public var row: Int
  public var column: String?
  public var message: String

  public init(row: Int, column: String?, message: String) {
    self.row = row
    self.column = column
    self.message = message
  }

  public var description: String {
    column.map { "row \(row), \"\($0)\": \(message)" } ?? "row \(row): \(message)"
  }
}
