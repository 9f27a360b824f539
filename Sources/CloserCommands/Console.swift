import Glibc

/// The one way the command line writes to standard output and standard error.
///
/// Writes go straight to the descriptors, unbuffered, so that a write that fails (a full
/// disk, a closed pipe) is an error the command reports, not output lost at exit.
enum Console {
  /// Writes text and a line break to standard output.
  static func print(_ text: String) throws(ConsoleError) {
    try printData(Array((text + "\n").utf8))
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

  /// Writes a line to standard error, after `closer: `. Best effort: with standard error
  /// gone there is nowhere left to say so.
  static func printError(_ message: String) {
    _ = writeAll(Array("closer: \(message)\n".utf8), to: 2)
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

/// Commands write through `Console`: `print` would lose a failed write at exit.
@available(*, unavailable, message: "write through Console, which reports a failed write")
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {}
