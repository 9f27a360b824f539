import Board
import Journal
import PipelineCore
import TerminalModel

/// The journal as the board's store. Changes are appended through the pipeline store,
/// decided on fresh state; between keys the board learns, as messages: lines other
/// processes appended, warnings that arose since the last look (a torn tail left by a
/// crashed writer), and the journal being lost (replaced by an editor or `git checkout`,
/// deleted, cut short), which the engine answers by refusing every write from then on.
public final class JournalWatch: BoardStore {
  let store: PipelineStore
  /// Whether a large batch (an import) is being read in slices: keys are then polled between
  /// slices instead of waited for.
  private(set) var catchingUp = false
  /// Events read by the last look.
  private(set) var lastSliceRead = 0
  /// Events read so far in the current batch, so the status line counts the whole batch.
  private var batchEvents = 0
  /// The error of the last look, so that one that lasts (a directory that cannot be read) is
  /// shown once, not again every half second.
  private var lastError: String?

  public init(store: PipelineStore) {
    self.store = store
  }

  /// Reads about `limit` bytes of what other processes appended, without waiting for a
  /// writer in the middle of an append, and says what the rep should see. A lost journal is
  /// said once: from then on the engine no longer reads it, and this returns at once.
  public func look() -> [Message] { look(limit: BoardSession.refreshSlice) }

  func look(limit: Int64) -> [Message] {
    var messages: [Message] = []
    var failure: String?
    do {
      let (count, more) = try store.refresh(limit: limit, waitForWriters: false)
      batchEvents = (catchingUp ? batchEvents : 0) + count
      catchingUp = more
      lastSliceRead = count
      if count > 0 { messages.append(.externalChanges(count: batchEvents)) }
    } catch {
      catchingUp = false
      lastSliceRead = 0
      failure = "\(error)"
    }
    if let notice = BoardRuntime.notice(store.takeNewWarnings().map(\.description)) {
      messages.append(.notice(notice))
    }
    // Last, so that it is what the status line shows: why nothing more is written.
    if let failure, failure != lastError { messages.append(.notice(failure)) }
    lastError = failure
    return messages
  }

  /// Why the board must refuse changes now, or nil: the journal's own answer, which changes
  /// when it is lost or found damaged while the board is open.
  public var readOnlyReason: String? { store.journal.readOnlyReason }

  public var pipeline: Pipeline { store.pipeline }

  public var isCatchingUp: Bool { catchingUp }

  public func newLeadID() -> LeadID { store.newLeadID() }

  public func record(_ change: Change, to lead: LeadID, decidedOn card: LeadID?) throws -> String {
    try store.record(decidedOn: card) { _ in (lead, change) }.id
  }
}
