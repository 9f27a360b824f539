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
  /// Returns a message saying what is wrong when it cannot.
  public static func parse(_ text: String, defaultCurrency: String) -> Result<Money, MoneyParseError> {
    var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    var currency = defaultCurrency
    if let code = words.first(where: { $0.count == 3 && $0.allSatisfy(\.isLetter) && $0.allSatisfy(\.isASCII) }) {
      currency = code.uppercased()
      words.removeAll { $0 == code }
    }
    guard words.count == 1, var number = words.first else {
      return .failure(MoneyParseError(text: text))
    }
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
    number.removeAll { $0 == "," || $0 == "_" }
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), !parts[0].isEmpty,
      parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      parts[0].count <= 13, parts.count == 1 || parts[1].count <= 6
    else {
      return .failure(MoneyParseError(text: text))
    }
    let whole = Int64(parts[0]) ?? 0
    var fraction = parts.count == 2 ? String(parts[1]) : ""
    // Keep enough fractional digits for the multiplier, then cents.
    let scale = multiplier == 1 ? 2 : (multiplier == 1_000 ? 5 : 8)
    fraction = String(fraction.prefix(scale)).padding(to: scale)
    let fractionValue = Int64(fraction) ?? 0
    let (scaled, overflow) = whole.multipliedReportingOverflow(by: multiplier * 100)
    let minor = scaled + fractionValue * multiplier * 100 / power10(scale)
    guard !overflow, minor <= maximumMinorUnits else { return .failure(MoneyParseError(text: text)) }
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

  /// `12.5k`, `1.2M`, `-900`: short enough for a card.
  public var compactAmount: String {
    let whole = Double(minorUnits.magnitude) / 100
    func short(_ value: Double, _ suffix: String) -> String {
      let tenths = UInt64((value * 10).rounded())
      return tenths % 10 == 0 || tenths >= 1000 ? "\(tenths / 10)\(suffix)" : "\(tenths / 10).\(tenths % 10)\(suffix)"
    }
    if whole >= 1_000_000 { return sign + short(whole / 1_000_000, "M") }
    if whole >= 1_000 { return sign + short(whole / 1_000, "k") }
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

/// A value a rep typed that is not an amount of money.
public struct MoneyParseError: Error, Equatable, CustomStringConvertible {
  public var text: String
  public var description: String {
    "'\(text)' is not an amount; write it like 12500, 12,500.50, 12.5k or 'EUR 9000'"
  }
}

private func power10(_ exponent: Int) -> Int64 {
  var result: Int64 = 1
  for _ in 0..<exponent { result *= 10 }
  return result
}

extension String {
  fileprivate func padding(to length: Int) -> String {
    count >= length ? self : self + String(repeating: "0", count: length - count)
  }
}
