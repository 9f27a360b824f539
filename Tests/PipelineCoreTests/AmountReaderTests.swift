import Testing

@testable import PipelineCore

/// One reader for every amount a rep types or a file holds: what each text stores.
@Suite struct AmountReaderTests {
  /// Text, the decimal mark that settles `1,234`, and what is stored (minor units, currency;
  /// nil: the default currency).
  @Test(
    arguments: [
      // Decimal commas, as Europeans type them (each of these was read wrong before).
      ("€12.500,50", DecimalMark.point, 1_250_050, "EUR"),
      ("12.500,50 €", .point, 1_250_050, "EUR"),
      ("1.234,56", .point, 123_456, nil),
      ("12,50", .point, 1250, nil),
      ("12,5", .point, 1250, nil),
      ("1,5k", .point, 150_000, nil),
      ("1 234,56", .point, 123_456, nil),
      ("1\u{00A0}234,56", .point, 123_456, nil),
      ("1'234.50", .point, 123_450, nil),
      ("1’234.50 CHF", .point, 123_450, "CHF"),
      ("EUR 9000", .comma, 900_000, "EUR"),
      ("9000 eur", .comma, 900_000, "EUR"),
      ("2,5m", .comma, 250_000_000, nil),
      ("0,500", .point, 50, nil),
      // Points as decimals and commas as groups, as before.
      ("12,500.50", .point, 1_250_050, nil),
      ("12.5k", .point, 1_250_000, nil),
      ("$1,234,567.89", .comma, 123_456_789, "USD"),
      ("1.234.567", .point, 123_456_700, nil),
      ("1_000", .point, 100_000, nil),
      // The truly ambiguous: a lone separator before three digits; the mark settles it.
      ("1,234", .point, 123_400, nil),
      ("1.234", .comma, 123_400, nil),
      ("12,500", .point, 1_250_000, nil),
      ("12.500", .comma, 1_250_000, nil),
      // Signs, pastes and the spaces typesetting uses.
      ("+5", .point, 500, nil),
      ("5\r\n", .point, 500, nil),
      ("1\u{2009}234,56", .point, 123_456, nil),
      ("1\u{2007}234.56", .point, 123_456, nil),
    ] as [(String, DecimalMark, Int64, String?)])
  func stores(_ text: String, _ mark: DecimalMark, _ minor: Int64, _ currency: String?) throws {
    let read = try AmountReader.read(text, mark: mark).get()
    #expect(read.minorUnits == minor, "\(text)")
    #expect(read.currency == currency, "\(text)")
    // The form and `closer add --value` read exactly the same.
    let money = try Money.parse(text, defaultCurrency: "USD", mark: mark).get()
    #expect(money == Money(minorUnits: minor, currency: currency ?? "USD"))
  }

  /// What cannot be read as written is refused with the reason, never guessed to another
  /// magnitude.
  @Test(
    arguments: [
      // A lone decimal mark before three digits: three decimals, or thousands? Refused, not
      // stored a thousand times too small (12.500 is not 12.50).
      ("1.234", DecimalMark.point, "'1.234' is ambiguous"),
      ("12.500", .point, "'12.500' is ambiguous"),
      ("€1.000", .point, "is ambiguous"),
      ("1.500k", .point, "is ambiguous"),
      ("12,500", .comma, "is ambiguous: with a decimal comma"),
      ("0.001", .point, "finer than a cent; write 0 or 0.01"),
      // Only ISO 4217 codes are currencies.
      ("THE 5", .point, "is not an amount"),
      ("abc5", .point, "is not an amount"),
      ("12 kr", .point, "is not an amount"),
      ("1,2,3", .point, "does not group thousands"),
      ("12 34", .point, "does not group thousands"),
      ("1.234.56", .point, "does not group thousands"),
      ("1,234,56.7", .point, "does not group thousands"),
      ("1.234,56,7", .point, "does not group thousands"),
      ("-12,50", .point, "is negative"),
      ("12 apples", .point, "is not an amount"),
      ("", .point, "is not an amount"),
    ] as [(String, DecimalMark, String)])
  func refuses(_ text: String, _ mark: DecimalMark, _ message: String) {
    guard case .failure(let error) = AmountReader.read(text, mark: mark) else {
      Issue.record("'\(text)' should be refused")
      return
    }
    #expect(error.description.contains(message), "\(error)")
  }

  @Test func theLocaleSaysWhichMarkSettlesAmbiguousAmounts() {
    #expect(DecimalMark.of(locale: "de_DE.UTF-8") == .comma)
    #expect(DecimalMark.of(locale: "fr_FR") == .comma)
    #expect(DecimalMark.of(locale: "pt_BR.UTF-8") == .comma)
    #expect(DecimalMark.of(locale: "de_CH.UTF-8") == .point)
    #expect(DecimalMark.of(locale: "es_MX") == .point)
    #expect(DecimalMark.of(locale: "en_US.UTF-8") == .point)
    #expect(DecimalMark.of(locale: "ja_JP.UTF-8") == .point)
    #expect(DecimalMark.of(locale: "C.UTF-8") == nil)
    #expect(DecimalMark.of(locale: "POSIX") == nil)
  }
}
