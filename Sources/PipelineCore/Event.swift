/// One change to the pipeline, as recorded in the journal.
///
/// Replaying events in order rebuilds all state; nothing else is the source of truth.
public struct Event: Hashable, Sendable {
  /// Unique id of the event itself.
  public var id: String
  public var time: Timestamp
  /// The machine or person that wrote it.
  public var replica: String
  /// The lead it concerns.
  public var lead: LeadID
  public var change: Change
  /// When it happened, when that was before it was written: history brought in from a file
  /// (a deal created in 2023, won in 2024). The lead's dates come from it; `time` stays when
  /// the event was written.
  public var occurred: Timestamp?
  /// The writer's hybrid clock reading (a team pipeline orders events by it), written only
  /// when it is not what the line's place in its file implies: the writer had seen an event
  /// from a replica whose clock was ahead of its own (docs/team.md).
  public var clock: HybridTime?
  /// In a team pipeline, the id of the last event on this lead the writer had seen (nil: it
  /// had seen none, or the line was written outside a team): how a change made at the same
  /// time as another is told from one made after it.
  public var base: String?

  public init(
    id: String, time: Timestamp, replica: String, lead: LeadID, change: Change, occurred: Timestamp? = nil,
    clock: HybridTime? = nil, base: String? = nil
  ) {
    self.id = id
    self.time = time
    self.replica = replica
    self.lead = lead
    self.change = change
    self.occurred = occurred
    self.clock = clock
    self.base = base
  }

  /// The clock reading the writer stated: `clock`, else when it was written.
  public var statedClock: HybridTime { clock ?? HybridTime(wall: time) }

  /// When the change happened: `occurred`, else when it was written.
  public var effectiveTime: Timestamp { occurred ?? time }
}

/// What an event does to its lead.
///
/// The two large payloads are boxed (`indirect`), so a change takes about as much room as
/// its usual small payload: an import of 100,000 deals holds hundreds of thousands of them.
public enum Change: Hashable, Sendable {
  /// A new lead, placed at `position` (1 = top) of its stage's column.
  indirect case created(NewLead)
  /// Some fields changed; the others stay as they were.
  case edited([FieldEdit])
  /// The card moved to `stage` at `position` (1 = top). `gateOverridden` records that the rep
  /// confirmed leaving a stage whose required checklist was incomplete.
  case moved(stage: String, position: Int, gateOverridden: Bool)
  /// A criterion ticked or unticked; a tick may carry the rep's one-line answer to the
  /// criterion's questions ("40k approved for Q1"), nil to leave the answer as it is. An
  /// untick takes the answer away.
  case checked(criterion: String, isChecked: Bool, answer: String? = nil)
  case noteAdded(String)
  /// Takes back the latest note with this text (how a note is undone: nothing is deleted
  /// from the journal).
  case noteRetracted(String)
  /// A call, meeting or email with the rep's short account of how it went.
  case activityLogged(kind: String, outcome: String)
  /// Takes back the latest activity of this kind with this outcome (undo).
  case activityRetracted(kind: String, outcome: String)
  /// Sets the next action, or clears it with nil.
  case followUpSet(FollowUp?)
  /// The deal was won; it moves to the last stage.
  case won
  case lost(reason: String)
  /// A won or lost deal is open again, in `stage`.
  case reopened(stage: String)
  /// The lead is put back exactly as it was before (undo) or after (redo) another event:
  /// how undo reverses a change without rewriting the journal.
  indirect case restored(Restoration)
  /// An event type this version does not know (written by a newer Closer). It changes
  /// nothing here; its line stays in the journal untouched.
  case unknown(type: String)
}

/// A lead as it was at some moment, to put it back: every field, its stage and place in its
/// column, its outcome, checklist, follow-up and stage history (its notes and logged
/// activities stay as they are: those are taken back by `noteRetracted` and
/// `activityRetracted`).
public struct Restoration: Hashable, Sendable {
  /// The id of the event this one reverses (or, for a redo, the undo it reverses).
  public var reverses: String
  /// The lead as it was; nil when it did not exist yet (an add undone: the lead leaves the
  /// pipeline, and counts nowhere, not as a lost deal).
  public var lead: Lead?
  /// Its place in its column (1 = top), when it is on the board.
  public var position: Int

  public init(reverses: String, lead: Lead?, position: Int = 1) {
    self.reverses = reverses
    self.lead = lead
    self.lead?.notes = []  // notes and activities are not restored
    self.lead?.activities = []
    self.position = max(1, position)
  }
}

/// The fields of a new lead.
public struct NewLead: Hashable, Sendable {
  public var name: String
  public var company: String
  public var email: String
  public var phone: String
  public var owner: String
  public var source: String
  /// The deal's id in the system it was imported from (`pipedrive:1234`); empty otherwise.
  public var reference: String
  public var value: Money?
  public var expectedClose: CalendarDay?
  public var stage: String
  public var position: Int
  /// When the lead entered its stage, when that was after it was created (a deal imported
  /// with the date of its last stage change); nil: when it was created.
  public var stageEntered: Timestamp?
  /// Custom fields' stored values by key.
  public var custom: [String: String] = [:]
  /// The customer who referred this lead, when it came from a referral.
  public var referredBy: LeadID?

  public init(
    name: String, company: String = "", email: String = "", phone: String = "", owner: String = "",
    source: String = "", reference: String = "", value: Money? = nil, expectedClose: CalendarDay? = nil, stage: String,
    position: Int = 1, stageEntered: Timestamp? = nil
  ) {
    self.name = name
    self.company = company
    self.email = email
    self.phone = phone
    self.owner = owner
    self.source = source
    self.reference = reference
    self.value = value
    self.expectedClose = expectedClose
    self.stage = stage
    self.position = position
    self.stageEntered = stageEntered
  }
}

/// The text fields of a lead that an edit can set.
public enum TextField: String, Hashable, Sendable, CaseIterable {
  case name, company, email, phone, owner, source, reference
}

/// One field set by an edit.
public enum FieldEdit: Hashable, Sendable {
  case text(TextField, String)
  case value(Money?)
  case expectedClose(CalendarDay?)
  /// A custom field (`[[fields]]` in the config) by its key: its stored value, or nil to
  /// clear it.
  case custom(String, String?)
}
