import Foundation
import Journal

/// A journal written line by line as docs/journal-format.md describes it, for what `closer`
/// itself would never write: control characters in a stage key or a currency, a negative
/// value, an amount at the ends of `Int64`.
struct HandWrittenJournal {
  private(set) var lines: [String]
  private var events = 0
  private let time: String

  init() {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    time = formatter.string(from: Date())
    lines = [Self.sealed(#"{"format":"closer-journal","version":"1.0","created":"\#(time)","replica":"tester""#)]
  }

  /// Appends an event; `payload` is JSON text, written as it is.
  mutating func append(_ type: String, lead: String, payload: String) {
    events += 1
    let id = String(format: "%015d", events)
    lines.append(
      Self.sealed(
        #"{"id":"\#(id)","ts":"\#(time)","replica":"tester","type":"\#(type)","lead":"\#(lead)","payload":\#(payload)"#)
    )
  }

  func write(to path: String) throws {
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
  }

  /// A line's text up to its checksum, closed with the checksum of those bytes.
  private static func sealed(_ body: String) -> String {
    body + #","crc":"\#(String(format: "%08x", CRC32C.checksum(Array(body.utf8))))"}"#
  }
}

/// `text` as a JSON string literal, quotes included, with every control character escaped.
func jsonLiteral(_ text: String) -> String {
  var bytes: [UInt8] = []
  appendJSONString(text, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}
