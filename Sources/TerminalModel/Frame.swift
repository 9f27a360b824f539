import TerminalText

/// What a cell means on screen. Themes map roles to colours; without colour, the
/// attributes (bold, reverse, underline, dim) and the text markers still carry the meaning.
public enum Role: String, Hashable, Sendable, CaseIterable {
  case normal, title, header, headerFocused, card, cardFocused, lifted, landing, match, dimmed
  case tierA, tierB, tierC, overdue, stalled, detail, detailLabel, status, statusMode, statusKey
  case message, error, help, border, marker
}

/// How a cell is drawn: its role plus the attributes that keep meaning without colour.
public struct Style: Hashable, Sendable {
  public var role: Role
  public var bold: Bool
  public var reverse: Bool
  public var underline: Bool
  public var dim: Bool

  public init(_ role: Role, bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
    self.role = role
    self.bold = bold
    self.reverse = reverse
    self.underline = underline
    self.dim = dim
  }

  public static let normal = Style(.normal)
}

/// One terminal cell. A wide character fills its first cell; the next cell holds
/// `continuation` so that nothing is ever drawn over its right half.
public struct Cell: Hashable, Sendable {
  public var text: String
  public var style: Style

  public init(_ text: String, _ style: Style) {
    self.text = text
    self.style = style
  }

  public static let blank = Cell(" ", .normal)
  /// The right half of a wide character.
  public static let continuation = Cell("", .normal)

  public var isContinuation: Bool { text.isEmpty }
}

/// A screen's worth of cells, drawn by the view-model and copied to the terminal by the
/// adapter. Tests read it as text.
public struct Frame: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]
  /// Where the terminal cursor should be shown (in a text field), if anywhere.
  public var cursor: (x: Int, y: Int)? {
    get { cursorX.map { ($0, cursorY) } }
    set {
      cursorX = newValue?.x
      cursorY = newValue?.y ?? 0
    }
  }
  private var cursorX: Int?
  private var cursorY = 0

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: .blank, count: self.width * self.height)
  }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set {
      guard x >= 0, y >= 0, x < width, y < height else { return }
      let index = y * width + x
      // Never leave half of a wide character behind: overwriting either half blanks the other.
      if cells[index].isContinuation && !newValue.isContinuation && x > 0 {
        cells[index - 1] = Cell(" ", cells[index - 1].style)
      }
      if x + 1 < width && cells[index + 1].isContinuation && !cells[index].isContinuation {
        cells[index + 1] = Cell(" ", cells[index + 1].style)
      }
      cells[index] = newValue
    }
  }

  /// Writes `text` at (x, y) within `limit` cells (to the frame's edge by default), cut with
  /// an ellipsis at a character boundary. Returns the number of cells written. Control
  /// characters in `text` are shown as visible symbols, never sent to the terminal.
  @discardableResult
  public mutating func text(_ text: String, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
    guard y >= 0, y < height, x < width else { return 0 }
    let room = min(limit ?? (width - x), width - x)
    guard room > 0 else { return 0 }
    let safe = printable(text).truncated(toWidth: room)
    var column = x
    for character in safe {
      let w = DisplayWidth.of(character)
      if w == 0 {
        // A lone combining mark or zero-width character: attach it to the previous cell.
        if column > x, column - 1 < width {
          var previous = self[column - 1, y]
          if !previous.isContinuation { previous.text.append(character) }
          self[column - 1, y] = previous
        }
        continue
      }
      if column + w > x + room { break }
      if column >= 0 {
        self[column, y] = Cell(String(character), style)
        if w == 2 { self[column + 1, y] = Cell("", style) }
      }
      column += w
    }
    return column - x
  }

  /// Fills a rectangle with blanks of `style`.
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: Style) {
    for row in max(0, y)..<min(height, y + h) {
      for column in max(0, x)..<min(width, x + w) { self[column, row] = Cell(" ", style) }
    }
  }

  /// Sets the style of cells in a row span without changing their text.
  public mutating func restyle(x: Int, y: Int, width w: Int, _ change: (inout Style) -> Void) {
    guard y >= 0, y < height else { return }
    for column in max(0, x)..<min(width, x + w) {
      var cell = self[column, y]
      change(&cell.style)
      self[column, y] = cell
    }
  }

  /// The frame as lines of text (wide characters once, trailing spaces kept).
  public var lines: [String] {
    (0..<height).map { y in
      var line = ""
      for x in 0..<width where !self[x, y].isContinuation { line += self[x, y].text }
      return line
    }
  }

  /// The frame as one string, trailing spaces trimmed from each line: the golden-file form.
  public var text: String {
    lines.map { line in
      var trimmed = line
      while trimmed.last == " " { trimmed.removeLast() }
      return trimmed
    }.joined(separator: "\n")
  }

  public static func == (lhs: Frame, rhs: Frame) -> Bool {
    lhs.width == rhs.width && lhs.height == rhs.height && lhs.cells == rhs.cells
      && lhs.cursorX == rhs.cursorX && lhs.cursorY == rhs.cursorY
  }
}

extension Frame: CustomStringConvertible {
  /// The frame's text, so that a failing test shows the screen rather than its cells.
  public var description: String { "Frame \(width)x\(height):\n" + text }
}
