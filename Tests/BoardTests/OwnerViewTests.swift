import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// `O` shows one owner's deals, yours, the deals nobody owns, or everyone's: the columns,
/// counts and totals describe what is shown, keys act on the cards shown, and nothing is
/// written.
@Suite struct OwnerViewTests {
  /// The fixture with owners: Ana owns four deals, Ben two ("Ben" and "ben"), the rest
  /// nobody.
  private func harness(width: Int = 160, height: Int = 45) throws -> Harness {
    var pipeline = Fixture.pipeline()
    let owners = ["ana0": "ana", "chl0": "ana", "jose": "ana", "soer": "ana", "ben0": "ben", "kim0": "Ben"]
    var second = 0
    for (lead, owner) in owners.sorted(by: { $0.key < $1.key }) {
      second += 1
      try pipeline.apply(
        Event(
          id: "own\(second)", time: Timestamp(iso8601: "2026-11-09T09:00:0\(second)Z")!, replica: "fixture",
          lead: LeadID(lead), change: .edited([.text(.owner, owner)])))
    }
    return Harness(width: width, height: height, pipeline: pipeline)
  }

  private func show(_ h: inout Harness, _ answer: String) {
    h.send(.character("O"))
    h.type(answer)
    h.send(.enter)
  }

  private func shownNames(_ h: Harness, _ stage: String) -> [String] {
    guard let column = h.pipeline.stageIndex(forKey: stage) else { return [] }
    return (0..<h.state.cardCount(column, h.pipeline)).compactMap {
      h.state.shownLead(column, at: $0, h.pipeline)?.name
    }
  }

  @Test func oneOwnersDealsAreShownWithTheirCountsAndTotals() throws {
    var h = try harness()
    show(&h, "ana")
    #expect(h.state.ownerFilter == "ana")
    #expect(h.state.message?.text == "Showing ana's 4 deals")
    #expect(h.frame.text.contains("ana's deals"))
    for stage in h.pipeline.stages.map(\.key) {
      let expected = h.pipeline.leads(inStage: stage).filter { $0.owner == "ana" }.map(\.name)
      #expect(shownNames(h, stage) == expected, "\(stage)")
    }
    let text = h.frame.text
    #expect(text.contains("Ana Lima") && text.contains("Søren Andersen"))
    #expect(!text.contains("Ben Okafor") && !text.contains("Priya Sharma") && !text.contains("Kim Seo-yeon"))
    #expect(text.contains("Lead Generation (2)"))
    #expect(text.contains("4 cards"), "the title counts what is shown")
    // Proposal: only Søren's 310k, weighted at the stage's probability.
    let proposal = try #require(h.pipeline.stageIndex(forKey: "proposal"))
    #expect(h.state.summaries.columns[proposal].total == 310_000_00)
    // Another owner, in any case: "ben" is "Ben" and "ben".
    show(&h, "BEN")
    #expect(shownNames(h, "lead-generation") == ["Ben Okafor"])
    #expect(shownNames(h, "proposal") == ["Kim Seo-yeon"])
    #expect(h.written.isEmpty)
  }

  @Test func theFocusMovesOnlyAmongTheCardsShown() throws {
    var h = try harness()
    show(&h, "ana")
    var seen: [String] = []
    for _ in 0..<8 {
      if let name = h.focused?.name, !seen.contains(name) { seen.append(name) }
      h.send(.down)
      if let name = h.focused?.name, !seen.contains(name) { seen.append(name) }
      h.send(.right)
    }
    #expect(!seen.isEmpty)
    #expect(seen.allSatisfy { name in h.pipeline.leads.first { $0.name == name }?.owner == "ana" }, "\(seen)")
  }

  /// A drop among the cards shown lands in the same place among all of them: just above the
  /// card shown where it is dropped, or just below the last one.
  @Test func aDropLandsWhereTheShownCardsSay() throws {
    var h = try harness()
    show(&h, "ana")
    let before = h.pipeline.leads(inStage: "lead-generation").map(\.id)
    let shown = shownNames(h, "lead-generation")
    #expect(shown.count == 2)
    // The top card shown, carried to the bottom of the cards shown.
    let lead = try #require(h.state.shownLead(0, at: 0, h.pipeline))
    h.state.focus(on: lead.id, h.pipeline)
    h.send(.character(" "), .down, .character(" "))
    #expect(h.written.count == 1)
    #expect(shownNames(h, "lead-generation") == [shown[1], shown[0]])
    // Everyone's cards: only the two of Ana's swapped places, Ben's stays where it was.
    let after = h.pipeline.leads(inStage: "lead-generation").map(\.id)
    #expect(Set(after) == Set(before))
    #expect(after.last == lead.id, "below the last card shown, which was the column's last")
    // Shift+Right into Qualifying at the same height (second shown): just below José, the
    // only card shown there, whatever is hidden around him.
    h.state.focus(on: lead.id, h.pipeline)
    h.send(.character("L"))
    #expect(h.written.count == 2)
    let qualifying = h.pipeline.leads(inStage: "qualifying").map(\.name)
    let jose = try #require(qualifying.firstIndex(of: "José García"))
    #expect(qualifying.firstIndex(of: lead.name) == jose + 1, "\(qualifying)")
    #expect(shownNames(h, "qualifying") == ["José García", lead.name])
    // And back to the top with Home in a lifted move: above José.
    h.send(.character(" "), .home, .character(" "))
    let moved = h.pipeline.leads(inStage: "qualifying").map(\.name)
    #expect(moved.firstIndex(of: lead.name) == (moved.firstIndex(of: "José García") ?? 0) - 1, "\(moved)")
    #expect(shownNames(h, "qualifying") == [lead.name, "José García"])
  }

  @Test func aDealHandedToSomeoneElseLeavesTheView() throws {
    var h = try harness()
    show(&h, "ana")
    let focused = try #require(h.focused)
    #expect(focused.owner == "ana")
    h.send(.character("o"), .control("u"))
    h.type("ben")
    h.send(.enter)
    #expect(h.pipeline[focused.id]?.owner == "Ben", "the case of a name in use")
    #expect(h.state.focusedLead != focused.id)
    #expect(!h.pipeline.stages.map(\.key).contains { shownNames(h, $0).contains(focused.name) })
    #expect(h.state.message?.text == "\(focused.name) is Ben's now")
    // Undo gives the deal back to Ana, and it is shown again with the focus on it.
    h.send(.character("u"))
    #expect(h.state.focusedLead == focused.id)
    #expect(h.state.ownerFilter == "ana")
  }

  @Test func meNoneAndEveryonesDeals() throws {
    var h = try harness()
    show(&h, "me")
    #expect(h.state.ownerFilter == nil, "the board does not know who 'me' is")
    #expect(
      {
        if case .ownerView(let view) = h.state.mode { view.problem?.contains("CLOSER_OWNER") == true } else { false }
      }())
    h.send(.escape)
    h.state.me = "Ana"
    show(&h, "me")
    #expect(h.state.ownerFilter == "ana", "my name, as the deals spell it")
    show(&h, "none")
    #expect(h.state.ownerFilter == "")
    #expect(shownNames(h, "proposal") == ["Priya Sharma"])
    #expect(h.frame.text.contains("deals nobody owns"))
    // A number picks a listed name (most deals first: ana, then Ben and ben).
    show(&h, "1")
    #expect(h.state.ownerFilter == "ana")
    show(&h, "")
    #expect(h.state.ownerFilter == nil)
    #expect(h.state.message?.text == "Showing everyone's deals")
    #expect(h.written.isEmpty)
  }

  /// The names listed are ordered by open deals: one whose deals are all closed comes last,
  /// however many it has.
  @Test func namesAreListedByOpenDeals() throws {
    var pipeline = try harness().pipeline
    for (index, lead) in ["olaf", "priy", "wang"].enumerated() {
      try pipeline.apply(
        Event(
          id: "zed\(index)", time: Timestamp(iso8601: "2026-11-09T10:00:0\(index)Z")!, replica: "fixture",
          lead: LeadID(lead), change: .edited([.text(.owner, "zed")])))
    }
    try pipeline.apply(
      Event(
        id: "zedlost1", time: Timestamp(iso8601: "2026-11-09T11:00:00Z")!, replica: "fixture", lead: "priy",
        change: .lost(reason: "Price")))
    try pipeline.apply(
      Event(
        id: "zedlost2", time: Timestamp(iso8601: "2026-11-09T11:00:01Z")!, replica: "fixture", lead: "wang",
        change: .lost(reason: "Price")))
    // zed: three deals, none open (one won, two lost); ana four open, Ben and ben one each.
    #expect(OwnerView.owners(in: pipeline) == ["ana", "Ben", "ben", "zed"])
  }

  @Test func anUnknownNameIsSaidAndChangesNothing() throws {
    var h = try harness()
    show(&h, "ana")
    show(&h, "zed")
    #expect(
      {
        if case .ownerView(let view) = h.state.mode {
          view.problem?.contains("nobody called 'zed'") == true
        } else {
          false
        }
      }())
    h.send(.escape)
    #expect(h.state.ownerFilter == "ana")
    #expect(h.state.mode == .board)
    h.send(.character("O"))
    h.type("9")
    h.send(.enter)
    #expect(
      {
        if case .ownerView(let view) = h.state.mode {
          view.problem?.contains("there is no name 9") == true
        } else {
          false
        }
      }())
  }

  /// Showing deals writes nothing, so a read-only journal allows it.
  @Test func itWorksOnAReadOnlyJournal() throws {
    var h = try harness()
    h.state.readOnlyReason = "opened for reading only"
    show(&h, "ben")
    #expect(h.state.ownerFilter?.lowercased() == "ben")
  }

  /// Typing a search that matches cards the view hides keeps the view and the focus; Esc
  /// leaves both as they were.
  @Test func typingASearchKeepsTheView() throws {
    var h = try harness()
    show(&h, "ana")
    let focused = h.state.focusedLead
    h.send(.character("/"))
    h.type("priya")
    #expect(h.state.ownerFilter == "ana")
    #expect(h.state.focusedLead == focused)
    h.send(.escape)
    #expect(h.state.ownerFilter == "ana")
    #expect(h.state.focusedLead == focused)
  }

  /// A view whose owner has no card in the focused column puts the focus on the first
  /// column that has one.
  @Test func theFocusGoesToACardTheViewShows() throws {
    var h = try harness()
    h.send(.right, .right, .right)
    #expect(h.focused?.stage == "proposal")
    show(&h, "ben")
    #expect(h.focused?.owner.lowercased() == "ben")
    show(&h, "none")
    #expect(h.focused?.owner == "")
    h.send(.right, .right, .right, .right, .right, .right)
    show(&h, "ana")
    #expect(h.focused?.owner == "ana")
  }

  /// A search jump to a card the view hides shows everyone's deals with the focus on it.
  @Test func aSearchJumpToAHiddenCardShowsEveryonesDeals() throws {
    var h = try harness()
    show(&h, "ana")
    h.send(.character("/"))
    h.type("priya")
    h.send(.enter)
    #expect(h.focused?.name == "Priya Sharma")
    #expect(h.state.ownerFilter == nil)
  }

  /// The view keeps up with changes from elsewhere: a deal another member hands to Ana
  /// appears in her view.
  @Test func changesFromElsewhereShowInTheView() throws {
    var h = try harness()
    show(&h, "ana")
    #expect(!shownNames(h, "proposal").contains("Priya Sharma"))
    try h.store.pipeline.apply(
      Event(
        id: "x1", time: Timestamp(iso8601: "2026-11-10T09:00:00Z")!, replica: "ben@desk", lead: "priy",
        change: .edited([.text(.owner, "ana")])))
    h.handle(.externalChanges(count: 1))
    #expect(shownNames(h, "proposal").contains("Priya Sharma"))
  }
}
