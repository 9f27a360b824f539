import Foundation
import Testing

/// Dates a rep types or reads on the command line are local dates (TZ), while the journal's
/// timestamps stay UTC. Kiritimati (UTC+14) and Pago Pago (UTC-11) are a day apart for all
/// but one hour of every day, so at any time at least one of them differs from UTC.
@Suite struct LocalDateCommandTests {
  /// The date it is in `zone` at `moment`, worked out by Foundation rather than by Closer.
  static func localDate(in zone: String, at moment: Date) throws -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: zone))
    let parts = calendar.dateComponents([.year, .month, .day], from: moment)
    let (year, month, day) = (try #require(parts.year), try #require(parts.month), try #require(parts.day))
    return String(format: "%04d-%02d-%02d", year, month, day)
  }

  func due(of lead: String, in box: Sandbox) throws -> String? {
    let show = try #require(try json(box.run(["show", lead, "--json"]).stdout) as? [String: Any])
    return (show["followUp"] as? [String: Any])?["due"] as? String
  }

  @Test(arguments: ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
  func dueTodayAndTomorrowAreLocalDates(zone: String) throws {
    let box = Sandbox()
    let local = ["TZ": zone]
    let before = Date()
    let add = try box.run(["add", "Ana Lima", "--follow-up", "Call", "--due", "today"], environment: local)
    let after = Date()
    #expect(add.status == 0, "\(add.stderr)")
    // Midnight may pass while the command runs: either side of it is the rep's today.
    let today = try Set([Self.localDate(in: zone, at: before), Self.localDate(in: zone, at: after)])
    let stored = try #require(try due(of: "ana", in: box))
    #expect(today.contains(stored), "stored \(stored), local today \(today)")
    let agenda = try box.run(["list", "--due"], environment: local)
    #expect(agenda.stdout.contains("\(stored)  today"), "\(agenda.stdout)")
    #expect(try box.run(["show", "ana"], environment: local).stdout.contains("Call, due \(stored) (today)"))

    let start = Date()
    #expect(try box.run(["follow-up", "ana", "Send pricing", "--due", "tomorrow"], environment: local).status == 0)
    let tomorrow = try Set(
      [start, Date()].map { try Self.localDate(in: zone, at: $0.addingTimeInterval(86_400)) })
    let next = try #require(try due(of: "ana", in: box))
    #expect(tomorrow.contains(next), "stored \(next), local tomorrow \(tomorrow)")
  }

  @Test func yesterdaysFollowUpIsOverdueByTheLocalDate() throws {
    let box = Sandbox()
    let zone = "Pacific/Kiritimati"
    let yesterday = try Self.localDate(in: zone, at: Date().addingTimeInterval(-86_400))
    _ = try box.run(["add", "Ana Lima", "--follow-up", "Call", "--due", yesterday])
    let agenda = try box.run(["list", "--due"], environment: ["TZ": zone])
    #expect(agenda.stdout.contains("\(yesterday)  overdue"), "\(agenda.stdout)")
  }
}
