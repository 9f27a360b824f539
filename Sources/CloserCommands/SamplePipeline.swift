import Foundation
import Journal
import PipelineCore

/// Writes realistic synthetic pipelines: international names, every stage, and a history of
/// several events per lead (edits, checklist ticks, notes, moves, follow-ups, wins, losses).
public struct SamplePipeline {
  public var leadCount: Int
  public var seed: UInt64
  public var now: Timestamp
  public var replica: String
  /// How far back the oldest lead was created.
  public var spanDays: Int

  public init(leadCount: Int, seed: UInt64 = 42, now: Timestamp, replica: String = "sample", spanDays: Int = 180) {
    self.leadCount = leadCount
    self.seed = seed
    self.now = now
    self.replica = replica
    self.spanDays = spanDays
  }

  /// The events, in time order, ready to append to an empty journal.
  public func events(config: PipelineConfig) -> [Event] {
    let (all, order) = eventsAndOrder(config: config)
    return order.map { all[Int($0)] }
  }

  /// Every lead's history one after the other, and the order that makes one timeline of
  /// them: the events are not moved to sort them, only their places (a million leads make
  /// eleven million events, 1.6 GB; their places, 44 MB).
  func eventsAndOrder(config: PipelineConfig) -> (events: [Event], order: [Int32]) {
    var random = SplitMix64(seed: seed)
    var ids = Identifiers(generator: SplitMix64(seed: seed &+ 1))
    var usedIDs = Set<LeadID>()
    var all: [Event] = []
    all.reserveCapacity(leadCount * 12)
    for _ in 0..<leadCount {
      var id = ids.leadID()
      while !usedIDs.insert(id).inserted { id = ids.leadID() }
      all.append(contentsOf: history(of: id, config: config, random: &random, ids: &ids))
    }
    // Merge the leads' histories into one timeline; each history is already in order, and
    // the sort keeps events of the same moment in the order they were made.
    var keys = all.indices.map { (time: all[$0].time.millisecondsSinceEpoch, place: Int32($0)) }
    keys.sort { $0.time != $1.time ? $0.time < $1.time : $0.place < $1.place }
    return (all, keys.map(\.place))
  }

  /// One lead's story, written event by event with a clock that only moves forward.
  private struct History {
    let id: LeadID
    let replica: String
    let now: Timestamp
    var time: Timestamp
    var events: [Event] = []

    /// Moves the clock to `moment` (never back).
    mutating func move(to moment: Timestamp) { time = max(time, moment) }

    mutating func add(_ change: Change, _ ids: inout Identifiers<SplitMix64>) {
      events.append(Event(id: ids.eventID(), time: time, replica: replica, lead: id, change: change))
    }
  }

  /// Days a deal typically spends in each stage before it moves on (the mean of an
  /// exponential spread): short at the top of the funnel, longest around the proposal.
  static let meanStageDays: [Double] = [6, 8, 12, 15, 12, 8, 30]

  /// A duration drawn from an exponential spread with the given mean, in milliseconds.
  private func days(mean: Double, _ random: inout SplitMix64) -> Int64 {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
    return Int64(-log(u) * mean * Double(Timestamp.millisecondsPerDay))
  }

  /// What `closer generate` models: leads created evenly over the span; each moves through
  /// the stages with an exponentially spread time in each (means in `meanStageDays`), its
  /// checklist ticks, notes and follow-ups falling inside those times; a deal whose next
  /// step would come after now is still open where it is. Later stages are rarer (a
  /// funnel); a deal that goes no further is lost where it stops once its time there runs
  /// out (19 in 20; the others linger, stalled). So wins and losses are spread over
  /// the whole span, and most open deals are young in their stage.
  private func history(
    of id: LeadID, config: PipelineConfig, random: inout SplitMix64, ids: inout Identifiers<SplitMix64>
  ) -> [Event] {
    let stages = config.stages
    let spanMilliseconds = Int64(spanDays) * Timestamp.millisecondsPerDay
    let start = Timestamp(
      millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64.random(in: 1...spanMilliseconds, using: &random))
    var h = History(id: id, replica: replica, now: now, time: start)
    /// A moment within the next `length` milliseconds, not after now.
    func within(_ length: Int64, _ random: inout SplitMix64) -> Timestamp {
      let end = min(now.millisecondsSinceEpoch, h.time.millisecondsSinceEpoch + max(1, length))
      let from = h.time.millisecondsSinceEpoch
      return Timestamp(millisecondsSinceEpoch: end <= from ? from : Int64.random(in: from...end, using: &random))
    }

    let people = Self.names.randomElement(using: &random)!
    let first = people.first.randomElement(using: &random)!
    let last = people.last.randomElement(using: &random)!
    let company =
      "\(Self.companyStems.randomElement(using: &random)!) \(Self.companySuffixes.randomElement(using: &random)!)"
    let currency =
      Int.random(in: 0..<10, using: &random) < 9
      ? config.defaultCurrency : ["EUR", "GBP"].randomElement(using: &random)!
    let value = Money(minorUnits: Int64.random(in: 2...500, using: &random) * 50_000, currency: currency)
    var new = NewLead(name: "\(first) \(last)", stage: stages[0].key)
    new.company = company
    new.source = Self.sources.randomElement(using: &random)!
    new.owner = Self.owners.randomElement(using: &random)!
    if Bool.random(using: &random) { new.value = value }
    h.add(.created(new), &ids)

    h.move(to: within(Timestamp.millisecondsPerDay, &random))
    var edits: [FieldEdit] = [.text(.email, Self.email(first: first, last: last, company: company))]
    if Bool.random(using: &random) { edits.append(.text(.phone, Self.phone(&random))) }
    if new.value == nil { edits.append(.value(value)) }
    h.add(.edited(edits), &ids)

    // Later stages are rarer, as in a real funnel.
    let target = min(
      stages.count - 1, Int(Double(stages.count) * pow(Double.random(in: 0..<1, using: &random), 1.2)))
    var stageIndex = 0
    while stageIndex < target {
      let stage = stages[stageIndex]
      let mean = Self.meanStageDays[min(stageIndex, Self.meanStageDays.count - 1)]
      let leaving = h.time.millisecondsSinceEpoch + days(mean: mean, &random)
      // The deal is still here when its time in the stage is not over yet.
      if leaving > now.millisecondsSinceEpoch { break }
      let stay = leaving - h.time.millisecondsSinceEpoch
      var gateOverridden = false
      if let key = stage.checklist, let template = config.checklists[key] {
        for criterion in template.criteria {
          if Int.random(in: 0..<10, using: &random) < 8 {
            h.move(to: within(stay / 2, &random))
            h.add(.checked(criterion: criterion.key, isChecked: true), &ids)
          } else {
            gateOverridden = true
          }
        }
      }
      if Bool.random(using: &random) {
        h.move(to: within(stay / 2, &random))
        h.add(.noteAdded(Self.notes.randomElement(using: &random)!), &ids)
      }
      if Bool.random(using: &random) {
        // The next step agreed on the last call.
        h.move(to: within(stay / 2, &random))
        let due = CalendarDay(daysSinceEpoch: h.time.day.daysSinceEpoch + Int64.random(in: 1...10, using: &random))
        h.add(.followUpSet(FollowUp(action: Self.actions.randomElement(using: &random)!, due: due)), &ids)
      }
      if stageIndex >= 2 && Int.random(in: 0..<5, using: &random) < 3 {
        // Scope changed after discovery or the proposal: a new value.
        h.move(to: within(stay / 2, &random))
        let revised = Money(minorUnits: Int64.random(in: 2...500, using: &random) * 50_000, currency: currency)
        h.add(.edited([.value(revised)]), &ids)
      }
      h.move(to: Timestamp(millisecondsSinceEpoch: leaving))
      stageIndex += 1
      if stageIndex == stages.count - 1 {
        h.add(.won, &ids)
      } else {
        h.add(.moved(stage: stages[stageIndex].key, position: 1, gateOverridden: gateOverridden), &ids)
      }
    }
    guard stageIndex < stages.count - 1 else { return h.events }
    if let key = stages[stageIndex].checklist, let template = config.checklists[key] {
      // Deals waiting in a gated stage are part-way through its checklist.
      for criterion in template.criteria.prefix(Int.random(in: 0...template.criteria.count, using: &random)) {
        h.move(to: within(3 * Timestamp.millisecondsPerDay, &random))
        h.add(.checked(criterion: criterion.key, isChecked: true), &ids)
      }
    }
    // A deal that goes no further is lost where it stopped once its time there ran out
    // (19 in 20; the rest linger, stalled), or is still open when that is after now.
    let mean = Self.meanStageDays[min(stageIndex, Self.meanStageDays.count - 1)]
    let ends = h.time.millisecondsSinceEpoch + days(mean: mean, &random)
    if stageIndex == target && ends <= now.millisecondsSinceEpoch && Int.random(in: 0..<20, using: &random) != 0 {
      h.move(to: Timestamp(millisecondsSinceEpoch: ends))
      h.add(.lost(reason: config.lostReasons.randomElement(using: &random) ?? "No decision"), &ids)
      return h.events
    }
    h.move(to: within(2 * Timestamp.millisecondsPerDay, &random))
    // Some follow-ups are overdue, but none was due before the day it was set.
    let due = max(h.time.day, now.day.adding(days: Int.random(in: -6...14, using: &random)))
    h.add(.followUpSet(FollowUp(action: Self.actions.randomElement(using: &random)!, due: due)), &ids)
    if Int.random(in: 0..<4, using: &random) == 0 {
      h.move(to: within(Timestamp.millisecondsPerDay, &random))
      h.add(.edited([.expectedClose(now.day.adding(days: Int.random(in: 7...120, using: &random)))]), &ids)
    }
    return h.events
  }

  /// Appends the events to `store` in batches of a few megabytes; returns how many.
  public func append(to store: PipelineStore) throws -> Int {
    let (events, order) = eventsAndOrder(config: store.pipeline.config)
    var start = 0
    while start < order.count {
      let end = min(start + 50_000, order.count)
      try store.recordAll(order[start..<end].map { events[Int($0)] })
      start = end
    }
    // A large sample opens fast from the start; failing to write the snapshot costs only speed.
    if events.count >= PipelineStore.snapshotMinimumEvents { try? store.saveSnapshot() }
    return order.count
  }

  static func email(first: String, last: String, company: String) -> String {
    func ascii(_ text: String) -> String {
      SearchKey.fold(text).filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
    let user = ascii(first).isEmpty ? "contact" : ascii(first)
    let domain = ascii(company.split(separator: " ").first.map(String.init) ?? "example")
    return "\(user).\(ascii(last).isEmpty ? "x" : ascii(last))@\(domain.isEmpty ? "example" : domain).example"
  }

  static func phone(_ random: inout SplitMix64) -> String {
    let country = ["+1", "+44", "+49", "+33", "+34", "+81", "+55", "+91", "+234", "+46"].randomElement(using: &random)!
    return "\(country) \(Int.random(in: 100...999, using: &random)) \(Int.random(in: 1000...9999, using: &random))"
  }

  /// First and last names that go together, from many parts of the world.
  static let names: [(first: [String], last: [String])] = [
    (["José", "María", "Lucía", "Mateo", "Sofía"], ["García", "Fernández", "López", "Martínez"]),
    (["João", "Mateus", "Ana", "Thiago"], ["Silva", "Santos", "Oliveira", "Araújo"]),
    (["Zoë", "Chloé", "François", "Élodie", "Raphaël", "Anaïs"], ["Dubois", "Lefèvre", "Moreau", "Girard"]),
    (["Jürgen", "Anna", "Lukas", "Marie"], ["Müller", "Schäfer", "Weiß", "Köhler"]),
    (["Søren", "Ingrid", "Björn", "Åsa"], ["Andersen", "Håkansson", "Lindqvist", "Nørgaard"]),
    (["Ólafur", "Guðrún"], ["Jónsson", "Sigurðardóttir"]),
    (["Łukasz", "Agnieszka", "Ewa"], ["Kowalski", "Nowak", "Wiśniewska"]),
    (["Jiří", "Tereza"], ["Dvořák", "Novák"]),
    (["Siobhán", "Oisín", "Aoife"], ["Ó Briain", "O'Neill", "Mac Giolla"]),
    (["Giulia", "Matteo", "Francesca"], ["Rossi", "Esposito", "Bianchi"]),
    (["Aylin", "Mehmet", "Elif"], ["Yılmaz", "Öztürk", "Şahin"]),
    (["Дмитрий", "Ольга", "Алексей"], ["Иванов", "Петрова", "Смирнов"]),
    (["Mohammed", "Fatima", "Omar"], ["Al-Farsi", "Haddad", "Nasser"]),
    (["Priya", "Arjun", "Ananya"], ["Sharma", "Patel", "Iyer"]),
    (["Chidi", "Ngozi", "Kwame", "Amara"], ["Okafor", "Mensah", "Adeyemi"]),
    (["美咲", "陽翔", "結衣"], ["佐藤", "鈴木", "高橋"]),
    (["伟", "芳", "静"], ["王", "李", "张"]),
    (["Seo-yeon", "Min-jun", "Ji-woo"], ["Kim", "Park", "Lee"]),
    (["Nguyễn", "Thảo", "Minh"], ["Trần", "Lê", "Phạm"]),
    (["Aroha", "Tāne", "Mere"], ["Ngata", "Parata", "Tūhoe"]),
    (["Emma", "Liam", "Noah", "Ava", "Olivia"], ["Smith", "Johnson", "Brown", "Walker"]),
  ]

  static let companyStems = [
    "Nordwind", "Acme", "Bluefin", "Cedar", "Dynamo", "Everest", "Fjord", "Granite", "Helix", "Ibis",
    "Jade", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orbit", "Pioneer", "Quarry", "Riviera", "Summit",
    "Tundra", "Umbra", "Vantage", "Willow", "Xenon", "Yarrow", "Zenith", "Sakura", "Café Olé", "Øresund",
  ]
  static let companySuffixes = [
    "Logistics", "Analytics", "Foods", "Robotics", "Health", "Media", "Energy", "Labs", "Partners",
    "Software", "GmbH", "S.A.", "KK", "Ltd", "Inc.", "AB", "Group", "Systems",
  ]
  static let sources = ["Referral", "Website", "Webinar", "Cold outreach", "Conference", "Partner", "LinkedIn"]
  static let owners = ["alex", "sam", "kim", "ren"]
  static let actions = [
    "Call to confirm budget", "Send proposal", "Book demo", "Follow up on contract", "Check in after trial",
    "Intro to decision maker", "Send case study", "Schedule onboarding",
  ]
  static let notes = [
    "Spoke with the team lead; they want a pilot before Q2.",
    "Budget approved in principle.\nWaiting on procurement.",
    "Competitor demo next week — send the comparison sheet.",
    "Asked for references in the same industry.",
    "Legal review: two comments on the DPA, both fine.",
    "Champion is moving to another team; find a new one.",
  ]
}
