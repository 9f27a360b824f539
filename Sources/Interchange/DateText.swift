import PipelineCore

/// The order of a file's `A-B-C` dates whose year does not come first in four digits.
public enum DayOrder: String, Sendable, Equatable, CaseIterable {
  /// `5/31/2026`, `05-31-26`, as US exports write them.
  case monthFirst
  /// `31/05/2026`, `31-05-26`, `31.05.2026`, as most of the world writes them.
  case dayFirst
  /// `26-05-31`: a two-digit year first, then month and day.
  case yearFirst

  /// The value of `--date-order` that means this order.
  public var flag: String {
    switch self {
    case .monthFirst: "month-first"
    case .dayFirst: "day-first"
    case .yearFirst: "year-first"
    }
  }

  /// In words, for the dry run ("day first").
  public var words: String {
    switch self {
    case .monthFirst: "month first"
    case .dayFirst: "day first"
    case .yearFirst: "year first (two digits)"
    }
  }
}

/// Dates as exports write them: ISO (`2026-05-31`, with a time and zone after it or not,
/// `2026-05-31 15:15:00.000000 UTC`, `2026-05-31T09:30:00Z`), `2026/05/31`, and dates whose
/// order the file's other dates decide: `5/31/2026` or `31/5/2026`, `31-05-2026`,
/// `31.05.2026`, and two-digit years (`20-10-16`). See `DayOrder.infer`.
enum DateText {
  /// The years a deal's date can fall in: anything else is a typo (`0000-01-01`).
  static let years = 1900...2199

  static func parse(_ text: String, order: DayOrder) -> CalendarDay? {
    let day: CalendarDay?
    if text.utf8.count == 10, let iso = CalendarDay(iso8601: text) {
      day = iso
    } else if let parts = parts(of: text) {
      day = parts.fourDigitYearFirst ? CalendarDay(year: parts.a, month: parts.b, day: parts.c) : parts.day(in: order)
    } else {
      day = nil
    }
    guard let day, years.contains(Int(day.civil.year)) else { return nil }
    return day
  }

  /// Why `text` is not a date in `order`: it may be one in another order, which the file's
  /// other dates contradict.
  static func problem(_ text: String, order: DayOrder, why: String) -> String {
    if let parts = parts(of: text), !parts.fourDigitYearFirst,
      let other = DayOrder.allCases.first(where: { $0 != order && parts.day(in: $0) != nil })
    {
      return "'\(text)' is no date \(order.words), the order read from the file (\(why)); "
        + "if the file writes dates \(other.words), pass --date-order \(other.flag)"
    }
    return "'\(text)' is not a date; write it like 2026-05-31"
  }

  /// A date's three numbers, and how they are written.
  struct Parts {
    var a: Int, b: Int, c: Int
    var widths: (Int, Int, Int)
    var separator: Character

    var fourDigitYearFirst: Bool { widths.0 == 4 }

    func day(in order: DayOrder) -> CalendarDay? {
      // Dates with dots are written day first wherever they are written (31.05.2026).
      let order = separator == "." && order == .monthFirst ? .dayFirst : order
      switch order {
      case .yearFirst:
        guard widths.0 == 2, widths.2 <= 2 else { return nil }
        return CalendarDay(year: Self.year(a, digits: 2), month: b, day: c)
      case .dayFirst:
        guard widths.2 == 4 || widths.2 == 2 else { return nil }
        return CalendarDay(year: Self.year(c, digits: widths.2), month: b, day: a)
      case .monthFirst:
        guard widths.2 == 4 || widths.2 == 2 else { return nil }
        return CalendarDay(year: Self.year(c, digits: widths.2), month: a, day: b)
      }
    }

    /// `26` is 2026 and `95` is 1995: two-digit years up to 69 are this century's.
    static func year(_ value: Int, digits: Int) -> Int {
      digits == 4 ? value : (value <= 69 ? 2000 + value : 1900 + value)
    }
  }

  /// The three numbers of a date, before any time after it ("5/31/2026 10:00 AM",
  /// "2026-05-31T09:30:00Z").
  static func parts(of text: String) -> Parts? {
    let datePart = text.trimmingWhitespace.prefix { !$0.isWhitespace && $0 != "T" }
    guard let separator = datePart.first(where: { $0 == "-" || $0 == "/" || $0 == "." }) else { return nil }
    let fields = datePart.split(separator: separator, omittingEmptySubsequences: false)
    guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCII) }),
      let a = Int(fields[0]), let b = Int(fields[1]), let c = Int(fields[2])
    else { return nil }
    return Parts(a: a, b: b, c: c, widths: (fields[0].count, fields[1].count, fields[2].count), separator: separator)
  }

  /// The one order `text` can be read in, when only one fits (`18-03-2026` has no month
  /// 18: day first), and why; nil when it fits none or several.
  static func evidence(_ text: String) -> (order: DayOrder, why: String)? {
    guard let parts = parts(of: text), !parts.fourDigitYearFirst else { return nil }
    let fitting = DayOrder.allCases.filter { parts.day(in: $0) != nil }
    guard fitting.count == 1, let order = fitting.first else { return nil }
    let why: String
    switch order {
    case .dayFirst: why = "\(text) has no month \(parts.a)"
    case .monthFirst: why = "\(text) has no month \(parts.b)"
    case .yearFirst: why = "\(text) has no day or month \(parts.a)"
    }
    return (order, why)
  }
}

extension DayOrder {
  /// The order of a file's dates, and why: the one most dates can only be read in
  /// (`18-03-2026` has no month 18); when none tells, the only order in which every date is
  /// one; else `fallback` (with its reason) if every date is one in it, else day first.
  static func infer(
    from dates: some Sequence<String>, fallback: DayOrder, because reason: String
  ) -> (order: DayOrder, why: String) {
    var votes: [DayOrder: (count: Int, example: String)] = [:]
    var fails: [DayOrder: String] = [:]
    for date in dates where !date.isEmpty {
      guard let parts = DateText.parts(of: date), !parts.fourDigitYearFirst else { continue }
      if let (order, why) = DateText.evidence(date) { votes[order, default: (0, why)].count += 1 }
      for order in DayOrder.allCases where fails[order] == nil && parts.day(in: order) == nil { fails[order] = date }
    }
    let ranked = votes.sorted { $0.value.count > $1.value.count }
    if let best = ranked.first, ranked.count == 1 || ranked[1].value.count < best.value.count {
      return (best.key, best.value.example)
    }
    let fitting = DayOrder.allCases.filter { fails[$0] == nil }
    if fitting.count == 1, let only = fitting.first {
      let others = DayOrder.allCases.filter { $0 != only }.compactMap { fails[$0] }
      return (only, "the only order in which every date is one (\(others.joined(separator: ", ")) would not be)")
    }
    if fitting.isEmpty || fitting.contains(fallback) { return (fallback, reason) }
    let chosen = fitting.contains(.dayFirst) ? DayOrder.dayFirst : fitting[0]
    return (chosen, "nothing in the file tells, and \(fails[fallback] ?? "") is no date \(fallback.words)")
  }

  /// The order most of `dates` show; `fallback` when none shows one.
  static func infer(from dates: some Sequence<String>, fallback: DayOrder) -> DayOrder {
    infer(from: dates, fallback: fallback, because: "").order
  }
}
