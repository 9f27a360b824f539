import Foundation
import PipelineCore

/// A stretch of a journal read and decoded on another thread while this one settles and
/// applies the lines before: on a machine with two cores a full replay takes about the time
/// of the slower half (decoding, or applying) instead of the sum.
///
/// The reader computes what does not depend on the state: each line's running checksum and
/// its event. Everything else (settling, batches, links, repeated ids) stays in
/// `JournalCursor`, in order, on the caller's thread.
final class DecodingStream: @unchecked Sendable {
  /// One line as read: its length (newline included), the running checksum after it, and
  /// what it holds.
  struct Line: Sendable {
    var length: Int64
    var hasNewline: Bool
    var checksum: CRC32C.Running
    var content: Content
  }

  enum Content: Sendable {
    /// The journal's first line, left to the cursor to read.
    case header([UInt8])
    case event(Result<(Event, LineLinks), LineError>)
  }

  /// What the reader reached: where it stopped, and the error that stopped it, if any.
  struct End: Sendable {
    var position: Int64
    var error: SystemError?
  }

  private let condition = NSCondition()
  private var ready: [[Line]] = []
  private var end: End?
  private var cancelled = false
  private var running = true
  private let ahead = 4

  /// Starts reading `file` from `start` (the end of line `lineNumber`, the running checksum
  /// there `checksum`) up to `stop`; at the end of the file (`stop == fileSize`) the bytes
  /// after the last newline are handed over too, as a line without its newline.
  init(
    fileSystem: FileSystem, file: Int32, from start: Int64, to stop: Int64, fileSize: Int64, lineNumber: Int,
    checksum: CRC32C.Running
  ) {
    Thread.detachNewThread { [self] in
      var reader = Reader(lineNumber: lineNumber, checksum: checksum, hand: { self.hand($0) })
      let end = reader.read(fileSystem: fileSystem, file: file, from: start, to: stop, fileSize: fileSize)
      condition.lock()
      if !reader.pending.isEmpty { ready.append(reader.pending) }
      self.end = end
      running = false
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Hands a group of lines over, once the caller is no more than `ahead` groups behind;
  /// false once cancelled.
  private func hand(_ lines: [Line]) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while !cancelled && ready.count >= ahead { condition.wait() }
    guard !cancelled else { return false }
    ready.append(lines)
    condition.broadcast()
    return true
  }

  /// The next group of lines in order, or where reading ended once every line was handed.
  func next() -> [Line]? {
    condition.lock()
    defer { condition.unlock() }
    while ready.isEmpty && running { condition.wait() }
    guard !ready.isEmpty else { return nil }
    let lines = ready.removeFirst()
    condition.broadcast()
    return lines
  }

  /// Where reading stopped; call after `next()` returned nil.
  var finish: End {
    condition.lock()
    defer { condition.unlock() }
    return end ?? End(position: 0, error: nil)
  }

  /// Stops the reader and waits for it.
  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    while running { condition.wait() }
    ready.removeAll()
    condition.unlock()
  }

  /// The reading thread's own state.
  private struct Reader {
    var lineNumber: Int
    var checksum: CRC32C.Running
    let hand: ([Line]) -> Bool
    var decoder = EventDecoder()
    var pending: [Line] = []
    var stopped = false
    static let groupSize = 4096
    static let newline: [UInt8] = [0x0A]

    init(lineNumber: Int, checksum: CRC32C.Running, hand: @escaping ([Line]) -> Bool) {
      self.lineNumber = lineNumber
      self.checksum = checksum
      self.hand = hand
      pending.reserveCapacity(Self.groupSize)
    }

    mutating func read(fileSystem: FileSystem, file: Int32, from start: Int64, to stop: Int64, fileSize: Int64)
      -> End
    {
      let chunkSize = 4 << 20
      var buffer = [UInt8](repeating: 0, count: Int(min(Int64(chunkSize), max(stop - start, 1))))
      var carried = 0
      var position = start
      while position < stop && !stopped {
        if carried == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        let want = Int(min(Int64(buffer.count - carried), stop - position))
        let read = buffer.withUnsafeMutableBytes { [carried, position] raw in
          let target = UnsafeMutableRawBufferPointer(rebasing: raw[carried..<(carried + want)])
          return Result { () throws(SystemError) in try fileSystem.read(file, into: target, at: position) }
        }
        let got: Int
        switch read {
        case .success(let count): got = count
        case .failure(let error): return End(position: position, error: error)
        }
        guard got > 0 else { break }
        position += Int64(got)
        let filled = carried + got
        let consumed = buffer.withUnsafeBufferPointer { bytes in
          takeLines(UnsafeBufferPointer(rebasing: bytes[..<filled]))
        }
        carried = filled - consumed
        if consumed > 0 && carried > 0 {
          buffer.withUnsafeMutableBytes { raw in
            raw.baseAddress!.copyMemory(from: raw.baseAddress! + consumed, byteCount: carried)
          }
        }
      }
      if !stopped && position == fileSize && carried > 0 {
        buffer.withUnsafeBufferPointer { bytes in
          take(UnsafeBufferPointer(rebasing: bytes[..<carried]), hasNewline: false)
        }
      }
      return End(position: position, error: nil)
    }

    private mutating func takeLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
      var start = 0
      let base = UnsafeRawPointer(bytes.baseAddress!)
      while start < bytes.count && !stopped {
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { break }
        let end = base.distance(to: UnsafeRawPointer(found))
        take(UnsafeBufferPointer(rebasing: bytes[start..<end]), hasNewline: true)
        start = end + 1
      }
      return start
    }

    private mutating func take(_ line: UnsafeBufferPointer<UInt8>, hasNewline: Bool) {
      checksum.update(UnsafeRawBufferPointer(line))
      if hasNewline { checksum.update(Self.newline) }
      lineNumber += 1
      let content: Content
      if lineNumber == 1 {
        content = .header(Array(line))
      } else {
        var links = LineLinks()
        do {
          let event = try decoder.decode(line, links: &links)
          content = .event(.success((event, links)))
        } catch {
          content = .event(.failure(error))
        }
      }
      pending.append(
        Line(
          length: Int64(line.count) + (hasNewline ? 1 : 0), hasNewline: hasNewline, checksum: checksum, content: content
        ))
      if pending.count == Self.groupSize {
        if !hand(pending) { stopped = true }
        pending.removeAll(keepingCapacity: true)
      }
    }
  }
}
