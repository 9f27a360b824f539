import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// A question or a form answered about a lead that changed meanwhile, in what it answers
/// (another process, another member): nothing is written over that change unseen.
@Suite struct ChangedMeanwhileTests {
  /// Another writer's change to `lead`, as the board learns of it between keys.
  private func elsewhere(_ h: inout Harness, _ lead: LeadID, _ change: Change, id: String) throws {
    try h.store.pipeline.apply(
      Event(
        id: id, time: Timestamp(iso8601: "2026-11-10T09:30:00Z")!, replica: "ben@desk", lead: lead, change: change))
    h.handle(.externalChanges(count: 1))
  }

  @Test func anOwnerChangedWhileAnsweringIsNotOverwritten() throws {
    var h = Harness()
    let lead = try #require(h.state.focusedLead)
    h.send(.character("o"))
    h.type("Kim")
    try elsewhere(&h, lead, .edited([.text(.owner, "ben")]), id: "e1")
    h.send(.enter)
    #expect(h.written.isEmpty)
    #expect(h.pipeline[lead]?.owner == "ben")
    #expect(h.state.message?.text.hasPrefix("Not saved:") == true, "\(h.state.message?.text ?? "")")
    // Asked again, the answer is written.
    h.send(.character("o"), .control("u"))
    h.type("Kim")
    h.send(.enter)
    #expect(h.pipeline[lead]?.owner == "Kim")
    #expect(h.written.count == 1)
  }

  @Test func aFollowUpChangedWhileAnsweringIsNotOverwritten() throws {
    var h = Harness()
    let lead = try #require(h.state.focusedLead)
    h.send(.character("f"))
    h.send(.control("u"))
    h.type("Send pricing")
    h.send(.enter)
    try elsewhere(
      &h, lead, .followUpSet(FollowUp(action: "Demo", due: CalendarDay(iso8601: "2026-11-20")!)), id: "e2")
    h.send(.enter)
    #expect(h.written.isEmpty)
    #expect(h.pipeline[lead]?.followUp?.action == "Demo")
    #expect(h.state.message?.text.contains("changed while you were answering") == true)
  }

  /// Enter on the same action and date writes nothing, as Esc does.
  @Test func anUnchangedFollowUpWritesNothing() throws {
    var h = Harness()
    let lead = try #require(h.pipeline.leads.first { $0.followUp != nil }?.id)
    h.state.focus(on: lead, h.pipeline)
    h.send(.character("f"), .enter, .enter)
    #expect(h.written.isEmpty)
    #expect(h.state.message?.text == "Follow-up unchanged")
  }

  /// The edit form: a field the rep changed that also changed elsewhere is shown as it is
  /// now and asked again (Enter then saves the rep's over it); a field the rep left alone
  /// keeps what it is now, never the form's old copy.
  @Test func theFormNeverSavesOverAChangeItDidNotShow() throws {
    var h = Harness()
    let lead = try #require(h.focused)
    h.send(.character("e"), .tab)
    h.send(.end)
    h.type("X")
    try elsewhere(&h, lead.id, .edited([.text(.company, "NewCo"), .text(.email, "new@newco.example")]), id: "e3")
    h.send(.enter)
    #expect(h.written.isEmpty)
    guard case .form(let form) = h.state.mode else {
      Issue.record("the form closed")
      return
    }
    #expect(form.problem?.contains("Company is now 'NewCo'") == true, "\(form.problem ?? "")")
    #expect(form[.email] == "new@newco.example", "a field left alone shows what it is now")
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.pipeline[lead.id]?.company == lead.company + "X")
    #expect(h.pipeline[lead.id]?.email == "new@newco.example", "not overwritten with the old copy")
  }

  /// A field the rep did not touch, changed elsewhere, does not stop the save and is not
  /// overwritten.
  @Test func anUntouchedFieldChangedElsewhereStays() throws {
    var h = Harness()
    let lead = try #require(h.focused)
    h.send(.character("e"))
    h.send(.end)
    h.type(" Jr")
    try elsewhere(&h, lead.id, .edited([.text(.phone, "+1 555 0100")]), id: "e4")
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.pipeline[lead.id]?.name == lead.name + " Jr")
    #expect(h.pipeline[lead.id]?.phone == "+1 555 0100")
  }
}
