import PipelineCore

/// Leads as CSV that spreadsheets open and `closer import` reads back to the same leads.
///
/// One row per lead, RFC 4180 quoting, CRLF line ends. Values are plain numbers with a
/// decimal point (`12500.50`) next to their currency. Text that a spreadsheet would run as
/// a formula (see `needsGuard`) gets a leading `'`, which the import takes off again.
public enum LeadCSV {
  public static let header = [
    "Closer ID", "Name", "Company", "Email", "Phone", "Owner", "Source", "Ref", "Value", "Currency", "Stage",
    "Status", "Lost reason", "Expected close", "Checklist", "Follow-up", "Follow-up due", "Score", "Created",
    "Closed",
  ]

  /// Columns of an export that describe a lead but are worked out, not imported.
  static let derivedHeaders: Set<String> = ["score", "created", "closed"]

  /// The whole file: header and one row per lead, optionally after a UTF-8 byte order mark
  /// (which makes Excel read the file as UTF-8).
  public static func encode(
    _ leads: some Sequence<Lead>, in pipeline: Pipeline, now: Timestamp, byteOrderMark: Bool = false
  ) -> [UInt8] {
    var all: [UInt8] = []
    write(leads, in: pipeline, now: now, byteOrderMark: byteOrderMark) { all += $0 }
    return all
  }

  /// The same file, handed to `output` about a megabyte at a time.
  public static func write(
    _ leads: some Sequence<Lead>, in pipeline: Pipeline, now: Timestamp, byteOrderMark: Bool = false,
    to output: ([UInt8]) throws -> Void
  ) rethrows {
    var out: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
    out.reserveCapacity(flushSize + 4_096)
    // The config's own fields after Closer's, by title, with their stored values.
    let fields = pipeline.config.fields
    appendRow(header + fields.map(\.title), to: &out, guardFormulas: false)
    let criteria = pipeline.criteria
    for lead in leads {
      if out.count >= flushSize {
        try output(out)
        out.removeAll(keepingCapacity: true)
      }
      let ticked = criteria.filter { lead.isChecked($0.key) }.map(\.key).joined(separator: ", ")
      appendRow(
        [
          lead.id.rawValue, lead.name, lead.company, lead.email, lead.phone, lead.owner, lead.source, lead.reference,
          lead.value?.plainAmount ?? "", lead.value?.currency ?? "",
          pipeline.stage(forKey: lead.stage)?.title ?? lead.stage, lead.status.rawValue, lead.lostReason ?? "",
          lead.expectedClose?.description ?? "", ticked, lead.followUp?.action ?? "",
          lead.followUp?.due.description ?? "", String(pipeline.score(of: lead, now: now).total),
          lead.created.iso8601, lead.closed?.iso8601 ?? "",
        ] + fields.map { lead.custom[$0.key] ?? "" }, to: &out, guardFormulas: true)
    }
    try output(out)
  }

  /// How much a streamed export collects before handing it on.
  public static let flushSize = 1 << 20

  static func appendRow(_ fields: [String], to out: inout [UInt8], guardFormulas: Bool) {
    for (index, field) in fields.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      appendField(field, to: &out, guardFormula: guardFormulas)
    }
    out.append(contentsOf: [0x0D, 0x0A])
  }

  static func appendField(_ field: String, to out: inout [UInt8], guardFormula: Bool) {
    let formula = guardFormula && needsGuard(field[...])
    // Quoted when it holds a delimiter a reader might pick (comma, semicolon, tab), a quote
    // or a line break.
    let needsQuotes = field.utf8.contains {
      $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x3B || $0 == 0x09
    }
    if needsQuotes { out.append(0x22) }
    if formula { out.append(UInt8(ascii: "'")) }
    for byte in field.utf8 {
      if byte == 0x22 { out.append(0x22) }
      out.append(byte)
    }
    if needsQuotes { out.append(0x22) }
  }

  /// `=`, `+`, `-`, `@`: what starts a formula in a spreadsheet cell.
  static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40]

  /// Text a spreadsheet would run: starting with `=` or `@`, or with `+` or `-` followed by
  /// more than a phone number's digits, spaces and `()./-` (so `+49 30 1234` stays as it
  /// is). Text that is such a formula behind `'`s is guarded too, so that it keeps its own
  /// `'`s through a round trip.
  static func needsGuard(_ field: Substring) -> Bool {
    if field.hasPrefix("'") { return needsGuard(field.dropFirst()) }
    guard let first = field.utf8.first, formulaStarts.contains(first) else { return false }
    if first == 0x3D || first == 0x40 { return true }
    return !field.utf8.dropFirst().allSatisfy {
      ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 || $0 == 0x28 || $0 == 0x29 || $0 == 0x2E || $0 == 0x2F || $0 == 0x2D
    }
  }

  /// A field as `encode` wrote it, without the `'` that kept a formula from running.
  static func unguarded(_ field: String) -> String {
    field.hasPrefix("'") && needsGuard(field.dropFirst()) ? String(field.dropFirst()) : field
  }
}
