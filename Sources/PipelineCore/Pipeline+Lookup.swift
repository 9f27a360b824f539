/// Why a rep's words did not name exactly one lead.
public enum LeadLookupError: Error, Hashable, Sendable, CustomStringConvertible {
  case empty
  case notFound(String)
  case ambiguous(String, matches: [Lead])

  public var description: String {
    switch self {
    case .empty:
      return "give a lead id or part of a lead's name"
    case .notFound(let text):
      return "no lead matches '\(text)'; `closer list --status all` shows every lead and its id"
    case .ambiguous(let text, let matches):
      let shown = matches.prefix(8).map { "  \($0.id)  \($0.name)\($0.company.isEmpty ? "" : " (\($0.company))")" }
      let more = matches.count > 8 ? "\n  ... and \(matches.count - 8) more" : ""
      return "'\(text)' matches \(matches.count) leads; use an id or more of the name:\n"
        + shown.joined(separator: "\n") + more
    }
  }
}

extension Pipeline {
  /// Finds the lead a rep means: an exact id, or part of a name (case- and
  /// accent-insensitive). Closer matches ever more loosely and stops at the first level
  /// with any match: the whole name, a whole word of it, the start of a word, anywhere in
  /// it. One match at that level is the lead; several are ambiguous.
  public func lookup(_ text: String) -> Result<Lead, LeadLookupError> {
    let trimmed = text.trimmingWhitespace
    guard !trimmed.isEmpty else { return .failure(.empty) }
    if let lead = self[LeadID(trimmed)] { return .success(lead) }
    let needle = SearchKey.foldForSearch(trimmed)
    let candidates = leads.compactMap { lead -> (Lead, MatchLevel)? in
      MatchLevel(name: SearchKey.foldForSearch(lead.name), needle: needle).map { (lead, $0) }
    }
    guard let best = candidates.map(\.1).min() else { return .failure(.notFound(trimmed)) }
    let matches = candidates.filter { $0.1 == best }.map(\.0)
    return matches.count == 1 ? .success(matches[0]) : .failure(.ambiguous(trimmed, matches: matches))
  }

  /// Leads whose name or company contains `query` (folded), in creation order.
  public func search(_ query: String) -> [Lead] {
    let needle = SearchKey.fold(query)
    return leads.filter { SearchKey.contains($0.searchKey, needle) }
  }
}

extension String {
  /// The string without leading and trailing whitespace and newlines.
  public var trimmingWhitespace: String {
    guard let first = firstIndex(where: { !$0.isWhitespace }),
      let last = lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(self[first...last])
  }
}

/// How closely a folded name matches what was typed; lower is closer.
enum MatchLevel: Int, Comparable {
  case wholeName, wholeWords, wordStart, anywhere

  init?(name: String, needle: String) {
    guard SearchKey.contains(name, needle) else { return nil }
    if name == needle {
      self = .wholeName
      return
    }
    let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    let typed = needle.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    if !typed.isEmpty && typed.allSatisfy({ words.contains($0) }) {
      self = .wholeWords
    } else if !typed.isEmpty && typed.allSatisfy({ word in words.contains { $0.hasPrefix(word) } }) {
      self = .wordStart
    } else {
      self = .anywhere
    }
  }

  static func < (lhs: MatchLevel, rhs: MatchLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
