import Testing

@testable import TerminalText

@Suite struct WrappingTests {
  @Test(arguments: [
    ("the journal was replaced", 12, ["the journal", "was replaced"]),
    ("kept in /tmp/a/journal.jsonl.replaced-1 ok", 16, ["kept in", "/tmp/a/journal.j", "sonl.replaced-1", "ok"]),
    ("short", 10, ["short"]),
    ("  spaces   between  ", 20, ["spaces between"]),
    ("北京北京 北京", 5, ["北京", "北京", "北京"]),
    ("", 10, []),
  ])
  func breaksAtSpacesAndInsideOnlyTooLongWords(text: String, width: Int, lines: [String]) {
    let wrapped = text.wrapped(toWidth: width)
    #expect(wrapped == lines)
    for line in wrapped { #expect(line.displayWidth <= width, "\(line)") }
  }

  @Test func whatDoesNotFitEndsInAnEllipsis() {
    let lines = "one two three four five six".wrapped(toWidth: 9, maxLines: 2)
    #expect(lines == ["one two", "three fo…"])
    #expect("one two".wrapped(toWidth: 9, maxLines: 1) == ["one two"])
    #expect("anything".wrapped(toWidth: 0).isEmpty)
  }

  @Test func theFirstLineCanBeNarrower() {
    #expect("one two three four".wrapped(toWidth: 10, firstWidth: 4) == ["one", "two three", "four"])
    #expect("one two three".wrapped(toWidth: 10, firstWidth: 4, maxLines: 1) == ["one…"])
  }

  @Test func everyCharacterIsKeptWhenThereIsRoom() {
    let text = "Zoë Müller 🚀 at Zenith Labs, /a/very/long/path/without/any/spaces/in/it/at/all"
    for width in 2...30 {
      let lines = text.wrapped(toWidth: width)
      #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " }, "width \(width)")
      for line in lines { #expect(line.displayWidth <= width, "width \(width): \(line)") }
    }
  }
}
