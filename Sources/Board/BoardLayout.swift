import TerminalModel

/// Where everything goes on a screen of a given size. Pure arithmetic, shared by `update`
/// (to keep the focus visible) and `render`.
struct BoardLayout {
  static let minimumWidth = 50
  static let minimumHeight = 14
  /// From this width on, the detail pane sits beside the board.
  static let sidePaneWidth = 120
  static let minimumColumnWidth = 24
  static let cardHeight = 4  // three lines of text and a gap
  static let headerHeight = 3

  let width: Int
  let height: Int
  let stageCount: Int

  var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
  var hasSidePane: Bool { width >= Self.sidePaneWidth }
  var paneWidth: Int { hasSidePane ? max(40, width * 3 / 10) : 0 }
  /// The board's area: below the title bar, above the status line, left of the pane.
  var boardWidth: Int { width - paneWidth }
  var boardTop: Int { 1 }
  var boardHeight: Int { height - 2 }
  /// One cell on each side for the "more columns" markers.
  var gutter: Int { 1 }
  var visibleColumns: Int {
    max(1, min(stageCount, (boardWidth - 2 * gutter) / Self.minimumColumnWidth))
  }
  var columnWidth: Int { (boardWidth - 2 * gutter) / visibleColumns }
  /// Rows for cards in a column, after its header.
  var cardAreaTop: Int { boardTop + Self.headerHeight }
  var cardAreaHeight: Int { boardHeight - Self.headerHeight }
  /// Cards that fit, keeping one line for the "N more" marker above them; the one below
  /// goes on the last card's gap line when there is no line after it.
  var visibleCards: Int { max(1, (cardAreaHeight - 1) / Self.cardHeight) }

  func columnX(_ visibleIndex: Int) -> Int { gutter + visibleIndex * columnWidth }
}
