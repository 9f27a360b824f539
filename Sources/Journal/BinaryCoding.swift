/// Little-endian binary writing for snapshots.
struct BinaryWriter {
  private(set) var bytes: [UInt8] = []

  mutating func u8(_ value: UInt8) { bytes.append(value) }

  mutating func u32(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func i64(_ value: Int64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// Unsigned LEB128: small counts and lengths take one byte.
  mutating func count(_ value: Int) {
    var rest = UInt64(value)
    while rest >= 0x80 {
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  mutating func string(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      count(utf8.count)
      bytes.append(contentsOf: utf8)
    }
  }

  mutating func optional<T>(_ value: T?, _ write: (inout BinaryWriter, T) -> Void) {
    guard let value else { return u8(0) }
    u8(1)
    write(&self, value)
  }

  mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// Reads what `BinaryWriter` wrote; any overrun or nonsense is a `SnapshotError`.
struct BinaryReader {
  let buffer: UnsafeRawBufferPointer
  var offset = 0

  init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

  var isAtEnd: Bool { offset == buffer.count }

  private mutating func take(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
    guard count >= 0, count <= buffer.count - offset else { throw SnapshotError("truncated") }
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
  }

  mutating func u8() throws(SnapshotError) -> UInt8 { try take(1)[0] }

  mutating func u32() throws(SnapshotError) -> UInt32 {
    UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self))
  }

  mutating func i64() throws(SnapshotError) -> Int64 {
    Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self))
  }

  mutating func count() throws(SnapshotError) -> Int {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = try u8()
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
      guard shift < 63 else { throw SnapshotError("bad count") }
    }
    guard value <= UInt64(Int32.max) else { throw SnapshotError("count too large") }
    return Int(value)
  }

  mutating func bytes(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer { try take(count) }

  /// A string; snapshots are checksummed, so the bytes are the UTF-8 that was written.
  mutating func string() throws(SnapshotError) -> String {
    let raw = try take(try count())
    return String(decoding: raw.bindMemory(to: UInt8.self), as: UTF8.self)
  }

  mutating func bool() throws(SnapshotError) -> Bool {
    switch try u8() {
    case 0: return false
    case 1: return true
    default: throw SnapshotError("bad flag")
    }
  }

  mutating func optional<T>(_ read: (inout BinaryReader) throws(SnapshotError) -> T) throws(SnapshotError) -> T? {
    try bool() ? try read(&self) : nil
  }
}

/// A snapshot that cannot be used; Closer then replays the journal and writes a new one.
struct SnapshotError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
