import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

@Suite struct EventCodecTests {
  func decode(_ bytes: [UInt8]) throws(LineError) -> Event {
    #expect(bytes.last == 0x0A)
    let line = Array(bytes.dropLast())
    return try line.withUnsafeBufferPointer { buffer throws(LineError) in try EventCodec.decode(buffer) }
  }

  @Test(arguments: trickyChanges)
  func everyChangeRoundTrips(change: Change) throws {
    let event = Event(
      id: "0123456789abcdef", time: Timestamp(iso8601: "2026-11-27T16:40:01.123Z")!, replica: "ana@laptop",
      lead: "k3m9x2qa", change: change)
    let line = EventCodec.encode(event)
    // One line: the only newline byte is the last one, and no raw control bytes.
    #expect(line.filter { $0 == 0x0A }.count == 1)
    #expect(!line.dropLast().contains { $0 < 0x20 || $0 == 0x7F })
    #expect(try decode(line) == event)
    // Standard JSON, readable by any tool.
    let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
    #expect(object?["lead"] as? String == "k3m9x2qa")
  }

  @Test func headerRoundTrips() throws {
    let header = JournalHeader(created: Timestamp(millisecondsSinceEpoch: 5), replica: "r")
    let line = Array(EventCodec.encode(header).dropLast())
    #expect(try line.withUnsafeBufferPointer { try EventCodec.decodeHeader($0) } == header)
  }

  @Test func aChangedByteFailsTheChecksum() throws {
    let event = Event(id: "id", time: Timestamp(millisecondsSinceEpoch: 0), replica: "r", lead: "abcd", change: .won)
    var line = EventCodec.encode(event)
    line.removeLast()
    for index in 0..<line.count {
      var damaged = line
      damaged[index] ^= 0x01
      #expect(throws: LineError.self) { try damaged.withUnsafeBufferPointer { try EventCodec.decode($0) } }
    }
  }

  @Test func unknownFieldsAndTypesFromNewerVersionsAreTolerated() throws {
    let body =
      #"{"id":"e1","ts":"2026-11-27T16:40:01.123Z","replica":"r","type":"lead.moved","lead":"abcd","#
      + #""future":[1,{"a":null}],"payload":{"stage":"proposal","position":2,"reason":{"x":[true,false,-1.5e3]}}"#
    let line = sealed(body)
    let event = try line.withUnsafeBufferPointer { try EventCodec.decode($0) }
    #expect(event.change == .moved(stage: "proposal", position: 2, gateOverridden: false))

    let unknown = sealed(
      #"{"id":"e2","ts":"2026-11-27T16:40:01.123Z","replica":"r","type":"deal.merged","lead":"abcd","payload":{"into":"efgh"}"#
    )
    let other = try unknown.withUnsafeBufferPointer { try EventCodec.decode($0) }
    #expect(other.change == .unknown(type: "deal.merged"))
  }

  @Test(arguments: [
    #"{"id":"e1","ts":"2026-11-27T16:40:01.123Z","replica":"r","type":"lead.moved","lead":"abcd","payload":{"stage":"x"}"#,
    #"{"id":"e1","ts":"yesterday","replica":"r","type":"lead.won","lead":"abcd","payload":{}"#,
    #"{"id":"e1","replica":"r","type":"lead.won","lead":"abcd","payload":{}"#,
    #"{"id":"e1","ts":"2026-11-27T16:40:01.123Z","replica":"r","type":"lead.moved","lead":"abcd","payload":{"stage":"x","position":0}"#,
    #"{"id":"e1","ts":"2026-11-27T16:40:01.123Z","replica":"r","type":"lead.created","lead":"abcd","payload":{"name":"\ud800","stage":"x"}"#,
    #"["not","an","object""#,
  ])
  func malformedLinesAreRejected(body: String) {
    let line = sealed(body)
    #expect(throws: LineError.self) { try line.withUnsafeBufferPointer { try EventCodec.decode($0) } }
  }

  /// Random damage never crashes the decoder: each mutated line is rejected or decoded.
  @Test func fuzzedLinesNeverCrash() {
    var random = SystemRandomNumberGenerator()
    let seeds = trickyChanges.map {
      Array(
        EventCodec.encode(
          Event(id: "e", time: Timestamp(millisecondsSinceEpoch: 0), replica: "r", lead: "abcd", change: $0)
        ).dropLast())
    }
    var decoded = 0
    for _ in 0..<20_000 {
      var line = seeds.randomElement(using: &random)!
      for _ in 0..<Int.random(in: 1...4, using: &random) {
        let index = Int.random(in: 0..<line.count, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0: line[index] = UInt8.random(in: 0...255, using: &random)
        case 1: line.remove(at: index)
        default: line.insert(UInt8.random(in: 0...255, using: &random), at: index)
        }
        if line.isEmpty { line = [0x7B] }
      }
      // Re-seal half of them, so the parser (not just the checksum) sees the damage.
      if Bool.random(using: &random), line.count > EventCodec.sealLength {
        let body = Array(line.dropLast(EventCodec.sealLength))
        line = sealed(bytes: body)
      }
      if (try? line.withUnsafeBufferPointer({ try EventCodec.decode($0) })) != nil { decoded += 1 }
    }
    #expect(decoded < 20_000)
  }
}

/// A line body with a valid checksum seal (and no newline).
func sealed(_ body: String) -> [UInt8] { sealed(bytes: Array(body.utf8)) }

func sealed(bytes body: [UInt8]) -> [UInt8] {
  let crc = body.withUnsafeBytes { CRC32C.checksum($0) }
  let hex = stride(from: 28, through: 0, by: -4).map { hexDigit(UInt8((crc >> UInt32($0)) & 0xF)) }
  return body + Array(",\"crc\":\"".utf8) + hex + Array("\"}".utf8)
}

/// History brought in from a file: an event carries when it happened (`at`) beside when it
/// was written (`ts`); the lead's dates come from `at`.
@Suite struct OccurredTests {
  @Test func atRoundTripsAndIsStandardJSON() throws {
    let event = Event(
      id: "0123456789abcdef", time: Timestamp(iso8601: "2026-11-27T16:40:01.123Z")!, replica: "ana@laptop",
      lead: "k3m9x2qa", change: .won, occurred: Timestamp(iso8601: "2023-06-30T12:00:00.000Z")!)
    let line = EventCodec.encode(event)
    let decoded = try Array(line.dropLast()).withUnsafeBufferPointer { try EventCodec.decode($0) }
    #expect(decoded == event)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    #expect(object["at"] as? String == "2023-06-30T12:00:00.000Z")
    #expect(object["ts"] as? String == "2026-11-27T16:40:01.123Z")
    // Without it, no key at all.
    let plain = EventCodec.encode(Event(id: "a", time: event.time, replica: "r", lead: "k3m9x2qa", change: .won))
    let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any])
    #expect(plainObject["at"] == nil)
  }

  /// A lead imported with the date of its last stage change entered its stage then.
  @Test func aNewLeadCanHaveEnteredItsStageLaterThanItWasCreated() throws {
    let written = Timestamp(iso8601: "2026-11-27T16:40:01.123Z")!
    let created = Timestamp(iso8601: "2026-01-05T12:00:00.000Z")!
    let entered = Timestamp(iso8601: "2026-03-01T12:00:00.000Z")!
    let event = Event(
      id: "a", time: written, replica: "r", lead: "acme0001",
      change: .created(NewLead(name: "Acme", stage: "proposal", stageEntered: entered)), occurred: created)
    let line = EventCodec.encode(event)
    #expect(try Array(line.dropLast()).withUnsafeBufferPointer { try EventCodec.decode($0) } == event)
    let payload = try #require(
      (try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])?["payload"] as? [String: Any])
    #expect(payload["stageEntered"] as? String == "2026-03-01T12:00:00.000Z")
    var pipeline = Pipeline()
    try pipeline.apply(event)
    let lead = try #require(pipeline["acme0001"])
    #expect(lead.created == created)
    #expect(lead.stageEntered == entered)
    #expect(lead.stageHistory == [StageVisit(stage: "proposal", entered: entered)])
  }

  @Test func theLeadsDatesComeFromWhenItHappened() throws {
    var pipeline = Pipeline()
    let written = Timestamp(iso8601: "2026-11-27T16:40:01.123Z")!
    let created = Timestamp(iso8601: "2023-04-01T12:00:00.000Z")!
    let closed = Timestamp(iso8601: "2023-06-30T12:00:00.000Z")!
    try pipeline.apply(
      Event(
        id: "a", time: written, replica: "r", lead: "acme0001",
        change: .created(NewLead(name: "Acme", stage: "proposal")), occurred: created))
    try pipeline.apply(Event(id: "b", time: written, replica: "r", lead: "acme0001", change: .won, occurred: closed))
    let lead = try #require(pipeline["acme0001"])
    #expect(lead.created == created)
    #expect(lead.closed == closed)
    #expect(lead.stageHistory.first?.entered == created)
  }
}
