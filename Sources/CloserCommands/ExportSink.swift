import Glibc
import TerminalText

/// Where an export goes, the way a rep expects `-o PATH` to behave:
///
/// - no path: standard output;
/// - a regular file, or a name where nothing is yet: a temporary file beside it, flushed
///   and renamed over it at the end, so nobody ever sees half an export (the temporary
///   file is removed when anything fails);
/// - a symbolic link: the same for the file it names, so the link stays a link;
/// - a device, a pipe (FIFO) or a socket: written into as the shell's `>` would (a FIFO
///   waits for its reader), and never replaced or removed: `-o /dev/null` must leave the
///   system's /dev/null a device;
/// - a directory: refused.
final class ExportSink {
  private enum Target {
    case standardOutput
    /// Written to `temporary`, then renamed over `file`.
    case replaced(file: String, temporary: String)
    /// Written straight into what is there.
    case writtenInto
  }

  private let descriptor: Int32
  private let target: Target
  /// The path as the rep gave it, for messages.
  private let shownPath: String
  private var isOpen = true

  init(path: String?) throws {
    guard let path else {
      descriptor = 1
      target = .standardOutput
      shownPath = "the export"
      return
    }
    shownPath = path
    let file = try Self.resolvingLinks(path)
    var info = stat()
    let exists = stat(file, &info) == 0
    let type = info.st_mode & S_IFMT
    if exists && type == S_IFDIR {
      throw CommandError(
        "\(printable(path)) is a directory; give the name of the file to write, such as \(printable(path))/leads.csv")
    }
    if exists && type != S_IFREG {
      // No O_CREAT or O_TRUNC: a device or a pipe is written into, never made or replaced.
      var opened: Int32
      repeat { opened = open(file, O_WRONLY | O_CLOEXEC | O_NOCTTY) } while opened < 0 && errno == EINTR
      guard opened >= 0 else {
        throw CommandError("cannot write \(printable(path)): \(String(cString: strerror(errno)))")
      }
      descriptor = opened
      target = .writtenInto
      return
    }
    let temporary = "\(file).tmp-\(getpid())"
    let opened = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard opened >= 0 else {
      throw CommandError("cannot write \(printable(path)): \(String(cString: strerror(errno)))")
    }
    // A file that is replaced keeps its permissions (an export kept private stays private).
    if exists { fchmod(opened, info.st_mode & 0o7777) }
    descriptor = opened
    target = .replaced(file: file, temporary: temporary)
  }

  func write(_ bytes: [UInt8]) throws {
    if case .standardOutput = target { return try Console.printData(bytes) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        throw CommandError("cannot write \(shownPath): \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  /// Makes the export visible: flushed and renamed into place, or, for a device or a
  /// pipe, closed.
  func finish() throws {
    switch target {
    case .standardOutput:
      return
    case .writtenInto:
      isOpen = false
      guard close(descriptor) == 0 || errno == EINTR else {
        throw CommandError("cannot write \(shownPath): \(String(cString: strerror(errno)))")
      }
    case .replaced(let file, let temporary):
      let synced = fsync(descriptor) == 0
      let reason = String(cString: strerror(errno))
      close(descriptor)
      isOpen = false
      guard synced, rename(temporary, file) == 0 else {
        let detail = synced ? String(cString: strerror(errno)) : reason
        unlink(temporary)
        throw CommandError("cannot write \(shownPath): \(detail)")
      }
    }
  }

  /// Leaves the target as it was (a device or a pipe keeps what was already written).
  func abandon() {
    guard isOpen else { return }
    isOpen = false
    switch target {
    case .standardOutput:
      return
    case .writtenInto:
      close(descriptor)
    case .replaced(_, let temporary):
      close(descriptor)
      unlink(temporary)
    }
  }

  /// Follows symbolic links from `path` to the name of what they finally point at, which
  /// need not exist yet (the shell's `>` creates the target of a dangling link too).
  static func resolvingLinks(_ path: String) throws -> String {
    var current = path
    // The kernel's own limit on links followed in one lookup.
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
      let length = readlink(current, &buffer, buffer.count)
      guard length > 0 else {
        throw CommandError("cannot write \(printable(path)): \(String(cString: strerror(errno)))")
      }
      let link = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if link.hasPrefix("/") {
        current = link
      } else {
        current = (current.lastIndex(of: "/").map { String(current[...$0]) } ?? "") + link
      }
    }
    throw CommandError("cannot write \(printable(path)): \(String(cString: strerror(ELOOP)))")
  }
}
