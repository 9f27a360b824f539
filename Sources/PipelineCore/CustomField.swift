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
    // What an import's --column takes besides: a key equal to one could never be reached.
    "note", "ignore", "skip", "lostreason", "lost-reason", "expectedclose", "followup", "stageentered",
    "stage-entered", "closer-id", "answers", "activities", "custom",
  ]

  /// Titles a field may not take: the headers of Closer's CSV export and a few more an import
  /// reads by name (a field with one could never be told apart from them in a file).
  public static let reservedTitles: Set<String> = [
    "closer id", "id", "name", "company", "email", "phone", "owner", "source", "ref", "value", "currency", "stage",
    "status", "lost reason", "expected close", "checklist", "follow-up", "follow-up due", "score", "created",
    "closed", "note", "notes", "due",
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
      // Years of four digits: what every export and import reads back.
      switch DueDate.parse(text, today: today) {
      case .success(let day) where (1000...9999).contains(Int(day.description.prefix(4)) ?? 0):
        return .success(day.description)
      default: return .failure(Problem(description: "\(title): '\(text)' is not a date; use YYYY-MM-DD"))
      }
    case .choice:
      // By name first (a choice may be written as a number), then by its place in the list.
      let folded = SearchKey.fold(text)
      if let choice = choices.first(where: { SearchKey.fold($0) == folded }) { return .success(choice) }
      if let number = Int(text), choices.indices.contains(number - 1) { return .success(choices[number - 1]) }
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
  /// its groups of three), in its stored form: a point for the decimal mark, no leading
  /// zeros, no `+`, no `-0`; nil when it is no number (`1,2,3` is none: its groups are not
  /// thousands).
  public static func number(_ text: String, mark: DecimalMark) -> String? {
    var sign = ""
    var whole = ""
    var fraction: String?
    var separator: Character?
    var groupLength = 0
    var grouped = false
    for (index, character) in text.enumerated() {
      switch character {
      case "-" where index == 0: sign = "-"
      case "+" where index == 0: continue
      case "0"..."9":
        if fraction != nil {
          fraction!.append(character)
        } else {
          whole.append(character)
          groupLength += 1
        }
      case "." where mark == .point, "," where mark == .comma:
        guard fraction == nil, !whole.isEmpty, !grouped || groupLength == 3 else { return nil }
        fraction = ""
      case ",", ".", " ", "\u{A0}", "_", "'":
        // A thousands separator: between groups of three digits, always the same one.
        guard fraction == nil, !whole.isEmpty, separator == nil || separator == character else { return nil }
        guard grouped ? groupLength == 3 : (1...3).contains(groupLength) else { return nil }
        separator = character
        grouped = true
        groupLength = 0
      default:
        return nil
      }
    }
    guard !whole.isEmpty, !grouped || groupLength == 3, fraction.map({ !$0.isEmpty }) ?? true else { return nil }
    let digits = String(whole.drop { $0 == "0" })
    var result = digits.isEmpty ? "0" : digits
    if let fraction, fraction.contains(where: { $0 != "0" }) {
      result += "." + fraction.reversed().drop { $0 == "0" }.reversed()
    }
    if sign == "-" && result != "0" { result = "-" + result }
    return Double(result) != nil ? result : nil
  }
}
