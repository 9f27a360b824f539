import TerminalModel
import TerminalText

/// A one-line text field: the characters, a cursor between them, and the editing keys
/// (arrows, Home/End, Backspace, Delete, typing anywhere).
public struct TextInput: Sendable, Equatable {
  public private(set) var characters: [Character]
  /// 0 ... characters.count: the cursor sits before `characters[cursor]`.
  public private(set) var cursor: Int

  public init(_ text: String = "") {
    characters = Array(text)
    cursor = characters.count
  }

  public var text: String { String(characters) }

  /// Applies an editing key; false when the key is not an editing key.
  public mutating func handle(_ key: Key) -> Bool {
    switch key {
    case .left: cursor = max(0, cursor - 1)
    case .right: cursor = min(characters.count, cursor + 1)
    case .home, .control("a"): cursor = 0
    case .end, .control("e"): cursor = characters.count
    case .backspace:
      guard cursor > 0 else { return true }
      characters.remove(at: cursor - 1)
      cursor -= 1
    case .delete, .control("d"):
      guard cursor < characters.count else { return true }
      characters.remove(at: cursor)
    case .control("u"):
      // Clears the field, wherever the cursor is (as in search, and as the help says).
      characters.removeAll()
      cursor = 0
    case .character(let c):
      characters.insert(c, at: cursor)
      cursor += 1
    case .paste(let text):
      // One line: line breaks and other controls in what was pasted become spaces.
      let pasted = Array(cleanLine(text))
      characters.insert(contentsOf: pasted, at: cursor)
      cursor += pasted.count
    default:
      return false
    }
    return true
  }

  /// The text as a status-line field of at most `width` cells: scrolled so that the cursor
  /// is visible, with the cursor drawn as `▏` where it is.
  public func field(width: Int) -> String {
    let (shown, x) = visible(width: max(2, width - 1))
    var result = ""
    var used = 0
    var placed = false
    for character in shown {
      if !placed && used >= x {
        result.append("▏")
        placed = true
      }
      result.append(character)
      used += DisplayWidth.of(character)
    }
    if !placed { result.append("▏") }
    return result
  }

  /// What fits in `width` cells, scrolled so that the cursor is visible, and the cursor's
  /// cell within it.
  public func visible(width: Int) -> (text: String, cursorX: Int) {
    guard width > 1 else { return ("", 0) }
    var start = 0
    // Move the window's start until the text up to the cursor fits (one cell for the cursor).
    while start < cursor && String(characters[start..<cursor]).displayWidth > width - 1 { start += 1 }
    var shown = ""
    var used = 0
    for character in characters[start...] {
      let w = DisplayWidth.of(character)
      if used + w > width { break }
      shown.append(character)
      used += w
    }
    return (shown, String(characters[start..<cursor]).displayWidth)
  }
}
