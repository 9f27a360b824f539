import Testing

@testable import PipelineCore

@Suite struct MoneyTests {
  @Test(arguments: [
    ("12500", Int64(1_250_000), "USD"),
    ("12,500.50", Int64(1_250_050), "USD"),
    ("12.5k", Int64(1_250_000), "USD"),
    ("2m", Int64(200_000_000), "USD"),
    ("EUR 9000", Int64(900_000), "EUR"),
    ("9000 gbp", Int64(900_000), "GBP"),
    ("€75", Int64(7500), "EUR"),
    ("0.99", Int64(99), "USD"),
    ("1,234,567.89", Int64(123_456_789), "USD"),
    ("1_000", Int64(100_000), "USD"),
    ("1.23456k", Int64(123_456), "USD"),
    ("0.01", Int64(1), "USD"),
  ])
  func parsesWhatRepsType(text: String, minorUnits: Int64, currency: String) throws {
    let money = try Money.parse(text, defaultCurrency: "USD").get()
    #expect(money == Money(minorUnits: minorUnits, currency: currency))
  }

  @Test(arguments: ["", "abc", "12.5.5x", "1e5", "k", "1,5,,x"])
  func rejectsWhatIsNotAnAmount(text: String) {
    guard case .failure(let error) = Money.parse(text, defaultCurrency: "USD") else {
      Issue.record("'\(text)' should not parse")
      return
    }
    #expect(error.description.contains("is not an amount"))
  }

  /// What would be silently changed (cut to cents, commas dropped) is refused with what is
  /// wrong and how to write it instead.
  @Test(arguments: [
    ("0.001", "'0.001' is finer than a cent; write 0 or 0.01"),
    ("12.3456", "'12.3456' is finer than a cent; write 12.34 or 12.35"),
    ("12.345", "'12.345' is ambiguous"),
    ("1.2345678k", "'1.2345678k' is finer than a cent; write 1234.56 or 1234.57"),
    ("1,2,3", "'1,2,3' has a separator that does not group thousands"),
    ("12.5.5", "does not group thousands"),
    ("1234,567", "does not group thousands"),
    ("-100", "is negative"),
    ("1.234k", "is ambiguous"),
    ("12.340", "is ambiguous"),
    ("99999999999999999999", "is more than Closer keeps"),
    ("12,500.5,0", "does not group thousands"),
    ("1,,000", "does not group thousands"),
    ("2000000m", "'2000000m' is more than Closer keeps; amounts go up to 1,000,000,000,000"),
  ])
  func refusesWhatItWouldHaveToChange(text: String, message: String) {
    guard case .failure(let error) = Money.parse(text, defaultCurrency: "USD") else {
      Issue.record("'\(text)' should not parse")
      return
    }
    #expect(error.description.contains(message), "\(error)")
  }

  @Test func formats() {
    #expect(Money(minorUnits: 123_456_789, currency: "USD").formattedAmount == "1,234,567.89")
    #expect(Money(minorUnits: 1_250_000, currency: "USD").formattedAmount == "12,500")
    #expect(Money(minorUnits: 1_250_000, currency: "USD").compactAmount == "12.5k")
    #expect(Money(minorUnits: 250_000_000, currency: "USD").compactAmount == "2.5M")
    #expect(Money(minorUnits: 90_000, currency: "USD").compactAmount == "900")
    // Rounded, not cut.
    #expect(Money(minorUnits: 25_470_000, currency: "USD").compactAmount == "255k")
    #expect(Money(minorUnits: 99_995_000, currency: "USD").compactAmount == "1M")
    #expect(Money(minorUnits: 9_995_000, currency: "USD").compactAmount == "100k")
    #expect(Money(minorUnits: 99_950, currency: "USD").compactAmount == "1k")
    #expect(Money(minorUnits: 125_000_000, currency: "USD").compactAmount == "1.3M")
  }

  /// Amounts below zero keep their sign in front of the digits (never `0.0-1`), and the ends
  /// of `Int64` format without trapping (`Int64.min` has no positive counterpart).
  @Test(arguments: [
    (Int64(0), "0", "0", "0"),
    (-1, "-0.01", "-0.01", "-0"),
    (-100, "-1", "-1", "-1"),
    (-105, "-1.05", "-1.05", "-1"),
    (-12_345_678, "-123,456.78", "-123456.78", "-123k"),
    (-250_000_000, "-2,500,000", "-2500000", "-2.5M"),
    (Int64.max, "92,233,720,368,547,758.07", "92233720368547758.07", "92233720369M"),
    (Int64.min, "-92,233,720,368,547,758.08", "-92233720368547758.08", "-92233720369M"),
  ])
  func formatsNegativeAndExtremeAmounts(minorUnits: Int64, formatted: String, plain: String, compact: String) {
    let money = Money(minorUnits: minorUnits, currency: "USD")
    #expect(money.formattedAmount == formatted)
    #expect(money.plainAmount == plain)
    #expect(money.compactAmount == compact)
    #expect(money.description == "USD \(formatted)")
  }
}
