import Glibc

/// A failed system call: which operation, on what, and the `errno` it gave.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
  public var operation: String
  public var path: String
  public var code: Int32

  public init(_ operation: String, path: String, code: Int32) {
    self.operation = operation
    self.path = path
    self.code = code
  }

  public var description: String {
    "\(operation) \(path): \(String(cString: strerror(code)))"
  }
}

/// What kind of file a path names, and which one: device and inode tell two files apart
/// even when one replaced the other under the same name.
public struct FileStatus: Equatable, Sendable {
  public enum Kind: Equatable, Sendable, CustomStringConvertible {
    case regular, directory, fifo, characterDevice, blockDevice, socket, other

    public var description: String {
      switch self {
      case .regular: "a regular file"
      case .directory: "a directory"
      case .fifo: "a named pipe (FIFO)"
      case .characterDevice: "a character device"
      case .blockDevice: "a block device"
      case .socket: "a socket"
      case .other: "a special file"
      }
    }
  }

  public var kind: Kind
  public var device: UInt64
  public var inode: UInt64
  public var size: Int64
  /// When the contents last changed, in nanoseconds since 1970.
  public var modified: Int64

  public init(kind: Kind, device: UInt64, inode: UInt64, size: Int64, modified: Int64 = 0) {
    self.kind = kind
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
  }

  /// Whether both describe the same file (not merely one with the same name).
  public func isSameFile(as other: FileStatus) -> Bool { device == other.device && inode == other.inode }
}

/// The few file operations the journal needs, behind a protocol so that tests can inject
/// faults (EIO, ENOSPC, short writes, failed flushes) at any call.
public protocol FileSystem: Sendable {
  /// Opens `path`; `create` makes it (and fails if it exists); `writable` opens it for
  /// appending (`O_APPEND`), otherwise read-only. Opening never waits: a named pipe opens at
  /// once, and the caller checks `status` before reading.
  func open(_ path: String, writable: Bool, create: Bool) throws(SystemError) -> Int32
  func close(_ descriptor: Int32)
  /// Reads up to `buffer.count` bytes at `offset` (pread).
  func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
    throws(SystemError) -> Int
  /// One write call at the end of the file; returns how many bytes it took, which may be
  /// fewer than given (a full disk, or more than the system writes in one call).
  func append(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int
  /// Flushes the file's data to the disk (fdatasync).
  func sync(_ descriptor: Int32) throws(SystemError)
  func size(_ descriptor: Int32) throws(SystemError) -> Int64
  /// What the open file is (fstat).
  func status(_ descriptor: Int32) throws(SystemError) -> FileStatus
  /// What the path names now, following symbolic links (stat); nil when nothing is there.
  /// A path that cannot be looked up (a symbolic link loop, a file where a directory should
  /// be, no permission) is an error, not a missing file.
  func status(atPath path: String) throws(SystemError) -> FileStatus?
  func truncate(_ descriptor: Int32, to size: Int64) throws(SystemError)
  /// Blocks until the advisory lock (flock) is held.
  func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemError)
  /// Takes the lock if nobody holds it in a conflicting way; false, at once, if someone does.
  func tryLock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) -> Bool
  func unlock(_ descriptor: Int32)
  /// Flushes a directory, so that a file just created in it survives a crash.
  func syncDirectory(_ path: String) throws(SystemError)
  /// Creates `path` and any missing parents.
  func createDirectories(_ path: String) throws(SystemError)
  func exists(_ path: String) -> Bool
  /// The names in a directory (without "." and ".."); empty when it cannot be read.
  func contents(ofDirectory path: String) -> [String]
  /// Replaces `destination` with `source` in one step (rename).
  func rename(_ source: String, to destination: String) throws(SystemError)
  func remove(_ path: String)
}

extension FileSystem {
  /// Without a way to ask, wait for the lock.
  public func tryLock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) -> Bool {
    try lock(descriptor, exclusive: exclusive)
    return true
  }
}

/// The real file system.
public struct PosixFileSystem: FileSystem {
  public init() {}

  public func open(_ path: String, writable: Bool, create: Bool) throws(SystemError) -> Int32 {
    var flags = writable ? (O_RDWR | O_APPEND) : O_RDONLY
    if create { flags |= O_CREAT | O_EXCL }
    // O_NONBLOCK: opening a named pipe must not wait for a writer. It changes nothing for
    // the regular files the journal reads and writes.
    flags |= O_CLOEXEC | O_NONBLOCK
    let descriptor = retryingInterrupts { Glibc.open(path, flags, 0o644) }
    guard descriptor >= 0 else { throw SystemError("cannot open", path: path, code: errno) }
    return descriptor
  }

  public func close(_ descriptor: Int32) { _ = Glibc.close(descriptor) }

  public func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
    throws(SystemError) -> Int
  {
    let count = retryingInterrupts { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    guard count >= 0 else { throw SystemError("cannot read", path: "the journal", code: errno) }
    return count
  }

  public func append(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
    // Linux writes at most 0x7ffff000 bytes a call; ask for no more than 1 GiB at a time.
    let count = retryingInterrupts { write(descriptor, bytes.baseAddress, min(bytes.count, 1 << 30)) }
    guard count >= 0 else { throw SystemError("cannot write", path: "the journal", code: errno) }
    return count
  }

  public func sync(_ descriptor: Int32) throws(SystemError) {
    guard retryingInterrupts({ fdatasync(descriptor) }) == 0 else {
      throw SystemError("cannot flush", path: "the journal", code: errno)
    }
  }

  public func size(_ descriptor: Int32) throws(SystemError) -> Int64 {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw SystemError("cannot stat", path: "the journal", code: errno) }
    return Int64(info.st_size)
  }

  public func status(_ descriptor: Int32) throws(SystemError) -> FileStatus {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw SystemError("cannot stat", path: "the journal", code: errno) }
    return FileStatus(info)
  }

  public func status(atPath path: String) throws(SystemError) -> FileStatus? {
    var info = stat()
    guard stat(path, &info) == 0 else {
      if errno == ENOENT { return nil }
      throw SystemError("cannot look up", path: path, code: errno)
    }
    return FileStatus(info)
  }

  public func truncate(_ descriptor: Int32, to size: Int64) throws(SystemError) {
    guard retryingInterrupts({ ftruncate(descriptor, off_t(size)) }) == 0 else {
      throw SystemError("cannot truncate", path: "the journal", code: errno)
    }
  }

  public func lock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) {
    guard retryingInterrupts({ flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) }) == 0 else {
      throw SystemError("cannot lock", path: "the journal", code: errno)
    }
  }

  public func tryLock(_ descriptor: Int32, exclusive: Bool) throws(SystemError) -> Bool {
    if retryingInterrupts({ flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) }) == 0 { return true }
    if errno == EWOULDBLOCK { return false }
    throw SystemError("cannot lock", path: "the journal", code: errno)
  }

  public func unlock(_ descriptor: Int32) { _ = flock(descriptor, LOCK_UN) }

  public func syncDirectory(_ path: String) throws(SystemError) {
    let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError("cannot open directory", path: path, code: errno) }
    defer { _ = Glibc.close(descriptor) }
    guard fsync(descriptor) == 0 else { throw SystemError("cannot flush directory", path: path, code: errno) }
  }

  public func createDirectories(_ path: String) throws(SystemError) {
    var partial = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      partial += (partial.isEmpty || partial.hasSuffix("/") ? "" : "/") + component
      if mkdir(partial, 0o755) != 0 && errno != EEXIST {
        throw SystemError("cannot create directory", path: partial, code: errno)
      }
    }
  }

  public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  public func contents(ofDirectory path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  public func rename(_ source: String, to destination: String) throws(SystemError) {
    guard Glibc.rename(source, destination) == 0 else {
      throw SystemError("cannot rename to", path: destination, code: errno)
    }
  }

  public func remove(_ path: String) { _ = unlink(path) }
}

extension FileStatus {
  init(_ info: stat) {
    let kind: Kind
    switch info.st_mode & S_IFMT {
    case S_IFREG: kind = .regular
    case S_IFDIR: kind = .directory
    case S_IFIFO: kind = .fifo
    case S_IFCHR: kind = .characterDevice
    case S_IFBLK: kind = .blockDevice
    case S_IFSOCK: kind = .socket
    default: kind = .other
    }
    self.init(
      kind: kind, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
      modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
  }
}

/// Repeats a system call that was interrupted by a signal before it did anything.
private func retryingInterrupts<T: BinaryInteger>(_ call: () -> T) -> T {
  while true {
    let result = call()
    if result == -1 && errno == EINTR { continue }
    return result
  }
}

/// The directory part of a path ("." for a bare file name).
func directory(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  return slash == path.startIndex ? "/" : String(path[..<slash])
}
