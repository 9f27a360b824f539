import PipelineCore

/// Builds one journal line as bytes: compact JSON, fields in a fixed order, ending with the
/// checksum of everything before it and a newline.
struct LineWriter {
  private(set) var bytes: [UInt8] = []
  private var needsComma = false

  init() { bytes.reserveCapacity(256) }

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
    bytes.append(contentsOf: Array(String(number).utf8))
  }

  mutating func field(_ name: StaticString, _ flag: Bool) {
    key(name)
    bytes.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
  }

  mutating func null(_ name: StaticString) {
    key(name)
    bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
  }

  /// A JSON string. Control characters and DEL are escaped, so a line never holds a raw
  /// newline or terminal control byte; everything else (U+2028 included) stays as UTF-8.
  mutating func string(_ text: String) {
    bytes.append(0x22)
    for byte in text.utf8 {
      switch byte {
      case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
      case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
      case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
      case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
      case 0x00..<0x20, 0x7F:
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(0x22)
  }

  /// Appends `,"crc":"xxxxxxxx"}` and the newline, sealing the line.
  mutating func seal() -> [UInt8] {
    let crc = bytes.withUnsafeBytes { CRC32C.checksum($0) }
    key("crc")
    bytes.append(0x22)
    bytes.append(contentsOf: hex8(crc))
    bytes.append(0x22)
    bytes.append(0x7D)
    bytes.append(0x0A)
    return bytes
  }
}

func hex8(_ value: UInt32) -> [UInt8] {
  let digits: [UInt8] = Array("0123456789abcdef".utf8)
  return (0..<8).map { digits[Int((value >> (28 - 4 * UInt32($0))) & 0xF)] }
}
