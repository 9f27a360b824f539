import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// Custom fields on the board: in the add and edit form (checked by type, one event when
/// saved), in the detail pane and in the table's columns; a field the config no longer has
/// is hidden and kept.
@Suite struct CustomFieldBoardTests {
  static var config: PipelineConfig {
    var config = PipelineConfig()
    config.fields = [
      CustomField(key: "industry", title: "Industry", kind: .choice, choices: ["SaaS", "Retail", "Health"]),
      CustomField(key: "seats", title: "Seats", kind: .number),
      CustomField(key: "renewal", title: "Renewal", kind: .date),
    ]
    return config
  }

  /// Tab to a row of the form (0 is Name).
  private func row(_ h: inout Harness, _ index: Int) {
    for _ in 0..<index { h.send(.tab) }
  }

  @Test func aNewLeadGetsItsFieldsCheckedByType() throws {
    var h = Harness(width: 160, height: 45, pipeline: Fixture.pipeline(config: Self.config))
    h.send(.character("a"))
    h.type("Dana Scott")
    #expect(h.frame.text.contains("1 SaaS · 2 Retail · 3 Health"))
    row(&h, 6)
    h.type("health")
    h.send(.tab)
    h.type("lots")
    h.send(.enter)
    guard case .form(let form) = h.state.mode else {
      Issue.record("a bad number keeps the form open")
      return
    }
    #expect(form.problem == "Seats: 'lots' is not a number")
    #expect(form.focus == 7)
    #expect(h.written.isEmpty)
    h.send(.control("u"))
    h.type("1,200")
    h.send(.tab)
    h.type("2027-03-01")
    h.send(.enter)
    #expect(h.written.count == 1)
    guard case .created(let new) = h.written.first?.change else {
      Issue.record("one lead.created")
      return
    }
    #expect(new.custom == ["industry": "Health", "seats": "1200", "renewal": "2027-03-01"])
    // The pane shows them.
    let text = h.frame.text
    #expect(text.contains("Industry   Health"))
    #expect(text.contains("Seats      1200"))
    #expect(text.contains("Renewal    2027-03-01"))
  }

  @Test func anEditWritesOnlyTheFieldChangedAndUndoPutsItBack() throws {
    var pipeline = Fixture.pipeline(config: Self.config)
    try pipeline.apply(
      Event(
        id: "c1", time: Harness.now, replica: "t", lead: "ana0",
        change: .edited([.custom("industry", "SaaS"), .custom("seats", "12")])))
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("e"))
    row(&h, 7)
    h.send(.control("u"))
    h.type("15")
    h.send(.enter)
    #expect(h.written.count == 1)
    #expect(h.written.first?.change == .edited([.custom("seats", "15")]))
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.custom == ["industry": "SaaS", "seats": "12"])
  }

  @Test func theTableHasAColumnPerFieldAndSortsByIt() throws {
    var pipeline = Fixture.pipeline(config: Self.config)
    for (index, (lead, seats)) in [("ana0", "40"), ("kim0", "5"), ("soer", "300")].enumerated() {
      try pipeline.apply(
        Event(
          id: "s\(index)", time: Harness.now, replica: "t", lead: LeadID(lead),
          change: .edited([.custom("seats", seats)])
        ))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("t"), .character("9"), .character("9"))  // Industry (9), then reversed
    guard case .table(let view) = h.state.mode else { return }
    #expect(view.sort.title == "Industry")
    h.send(.right)  // Seats, largest first
    let names = h.state.tableRows.slots.compactMap { h.pipeline.lead(atSlot: Int($0))?.name }
    #expect(Array(names.prefix(3)) == ["Søren Andersen", "Ana Lima", "Kim Seo-yeon"])
    #expect(h.frame.text.contains("Seats ▼"))
    try assertSnapshot(h.frame, named: "table-custom-fields-160x45")
  }

  /// A value the config no longer takes (a choice taken off the list) stays as it is when
  /// the rep edits another field; only what is typed is checked.
  @Test func aValueNoLongerAChoiceIsKeptWhenAnotherFieldIsEdited() throws {
    var pipeline = Fixture.pipeline(config: Self.config)
    try pipeline.apply(
      Event(id: "c1", time: Harness.now, replica: "t", lead: "ana0", change: .edited([.custom("industry", "Mining")])))
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("e"))
    row(&h, 7)
    h.type("9")
    h.send(.enter)
    #expect(h.written.map(\.change) == [.edited([.custom("seats", "9")])])
    #expect(h.pipeline["ana0"]?.custom["industry"] == "Mining")
  }

  /// ←/→ in the table pass over columns the screen has no room for.
  @Test func theTableSortsOnlyByColumnsItDraws() throws {
    var h = Harness(pipeline: Fixture.pipeline(config: Self.config))
    h.send(.character("t"), .character("8"))  // Days, the last built-in column
    h.send(.right)
    guard case .table(let view) = h.state.mode else { return }
    let widths = TableView.widths(for: 80, TableColumn.all(Self.config))
    let shown = TableColumn.all(Self.config).enumerated().filter { widths[$0.offset] > 0 }.map(\.element)
    #expect(shown.contains(view.sort), "sorted by \(view.sort), which is not drawn")
  }

  /// A field taken out of the config is not shown, and its values stay: put back, they are
  /// there again.
  @Test func aRemovedFieldIsHiddenNotLost() throws {
    var pipeline = Fixture.pipeline(config: Self.config)
    try pipeline.apply(
      Event(id: "c1", time: Harness.now, replica: "t", lead: "ana0", change: .edited([.custom("seats", "12")])))
    var without = PipelineConfig()
    without.fields = []
    var bare = Pipeline(config: without)
    for lead in pipeline.leads {
      var new = NewLead(name: lead.name, stage: lead.stage)
      new.custom = lead.custom
      try bare.apply(Event(id: "n\(lead.id)", time: Harness.now, replica: "t", lead: lead.id, change: .created(new)))
    }
    var h = Harness(width: 160, height: 45, pipeline: bare)
    h.send(.character("e"), .enter)  // the form has no row for it, and saving writes nothing
    #expect(!h.frame.text.contains("Seats"))
    #expect(h.written.isEmpty)
    #expect(h.pipeline["ana0"]?.custom["seats"] == "12")
  }
}
