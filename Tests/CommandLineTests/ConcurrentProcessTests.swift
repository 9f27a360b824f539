import Foundation
import Testing

@Suite struct ConcurrentProcessTests {
  /// Four processes adding 250 leads each, at once, into one journal.
  @Test func fourProcessesAppendingAtOnceLoseNothing() async throws {
    let box = Sandbox()
    let journal = box.journal
    try await withThrowingTaskGroup(of: Void.self) { group in
      for writer in 0..<4 {
        group.addTask {
          for i in 0..<250 {
            let run = try closer(["add", "Writer \(writer) lead \(i)", "--journal", journal])
            guard run.status == 0 else { throw CocoaError(.fileWriteUnknown) }
          }
        }
      }
      try await group.waitForAll()
    }
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
