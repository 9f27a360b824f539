import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// `F`: the filter line. The board shows only the deals the filter selects, with counts and
/// totals of those; a bad term is named and nothing changes; it writes nothing.
@Suite struct FilterLineTests {
  private func filter(_ h: inout Harness, _ text: String) {
    h.send(.character("F"), .control("u"))
    h.type(text)
    h.send(.enter)
  }

  private func shown(_ h: Harness) -> [String] {
    h.pipeline.stages.indices.flatMap { column in
      (0..<h.state.cardCount(column, h.pipeline)).compactMap { h.state.shownLead(column, at: $0, h.pipeline)?.name }
    }
  }

  @Test func onlyTheDealsSelectedAreShown() throws {
    var h = Harness(width: 160, height: 45)
    filter(&h, "value>50k")
    let expected = h.pipeline.stages.flatMap { stage in
      h.pipeline.leads(inStage: stage.key).filter { ($0.value?.minorUnits ?? 0) > 50_000_00 }.map(\.name)
    }
    #expect(!expected.isEmpty)
    #expect(shown(h) == expected)
    #expect(h.frame.text.contains("where value>50k"))
    #expect(h.frame.text.contains("\(expected.count) cards"))
    #expect(h.state.message?.text == "\(expected.count) deals where value>50k")
    // Keys act among them: the focus is always on one of them.
    for _ in 0..<6 {
      h.send(.down, .right)
      if let focused = h.focused { #expect(expected.contains(focused.name)) }
    }
    #expect(h.written.isEmpty)
  }

  @Test func aBadTermIsNamedAndChangesNothing() throws {
    var h = Harness()
    filter(&h, "value>5Ok")
    guard case .filterLine(let line) = h.state.mode else {
      Issue.record("the line closed")
      return
    }
    #expect(line.problem == "value>5Ok: '5Ok' is not an amount")
    #expect(h.frame.lines.suffix(3).joined().contains("'5Ok' is not an amount"))
    h.send(.escape)
    #expect(h.state.filter == nil)
    #expect(h.state.mode == .board)
    #expect(h.written.isEmpty)
  }

  @Test func itCombinesWithTheOwnerViewAndClearsWithNothingTyped() throws {
    var pipeline = Fixture.pipeline()
    for (index, lead) in ["soer", "kim0", "wang"].enumerated() {
      try pipeline.apply(
        Event(
          id: "o\(index)", time: Timestamp(iso8601: "2026-11-09T09:00:0\(index)Z")!, replica: "t", lead: LeadID(lead),
          change: .edited([.text(.owner, index < 2 ? "ana" : "ben")])))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("O"))
    h.type("ana")
    h.send(.enter)
    filter(&h, "value>100k")
    #expect(shown(h) == ["Søren Andersen"])
    filter(&h, "")
    #expect(h.state.filter == nil)
    #expect(Set(shown(h)) == ["Søren Andersen", "Kim Seo-yeon"])
    #expect(h.state.message?.text == "Showing every deal")
  }

  /// The filter follows the pipeline: a deal changed so that it is no longer selected
  /// leaves the board, and undo brings it back.
  @Test func itFollowsChangesAndUndo() throws {
    var h = Harness(width: 160, height: 45)
    filter(&h, "-status:lost stage:proposal")
    let before = shown(h)
    #expect(before.count == 3)
    let focused = try #require(h.focused)
    h.send(.character("L"))
    #expect(h.written.count == 1)
    #expect(!shown(h).contains(focused.name), "moved out of Proposal, out of the filter")
    h.send(.character("u"))
    #expect(Set(shown(h)) == Set(before))
    #expect(h.state.filter != nil)
  }

  /// `me` in the filter is the rep's name, when the board knows it.
  @Test func meIsTheRep() throws {
    var h = Harness()
    filter(&h, "owner:me")
    guard case .filterLine(let line) = h.state.mode else {
      Issue.record("the line closed")
      return
    }
    #expect(line.problem?.contains("CLOSER_OWNER") == true)
    h.send(.escape)
    h.state.me = "nobody-here"
    filter(&h, "owner:me")
    #expect(shown(h).isEmpty)
  }
}

/// Saved views from the config: V shows each in turn, then every deal; the help lists them.
@Suite struct SavedViewTests {
  @Test func vCyclesTheViewsThenEveryDeal() throws {
    var h = Harness(width: 160, height: 45)
    h.state.views = [
      SavedView(name: "big", filter: "value>100k"), SavedView(name: "early", filter: "stage:lead-generation"),
    ]
    h.send(.character("V"))
    #expect(h.state.activeView == "big")
    #expect(h.frame.text.contains("view big"))
    #expect(h.state.message?.text.hasPrefix("View big: ") == true)
    let big = h.pipeline.leads.filter { ($0.value?.minorUnits ?? 0) > 100_000_00 && $0.status != .lost }.count
    #expect(h.state.summaries.columns.reduce(0) { $0 + $1.count } == big)
    h.send(.character("V"))
    #expect(h.state.activeView == "early")
    #expect(h.state.summaries.columns.reduce(0) { $0 + $1.count } == h.pipeline.leads(inStage: "lead-generation").count)
    h.send(.character("V"))
    #expect(h.state.activeView == nil && h.state.filter == nil)
    #expect(h.state.message?.text == "Showing every deal")
    h.send(.character("?"))
    #expect(h.frame.text.contains("Saved views (V)"))
    #expect(h.written.isEmpty)
  }

  @Test func noViewsSaysHowToAddOne() {
    var h = Harness()
    h.send(.character("V"))
    #expect(h.state.message?.text.contains("[views.NAME]") == true)
    #expect(h.state.filter == nil)
  }
}
