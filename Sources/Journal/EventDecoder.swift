import PipelineCore

/// Decodes event lines one after another, sharing the strings that repeat between them.
///
/// The journal keeps one decoder while it reads, so opening a large journal allocates once
/// per distinct replica or stage key rather than once per line.
public struct EventDecoder {
  private var cache = StringCache()

  public init() {}

  /// Decodes one event line (without its newline).
  public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) -> Event {
    var links = LineLinks()
    return try decode(line, links: &links)
  }

  /// Decodes one event line (without its newline), and how it links to the lines around it.
  public mutating func decode(_ line: UnsafeBufferPointer<UInt8>, links: inout LineLinks) throws(LineError)
    -> Event
  {
    links = LineLinks()
    try EventCodec.verifySeal(line)
    let body = UnsafeBufferPointer(rebasing: line[..<(line.count - EventCodec.sealLength)])
    guard UTF8Check.isValid(body) else { throw LineError("the line is not valid UTF-8") }
    // The sealed body is `{...fields...` without its closing brace.
    var scanner = LineScanner(body)
    scanner.isValidUTF8 = true
    var id: String?
    var time: Timestamp?
    var occurred: Timestamp?
    var clock: HybridTime?
    var base: String?
    var replica: String?
    var type: UnsafeBufferPointer<UInt8>?
    var lead: String?
    var change: Change?
    var payloadStart: Int?
    try scanner.expect(0x7B, "'{'")
    while true {
      let key = try scanner.key()
      try scanner.expect(0x3A, "':'")
      if key.matches("id") {
        id = try scanner.string()
      } else if key.matches("ts") {
        let (range, _) = try scanner.rawString()
        guard let parsed = Timestamp(iso8601Bytes: UnsafeBufferPointer(rebasing: scanner.bytes[range])) else {
          throw LineError("bad timestamp", column: range.lowerBound + 1)
        }
        time = parsed
      } else if key.matches("at") {
        let (range, _) = try scanner.rawString()
        guard let parsed = Timestamp(iso8601Bytes: UnsafeBufferPointer(rebasing: scanner.bytes[range])) else {
          throw LineError("bad timestamp in \"at\"", column: range.lowerBound + 1)
        }
        occurred = parsed
      } else if key.matches("hlc") {
        let (range, escaped) = try scanner.rawString()
        let text = String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
        guard !escaped, let parsed = HybridTime(text) else {
          throw LineError("bad clock in \"hlc\"", column: range.lowerBound + 1)
        }
        clock = parsed
      } else if key.matches("replica") {
        replica = try scanner.string(&cache)
      } else if key.matches("type") {
        let (range, escaped) = try scanner.rawString()
        guard !escaped else { throw LineError("bad event type", column: range.lowerBound + 1) }
        type = UnsafeBufferPointer(rebasing: scanner.bytes[range])
      } else if key.matches("lead") {
        lead = try scanner.string()
      } else if key.matches("base") {
        base = try scanner.string()
      } else if key.matches("after") {
        links.after = try scanner.string()
      } else if key.matches("batch") {
        let size = try scanner.int()
        guard size >= 1 && size <= Int64(Int32.max) else { throw scanner.error("a batch has 1 or more lines") }
        links.batch = Int(size)
      } else if key.matches("payload") {
        if let type {
          // The usual order (type before payload): decode it in place.
          change = try EventCodec.decodeChange(type: type, payload: &scanner, cache: &cache)
        } else {
          _ = scanner.peek()
          payloadStart = scanner.index
          try scanner.skipValue()
        }
      } else {
        try scanner.skipValue()
      }
      guard scanner.peek() == 0x2C else { break }
      try scanner.expect(0x2C, "','")
    }
    guard scanner.isAtEnd else { throw scanner.error("unexpected bytes after the event's fields") }
    guard let id else { throw LineError("missing \"id\"") }
    guard let time else { throw LineError("missing \"ts\"") }
    guard let replica else { throw LineError("missing \"replica\"") }
    guard let type else { throw LineError("missing \"type\"") }
    guard let lead else { throw LineError("missing \"lead\"") }
    if change == nil {
      guard let payloadStart else { throw LineError("missing \"payload\"") }
      var payload = scanner
      payload.index = payloadStart
      change = try EventCodec.decodeChange(type: type, payload: &payload, cache: &cache)
    }
    guard var change else { throw LineError("missing \"payload\"") }
    if case .restored(var restoration) = change, restoration.lead != nil {
      restoration.lead?.id = LeadID(lead)
      change = .restored(restoration)
    }
    return Event(
      id: id, time: time, replica: replica, lead: LeadID(lead), change: change, occurred: occurred, clock: clock,
      base: base)
  }
}
