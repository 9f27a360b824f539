import Testing

@testable import Journal

@Suite struct CRC32CTests {
  @Test func knownAnswers() {
    // RFC 3720, B.4 and the common check value.
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum(Array(0...31)) == 0x46DD_794E)
    #expect(CRC32C.checksum([]) == 0)
  }

  @Test func slicedAndBytewisePathsAgree() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    for length in [1, 7, 8, 9, 15, 16, 17, 999] {
      var crc: UInt32 = 0xFFFF_FFFF
      for byte in bytes.prefix(length) {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
      }
      #expect(CRC32C.checksum(Array(bytes.prefix(length))) == crc ^ 0xFFFF_FFFF)
    }
  }
}

@Suite struct CRC32CHardwareTests {
  /// A large file is checked in two halves on two threads: the same answer as in one pass.
  @Test func aLargeFileCheckedInHalvesGivesTheWhole() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("large")
    let bytes = (0..<(20 << 20) + 12345).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
    writeBytes(bytes, to: path)
    let fileSystem = PosixFileSystem()
    let file = try fileSystem.open(path, writable: false, create: false)
    defer { fileSystem.close(file) }
    let count = Int64(bytes.count)
    #expect(try JournalFile.checksum(of: file, count: count, fileSystem: fileSystem) == CRC32C.checksum(bytes))
    #expect(
      try JournalFile.checksum(of: file, count: count - 999, fileSystem: fileSystem)
        == CRC32C.checksum(Array(bytes.dropLast(999))))
    #expect(try JournalFile.checksum(of: file, count: count + 1, fileSystem: fileSystem) == nil)
  }

  /// Two pieces' checksums combine into the checksum of both, at any cut.
  @Test func combiningPiecesGivesTheWhole() {
    let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 3) }
    let whole = CRC32C.checksum(bytes)
    for cut in [0, 1, 7, 8, 4096, 65_536, 69_999, 70_000] {
      let first = CRC32C.checksum(Array(bytes[..<cut]))
      let second = CRC32C.checksum(Array(bytes[cut...]))
      #expect(CRC32C.combine(first, second, secondLength: Int64(bytes.count - cut)) == whole, "cut at \(cut)")
    }
  }

  /// A second piece longer than 512 MiB (a journal of a million leads is 2.3 GB, checked in
  /// two halves): the combined checksum is still the whole's. Zeros are checksummed a
  /// megabyte at a time, so nothing large is held in memory.
  @Test func combiningPiecesLongerThan512MiBGivesTheWhole() {
    let head = Array("{\"format\":\"closer-journal\"}\n".utf8)
    let zeros = [UInt8](repeating: 0, count: 1 << 20)
    for megabytes in [511, 513, 1200] {
      var whole = CRC32C.Running()
      whole.update(head)
      var second = CRC32C.Running()
      for _ in 0..<megabytes {
        whole.update(zeros)
        second.update(zeros)
      }
      let combined = CRC32C.combine(
        CRC32C.checksum(head), second.value, secondLength: Int64(megabytes) << 20)
      #expect(combined == whole.value, "\(megabytes) MiB")
    }
  }

  /// The processor's instruction and the table agree on every length and alignment (past
  /// three lanes of 8 KiB too, which the instruction takes side by side), and a checksum
  /// taken piece by piece equals the one taken at once.
  @Test func hardwareTableAndPiecewiseAgree() {
    let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17 ^ $0 >> 9) }
    bytes.withUnsafeBytes { raw in
      for start in [0, 1, 3, 7] {
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4092, 24_575, 24_576, 24_585, 49_152, 49_229] {
          let piece = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
          let table = CRC32C.portable(0xFFFF_FFFF, piece) ^ 0xFFFF_FFFF
          #expect(CRC32C.checksum(piece) == table, "start \(start), length \(length)")
          var running = CRC32C.Running()
          let cut = length / 3
          running.update(UnsafeRawBufferPointer(rebasing: piece[..<cut]))
          running.update(UnsafeRawBufferPointer(rebasing: piece[cut...]))
          #expect(running.value == table)
        }
      }
    }
  }
}
