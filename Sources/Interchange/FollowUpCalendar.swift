import PipelineCore

/// Open deals' follow-ups as an iCalendar file (RFC 5545) that calendar apps import or
/// subscribe to: one all-day event per follow-up, on its due day.
///
/// Each event's UID is the lead's (`followup-k3m9x2qa@closer`): a lead has one next action
/// at a time, so exporting again after it was rescheduled or replaced updates the event in
/// the calendar instead of adding a second one.
public enum FollowUpCalendar {
  public static func encode(_ leads: some Sequence<Lead>, in pipeline: Pipeline, now: Timestamp) -> [UInt8] {
    var all: [UInt8] = []
    write(leads, in: pipeline, now: now) { all += $0 }
    return all
  }

  /// The same file, handed to `output` about a megabyte at a time.
  public static func write(
    _ leads: some Sequence<Lead>, in pipeline: Pipeline, now: Timestamp, to output: ([UInt8]) throws -> Void
  ) rethrows {
    var out: [UInt8] = []
    out.reserveCapacity(LeadCSV.flushSize + 4_096)
    func line(_ text: String) { appendFolded(text, to: &out) }
    line("BEGIN:VCALENDAR")
    line("VERSION:2.0")
    line("PRODID:-//Closer//Follow-ups//EN")
    line("CALSCALE:GREGORIAN")
    line("X-WR-CALNAME:Closer follow-ups")
    let stamp = utcStamp(now)
    for lead in leads where lead.status != .lost {
      guard let followUp = lead.followUp else { continue }
      if out.count >= LeadCSV.flushSize {
        try output(out)
        out.removeAll(keepingCapacity: true)
      }
      let company = lead.company.isEmpty ? "" : " (\(lead.company))"
      var details = ["Stage: \(pipeline.stage(forKey: lead.stage)?.title ?? lead.stage)"]
      if let value = lead.value { details.append("Value: \(value.description)") }
      if !lead.email.isEmpty { details.append("Email: \(lead.email)") }
      if !lead.phone.isEmpty { details.append("Phone: \(lead.phone)") }
      details.append("Closer lead \(lead.id): closer show \(lead.id)")
      line("BEGIN:VEVENT")
      line("UID:followup-\(lead.id)@closer")
      line("DTSTAMP:\(stamp)")
      line("LAST-MODIFIED:\(utcStamp(lead.lastActivity))")
      line("DTSTART;VALUE=DATE:\(basicDate(followUp.due))")
      line("DTEND;VALUE=DATE:\(basicDate(followUp.due.adding(days: 1)))")
      line("SUMMARY:\(escape("\(followUp.action): \(lead.name)\(company)"))")
      line("DESCRIPTION:\(escape(details.joined(separator: "\n")))")
      line("CATEGORIES:Closer")
      line("TRANSP:TRANSPARENT")
      line("END:VEVENT")
    }
    line("END:VCALENDAR")
    try output(out)
  }

  /// TEXT escaping: backslash, semicolon and comma get a backslash, a line break becomes
  /// `\n`, and other control characters are dropped.
  static func escape(_ text: String) -> String {
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x5C || $0 == 0x3B || $0 == 0x2C }) {
      return text
    }
    // Every character that changes is ASCII, so the UTF-8 bytes can be walked one by one.
    var result: [UInt8] = []
    result.reserveCapacity(text.utf8.count + 8)
    for byte in text.utf8 {
      switch byte {
      case 0x5C, 0x3B, 0x2C: result += [0x5C, byte]
      case 0x0A: result += [0x5C, UInt8(ascii: "n")]
      case 0x00..<0x20, 0x7F: continue
      default: result.append(byte)
      }
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// Appends `text` as content lines of at most 75 octets, CRLF-terminated, continuing
  /// each with a space, and never splitting a UTF-8 sequence.
  static func appendFolded(_ text: String, to out: inout [UInt8]) {
    if text.utf8.count <= 75 {
      out.append(contentsOf: text.utf8)
      out.append(contentsOf: [0x0D, 0x0A])
      return
    }
    let bytes = Array(text.utf8)
    var start = 0
    var limit = 75
    while bytes.count - start > limit {
      var end = start + limit
      while end > start && bytes[end] & 0xC0 == 0x80 { end -= 1 }
      out.append(contentsOf: bytes[start..<end])
      out.append(contentsOf: [0x0D, 0x0A, 0x20])
      start = end
      limit = 74
    }
    out.append(contentsOf: bytes[start...])
    out.append(contentsOf: [0x0D, 0x0A])
  }

  static func basicDate(_ day: CalendarDay) -> String { day.description.filter { $0 != "-" } }

  /// `20261127T193000Z`
  static func utcStamp(_ time: Timestamp) -> String {
    let iso = time.iso8601  // 2026-11-27T19:30:00.123Z
    let digits = iso.prefix(19).filter { $0 != "-" && $0 != ":" }
    return digits + "Z"
  }
}
