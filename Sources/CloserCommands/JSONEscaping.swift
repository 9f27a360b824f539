/// JSON with every character a terminal could act on escaped.
///
/// JSON requires escapes only for the C0 controls. DEL, the C1 controls (U+0080 to U+009F;
/// U+009B is read as `ESC [` by some terminals), the line and paragraph separators and the
/// bidirectional controls may stand in a string as they are, so `closer list --json` on a
/// terminal could still change colours or reorder what follows. Written as `\u` escapes
/// they are valid JSON all the same, and read back as the same text.
///
/// Works on the bytes, because in JSON (valid UTF-8, structure and whitespace in ASCII) these
/// characters can only stand inside strings.
func escapingInvisibles(_ json: [UInt8]) -> [UInt8] {
  // Every such character starts with one of these bytes; most JSON has none of them.
  guard json.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xD8 }) else { return json }
  var result: [UInt8] = []
  result.reserveCapacity(json.count + 64)
  // Bytes are copied in runs, up to each character that is escaped.
  var runStart = 0
  var index = 0
  while index < json.count {
    let byte = json[index]
    var escaped: (scalar: UInt32, length: Int)?
    if byte == 0x7F {
      escaped = (0x7F, 1)
    } else if byte == 0xC2, index + 1 < json.count, (0x80...0x9F).contains(json[index + 1]) {
      escaped = (UInt32(json[index + 1]), 2)
    } else if byte == 0xE2, index + 2 < json.count {
      let value = 0x2000 | UInt32(json[index + 1] & 0x3F) << 6 | UInt32(json[index + 2] & 0x3F)
      if (0x2028...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F {
        escaped = (value, 3)
      }
    } else if byte == 0xD8, index + 1 < json.count, json[index + 1] == 0x9C {
      escaped = (0x061C, 2)  // the Arabic letter mark
    }
    guard let escaped else {
      index += 1
      continue
    }
    result += json[runStart..<index]
    result += Array("\\u".utf8)
    for shift: UInt32 in [12, 8, 4, 0] { result.append(hexDigit(UInt8((escaped.scalar >> shift) & 0xF))) }
    index += escaped.length
    runStart = index
  }
  result += json[runStart...]
  return result
}

private func hexDigit(_ value: UInt8) -> UInt8 {
  value < 10 ? 0x30 + value : 0x61 + value - 10
}
