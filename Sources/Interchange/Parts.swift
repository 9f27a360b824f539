import Foundation

/// Runs `body` on consecutive parts of `0..<count`, one part per core when there is enough
/// work (at least `minimumPerPart` items each), and returns the parts' results in order.
public func inParts<Result: Sendable>(
  _ count: Int, minimumPerPart: Int, _ body: @Sendable (Range<Int>) -> Result
) -> [Result] {
  let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, count / max(1, minimumPerPart)))
  guard parts > 1 else { return [body(0..<count)] }
  let results = PartResults<Result>(count: parts)
  DispatchQueue.concurrentPerform(iterations: parts) { part in
    results.store(body((count * part / parts)..<(count * (part + 1) / parts)), at: part)
  }
  return results.all
}

/// One slot per part, each written by exactly one thread before any is read.
private final class PartResults<Result>: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<Result?>

  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: nil)
  }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }

  func store(_ result: Result, at index: Int) { slots[index] = result }

  var all: [Result] { slots.map { $0! } }
}
