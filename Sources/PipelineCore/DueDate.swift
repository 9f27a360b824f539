/// Turns what a rep types for a due date into a day: `today`, `tomorrow`, a weekday
/// (`fri`, `Friday`: the next one, never today), `+3d`, `+2w`, `+1m`, or `YYYY-MM-DD`.
public enum DueDate {
  static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

  public static func parse(_ text: String, today: CalendarDay) -> Result<CalendarDay, DueDateError> {
    let word = text.trimmingWhitespace.lowercased()
    switch word {
    case "today", "now": return .success(today)
    case "tomorrow", "tmr", "tom": return .success(today.adding(days: 1))
    default: break
    }
    if let day = CalendarDay(iso8601: word) { return .success(day) }
    if let index = weekdays.firstIndex(where: { word.count >= 3 && $0.hasPrefix(word) }) {
      let ahead = (index - today.weekday + 7) % 7
      return .success(today.adding(days: ahead == 0 ? 7 : ahead))
    }
    if word.hasPrefix("+"), word.count >= 3, let unit = word.last, let amount = Int(word.dropFirst().dropLast()),
      (1...3650).contains(amount)
    {
      switch unit {
      case "d": return .success(today.adding(days: amount))
      case "w": return .success(today.adding(days: 7 * amount))
      case "m": return .success(addingMonths(amount, to: today))
      default: break
      }
    }
    return .failure(DueDateError(text: text))
  }

  /// The same day of the month `months` later, or that month's last day.
  static func addingMonths(_ months: Int, to day: CalendarDay) -> CalendarDay {
    let (y, m, d) = day.civil
    let total = Int(y) * 12 + Int(m) - 1 + months
    let year = total / 12
    let month = total % 12 + 1
    let lastDay = CalendarDay.daysIn(month: month, year: year)
    return CalendarDay(year: year, month: month, day: min(Int(d), lastDay)) ?? day
  }
}

/// A due date Closer cannot read, with the forms it can.
public struct DueDateError: Error, Equatable, CustomStringConvertible {
  public var text: String
  public var description: String {
    // A long value is quoted in part: what to write instead must stay on a status line.
    let shown = text.count > 20 ? text.prefix(19) + "…" : Substring(text)
    return "'\(shown)' is not a date; use today, tomorrow, a weekday (fri), +3d, +2w, +1m or YYYY-MM-DD"
  }
}
