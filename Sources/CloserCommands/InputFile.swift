import Glibc
import TerminalText

/// What a file Closer reads whole is for: the words its messages use and the most it may
/// hold.
///
/// Every such file is looked at before it is read, so that what is not a plain file of its
/// kind is refused with a message instead of hanging (a FIFO nobody writes to), running
/// away (/dev/zero) or filling memory: only regular files are read, up to a size that
/// memory allows for the kind. The null device reads as an empty file, so
/// `--config /dev/null` means "no configuration", as it does for other tools.
struct InputKind {
  /// "config file", "theme file", "CSV file".
  var noun: String
  var maximumBytes: Int
  /// The limit as the rep reads it, with what to do about a larger file.
  var maximumText: String
  /// For a CSV: a file longer than this whose first this-many bytes hold no line break is
  /// refused before the rest is read (a CSV has a row on each line).
  var lineBreakWithin: Int?

  static let config = InputKind(noun: "config file", maximumBytes: 1 << 20, maximumText: "1 MB")
  static let theme = InputKind(noun: "theme file", maximumBytes: 1 << 20, maximumText: "1 MB")
  /// Checking an import takes about 30 times the file's size in memory (a 20 MB file of
  /// 100,000 rows peaks at 540 MB), so 256 MB, well over a million rows, is the most it
  /// takes at once.
  static let table = InputKind(
    noun: "CSV file", maximumBytes: 256 << 20,
    maximumText: "256 MB, the most Closer imports at once; split it into smaller files", lineBreakWithin: 1 << 20)

  init(noun: String, maximumBytes: Int, maximumText: String, lineBreakWithin: Int? = nil) {
    self.noun = noun
    self.maximumBytes = maximumBytes
    self.maximumText = maximumText
    self.lineBreakWithin = lineBreakWithin
  }
}

/// Reads a whole UTF-8 file; nil when it does not exist.
func readTextFile(_ path: String, as kind: InputKind) throws -> String? {
  guard let bytes = try readFileIfPresent(path, as: kind) else { return nil }
  guard let text = String(validating: bytes, as: UTF8.self) else {
    throw CommandError("\(printable(path)) is not valid UTF-8 text")
  }
  return text
}

/// Reads a whole file's bytes, with an error that names it.
func readFile(_ path: String, as kind: InputKind) throws -> [UInt8] {
  guard let bytes = try readFileIfPresent(path, as: kind) else {
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(ENOENT)))")
  }
  return bytes
}

/// Reads a whole file's bytes once it is known to be a regular file of a size `kind`
/// allows; nil when it does not exist.
private func readFileIfPresent(_ path: String, as kind: InputKind) throws -> [UInt8]? {
  var info = stat()
  // Looked at first: a socket cannot even be opened, and a device is not read at all.
  guard stat(path, &info) == 0 else {
    if errno == ENOENT { return nil }
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))")
  }
  if isNullDevice(info) { return [] }
  try check(info, path: path, as: kind)
  // Without O_NONBLOCK, opening a FIFO waits for a writer; the path may have become one
  // since it was looked at. What is open is checked again, and that is what counts.
  let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
  guard descriptor >= 0 else {
    if errno == ENOENT { return nil }
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))")
  }
  defer { close(descriptor) }
  guard fstat(descriptor, &info) == 0 else {
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))")
  }
  try check(info, path: path, as: kind)
  var bytes: [UInt8] = []
  bytes.reserveCapacity(Int(info.st_size))
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  var lineBreakChecked = kind.lineBreakWithin == nil
  while true {
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 && errno == EINTR { continue }
    guard count >= 0 else { throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))") }
    if count == 0 { return bytes }
    bytes.append(contentsOf: chunk[..<count])
    // A file that grows while it is read stops being read at the limit.
    guard bytes.count <= kind.maximumBytes else { throw tooLarge(path, kind) }
    if !lineBreakChecked, let within = kind.lineBreakWithin, bytes.count > within {
      lineBreakChecked = true
      guard bytes[..<within].contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
        throw CommandError(
          "\(printable(path)) has no line break in its first megabyte, so it is not a \(kind.noun) (which holds one row "
            + "on each line); export the data as CSV and import that")
      }
    }
  }
}

/// Refuses what is not a regular file, and a file too large for its kind.
private func check(_ info: stat, path: String, as kind: InputKind) throws {
  let what: String
  switch info.st_mode & S_IFMT {
  case S_IFREG:
    guard info.st_size <= kind.maximumBytes else { throw tooLarge(path, kind) }
    return
  case S_IFDIR: what = "a directory"
  case S_IFCHR, S_IFBLK: what = "a device"
  case S_IFSOCK: what = "a socket"
  case S_IFIFO:
    throw CommandError(
      "\(printable(path)) is a pipe (FIFO), not a \(kind.noun); Closer reads only regular files: save what the pipe "
        + "carries to a file and give that")
  default: what = "something other than a file"
  }
  throw CommandError("\(printable(path)) is \(what), not a \(kind.noun)")
}

private func tooLarge(_ path: String, _ kind: InputKind) -> CommandError {
  CommandError("\(printable(path)) is larger than a \(kind.noun) can be: at most \(kind.maximumText)")
}

/// Whether `info` is the null device's, which reads as an empty file.
private func isNullDevice(_ info: stat) -> Bool {
  var null = stat()
  return info.st_mode & S_IFMT == S_IFCHR && stat("/dev/null", &null) == 0 && null.st_mode & S_IFMT == S_IFCHR
    && null.st_rdev == info.st_rdev
}
