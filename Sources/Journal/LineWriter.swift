import PipelineCore

/// Builds one journal line as bytes: compact JSON, fields in a fixed order, ending with the
/// checksum of everything before it and a newline.
struct LineWriter {
  /// The line, after whatever the buffer held before it (see `init(appendingTo:)`).
  var bytes: [UInt8]
  private let lineStart: Int
  private var needsComma = false

  init() {
    bytes = []
    bytes.reserveCapacity(256)
    lineStart = 0
  }

  /// A writer that adds its line after `buffer`'s bytes, taking the buffer over (leaving it
  /// empty) so that nothing is copied; `seal()` gives it back with the line appended.
  init(appendingTo buffer: inout [UInt8]) {
    bytes = []
    swap(&bytes, &buffer)
    lineStart = bytes.count
  }

  mutating func open() {
    bytes.append(0x7B)
    needsComma = false
  }

  mutating func close() {
    bytes.append(0x7D)
    needsComma = true
  }

  mutating func key(_ name: StaticString) {
    if needsComma { bytes.append(0x2C) }
    bytes.append(0x22)
    name.withUTF8Buffer { bytes.append(contentsOf: $0) }
    bytes.append(0x22)
    bytes.append(0x3A)
    needsComma = true
  }

  mutating func field(_ name: StaticString, _ text: String) {
    key(name)
    string(text)
  }

  mutating func field(_ name: StaticString, _ number: Int64) {
    key(name)
    if number < 0 { bytes.append(0x2D) }
    var magnitude = number.magnitude
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
    }
  }

  mutating func field(_ name: StaticString, _ flag: Bool) {
    key(name)
    let word: StaticString = flag ? "true" : "false"
    word.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// A key that is not known in advance (a checklist criterion).
  mutating func key(text: String) {
    if needsComma { bytes.append(0x2C) }
    string(text)
    bytes.append(0x3A)
    needsComma = true
  }

  /// `[`, then elements written with `element`, then `]`.
  mutating func array<T>(_ name: StaticString, _ values: [T], _ element: (inout LineWriter, T) -> Void) {
    key(name)
    bytes.append(0x5B)
    for (index, value) in values.enumerated() {
      if index > 0 { bytes.append(0x2C) }
      needsComma = false
      element(&self, value)
    }
    bytes.append(0x5D)
    needsComma = true
  }

  mutating func null(_ name: StaticString) {
    key(name)
    bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
  }

  /// A JSON string (see `appendJSONString`).
  mutating func string(_ text: String) { appendJSONString(text, to: &bytes) }

  /// Appends `,"crc":"xxxxxxxx"}` and the newline, sealing the line.
  mutating func seal() -> [UInt8] {
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
    key("crc")
    bytes.append(0x22)
    for shift in stride(from: 28, through: 0, by: -4) { bytes.append(hexDigit(UInt8((crc >> UInt32(shift)) & 0xF))) }
    bytes.append(0x22)
    bytes.append(0x7D)
    bytes.append(0x0A)
    return bytes
  }
}

/// The lowercase hex digit for a value 0...15.
func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

/// Appends `text` as a JSON string. Quotes, backslashes, control characters and DEL are
/// escaped, so the result never holds a raw newline or terminal control byte; everything
/// else (U+2028 included) stays as UTF-8. Journal lines and exports both write strings so.
public func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
  bytes.append(0x22)
  // Most text needs no escaping: copy it whole.
  let plain =
    text.utf8.withContiguousStorageIfAvailable { utf8 in
      !utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }
    } ?? false
  if plain {
    bytes.append(contentsOf: text.utf8)
    bytes.append(0x22)
    return
  }
  for byte in text.utf8 {
    switch byte {
    case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
    case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
    case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
    case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
    case 0x00..<0x20, 0x7F:
      bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 0xF)])
    default: bytes.append(byte)
    }
  }
  bytes.append(0x22)
}
