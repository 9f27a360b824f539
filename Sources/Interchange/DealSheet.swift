import Foundation
import PipelineCore
import TerminalText

/// One row of an import, checked and turned into Closer's terms. Optional fields are nil
/// when the file has no column for them: such fields of an existing lead are left alone,
/// while a column that is there but empty clears the field.
public struct ImportedDeal: Sendable, Equatable {
  public var row: Int
  public var closerID: LeadID?
  /// `hubspot:123`, or the `Ref` of a Closer export; nil when the file has none.
  public var reference: String?
  public var name: String
  /// Company, email, phone, owner and source, for the columns the file has.
  public var text = DealText()
  public var value: Money??
  public var expectedClose: CalendarDay??
  /// The stage key; nil when the file has no stage for the row.
  public var stage: String?
  public var status: LeadStatus
  public var lostReason: String?
  /// Ticked criteria; nil when the file has no checklist column.
  public var checklist: Set<String>?
  public var followUp: FollowUp??
  /// Notes to add (a contact person, a notes column).
  public var notes: [String] = []
  /// When the deal was created in the source, when the file says.
  public var created: CalendarDay?
  /// When a won or lost deal was closed, when the file says (its close date column, or
  /// for a closed deal without one, the expected close date, which CRMs set to it).
  public var closed: CalendarDay?
  /// When the deal entered its current stage, when the file says.
  public var stageEntered: CalendarDay?
  /// Whether the value names no currency and got the configured default.
  public var currencyAssumed = false
  /// Custom fields by key, stored forms, for the columns the file has (nil: the column is
  /// there but empty, which clears the field).
  public var custom: [String: String?] = [:]

  /// What identifies the deal within the file.
  var key: String {
    if let closerID { return "id\u{1F}\(closerID)" }
    if let reference, !reference.isEmpty { return "ref\u{1F}\(reference)" }
    return "name\u{1F}" + SearchKey.fold(name) + "\u{1F}" + SearchKey.fold(text[.company] ?? "")
  }
}

/// The text fields of an imported deal (company, email, phone, owner, source), each nil
/// when the file has no column for it: five fields in place, not a dictionary per deal.
public struct DealText: Sendable, Equatable {
  private var company, email, phone, owner, source: String?

  public init() {}

  public subscript(field: TextField) -> String? {
    get {
      switch field {
      case .company: company
      case .email: email
      case .phone: phone
      case .owner: owner
      case .source: source
      case .name, .reference: nil
      }
    }
    set {
      switch field {
      case .company: company = newValue
      case .email: email = newValue
      case .phone: phone = newValue
      case .owner: owner = newValue
      case .source: source = newValue
      case .name, .reference: break
      }
    }
  }
}

/// A file read and checked row by row, before it is compared with the pipeline.
public struct DealSheet: Sendable {
  public var source: ImportSource
  public var deals: [ImportedDeal]
  public var problems: [RowProblem]
  /// Rows left out on purpose (deals deleted in the CRM), with why.
  public var skipped: [RowProblem]
  /// Headers of columns that fill no field of a lead.
  public var ignoredColumns: [String]
  /// Which header fills which field, in the file's order ("Opportunity Name" → name).
  public var mapping: [(header: String, field: String)]
  public var rowCount: Int
  /// The decimal mark the file's amounts are read with, and why.
  public var decimalMark: DecimalMark
  public var decimalMarkWhy: String
  /// The order of the file's dates, and why ("18-03-2026 has no month 18").
  public var dayOrder: DayOrder
  public var dayOrderWhy: String
  /// Whether every date of the file has its year first in four digits: no order to decide.
  public var datesAreISO = true
  /// The header whose values name the rows, when the file has no name column.
  public var namedBy: String?
  /// What else the rep should know about how the file was read (a header that appears
  /// twice).
  public var notes: [String] = []

  /// Reads `table` as a `source` file (nil: detect it from the header). `stageMap` maps
  /// stage names in the file (any case) to a stage key, title, `won` or `lost`; it comes
  /// before the source's defaults. `columnMap` maps headers to fields by name (`Deal
  /// size=value`, `Notes=ignore`), before the source's own names. `dayOrder` forces the
  /// order of dates instead of deciding it from the file.
  public init(
    _ table: CSVTable, source: ImportSource?, stageMap: [String: String], pipeline: Pipeline,
    columnMap: [String: String] = [:], configColumnMap: [String: String] = [:], dayOrder forcedOrder: DayOrder? = nil
  ) throws(ImportError) {
    let source = source ?? ImportSource.detect(header: table.header)
    self.source = source
    let known = source.columns
    var columns = ColumnIndexes()
    var ignored: [String] = []
    var mapping: [(header: String, field: String)] = []
    // The rep's own maps first: header (as written, any case) to field, or ignore. Those
    // from the command line must name a column of the file; those from the config (for
    // every import) apply to the files that have the column.
    var chosen: [Int: ImportColumn?] = [:]
    var chosenBy: [ImportColumn: String] = [:]
    // Columns for the config's own fields (`[[fields]]`), by its key or title.
    var customChosen: [Int: CustomField] = [:]
    var customColumns: [(field: CustomField, index: Int)] = []
    func customField(_ name: String) -> CustomField? {
      let wanted = ImportColumn.normalize(name)
      return pipeline.config.fields.first {
        $0.key == name || ImportColumn.normalize($0.key) == wanted || ImportColumn.normalize($0.title) == wanted
      }
    }
    for (header, field, required) in columnMap.map({ ($0.key, $0.value, true) }).sorted(by: { $0.0 < $1.0 })
      + configColumnMap.filter({ columnMap[$0.key] == nil }).map({ ($0.key, $0.value, false) }).sorted(by: {
        $0.0 < $1.0
      })
    {
      let wanted = ImportColumn.normalize(header)
      guard let index = table.header.firstIndex(where: { ImportColumn.normalize($0) == wanted }) else {
        if !required { continue }
        throw .badColumnMap(
          "the file has no column '\(header)'; its columns are \(table.header.map { "'\($0)'" }.joined(separator: ", "))"
        )
      }
      if ["ignore", "skip", "-", ""].contains(field.lowercased()) {
        chosen[index] = .some(nil)
        continue
      }
      if ImportColumn.named(field) == nil, let custom = customField(field) {
        if let other = customChosen.first(where: { $0.value.key == custom.key && $0.key != index }) {
          if !required { continue }
          throw .badColumnMap(
            "both '\(table.header[other.key])' and '\(header)' are mapped to \(custom.key); map one of them to another field or to ignore"
          )
        }
        customChosen[index] = custom
        chosen[index] = .some(nil)
        continue
      }
      guard let column = ImportColumn.named(field) else {
        let names = ImportColumn.fieldNames.map(\.0) + pipeline.config.fields.map(\.key)
        throw .badColumnMap("'\(field)' is no field of a lead; use one of \(names.joined(separator: ", ")) or ignore")
      }
      if let other = chosenBy[column] {
        // The command line comes before the config; two of the same kind are a conflict.
        if !required { continue }
        throw .badColumnMap(
          "both '\(other)' and '\(header)' are mapped to \(column.fieldName); map one of them to another field or to ignore"
        )
      }
      chosenBy[column] = header
      chosen[index] = column
    }
    var seen: [String: Int] = [:]
    var notes: [String] = []
    for (index, header) in table.header.enumerated() {
      let name = ImportColumn.normalize(header)
      if let custom = customChosen[index] {
        customColumns.append((custom, index))
        mapping.append((header, custom.key))
      } else if let mapped = chosen[index] {
        if let column = mapped {
          columns[column] = index
          mapping.append((header, column.fieldName))
        }
      } else if known[name] == nil, let custom = customField(header),
        !customColumns.contains(where: { $0.field.key == custom.key })
      {
        customColumns.append((custom, index))
        mapping.append((header, custom.key))
      } else if let column = known[name], columns[column] == nil, chosenBy[column] == nil {
        columns[column] = index
        mapping.append((header, column.fieldName))
      } else if name.isEmpty {
        // A column without a header: left out, but said, when it holds anything.
        if table.rows.contains(where: { !$0[index].isEmpty }) {
          ignored.append("column \(index + 1) (no header)")
        }
      } else if let first = seen[name], known[name] != nil {
        notes.append("'\(header)' is column \(first + 1) and \(index + 1); column \(first + 1) is read")
      } else if !(source == .generic && LeadCSV.derivedHeaders.contains(name)) {
        ignored.append(header)
      }
      if seen[name] == nil { seen[name] = index }
    }
    self.notes = notes
    // A sheet without a name column (the sales-pipeline data set has only an opportunity
    // id) names its rows by their id.
    if columns[.name] == nil, let id = columns[.reference] ?? columns[.recordID] {
      namedBy = table.header[id]
    }
    guard columns[.name] != nil || namedBy != nil else {
      throw .missingColumn(source: source, needed: source.nameHeaders, header: table.header)
    }
    ignoredColumns = ignored
    self.mapping = mapping
    rowCount = table.rows.count

    let configured = pipeline.config.amountMark == .comma ? "a comma" : "a point"
    let markFallback: (DecimalMark, String) =
      table.delimiter == ";"
      ? (.comma, "nothing in the file tells; semicolon-separated files are taken to use a decimal comma")
      : (
        pipeline.config.amountMark,
        "nothing in the file tells; \(configured), from decimal-mark, the locale or the default"
      )
    let values = table.rows.lazy.map { $0[columns[.value] ?? Int.max] }
    let mark = DecimalMark.infer(from: values, fallback: markFallback.0)
    decimalMark = mark
    decimalMarkWhy =
      values.first { AmountText.evidence($0) == mark }.map { "\($0) shows it" } ?? markFallback.1
    let dateColumns = [ImportColumn.expectedClose, .followUpDue, .created, .closed, .stageEntered].compactMap {
      columns[$0]
    }
    let inferred = DayOrder.infer(
      from: table.rows.lazy.flatMap { row in dateColumns.lazy.map { row[$0] } },
      fallback: table.delimiter == ";" ? .dayFirst : .monthFirst,
      because: table.delimiter == ";"
        ? "nothing in the file tells; semicolon-separated files are taken to write the day first"
        : "nothing in the file tells; comma-separated files are taken to write the month first")
    datesAreISO = !table.rows.contains { row in
      dateColumns.contains { column in DateText.parts(of: row[column]).map { !$0.fourDigitYearFirst } ?? false }
    }
    let order = forcedOrder ?? inferred.order
    self.dayOrder = order
    dayOrderWhy = forcedOrder == nil ? inferred.why : "as --date-order says"

    var reader = RowReader(
      source: source, columns: columns, header: table.header, pipeline: pipeline, mark: mark, order: order,
      orderWhy: dayOrderWhy)
    reader.customColumns = customColumns
    try reader.mapStages(table.rows, overrides: stageMap)
    var deals: [ImportedDeal] = []
    deals.reserveCapacity(table.rows.count)
    var problems: [RowProblem] = []
    var skipped: [RowProblem] = []
    var firstRow: [String: Int] = [:]
    // Report exports (Salesforce's among them) end, after a blank line, with lines of one
    // field each: the report's title, a copyright, "Generated By". They are not deals.
    var rows = table.rows[...]
    if table.header.count > 1, let last = rows.lastIndex(where: { $0.count > 1 }), last + 1 < rows.endIndex,
      rows[last + 1].number > rows[last].number + 1
    {
      for footer in rows[(last + 1)...] {
        skipped.append(RowProblem(row: footer.number, column: nil, message: "a report's footer line, not a deal"))
      }
      rows = rows[...last]
    }
    for outcome in Self.read(Array(rows), with: reader) {
      switch outcome {
      case .deal(let deal):
        if let first = firstRow[deal.key] {
          problems.append(RowProblem(row: deal.row, column: nil, message: "the same deal as row \(first)"))
        } else {
          firstRow[deal.key] = deal.row
          deals.append(deal)
        }
      case .problems(let found): problems += found
      case .skipped(let why): skipped.append(why)
      }
    }
    self.deals = deals
    self.problems = problems
    self.skipped = skipped
  }

  /// A `--column` that may suit a header left out.
  public func suggestion(for header: String) -> String? { ImportColumn.suggestion(for: header) }
}

extension DealSheet {
  /// Every row read, in order; a large file is read on all cores, in as many parts.
  fileprivate static func read(_ rows: [CSVTable.Row], with reader: RowReader) -> [RowReader.Outcome] {
    Array(inParts(rows.count, minimumPerPart: 2_000) { range in rows[range].map(reader.read) }.joined())
  }
}

/// Reads rows of one file, with what the whole file decided: its columns, decimal mark,
/// date order and stage mapping.
private struct RowReader: Sendable {
  enum Outcome: Sendable {
    case deal(ImportedDeal)
    case problems([RowProblem])
    case skipped(RowProblem)
  }

  enum StageTarget: Equatable {
    case stage(String)
    case won, lost
  }

  let source: ImportSource
  let columns: ColumnIndexes
  let header: [String]
  let pipeline: Pipeline
  let mark: DecimalMark
  let order: DayOrder
  /// Why the file's dates are read in `order`.
  let orderWhy: String
  var stageTargets: [String: StageTarget] = [:]
  /// The columns of the config's own fields.
  var customColumns: [(field: CustomField, index: Int)] = []
  /// Criterion key or folded title to key.
  let criteria: [String: String]

  init(
    source: ImportSource, columns: ColumnIndexes, header: [String], pipeline: Pipeline, mark: DecimalMark,
    order: DayOrder, orderWhy: String
  ) {
    self.source = source
    self.columns = columns
    self.header = header
    self.pipeline = pipeline
    self.mark = mark
    self.order = order
    self.orderWhy = orderWhy
    var criteria: [String: String] = [:]
    for criterion in pipeline.config.criteria {
      criteria[criterion.key] = criterion.key
      criteria[SearchKey.fold(criterion.title)] = criterion.key
    }
    self.criteria = criteria
  }

  /// Decides where every stage name in the file goes; throws with all the names that go
  /// nowhere.
  mutating func mapStages(_ rows: [CSVTable.Row], overrides: [String: String]) throws(ImportError) {
    guard let column = columns[.stage] else { return }
    var rowsByName: [String: (name: String, rows: Int)] = [:]
    for row in rows {
      let name = cleanLine(row[column])
      guard !name.isEmpty else { continue }
      rowsByName[SearchKey.fold(name), default: (name, 0)].rows += 1
    }
    let overrides = Dictionary(
      overrides.map { (SearchKey.fold($0.key.trimmingWhitespace), $0.value) }, uniquingKeysWith: { _, last in last })
    var unmapped: [(name: String, rows: Int)] = []
    for (folded, entry) in rowsByName.sorted(by: { $0.key < $1.key }) {
      if let target = overrides[folded] ?? source.stageDefaults[folded], let resolved = resolve(target) {
        stageTargets[folded] = resolved
      } else if case .success(let stage) = pipeline.resolveStage(entry.name),
        SearchKey.fold(stage.title) == folded || stage.key == folded
      {
        stageTargets[folded] = .stage(stage.key)
      } else {
        unmapped.append(entry)
      }
    }
    if !unmapped.isEmpty {
      throw .unmappedStages(source: source, stages: unmapped, known: pipeline.stages.map(\.key))
    }
  }

  private func resolve(_ target: String) -> StageTarget? {
    switch SearchKey.fold(target.trimmingWhitespace) {
    case "won": return .won
    case "lost": return .lost
    default:
      guard case .success(let stage) = pipeline.resolveStage(target) else { return nil }
      return .stage(stage.key)
    }
  }

  func read(_ row: CSVTable.Row) -> Outcome {
    var problems: [RowProblem] = []
    func problem(_ column: ImportColumn?, _ message: String) {
      problems.append(
        RowProblem(row: row.number, column: column.flatMap { columns[$0] }.map { header[$0] }, message: message))
    }
    func cell(_ column: ImportColumn) -> String? {
      columns[column].map { source == .generic ? LeadCSV.unguarded(row[$0]) : row[$0] }
    }
    if row.count > header.count, (header.count..<row.count).contains(where: { !row[$0].isEmpty }) {
      let hint =
        row.fields.contains { $0.contains("\n") }
        ? " (is a closing quote missing?)" : " (is a field with the delimiter in it not quoted?)"
      problem(nil, "has \(row.count) fields but the header has \(header.count)\(hint)")
      return .problems(problems)
    }

    var status: LeadStatus?
    if let text = cell(.status).map(cleanLine), !text.isEmpty {
      switch SearchKey.fold(text) {
      case "open", "active", "in progress": status = .open
      case "won", "closed won": status = .won
      case "lost", "closed lost": status = .lost
      case "deleted":
        return .skipped(RowProblem(row: row.number, column: nil, message: "deleted in \(source.title)"))
      default: problem(.status, "'\(text)' is not a status; use open, won or lost")
      }
    }

    var deal = ImportedDeal(row: row.number, name: cleanLine(cell(.name) ?? ""), status: .open)
    let contact = cleanLine(cell(.contact) ?? "")
    if deal.name.isEmpty { deal.name = contact }
    if columns[.name] == nil, let id = cell(.reference) ?? cell(.recordID) {
      // Named by its id, after its company when it has one: "Cancity 1C1I7A6R".
      let company = cleanLine(cell(.company) ?? "")
      deal.name = company.isEmpty ? cleanLine(id) : "\(company) \(cleanLine(id))"
    }
    if deal.name.isEmpty {
      problem(.name, "has no name")
    } else if !contact.isEmpty && contact != deal.name {
      deal.notes.append("Contact: \(contact)")
    }
    if let text = cell(.closerID).map(cleanLine), !text.isEmpty {
      if LeadID.isValid(text) {
        deal.closerID = LeadID(text)
      } else {
        problem(.closerID, "'\(text)' is not a lead id (4 to 32 lowercase letters, digits or dashes)")
      }
    }
    if let text = cell(.recordID).map(cleanLine) {
      deal.reference = text.isEmpty ? nil : "\(source.referencePrefix):\(text)"
    } else if let text = cell(.reference).map(cleanLine) {
      deal.reference = text
    }
    for (column, field) in [
      (ImportColumn.company, TextField.company), (.email, .email), (.phone, .phone), (.owner, .owner),
      (.source, .source),
    ] {
      if let text = cell(column) { deal.text[field] = cleanLine(text) }
    }

    if let text = cell(.value).map(cleanLine) {
      if text.isEmpty {
        deal.value = .some(nil)
      } else {
        switch AmountText.parse(text, mark: mark) {
        case .success(let amount):
          let written = cell(.currency).map(cleanLine) ?? ""
          let named = written.isEmpty ? nil : AmountReader.currency(named: written)
          if !written.isEmpty && named == nil {
            problem(.currency, "'\(written)' is not a currency code such as USD or EUR")
          } else if let named, let inAmount = amount.currency, named != inAmount {
            problem(.value, "'\(text)' is in \(inAmount) but the currency column says \(named)")
          } else {
            let currency = amount.currency ?? named ?? pipeline.config.defaultCurrency
            deal.currencyAssumed = amount.currency == nil && named == nil
            deal.value = .some(Money(minorUnits: amount.minorUnits, currency: currency))
          }
        case .failure(let error): problem(.value, error.description)
        }
      }
    }
    if let text = cell(.expectedClose).map(cleanLine) {
      if text.isEmpty {
        deal.expectedClose = .some(nil)
      } else if let day = DateText.parse(text, order: order) {
        deal.expectedClose = .some(day)
      } else {
        problem(.expectedClose, DateText.problem(text, order: order, why: orderWhy))
      }
    }

    for column in [ImportColumn.created, .closed, .stageEntered] {
      guard let text = cell(column).map(cleanLine), !text.isEmpty else { continue }
      if let day = DateText.parse(text, order: order) {
        switch column {
        case .created: deal.created = day
        case .closed: deal.closed = day
        default: deal.stageEntered = day
        }
      } else {
        problem(column, DateText.problem(text, order: order, why: orderWhy))
      }
    }

    // The config's own fields, each read by its type (dates in the file's order, amounts
    // with its decimal mark, or as Closer exports them).
    for (field, index) in customColumns {
      let text = cleanLine(source == .generic ? LeadCSV.unguarded(row[index]) : row[index])
      guard !text.isEmpty else {
        deal.custom[field.key] = .some(nil)
        continue
      }
      var config = pipeline.config
      config.decimalMark = mark
      switch field.kind {
      case .date:
        if let day = DateText.parse(text, order: order) {
          deal.custom[field.key] = .some(day.description)
        } else {
          problems.append(
            RowProblem(
              row: row.number, column: header[index], message: DateText.problem(text, order: order, why: orderWhy)))
        }
      case .amount where CustomField.money(text) != nil:
        deal.custom[field.key] = .some(text)
      default:
        switch field.stored(text, config: config, today: CalendarDay(daysSinceEpoch: 0)) {
        case .success(let value): deal.custom[field.key] = .some(value)
        case .failure(let error):
          problems.append(RowProblem(row: row.number, column: header[index], message: error.description))
        }
      }
    }

    var stageTarget: StageTarget?
    if let text = cell(.stage).map(cleanLine), !text.isEmpty {
      stageTarget = stageTargets[SearchKey.fold(text)]
    }
    switch (status, stageTarget) {
    case (.open, .won), (.open, .lost):
      problem(.status, "says open, but the stage '\(cleanLine(cell(.stage) ?? ""))' means the deal is closed")
    case (nil, .won): deal.status = .won
    case (nil, .lost): deal.status = .lost
    default: deal.status = status ?? .open
    }
    switch stageTarget {
    case .stage(let key): deal.stage = key
    case .won: deal.stage = pipeline.wonStage
    case .lost: deal.stage = pipeline.stages.first?.key
    case nil: break
    }
    if deal.status == .won { deal.stage = pipeline.wonStage }
    if deal.status == .lost {
      let reason = cleanLine(cell(.lostReason) ?? "")
      deal.lostReason = reason.isEmpty ? nil : reason
    }
    if deal.status == .open {
      deal.closed = nil
    } else if deal.closed == nil, columns[.closed] == nil, case .some(.some(let day)) = deal.expectedClose {
      // A closed deal's close date is when it closed (Salesforce's CloseDate, HubSpot's
      // closedate): its history dates from then.
      deal.closed = day
    }
    if let created = deal.created, let closed = deal.closed, closed < created {
      problem(.closed, "closed \(closed) is before it was created (\(created))")
    }
    if let created = deal.created, let entered = deal.stageEntered, entered < created {
      problem(.stageEntered, "entered its stage \(entered), before it was created (\(created))")
    }

    if let text = cell(.checklist) {
      var ticked = Set<String>()
      for word in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" }) {
        let name = SearchKey.fold(cleanLine(String(word)))
        guard !name.isEmpty else { continue }
        if let key = criteria[name] {
          ticked.insert(key)
        } else {
          let known = pipeline.config.criteria.map(\.key).joined(separator: ", ")
          problem(.checklist, "'\(cleanLine(String(word)))' is not a criterion of the pipeline (\(known))")
        }
      }
      deal.checklist = ticked
    }
    let action = cell(.followUp).map(cleanLine)
    let dueText = cell(.followUpDue).map(cleanLine)
    if action != nil || dueText != nil {
      let action = action ?? ""
      let dueText = dueText ?? ""
      if action.isEmpty && dueText.isEmpty {
        deal.followUp = .some(nil)
      } else if dueText.isEmpty {
        problem(.followUp, "'\(action)' has no due date; add a \"Follow-up due\" column such as 2026-05-31")
      } else if let due = DateText.parse(dueText, order: order) {
        deal.followUp = .some(FollowUp(action: action.isEmpty ? "Follow up" : action, due: due))
      } else {
        problem(.followUpDue, DateText.problem(dueText, order: order, why: orderWhy))
      }
    }
    if let text = cell(.note).map(cleanNote), !text.isEmpty { deal.notes.append(text) }
    return problems.isEmpty ? .deal(deal) : .problems(problems)
  }
}
