/// Why one journal line could not be read.
public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
  public var message: String
  /// 1-based byte column in the line where the problem was found, when known.
  public var column: Int?

  public init(_ message: String, column: Int? = nil) {
    self.message = message
    self.column = column
  }

  public var description: String {
    column.map { "\(message) (at byte \($0))" } ?? message
  }
}

/// A forward-only reader of one JSON line, straight from the file's bytes.
///
/// The journal is read a million lines at a time, so this reads exactly the JSON the
/// journal needs (objects, strings, integers, booleans, null; anything else is skipped
/// structurally) without building an intermediate tree or copying the line.
struct LineScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  var index: Int
  /// Set once the whole line is known to be valid UTF-8: strings are then made without
  /// validating each one again.
  var isValidUTF8 = false

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    self.index = 0
  }

  var isAtEnd: Bool { index >= bytes.count }

  func error(_ message: String) -> LineError { LineError(message, column: index + 1) }

  mutating func skipSpace() {
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return }
      index += 1
    }
  }

  mutating func peek() -> UInt8? {
    skipSpace()
    return index < bytes.count ? bytes[index] : nil
  }

  mutating func expect(_ byte: UInt8, _ what: String) throws(LineError) {
    guard peek() == byte else { throw error("expected \(what)") }
    index += 1
  }

  /// Reads an object, calling `field` with each key; `field` must consume the value.
  mutating func object(_ field: (_ key: Key, _ scanner: inout LineScanner) throws(LineError) -> Void)
    throws(LineError)
  {
    try expect(0x7B, "'{'")
    if peek() == 0x7D {
      index += 1
      return
    }
    while true {
      let key = try self.key()
      try expect(0x3A, "':'")
      try field(key, &self)
      switch peek() {
      case 0x2C: index += 1
      case 0x7D:
        index += 1
        return
      default: throw error("expected ',' or '}'")
      }
    }
  }

  /// Reads an array, calling `element` for each value; `element` must consume it.
  mutating func array(_ element: (_ scanner: inout LineScanner) throws(LineError) -> Void) throws(LineError) {
    try expect(0x5B, "'['")
    if peek() == 0x5D {
      index += 1
      return
    }
    while true {
      try element(&self)
      switch peek() {
      case 0x2C: index += 1
      case 0x5D:
        index += 1
        return
      default: throw error("expected ',' or ']'")
      }
    }
  }

  /// An object key, compared without allocating when it has no escapes.
  struct Key {
    let bytes: UnsafeBufferPointer<UInt8>
    let decoded: String?

    func matches(_ name: StaticString) -> Bool {
      if let decoded { return decoded == name.description }
      guard name.utf8CodeUnitCount == bytes.count else { return false }
      return name.withUTF8Buffer { name in
        for i in 0..<bytes.count where name[i] != bytes[i] { return false }
        return true
      }
    }

    var text: String { decoded ?? String(decoding: bytes, as: UTF8.self) }
  }

  mutating func key() throws(LineError) -> Key {
    let (range, hasEscapes) = try rawString()
    let slice = UnsafeBufferPointer(rebasing: bytes[range])
    return Key(bytes: slice, decoded: hasEscapes ? try unescape(range) : nil)
  }

  /// A string's bytes between its quotes, and whether it holds escapes.
  mutating func rawString() throws(LineError) -> (Range<Int>, hasEscapes: Bool) {
    try expect(0x22, "a string")
    let start = index
    var hasEscapes = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x22 {
        let range = start..<index
        index += 1
        return (range, hasEscapes)
      }
      if byte == 0x5C {
        hasEscapes = true
        index += 2
        continue
      }
      if byte < 0x20 { throw error("control character inside a string") }
      index += 1
    }
    throw error("unterminated string")
  }

  mutating func string() throws(LineError) -> String {
    let (range, hasEscapes) = try rawString()
    if hasEscapes { return try unescape(range) }
    if isValidUTF8 { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
    guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
      throw LineError("invalid UTF-8 in a string", column: range.lowerBound + 1)
    }
    return text
  }

  /// A string that often repeats (a stage key, a replica), shared through `cache`.
  mutating func string(_ cache: inout StringCache) throws(LineError) -> String {
    let (range, hasEscapes) = try rawString()
    if hasEscapes { return try unescape(range) }
    if isValidUTF8 { return cache.string(UnsafeBufferPointer(rebasing: bytes[range])) }
    guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
      throw LineError("invalid UTF-8 in a string", column: range.lowerBound + 1)
    }
    return text
  }

  /// A string, or nil for `null`.
  mutating func optionalString() throws(LineError) -> String? {
    if consumeNull() { return nil }
    return try string()
  }

  mutating func consumeNull() -> Bool {
    guard peek() == 0x6E, index + 4 <= bytes.count, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C,
      bytes[index + 3] == 0x6C
    else { return false }
    index += 4
    return true
  }

  mutating func bool() throws(LineError) -> Bool {
    switch peek() {
    case 0x74
    where index + 4 <= bytes.count && bytes[index + 1] == 0x72 && bytes[index + 2] == 0x75
      && bytes[index + 3] == 0x65:
      index += 4
      return true
    case 0x66
    where index + 5 <= bytes.count && bytes[index + 1] == 0x61 && bytes[index + 2] == 0x6C
      && bytes[index + 3] == 0x73 && bytes[index + 4] == 0x65:
      index += 5
      return false
    default:
      throw error("expected true or false")
    }
  }

  mutating func int() throws(LineError) -> Int64 {
    _ = peek()
    var negative = false
    if index < bytes.count && bytes[index] == 0x2D {
      negative = true
      index += 1
    }
    let start = index
    // Counted downwards, so that Int64.min, which the writer can write, is read too.
    var value: Int64 = 0
    while index < bytes.count {
      let digit = bytes[index] &- 0x30
      guard digit < 10 else { break }
      let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
      guard !overflow1 && !overflow2 else { throw error("number too large") }
      value = sum
      index += 1
    }
    guard index > start else { throw error("expected a whole number") }
    if index < bytes.count, bytes[index] == 0x2E || bytes[index] == 0x65 || bytes[index] == 0x45 {
      throw error("expected a whole number")
    }
    if negative { return value }
    guard value != .min else { throw error("number too large") }
    return -value
  }

  /// Skips any JSON value, so fields added by a newer version are tolerated.
  mutating func skipValue(depth: Int = 0) throws(LineError) {
    guard depth < 64 else { throw error("nested too deeply") }
    switch peek() {
    case 0x22:
      _ = try string()
    case 0x7B:
      try object { (_, scanner) throws(LineError) in try scanner.skipValue(depth: depth + 1) }
    case 0x5B:
      index += 1
      if peek() == 0x5D {
        index += 1
        return
      }
      while true {
        try skipValue(depth: depth + 1)
        switch peek() {
        case 0x2C: index += 1
        case 0x5D:
          index += 1
          return
        default: throw error("expected ',' or ']'")
        }
      }
    case 0x74, 0x66:
      _ = try bool()
    case 0x6E:
      guard consumeNull() else { throw error("expected a value") }
    case .some(let byte) where byte == 0x2D || (byte >= 0x30 && byte <= 0x39):
      index += 1
      while index < bytes.count {
        let b = bytes[index]
        guard (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2B || b == 0x2D else {
          break
        }
        index += 1
      }
    default:
      throw error("expected a value")
    }
  }

  private func unescape(_ range: Range<Int>) throws(LineError) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(range.count)
    var i = range.lowerBound
    while i < range.upperBound {
      let byte = bytes[i]
      guard byte == 0x5C else {
        out.append(byte)
        i += 1
        continue
      }
      guard i + 1 < range.upperBound else { throw LineError("bad escape", column: i + 1) }
      let escaped = bytes[i + 1]
      i += 2
      switch escaped {
      case 0x22: out.append(0x22)
      case 0x5C: out.append(0x5C)
      case 0x2F: out.append(0x2F)
      case 0x62: out.append(0x08)
      case 0x66: out.append(0x0C)
      case 0x6E: out.append(0x0A)
      case 0x72: out.append(0x0D)
      case 0x74: out.append(0x09)
      case 0x75:
        var scalar = try hex4(at: i, end: range.upperBound)
        i += 4
        if (0xD800..<0xDC00).contains(scalar) {
          guard i + 6 <= range.upperBound, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
            throw LineError("unpaired surrogate in \\u escape", column: i + 1)
          }
          let low = try hex4(at: i + 2, end: range.upperBound)
          guard (0xDC00..<0xE000).contains(low) else {
            throw LineError("unpaired surrogate in \\u escape", column: i + 1)
          }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          i += 6
        }
        guard let unicode = Unicode.Scalar(scalar) else {
          throw LineError("unpaired surrogate in \\u escape", column: i + 1)
        }
        out.append(contentsOf: Array(String(Character(unicode)).utf8))
      default:
        throw LineError("bad escape", column: i)
      }
    }
    guard let text = String(validating: out, as: UTF8.self) else {
      throw LineError("invalid UTF-8 in a string", column: range.lowerBound + 1)
    }
    return text
  }

  private func hex4(at start: Int, end: Int) throws(LineError) -> UInt32 {
    guard start + 4 <= end else { throw LineError("bad \\u escape", column: start + 1) }
    var value: UInt32 = 0
    for i in start..<(start + 4) {
      let byte = bytes[i]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x61...0x66: digit = byte - 0x61 + 10
      case 0x41...0x46: digit = byte - 0x41 + 10
      default: throw LineError("bad \\u escape", column: i + 1)
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }
}
