/// A change the rep decided on a card that someone else moved, won, lost or edited a moment
/// earlier (in another window, or on another machine): it is not written, and the rep is told
/// what happened, to look again and decide.
public struct StaleDecision: Error, Sendable, CustomStringConvertible {
  /// The card's name as the rep saw it.
  public var name: String
  /// The change from elsewhere that made the decision stale.
  public var change: Event
  /// The stage it was moved to, by title, when it was a move.
  public var stageTitle: String?

  public init(name: String, change: Event, stageTitle: String?) {
    self.name = name
    self.change = change
    self.stageTitle = stageTitle
  }

  public var description: String {
    let what: String
    switch change.change {
    case .moved: what = "moved \(name) to \(stageTitle ?? "another stage")"
    case .won: what = "marked \(name) won"
    case .lost(let reason): what = "marked \(name) lost (\(reason))"
    case .reopened: what = "reopened \(name)"
    case .edited: what = "edited \(name)"
    case .checked(let criterion, let checked, _): what = "\(checked ? "ticked" : "unticked") \(criterion) on \(name)"
    default: what = "changed \(name)"
    }
    return "\(change.replica) \(what) a moment ago; nothing was written. Look again, then decide"
  }

  /// Whether an event from elsewhere changes what a decision about its card was based on:
  /// its place, its outcome, its fields or its checklist (a note or a follow-up does not).
  public static func invalidates(_ change: Change) -> Bool {
    switch change {
    case .moved, .won, .lost, .reopened, .edited, .checked, .created, .restored: true
    default: false
    }
  }
}
