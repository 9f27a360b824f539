/// What went wrong with a journal, in words a rep can act on.
public enum JournalError: Error, Sendable, CustomStringConvertible {
  /// The file system refused an operation.
  case system(SystemError)
  /// The journal is open read-only; `reason` says why.
  case readOnly(path: String, reason: String)
  /// The first line is not a Closer journal header.
  case badHeader(path: String, LineError)
  /// An append did not reach the disk; the journal is as it was before.
  case appendFailed(path: String, SystemError, detail: String)
  /// Another process changed the journal in a way an open board cannot follow.
  case changedUnderneath(path: String, detail: String)
  /// There is no journal at the path (read-only commands do not create one).
  case missing(path: String)
  /// A snapshot no longer matches its journal; the caller replays the journal instead.
  case snapshotOutOfDate(path: String)

  public var description: String {
    switch self {
    case .system(let error):
      return "\(error)"
    case .readOnly(let path, let reason):
      return "\(path) is open read-only: \(reason). Nothing was written."
    case .badHeader(let path, let error):
      return "\(path) is not a Closer journal: line 1: \(error)"
    case .appendFailed(let path, let error, let detail):
      return "could not save to \(path): \(error) (\(detail)). Nothing was written; try again once the disk is fixed."
    case .changedUnderneath(let path, let detail):
      return "\(path) changed underneath Closer: \(detail). Reopen it."
    case .snapshotOutOfDate(let path):
      return "the snapshot of \(path) no longer matches it; it will be rebuilt"
    case .missing(let path):
      return "there is no journal at \(path); `closer add NAME` starts one, or pass --journal PATH"
    }
  }
}

/// A problem found while reading a journal that did not stop it from opening.
public struct JournalWarning: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// An incomplete last line, written by a crash, was moved aside (or, read-only, left).
    case tornTail(bytes: Int, sideFile: String?)
    /// A line before the end is damaged; the journal is read-only.
    case damagedLine(LineError)
    /// A valid line whose event does not fit the state (a lead created twice, say).
    case inconsistentEvent(String)
    /// Events of types this version does not know; kept as they are.
    case unknownEvents(count: Int)
    /// The journal was written by a newer major version; it is read-only.
    case newerVersion(String)
  }

  public var line: Int?
  public var kind: Kind

  public init(line: Int?, _ kind: Kind) {
    self.line = line
    self.kind = kind
  }

  /// Whether this warning means the journal cannot be trusted for writing.
  public var isDamage: Bool {
    switch kind {
    case .damagedLine, .newerVersion: true
    default: false
    }
  }

  public var description: String {
    let at = line.map { "line \($0): " } ?? ""
    switch kind {
    case .tornTail(let bytes, let sideFile?):
      return "\(at)an incomplete last line (\(bytes) bytes, left by a crash) was moved to \(sideFile)"
    case .tornTail(let bytes, nil):
      return
        "\(at)the last line is incomplete (\(bytes) bytes, left by a crash); opening the journal for writing moves it aside"
    case .damagedLine(let error):
      return "\(at)damaged: \(error)"
    case .inconsistentEvent(let message):
      return "\(at)event not applied: \(message)"
    case .unknownEvents(let count):
      return "\(count) event(s) of types this version does not know were kept as they are"
    case .newerVersion(let version):
      return "\(at)written by a newer Closer (format \(version)); upgrade Closer to change it"
    }
  }
}
