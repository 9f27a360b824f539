import Glibc

/// Little-endian binary writing for snapshots.
struct BinaryWriter {
  private(set) var bytes: [UInt8] = []

  init() {}

  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  mutating func reserve(_ more: Int) { bytes.reserveCapacity(bytes.count + more) }

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
///
/// Either over bytes in memory, or over a section of a file read a window at a time
/// (`SectionStream`), so that a snapshot of a million leads is never whole in memory.
struct BinaryReader {
  private(set) var buffer: UnsafeRawBufferPointer
  var offset = 0
  private let stream: SectionStream?

  init(_ buffer: UnsafeRawBufferPointer) {
    self.buffer = buffer
    stream = nil
  }

  init(_ stream: SectionStream) {
    self.buffer = UnsafeRawBufferPointer(start: nil, count: 0)
    self.stream = stream
  }

  var isAtEnd: Bool { offset == buffer.count && (stream?.isAtEnd ?? true) }

  /// How many bytes are left to read: a count read from the file is held to it before
  /// room is made for that many things (a damaged or crafted count never asks for more
  /// memory than the file could fill).
  var bytesLeft: Int { buffer.count - offset + (stream?.bytesLeftInFile ?? 0) }

  /// A count of things that take at least `size` bytes each, held to the bytes left.
  mutating func count(ofAtLeast size: Int) throws(SnapshotError) -> Int {
    let value = try count()
    guard value <= bytesLeft / max(1, size) else { throw SnapshotError("count larger than the file") }
    return value
  }

  private mutating func take(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
    guard count >= 0 else { throw SnapshotError("truncated") }
    if count > buffer.count - offset {
      guard let stream else { throw SnapshotError("truncated") }
      buffer = try stream.refill(keeping: UnsafeRawBufferPointer(rebasing: buffer[offset...]), toHold: count)
      offset = 0
    }
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

  /// A string that many leads share (a stage key, an owner, a currency): one copy of each.
  mutating func string(_ cache: inout StringCache) throws(SnapshotError) -> String {
    let raw = try take(try count())
    return cache.string(raw.bindMemory(to: UInt8.self))
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

/// A section of a snapshot file read a window at a time, its checksum computed on the way.
/// What `take` hands out stays valid until the next refill, which is all a reader needs: it
/// makes its strings and numbers from the bytes at once. One thread reads it at a time (it
/// may be handed to another before it is read).
final class SectionStream: @unchecked Sendable {
  private let fileSystem: FileSystem
  private let descriptor: Int32
  private var position: Int64
  private let end: Int64
  private var window: UnsafeMutableRawBufferPointer
  private(set) var checksum = CRC32C.Running()

  init(fileSystem: FileSystem, descriptor: Int32, range: Range<Int64>, windowSize: Int = 8 << 20) {
    self.fileSystem = fileSystem
    self.descriptor = descriptor
    position = range.lowerBound
    end = range.upperBound
    window = .allocate(byteCount: max(1, min(windowSize, Int(range.count))), alignment: 16)
  }

  deinit { window.deallocate() }

  var isAtEnd: Bool { position == end }

  var bytesLeftInFile: Int { Int(end - position) }

  /// Moves the bytes not read yet (`rest`, inside the window) to its start and reads what
  /// follows in the file, until at least `count` bytes are there; the new window's bytes.
  func refill(keeping rest: UnsafeRawBufferPointer, toHold count: Int) throws(SnapshotError)
    -> UnsafeRawBufferPointer
  {
    guard Int64(count - rest.count) <= end - position else { throw SnapshotError("truncated") }
    if count > window.count {
      let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
      if rest.count > 0 { memmove(larger.baseAddress!, rest.baseAddress!, rest.count) }
      window.deallocate()
      window = larger
    } else if rest.count > 0 {
      memmove(window.baseAddress!, rest.baseAddress!, rest.count)  // the two may overlap
    }
    var filled = rest.count
    let want = Int(min(Int64(window.count - filled), end - position))
    while filled < rest.count + want {
      let target = UnsafeMutableRawBufferPointer(rebasing: window[filled..<(rest.count + want)])
      let got: Int
      do {
        got = try fileSystem.read(descriptor, into: target, at: position)
      } catch {
        throw SnapshotError("unreadable: \(error)")
      }
      guard got > 0 else { throw SnapshotError("truncated") }
      checksum.update(UnsafeRawBufferPointer(rebasing: window[filled..<(filled + got)]))
      filled += got
      position += Int64(got)
    }
    return UnsafeRawBufferPointer(rebasing: window[..<filled])
  }
}
