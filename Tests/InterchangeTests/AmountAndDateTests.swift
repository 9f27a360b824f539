import PipelineCore
import Testing

@testable import Interchange

@Suite struct AmountTextTests {
  @Test(
    arguments: [
      ("$1,234.56", DecimalMark.point, 123_456, "USD"),
      ("1.234,56 €", .comma, 123_456, "EUR"),
      ("1234", .point, 123_400, nil),
      ("1234", .comma, 123_400, nil),
      ("EUR 1 234,50", .comma, 123_450, "EUR"),
      ("1'234.50 CHF", .point, 123_450, "CHF"),
      ("1\u{202F}234,5", .comma, 123_450, nil),
      ("USD12000", .point, 1_200_000, "USD"),
      ("12,000.00 usd", .point, 1_200_000, "USD"),
      ("£99", .point, 9900, "GBP"),
      ("R$ 1.000,00", .comma, 100_000, "BRL"),
      ("0", .point, 0, nil),
      ("1,234", .point, 123_400, nil),
      ("1.234", .comma, 123_400, nil),
    ] as [(String, DecimalMark, Int64, String?)])
  func parses(_ text: String, _ mark: DecimalMark, _ minor: Int64, _ currency: String?) throws {
    let amount = try AmountText.parse(text, mark: mark).get()
    #expect(amount.minorUnits == minor)
    #expect(amount.currency == currency)
  }

  @Test(
    arguments: [
      ("abc", DecimalMark.point, MoneyParseError.Problem.notAnAmount),
      ("-5", .point, .negative),
      ("(100)", .point, .negative),
      ("1.234", .point, .ambiguous(mark: .point)),
      ("12.500", .point, .ambiguous(mark: .point)),
      ("1,5,0", .comma, .grouping),
      ("99999999999999", .point, .tooLarge),
      (",5", .comma, .notAnAmount),
      ("1.", .point, .notAnAmount),
    ] as [(String, DecimalMark, MoneyParseError.Problem)])
  func refuses(_ text: String, _ mark: DecimalMark, _ problem: MoneyParseError.Problem) {
    #expect(throws: MoneyParseError(text: text, problem: problem)) { try AmountText.parse(text, mark: mark).get() }
  }

  @Test func theFileDecidesWhatALoneSeparatorMeans() {
    #expect(DecimalMark.infer(from: ["1.234,56", "100", "2.000"], fallback: .point) == .comma)
    #expect(DecimalMark.infer(from: ["1,234.56", "1,000"], fallback: .comma) == .point)
    #expect(DecimalMark.infer(from: ["12,5", "7"], fallback: .point) == .comma)
    #expect(DecimalMark.infer(from: ["1.000.000"], fallback: .point) == .comma)
    // Nothing tells: the fallback (the delimiter's habit) decides.
    #expect(DecimalMark.infer(from: ["1,234", "500", ""], fallback: .point) == .point)
    #expect(DecimalMark.infer(from: ["1,234", "500"], fallback: .comma) == .comma)
  }
}

@Suite struct DateTextTests {
  @Test(
    arguments: [
      ("2026-05-31", DayOrder.monthFirst, "2026-05-31"),
      ("2026-05-31 00:00", .dayFirst, "2026-05-31"),
      ("2026-05-31T09:30:00Z", .monthFirst, "2026-05-31"),
      ("2026/05/31", .dayFirst, "2026-05-31"),
      ("5/31/2026", .monthFirst, "2026-05-31"),
      ("5/31/2026 10:00 AM", .monthFirst, "2026-05-31"),
      ("31/05/2026", .dayFirst, "2026-05-31"),
      ("31.05.2026", .monthFirst, "2026-05-31"),
      ("3/4/26", .dayFirst, "2026-04-03"),
      ("3/4/26", .monthFirst, "2026-03-04"),
      // Dashes, day first and month first; two-digit years either end; ISO with time and zone.
      ("01-03-2026", .dayFirst, "2026-03-01"),
      ("18-03-2026", .dayFirst, "2026-03-18"),
      ("03-18-2026", .monthFirst, "2026-03-18"),
      ("20-10-16", .dayFirst, "2016-10-20"),
      ("20-10-16", .yearFirst, "2020-10-16"),
      ("31.12.99", .dayFirst, "1999-12-31"),
      ("2023-09-26 15:15:00.000000 UTC", .monthFirst, "2023-09-26"),
      ("2023-09-26T15:15:00+02:00", .dayFirst, "2023-09-26"),
      ("2023/9/6", .dayFirst, "2023-09-06"),
    ] as [(String, DayOrder, String)])
  func parses(_ text: String, _ order: DayOrder, _ expected: String) {
    #expect(DateText.parse(text, order: order)?.description == expected)
  }

  @Test(arguments: ["", "soon", "2026-02-30", "13/13/2026", "2026-5", "31/05"])
  func refuses(_ text: String) {
    #expect(DateText.parse(text, order: .dayFirst) == nil)
  }

  /// The order is decided per file, and the dry run says why.
  @Test func theFileSaysWhy() {
    let dashes = DayOrder.infer(from: ["01-03-2026", "18-03-2026"], fallback: .monthFirst, because: "default")
    #expect(dashes.order == .dayFirst)
    #expect(dashes.why == "18-03-2026 has no month 18")
    let us = DayOrder.infer(from: ["03-01-2026", "03-18-2026"], fallback: .dayFirst, because: "default")
    #expect(us.order == .monthFirst)
    let yearFirst = DayOrder.infer(from: ["40-10-16", "20-01-02"], fallback: .dayFirst, because: "default")
    #expect(yearFirst.order == .yearFirst)
    #expect(yearFirst.why == "40-10-16 has no day or month 40")
    // Every date fits day first and year first, none month first: day first, and why.
    let twoDigit = DayOrder.infer(from: ["20-10-16", "21-03-16"], fallback: .monthFirst, because: "default")
    #expect(twoDigit.order == .dayFirst)
    #expect(twoDigit.why.contains("is no date month first"))
    #expect(DayOrder.infer(from: ["01-02-2026"], fallback: .monthFirst, because: "default") == (.monthFirst, "default"))
  }

  @Test func theFileDecidesTheOrder() {
    #expect(DayOrder.infer(from: ["1/2/2026", "25/12/2026"], fallback: .monthFirst) == .dayFirst)
    #expect(DayOrder.infer(from: ["1/2/2026", "12/25/2026"], fallback: .dayFirst) == .monthFirst)
    #expect(DayOrder.infer(from: ["1/2/2026", "2026-12-25"], fallback: .dayFirst) == .dayFirst)
  }
}
