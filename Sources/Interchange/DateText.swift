import PipelineCore

/// Which comes first in a file's `A/B/YYYY` dates.
public enum DayOrder: Sendable, Equatable {
  /// `5/31/2026`, as US exports write it.
  case monthFirst
  /// `31/05/2026`, as most of the world writes it.
  case dayFirst
}

/// Dates as exports write them: `2026-05-31` (with or without a time after it),
/// `2026/05/31`, `31.05.2026`, and `5/31/2026` or `31/5/2026`, whose order the file's other
/// dates decide (see `DayOrder.infer`).
enum DateText {
  static func parse(_ text: String, order: DayOrder) -> CalendarDay? {
    if text.utf8.count == 10, let day = CalendarDay(iso8601: text) { return day }
    // A time after the date ("2026-05-31 00:00", "2026-05-31T09:30:00Z", "5/31/2026 10:00 AM").
    let datePart = text.trimmingWhitespace.prefix { !$0.isWhitespace && $0 != "T" }
    let separators: Set<Character> = ["-", "/", "."]
    guard let separator = datePart.first(where: { separators.contains($0) }) else { return nil }
    let parts = datePart.split(separator: separator, omittingEmptySubsequences: false)
    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) }),
      let a = Int(parts[0]), let b = Int(parts[1]), var c = Int(parts[2])
    else { return nil }
    if parts[0].count == 4 { return CalendarDay(year: a, month: b, day: c) }
    if parts[2].count == 2 { c += 2000 }
    guard parts[2].count == 4 || parts[2].count == 2 else { return nil }
    if separator == "." { return CalendarDay(year: c, month: b, day: a) }
    return order == .monthFirst ? CalendarDay(year: c, month: a, day: b) : CalendarDay(year: c, month: b, day: a)
  }

  /// What `text` shows about the order: a first number above 12 is a day, a second one
  /// above 12 is a day too.
  static func evidence(_ text: String) -> DayOrder? {
    guard text.utf8.contains(0x2F) else { return nil }
    let parts = text.trimmingWhitespace.prefix { !$0.isWhitespace }.split(separator: "/")
    guard parts.count == 3, parts[0].count <= 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
    if a > 12 && b <= 12 { return .dayFirst }
    if b > 12 && a <= 12 { return .monthFirst }
    return nil
  }
}

extension DayOrder {
  /// The order most of `dates` show; `fallback` when none shows one.
  static func infer(from dates: some Sequence<String>, fallback: DayOrder) -> DayOrder {
    majority(of: dates, evidence: DateText.evidence, fallback: fallback)
  }
}
