import Foundation
import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// `t`: the table view. One row per deal the board shows, under the same owner view and
/// filter, sorted by any column from the keyboard; Enter goes to the card; it writes
/// nothing.
@Suite struct TableViewTests {
  private func rows(_ h: Harness) -> [Lead] {
    h.state.tableRows.slots.compactMap { h.pipeline.lead(atSlot: Int($0)) }
  }

  private func boardOrder(_ h: Harness) -> [Lead] {
    h.pipeline.stages.flatMap { h.pipeline.leads(inStage: $0.key) }
  }

  private var view: (Harness) -> TableView? {
    { h in
      guard case .table(let view) = h.state.mode else { return nil }
      return view
    }
  }

  @Test func itOpensOnTheFocusedDealInBoardOrder() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.right, .right, .right, .down)
    let focused = try #require(h.focused)
    h.send(.character("t"))
    let table = try #require(view(h))
    #expect(rows(h).map(\.id) == boardOrder(h).map(\.id))
    #expect(table.selectedLead == focused.id)
    #expect(rows(h)[table.selected].id == focused.id)
    #expect(h.frame.text.contains("Table: \(boardOrder(h).count) deals"))
    #expect(h.written.isEmpty)
  }

  @Test(arguments: TableColumn.builtIn.indices)
  func everyColumnSortsBothWays(_ index: Int) throws {
    let column = TableColumn.builtIn[index]
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"), .character(Character("\(index + 1)")))
    let table = try #require(view(h))
    #expect(table.sort == column)
    let first = rows(h)
    h.send(.character(Character("\(index + 1)")))  // again: reversed
    #expect(try #require(view(h)).descending == !table.descending)
    let second = rows(h)
    #expect(Set(first.map(\.id)) == Set(boardOrder(h).map(\.id)))
    // Each order is sorted by the column's key, blanks last either way.
    for (order, descending) in [(first, table.descending), (second, !table.descending)] {
      let keys = order.map { key(column, $0, h) }
      let present = keys.compactMap { $0 }
      #expect(keys.firstIndex(where: { $0 == nil }).map { index in keys[index...].allSatisfy { $0 == nil } } ?? true)
      for (a, b) in zip(present, present.dropFirst()) {
        #expect(descending ? a >= b : a <= b, "\(column) \(descending ? "descending" : "ascending"): \(a) before \(b)")
      }
    }
    #expect(h.written.isEmpty)
  }

  /// What a column sorts by, nil for a blank: folded text, or a number.
  private func key(_ column: TableColumn, _ lead: Lead, _ h: Harness) -> SortKey? {
    func text(_ s: String) -> SortKey? { s.isEmpty ? nil : .text(SearchKey.foldForSearch(s)) }
    switch column.kind {
    case .custom(let field): return lead.custom[field.key].map { .text($0) }
    case .name: return text(lead.name)
    case .company: return text(lead.company)
    case .owner: return text(lead.owner)
    case .stage: return .number(Int64(h.pipeline.stageIndex(forKey: lead.stage)!))
    case .value: return lead.value.map { .number($0.minorUnits) }
    case .score: return .number(Int64(h.pipeline.score(of: lead, now: h.state.now).total))
    case .followUp: return lead.followUp.map { .number($0.due.daysSinceEpoch) }
    case .days: return .number(Int64(lead.daysInStage(now: h.state.now)))
    }
  }

  private enum SortKey: Comparable, CustomStringConvertible {
    case number(Int64)
    case text(String)

    static func < (a: SortKey, b: SortKey) -> Bool {
      switch (a, b) {
      case (.number(let x), .number(let y)): x < y
      case (.text(let x), .text(let y)): Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
      default: false
      }
    }

    var description: String {
      switch self {
      case .number(let x): "\(x)"
      case .text(let x): x
      }
    }
  }

  @Test func arrowsPickTheSortColumnAndRReverses() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"))
    #expect(try #require(view(h)).sort == .stage)
    h.send(.right)
    #expect(try #require(view(h)).sort == .value)
    h.send(.left, .left, .left)
    #expect(try #require(view(h)).sort == .name)
    #expect(try #require(view(h)).descending == false)
    let ascending = rows(h).map(\.id)
    h.send(.character("r"))
    #expect(try #require(view(h)).descending)
    #expect(rows(h).map(\.id) != ascending)
    h.send(.left)  // wraps round to the last column
    #expect(try #require(view(h)).sort == .days)
  }

  @Test func theSelectionStaysOnItsDealWhenSortedAgain() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"), .down, .down)
    let picked = try #require(view(h)?.selectedLead)
    h.send(.character("4"))
    let table = try #require(view(h))
    #expect(table.selectedLead == picked)
    #expect(rows(h)[table.selected].id == picked)
  }

  @Test func enterGoesToTheCardOnTheBoard() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"), .character("4"), .home)
    let picked = try #require(view(h)?.selectedLead)
    h.send(.enter)
    #expect(h.state.mode == .board)
    #expect(h.state.focusedLead == picked)
    #expect(h.written.isEmpty)
  }

  @Test func itShowsWhatTheFilterShows() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("F"))
    h.type("value>50k")
    h.send(.enter, .character("t"))
    let expected = boardOrder(h).filter { ($0.value?.minorUnits ?? 0) > 50_000_00 }
    #expect(!expected.isEmpty)
    #expect(rows(h).map(\.id) == expected.map(\.id))
    #expect(h.frame.text.contains("where value>50k"))
  }

  /// A change from elsewhere reaches the open table: the rows follow it and the selection
  /// stays on its deal.
  @Test func itFollowsChangesMadeElsewhere() throws {
    var h = Harness(width: 160, height: 45)
    h.send(.character("t"), .character("1"), .end)
    let picked = try #require(view(h)?.selectedLead)
    let before = rows(h).count
    try h.pipeline.apply(
      Event(
        id: "x1", time: Timestamp(iso8601: "2026-11-10T10:05:00Z")!, replica: "elsewhere", lead: "aaaa",
        change: .created(NewLead(name: "Aaron Abbott", stage: "lead-generation"))))
    h.handle(.externalChanges(count: 1))
    #expect(rows(h).count == before + 1)
    #expect(rows(h).first?.name == "Aaron Abbott")
    #expect(try #require(view(h)).selectedLead == picked)
  }

  @Test func keysCloseItAndScrollIt() throws {
    var h = Harness()
    h.send(.character("t"), .pageDown, .pageDown, .end)
    let table = try #require(view(h))
    #expect(table.selected == rows(h).count - 1)
    #expect(table.top <= table.selected && table.selected < table.top + TableView.visibleRows(height: 24))
    for key in [TerminalModel.Key.escape, .character("q"), .character("t")] {
      h.send(.character("t"))
      h.send(key)
      #expect(h.state.mode == .board)
    }
    #expect(!h.state.wantsToQuit)
    #expect(h.written.isEmpty)
  }

  /// Values sort as `closer list --sort value` ranks them: the pipeline's currency first,
  /// then each other currency by its code, amounts compared within a currency.
  @Test func valuesSortByCurrencyThenAmount() throws {
    var pipeline = Fixture.pipeline()
    for (index, (lead, value)) in [
      ("ana0", Money(minorUnits: 500_000_00, currency: "EUR")), ("ben0", Money(minorUnits: 1_00, currency: "CHF")),
    ]
    .enumerated() {
      try pipeline.apply(
        Event(id: "v\(index)", time: Harness.now, replica: "t", lead: LeadID(lead), change: .edited([.value(value)])))
    }
    var h = Harness(width: 160, height: 45, pipeline: pipeline)
    h.send(.character("t"), .character("4"))  // largest first
    let currencies = rows(h).map { $0.value?.currency ?? "" }
    #expect(currencies == Array(repeating: "USD", count: 10) + ["CHF", "EUR"])
    #expect(rows(h).first?.name == "Søren Andersen")
    h.send(.character("r"))
    #expect(rows(h).map { $0.value?.currency ?? "" } == currencies)
    #expect(rows(h).first?.name == "Ben Okafor" || rows(h).first?.value?.currency == "USD")
  }

  /// Narrower than 80 columns, the owner and days give way so names stay readable.
  @Test func aNarrowTableKeepsNamesReadable() throws {
    let widths = TableView.widths(for: 70)
    #expect(widths[0] + widths[1] >= 16, "\(widths)")
    #expect(widths.reduce(0, +) + widths.filter { $0 > 0 }.count + 1 <= 70, "\(widths)")
    #expect(TableView.widths(for: 80).allSatisfy { $0 > 0 })
  }

  @Test func goldenScreens() throws {
    var h = Harness()
    h.send(.character("t"), .character("4"))
    try assertSnapshot(h.frame, named: "table-by-value-80x24")
    var wide = Harness(width: 160, height: 45)
    wide.send(.character("F"))
    wide.type("-stage:lead-generation")
    wide.send(.enter, .character("t"), .character("1"), .down)
    try assertSnapshot(wide.frame, named: "table-filtered-by-name-160x45")
    for line in h.frame.lines { #expect(line.displayWidth == 80, "\(line)") }
  }
}
