/// A moment in time, in milliseconds since 1970-01-01T00:00:00Z.
///
/// The domain keeps time as a plain integer so that it stays free of any clock or calendar
/// API: the caller supplies "now", which keeps every rule testable with a fixed clock.
public struct Timestamp: Hashable, Comparable, Sendable {
  public var millisecondsSinceEpoch: Int64

  public init(millisecondsSinceEpoch: Int64) {
    self.millisecondsSinceEpoch = millisecondsSinceEpoch
  }

  /// Later than any time Closer deals with.
  public static let distantFuture = Timestamp(millisecondsSinceEpoch: Int64.max / 2)

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
    lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
  }

  public static let millisecondsPerDay: Int64 = 86_400_000

  /// The UTC calendar day this moment falls on. What the rep calls today is
  /// `LocalCalendar.day(of:)`: a local date.
  public var day: CalendarDay {
    CalendarDay(daysSinceEpoch: floorDivide(millisecondsSinceEpoch, Self.millisecondsPerDay))
  }

  /// Whole days from `self` to `later`, never negative.
  public func days(until later: Timestamp) -> Int {
    Int(max(0, later.day.daysSinceEpoch - day.daysSinceEpoch))
  }

  public func adding(days: Int) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(days) * Self.millisecondsPerDay)
  }
}

extension Timestamp {
  /// ISO 8601 in UTC with milliseconds: `2026-11-27T16:40:01.123Z`.
  public var iso8601: String {
    let ms = floorModulo(millisecondsSinceEpoch, Self.millisecondsPerDay)
    let (y, m, d) = day.civil
    guard (0...9999).contains(y) else {
      let hour = ms / 3_600_000
      let minute = ms / 60_000 % 60
      let second = ms / 1000 % 60
      return
        "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(ms % 1000, 3))Z"
    }
    // Written digit by digit: journals, snapshots and exports format millions of these.
    return String(unsafeUninitializedCapacity: 24) { buffer in
      func put(_ value: Int64, _ width: Int, at offset: Int) {
        var value = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
          buffer[index] = UInt8(truncatingIfNeeded: value % 10) + 0x30
          value /= 10
        }
      }
      put(y, 4, at: 0)
      buffer[4] = 0x2D
      put(m, 2, at: 5)
      buffer[7] = 0x2D
      put(d, 2, at: 8)
      buffer[10] = 0x54
      put(ms / 3_600_000, 2, at: 11)
      buffer[13] = 0x3A
      put(ms / 60_000 % 60, 2, at: 14)
      buffer[16] = 0x3A
      put(ms / 1000 % 60, 2, at: 17)
      buffer[19] = 0x2E
      put(ms % 1000, 3, at: 20)
      buffer[23] = 0x5A
      return 24
    }
  }

  /// Parses the exact form `iso8601` writes, and the same without milliseconds.
  public init?(iso8601 text: String) {
    var utf8 = Array(text.utf8)
    if utf8.count == 20 {  // no milliseconds: YYYY-MM-DDTHH:MM:SSZ
      utf8.insert(contentsOf: Array(".000".utf8), at: 19)
    }
    guard let parsed = utf8.withUnsafeBufferPointer({ Timestamp(iso8601Bytes: $0) }) else {
      return nil
    }
    self = parsed
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 bytes) without allocating.
  public init?(iso8601Bytes b: UnsafeBufferPointer<UInt8>) {
    guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A,
      b[19] == 0x2E, b[23] == 0x5A
    else { return nil }
    func number(_ start: Int, _ length: Int) -> Int64? {
      var value: Int64 = 0
      for i in start..<(start + length) {
        let digit = b[i] &- 0x30
        guard digit < 10 else { return nil }
        value = value * 10 + Int64(digit)
      }
      return value
    }
    guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
      let mi = number(14, 2), let s = number(17, 2), let ms = number(20, 3),
      let day = CalendarDay(year: Int(y), month: Int(mo), day: Int(d)), h < 24, mi < 60, s < 60
    else { return nil }
    millisecondsSinceEpoch =
      day.daysSinceEpoch * Self.millisecondsPerDay + h * 3_600_000 + mi * 60_000 + s * 1000 + ms
  }
}

/// A calendar day (proleptic Gregorian), used for due dates and expected close dates: a
/// date as the rep writes it, in no time zone (a due date is a local date).
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var daysSinceEpoch: Int64

  public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

  /// Noon UTC of the day: a time that is this day in every time zone from UTC-11 to UTC+11,
  /// for dates that come without a time (a deal's created date in an imported file).
  public var noonUTC: Timestamp {
    Timestamp(millisecondsSinceEpoch: daysSinceEpoch * Timestamp.millisecondsPerDay + Timestamp.millisecondsPerDay / 2)
  }

  /// Builds a day from its civil date, or nil when the date does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
      return nil
    }
    // Howard Hinnant's days_from_civil.
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = floorDivide(y, 400)
    let yoe = y - era * 400
    let mp = Int64((month + 9) % 12)
    let doy = (153 * mp + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    daysSinceEpoch = era * 146_097 + doe - 719_468
  }

  /// Parses `YYYY-MM-DD`.
  public init?(iso8601 text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
    lhs.daysSinceEpoch < rhs.daysSinceEpoch
  }

  /// (year, month, day), from Howard Hinnant's civil_from_days.
  public var civil: (year: Int64, month: Int64, day: Int64) {
    let z = daysSinceEpoch + 719_468
    let era = floorDivide(z, 146_097)
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// 0 = Monday ... 6 = Sunday.
  public var weekday: Int { Int(floorModulo(daysSinceEpoch + 3, 7)) }

  public var description: String {
    let (y, m, d) = civil
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
  }

  public var start: Timestamp {
    Timestamp(millisecondsSinceEpoch: daysSinceEpoch * Timestamp.millisecondsPerDay)
  }

  public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
  let q = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }

func pad(_ value: Int64, _ width: Int) -> String {
  let digits = String(value)
  return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
