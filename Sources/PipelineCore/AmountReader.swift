/// Which character separates the decimals of an amount.
public enum DecimalMark: String, Sendable, Equatable, CaseIterable {
  /// `1,234.56`
  case point = "."
  /// `1.234,56`
  case comma = ","

  public var character: Character { self == .point ? "." : "," }

  /// The mark a locale writes (`de_DE.UTF-8`: comma, `en_US`: point), or nil for a locale
  /// Closer does not know (`C`, `POSIX`, unset).
  public static func of(locale: String) -> DecimalMark? {
    let name = locale.prefix { $0 != "." && $0 != "@" }
    let parts = name.split(separator: "_")
    guard let language = parts.first.map({ $0.lowercased() }), language.count >= 2, language.count <= 3,
      language != "c", language != "posix"
    else { return nil }
    let region = parts.count > 1 ? parts[1].uppercased() : ""
    // Regions that write a point although their language mostly writes a comma.
    let pointRegions: Set<String> = ["CH", "LI", "MX", "US", "PR", "GT", "HN", "NI", "PA", "SV", "DO", "PH"]
    let commaLanguages: Set<String> = [
      "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "cs", "sk", "sv", "da", "nb", "nn", "no", "fi", "tr", "el",
      "hu", "ro", "bg", "uk", "hr", "sl", "sr", "lt", "lv", "et", "id", "vi", "ca", "eu", "gl", "is", "be", "kk",
      "az", "af", "sq", "mk", "bs", "ka", "hy", "mn", "fo", "lb",
    ]
    if commaLanguages.contains(language) && !(pointRegions.contains(region) && language != "pt") { return .comma }
    return .point
  }
}

/// The one reader of amounts, for everything a rep types (the board's form, `--value`, the
/// config) and every file Closer imports: `12500`, `12,500.50`, `12.500,50`, `1 234,56`,
/// `1'234.50`, `12,50`, `1,5k`, `2m`, with a currency symbol or code before or after
/// (`€12.500,50`, `12.500,50 €`, `EUR 9000`, `9000 eur`).
///
/// When both a point and a comma are there, the last one is the decimal mark. A lone point
/// or comma followed by other than three digits is the decimal mark (`12,5`, `1.5k`). A
/// lone separator followed by exactly three digits (`1,234`, `12.500`) could be either: when
/// it is not the `mark` given (the config's `decimal-mark`, the locale's, or a file's
/// habit) it groups thousands (`1,234` is 1,234 with a decimal point); when it is, the
/// amount is refused as ambiguous, because nobody writes a deal's value with three
/// decimals and `12.500` most likely means twelve thousand five hundred. Nothing is ever
/// guessed to another magnitude: what cannot be read as written is refused with the
/// reason.
public enum AmountReader {
  /// Currency symbols, longest first so that `US$` wins over `$`.
  static let symbols: [(String, String)] = [
    ("US$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("A$", "AUD"), ("AU$", "AUD"), ("NZ$", "NZD"), ("R$", "BRL"),
    ("HK$", "HKD"), ("S$", "SGD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"),
    ("₩", "KRW"), ("₽", "RUB"), ("zł", "PLN"), ("Fr.", "CHF"),
  ]

  /// The currency a column of its own names: an ISO 4217 code (any case) or a symbol (`€`).
  public static func currency(named text: String) -> String? {
    let upper = text.uppercased()
    if Currency.isCode(upper) { return upper }
    return symbols.first { $0.0 == text }?.1
  }

  /// The amount in minor units, and the currency the text names (nil when it names none).
  public static func read(_ text: String, mark: DecimalMark) -> Result<
    (minorUnits: Int64, currency: String?), MoneyParseError
  > {
    func refuse(_ problem: MoneyParseError.Problem = .notAnAmount) -> Result<
      (minorUnits: Int64, currency: String?), MoneyParseError
    > {
      .failure(MoneyParseError(text: text, problem: problem))
    }
    var rest = Substring(text.trimmingCharacters(where: isSpace))
    var currency: String?
    // Most amounts are digits and separators alone; only others can name a currency.
    if !rest.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2C || $0 == 0x2E }) {
      currency = takeCurrency(&rest)
      rest = Substring(String(rest).trimmingCharacters(where: isSpace))
    }
    if let first = rest.first, first == "-" || first == "(" || first == "\u{2212}" { return refuse(.negative) }
    if rest.first == "+" { rest = rest.dropFirst() }
    var multiplier: Int64 = 1
    switch rest.last {
    case "k", "K": multiplier = 1_000
    case "m", "M": multiplier = 1_000_000
    default: break
    }
    if multiplier != 1 { rest = Substring(String(rest.dropLast()).trimmingCharacters(where: isSpace)) }
    guard !rest.isEmpty, rest.allSatisfy({ ($0.isASCII && $0.isNumber) || isSeparator($0) }) else { return refuse() }

    // Which separator, if any, is the decimal mark.
    let points = rest.count { $0 == "." }
    let commas = rest.count { $0 == "," }
    var decimal: Character?
    if points > 0 && commas > 0 {
      let last: Character = rest.lastIndex(of: ".")! > rest.lastIndex(of: ",")! ? "." : ","
      guard (last == "." ? points : commas) == 1 else { return refuse(.grouping) }
      decimal = last
    } else if points + commas == 1 {
      let separator: Character = points == 1 ? "." : ","
      let index = rest.firstIndex(of: separator)!
      let after = rest[rest.index(after: index)...].prefix { $0.isASCII && $0.isNumber }.count
      let before = rest[..<index]
      if after != 3 || before.allSatisfy({ $0 == "0" }) {
        decimal = separator
      } else if separator == mark.character {
        return refuse(.ambiguous(mark: mark))
      }
    }
    var whole = rest
    var fraction: Substring = ""
    if let decimal, let index = rest.lastIndex(of: decimal) {
      whole = rest[..<index]
      fraction = rest[rest.index(after: index)...]
      guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return refuse() }
    }
    // The whole part: digits, in groups of three after the first when it is grouped.
    let groups = whole.split(omittingEmptySubsequences: false, whereSeparator: isSeparator)
    guard !whole.isEmpty, groups.allSatisfy({ !$0.isEmpty }) || groups.count == 1 else {
      return refuse(whole.isEmpty ? .notAnAmount : .grouping)
    }
    if groups.count > 1 {
      guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
        return refuse(.grouping)
      }
    }
    let digits = groups.joined()
    guard digits.count <= 13, let units = Int64(digits) else { return refuse(.tooLarge) }
    // As many fractional digits as the multiplier leaves for cents: 2, 5 for k, 8 for m.
    let scale = multiplier == 1 ? 2 : (multiplier == 1_000 ? 5 : 8)
    let kept = String(fraction.prefix(scale))
    let cents = Int64(kept + String(repeating: "0", count: scale - kept.count)) ?? 0
    let (scaled, overflow) = units.multipliedReportingOverflow(by: multiplier * 100)
    guard !overflow, scaled <= Money.maximumMinorUnits - cents else { return refuse(.tooLarge) }
    let minor = scaled + cents
    guard fraction.dropFirst(scale).allSatisfy({ $0 == "0" }) else {
      return refuse(.finerThanCents(below: minor, above: minor + 1))
    }
    return .success((minor, currency))
  }

  /// Takes a currency symbol or code from either end of `rest`; the code, or nil.
  private static func takeCurrency(_ rest: inout Substring) -> String? {
    for (symbol, code) in symbols {
      if rest.hasPrefix(symbol) {
        rest = rest.dropFirst(symbol.count)
      } else if rest.hasSuffix(symbol) {
        rest = rest.dropLast(symbol.count)
      } else {
        continue
      }
      return code
    }
    let isCode = { (s: Substring) in s.count == 3 && Currency.isCode(s.uppercased()) }
    if let space = rest.firstIndex(where: isSpace), isCode(rest[..<space]) {
      defer { rest = rest[space...] }
      return rest[..<space].uppercased()
    }
    if let space = rest.lastIndex(where: isSpace), isCode(rest[rest.index(after: space)...]) {
      defer { rest = rest[..<space] }
      return rest[rest.index(after: space)...].uppercased()
    }
    if rest.count > 3, isCode(rest.prefix(3)), rest.dropFirst(3).first?.isNumber == true {
      defer { rest = rest.dropFirst(3) }
      return rest.prefix(3).uppercased()
    }
    if rest.count > 3, isCode(rest.suffix(3)), let before = rest.dropLast(3).last,
      before.isNumber || before == "k" || before == "K" || before == "m" || before == "M"
    {
      defer { rest = rest.dropLast(3) }
      return rest.suffix(3).uppercased()
    }
    return nil
  }

  /// Spaces, as amounts are padded and grouped: no-break, narrow, thin and figure spaces
  /// included, and the line break a paste from another program may end with.
  private static func isSpace(_ c: Character) -> Bool {
    c == " " || c == "\t" || c == "\r" || c == "\n" || c == "\r\n" || c == "\u{00A0}" || c == "\u{202F}"
      || c == "\u{2009}" || c == "\u{2007}"
  }

  /// A point, a comma, or what groups thousands only: spaces, apostrophes, underscores.
  private static func isSeparator(_ c: Character) -> Bool {
    c == "." || c == "," || c == "'" || c == "\u{2019}" || c == "_" || isSpace(c)
  }
}

extension String {
  fileprivate func trimmingCharacters(where drop: (Character) -> Bool) -> String {
    guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
    return String(self[first...last])
  }
}

/// ISO 4217 currency codes: a three-letter word in an amount is a currency only if it is
/// one of these (`THE 5` is not an amount in THE).
public enum Currency {
  public static func isCode(_ code: String) -> Bool { codes.contains(code) }

  static let codes: Set<String> = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
  ]
}
