/// Why an event cannot be applied to the pipeline as it is.
public enum PipelineError: Error, Hashable, Sendable, CustomStringConvertible {
  case unknownLead(LeadID)
  case duplicateLead(LeadID)
  case invalidLeadID(String)
  case emptyName
  case unknownStage(String, known: [String])
  case invalidPosition(Int)
  case notOpen(LeadID, LeadStatus)
  case alreadyOpen(LeadID)
  case emptyNote
  case noSuchNote
  case emptyActivityKind
  case noSuchActivity
  case emptyReason

  public var description: String {
    switch self {
    case .unknownLead(let id): "no lead has the id '\(id)'"
    case .duplicateLead(let id): "a lead with the id '\(id)' already exists"
    case .invalidLeadID(let text):
      "'\(text)' is not a lead id (4 to 32 lowercase letters, digits or dashes)"
    case .emptyName: "a lead needs a name"
    case .unknownStage(let key, let known):
      "there is no stage '\(key)'; the stages are: \(known.joined(separator: ", "))"
    case .invalidPosition(let position): "position \(position) is not valid; positions count from 1"
    case .notOpen(let id, let status): "lead '\(id)' is \(status); reopen it first"
    case .alreadyOpen(let id): "lead '\(id)' is already open"
    case .emptyNote: "a note needs some text"
    case .noSuchNote: "the lead has no such note"
    case .emptyActivityKind: "an activity needs a kind (call, meeting or email)"
    case .noSuchActivity: "the lead has no such activity"
    case .emptyReason: "a lost deal needs a reason"
    }
  }
}
