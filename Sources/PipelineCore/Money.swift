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

  /// Reads what a rep types (`12500`, `12.500,50`, `12.5k`, `EUR 9000`, `9000 €`) with
  /// `AmountReader`; the currency is the one named, else `defaultCurrency`. `mark` settles
  /// a lone separator before three digits (`1,234`).
  public static func parse(
    _ text: String, defaultCurrency: String, mark: DecimalMark = .point
  ) -> Result<Money, MoneyParseError> {
    AmountReader.read(text, mark: mark).map {
      Money(minorUnits: $0.minorUnits, currency: $0.currency ?? defaultCurrency)
    }
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
    /// Separators that do not group thousands (`1,2,3`, `12 34`), or two decimal marks.
    case grouping
    /// A minus sign or parentheses: a deal's value is zero or more.
    case negative
    /// A lone decimal mark before three digits (`12.500` with a decimal point): a value
    /// with three decimals, or thousands grouped with the other convention.
    case ambiguous(mark: DecimalMark)
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
      "'\(text)' is not an amount; write it like 12500, 12,500.50, 12.500,50, 12.5k or 'EUR 9000'"
    case .grouping:
      "'\(text)' has a separator that does not group thousands; put one before every three digits "
        + "(12,500 or 12.500) or none (12500), and one decimal mark before the cents (12500.50 or 12500,50)"
    case .negative:
      "'\(text)' is negative; a deal's value is zero or more"
    case .ambiguous(let mark):
      "'\(text)' is ambiguous: with \(mark == .point ? "a decimal point" : "a decimal comma") it would have three "
        + "decimals, and it may well mean thousands; write it without the separator or with two decimals"
        + " (set decimal-mark = \"\(mark == .point ? "," : ".")\" in the config if \(mark.character) groups thousands for you)"
    case .finerThanCents(let below, let above):
      "'\(text)' is finer than a cent; write \(Money(minorUnits: below, currency: "").plainAmount) "
        + "or \(Money(minorUnits: above, currency: "").plainAmount)"
    case .tooLarge:
      "'\(text)' is more than Closer keeps; amounts go up to "
        + Money(minorUnits: Money.maximumMinorUnits, currency: "").formattedAmount
    }
  }
}
