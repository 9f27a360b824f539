import Glibc
import Journal
import PipelineCore
import Settings
import TerminalText

/// Where Closer's files live and who is writing, from flags and the environment.
struct Environment {
  var variables: [String: String]

  static var current: Environment {
    var variables: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let equals = text.firstIndex(of: "=") {
        variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      pointer += 1
    }
    return Environment(variables: variables)
  }

  private func nonEmpty(_ name: String) -> String? {
    guard let value = variables[name], !value.isEmpty else { return nil }
    return value
  }

  var home: String { nonEmpty("HOME") ?? "." }

  /// `--journal`, then `CLOSER_JOURNAL`, then `$XDG_DATA_HOME/closer/journal.jsonl`.
  func journalPath(flag: String?) -> String {
    if let flag, !flag.isEmpty { return flag }
    if let path = nonEmpty("CLOSER_JOURNAL") { return path }
    let data = nonEmpty("XDG_DATA_HOME") ?? "\(home)/.local/share"
    return "\(data)/closer/journal.jsonl"
  }

  /// `--config`, then `$XDG_CONFIG_HOME/closer/config.toml`; only an explicit path must exist.
  func configPath(flag: String?) -> (path: String, required: Bool) {
    if let flag, !flag.isEmpty { return (flag, true) }
    let config = nonEmpty("XDG_CONFIG_HOME") ?? "\(home)/.config"
    return ("\(config)/closer/config.toml", false)
  }

  /// Who writes the events: `CLOSER_REPLICA`, or user@host.
  var replica: String {
    if let replica = nonEmpty("CLOSER_REPLICA") { return replica }
    var buffer = [CChar](repeating: 0, count: 256)
    let host =
      gethostname(&buffer, buffer.count) == 0
      ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
    return "\(nonEmpty("USER") ?? nonEmpty("LOGNAME") ?? "user")@\(host)"
  }

  static func now() -> Timestamp {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
  }

  /// Loads the configuration, or the standard one when no file is present.
  func loadConfig(flag: String?) throws -> PipelineConfig { try loadSettings(flag: flag).pipeline }

  /// Loads the whole configuration file (pipeline and board settings).
  func loadSettings(flag: String?) throws -> ConfigFile.Contents {
    let (path, required) = configPath(flag: flag)
    guard let text = try readTextFile(path) else {
      if required { throw CommandError("there is no config file at \(printable(path))") }
      return ConfigFile.Contents(pipeline: .standard, theme: nil)
    }
    do {
      return try ConfigFile.parseContents(text, path: path)
    } catch {
      throw CommandError("\(error)\nFix the file, or see docs/configuration.md for the format.")
    }
  }

  /// The user's own themes: `$XDG_CONFIG_HOME/closer/themes`.
  var themeDirectory: String {
    "\(nonEmpty("XDG_CONFIG_HOME") ?? "\(home)/.config")/closer/themes"
  }

  /// Whether colour is wanted: `NO_COLOR` set to anything non-empty turns it off.
  var wantsColor: Bool { nonEmpty("NO_COLOR") == nil }
}

/// Reads a whole UTF-8 file; nil when it does not exist.
func readTextFile(_ path: String) throws -> String? {
  guard let bytes = try readFileIfPresent(path) else { return nil }
  guard let text = String(validating: bytes, as: UTF8.self) else {
    throw CommandError("\(printable(path)) is not valid UTF-8 text")
  }
  return text
}

/// Reads a whole file's bytes, with an error that names it.
func readFile(_ path: String) throws -> [UInt8] {
  guard let bytes = try readFileIfPresent(path) else {
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(ENOENT)))")
  }
  return bytes
}

/// Reads a whole file's bytes; nil when it does not exist.
private func readFileIfPresent(_ path: String) throws -> [UInt8]? {
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
  guard descriptor >= 0 else {
    if errno == ENOENT { return nil }
    throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))")
  }
  defer { close(descriptor) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 && errno == EINTR { continue }
    guard count >= 0 else { throw CommandError("cannot read \(printable(path)): \(String(cString: strerror(errno)))") }
    if count == 0 { return bytes }
    bytes.append(contentsOf: chunk[..<count])
  }
}

/// An error a command reports to the rep: printed to stderr, exit status 1.
struct CommandError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
