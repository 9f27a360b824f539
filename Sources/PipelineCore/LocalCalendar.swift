/// The rep's calendar: which day a moment falls on where they are.
///
/// Dates a rep types or reads ("today", a due date, overdue) are local dates, while
/// timestamps stay UTC in the journal. The domain never asks the system for a time zone:
/// the command line supplies the rep's (TZ, through the C library) and tests a fixed
/// offset, so every rule stays testable with a fixed clock.
public struct LocalCalendar: Sendable {
  /// Seconds east of UTC at a moment (daylight saving time makes it vary).
  private let utcOffsetAt: @Sendable (Timestamp) -> Int

  public init(utcOffsetAt: @escaping @Sendable (Timestamp) -> Int) {
    self.utcOffsetAt = utcOffsetAt
  }

  /// Always `seconds` east of UTC.
  public static func fixed(utcOffsetSeconds seconds: Int) -> LocalCalendar {
    LocalCalendar { _ in seconds }
  }

  public static let utc = LocalCalendar.fixed(utcOffsetSeconds: 0)

  /// The local calendar day `moment` falls on.
  /// Seconds east of UTC at `moment`.
  public func offsetSeconds(at moment: Timestamp) -> Int { utcOffsetAt(moment) }

  public func day(of moment: Timestamp) -> CalendarDay {
    shifted(moment, by: utcOffsetAt(moment)).day
  }

  /// The moment the local `day` begins (its local midnight).
  public func start(of day: CalendarDay) -> Timestamp {
    // The offset at UTC midnight first, then at the moment that gives, for a day on which
    // daylight saving time starts or ends.
    let guess = shifted(day.start, by: -utcOffsetAt(day.start))
    return shifted(day.start, by: -utcOffsetAt(guess))
  }

  private func shifted(_ moment: Timestamp, by seconds: Int) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + Int64(seconds) * 1000)
  }
}
