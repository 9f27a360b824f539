import Foundation
import Glibc

/// When a crash campaign kills a process with SIGKILL.
enum KillMoment: Equatable {
  case never
  /// This long after the start barrier opened: anywhere from starting up to finishing.
  case after(microseconds: Int)
  /// This long after the process is seen holding the journal's exclusive lock: in the
  /// middle of an append (catching up, setting a torn tail aside, building, writing, flushing).
  case holdingLock(microseconds: Int)
  /// As soon as the journal grows while the process holds the exclusive lock (seen within
  /// the last millisecond): in the middle of its write or of the flush after it.
  case writing
}

/// Carries out one round's kills, watching the processes from outside: the clock, the
/// journal's lock table (`/proc/locks`) and the journal's size.
struct KillSchedule {
  var journal: String
  var inode: UInt64

  private struct Watch {
    var process: BarrierProcess
    var moment: KillMoment
    var lockSeen: Date?
    var smallestSize: Int64?
    /// When `.writing` last saw the lock held; looked at again every millisecond.
    var lockConfirmed: Date?
  }

  /// Polls (every 200 µs, every 10 µs while awaiting a write) until every kill was sent or
  /// its process ended on its own, or the deadline passed. Returns the processes a kill was
  /// sent to.
  func carryOut(_ plan: [(BarrierProcess, KillMoment)], released: Date, deadline: Date) -> [BarrierProcess] {
    var timed: [(due: Date, process: BarrierProcess)] = plan.compactMap { process, moment in
      guard case .after(let microseconds) = moment else { return nil }
      return (released.addingTimeInterval(Double(microseconds) / 1e6), process)
    }.sorted { $0.due < $1.due }
    var watches = plan.compactMap { process, moment -> Watch? in
      switch moment {
      case .holdingLock, .writing: Watch(process: process, moment: moment)
      case .never, .after: nil
      }
    }
    var sent: [BarrierProcess] = []
    while !(timed.isEmpty && watches.isEmpty) && Date() < deadline {
      let now = Date()
      while let first = timed.first, first.due <= now {
        first.process.sendKill()
        sent.append(first.process)
        timed.removeFirst()
      }
      if !watches.isEmpty {
        // The lock table costs more to read than the size: it is read when a watch needs it.
        var holders: Set<pid_t>?
        let size = journalSize()
        var waiting: [Watch] = []
        for var watch in watches where !watch.process.poll() {
          let pid = watch.process.pid
          let holding = {
            if holders == nil { holders = exclusiveHolders() }
            return holders?.contains(pid) ?? false
          }
          if shouldKill(&watch, holding: holding, size: size, now: now) {
            watch.process.sendKill()
            sent.append(watch.process)
          } else {
            waiting.append(watch)
          }
        }
        watches = waiting
      }
      // Quick while a write is awaited, so that a kill lands inside it.
      usleep(watches.contains { $0.smallestSize != nil } ? 10 : 200)
    }
    return sent
  }

  private func shouldKill(_ watch: inout Watch, holding: () -> Bool, size: Int64, now: Date) -> Bool {
    switch watch.moment {
    case .holdingLock(let microseconds):
      if watch.lockSeen == nil && holding() { watch.lockSeen = now }
      guard let seen = watch.lockSeen else { return false }
      return now >= seen.addingTimeInterval(Double(microseconds) / 1e6)
    case .writing:
      guard let smallest = watch.smallestSize, let confirmed = watch.lockConfirmed else {
        if holding() {
          watch.smallestSize = size
          watch.lockConfirmed = now
        }
        return false
      }
      // The journal may first shrink (a torn tail set aside); growing is the write. Killing
      // at once, without reading the lock table again, is what lands a kill inside it.
      if size > smallest { return true }
      watch.smallestSize = size
      if now.timeIntervalSince(confirmed) > 0.001 {
        // Lock released (the lock taken while opening): wait for the next one.
        if holding() { watch.lockConfirmed = now } else { watch.smallestSize = nil }
      }
      return false
    case .never, .after:
      return false
    }
  }

  private func journalSize() -> Int64 {
    var info = stat()
    return stat(journal, &info) == 0 ? Int64(info.st_size) : 0
  }

  /// The processes holding an exclusive `flock` on the journal, from lines of `/proc/locks`
  /// such as `2: FLOCK  ADVISORY  WRITE 1730 fe:00:16220220 0 EOF` (waiters show `->`).
  func exclusiveHolders() -> Set<pid_t> {
    let descriptor = open("/proc/locks", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return [] }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
      let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard got > 0 else { break }
      bytes += chunk[..<got]
    }
    var holders: Set<pid_t> = []
    let suffix = ":\(inode)"
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE", fields[5].hasSuffix(suffix),
        let pid = pid_t(fields[4])
      else { continue }
      holders.insert(pid)
    }
    return holders
  }
}
