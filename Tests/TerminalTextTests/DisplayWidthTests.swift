import Testing

@testable import TerminalText

@Suite struct DisplayWidthTests {
  @Test(arguments: [
    ("abc", 3), ("José", 4), ("e\u{301}", 1), ("北京", 4), ("ｆｕｌｌ", 8), ("🚀", 2), ("👨‍👩‍👧", 2),
    ("❤️", 2), ("한국어", 6), ("", 0), ("\u{200B}", 0),
  ])
  func measuresCells(text: String, width: Int) {
    #expect(text.displayWidth == width)
  }

  @Test(arguments: [
    ("Acme Logistics", 8, "Acme Lo…"),
    ("北京北京北京", 5, "北京…"),
    ("北京北京北京", 6, "北京…"),
    ("short", 10, "short"),
    ("🚀🚀🚀", 4, "🚀…"),
    ("Zoe\u{308} Müller", 4, "Zoë…"),
    ("anything", 0, ""),
  ])
  func truncatesAtCharacterBoundariesWithAnEllipsis(text: String, width: Int, expected: String) {
    let cut = text.truncated(toWidth: width)
    #expect(cut == expected)
    #expect(cut.displayWidth <= width)
  }

  @Test func fittedTextIsExactlyAsWideAsAsked() {
    for text in ["北京北京北京", "abc", "🚀x", "e\u{301}e\u{301}"] {
      for width in 1...8 { #expect(text.fitted(toWidth: width).displayWidth == width) }
    }
  }

  @Test func controlCharactersNeverSurvive() {
    let hostile = "\u{1b}]2;owned\u{07}Evil\u{9b}31m\r\u{7f}\u{202e}"
    let safe = printable(hostile)
    #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    #expect(!safe.unicodeScalars.contains { $0.value == 0x202E })
    #expect(safe.contains("Evil"))
    #expect(printableLines("a\nb\u{1b}") == "a\nb␛")
  }
}

/// The one cleaning that imports, `closer add` and the board's forms share.
@Suite struct CleanTextTests {
  @Test(arguments: [
    ("Acme", "Acme"), ("  Acme   Logistics ", "Acme Logistics"), ("\u{1B}[31mRed\u{1B}[0m", "[31mRed [0m"),
    ("a\u{07}\u{07}b", "a b"), ("a\u{9B}b", "a b"), ("a\u{202E}b", "a b"), ("line\r\nbreak", "line break"),
    ("\u{7F}", ""), ("José\u{2066}García", "José García"),
  ])
  func aLineHoldsNoControlCharacters(text: String, clean: String) {
    #expect(cleanLine(text) == clean)
  }

  @Test func aNoteKeepsItsLineBreaksOnly() {
    #expect(cleanNote("  first\r\nsecond\u{1B}[2J\rthird\u{85}\n") == "first\nsecond [2J\nthird")
  }
}
