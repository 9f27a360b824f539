/// Turns what a terminal sends into keys, one whole key at a time.
///
/// Terminals send a key as a character or as an escape sequence, and different terminals
/// (xterm, screen, tmux, rxvt, the Linux console) send different sequences for the same key:
/// Home is `ESC[H`, `ESC[1~`, `ESC[7~` or `ESC O H`. terminfo knows one of them per terminal
/// type, so the decoding is done here, for all of them. A sequence that is not understood is
/// read to its end and dropped: it never arrives as Esc followed by characters that the
/// board would take for keys. Text pasted between `ESC[200~` and `ESC[201~` (bracketed
/// paste) arrives as one `.paste`.
///
/// The input is Unicode scalars (the terminal adapter has decoded UTF-8). After a lone
/// ESC the decoder cannot tell Esc from the start of a sequence: `isWaiting` is then true,
/// the reader waits a moment for more, and calls `flush` when nothing came.
public struct KeyDecoder: Sendable {
  private enum State: Sendable {
    case ground
    /// After ESC.
    case escape
    /// Inside `ESC [` (or the 8-bit CSI): parameters, intermediates, then a final byte.
    case csi([UInt32])
    /// After `ESC O`: an optional modifier digit, then a final byte.
    case ss3([UInt32])
    /// After `ESC [ [` (the Linux console's F1-F5).
    case linuxFunction
    /// Inside a control string (`ESC ]`, `ESC P`, ...) up to BEL or `ESC \`.
    case controlString(sawEscape: Bool)
    /// The three bytes after `ESC [ M` (an X10 mouse report), those read so far.
    case mouse([UInt32])
    /// Inside a bracketed paste.
    case paste
  }

  private var state = State.ground
  private var pasted: [Unicode.Scalar] = []

  /// The most a paste or a sequence may hold; beyond that the rest is dropped.
  static let pasteLimit = 1 << 20
  static let sequenceLimit = 64

  public init() {}

  /// Whether a sequence has begun and not ended, so the reader should look for more input
  /// after a short wait (about 25 ms) before calling `flush`.
  public var isWaiting: Bool {
    if case .ground = state { return false }
    return true
  }

  /// Whether a bracketed paste is under way (the reader waits longer for its end).
  public var isPasting: Bool {
    if case .paste = state { return true }
    return false
  }

  /// Takes the next character the terminal sent; returns the keys it completes.
  public mutating func feed(_ value: UInt32) -> [Key] {
    switch state {
    case .ground:
      return ground(value)
    case .escape:
      state = .ground
      switch value {
      case 0x5B: state = .csi([])  // [
      case 0x4F: state = .ss3([])  // O
      case 0x5D, 0x50, 0x5F, 0x5E, 0x58: state = .controlString(sawEscape: false)  // ] P _ ^ X
      case 0x1B:
        state = .escape
        return [.escape]
      default:
        // Alt and a key: one key, never Esc and then the key.
        return Self.plain(value).map { [.modified($0, .alt)] } ?? []
      }
      return []
    case .csi(var bytes):
      if bytes.isEmpty && value == 0x5B {
        state = .linuxFunction
        return []
      }
      if bytes.isEmpty && value == 0x4D {
        state = .mouse([])
        return []
      }
      // rxvt ends Shift+PgUp and the like with `$`, where others put `~`.
      let rxvtEnd = value == 0x24 && bytes.last.map { $0 >= 0x30 && $0 <= 0x39 } == true && !Self.isPrivate(bytes)
      switch value {
      case 0x20...0x3F where !rxvtEnd:
        // An overlong sequence is still read to its end, and then dropped.
        if bytes.count < Self.sequenceLimit { bytes.append(value) } else { bytes[bytes.count - 1] = Self.overflow }
        state = .csi(bytes)
        return []
      case 0x24:
        state = .ground
        return csi(bytes, final: value)
      case 0x40...0x7E:
        state = .ground
        return csi(bytes, final: value)
      default:
        // Not part of any sequence: the sequence is dropped, the character taken as typed.
        state = .ground
        return ground(value)
      }
    case .ss3(var bytes):
      if value >= 0x30 && value <= 0x3B && bytes.count < 8 {
        bytes.append(value)
        state = .ss3(bytes)
        return []
      }
      state = .ground
      guard value >= 0x40 && value <= 0x7E else { return ground(value) }
      return ss3(bytes, final: value)
    case .linuxFunction:
      state = .ground
      guard (0x41...0x45).contains(value) else { return ground(value) }  // A-E: F1-F5
      return [.function(Int(value) - 0x40)]
    case .controlString(let sawEscape):
      if value == 0x07 || (sawEscape && value == 0x5C) {
        state = .ground
      } else {
        state = .controlString(sawEscape: value == 0x1B)
      }
      return []
    case .mouse(var bytes):
      bytes.append(value)
      guard bytes.count == 3 else {
        state = .mouse(bytes)
        return []
      }
      state = .ground
      // Each is its value plus 32; the cell's numbers start at 1 (and stop at 223).
      let values = bytes.map { Int($0) - 32 }
      guard values.allSatisfy({ $0 >= 0 }) else { return [] }
      return Self.mouse(code: values[0], x: values[1], y: values[2], released: false).map { [.mouse($0)] } ?? []
    case .paste:
      guard let scalar = Unicode.Scalar(value) else { return [] }
      if pasted.count < Self.pasteLimit + 6 { pasted.append(scalar) }
      let end: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]
      guard pasted.count >= end.count, Array(pasted.suffix(end.count)) == end else { return [] }
      pasted.removeLast(end.count)
      return finishPaste()
    }
  }

  /// Nothing more came after a short wait: a lone ESC was the Esc key; a sequence cut short
  /// is dropped whole. A paste goes on (see `endPaste`).
  public mutating func flush() -> [Key] {
    switch state {
    case .ground, .paste: return []
    case .escape:
      state = .ground
      return [.escape]
    case .ss3(let bytes) where bytes.isEmpty:
      // ESC O and nothing more: Alt+O.
      state = .ground
      return [.modified(.character("O"), .alt)]
    case .csi(let bytes) where bytes.isEmpty:
      // ESC [ and nothing more: Alt+[.
      state = .ground
      return [.modified(.character("["), .alt)]
    default:
      state = .ground
      return []
    }
  }

  /// A paste whose end never came (a terminal that cut it off): what arrived, as a paste.
  public mutating func endPaste() -> [Key] {
    guard isPasting else { return [] }
    return finishPaste()
  }

  private mutating func finishPaste() -> [Key] {
    state = .ground
    var text = String.UnicodeScalarView()
    text.append(contentsOf: pasted.prefix(Self.pasteLimit))
    pasted = []
    return [.paste(String(text))]
  }

  private mutating func ground(_ value: UInt32) -> [Key] {
    switch value {
    case 0x1B:
      state = .escape
      return []
    case 0x9B:
      state = .csi([])
      return []
    default:
      return Self.plain(value).map { [$0] } ?? []
    }
  }

  /// A character on its own: printable, or one of the control keys.
  static func plain(_ value: UInt32) -> Key? {
    switch value {
    case 0x0D, 0x0A: return .enter
    case 0x09: return .tab
    case 0x7F, 0x08: return .backspace
    case 0x1B: return .escape
    case 0x01...0x1A: return .control(Character(Unicode.Scalar(value + 0x60)!))
    case 0x00..<0x20, 0x80..<0xA0: return nil
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }

  // MARK: Sequences

  /// Marks a sequence that ran past `sequenceLimit`.
  private static let overflow: UInt32 = 0xFFFF

  /// Private parameters (`<` of a mouse report, `?` of a terminal's answer).
  private static func isPrivate(_ bytes: [UInt32]) -> Bool {
    guard let first = bytes.first else { return false }
    return first >= 0x3C && first <= 0x3F
  }

  /// `ESC [ parameters final`.
  private mutating func csi(_ bytes: [UInt32], final: UInt32) -> [Key] {
    // `ESC [ < code ; x ; y M` (or `m` for a release): an SGR mouse report.
    if bytes.first == 0x3C, final == 0x4D || final == 0x6D, bytes.last != Self.overflow {
      let numbers = String(decoding: bytes.dropFirst().map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
        .split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
      guard numbers.count == 3, let code = numbers[0], let x = numbers[1], let y = numbers[2] else { return [] }
      return Self.mouse(code: code, x: x, y: y, released: final == 0x6D).map { [.mouse($0)] } ?? []
    }
    // Private sequences are no keys, and neither is one too long to be a key.
    if Self.isPrivate(bytes) || bytes.last == Self.overflow { return [] }
    let text = String(decoding: bytes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    let parameters = text.split(separator: ";", omittingEmptySubsequences: false).map {
      Int($0.split(separator: ":").first ?? "")
    }
    let first = parameters.first ?? nil
    let modifiers = Self.modifiers(parameters.count > 1 ? parameters[1] : nil)
    var base: Key?
    switch final {
    case 0x41: base = .up  // A
    case 0x42: base = .down  // B
    case 0x43: base = .right  // C
    case 0x44: base = .left  // D
    case 0x48: base = .home  // H
    case 0x46: base = .end  // F
    case 0x5A: return [.backTab]  // Z
    case 0x50...0x53: base = .function(Int(final) - 0x4F)  // P-S: F1-F4
    case 0x61...0x64:  // rxvt: a-d, Shift and an arrow
      return [Self.combine([.up, .down, .right, .left][Int(final) - 0x61], .shift)]
    case 0x7E, 0x24, 0x5E, 0x40:  // ~, and rxvt's $ (Shift), ^ (Ctrl), @ (Ctrl+Shift)
      if first == 200 {
        state = .paste
        pasted = []
        return []
      }
      if first == 27, parameters.count >= 3, let code = parameters[2], let key = Self.plain(UInt32(code)) {
        return [Self.combine(key, Self.modifiers(parameters[1]))]  // xterm's modifyOtherKeys
      }
      guard let first, let key = Self.tilde(first) else { return [] }
      var extra: Key.Modifiers = []
      if final == 0x24 { extra = .shift }
      if final == 0x5E { extra = .control }
      if final == 0x40 { extra = [.control, .shift] }
      return [Self.combine(key, modifiers.union(extra))]
    case 0x75:  // u: CSI code ; modifiers u (fixterms, kitty)
      guard let first, let key = Self.plain(UInt32(first)) else { return [] }
      return [Self.combine(key, modifiers)]
    default:
      return []  // I, O (focus), and anything else: no key
    }
    guard let base else { return [] }
    return [Self.combine(base, modifiers)]
  }

  /// A mouse report's button code and cell (1-based): the low two bits are the button (3: a
  /// release, in the old encoding), 4 Shift, 8 Alt, 16 Ctrl, 32 motion, 64 the wheel.
  static func mouse(code: Int, x: Int, y: Int, released: Bool) -> Mouse? {
    guard x >= 1, y >= 1, code >= 0, code < 256 else { return nil }
    var modifiers: Key.Modifiers = []
    if code & 4 != 0 { modifiers.insert(.shift) }
    if code & 8 != 0 { modifiers.insert(.alt) }
    if code & 16 != 0 { modifiers.insert(.control) }
    let button = code & 3
    let action: Mouse.Action
    if code & 64 != 0 {
      // 64 up, 65 down; 66 and 67 (sideways) are not used.
      guard button < 2, !released else { return nil }
      action = button == 0 ? .wheelUp : .wheelDown
    } else if released || button == 3 {
      // Motion with no button held (any-event tracking) is not asked for; drop it.
      if code & 32 != 0 { return nil }
      action = .release
    } else {
      action = code & 32 != 0 ? .drag : .press
    }
    let pressed = action == .press || action == .drag
    return Mouse(action, button: pressed ? button : 0, x: x - 1, y: y - 1, modifiers: modifiers)
  }

  /// `ESC O final`, with a modifier digit some terminals put before the final byte.
  private func ss3(_ bytes: [UInt32], final: UInt32) -> [Key] {
    let digits = String(decoding: bytes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
    let modifiers = Self.modifiers(Int(digits.split(separator: ";").last ?? ""))
    switch final {
    case 0x41: return [Self.combine(.up, modifiers)]
    case 0x42: return [Self.combine(.down, modifiers)]
    case 0x43: return [Self.combine(.right, modifiers)]
    case 0x44: return [Self.combine(.left, modifiers)]
    case 0x48: return [Self.combine(.home, modifiers)]
    case 0x46: return [Self.combine(.end, modifiers)]
    case 0x50...0x53: return [Self.combine(.function(Int(final) - 0x4F), modifiers)]
    case 0x4D: return [.enter]  // the keypad's Enter
    case 0x61...0x64:  // rxvt: Ctrl and an arrow
      return [Self.combine([.up, .down, .right, .left][Int(final) - 0x61], .control)]
    default: return []
    }
  }

  /// The key of `ESC [ n ~`.
  private static func tilde(_ number: Int) -> Key? {
    switch number {
    case 1, 7: .home
    case 2: .insert
    case 3: .delete
    case 4, 8: .end
    case 5: .pageUp
    case 6: .pageDown
    case 11...15: .function(number - 10)
    case 17...21: .function(number - 11)
    case 23...26: .function(number - 12)
    case 28, 29: .function(number - 13)
    case 31...34: .function(number - 14)
    default: nil
    }
  }

  /// xterm's modifier parameter: 1 + a bit for each of Shift, Alt, Ctrl (and Meta, taken as
  /// Alt).
  private static func modifiers(_ parameter: Int??) -> Key.Modifiers {
    guard let parameter, let value = parameter, value > 1, value < 256 else { return [] }
    let bits = value - 1
    var modifiers: Key.Modifiers = []
    if bits & 1 != 0 { modifiers.insert(.shift) }
    if bits & 2 != 0 || bits & 8 != 0 { modifiers.insert(.alt) }
    if bits & 4 != 0 { modifiers.insert(.control) }
    return modifiers
  }

  /// A key with modifiers: Shift and an arrow, and Shift+Tab, are keys of their own.
  static func combine(_ key: Key, _ modifiers: Key.Modifiers) -> Key {
    guard !modifiers.isEmpty else { return key }
    if modifiers == .shift {
      switch key {
      case .up: return .shiftUp
      case .down: return .shiftDown
      case .left: return .shiftLeft
      case .right: return .shiftRight
      case .tab: return .backTab
      default: break
      }
    }
    return .modified(key, modifiers)
  }
}
