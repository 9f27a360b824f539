import Journal
import PipelineCore
import TerminalText

/// An error's message with what it quotes from data or arguments (a typed lead, value or
/// date, a lead's name, a path) made visible: the errors of Closer's modules are told again
/// from visible parts, so that a line break in an argument cannot start a line of the
/// message. Nil for other errors (Closer's own `CommandError`s are built from visible
/// parts already, and ArgumentParser's are its to tell).
func shownDescription(of error: Error) -> String? {
  switch error {
  case let error as LeadLookupError:
    return shown(error).description
  case var error as MoneyParseError:
    error.text = printable(error.text)
    return error.description
  case var error as DueDateError:
    error.text = printable(error.text)
    return error.description
  case let error as PipelineError:
    return shown(error).description
  case let error as JournalError:
    return shown(error).description
  case let error as SystemError:
    return shown(error).description
  default:
    return nil
  }
}

private func shown(_ error: LeadLookupError) -> LeadLookupError {
  switch error {
  case .empty:
    return .empty
  case .notFound(let text):
    return .notFound(printable(text))
  case .ambiguous(let text, let matches):
    return .ambiguous(
      printable(text),
      matches: matches.map { lead in
        var lead = lead
        lead.name = printable(lead.name)
        lead.company = printable(lead.company)
        return lead
      })
  }
}

private func shown(_ error: PipelineError) -> PipelineError {
  func id(_ id: LeadID) -> LeadID { LeadID(printable(id.rawValue)) }
  switch error {
  case .unknownLead(let lead): return .unknownLead(id(lead))
  case .duplicateLead(let lead): return .duplicateLead(id(lead))
  case .invalidLeadID(let text): return .invalidLeadID(printable(text))
  case .unknownStage(let key, let known): return .unknownStage(printable(key), known: known.map { printable($0) })
  case .notOpen(let lead, let status): return .notOpen(id(lead), status)
  case .alreadyOpen(let lead): return .alreadyOpen(id(lead))
  case .emptyName, .invalidPosition, .emptyNote, .noSuchNote, .emptyReason, .emptyActivityKind, .noSuchActivity:
    return error
  }
}

/// A journal's errors quote its path, which may come from `--journal`.
private func shown(_ error: JournalError) -> JournalError {
  switch error {
  case .system(let system): return .system(shown(system))
  case .readOnly(let path, let reason): return .readOnly(path: printable(path), reason: printable(reason))
  case .badHeader(let path, let line): return .badHeader(path: printable(path), line)
  case .appendFailed(let path, let system, let detail):
    return .appendFailed(path: printable(path), shown(system), detail: detail)
  case .changedUnderneath(let path, let detail): return .changedUnderneath(path: printable(path), detail: detail)
  case .missing(let path): return .missing(path: printable(path))
  case .snapshotOutOfDate(let path): return .snapshotOutOfDate(path: printable(path))
  case .notAJournal(let path, let reason): return .notAJournal(path: printable(path), reason: printable(reason))
  case .replaced(let path, let detail): return .replaced(path: printable(path), detail: printable(detail))
  case .appendUncertain(let path, let system, let detail):
    return .appendUncertain(path: printable(path), shown(system), detail: detail)
  case .badReplica(let replica): return .badReplica(printable(replica))
  case .emptyTeam(let path): return .emptyTeam(path: printable(path))
  }
}

private func shown(_ error: SystemError) -> SystemError {
  var error = error
  error.path = printable(error.path)
  return error
}
