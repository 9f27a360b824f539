import PipelineCore

/// Which character separates the decimals in a file's amounts.
public enum DecimalMark: Sendable, Equatable {
  /// `1,234.56`
  case point
  /// `1.234,56`
  case comma

  var character: Character { self == .point ? "." : "," }
}

/// Amounts as exports and spreadsheets write them: `$1,234.56`, `1.234,56 €`, `1234`,
/// `EUR 1 234,50`, `1'234.50 CHF`.
///
/// A lone separator followed by three digits (`1,234`, `1.234`) could be either a thousands
/// separator or a decimal mark; the file's other amounts decide (see `DecimalMark.infer`).
enum AmountText {
  /// Currency symbols, longest first so that `US$` wins over `$`.
  static let symbols: [(String, String)] = [
    ("US$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("A$", "AUD"), ("AU$", "AUD"), ("NZ$", "NZD"), ("R$", "BRL"),
    ("HK$", "HKD"), ("S$", "SGD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"),
    ("₩", "KRW"), ("₽", "RUB"), ("zł", "PLN"), ("Fr.", "CHF"), ("kr", "SEK"),
  ]

  /// The amount in minor units and the currency the text names, if it names one.
  static func parse(_ text: String, mark: DecimalMark) -> Result<(minorUnits: Int64, currency: String?), AmountError> {
    let padded =
      text.utf8.first.map { $0 <= 0x20 || $0 >= 0x80 } == true
      || text.utf8.last.map { $0 <= 0x20 || $0 >= 0x80 } == true
    var rest = padded ? Substring(text.trimmingWhitespace) : Substring(text)
    var currency: String?
    func takeCurrency() -> Bool {
      rest = Substring(String(rest).trimmingWhitespace)
      for (symbol, code) in symbols {
        if rest.hasPrefix(symbol) {
          rest = rest.dropFirst(symbol.count)
        } else if rest.hasSuffix(symbol) {
          rest = rest.dropLast(symbol.count)
        } else {
          continue
        }
        currency = code
        return true
      }
      let letters = { (s: Substring) in s.count == 3 && s.allSatisfy { $0.isASCII && $0.isLetter } }
      if let space = rest.firstIndex(where: \.isWhitespace), letters(rest[..<space]) {
        currency = rest[..<space].uppercased()
        rest = rest[space...]
        return true
      }
      if let space = rest.lastIndex(where: \.isWhitespace), letters(rest[rest.index(after: space)...]) {
        currency = rest[rest.index(after: space)...].uppercased()
        rest = rest[..<space]
        return true
      }
      if rest.count > 3, letters(rest.prefix(3)), rest.dropFirst(3).first?.isNumber == true {
        currency = rest.prefix(3).uppercased()
        rest = rest.dropFirst(3)
        return true
      }
      if rest.count > 3, letters(rest.suffix(3)), rest.dropLast(3).last?.isNumber == true {
        currency = rest.suffix(3).uppercased()
        rest = rest.dropLast(3)
        return true
      }
      return false
    }
    // Most amounts are digits and separators alone; only others can name a currency.
    let plainNumber = rest.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2C || $0 == 0x2E }
    if !plainNumber {
      _ = takeCurrency()
      rest = Substring(String(rest).trimmingWhitespace)
    }
    if rest.hasPrefix("-") || rest.hasPrefix("(") || rest.hasPrefix("\u{2212}") { return .failure(.negative) }
    let decimal = mark.character
    var whole = ""
    var fraction: String?
    // Digits since the last thousands separator, which must be three; nil before the first.
    var group: Int?
    for character in rest {
      if character.isASCII && character.isNumber {
        if fraction != nil { fraction!.append(character) } else { whole.append(character) }
        if fraction == nil, let digits = group { group = digits + 1 }
      } else if character == decimal {
        guard fraction == nil, !whole.isEmpty, group == nil || group == 3 else { return .failure(.notANumber) }
        fraction = ""
      } else if character == "." || character == "," || character == "'" || character == "\u{2019}"
        || character.isWhitespace
      {
        // A thousands separator: only between groups of three digits of the whole part.
        guard fraction == nil, !whole.isEmpty, group == nil || group == 3 else { return .failure(.notANumber) }
        group = 0
      } else {
        return .failure(.notANumber)
      }
    }
    guard !whole.isEmpty, fraction?.isEmpty != true, fraction != nil || group == nil || group == 3 else {
      return .failure(.notANumber)
    }
    guard (fraction?.count ?? 0) <= 2 else { return .failure(.tooManyDecimals(mark)) }
    guard whole.count <= 13, let units = Int64(whole) else { return .failure(.tooLarge) }
    let cents = Int64((fraction ?? "").padding(toLength: 2)) ?? 0
    let minor = units * 100 + cents
    guard minor <= Money.maximumMinorUnits else { return .failure(.tooLarge) }
    return .success((minor, currency))
  }

  /// What `text` shows about the decimal mark, when it shows anything: both separators
  /// (the last one is the mark), one repeated (a thousands separator), or one followed by
  /// other than three digits (the mark).
  static func evidence(_ text: String) -> DecimalMark? {
    var points = 0
    var commas = 0
    var lastPoint = -1
    var lastComma = -1
    for (index, byte) in text.utf8.enumerated() {
      if byte == 0x2E {
        points += 1
        lastPoint = index
      } else if byte == 0x2C {
        commas += 1
        lastComma = index
      }
    }
    switch (points, commas) {
    case (0, 0): return nil
    case (_, 0) where points > 1: return .comma
    case (0, _) where commas > 1: return .point
    case (_, 0), (0, _):
      let separator = max(lastPoint, lastComma)
      let digitsAfter = text.utf8.dropFirst(separator + 1).prefix { $0 >= 0x30 && $0 <= 0x39 }.count
      if digitsAfter == 3 { return nil }
      return points == 1 ? .point : .comma
    default:
      return lastPoint > lastComma ? .point : .comma
    }
  }
}

extension DecimalMark {
  /// The mark most of `amounts` show; `fallback` when none shows one (all whole numbers, or
  /// only `1,234`-like values).
  static func infer(from amounts: some Sequence<String>, fallback: DecimalMark) -> DecimalMark {
    majority(of: amounts, evidence: AmountText.evidence, fallback: fallback)
  }
}

/// The answer most `values` give evidence for, or `fallback` when none gives any or two
/// answers tie: how a file's habits (decimal mark, day order) are told from its fields.
func majority<Answer: Hashable>(
  of values: some Sequence<String>, evidence: (String) -> Answer?, fallback: Answer
) -> Answer {
  var votes: [Answer: Int] = [:]
  for value in values {
    if let answer = evidence(value) { votes[answer, default: 0] += 1 }
  }
  let ranked = votes.sorted { $0.value > $1.value }
  guard let best = ranked.first, ranked.count == 1 || ranked[1].value < best.value else { return fallback }
  return best.key
}

/// Why a field is not an amount.
enum AmountError: Error, Equatable {
  case notANumber
  case negative
  case tooManyDecimals(DecimalMark)
  case tooLarge

  func message(_ text: String) -> String {
    switch self {
    case .notANumber:
      "'\(text)' is not an amount; write it like 1234.56, $1,234.56 or 1.234,56 €"
    case .negative:
      "'\(text)' is negative; a deal's value is zero or more"
    case .tooManyDecimals(let mark):
      "'\(text)' has more than two decimals"
        + (mark == .point
          ? " (this file's amounts use a decimal point, so the dot is not a thousands separator here)"
          : " (this file's amounts use a decimal comma, so the comma is not a thousands separator here)")
    case .tooLarge:
      "'\(text)' is too large; the largest value is 1,000,000,000,000"
    }
  }
}

extension String {
  fileprivate func padding(toLength length: Int) -> String {
    count >= length ? String(prefix(length)) : self + String(repeating: "0", count: length - count)
  }
}
