import Foundation

/// Bytes the real board writes to a real pseudo-terminal for one key press: the board is
/// started on a pty of the given size, its first frame is read to the end, then one key is
/// sent and everything it writes until it goes quiet is counted.
enum TerminalBytes {
  static func measure(closer: String, journal: String, key: String, width: Int, height: Int) throws -> (
    first: Int, key: Int
  ) {
    // posix_openpt, unlockpt and ptsname do not import into Swift here; on Linux they are
    // /dev/ptmx and two ioctls (TIOCSPTLCK, TIOCGPTN; the same numbers on x86_64 and arm64).
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
      throw NSError(domain: "closer-bench", code: 3, userInfo: [NSLocalizedDescriptionKey: "no pseudo-terminal"])
    }
    defer { close(master) }
    let slavePath = "/dev/pts/\(number)"
    var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [0, 1, 2] {
      posix_spawn_file_actions_addopen(&actions, descriptor, slavePath, O_RDWR, 0)
    }
    let arguments: [String] = [closer, "--journal", journal]
    let environment: [String] = ["TERM=xterm-256color", "HOME=/tmp", "LANG=C.UTF-8"]
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, closer, &actions, nil, argv, envp) == 0 else {
      throw NSError(domain: "closer-bench", code: 4, userInfo: [NSLocalizedDescriptionKey: "cannot start \(closer)"])
    }
    let first = drain(master, quietMilliseconds: 700)
    _ = key.withCString { write(master, $0, strlen($0)) }
    let afterKey = drain(master, quietMilliseconds: 400)
    _ = "q".withCString { write(master, $0, 1) }
    _ = drain(master, quietMilliseconds: 300)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return (first, afterKey)
  }

  /// Reads until nothing arrives for `quietMilliseconds`; returns the byte count.
  private static func drain(_ descriptor: Int32, quietMilliseconds: Int32) -> Int {
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      guard poll(&request, 1, quietMilliseconds) > 0 else { return total }
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { return total }
      total += count
    }
  }
}
