import TerminalModel
import Testing

@testable import Board
@testable import PipelineCore

/// Random keys, as a rep, a cat on the keyboard or a confused terminal sends them: every
/// line the board writes comes from a key that writes, in the mode the rep was in.
@Suite struct RandomKeysTests {
  /// Whether `key` is bound, in `mode`, to something that writes (the mode's key bindings,
  /// which the help overlay lists).
  static func writes(_ key: Key, in mode: BoardState.Mode) -> Bool {
    KeyBindings.of(mode).first { $0.matches(key) }?.writes == true
  }

  static let keys: [Key] =
    [
      .up, .down, .left, .right, .shiftUp, .shiftDown, .shiftLeft, .shiftRight, .enter, .tab, .backTab, .escape,
      .backspace, .delete, .home, .end, .pageUp, .pageDown, .insert, .function(1), .function(5), .function(12),
      .control("r"), .control("u"), .control("c"), .paste("1234 wxyz"), .paste("Ana\nBen"),
      .modified(.character("x"), .alt), .modified(.up, .control), .modified(.home, .shift),
      .character(" "), .character("/"), .character("?"), .character("n"), .character("N"), .character("A"),
      .character("i"), .character("a"), .character("e"), .character("f"), .character("c"), .character("x"),
      .character("y"), .character("d"), .character("z"), .character("é"), .character("0"), .character("q"),
    ] + "123456789HLKJwuhjkl".map { .character($0) }

  @Test func everyLineWrittenComesFromAKeyThatWrites() {
    var random = SplitMix64(seed: 20_261_129)
    var written = 0
    for _ in 0..<10_000 {
      var h = Harness()
      for _ in 0..<8 {
        let key = Self.keys[Int(random.next() % UInt64(Self.keys.count))]
        if key == .control("c") { continue }  // quits: the sequence would end there
        let mode = h.state.mode
        let before = h.written.count
        h.send(key)
        if h.written.count > before {
          written += h.written.count - before
          #expect(Self.writes(key, in: mode), "\(key) wrote \(h.written.last!.change) in \(mode)")
        }
        if h.state.wantsToQuit { break }
      }
    }
    #expect(written > 1_000)  // the keys that write did write
  }
}

/// A seedable generator, so that a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The key bindings are the one account of the keys: the help overlay lists them, and a key
/// they do not bind does nothing at all.
@Suite struct KeyBindingTests {
  /// The help overlay is drawn from the mode's table: every listed binding is on it.
  @Test func theHelpOverlayShowsEveryBindingOfTheMode() {
    for mode in [BoardState.Mode.board, .detail(item: 0), .agenda(selected: 0)] {
      var h = Harness(width: 120, height: 40)
      h.state.mode = .help(over: mode)
      let screen = h.frame.lines.joined(separator: "\n")
      for binding in KeyBindings.of(mode) where binding.listed {
        #expect(screen.contains(binding.keys) && screen.contains(binding.help), "\(mode): \(binding.keys)")
      }
    }
  }

  /// The help says the rules that hold everywhere; at 80x24 they are below the keys, and
  /// PgDn brings them into view; any other key closes the help and does nothing else.
  @Test func theHelpStatesTheRulesAndScrollsToThem() {
    var h = Harness()
    h.send(.character("?"))
    #expect(!h.frame.text.contains("Rules everywhere"))
    #expect(h.frame.text.contains("more · any other key closes"))
    h.send(.pageDown, .pageDown)
    #expect(h.frame.text.contains("Rules everywhere"))
    #expect(h.frame.text.contains("Esc closes whatever is open"))
    h.send(.character("w"))
    #expect(h.state.mode == .board)
    #expect(h.written.isEmpty)
  }

  /// The status line's hints are the hints of the mode's bindings, so a key it names is a
  /// key the mode takes.
  @Test func theStatusLineHintsAtBindingsOfTheMode() {
    var h = Harness(width: 120, height: 30)
    let modes: [(BoardState.Mode, [Key])] = [
      (.board, []), (.board, [.character(" ")]), (.board, [.character("/")]), (.board, [.enter]),
      (.board, [.character("A")]), (.board, [.character("i")]), (.board, [.character("a")]),
    ]
    for (_, keys) in modes {
      h = Harness(width: 120, height: 30)
      for key in keys { h.send(key) }
      let status = h.frame.lines.last ?? ""
      let hints = KeyBindings.of(h.state.mode).compactMap(\.hint)
      #expect(!hints.isEmpty, "\(h.state.mode)")
      for hint in hints { #expect(status.contains(hint), "\(h.state.mode): \(hint) in \(status)") }
    }
  }

  /// A read-only journal refuses every binding that writes, in one place, and says why.
  @Test func aReadOnlyJournalRefusesEveryWritingBinding() {
    for key in [Key.character("1"), .character("w"), .character("x"), .shiftRight, .character("a"), .character("u")] {
      var h = Harness()
      h.state.readOnlyReason = "opened for reading only"
      h.send(key)
      #expect(h.written.isEmpty, "\(key)")
      #expect(h.state.message?.text.hasPrefix("Read-only") == true, "\(key)")
      #expect(h.state.mode == .board)
    }
  }

  /// Keys bound nowhere in a mode do nothing there.
  @Test func unboundKeysDoNothing() {
    var h = Harness()
    let frame = h.frame
    for key in [Key.function(5), .insert, .modified(.character("w"), .alt), .paste("1234"), .character("z")] {
      h.send(key)
    }
    #expect(h.written.isEmpty)
    #expect(h.frame == frame)
  }
}
