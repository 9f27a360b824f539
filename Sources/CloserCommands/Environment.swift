import Foundation
import Glibc
import Journal
import PipelineCore
import Settings
import TerminalText

/// Where Closer's files live and who is writing, from flags and the environment.
struct Environment {
  var variables: [String: String]
  /// The command's `--journal`, when it has one: a team pipeline brings its own
  /// configuration, and this machine writes to it under its team identity.
  var journalFlag: String?

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

  /// The team pipeline the journal path names, if it names one.
  var teamLayout: TeamLayout? { (try? TeamLayout.at(journalPath(flag: journalFlag))) ?? nil }

  /// `--config`, then a team pipeline's `config.toml`, then
  /// `$XDG_CONFIG_HOME/closer/config.toml`; only an explicit path must exist. A team
  /// pipeline without a `config.toml` uses the built-in configuration, never a member's own
  /// file: every member must see the same stages and scores.
  func configPath(flag: String?) -> (path: String, required: Bool) {
    if let flag, !flag.isEmpty { return (flag, true) }
    if let team = teamLayout { return (team.configPath, false) }
    let config = nonEmpty("XDG_CONFIG_HOME") ?? "\(home)/.config"
    return ("\(config)/closer/config.toml", false)
  }

  /// Who writes the events: `CLOSER_REPLICA`; in a team pipeline, this machine's team
  /// identity (`teamReplica`); else user@host.
  var replica: String {
    if let replica = nonEmpty("CLOSER_REPLICA") { return replica }
    if teamLayout != nil, let replica = try? teamReplica() { return replica }
    return machineName
  }

  /// Where this machine's team identity is kept: outside every team folder, so that copying
  /// a folder never copies who writes to it.
  var identityPath: String { "\(nonEmpty("XDG_DATA_HOME") ?? "\(home)/.local/share")/closer/replica" }

  /// This machine's replica in team pipelines: `CLOSER_REPLICA`, else the id kept at
  /// `identityPath`, made the first time (user@host and four random characters, so that a
  /// machine set up again is a new replica).
  func teamReplica() throws -> String {
    if let replica = nonEmpty("CLOSER_REPLICA") {
      guard TeamLayout.isValidReplica(replica) else { throw JournalError.badReplica(replica) }
      return replica
    }
    let path = identityPath
    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
      let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard TeamLayout.isValidReplica(id) else {
        throw CommandError(
          "\(printable(path)) does not hold a replica id ('\(printable(id))'); remove it to make a new one")
      }
      return id
    }
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    func clean(_ text: String) -> String { String(text.filter { allowed.contains($0) }.prefix(24)) }
    let parts = machineName.split(separator: "@", maxSplits: 1).map { clean(String($0)) }
    var random = SystemRandomNumberGenerator()
    let suffix = String((0..<4).map { _ in Array("0123456789abcdefghjkmnpqrstvwxyz")[Int(random.next() % 32)] })
    let id =
      "\(parts.first.flatMap { $0.isEmpty ? nil : $0 } ?? "user")@\(parts.count > 1 && !parts[1].isEmpty ? parts[1] : "host")-\(suffix)"
    try? FileManager.default.createDirectory(
      atPath: String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]), withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: path, contents: Data((id + "\n").utf8)) else {
      throw CommandError("cannot write this machine's replica id to \(printable(path))")
    }
    return id
  }

  /// Who the rep is, as a deal's owner: `CLOSER_OWNER`, else the user name.
  var me: String { nonEmpty("CLOSER_OWNER") ?? nonEmpty("USER") ?? nonEmpty("LOGNAME") ?? "" }

  /// In a team pipeline, fails with what is wrong with this machine's identity (a damaged
  /// identity file, an invalid CLOSER_REPLICA) instead of writing under another name.
  func checkTeamIdentity() throws {
    if teamLayout != nil { _ = try teamReplica() }
  }

  /// user@host.
  var machineName: String {
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

  /// The rep's calendar: the time zone of `TZ` (or the system's), read by the C library.
  /// Dates a rep types or reads are local dates; timestamps stay UTC.
  static let calendar: LocalCalendar = {
    tzset()
    return LocalCalendar { moment in
      let milliseconds = moment.millisecondsSinceEpoch
      var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
      var local = tm()
      guard localtime_r(&seconds, &local) != nil else { return 0 }
      return Int(local.tm_gmtoff)
    }
  }()

  /// The rep's local date now: what "today", "tomorrow" and "overdue" are counted from.
  static func today() -> CalendarDay { calendar.day(of: now()) }

  /// Loads the configuration, or the standard one when no file is present.
  func loadConfig(flag: String?) throws -> PipelineConfig { try loadSettings(flag: flag).pipeline }

  /// Loads the whole configuration file (pipeline and board settings).
  func loadSettings(flag: String?) throws -> ConfigFile.Contents {
    var contents = try loadConfigFile(flag: flag)
    // Amounts like 1,234 are read with the configured decimal mark, else the locale's.
    if contents.pipeline.decimalMark == nil { contents.pipeline.decimalMark = localeDecimalMark }
    return contents
  }

  private func loadConfigFile(flag: String?) throws -> ConfigFile.Contents {
    let (path, required) = configPath(flag: flag)
    guard let text = try readTextFile(path, as: .config) else {
      if required { throw CommandError("there is no config file at \(printable(path))") }
      return ConfigFile.Contents(pipeline: .standard, theme: nil)
    }
    do {
      return try ConfigFile.parseContents(text, path: path)
    } catch {
      throw CommandError("\(error)\nFix the file, or see docs/configuration.md for the format.")
    }
  }

  /// The decimal mark of the locale for numbers (`LC_ALL`, `LC_NUMERIC`, `LANG`), or nil.
  var localeDecimalMark: DecimalMark? {
    guard let locale = nonEmpty("LC_ALL") ?? nonEmpty("LC_NUMERIC") ?? nonEmpty("LANG") else { return nil }
    return DecimalMark.of(locale: locale)
  }

  /// The user's own themes: `$XDG_CONFIG_HOME/closer/themes`.
  var themeDirectory: String {
    "\(nonEmpty("XDG_CONFIG_HOME") ?? "\(home)/.config")/closer/themes"
  }

  /// Whether colour is wanted: `NO_COLOR` set to anything non-empty turns it off.
  var wantsColor: Bool { nonEmpty("NO_COLOR") == nil }
}

/// An error a command reports to the rep: printed to stderr, exit status 1.
struct CommandError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
