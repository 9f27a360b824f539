import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// `C`: log a call, meeting or email with how it went. One event, shown in the detail pane,
/// counted as engagement in the score, taken back by undo; Esc writes nothing.
@Suite struct ActivityTests {
  @Test func aCallIsLoggedShownAndUndone() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .down, .down)  // Søren Andersen, in Proposal
    let lead = try #require(h.focused)
    h.send(.character("C"))
    #expect(h.frame.lines.last?.contains("Log for Søren Andersen:") == true)
    #expect(h.frame.lines.last?.contains("1 call · 2 meeting · 3 email") == true)
    h.send(.character("1"), .enter)
    h.type("Talked budget, sending proposal")
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.written.last?.change == .activityLogged(kind: "call", outcome: "Talked budget, sending proposal"))
    #expect(h.state.message?.text == "Logged a call with Søren Andersen: Talked budget, sending proposal")
    #expect(h.frame.text.contains("Activities (1, newest first)"))
    #expect(h.frame.text.contains("call · Talked budget, sending"))
    h.send(.character("u"))
    #expect(h.written.last?.change == .activityRetracted(kind: "call", outcome: "Talked budget, sending proposal"))
    #expect(h.pipeline[lead.id]?.activities.isEmpty == true)
    h.send(.control("r"))
    #expect(h.pipeline[lead.id]?.activities.map(\.outcome) == ["Talked budget, sending proposal"])
  }

  @Test func aKindIsPickedByNameAndABadOneIsNamed() throws {
    var h = Harness()
    h.send(.character("C"))
    h.type("lunch")
    h.send(.enter)
    guard case .prompt(let prompt) = h.state.mode else {
      Issue.record("the prompt closed")
      return
    }
    #expect(prompt.problem == "pick 1-3: call, meeting, email")
    h.send(.control("u"))
    h.type("meet")
    h.send(.enter, .enter)  // no outcome: still a meeting
    #expect(h.written.last?.change == .activityLogged(kind: "meeting", outcome: ""))
  }

  @Test func escapeWritesNothing() {
    var h = Harness()
    h.send(.character("C"), .escape)
    #expect(h.state.message?.text == "Nothing logged")
    h.send(.character("C"), .character("2"), .enter)
    h.type("half an answer")
    h.send(.escape)
    #expect(h.written.isEmpty)
    #expect(h.state.mode == .board)
  }

  /// Chloé has had no activity for three weeks: her engagement has faded; a logged call
  /// brings it back, and she is no longer stalled.
  @Test func aLoggedActivityRaisesTheScore() throws {
    var h = Harness(width: 160, height: 45)
    let chloe = try #require(h.pipeline.leads.first { $0.name == "Chloé Dubois" })
    let before = h.pipeline.score(of: chloe, now: Harness.now)
    #expect(h.pipeline.isStalled(chloe, now: Harness.now))
    try h.pipeline.apply(
      Event(
        id: "a1", time: Harness.now, replica: "t", lead: chloe.id,
        change: .activityLogged(kind: "call", outcome: "Back from holiday, keen")))
    let after = try #require(h.pipeline[chloe.id])
    let score = h.pipeline.score(of: after, now: Harness.now)
    #expect(score.engagement > before.engagement)
    #expect(score.total > before.total)
    #expect(!h.pipeline.isStalled(after, now: Harness.now))
  }
}

/// A stage's guidance: in the detail pane of a deal in it, and on the status line when a
/// deal enters it.
@Suite struct StageGuidanceTests {
  @Test func theGuidanceIsShownInThePaneAndWhenADealEntersTheStage() throws {
    var h = Harness(width: 160, height: 45)
    #expect(h.frame.text.contains("In Lead Generation"))
    h.send(.shiftRight)  // Ana Lima to Qualifying, at once
    let message = try #require(h.state.message?.text)
    #expect(message.hasPrefix("Moved Ana Lima to Qualifying"))
    #expect(message.hasSuffix(Stage.defaultGuidance["qualifying"]!))
    h.send(.shiftDown)  // within the stage: no guidance again
    #expect(h.state.message?.text.contains("Filter before you invest") == false)
  }
}

/// A criterion ticked with an answer: `a` in the detail pane, one event with the tick and
/// the answer, shown beside it; the selected criterion's questions are in the pane; undo
/// takes both back.
@Suite struct CriterionAnswerTests {
  @Test func aCriterionIsTickedWithItsAnswer() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.enter)  // Ana Lima's detail pane, Budget selected
    #expect(h.frame.text.contains("? Is there money set aside"))
    h.send(.character("a"))
    #expect(h.frame.lines.last?.contains("Budget:") == true)
    h.type("40k approved for Q1")
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.written.first?.change == .checked(criterion: "budget", isChecked: true, answer: "40k approved for Q1"))
    #expect(h.frame.text.contains("1 [x] Budget: 40k approved for Q1"))
    guard case .detail(item: 0) = h.state.mode else {
      Issue.record("back in the pane on its item")
      return
    }
    try assertSnapshot(h.frame, named: "detail-answer-160x45")
    // The same answer again writes nothing; Esc writes nothing.
    h.send(.character("a"), .enter)
    #expect(h.written.count == 1)
    h.send(.character("a"), .escape)
    #expect(h.written.count == 1)
    guard case .detail(item: 0) = h.state.mode else {
      Issue.record("Esc in the answer goes back to the pane, not the board")
      return
    }
    h.send(.escape, .character("u"))
    #expect(h.pipeline["ana0"]?.isChecked("budget") == false)
    #expect(h.pipeline["ana0"]?.answers.isEmpty == true)
  }
}

/// Check-ins after the sale: a win schedules the first of the cadence; marking one done in
/// the agenda schedules the next, to the last; undo takes each step back.
@Suite struct CheckInCadenceTests {
  @Test func aWinRunsThroughTheCadence() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .right)  // Negotiation: Ngozi Adeyemi
    let ngozi = try #require(h.focused)
    #expect(ngozi.name == "Ngozi Adeyemi")
    h.send(.character("w"))
    #expect(
      h.written.map(\.change) == [
        .won, .followUpSet(FollowUp(action: "Thank-you note", due: h.state.today.adding(days: 2))),
      ])
    h.send(.character("A"))
    func doneWithNgozi() throws {
      let items = h.state.agenda(h.pipeline)
      let index = try #require(items.firstIndex { $0.id == ngozi.id })
      h.state.mode = .agenda(selected: index)
      h.send(.character("d"))
    }
    try doneWithNgozi()
    #expect(
      h.pipeline[ngozi.id]?.followUp
        == FollowUp(action: "Check-in: satisfaction and feedback", due: h.state.today.adding(days: 30)))
    #expect(h.state.message?.text.contains("next: Check-in: satisfaction and feedback") == true)
    try doneWithNgozi()
    #expect(h.pipeline[ngozi.id]?.followUp?.action == "Ask for referrals")
    #expect(h.pipeline[ngozi.id]?.followUp?.due == h.state.today.adding(days: 90))
    try doneWithNgozi()
    #expect(h.pipeline[ngozi.id]?.followUp == nil)
    h.send(.character("u"))
    #expect(h.pipeline[ngozi.id]?.followUp?.action == "Ask for referrals")
    // One undo of the win takes back the win and its check-in.
    h.send(.escape)
    var undone = 0
    while h.pipeline[ngozi.id]?.status == .won && undone < 5 {
      h.send(.character("u"))
      undone += 1
    }
    #expect(h.pipeline[ngozi.id]?.status == .open)
    #expect(h.pipeline[ngozi.id]?.followUp == nil)
  }
}

/// A customer's detail pane lists the referrals it brought; the referral's pane names its
/// customer; undoing the referral's add takes it off the list.
@Suite struct ReferralBoardTests {
  @Test func theCustomerListsItsReferrals() throws {
    var pipeline = Fixture.pipeline()
    var new = NewLead(name: "Rita Referral", source: "Referral", stage: "lead-generation")
    new.referredBy = "olaf"
    try pipeline.apply(Event(id: "r1", time: Harness.now, replica: "t", lead: "rita", change: .created(new)))
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.state.focus(on: "olaf", h.pipeline)
    #expect(h.frame.text.contains("Referrals (1)"))
    #expect(h.frame.text.contains("Rita Referral · Lead Generation"))
    h.state.focus(on: "rita", h.pipeline)
    #expect(h.frame.text.contains("Referrer   Ólafur Jónsson"))
    try h.pipeline.apply(
      Event(
        id: "r2", time: Harness.now, replica: "t", lead: "rita",
        change: .restored(Restoration(reverses: "r1", lead: nil))))
    #expect(h.pipeline.referrals(of: "olaf").isEmpty)
  }
}

extension CriterionAnswerTests {
  /// A long answer wraps under its criterion's title, not at the pane's edge.
  @Test func aLongAnswerWrapsUnderItsCriterion() throws {
    var pipeline = Fixture.pipeline()
    let answer = "Forty thousand approved for the first quarter by the finance director, signed off"
    try pipeline.apply(
      Event(
        id: "a1", time: Harness.now, replica: "t", lead: "ana0",
        change: .checked(criterion: "budget", isChecked: true, answer: answer)))
    let h = Harness(pipeline: pipeline)
    let lines = h.state.detailLines(width: 40, h.pipeline).lines
    let first = try #require(lines.firstIndex { $0.text.hasPrefix("1 [x] Budget: Forty") })
    #expect(lines[first + 1].indent == 6)
    #expect(lines[first + 1].text.count <= 34)
    #expect(lines[first...].prefix(4).map(\.text).joined(separator: " ").contains("signed off"))
  }
}
