import Testing

@testable import PipelineCore

/// A custom field reads what is typed by its type, into one stored form; and filters find
/// deals by it.
@Suite struct CustomFieldTests {
  static let today = CalendarDay(iso8601: "2026-11-30")!
  static let seats = CustomField(key: "seats", title: "Seats", kind: .number)
  static let contract = CustomField(key: "contract", title: "Contract", kind: .amount)
  static let renewal = CustomField(key: "renewal", title: "Renewal", kind: .date)
  static let industry = CustomField(
    key: "industry", title: "Industry", kind: .choice, choices: ["SaaS", "Retail", "Health"])
  static let champion = CustomField(key: "champion", title: "Champion", kind: .text)

  static var config: PipelineConfig {
    var config = PipelineConfig()
    config.fields = [seats, contract, renewal, industry, champion]
    return config
  }

  @Test(arguments: [
    (seats, "12", "12"), (seats, "-3.5", "-3.5"), (seats, "+7", "7"), (seats, "1,200", "1200"),
    (seats, "1 200", "1200"), (seats, "0001", "1"), (seats, "-0", "0"), (seats, "2.50", "2.5"),
    (seats, "1,234,567.5", "1234567.5"),
    (contract, "12.5k", "USD 12500.00"), (contract, "EUR 9000.5", "EUR 9000.50"), (contract, "€40", "EUR 40.00"),
    (renewal, "2027-01-31", "2027-01-31"), (renewal, "tomorrow", "2026-12-01"), (renewal, "+1w", "2026-12-07"),
    (industry, "saas", "SaaS"), (industry, "2", "Retail"), (industry, "HEALTH", "Health"),
    (champion, "  Dr. Ana  Lima ", "Dr. Ana  Lima"),
  ])
  func aValueIsStored(field: CustomField, typed: String, stored: String) throws {
    #expect(try field.stored(typed, config: Self.config, today: Self.today).get() == stored)
  }

  @Test(arguments: [
    (seats, "twelve", "Seats: 'twelve' is not a number"), (seats, "1.2.3", "Seats: '1.2.3' is not a number"),
    (seats, "12-", "Seats: '12-' is not a number"), (seats, "1,2,3", "Seats: '1,2,3' is not a number"),
    (seats, "1,5", "Seats: '1,5' is not a number"), (seats, "-1,5", "Seats: '-1,5' is not a number"),
    (seats, "1e5", "Seats: '1e5' is not a number"),
    (renewal, "0000-01-01", "Renewal: '0000-01-01' is not a date; use YYYY-MM-DD"),
    (renewal, "31/01/2027", "Renewal: '31/01/2027' is not a date; use YYYY-MM-DD"),
    (industry, "Mining", "Industry: 'Mining' is not a choice; use SaaS, Retail, Health"),
    (industry, "4", "Industry: '4' is not a choice; use SaaS, Retail, Health"),
  ])
  func aBadValueIsNamed(field: CustomField, typed: String, message: String) {
    switch field.stored(typed, config: Self.config, today: Self.today) {
    case .success(let value): Issue.record("'\(typed)' was read as \(String(describing: value))")
    case .failure(let problem): #expect(problem.description == message)
    }
  }

  /// Choices written as numbers are read by name first: "1" is the choice "1", not the
  /// first one.
  @Test func aChoiceIsReadByNameBeforeItsPlace() throws {
    let field = CustomField(key: "size", title: "Size", kind: .choice, choices: ["2", "1", "Large"])
    #expect(try field.stored("1", config: Self.config, today: Self.today).get() == "1")
    #expect(try field.stored("3", config: Self.config, today: Self.today).get() == "Large")
  }

  /// Numbers far past a whole number's range filter and compare as numbers, never trap.
  @Test func largeNumbersFilterAsNumbers() throws {
    var pipeline = Pipeline(config: Self.config)
    for (index, seats) in ["200000000000000", "100000000000000000000000000000000", "5"].enumerated() {
      var new = NewLead(name: "Lead \(index)", stage: "qualifying")
      new.custom = ["seats": seats]
      try pipeline.apply(
        Event(
          id: "e\(index)", time: Self.today.noonUTC, replica: "t", lead: LeadID("lead\(index)"), change: .created(new)))
    }
    func names(_ query: String) throws -> [String] {
      let filter = try LeadFilter(query, context: LeadFilter.Context(me: nil, today: Self.today, config: Self.config))
      return pipeline.leads.filter { filter.matches($0, in: pipeline, now: Self.today.noonUTC, today: Self.today) }
        .map(\.name)
    }
    #expect(try names("seats>100000000000000") == ["Lead 0", "Lead 1"])
    #expect(try names("seats:200000000000000") == ["Lead 0"])
    #expect(try names("seats:1..100000000000000") == ["Lead 2"])
    #expect(try names("seats<-100000000000000").isEmpty)
  }

  @Test func nothingTypedIsNoValueAndAmountsReadBack() throws {
    #expect(try Self.seats.stored("   ", config: Self.config, today: Self.today).get() == nil)
    #expect(try Self.contract.stored("1,234.5", config: Self.config, today: Self.today).get() == "USD 1234.50")
    #expect(CustomField.money("USD 1234.50") == Money(minorUnits: 123_450, currency: "USD"))
    #expect(Self.contract.shown("USD 1234.50") == "USD 1,234.50")
    #expect(CustomField.money("USD 12") == nil)
  }

  @Test(arguments: [
    ("seats>10", ["b"]), ("seats:1..10", ["a"]), ("seats<=5", ["a"]), ("seats:none", ["c"]),
    ("industry:saas", ["a"]), ("industry:saas,health", ["a", "b"]), ("-industry:none", ["a", "b"]),
    ("contract>=10k", ["b"]), ("renewal:2027-Q1", ["a"]), ("renewal<2027-06-01", ["a"]), ("champion:lim", ["b"]),
  ])
  func filtersFindDealsByTheirFields(query: String, expected: [String]) throws {
    var pipeline = Pipeline(config: Self.config)
    let values: [(String, [String: String])] = [
      ("a", ["seats": "5", "industry": "SaaS", "renewal": "2027-02-01", "contract": "USD 900.00"]),
      ("b", ["seats": "40", "industry": "Health", "contract": "USD 12000.00", "champion": "Ana Lima"]),
      ("c", [:]),
    ]
    for (index, (id, custom)) in values.enumerated() {
      var new = NewLead(name: "Lead \(id)", stage: "qualifying")
      new.custom = custom
      try pipeline.apply(
        Event(
          id: "e\(index)", time: Timestamp(iso8601: "2026-11-01T09:00:00Z")!, replica: "t", lead: LeadID("lead\(id)"),
          change: .created(new)))
    }
    let filter = try LeadFilter(query, context: LeadFilter.Context(me: nil, today: Self.today, config: Self.config))
    let selected = pipeline.leads.filter {
      filter.matches($0, in: pipeline, now: Self.today.noonUTC, today: Self.today)
    }
    #expect(selected.map { String($0.id.rawValue.dropFirst(4)) } == expected, "\(query)")
  }

  @Test(arguments: [
    ("seats>many", "seats>many: 'many' is not a number"),
    ("industry:mining", "industry:mining: 'mining' is not a choice of industry; use SaaS, Retail, Health or none"),
    ("industry>saas", "industry>saas: industry takes ':' (industry:saas), not '>'"),
    ("renewal:soon", "renewal:soon: 'soon' is not a date; use YYYY-MM-DD"),
    ("contract>lots", "contract>lots: 'lots' is not an amount"),
  ])
  func aBadTermOnAFieldIsNamed(query: String, message: String) {
    do {
      _ = try LeadFilter(query, context: LeadFilter.Context(me: nil, today: Self.today, config: Self.config))
      Issue.record("\(query) was read")
    } catch {
      #expect("\(error)" == message)
    }
  }
}
