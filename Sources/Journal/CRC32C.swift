import CChecksum

/// CRC-32C (Castagnoli), the checksum at the end of every journal line and over the
/// journal's bytes that a snapshot covers.
///
/// The processor's CRC-32C instruction does the work where there is one (about ten times
/// a table's speed, so checking every byte of a 200 MB journal costs some 20 ms); otherwise
/// slicing-by-8, eight table lookups per eight bytes. Both give the same answers
/// (`CRC32CTests`).
public enum CRC32C {
  /// A checksum computed piece by piece: `update` with each piece in order, then `value`.
  public struct Running: Equatable, Sendable {
    /// The register before the final inversion.
    var register: UInt32 = 0xFFFF_FFFF

    public init() {}

    init(register: UInt32) { self.register = register }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
      register = CRC32C.continue(register, bytes)
    }

    public mutating func update(_ bytes: [UInt8]) {
      bytes.withUnsafeBytes { update($0) }
    }

    public var value: UInt32 { register ^ 0xFFFF_FFFF }
  }

  public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    self.continue(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
  }

  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }

  /// The CRC-32C of two pieces one after the other, from the checksum of each.
  public static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int64) -> UInt32 {
    closer_crc32c_combine(first, second, UInt64(secondLength))
  }

  static let hasHardware = closer_crc32c_hardware_available() != 0

  private static func `continue`(_ register: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return register }
    if hasHardware {
      return closer_crc32c_hardware(register, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
    return portable(register, bytes)
  }

  /// The table version: the fallback, and the reference the hardware path is tested against.
  static func portable(_ register: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = register
    let count = bytes.count
    var i = 0
    tables.withUnsafeBufferPointer { t in
      while i + 8 <= count {
        let low = bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian ^ crc
        let high = bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
        crc =
          t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
          ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
        i += 8
      }
      while i < count {
        crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
        i += 1
      }
    }
    return crc
  }

  private static let tables: [UInt32] = {
    let polynomial: UInt32 = 0x82F6_3B78
    var table = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
      var crc = UInt32(n)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
      table[n] = crc
    }
    for n in 0..<256 {
      for k in 1..<8 {
        let previous = table[(k - 1) * 256 + n]
        table[k * 256 + n] = (previous >> 8) ^ table[Int(previous & 0xFF)]
      }
    }
    return table
  }()
}
