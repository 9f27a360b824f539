import TerminalModel
import Testing

@testable import Board

/// What terminals send, and the one key each sequence is.
@Suite struct KeyDecoderTests {
  /// Runs bytes through a decoder, flushing at the end as the reader does after its wait.
  static func keys(_ text: String) -> [Key] {
    var decoder = KeyDecoder()
    var keys: [Key] = []
    for scalar in text.unicodeScalars { keys += decoder.feed(scalar.value) }
    return keys + decoder.flush()
  }

  static let table: [(String, String, [Key])] = [
    // Home and End in every encoding: xterm, xterm's application mode, tmux and screen and
    // the Linux console, rxvt.
    ("xterm Home", "\u{1B}[H", [.home]),
    ("xterm End", "\u{1B}[F", [.end]),
    ("application Home", "\u{1B}OH", [.home]),
    ("application End", "\u{1B}OF", [.end]),
    ("tmux/screen/linux Home", "\u{1B}[1~", [.home]),
    ("tmux/screen/linux End", "\u{1B}[4~", [.end]),
    ("rxvt Home", "\u{1B}[7~", [.home]),
    ("rxvt End", "\u{1B}[8~", [.end]),
    ("Insert", "\u{1B}[2~", [.insert]),
    ("Delete", "\u{1B}[3~", [.delete]),
    ("PgUp", "\u{1B}[5~", [.pageUp]),
    ("PgDn", "\u{1B}[6~", [.pageDown]),
    // Arrows, plain and in application mode, and with modifiers.
    ("Up", "\u{1B}[A", [.up]),
    ("application Down", "\u{1B}OB", [.down]),
    ("Shift+Right", "\u{1B}[1;2C", [.shiftRight]),
    ("Shift+Left", "\u{1B}[1;2D", [.shiftLeft]),
    ("rxvt Shift+Up", "\u{1B}[a", [.shiftUp]),
    ("Ctrl+Right", "\u{1B}[1;5C", [.modified(.right, .control)]),
    ("Alt+Up", "\u{1B}[1;3A", [.modified(.up, .alt)]),
    ("Ctrl+Shift+Left", "\u{1B}[1;6D", [.modified(.left, [.control, .shift])]),
    ("rxvt Ctrl+Up", "\u{1B}Oa", [.modified(.up, .control)]),
    ("Ctrl+Home", "\u{1B}[1;5H", [.modified(.home, .control)]),
    ("Shift+End", "\u{1B}[1;2F", [.modified(.end, .shift)]),
    ("Ctrl+PgDn", "\u{1B}[6;5~", [.modified(.pageDown, .control)]),
    ("rxvt Shift+PgUp", "\u{1B}[5$", [.modified(.pageUp, .shift)]),
    ("rxvt Ctrl+Home", "\u{1B}[7^", [.modified(.home, .control)]),
    ("Shift+Tab", "\u{1B}[Z", [.backTab]),
    // Function keys: xterm, vt220/rxvt, the Linux console, with modifiers.
    ("F1", "\u{1B}OP", [.function(1)]),
    ("F4", "\u{1B}OS", [.function(4)]),
    ("vt220 F1", "\u{1B}[11~", [.function(1)]),
    ("F5", "\u{1B}[15~", [.function(5)]),
    ("F6", "\u{1B}[17~", [.function(6)]),
    ("F10", "\u{1B}[21~", [.function(10)]),
    ("F11", "\u{1B}[23~", [.function(11)]),
    ("F12", "\u{1B}[24~", [.function(12)]),
    ("linux F1", "\u{1B}[[A", [.function(1)]),
    ("linux F5", "\u{1B}[[E", [.function(5)]),
    ("Shift+F1", "\u{1B}[1;2P", [.modified(.function(1), .shift)]),
    ("Ctrl+F5", "\u{1B}[15;5~", [.modified(.function(5), .control)]),
    // Alt and a key is one key.
    ("Alt+x", "\u{1B}x", [.modified(.character("x"), .alt)]),
    ("Alt+1", "\u{1B}1", [.modified(.character("1"), .alt)]),
    ("Alt+Enter", "\u{1B}\r", [.modified(.enter, .alt)]),
    ("Alt+O alone", "\u{1B}O", [.modified(.character("O"), .alt)]),
    ("Alt+[ alone", "\u{1B}[", [.modified(.character("["), .alt)]),
    ("modifyOtherKeys Ctrl+Enter", "\u{1B}[27;5;13~", [.modified(.enter, .control)]),
    ("CSI u Alt+a", "\u{1B}[97;3u", [.modified(.character("a"), .alt)]),
    // Esc, alone and twice.
    ("Esc", "\u{1B}", [.escape]),
    ("Esc Esc", "\u{1B}\u{1B}", [.escape, .escape]),
    // Characters and control keys.
    ("letters", "ab", [.character("a"), .character("b")]),
    ("wide", "北é", [.character("北"), .character("é")]),
    ("Enter", "\r", [.enter]),
    ("Tab", "\t", [.tab]),
    ("Backspace", "\u{7F}", [.backspace]),
    ("Ctrl-R", "\u{12}", [.control("r")]),
    // What is no key is swallowed whole: unknown sequences, mouse reports, focus events,
    // a terminal's answers, control strings.
    ("unknown CSI", "\u{1B}[99;99~", []),
    ("unknown final", "\u{1B}[1;5y", []),
    ("focus in", "\u{1B}[I", []),
    ("focus out", "\u{1B}[O", []),
    // Mouse reports (SGR, asked for by the board; X10 from terminals that know no other):
    // cells from 0, whatever the report's own numbering.
    ("SGR press", "\u{1B}[<0;12;7M", [.mouse(Mouse(.press, x: 11, y: 6))]),
    ("SGR release", "\u{1B}[<0;12;7m", [.mouse(Mouse(.release, x: 11, y: 6))]),
    ("SGR drag", "\u{1B}[<32;40;9M", [.mouse(Mouse(.drag, x: 39, y: 8))]),
    ("SGR right press", "\u{1B}[<2;1;1M", [.mouse(Mouse(.press, button: 2, x: 0, y: 0))]),
    ("SGR wheel up", "\u{1B}[<64;5;5M", [.mouse(Mouse(.wheelUp, x: 4, y: 4))]),
    ("SGR wheel down", "\u{1B}[<65;5;5M", [.mouse(Mouse(.wheelDown, x: 4, y: 4))]),
    ("SGR Ctrl+press", "\u{1B}[<16;3;4M", [.mouse(Mouse(.press, x: 2, y: 3, modifiers: .control))]),
    ("SGR wide screen", "\u{1B}[<0;300;80M", [.mouse(Mouse(.press, x: 299, y: 79))]),
    ("SGR motion, no button", "\u{1B}[<35;5;5M", []),
    ("SGR sideways wheel", "\u{1B}[<66;5;5M", []),
    ("SGR damaged", "\u{1B}[<0;;5M", []),
    ("SGR too many numbers", "\u{1B}[<0;1;2;3M", []),
    ("SGR cell 0", "\u{1B}[<0;0;5M", []),
    ("SGR then a key", "\u{1B}[<0;2;2Mq", [.mouse(Mouse(.press, x: 1, y: 1)), .character("q")]),
    ("X10 press", "\u{1B}[M !!", [.mouse(Mouse(.press, x: 0, y: 0))]),
    ("X10 release", "\u{1B}[M#+%", [.mouse(Mouse(.release, x: 10, y: 4))]),
    ("X10 wheel", "\u{1B}[Ma!!", [.mouse(Mouse(.wheelDown, x: 0, y: 0))]),
    ("answer", "\u{1B}[?62;c", []),
    ("OSC", "\u{1B}]0;title\u{07}", []),
    ("DCS", "\u{1B}P1$r0m\u{1B}\\", []),
    ("cut short", "\u{1B}[1;", []),
    ("unknown SS3", "\u{1B}Oz", []),
    ("overlong", "\u{1B}[" + String(repeating: "1;", count: 100) + "5~", []),
    ("8-bit CSI Home", "\u{9B}1~", [.home]),
    // A sequence cut off by a character that cannot be part of it: dropped, the
    // character taken as typed.
    ("cut by Enter", "\u{1B}[1\r", [.enter]),
    // Pastes.
    ("paste", "\u{1B}[200~1234 wxyz\u{1B}[201~", [.paste("1234 wxyz")]),
    ("paste of lines", "\u{1B}[200~Ana\nBen\u{1B}[201~", [.paste("Ana\nBen")]),
    ("paste with an escape", "\u{1B}[200~a\u{1B}[31mb\u{1B}[201~", [.paste("a\u{1B}[31mb")]),
    ("keys around a paste", "x\u{1B}[200~y\u{1B}[201~z", [.character("x"), .paste("y"), .character("z")]),
    ("a sequence then a key", "\u{1B}[4~q", [.end, .character("q")]),
  ]

  @Test(arguments: table)
  func decodes(_ name: String, _ sent: String, _ expected: [Key]) {
    #expect(Self.keys(sent) == expected, "\(name)")
  }

  /// After a lone ESC the decoder waits for more; a sequence is never delivered in part.
  @Test func waitsAfterEscapeAndNeverDeliversHalfASequence() {
    var decoder = KeyDecoder()
    #expect(decoder.feed(0x1B).isEmpty)
    #expect(decoder.isWaiting)
    #expect(decoder.feed(UInt32(UInt8(ascii: "["))).isEmpty)
    #expect(decoder.feed(UInt32(UInt8(ascii: "4"))).isEmpty)
    #expect(decoder.isWaiting)
    #expect(decoder.feed(UInt32(UInt8(ascii: "~"))) == [.end])
    #expect(!decoder.isWaiting)
    // Cut short and flushed: nothing at all, not Esc and characters.
    #expect(decoder.feed(0x1B).isEmpty)
    #expect(decoder.feed(UInt32(UInt8(ascii: "["))).isEmpty)
    #expect(decoder.feed(UInt32(UInt8(ascii: "1"))).isEmpty)
    #expect(decoder.flush().isEmpty)
    #expect(!decoder.isWaiting)
  }

  /// A paste goes on across waits; one whose end never comes is delivered by `endPaste`.
  @Test func aPasteIsOneKeyHoweverSlowlyItArrives() {
    var decoder = KeyDecoder()
    for scalar in "\u{1B}[200~Hello".unicodeScalars { #expect(decoder.feed(scalar.value).isEmpty) }
    #expect(decoder.flush().isEmpty)
    #expect(decoder.isPasting)
    for scalar in ", world".unicodeScalars { #expect(decoder.feed(scalar.value).isEmpty) }
    #expect(decoder.endPaste() == [.paste("Hello, world")])
    #expect(!decoder.isWaiting)
  }

  /// Whole keys, unknown sequences and pastes from the table, strung together at random:
  /// what comes out is exactly the keys that went in, so no sequence is ever split into
  /// keys of its own, and nothing swallowed takes a key with it.
  @Test func keysStrungTogetherComeOutExactly() {
    // Entries whose meaning depends on what follows or on a pause are left out.
    let timed: Set<String> = ["Esc", "Esc Esc", "Alt+O alone", "Alt+[ alone", "cut short", "cut by Enter"]
    let pieces = Self.table.filter { !timed.contains($0.0) }
    var random = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      var decoder = KeyDecoder()
      var expected: [Key] = []
      var keys: [Key] = []
      for _ in 0..<Int.random(in: 1...10, using: &random) {
        let piece = pieces.randomElement(using: &random)!
        expected += piece.2
        for scalar in piece.1.unicodeScalars { keys += decoder.feed(scalar.value) }
      }
      keys += decoder.flush()
      #expect(keys == expected)
    }
  }
}
