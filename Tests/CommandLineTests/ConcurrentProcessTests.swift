import Foundation
import Testing

@Suite struct ConcurrentProcessTests {
  /// Four writers adding 250 leads each, one `closer add` process at a time per writer,
  /// released together so that their processes truly overlap.
  @Test func fourProcessesAppendingAtOnceLoseNothing() throws {
    let box = Sandbox()
    let journal = box.journal
    let gate = NSCondition()
    nonisolated(unsafe) var waiting = 4
    nonisolated(unsafe) var failures: [String] = []
    let done = DispatchGroup()
    for writer in 0..<4 {
      done.enter()
      // Threads, not tasks: the task pool may run only as many at once as there are cores.
      Thread {
        gate.lock()
        waiting -= 1
        if waiting == 0 { gate.broadcast() }
        while waiting > 0 { gate.wait() }
        gate.unlock()
        for i in 0..<250 {
          let run = try? closer(["add", "Writer \(writer) lead \(i)", "--journal", journal])
          if run?.status != 0 {
            gate.lock()
            failures.append("writer \(writer) lead \(i): \(run?.stderr ?? "did not run")")
            gate.unlock()
          }
        }
        done.leave()
      }.start()
    }
    done.wait()
    #expect(failures.isEmpty, "\(failures)")
    let lines = box.journalLines()
    #expect(lines.count == 1001)
    let names = lines.dropFirst().compactMap { line -> String? in
      guard let object = try? json(line) as? [String: Any] else { return nil }
      return (object["payload"] as? [String: Any])?["name"] as? String
    }
    #expect(names.count == 1000)
    #expect(Set(names).count == 1000)
    let check = try box.run(["check"])
    #expect(check.status == 0)
    #expect(check.stdout.contains("1000 leads"))
  }
}
