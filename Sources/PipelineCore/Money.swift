/// An amount of money in minor units (cents), with its ISO 4217 currency code.
public struct Money: Hashable, Sendable {
  public var minorUnits: Int64
  public var currency: String

  public init(minorUnits: Int64, currency: String) {
    self.minorUnits = minorUnits
    self.currency = currency
  }

  /// Largest amount accepted, in minor units (a trillion in major units).
  public static let maximumMinorUnits: Int64 = 100_000_000_000_000

  /// Parses what a rep types: `12500`, `12,500.50`, `12.5k`, `2m`, `EUR 9000`, `9000 eur`.
  ///
  /// Nothing is changed silently: an amount finer than a cent (`0.001`), or commas that do
  /// not group thousands (`1,2,3`, which could be a typo or a decimal comma), are refused
  /// with a message that says how to write it.
  public static func parse(_ text: String, defaultCurrency: String) -> Result<Money, MoneyParseError> {
    func refuse(_ problem: MoneyParseError.Problem = .notAnAmount) -> Result<Money, MoneyParseError> {
      .failure(MoneyParseError(text: text, problem: problem))
    }
    var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    var currency = defaultCurrency
    if let code = words.first(where: { $0.count == 3 && $0.allSatisfy(\.isLetter) && $0.allSatisfy(\.isASCII) }) {
      currency = code.uppercased()
      words.removeAll { $0 == code }
    }
    guard words.count == 1, var number = words.first else { return refuse() }
    for (symbol, code) in [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")] where number.hasPrefix(symbol) {
      number.removeFirst(symbol.count)
      currency = code
    }
    var multiplier: Int64 = 1
    switch number.last {
    case "k", "K": multiplier = 1_000
    case "m", "M": multiplier = 1_000_000
    default: break
    }
    if multiplier != 1 { number.removeLast() }
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    let isDigit = { (c: Character) in c.isASCII && c.isNumber }
    let isGroupMark = { (c: Character) in c == "," || c == "_" }
    guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy { isDigit($0) || isGroupMark($0) } })
    else { return refuse() }
    let groups = parts[0].split(omittingEmptySubsequences: false, whereSeparator: isGroupMark)
    // Groups of three after the first: 12,500 and 1,234,567, never 1,2,3 or a decimal comma.
    let grouped =
      groups.count == 1 || ((1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 })
    guard grouped, parts.count == 1 || parts[1].allSatisfy(isDigit) else { return refuse(.grouping) }
    let wholeDigits = groups.joined()
    guard !wholeDigits.isEmpty, wholeDigits.count <= 13, let whole = Int64(wholeDigits) else { return refuse() }
    // As many fractional digits as the multiplier leaves for cents: 2, 5 for k, 8 for m.
    let scale = multiplier == 1 ? 2 : (multiplier == 1_000 ? 5 : 8)
    let fraction = parts.count == 2 ? parts[1] : ""
    let cents = Int64(String(fraction.prefix(scale)).padding(to: scale)) ?? 0
    let (scaled, overflow) = whole.multipliedReportingOverflow(by: multiplier * 100)
    guard !overflow, scaled <= maximumMinorUnits - cents else { return refuse(.tooLarge) }
    let minor = scaled + cents
    guard fraction.dropFirst(scale).allSatisfy({ $0 == "0" }) else {
      return refuse(.finerThanCents(below: minor, above: minor + 1))
    }
    return .success(Money(minorUnits: minor, currency: currency))
  }

  /// `12,500` or `12,500.50`, grouped by thousands, without the currency; `-0.01` below zero.
  public var formattedAmount: String {
    sign + Money.group(minorUnits.magnitude / 100) + Money.cents(minorUnits.magnitude)
  }

  /// `12500` or `12500.50`: no grouping, a decimal point, for files that other programs read.
  public var plainAmount: String {
    sign + String(minorUnits.magnitude / 100) + Money.cents(minorUnits.magnitude)
  }

  /// `12.5k`, `255k`, `1.2M`, `-900`: short enough for a card, rounded (254,700 is
  /// `255k`, 999,950 is `1M`).
  public var compactAmount: String {
    let whole = Double(minorUnits.magnitude) / 100
    func short(_ value: Double, _ suffix: String) -> String {
      if value >= 99.95 { return "\(UInt64(value.rounded()))\(suffix)" }
      let tenths = UInt64((value * 10).rounded())
      return tenths % 10 == 0 ? "\(tenths / 10)\(suffix)" : "\(tenths / 10).\(tenths % 10)\(suffix)"
    }
    if whole >= 999_500 { return sign + short(whole / 1_000_000, "M") }
    if whole >= 999.5 { return sign + short(whole / 1_000, "k") }
    return sign + String(minorUnits.magnitude / 100)
  }

  /// `USD 12,500.50`, `USD -0.01`.
  public var description: String { "\(currency) \(formattedAmount)" }

  /// The amount's sign, worked out apart from its digits: negating `Int64.min` would trap,
  /// so the digits come from the magnitude.
  private var sign: String { minorUnits < 0 ? "-" : "" }

  /// `.50` or nothing for whole amounts.
  private static func cents(_ magnitude: UInt64) -> String {
    let cents = magnitude % 100
    return cents == 0 ? "" : ".\(cents < 10 ? "0" : "")\(cents)"
  }

  static func group(_ value: UInt64) -> String {
    let digits = Array(String(value))
    var out = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return out
  }
}

/// A value a rep typed that is not an amount of money, and why.
public struct MoneyParseError: Error, Equatable, CustomStringConvertible {
  public enum Problem: Equatable, Sendable {
    /// Not a number Closer reads.
    case notAnAmount
    /// Commas (or underscores) that do not separate groups of three digits.
    case grouping
    /// More decimals than cents hold; the amounts in cents just below and above it.
    case finerThanCents(below: Int64, above: Int64)
    /// More than `Money.maximumMinorUnits`.
    case tooLarge
  }

  public var text: String
  public var problem: Problem

  public init(text: String, problem: Problem = .notAnAmount) {
    self.text = text
    self.problem = problem
  }

  public var description: String {
    switch problem {
    case .notAnAmount:
      "'\(text)' is not an amount; write it like 12500, 12,500.50, 12.5k or 'EUR 9000'"
    case .grouping:
      "'\(text)' has a comma that does not group thousands; put one before every three digits (12,500) "
        + "or none (12500), and a point before decimals (12500.50)"
    case .finerThanCents(let below, let above):
      "'\(text)' is finer than a cent; write \(Money(minorUnits: below, currency: "").plainAmount) "
        + "or \(Money(minorUnits: above, currency: "").plainAmount)"
    case .tooLarge:
      "'\(text)' is more than Closer keeps; amounts go up to "
        + Money(minorUnits: Money.maximumMinorUnits, currency: "").formattedAmount
    }
  }
}

extension String {
  fileprivate func padding(to length: Int) -> String {
    count >= length ? self : self + String(repeating: "0", count: length - count)
  }
}
