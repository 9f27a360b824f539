import Foundation
import PipelineCore

/// The lines of a large batch, encoded a part at a time on other threads while the parts
/// before are written: an import of 100,000 deals (110 MB of lines) is never whole in
/// memory, only the few parts ahead of the writer.
///
/// Parts are handed out in order by `next()`; encoders stay at most `ahead` parts in front
/// of it. `cancel()` stops them (the batch was refused, or the write failed).
public final class EncodingStream: @unchecked Sendable {
  private let condition = NSCondition()
  private let events: [Event]
  private let after: String?
  private let ranges: [Range<Int>]
  private let ahead: Int
  private var ready: [Int: [UInt8]] = [:]
  /// The next part `next()` hands out, and the next one an encoder takes up.
  private var handed = 0
  private var claimed = 0
  private var cancelled = false
  private var running = 0

  /// Starts `encoders` threads on `events`, in parts of about `partSize` events.
  init(events: [Event], after: String?, partSize: Int = 10_000, ahead: Int = 3, encoders: Int = 2) {
    self.events = events
    self.after = after
    self.ahead = ahead
    ranges = stride(from: 0, to: events.count, by: partSize).map { $0..<min(events.count, $0 + partSize) }
    running = encoders
    for _ in 0..<encoders {
      Thread.detachNewThread { [self] in encode() }
    }
  }

  private func encode() {
    while let part = claim() {
      let range = ranges[part]
      let bytes = EventCodec.encodeBatch(
        events[range], after: part == 0 ? after : events[range.lowerBound - 1].id,
        batchSize: part == 0 ? events.count : 0)
      condition.lock()
      ready[part] = bytes
      condition.broadcast()
      condition.unlock()
    }
    condition.lock()
    running -= 1
    condition.broadcast()
    condition.unlock()
  }

  /// The next part to encode, once it is no more than `ahead` parts in front of the writer.
  private func claim() -> Int? {
    condition.lock()
    defer { condition.unlock() }
    while !cancelled && claimed < ranges.count && claimed >= handed + ahead { condition.wait() }
    guard !cancelled, claimed < ranges.count else { return nil }
    claimed += 1
    return claimed - 1
  }

  /// The next part, in order; nil after the last (or once cancelled).
  public func next() -> [UInt8]? {
    condition.lock()
    defer { condition.unlock() }
    while !cancelled && handed < ranges.count && ready[handed] == nil { condition.wait() }
    guard !cancelled, handed < ranges.count, let bytes = ready.removeValue(forKey: handed) else { return nil }
    handed += 1
    condition.broadcast()
    return bytes
  }

  /// Stops the encoders and waits for them to finish the part they are on.
  public func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    while running > 0 { condition.wait() }
    ready.removeAll()
    condition.unlock()
  }
}
