/// Which deals to show, in the filter language (docs/filters.md): terms separated by
/// spaces, all of which must hold. `owner:me`, `stage:proposal`, `tier:A,B` (either),
/// `value>50k`, `value:10k..100k`, `status:lost`, `source:referral`, `due:overdue`,
/// `stalled`, `created>2026-01-01`, `closed:2026-Q3`, `company:acme`, and plain words
/// (matched in the name and the company); `-` before a term negates it, double quotes hold
/// spaces, case and accents are ignored as in search.
public struct LeadFilter: Sendable, Equatable {
  /// What the filter was read from, as typed.
  public let text: String
  let terms: [Term]

  struct Term: Sendable, Equatable {
    var negated: Bool
    var test: Test
  }

  enum Test: Sendable, Equatable {
    /// Folded owner names; "" is nobody.
    case owner(Set<String>)
    case stage(Set<String>)
    case tier(Set<Tier>)
    case status(Set<LeadStatus>)
    /// Minor units in the default currency, both ends included; a deal without a value,
    /// or in another currency, never matches.
    case value(ClosedRange<Int64>)
    case source(String)
    case company(String)
    case due(Due)
    case stalled
    case created(ClosedRange<Int64>)
    case closed(ClosedRange<Int64>)
    /// A plain word, folded: in the name or the company.
    case word(String)
    /// Logged activities: any of these holds.
    case activity([ActivityTest])
    /// A custom field (`[[fields]]`) by its key.
    case custom(String, CustomTest)
  }

  /// What a term on a custom field asks of its value.
  enum CustomTest: Sendable, Equatable {
    /// No value.
    case none
    /// Text (folded) the value contains.
    case contains(String)
    /// One of these choices (folded).
    case oneOf(Set<String>)
    /// An amount (in minor units of `currency`) or a date (in days) within the range.
    case range(CustomField.Kind, currency: String, ClosedRange<Int64>)
    /// A number within the range.
    case numbers(ClosedRange<Double>)

    func passes(_ stored: String?) -> Bool {
      guard let stored else { return self == .none }
      switch self {
      case .none: return false
      case .contains(let text): return SearchKey.fold(stored).contains(text)
      case .oneOf(let choices): return choices.contains(SearchKey.fold(stored))
      case .range(let kind, let currency, let range):
        switch kind {
        case .amount:
          guard let money = CustomField.money(stored), money.currency == currency else { return false }
          return range.contains(money.minorUnits)
        case .date:
          return CalendarDay(iso8601: stored).map { range.contains($0.daysSinceEpoch) } ?? false
        default:
          return false
        }
      case .numbers(let range):
        return Double(stored).map { range.contains($0) } ?? false
      }
    }
  }

  /// One value of an `activity:` term: an activity (of a kind, or any) logged ever or in the
  /// last so many days, or (`none`) no such activity.
  struct ActivityTest: Sendable, Equatable {
    var kind: String?
    var days: Int?
    var none: Bool

    func passes(_ activities: [Activity], now: Timestamp) -> Bool {
      let since = days.map { now.millisecondsSinceEpoch - Int64($0) * Timestamp.millisecondsPerDay }
      let found = activities.contains { activity in
        (kind == nil || activity.kind == kind) && (since.map { activity.time.millisecondsSinceEpoch >= $0 } ?? true)
      }
      return found != none
    }
  }

  enum Due: String, Sendable, Equatable {
    case overdue, today, week, none
  }

  /// What reading a filter needs to know: the rep's name for `me`, today for `due`, and the
  /// pipeline's stages and currency.
  public struct Context: Sendable {
    public var me: String?
    public var today: CalendarDay
    public var config: PipelineConfig

    public init(me: String?, today: CalendarDay, config: PipelineConfig) {
      self.me = me
      self.today = today
      self.config = config
    }
  }

  /// The keys a term may have, as the error for an unknown one lists them.
  static let keys = [
    "owner", "stage", "tier", "status", "value", "source", "company", "due", "created", "closed", "activity",
  ]

  public var isEmpty: Bool { terms.isEmpty }

  /// Reads `text`; an error names the term and what is wrong with it.
  public init(_ text: String, context: Context) throws(LeadFilterError) {
    self.text = text
    var terms: [Term] = []
    for token in try Self.tokens(text) { terms.append(try Self.term(token, context: context)) }
    self.terms = terms
  }

  /// Whether `lead` passes every term.
  public func matches(_ lead: Lead, in pipeline: Pipeline, now: Timestamp, today: CalendarDay) -> Bool {
    withUnsafePointer(to: lead) { matches($0, in: pipeline, now: now, today: today) }
  }

  /// Whether the lead at `lead` passes every term, its fields read in place (a board over
  /// 100,000 cards: a copy of each lead would retain a dozen strings).
  public func matches(_ lead: UnsafePointer<Lead>, in pipeline: Pipeline, now: Timestamp, today: CalendarDay) -> Bool {
    terms.allSatisfy { term in term.negated != Self.passes(term.test, lead, pipeline, now: now, today: today) }
  }

  private static func passes(
    _ test: Test, _ place: UnsafePointer<Lead>, _ pipeline: Pipeline, now: Timestamp, today: CalendarDay
  ) -> Bool {
    switch test {
    case .owner(let names):
      let owner = place.pointee.owner
      return names.contains(owner.isEmpty ? "" : SearchKey.fold(owner))
    case .stage(let keys): return keys.contains(place.pointee.stage)
    case .tier(let tiers): return tiers.contains(pipeline.score(of: place.pointee, now: now).tier)
    case .status(let statuses): return statuses.contains(place.pointee.status)
    case .value(let range):
      guard let value = place.pointee.value, value.currency == pipeline.config.defaultCurrency else { return false }
      return range.contains(value.minorUnits)
    case .source(let text): return SearchKey.fold(place.pointee.source).contains(text)
    case .company(let text): return SearchKey.fold(place.pointee.company).contains(text)
    case .due(let due):
      guard let followUp = place.pointee.followUp, place.pointee.status != .lost else { return due == .none }
      switch due {
      case .overdue: return followUp.due < today
      case .today: return followUp.due == today
      case .week: return followUp.due <= today.adding(days: 7)
      case .none: return false
      }
    case .stalled: return pipeline.isStalled(place.pointee, now: now)
    case .created(let days): return days.contains(place.pointee.created.day.daysSinceEpoch)
    case .closed(let days): return place.pointee.closed.map { days.contains($0.day.daysSinceEpoch) } ?? false
    case .word(let word):
      return SearchKey.fold(place.pointee.name).contains(word) || SearchKey.fold(place.pointee.company).contains(word)
    case .activity(let tests):
      return tests.contains { $0.passes(place.pointee.activities, now: now) }
    case .custom(let key, let test):
      return test.passes(place.pointee.custom[key])
    }
  }

  // MARK: Reading

  /// A term on a custom field: `none` for no value; text by what it contains; a choice by
  /// its name (a list: either); numbers, amounts and dates as `value` and `created` take them.
  static func customTest(
    _ field: CustomField, _ op: String, _ value: String, _ context: Context, _ fail: (String) -> LeadFilterError
  ) throws(LeadFilterError) -> CustomTest {
    if op == ":" && SearchKey.fold(value) == "none" { return .none }
    switch field.kind {
    case .text, .choice:
      guard op == ":" else { throw fail("\(field.key) takes ':' (\(field.key):\(value)), not '\(op)'") }
      guard field.kind == .choice else { return .contains(SearchKey.fold(value)) }
      var picked = Set<String>()
      for name in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
        guard let choice = field.choices.first(where: { SearchKey.fold($0) == SearchKey.fold(name) }) else {
          throw fail("'\(name)' is not a choice of \(field.key); use \(field.choices.joined(separator: ", ")) or none")
        }
        picked.insert(SearchKey.fold(choice))
      }
      return .oneOf(picked)
    case .number:
      func number(_ text: String) throws(LeadFilterError) -> Double {
        guard let number = CustomField.number(text, mark: context.config.amountMark).flatMap(Double.init),
          number.isFinite
        else { throw fail("'\(text)' is not a number") }
        return number
      }
      switch op {
      case ">": return .numbers(try number(value).nextUp...Double.infinity)
      case ">=": return .numbers(try number(value)...Double.infinity)
      case "<": return .numbers(-Double.infinity...(try number(value).nextDown))
      case "<=": return .numbers(-Double.infinity...(try number(value)))
      default:
        guard let dots = value.range(of: "..") else {
          let exact = try number(value)
          return .numbers(exact...exact)
        }
        let low = try number(String(value[..<dots.lowerBound]))
        let high = try number(String(value[dots.upperBound...]))
        guard low <= high else {
          throw LeadFilterError(term: value, reason: "the range '\(value)' ends before it starts")
        }
        return .numbers(low...high)
      }
    case .amount:
      let currency = context.config.defaultCurrency
      let range = try range(op, value) { (text: String) throws(LeadFilterError) -> Int64 in
        switch Money.parse(text, defaultCurrency: currency, mark: context.config.amountMark) {
        case .success(let money) where money.currency == currency: return money.minorUnits
        case .success: throw fail("'\(text)' is not in \(currency), the pipeline's currency")
        case .failure: throw fail("'\(text)' is not an amount")
        }
      }
      return .range(.amount, currency: currency, range)
    case .date:
      let days = try range(op, value) { (text: String) throws(LeadFilterError) -> Int64 in
        guard let day = CalendarDay(iso8601: text) else { throw fail("'\(text)' is not a date; use YYYY-MM-DD") }
        return day.daysSinceEpoch
      } periods: { text in
        Self.period(text)
      }
      return .range(.date, currency: "", days)
    }
  }

  /// A value of `activity:`: `call`, `meeting`, `email` or `any` (logged ever), `none`
  /// (nothing logged), each optionally with `-14d` or `-2w` (in the last 14 days, 2 weeks),
  /// or the days alone (`14d`: anything logged in the last 14 days).
  static func activityTest(
    _ text: String, _ fail: (String) -> LeadFilterError
  ) throws(LeadFilterError) -> ActivityTest {
    let folded = SearchKey.fold(text)
    var name = folded
    var days: Int?
    func span(_ text: Substring) -> Int? {
      guard let unit = text.last, unit == "d" || unit == "w", let count = Int(text.dropLast()), count > 0,
        count <= 36_500
      else { return nil }
      return unit == "w" ? count * 7 : count
    }
    if let dash = folded.lastIndex(of: "-") {
      guard let found = span(folded[folded.index(after: dash)...]) else {
        throw fail("'\(text)' is not an activity; '-' takes a span such as 14d or 2w")
      }
      days = found
      name = String(folded[..<dash])
    } else if let found = span(folded[...]) {
      days = found
      name = "any"
    }
    switch name {
    case "none": return ActivityTest(kind: nil, days: days, none: true)
    case "any": return ActivityTest(kind: nil, days: days, none: false)
    case let kind where Activity.kind(named: kind) != nil:
      // As `closer log` takes them: `c` is a call, `meet` a meeting.
      return ActivityTest(kind: Activity.kind(named: kind), days: days, none: false)
    default:
      throw fail(
        "'\(text)' is not an activity; use call, meeting, email, any or none, with -14d for the last 14 days")
    }
  }

  /// The terms: runs of characters between spaces, where double quotes hold spaces (and
  /// are taken away).
  static func tokens(_ text: String) throws(LeadFilterError) -> [String] {
    var tokens: [String] = []
    var current = ""
    var quoted = false
    var started = false
    for character in text {
      if character == "\"" {
        quoted.toggle()
        started = true
      } else if character.isWhitespace && !quoted {
        if started { tokens.append(current) }
        current = ""
        started = false
      } else {
        current.append(character)
        started = true
      }
    }
    guard !quoted else { throw LeadFilterError(term: current, reason: "a quote is not closed") }
    if started { tokens.append(current) }
    return tokens
  }

  private static func term(_ token: String, context: Context) throws(LeadFilterError) -> Term {
    var body = Substring(token)
    var negated = false
    if body.hasPrefix("-"), body.count > 1 {
      negated = true
      body = body.dropFirst()
    }
    func fail(_ reason: String) -> LeadFilterError { LeadFilterError(term: token, reason: reason) }
    // key, operator, value: the first ':', '>' or '<' after a known key.
    guard let split = body.firstIndex(where: { ":<>".contains($0) }) else {
      let folded = SearchKey.fold(String(body))
      if folded == "stalled" { return Term(negated: negated, test: .stalled) }
      guard !folded.isEmpty else { throw fail("an empty term") }
      return Term(negated: negated, test: .word(folded))
    }
    let key = SearchKey.fold(String(body[..<split]))
    var rest = body[split...]
    var op = String(rest.removeFirst())
    if op != ":", rest.first == "=" {
      op += "="
      rest.removeFirst()
    }
    let value = String(rest)
    let custom = context.config.field(forKey: key)
    guard Self.keys.contains(key) || custom != nil else {
      let fields = context.config.fields.map { ", \($0.key)" }.joined()
      throw fail(
        "'\(body[..<split])' is not a key; use \(Self.keys.joined(separator: ", "))\(fields), stalled, or plain words")
    }
    if let custom, !Self.keys.contains(key) {
      guard !value.isEmpty else { throw fail("'\(key)' needs a value after \(op)") }
      return Term(negated: negated, test: .custom(key, try Self.customTest(custom, op, value, context, fail)))
    }
    guard !value.isEmpty else { throw fail("'\(key)' needs a value after \(op)") }
    let ordered = ["value", "created", "closed"]
    guard op == ":" || ordered.contains(key) else {
      throw fail("\(key) takes ':' (\(key):\(value)), not '\(op)'")
    }
    let list = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    switch key {
    case "owner":
      var names = Set<String>()
      for name in list {
        switch SearchKey.fold(name) {
        case "me":
          guard let me = context.me, !me.isEmpty else {
            throw fail("Closer does not know who 'me' is: set CLOSER_OWNER to your name")
          }
          names.insert(SearchKey.fold(me))
        case "none": names.insert("")
        case "": throw fail("an empty name")
        case let folded: names.insert(folded)
        }
      }
      return Term(negated: negated, test: .owner(names))
    case "stage":
      var keys = Set<String>()
      for name in list {
        let folded = SearchKey.fold(name)
        guard
          let stage = context.config.stages.first(where: {
            SearchKey.fold($0.key) == folded || SearchKey.fold($0.title) == folded
          })
        else {
          throw fail(
            "'\(name)' is not a stage; use \(context.config.stages.map(\.key).joined(separator: ", "))")
        }
        keys.insert(stage.key)
      }
      return Term(negated: negated, test: .stage(keys))
    case "tier":
      var tiers = Set<Tier>()
      for name in list {
        guard let tier = Tier(rawValue: name.uppercased()) else { throw fail("'\(name)' is not a tier; use A, B or C") }
        tiers.insert(tier)
      }
      return Term(negated: negated, test: .tier(tiers))
    case "status":
      var statuses = Set<LeadStatus>()
      for name in list {
        guard let status = LeadStatus(rawValue: SearchKey.fold(name)) else {
          throw fail("'\(name)' is not a status; use open, won or lost")
        }
        statuses.insert(status)
      }
      return Term(negated: negated, test: .status(statuses))
    case "source": return Term(negated: negated, test: .source(SearchKey.fold(value)))
    case "company": return Term(negated: negated, test: .company(SearchKey.fold(value)))
    case "activity":
      return Term(
        negated: negated,
        test: .activity(
          try list.map { text throws(LeadFilterError) in
            try Self.activityTest(text, fail)
          }))
    case "due":
      guard let due = Due(rawValue: SearchKey.fold(value)) else {
        throw fail("'\(value)' is not a due; use overdue, today, week or none")
      }
      return Term(negated: negated, test: .due(due))
    case "value":
      func amount(_ text: String) throws(LeadFilterError) -> Int64 {
        switch Money.parse(text, defaultCurrency: context.config.defaultCurrency, mark: context.config.amountMark) {
        case .success(let money) where money.currency == context.config.defaultCurrency: return money.minorUnits
        case .success: throw fail("'\(text)' is not in \(context.config.defaultCurrency), the pipeline's currency")
        case .failure: throw fail("'\(text)' is not an amount")
        }
      }
      return Term(negated: negated, test: .value(try range(op, value, amount)))
    default:  // created, closed
      let days = try range(op, value) { (text: String) throws(LeadFilterError) -> Int64 in
        guard let day = CalendarDay(iso8601: text) else { throw fail("'\(text)' is not a date; use YYYY-MM-DD") }
        return day.daysSinceEpoch
      } periods: { text in
        Self.period(text)
      }
      return Term(negated: negated, test: key == "created" ? .created(days) : .closed(days))
    }
  }

  /// The range an operator and a value give: `>x`, `>=x`, `<x`, `<=x`, `:x` (exactly x, or
  /// the days of a period), `:x..y` (both included).
  private static func range(
    _ op: String, _ value: String, _ read: (String) throws(LeadFilterError) -> Int64,
    periods: (String) -> ClosedRange<Int64>? = { _ in nil }
  ) throws(LeadFilterError) -> ClosedRange<Int64> {
    switch op {
    // Saturating at the ends: a bound as large as an Int64 gets matches it can, never a trap.
    case ">":
      let bound = try read(value)
      return (bound == .max ? .max : bound + 1)...Int64.max
    case ">=": return try read(value)...Int64.max
    case "<":
      let bound = try read(value)
      return Int64.min...(bound == .min ? .min : bound - 1)
    case "<=": return Int64.min...(try read(value))
    default:
      if let dots = value.range(of: "..") {
        // Each end may be a period: 2026-09..2026-12 is September to December.
        let from = String(value[..<dots.lowerBound])
        let to = String(value[dots.upperBound...])
        let low: Int64
        let high: Int64
        if let period = periods(from) { low = period.lowerBound } else { low = try read(from) }
        if let period = periods(to) { high = period.upperBound } else { high = try read(to) }
        guard low <= high else {
          throw LeadFilterError(term: value, reason: "the range '\(value)' ends before it starts")
        }
        return low...high
      }
      if let period = periods(value) { return period }
      let exact = try read(value)
      return exact...exact
    }
  }

  /// The days of `2026` (a year), `2026-05` (a month) or `2026-Q3` (a quarter).
  static func period(_ text: String) -> ClosedRange<Int64>? {
    let parts = text.uppercased().split(separator: "-")
    guard let year = parts.first.flatMap({ Int($0) }), parts[0].count == 4 else { return nil }
    var first = (1, 12)
    if parts.count == 2, parts[1].hasPrefix("Q"), let q = Int(parts[1].dropFirst()), (1...4).contains(q) {
      first = (q * 3 - 2, q * 3)
    } else if parts.count == 2, parts[1].count == 2, let m = Int(parts[1]), (1...12).contains(m) {
      first = (m, m)
    } else if parts.count != 1 {
      return nil
    }
    guard let start = CalendarDay(year: year, month: first.0, day: 1),
      let end = CalendarDay(year: year, month: first.1, day: CalendarDay.daysIn(month: first.1, year: year))
    else { return nil }
    return start.daysSinceEpoch...end.daysSinceEpoch
  }
}

/// A filter Closer cannot read: the term, and what is wrong with it.
public struct LeadFilterError: Error, Equatable, CustomStringConvertible {
  public var term: String
  public var reason: String

  public var description: String { "\(term): \(reason)" }
}
