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
  /// The path names something that is not a journal: a directory, a device, a named pipe,
  /// or a file whose first line is not a journal header. Closer never turns it into one.
  case notAJournal(path: String, reason: String)
  /// The file at the path is no longer the one Closer was reading (deleted, replaced by an
  /// editor or `git checkout`), and the new one does not begin with what Closer had read.
  case replaced(path: String, detail: String)
  /// An append failed and could not be undone: the change may or may not be in the file.
  case appendUncertain(path: String, SystemError, detail: String)
  /// A team pipeline's journals are named after replicas, which must make a file name.
  case badReplica(String)
  /// A team pipeline with no journal yet, opened for reading.
  case emptyTeam(path: String)

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
    case .notAJournal(let path, let reason):
      return "\(path) is not a Closer journal: \(reason). Closer leaves it alone; pass another --journal PATH"
    case .replaced(let path, let detail):
      return "\(path) \(detail)"
    case .appendUncertain(let path, let error, let detail):
      return
        "could not save to \(path): \(error) (\(detail)), and the line could not be taken out again: the change may or may not be in the journal. Nothing more is written; check the disk, then run `closer check`"
    case .missing(let path):
      return "there is no journal at \(path); `closer add NAME` starts one, or pass --journal PATH"
    case .badReplica(let replica):
      return
        "'\(replica)' cannot name a replica of a team pipeline: use letters, digits and . _ - @ + (at most 64, not starting with a dot); set CLOSER_REPLICA"
    case .emptyTeam(let path):
      return "the team pipeline at \(path) has no journals yet; `closer add NAME` starts yours"
    }
  }
}

/// A problem found while reading a journal that did not stop it from opening.
public struct JournalWarning: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// The end of the journal was never completely written (a crash in the middle of an
    /// append): a partial line, a batch cut short, damaged last lines. Moved to a side file
    /// (or, read-only, left where it is and not applied).
    case tornTail(bytes: Int64, lines: Int, sideFile: String?)
    /// The line repeats an event read before (same id); it was not applied again.
    case duplicateEvent(id: String)
    /// The line was written after event `writtenAfter`, but follows `follows` (nil: the
    /// header): a line was deleted, moved or copied here.
    case outOfOrder(writtenAfter: String, follows: String?)
    /// A batch of `of` lines ended after `lines` of them (another batch began): none of its
    /// events were applied.
    case incompleteBatch(lines: Int, of: Int)
    /// A batch with damaged lines: none of its events were applied.
    case batchNotApplied(lines: Int, damaged: [Int])
    /// A write to the journal failed and could not be undone (see the fault record).
    case uncertainAppend(String)
    /// A line before the end is damaged; the journal is read-only.
    case damagedLine(LineError)
    /// A valid line whose event does not fit the state (a lead created twice, say).
    case inconsistentEvent(String)
    /// Events of types this version does not know; kept as they are.
    case unknownEvents(count: Int)
    /// The journal was written by a newer major version; it is read-only.
    case newerVersion(String)
    /// In a team pipeline, another member's journal could not be read at all; the others
    /// still load.
    case unreadable(String)
  }

  public var line: Int?
  public var kind: Kind
  /// In a team pipeline, the journal the line is in (`journals/ben@desk.jsonl`); nil for
  /// the journal being opened.
  public var file: String?

  public init(line: Int?, _ kind: Kind, file: String? = nil) {
    self.line = line
    self.kind = kind
    self.file = file
  }

  /// Whether this warning means the journal cannot be trusted for writing.
  public var isDamage: Bool {
    switch kind {
    case .damagedLine, .newerVersion, .incompleteBatch, .batchNotApplied, .uncertainAppend: true
    default: false
    }
  }

  public var description: String {
    var at = line.map { "line \($0): " } ?? ""
    if let file { at = file + (line.map { " line \($0): " } ?? ": ") }
    switch kind {
    case .tornTail(let bytes, let lines, let sideFile):
      let what =
        lines == 0
        ? "an incomplete last line (\(bytes) bytes)"
        : "the last \(lines) line(s) (\(bytes) bytes: a batch cut short, or lines damaged)"
      let done =
        sideFile.map { "; it was moved to \($0)" }
        ?? ", not applied; opening the journal for writing moves it to a side file"
      return "\(at)\(what) never finished being written (a crash in the middle of an append)\(done)"
    case .duplicateEvent(let id):
      return "\(at)repeats event \(id), read before; it was applied once"
    case .outOfOrder(let after, let follows):
      let previous = follows.map { "event \($0)" } ?? "the header"
      return
        "\(at)was written after event \(after) but follows \(previous): a line was deleted, moved or copied here"
    case .incompleteBatch(let lines, let size):
      return "\(at)a batch of \(size) lines ends after \(lines); none of its events were applied"
    case .batchNotApplied(let lines, let damaged):
      let numbers = damaged.map(String.init).joined(separator: ", ")
      return "\(at)a batch of \(lines) lines has damaged line(s) \(numbers); none of its events were applied"
    case .uncertainAppend(let detail):
      return "\(at)\(detail)"
    case .damagedLine(let error):
      return "\(at)damaged: \(error)"
    case .inconsistentEvent(let message):
      return "\(at)event not applied: \(message)"
    case .unknownEvents(let count):
      return "\(count) event(s) of types this version does not know were kept as they are"
    case .newerVersion(let version):
      return "\(at)written by a newer Closer (format \(version)); upgrade Closer to change it"
    case .unreadable(let reason):
      return "\(at)could not be read: \(reason); the other journals were loaded without it"
    }
  }
}
