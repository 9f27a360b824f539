import PipelineCore
import TerminalModel

/// One change the board wants written to the journal.
public struct Record: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    case change, undo, redo
  }

  public var lead: LeadID
  public var change: Change
  /// What the status line says once it is saved ("Moved Acme to Proposal").
  public var label: String
  /// The change that reverses this one, for undo, when putting the lead back as it was
  /// is not the way (a note is taken back by retracting it).
  public var inverse: Change?
  public var kind: Kind
  /// The lead as the board showed it when the change was decided (nil: a new lead), for
  /// undo: the board fills it in.
  public var before: Restoration?
  /// The id of the event the change was saved as: the loop fills it in before `.recorded`.
  public var eventID: String?
  /// Changes written right after this one, on the same lead, as part of the same step (a
  /// win's first check-in); one undo takes them all back.
  public var then: [Change] = []

  public init(lead: LeadID, change: Change, label: String, inverse: Change?, kind: Kind = .change) {
    self.lead = lead
    self.change = change
    self.label = label
    self.inverse = inverse
    self.kind = kind
  }
}

/// What the loop does for the board: the view-model never touches files or the terminal.
public enum Effect: Sendable, Equatable {
  /// Append this change to the journal, then send `.recorded` or `.failed`.
  case record(Record)
  /// Hand the terminal to the rep's editor for a new note on `lead`; the loop answers with
  /// `.noteWritten`.
  case editNote(lead: LeadID, name: String)
  /// Add a new lead; the loop picks its id, records it, and answers with `.recorded`.
  case create(NewLead)
  /// Exchange changes with the team in the background (a team pipeline); the loop answers
  /// with a `.notice` saying it started, and later ones saying how it went.
  case sync
  /// The rep opened the detail pane of a card marked with a conflict: it has been seen.
  case sawConflict(LeadID)
  case quit
}

/// Everything the board reacts to.
public enum Message: Sendable, Equatable {
  case key(Key)
  case resize(width: Int, height: Int)
  /// Time passed (the loop's clock); refreshes "days in stage" and overdue marks.
  case tick(Timestamp)
  /// The journal accepted a change; the pipeline passed with this message includes it.
  case recorded(Record)
  /// A change could not be saved; nothing changed.
  case failed(Record, reason: String)
  /// Another process appended events; they are in the pipeline now.
  case externalChanges(count: Int)
  /// Something the rep should know (a repaired journal, a broken theme file).
  case notice(String)
  /// The editor closed: the note's text, or nil when nothing was written.
  case noteWritten(lead: LeadID, text: String?)
}
