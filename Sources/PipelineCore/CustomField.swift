/// A field of a team's own, from the config (`[[fields]]`): "Industry", "Seats", "Renewal
/// date". Its values are kept on the lead as text in one stored form per type, so that the
/// journal reads plainly and a field removed from the config loses nothing.
public struct CustomField: Hashable, Sendable {
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// A line of text.
    case text
    /// A number: digits, with a sign and a fraction if need be (stored with a point).
    case number
    /// An amount of money, as a deal's value is typed (stored as `EUR 9000.50`).
    case amount
    /// A date (stored as `YYYY-MM-DD`).
    case date
    /// One of a list of choices (stored as the choice is written in the config).
    case choice
  }

  public var key: String
  public var title: String
  public var kind: Kind
  /// The choices of a `choice` field, in the config's order.
  public var choices: [String]

  public init(key: String, title: String, kind: Kind, choices: [String] = []) {
    self.key = key
    self.title = title
    self.kind = kind
    self.choices = choices
  }

  /// Keys a field may not take: the lead's own fields and the filter language's keys.
  public static let reservedKeys: Set<String> = [
    "id", "name", "company", "email", "phone", "owner", "source", "ref", "reference", "value", "currency", "stage",
    "status", "tier", "score", "due", "created", "closed", "stalled", "activity", "notes", "history", "position",
    "expected-close", "follow-up", "checklist", "fields",
  ]

  /// Why a typed value is not one of this field's.
  public struct Problem: Error, Equatable, CustomStringConvertible {
    public var description: String
  }

  /// The stored form of `text` (already cleaned to one line), nil for no value, or why it
  /// is not a value of this field. `today` reads `today`, `tomorrow`, `+3d` for dates.
  public func stored(_ text: String, config: PipelineConfig, today: CalendarDay) -> Result<String?, Problem> {
    let text = text.trimmingWhitespace
    guard !text.isEmpty else { return .success(nil) }
    switch kind {
    case .text:
      return .success(text)
    case .number:
      guard let number = Self.number(text, mark: config.amountMark) else {
        return .failure(Problem(description: "\(title): '\(text)' is not a number"))
      }
      return .success(number)
    case .amount:
      switch Money.parse(text, defaultCurrency: config.defaultCurrency, mark: config.amountMark) {
      case .success(let money): return .success(Self.store(money))
      case .failure(let error): return .failure(Problem(description: "\(title): \(error.description)"))
      }
    case .date:
      switch DueDate.parse(text, today: today) {
      case .success(let day): return .success(day.description)
      case .failure: return .failure(Problem(description: "\(title): '\(text)' is not a date; use YYYY-MM-DD"))
      }
    case .choice:
      let folded = SearchKey.fold(text)
      if let number = Int(text), choices.indices.contains(number - 1) { return .success(choices[number - 1]) }
      if let choice = choices.first(where: { SearchKey.fold($0) == folded }) { return .success(choice) }
      return .failure(
        Problem(description: "\(title): '\(text)' is not a choice; use \(choices.joined(separator: ", "))"))
    }
  }

  /// A stored value as the rep reads it (amounts grouped: `EUR 9,000.50`).
  public func shown(_ stored: String) -> String {
    guard kind == .amount, let money = Self.money(stored) else { return stored }
    return money.description
  }

  /// A stored number, amount (in minor units) or date (days) as a number to compare, sort
  /// and filter by; nil for text and choices.
  public func ordinal(_ stored: String) -> Double? {
    switch kind {
    case .number: Double(stored)
    case .amount: Self.money(stored).map { Double($0.minorUnits) }
    case .date: CalendarDay(iso8601: stored).map { Double($0.daysSinceEpoch) }
    case .text, .choice: nil
    }
  }

  /// `EUR 9000.50`: the currency, then the amount with a point and its cents.
  public static func store(_ money: Money) -> String {
    let minor = money.minorUnits
    let cents = minor % 100
    return "\(money.currency) \(minor / 100).\(cents < 10 ? "0" : "")\(cents)"
  }

  /// An amount in its stored form.
  public static func money(_ stored: String) -> Money? {
    let parts = stored.split(separator: " ")
    guard parts.count == 2, let dot = parts[1].firstIndex(of: "."), let whole = Int64(parts[1][..<dot]),
      let cents = Int64(parts[1][parts[1].index(after: dot)...]), whole >= 0, (0..<100).contains(cents)
    else { return nil }
    return Money(minorUnits: whole * 100 + cents, currency: String(parts[0]))
  }

  /// A number as typed (`-12`, `3.5`, `1,5` with a decimal comma, `1 200` or `1,200` with
  /// its groups), in its stored form with a point; nil when it is no number.
  static func number(_ text: String, mark: DecimalMark) -> String? {
    var digits = ""
    var sawMark = false
    var sawDigit = false
    for (index, character) in text.enumerated() {
      switch character {
      case "-" where index == 0: digits.append("-")
      case "+" where index == 0: continue
      case "0"..."9":
        digits.append(character)
        sawDigit = true
      case "." where mark == .point, "," where mark == .comma:
        guard !sawMark, sawDigit else { return nil }
        sawMark = true
        digits.append(".")
      case ",", ".", " ", "\u{A0}", "_", "'":
        // A thousands separator: only between digits, never after the decimal mark.
        guard sawDigit, !sawMark else { return nil }
      default:
        return nil
      }
    }
    guard sawDigit, digits.last != ".", Double(digits) != nil else { return nil }
    return digits
  }
}
