import Testing

@testable import PipelineCore

/// The filter language as a table: queries and the deals they select, and every error with
/// the term it points at.
@Suite struct LeadFilterTests {
  static let now = Timestamp(iso8601: "2026-11-30T12:00:00Z")!
  static let today = CalendarDay(iso8601: "2026-11-30")!

  /// Six deals: who owns them, what they are worth, where they are, how they ended.
  static func pipeline() throws -> Pipeline {
    var pipeline = Pipeline()
    var count = 0
    func apply(_ lead: String, _ change: Change, _ at: String) throws {
      count += 1
      try pipeline.apply(
        Event(id: "e\(count)", time: Timestamp(iso8601: at)!, replica: "t", lead: LeadID(lead), change: change))
    }
    func usd(_ major: Int64) -> Money { Money(minorUnits: major * 100, currency: "USD") }
    try apply(
      "acme",
      .created(
        NewLead(
          name: "Ana Lima", company: "Acme Logistics", owner: "Ana", source: "Referral",
          value: usd(60_000), stage: "proposal")), "2026-02-10T09:00:00Z")
    try apply(
      "blue",
      .created(
        NewLead(
          name: "Ben Okafor", company: "Bluefin", owner: "ben", source: "Web",
          value: usd(8_000), stage: "qualifying")), "2026-08-01T09:00:00Z")
    try apply(
      "cafe",
      .created(
        NewLead(
          name: "Chloé Dubois", company: "Café Olé", owner: "Âna", value: usd(120_000),
          stage: "negotiation")), "2025-12-20T09:00:00Z")
    try apply(
      "delt",
      .created(
        NewLead(
          name: "Dara Singh", company: "Delta Air",
          value: Money(
            minorUnits: 900_000_00,
            currency: "EUR"), stage: "lead-generation")), "2026-11-01T09:00:00Z")
    try apply(
      "echo",
      .created(
        NewLead(
          name: "Eve Park", company: "Echo Labs", owner: "ben", value: usd(45_000),
          stage: "closing")), "2026-06-01T09:00:00Z")
    try apply(
      "fjor", .created(NewLead(name: "Finn Berg", company: "Fjord Energy", owner: "Ana", stage: "proposal")),
      "2026-09-01T09:00:00Z")
    try apply("echo", .won, "2026-08-15T09:00:00Z")
    try apply("blue", .lost(reason: "Price"), "2026-09-20T09:00:00Z")
    try apply(
      "acme", .followUpSet(FollowUp(action: "Call", due: CalendarDay(iso8601: "2026-11-28")!)), "2026-11-20T09:00:00Z")
    try apply("fjor", .followUpSet(FollowUp(action: "Demo", due: today)), "2026-11-29T09:00:00Z")
    try apply(
      "cafe", .followUpSet(FollowUp(action: "Send", due: CalendarDay(iso8601: "2026-12-04")!)), "2026-11-29T09:00:00Z")
    // Logged activities: a call with Ana three days ago, a meeting with Chloé a month ago,
    // an email to Finn twenty days ago.
    try apply("acme", .activityLogged(kind: "call", outcome: "Talked budget"), "2026-11-27T12:00:00Z")
    try apply("cafe", .activityLogged(kind: "meeting", outcome: "Demo"), "2026-10-30T12:00:00Z")
    try apply("fjor", .activityLogged(kind: "email", outcome: ""), "2026-11-10T12:00:00Z")
    return pipeline
  }

  static func select(_ query: String, me: String? = "ana") throws -> [String] {
    let pipeline = try pipeline()
    let filter = try LeadFilter(query, context: LeadFilter.Context(me: me, today: today, config: pipeline.config))
    return pipeline.leads.filter { filter.matches($0, in: pipeline, now: now, today: today) }.map(\.id.rawValue)
      .sorted()
  }

  @Test(arguments: [
    ("", ["acme", "blue", "cafe", "delt", "echo", "fjor"]),
    ("owner:me", ["acme", "cafe", "fjor"]),  // "Âna" and "Ana" are "ana", accents and case aside
    ("owner:BEN", ["blue", "echo"]),
    ("owner:none", ["delt"]),
    ("owner:ben,none", ["blue", "delt", "echo"]),
    ("-owner:ana", ["blue", "delt", "echo"]),
    ("stage:proposal", ["acme", "fjor"]),
    ("stage:Proposal,post-sale", ["acme", "echo", "fjor"]),  // a won deal is in post-sale
    ("stage:\"Needs Assessment\"", []),
    ("status:lost", ["blue"]),
    ("status:open,won", ["acme", "cafe", "delt", "echo", "fjor"]),
    ("-status:lost owner:ben", ["echo"]),
    ("value>50k", ["acme", "cafe"]),  // the EUR deal and the one without a value never match
    ("value>=60k", ["acme", "cafe"]),
    ("value<10k", ["blue"]),
    ("value:10k..100k", ["acme", "echo"]),
    ("value:8000", ["blue"]),
    ("source:referral", ["acme"]),
    ("company:ole", ["cafe"]),
    ("due:overdue", ["acme"]),
    ("due:today", ["fjor"]),
    ("due:week", ["acme", "cafe", "fjor"]),
    ("due:none", ["blue", "delt", "echo"]),
    ("created>2026-06-01", ["blue", "delt", "fjor"]),
    ("created<2026-01-01", ["cafe"]),
    ("created:2026-Q1", ["acme"]),
    ("created:2026-08", ["blue"]),
    ("created:2025", ["cafe"]),
    ("created:2026-02-10", ["acme"]),
    ("closed:2026-Q3", ["blue", "echo"]),
    ("closed:2026-09..2026-12", ["blue"]),
    ("closed:2026-09-01..2026-12-31", ["blue"]),
    ("lima", ["acme"]),
    ("chloe", ["cafe"]),
    ("\"fjord energy\"", ["fjor"]),
    ("-a", ["fjor"]),
    ("owner:me value>50k -status:lost", ["acme", "cafe"]),
    ("activity:none", ["blue", "delt", "echo"]),
    ("activity:none-14d", ["blue", "cafe", "delt", "echo", "fjor"]),
    ("activity:none-3w", ["blue", "cafe", "delt", "echo"]),
    ("activity:14d", ["acme"]),
    ("activity:any", ["acme", "cafe", "fjor"]),
    ("activity:call", ["acme"]),
    ("activity:meeting,email-2w", ["cafe"]),
    ("activity:email-3w", ["fjor"]),
    ("-activity:none status:open", ["acme", "cafe", "fjor"]),
  ])
  func aQuerySelects(query: String, expected: [String]) throws {
    #expect(try Self.select(query) == expected, "\(query)")
  }

  @Test(arguments: [
    ("value>5Ok", "value>5Ok: '5Ok' is not an amount"),
    ("value:EUR 5", "value:EUR: 'EUR' is not an amount"),
    ("value:\"EUR 5\"", "value:EUR 5: 'EUR 5' is not in USD, the pipeline's currency"),
    ("value:100k..10k", "100k..10k: the range '100k..10k' ends before it starts"),
    ("tier:D", "tier:D: 'D' is not a tier; use A, B or C"),
    (
      "stage:proposl",
      "stage:proposl: 'proposl' is not a stage; use lead-generation, qualifying, needs-assessment, proposal, negotiation, closing, post-sale"
    ),
    ("status:closed", "status:closed: 'closed' is not a status; use open, won or lost"),
    ("due:soon", "due:soon: 'soon' is not a due; use overdue, today, week or none"),
    ("created>last-week", "created>last-week: 'last-week' is not a date; use YYYY-MM-DD"),
    (
      "colour:red",
      "colour:red: 'colour' is not a key; use owner, stage, tier, status, value, source, company, due, created, closed, activity, stalled, or plain words"
    ),
    ("owner:", "owner:: 'owner' needs a value after :"),
    (
      "activity:lunch",
      "activity:lunch: 'lunch' is not an activity; use call, meeting, email, any or none, with -14d for the last 14 days"
    ),
    ("activity:call-2x", "activity:call-2x: 'call-2x' is not an activity; '-' takes a span such as 14d or 2w"),
    ("activity>call", "activity>call: activity takes ':' (activity:call), not '>'"),
    ("owner>ana", "owner>ana: owner takes ':' (owner:ana), not '>'"),
    ("owner:ana,", "owner:ana,: an empty name"),
    ("\"open quote", "open quote: a quote is not closed"),
  ])
  func aBadTermIsNamed(query: String, message: String) throws {
    let pipeline = try Self.pipeline()
    do {
      _ = try LeadFilter(query, context: LeadFilter.Context(me: "ana", today: Self.today, config: pipeline.config))
      Issue.record("\(query) was read")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func meNeedsAName() throws {
    do {
      _ = try Self.select("owner:me", me: nil)
      Issue.record("owner:me was read without a name")
    } catch let error as LeadFilterError {
      #expect(error.description == "owner:me: Closer does not know who 'me' is: set CLOSER_OWNER to your name")
    }
  }

  @Test func tiersAndStalledUseTheScore() throws {
    let pipeline = try Self.pipeline()
    let context = LeadFilter.Context(me: nil, today: Self.today, config: pipeline.config)
    for tier in Tier.allCases {
      let filter = try LeadFilter("tier:\(tier.rawValue.lowercased())", context: context)
      let expected = pipeline.leads.filter { pipeline.score(of: $0, now: Self.now).tier == tier }.map(\.id)
      #expect(
        pipeline.leads.filter { filter.matches($0, in: pipeline, now: Self.now, today: Self.today) }.map(\.id)
          == expected)
    }
    let stalled = try LeadFilter("stalled", context: context)
    let expected = pipeline.leads.filter { pipeline.isStalled($0, now: Self.now) }.map(\.id)
    #expect(!expected.isEmpty)
    #expect(
      pipeline.leads.filter { stalled.matches($0, in: pipeline, now: Self.now, today: Self.today) }.map(\.id)
        == expected)
  }
}
