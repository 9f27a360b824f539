import Glibc
import PipelineCore

/// Whether bytes are well-formed UTF-8, checked once per line so that every string in it
/// can then be made without validating again. ASCII, most of a journal, is checked eight
/// bytes at a time.
enum UTF8Check {
  static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let count = bytes.count
    guard let base = bytes.baseAddress else { return true }
    var i = 0
    while i < count {
      if i + 8 <= count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 == 0 {
          i += 8
          continue
        }
      }
      let lead = base[i]
      if lead < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var lower: UInt8 = 0x80
      var upper: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        lower = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        upper = 0x9F  // no surrogates
      case 0xF0:
        length = 4
        lower = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        upper = 0x8F
      default: return false
      }
      guard i + length <= count else { return false }
      let second = base[i + 1]
      guard second >= lower && second <= upper else { return false }
      for k in 2..<length where base[i + k] & 0xC0 != 0x80 { return false }
      i += length
    }
    return true
  }
}

/// Reuses the String for bytes seen recently (replicas, stage keys, currencies), so that
/// replaying a million events does not allocate a million copies of the same few words.
struct StringCache {
  private var entries: [(bytes: [UInt8], string: String)] = []
  private var next = 0
  /// Checklist criteria met so far, with their bits.
  private var criteria: [LeadChecklist.KeyBit] = []

  /// The criterion `name`, its bit looked up the first time only.
  mutating func criterion(_ name: String) -> LeadChecklist.KeyBit {
    if let known = criteria.first(where: { $0.name == name }) { return known }
    let key = LeadChecklist.KeyBit(name)
    if criteria.count < 64 { criteria.append(key) }
    return key
  }

  mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) }  // stored inline anyway
    for entry in entries where entry.bytes.count == bytes.count {
      if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
        return entry.string
      }
    }
    let string = String(decoding: bytes, as: UTF8.self)
    if bytes.count <= 64 {
      if entries.count < 32 {
        entries.append((Array(bytes), string))
      } else {
        entries[next] = (Array(bytes), string)
        next = (next + 1) % 32
      }
    }
    return string
  }
}
