import PipelineCore
import TerminalModel
import TerminalText

/// Whose deals the board shows, asked in the status line: a name typed (or one of the
/// names in use by its number), `me`, `none` for the deals nobody owns, or nothing for
/// everyone's. It writes nothing, so it works on a read-only journal too.
public struct OwnerView: Sendable, Equatable {
  /// The names in use, most deals first.
  public var options: [String]
  /// The answer being typed, with its cursor.
  public var input = TextInput()
  /// What was wrong with the last answer, shown until the next key.
  public var problem: String?

  public var text: String { input.text }

  /// The owners of the deals in `pipeline`: most open deals first, then most deals (a name
  /// whose deals are all closed comes last).
  static func owners(in pipeline: Pipeline) -> [String] {
    var deals: [String: (open: Int, all: Int)] = [:]
    pipeline.forEachOwner { owner, status in
      guard !owner.isEmpty else { return }
      deals[owner, default: (0, 0)].all += 1
      if status == .open { deals[owner, default: (0, 0)].open += 1 }
    }
    return deals.sorted { ($1.value.open, $1.value.all, $0.key) < ($0.value.open, $0.value.all, $1.key) }.map(\.key)
  }
}

extension OwnerView: ModeComponent {
  static let bindings: [KeyBinding] = [
    KeyBinding(
      "type", "a name, a listed one's number, me, or none; ←/→ Home End move, Backspace Delete erase, Ctrl-U clears"
    ) { $0.isTyping },
    KeyBinding("Enter", "show those deals (empty: everyone's)", hint: "Enter show", [.enter]),
    KeyBinding("Esc", "cancel", hint: "Esc cancel", [.escape]),
  ]

  var name: String { "SHOW" }

  func update(_ key: Key, board: inout BoardState, pipeline: Pipeline) -> [Effect] {
    var view = self
    view.problem = nil
    switch key {
    case .escape:
      board.mode = .board
      return []
    case .enter:
      return view.answer(&board, pipeline)
    default:
      guard view.input.handle(key) else { return [] }
    }
    board.mode = .ownerView(view)
    return []
  }

  /// Shows the deals asked for, or says what is wrong with the answer.
  private func answer(_ board: inout BoardState, _ pipeline: Pipeline) -> [Effect] {
    var view = self
    let typed = cleanLine(text)
    let folded = SearchKey.fold(typed)
    var owner: String?
    if typed.isEmpty {
      owner = nil
    } else if let number = Int(typed), typed.allSatisfy(\.isASCII) {
      guard options.indices.contains(number - 1) else {
        view.problem = "there is no name \(number); pick 1-\(min(9, options.count)), or type one"
        board.mode = .ownerView(view)
        return []
      }
      owner = options[number - 1]
    } else if folded == "me" || folded == "mine" {
      guard let me = board.me, !me.isEmpty else {
        view.problem = "Closer does not know your name: set CLOSER_OWNER, or type it"
        board.mode = .ownerView(view)
        return []
      }
      owner = options.first { SearchKey.fold($0) == SearchKey.fold(me) } ?? me
    } else if folded == "none" || folded == "nobody" || typed == "-" {
      owner = ""
    } else if let known = options.first(where: { SearchKey.fold($0) == folded }) {
      owner = known
    } else {
      view.problem = "nobody called '\(typed)' owns a deal; pick 1-\(min(9, options.count)), me, or none"
      board.mode = .ownerView(view)
      return []
    }
    board.mode = .board
    board.showOwner(owner, pipeline)
    let shown = board.summaries.columns.reduce(0) { $0 + $1.count }
    switch owner {
    case nil: board.message = StatusMessage("Showing everyone's deals")
    case ""?: board.message = StatusMessage("Showing the \(shown) deal\(shown == 1 ? "" : "s") nobody owns")
    case let name?: board.message = StatusMessage("Showing \(name)'s \(shown) deal\(shown == 1 ? "" : "s")")
    }
    return []
  }

  func status(board: BoardState, pipeline: Pipeline) -> StatusLine {
    let asked = "Show whose deals?"
    let question = "\(asked) \(input.field(width: Prompt.fieldWidth(board: board, name: name, question: asked)))"
    if let problem { return .error("\(question) \(problem)", wraps: true) }
    let listed = options.prefix(9).enumerated().map { "\($0.offset + 1) \($0.element)" }
    let more = ["me", "none", "empty: everyone's"]
    return .bold("\(question) · \((listed + more).joined(separator: " · ")) · \(Self.hints)")
  }
}
