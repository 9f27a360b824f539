import Glibc
import TerminalText

/// The one way the command line writes to standard output and standard error.
///
/// Human-readable text (tables, messages, errors, help) is made visible on the way out:
/// any control character in it, from data or from an argument, is shown as a symbol
/// (`printableLines`: ESC as ␛, BEL as ␇, C1 controls and bidirectional overrides as
/// U+FFFD), so nothing a journal or a command line holds can drive the terminal. Writes
/// go straight to the descriptors, unbuffered, so that a write that fails (a full disk, a
/// closed pipe) is an error the command reports, not output lost at exit.
enum Console {
  /// Writes human-readable text and a line break to standard output.
  static func print(_ text: String) throws(ConsoleError) {
    try printData(Array((printableLines(text) + "\n").utf8))
  }

  /// Writes bytes as they are to standard output: an export or JSON, data for programs.
  static func printData(_ bytes: [UInt8]) throws(ConsoleError) {
    if let code = writeAll(bytes, to: 1) { throw ConsoleError(code: code) }
  }

  /// Prints what a command did after it was saved: a failure to print is reported as such,
  /// so the rep does not do it again.
  static func printOutcome(_ text: String) throws {
    do {
      try print(text)
    } catch {
      throw CommandError("the change was saved, but \(error)")
    }
  }

  /// Writes a message to standard error, after `closer: `. Best effort: with standard
  /// error gone there is nowhere left to say so.
  static func printError(_ message: String) {
    printFailure("closer: \(message)")
  }

  /// Writes a report of why a command failed (`Error: ...`, its usage) to standard error.
  static func printFailure(_ text: String) {
    _ = writeAll(Array((printableLines(text) + "\n").utf8), to: 2)
  }

  /// Writes every byte, retrying short and interrupted writes; the `errno` of a failure.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return written < 0 ? errno : EIO }
      offset += written
    }
    return nil
  }
}

/// Standard output could not be written.
struct ConsoleError: Error, CustomStringConvertible {
  /// The `errno` of the failed write.
  var code: Int32

  var description: String { "cannot write to standard output: \(String(cString: strerror(code)))" }
}

/// Commands write through `Console`: `print` would pass control characters from data to
/// the terminal, and lose a failed write at exit.
@available(*, unavailable, message: "write through Console, which keeps control characters off the terminal")
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {}
