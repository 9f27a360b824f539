import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore
@testable import TerminalText

@Suite struct TextInputTests {
  @Test func editsAnywhereWithTheUsualKeys() {
    var input = TextInput("Acme")
    _ = input.handle(.home)
    for c in "The " { _ = input.handle(.character(c)) }
    #expect(input.text == "The Acme")
    _ = input.handle(.end)
    _ = input.handle(.backspace)
    #expect(input.text == "The Acm")
    _ = input.handle(.home)
    _ = input.handle(.delete)
    _ = input.handle(.right)
    _ = input.handle(.character("X"))
    #expect(input.text == "hXe Acm")
    let handledTab = input.handle(.tab)
    #expect(!handledTab)
  }

  @Test func longAndWideTextScrollsToKeepTheCursorVisible() {
    var input = TextInput("北京贸易有限公司北京贸易有限公司")  // 16 wide characters, 32 cells
    let end = input.visible(width: 10)
    #expect(end.text.displayWidth <= 10)
    #expect(end.cursorX <= 9)
    #expect(end.text.hasSuffix("公司"))
    _ = input.handle(.home)
    let start = input.visible(width: 10)
    #expect(start.cursorX == 0)
    #expect(start.text.hasPrefix("北京"))
    #expect(start.text.displayWidth <= 10)
  }
}

@Suite struct FormTests {
  @Test func addingALeadThroughTheForm() throws {
    var h = Harness()
    h.send(.right, .character("a"))  // Qualifying
    try assertSnapshot(h.frame, named: "form-add-80x24")
    #expect(h.frame.cursor != nil)
    h.type("Dana Whit")
    h.send(.tab)
    h.type("Umbra")
    h.send(.tab)
    h.type("lots")
    h.send(.enter)
    #expect(h.written.isEmpty)  // a bad value is shown, nothing saved
    #expect(h.frame.text.contains("'lots' is not an amount"))
    for _ in 0..<4 { h.send(.backspace) }
    h.type("12.5k")
    h.send(.backTab, .backTab, .end)
    h.type("e")
    h.send(.enter)
    #expect(h.written.count == 1)
    guard case .created(let new) = h.written.first?.change else {
      Issue.record("the form should write one created event")
      return
    }
    #expect(new.name == "Dana White" && new.company == "Umbra" && new.stage == "qualifying")
    #expect(new.value == Money(minorUnits: 1_250_000, currency: "USD"))
    #expect(h.focused?.name == "Dana White")
    // Undo takes it out of the pipeline (the journal keeps both lines).
    h.send(.character("u"))
    #expect(h.pipeline[h.written[0].lead] == nil)
    #expect(h.written.count == 2)
  }

  /// The form reads amounts as `closer add --value` does: nothing finer than a cent, no
  /// commas that do not group thousands.
  @Test(arguments: [
    ("12.3456", "finer than a cent"), ("12.500", "is ambiguous"), ("1,2,3", "does not group thousands"),
  ])
  func aValueThatWouldBeChangedIsRefused(value: String, message: String) {
    var h = Harness()
    h.send(.character("a"))
    h.type("Dana White")
    h.send(.tab, .tab)
    h.type(value)
    h.send(.enter)
    #expect(h.written.isEmpty)
    #expect(h.frame.text.contains(message))
  }

  /// What reaches a field as characters (a paste, say) is stored cleaned, as an import and
  /// `closer add` store it: no bidirectional override, no C1 control, single spaces.
  @Test func typedTextIsStoredCleaned() {
    var h = Harness()
    h.send(.character("a"))
    h.type("  Dana\u{202E} White ")
    h.send(.tab)
    h.type("Um\u{9B}bra\u{2028}")
    h.send(.enter)
    guard case .created(let new) = h.written.first?.change else {
      Issue.record("the form should write one created event")
      return
    }
    #expect(new.name == "Dana White")
    #expect(new.company == "Um bra")
  }

  @Test func anEmptyNameIsRefusedAndEscapeWritesNothing() {
    var h = Harness()
    h.send(.character("a"), .enter)
    #expect(h.frame.text.contains("A lead needs a name"))
    h.send(.escape)
    #expect(h.state.mode == .board)
    #expect(h.written.isEmpty)
  }

  @Test func editingWritesOnlyWhatChangedAndUndoRestoresIt() {
    var h = Harness()
    h.send(.character("e"))
    h.send(.tab)  // company
    h.send(.control("u"))
    for _ in 0..<20 { h.send(.delete) }
    h.type("Acme Global")
    h.send(.enter)
    #expect(h.written.map(\.change) == [.edited([.text(.company, "Acme Global")])])
    #expect(h.pipeline["ana0"]?.company == "Acme Global")
    h.send(.character("u"))
    #expect(h.pipeline["ana0"]?.company == "Acme Logistics")
    h.send(.character("e"), .enter)  // unchanged: nothing written
    #expect(h.written.count == 2)
  }
}

/// The form shows what a typed value will be saved as before it is saved, read by the same
/// reader as `closer add --value`.
@Suite struct FormValueTests {
  @Test func theFormShowsWhatTheValueWillBe() {
    var h = Harness()
    h.send(.character("a"))
    h.type("Nora Berg")
    h.send(.tab, .tab)
    h.type("€12.500,50")
    #expect(h.frame.text.contains("= EUR 12,500.50"))
    h.send(.control("u"))
    h.type("12 apples")
    #expect(h.frame.text.contains("'12 apples' is not an amount"))
    h.send(.control("u"))
    h.type("1,5k")
    #expect(h.frame.text.contains("= USD 1,500"))
    h.send(.enter)
    guard case .created(let new) = h.written.last?.change else {
      Issue.record("the form should add a lead")
      return
    }
    #expect(new.value == Money(minorUnits: 150_000, currency: "USD"))
  }
}
