/// One step of the check-ins after a sale: a next action, so many days after the win.
public struct CheckIn: Hashable, Sendable {
  public var days: Int
  public var action: String

  public init(days: Int, action: String) {
    self.days = days
    self.action = action
  }

  /// The cadence a won deal gets unless the config says otherwise (`[post-sale]`).
  public static let defaults = [
    CheckIn(days: 2, action: "Thank-you note"),
    CheckIn(days: 30, action: "Check-in: satisfaction and feedback"),
    CheckIn(days: 90, action: "Ask for referrals"),
  ]

  /// `+2d Thank-you note`, `+4w ...`, `+3m ...` (a month is 30 days): the step, or nil.
  public static func parse(_ text: String) -> CheckIn? {
    let trimmed = text.trimmingWhitespace
    guard trimmed.first == "+", let space = trimmed.firstIndex(of: " ") else { return nil }
    let span = trimmed[trimmed.index(after: trimmed.startIndex)..<space]
    guard let unit = span.last, let count = Int(span.dropLast()), count >= 0, count <= 3650 else { return nil }
    let factor: Int
    switch unit {
    case "d": factor = 1
    case "w": factor = 7
    case "m": factor = 30
    default: return nil
    }
    // An action is a line: control characters from the config become spaces, as typed text's do.
    let line = String(
      String.UnicodeScalarView(
        trimmed[space...].unicodeScalars.map {
          $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) ? " " : $0
        }))
    let action = line.trimmingWhitespace
    guard !action.isEmpty, count * factor <= 3650 else { return nil }
    return CheckIn(days: count * factor, action: action)
  }

  public var description: String { "+\(days)d \(action)" }
}

extension Pipeline {
  /// The first check-in of a deal won on `day`: nil when the cadence is empty.
  public func firstCheckIn(wonOn day: CalendarDay) -> FollowUp? {
    config.checkIns.first.map { FollowUp(action: $0.action, due: day.adding(days: $0.days)) }
  }

  /// The check-in after the one a won deal has open, when that one is a step of the cadence
  /// and not its last: due as many days after the win as the step says, and not before
  /// `today`.
  public func nextCheckIn(after lead: Lead, today: CalendarDay, calendar: LocalCalendar) -> FollowUp? {
    guard lead.status == .won, let current = lead.followUp, let closed = lead.closed,
      let step = config.checkIns.firstIndex(where: { $0.action == current.action }),
      step + 1 < config.checkIns.count
    else { return nil }
    let next = config.checkIns[step + 1]
    return FollowUp(action: next.action, due: max(today, calendar.day(of: closed).adding(days: next.days)))
  }
}
