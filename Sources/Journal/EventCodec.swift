import PipelineCore

/// Turns events into journal lines and back.
///
/// A line is compact JSON: `{"id":..,"ts":..,"replica":..,"type":..,"lead":..,"payload":{..},
/// "crc":"xxxxxxxx"}`. The checksum is CRC-32C, in hex, of every byte before `,"crc"`.
public enum EventCodec {
  /// Length of `,"crc":"xxxxxxxx"}`, the seal at the end of every line.
  static let sealLength = 18

  // MARK: Encoding

  public static func encode(_ header: JournalHeader) -> [UInt8] {
    var w = LineWriter()
    w.open()
    w.field("format", JournalHeader.formatName)
    w.field("version", header.version)
    w.field("created", header.created.iso8601)
    w.field("replica", header.replica)
    return w.seal()
  }

  /// The full line for `event`, newline included.
  public static func encode(_ event: Event, links: LineLinks = LineLinks()) -> [UInt8] {
    var bytes: [UInt8] = []
    var time = FormattedTime()
    encode(event, links: links, appendingTo: &bytes, time: &time)
    return bytes
  }

  /// The lines for `events`, to be appended as one batch after the event `after`: each line
  /// names the event before it, and the first carries the batch's size when there are two
  /// or more, so that readers take all of them or none (docs/journal-format.md).
  public static func encodeBatch(_ events: some Collection<Event>, after: String?) -> [UInt8] {
    encodeBatch(events, after: after, batchSize: events.count)
  }

  /// Part of a batch: `batchSize` goes on its first line (0 for a part that does not begin
  /// the batch).
  static func encodeBatch(_ events: some Collection<Event>, after: String?, batchSize: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(events.count * 256)
    var time = FormattedTime()
    var previous = after
    for (index, event) in events.enumerated() {
      let batch = index == 0 && batchSize > 1 ? batchSize : 0
      encode(event, links: LineLinks(after: previous, batch: batch), appendingTo: &bytes, time: &time)
      previous = event.id
    }
    return bytes
  }

  /// Appends the full line for `event`, newline included, to `buffer`.
  ///
  /// `time` remembers the last time formatted: the events of a batch share theirs, and
  /// formatting it once per line would be a fifth of the work.
  static func encode(
    _ event: Event, links: LineLinks = LineLinks(), appendingTo buffer: inout [UInt8], time: inout FormattedTime
  ) {
    var w = LineWriter(appendingTo: &buffer)
    w.open()
    w.field("id", event.id)
    w.field("ts", time.text(for: event.time))
    if let occurred = event.occurred { w.field("at", occurred.iso8601) }
    if let clock = event.clock { w.field("hlc", clock.description) }
    w.field("replica", event.replica)
    w.field("type", typeName(event.change))
    w.field("lead", event.lead.rawValue)
    if let base = event.base { w.field("base", base) }
    if let after = links.after { w.field("after", after) }
    if links.batch > 1 { w.field("batch", Int64(links.batch)) }
    w.key("payload")
    w.open()
    switch event.change {
    case .created(let new):
      w.field("name", new.name)
      if !new.company.isEmpty { w.field("company", new.company) }
      if !new.email.isEmpty { w.field("email", new.email) }
      if !new.phone.isEmpty { w.field("phone", new.phone) }
      if !new.owner.isEmpty { w.field("owner", new.owner) }
      if !new.source.isEmpty { w.field("source", new.source) }
      if !new.reference.isEmpty { w.field("ref", new.reference) }
      if let value = new.value {
        w.field("value", value.minorUnits)
        w.field("currency", value.currency)
      }
      if let day = new.expectedClose { w.field("expectedClose", day.description) }
      w.field("stage", new.stage)
      w.field("position", Int64(new.position))
      if let entered = new.stageEntered { w.field("stageEntered", entered.iso8601) }
      if let referrer = new.referredBy { w.field("referredBy", referrer.rawValue) }
      if !new.custom.isEmpty { encodeCustom(new.custom.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, &w) }
    case .edited(let edits):
      // Custom fields go together in one "custom" object, after the lead's own fields.
      let custom = edits.compactMap { edit -> (String, String?)? in
        guard case .custom(let key, let value) = edit else { return nil }
        return (key, value)
      }
      defer { if !custom.isEmpty { encodeCustom(custom, &w) } }
      for edit in edits {
        switch edit {
        case .text(let field, let text):
          switch field {
          case .name: w.field("name", text)
          case .company: w.field("company", text)
          case .email: w.field("email", text)
          case .phone: w.field("phone", text)
          case .owner: w.field("owner", text)
          case .source: w.field("source", text)
          case .reference: w.field("ref", text)
          }
        case .value(let money):
          if let money {
            w.field("value", money.minorUnits)
            w.field("currency", money.currency)
          } else {
            w.null("value")
          }
        case .expectedClose(let day):
          if let day { w.field("expectedClose", day.description) } else { w.null("expectedClose") }
        case .custom:
          break
        }
      }
    case .moved(let stage, let position, let gateOverridden):
      w.field("stage", stage)
      w.field("position", Int64(position))
      if gateOverridden { w.field("gateOverridden", true) }
    case .checked(let criterion, let isChecked, let answer):
      w.field("criterion", criterion)
      w.field("checked", isChecked)
      if let answer { w.field("answer", answer) }
    case .noteAdded(let text), .noteRetracted(let text):
      w.field("text", text)
    case .activityLogged(let kind, let outcome), .activityRetracted(let kind, let outcome):
      w.field("kind", kind)
      w.field("outcome", outcome)
    case .followUpSet(let followUp):
      if let followUp {
        w.field("action", followUp.action)
        w.field("due", followUp.due.description)
      }
    case .won:
      break
    case .lost(let reason):
      w.field("reason", reason)
    case .reopened(let stage):
      w.field("stage", stage)
    case .restored(let restoration):
      encode(restoration, into: &w)
    case .unknown:
      break
    }
    w.close()
    buffer = w.seal()
  }

  /// `"custom":{"seats":"12","industry":null}`: custom fields by key, null for cleared.
  static func encodeCustom(_ values: [(String, String?)], _ w: inout LineWriter) {
    w.key("custom")
    w.open()
    for (key, value) in values {
      w.key(text: key)
      if let value { w.string(value) } else { w.bytes += Array("null".utf8) }
    }
    w.close()
  }

  /// The `custom` object of a payload.
  static func decodeCustom(_ s: inout LineScanner) throws(LineError) -> [(String, String?)] {
    var values: [(String, String?)] = []
    try s.object { (key, s) throws(LineError) in
      values.append((key.text, s.consumeNull() ? nil : try s.string()))
    }
    return values
  }

  static func typeName(_ change: Change) -> String {
    switch change {
    case .created: "lead.created"
    case .edited: "lead.edited"
    case .moved: "lead.moved"
    case .checked: "checklist.set"
    case .noteAdded: "note.added"
    case .noteRetracted: "note.retracted"
    case .activityLogged: "activity.logged"
    case .activityRetracted: "activity.retracted"
    case .followUpSet(.some): "followup.set"
    case .followUpSet(.none): "followup.cleared"
    case .won: "lead.won"
    case .lost: "lead.lost"
    case .reopened: "lead.reopened"
    case .restored: "lead.restored"
    case .unknown(let type): type
    }
  }

  // MARK: Decoding

  /// Checks the seal of a line (without its newline) and returns the bytes it covers.
  static func verifySeal(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) {
    let count = line.count
    guard count > sealLength + 1 else { throw LineError("line too short to be an event") }
    let seal = UnsafeBufferPointer(rebasing: line[(count - sealLength)...])
    let prefix: StaticString = ",\"crc\":\""
    let matchesPrefix = prefix.withUTF8Buffer { p in (0..<8).allSatisfy { p[$0] == seal[$0] } }
    guard matchesPrefix, seal[16] == 0x22, seal[17] == 0x7D else {
      if line.last == 0x0D {
        throw LineError(
          "the line ends with a carriage return: the journal was saved with Windows (CR LF) line endings; convert it back to LF line endings (dos2unix FILE), and keep git from converting it (.gitattributes: *.jsonl -text)"
        )
      }
      throw LineError("line does not end with its checksum")
    }
    var expected: UInt32 = 0
    for i in 8..<16 {
      let byte = seal[i]
      let digit: UInt32
      switch byte {
      case 0x30...0x39: digit = UInt32(byte - 0x30)
      case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
      default: throw LineError("checksum is not hexadecimal")
      }
      expected = expected << 4 | digit
    }
    let actual = CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[..<(count - sealLength)])))
    guard actual == expected else { throw LineError("checksum mismatch: the line was changed or damaged") }
  }

  public static func decodeHeader(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) -> JournalHeader {
    try verifySeal(line)
    var scanner = LineScanner(UnsafeBufferPointer(rebasing: line[..<(line.count - sealLength)]))
    var format: String?
    var version: String?
    var created: Timestamp?
    var replica = ""
    try scanner.expect(0x7B, "'{'")
    while true {
      let key = try scanner.key()
      try scanner.expect(0x3A, "':'")
      if key.matches("format") {
        format = try scanner.string()
      } else if key.matches("version") {
        version = try scanner.string()
      } else if key.matches("created") {
        created = Timestamp(iso8601: try scanner.string())
      } else if key.matches("replica") {
        replica = try scanner.string()
      } else {
        try scanner.skipValue()
      }
      if scanner.peek() == 0x2C {
        try scanner.expect(0x2C, "','")
        continue
      }
      break
    }
    guard scanner.isAtEnd else { throw scanner.error("unexpected bytes after the header's fields") }
    guard format == JournalHeader.formatName else {
      throw LineError("not a Closer journal (the first line has no \"format\":\"closer-journal\")")
    }
    let parts = (version ?? "").split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let major = plainNumber(parts[0]), let minor = plainNumber(parts[1]) else {
      throw LineError("the header's version '\(version ?? "")' is not MAJOR.MINOR")
    }
    return JournalHeader(
      major: major, minor: minor, created: created ?? Timestamp(millisecondsSinceEpoch: 0), replica: replica)
  }

  /// Decodes one event line (without its newline).
  public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(LineError) -> Event {
    var decoder = EventDecoder()
    return try decoder.decode(line)
  }

  static func decodeChange(
    type: UnsafeBufferPointer<UInt8>, payload p: inout LineScanner, cache: inout StringCache
  ) throws(LineError) -> Change {
    let name = LineScanner.Key(bytes: type, decoded: nil)
    if name.matches("lead.created") {
      var new = NewLead(name: "", stage: "", position: 1)
      var minor: Int64?
      var currency: String?
      var expectedClose: String?
      var hasName = false
      var hasStage = false
      try p.object { (key, s) throws(LineError) in
        if key.matches("name") {
          new.name = try s.string()
          hasName = true
        } else if key.matches("company") {
          new.company = try s.string()
        } else if key.matches("email") {
          new.email = try s.string()
        } else if key.matches("phone") {
          new.phone = try s.string()
        } else if key.matches("owner") {
          new.owner = try s.string(&cache)
        } else if key.matches("source") {
          new.source = try s.string(&cache)
        } else if key.matches("ref") {
          new.reference = try s.string()
        } else if key.matches("value") {
          minor = s.consumeNull() ? nil : try s.int()
        } else if key.matches("currency") {
          currency = s.consumeNull() ? nil : try s.string(&cache)
        } else if key.matches("expectedClose") {
          expectedClose = try s.optionalString()
        } else if key.matches("stage") {
          new.stage = try s.string(&cache)
          hasStage = true
        } else if key.matches("position") {
          new.position = try position(&s)
        } else if key.matches("stageEntered") {
          let text = try s.string()
          guard let time = Timestamp(iso8601: text) else { throw LineError("bad timestamp in \"stageEntered\"") }
          new.stageEntered = time
        } else if key.matches("custom") {
          for (field, value) in try decodeCustom(&s) { new.custom[field] = value }
        } else if key.matches("referredBy") {
          new.referredBy = try s.optionalString().map { LeadID($0) }
        } else {
          try s.skipValue()
        }
      }
      guard hasName else { throw LineError("lead.created has no \"name\"") }
      guard hasStage else { throw LineError("lead.created has no \"stage\"") }
      new.value = try money(minor, currency)
      new.expectedClose = try day(expectedClose, "expectedClose")
      return .created(new)
    }
    if name.matches("lead.edited") {
      var edits: [FieldEdit] = []
      var valueIndex: Int?
      var currency: String?
      try p.object { (key, s) throws(LineError) in
        if let field = TextField.allCases.first(where: { key.matches($0.staticName) }) {
          edits.append(.text(field, try s.string()))
        } else if key.matches("value") {
          valueIndex = edits.count
          edits.append(.value(s.consumeNull() ? nil : Money(minorUnits: try s.int(), currency: "")))
        } else if key.matches("currency") {
          currency = try s.optionalString()
        } else if key.matches("expectedClose") {
          edits.append(.expectedClose(try day(try s.optionalString(), "expectedClose")))
        } else if key.matches("custom") {
          edits += try decodeCustom(&s).map { .custom($0.0, $0.1) }
        } else {
          try s.skipValue()
        }
      }
      if let valueIndex, case .value(.some(var money)) = edits[valueIndex] {
        guard let currency, !currency.isEmpty else { throw LineError("a value has no \"currency\"") }
        money.currency = currency
        edits[valueIndex] = .value(money)
      }
      return .edited(edits)
    }
    if name.matches("lead.moved") {
      var stage: String?
      var at: Int?
      var gate = false
      try p.object { (key, s) throws(LineError) in
        if key.matches("stage") {
          stage = try s.string(&cache)
        } else if key.matches("position") {
          at = try position(&s)
        } else if key.matches("gateOverridden") {
          gate = try s.bool()
        } else {
          try s.skipValue()
        }
      }
      guard let stage, let at else { throw LineError("lead.moved needs \"stage\" and \"position\"") }
      return .moved(stage: stage, position: at, gateOverridden: gate)
    }
    if name.matches("checklist.set") {
      var criterion: String?
      var checked: Bool?
      var answer: String?
      try p.object { (key, s) throws(LineError) in
        if key.matches("criterion") {
          criterion = try s.string(&cache)
        } else if key.matches("checked") {
          checked = try s.bool()
        } else if key.matches("answer") {
          answer = try s.optionalString()
        } else {
          try s.skipValue()
        }
      }
      guard let criterion, let checked else {
        throw LineError("checklist.set needs \"criterion\" and \"checked\"")
      }
      return .checked(criterion: criterion, isChecked: checked, answer: answer)
    }
    if name.matches("note.added") {
      let text = try singleString(&p, "text", cache: &cache)
      return .noteAdded(text)
    }
    if name.matches("note.retracted") {
      return .noteRetracted(try singleString(&p, "text", cache: &cache))
    }
    if name.matches("activity.logged") || name.matches("activity.retracted") {
      var kind: String?
      var outcome: String?
      try p.object { (key, s) throws(LineError) in
        if key.matches("kind") {
          kind = try s.string(&cache)
        } else if key.matches("outcome") {
          outcome = try s.string()
        } else {
          try s.skipValue()
        }
      }
      guard let kind, let outcome else { throw LineError("an activity needs \"kind\" and \"outcome\"") }
      return name.matches("activity.logged")
        ? .activityLogged(kind: kind, outcome: outcome) : .activityRetracted(kind: kind, outcome: outcome)
    }
    if name.matches("followup.set") {
      var action: String?
      var due: String?
      try p.object { (key, s) throws(LineError) in
        if key.matches("action") {
          action = try s.string()
        } else if key.matches("due") {
          due = try s.string()
        } else {
          try s.skipValue()
        }
      }
      guard let action, let dueDay = try day(due, "due") else {
        throw LineError("followup.set needs \"action\" and \"due\"")
      }
      return .followUpSet(FollowUp(action: action, due: dueDay))
    }
    if name.matches("followup.cleared") {
      try p.skipValue()
      return .followUpSet(nil)
    }
    if name.matches("lead.won") {
      try p.skipValue()
      return .won
    }
    if name.matches("lead.lost") {
      return .lost(reason: try singleString(&p, "reason", cache: &cache))
    }
    if name.matches("lead.reopened") {
      return .reopened(stage: try singleString(&p, "stage", cache: &cache, shared: true))
    }
    if name.matches("lead.restored") {
      // The lead's id is the event's (set by the decoder once the whole line is read).
      return .restored(try decodeRestoration(&p, lead: ""))
    }
    try p.skipValue()
    guard let text = String(validating: type, as: UTF8.self), !text.isEmpty else {
      throw LineError("bad event type")
    }
    return .unknown(type: text)
  }

  /// The one field a payload must have; `shared` strings go through the cache.
  private static func singleString(
    _ p: inout LineScanner, _ field: StaticString, cache: inout StringCache, shared: Bool = false
  ) throws(LineError) -> String {
    var value: String?
    try p.object { (key, s) throws(LineError) in
      if key.matches(field) {
        value = shared ? try s.string(&cache) : try s.string()
      } else {
        try s.skipValue()
      }
    }
    guard let value else { throw LineError("missing \"\(field)\" in the payload") }
    return value
  }

  /// A position: 1 or more. Past the end of a column means its bottom, so anything the
  /// writer can write is read (held to `Int32.max`, far below any column's length).
  private static func position(_ s: inout LineScanner) throws(LineError) -> Int {
    let value = try s.int()
    guard value >= 1 else { throw s.error("position must be 1 or more") }
    return Int(min(value, Int64(Int32.max)))
  }

  /// Digits only: a version is never "+1" or "-1".
  private static func plainNumber(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(text)
  }

  static func money(_ minor: Int64?, _ currency: String?) throws(LineError) -> Money? {
    guard let minor else { return nil }
    guard let currency, !currency.isEmpty else { throw LineError("a value has no \"currency\"") }
    return Money(minorUnits: minor, currency: currency)
  }

  static func day(_ text: String?, _ field: String) throws(LineError) -> CalendarDay? {
    guard let text else { return nil }
    guard let day = CalendarDay(iso8601: text) else {
      throw LineError("\"\(field)\" is not a YYYY-MM-DD date: '\(text)'")
    }
    return day
  }
}

extension TextField {
  var staticName: StaticString {
    switch self {
    case .name: "name"
    case .company: "company"
    case .email: "email"
    case .phone: "phone"
    case .owner: "owner"
    case .source: "source"
    case .reference: "ref"
    }
  }
}

/// A time and its ISO 8601 text, kept while it stays the same.
struct FormattedTime {
  private var time: Timestamp?
  private var text = ""

  mutating func text(for time: Timestamp) -> String {
    if time != self.time {
      self.time = time
      text = time.iso8601
    }
    return text
  }
}
