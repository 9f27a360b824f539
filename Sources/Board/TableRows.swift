import PipelineCore
import TerminalText

/// A column of the table view: one of the lead's own, or a custom field from the config.
public struct TableColumn: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    case name, company, stage, value, score, followUp, owner, days
    case custom(CustomField)
  }

  public var kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  public static let name = TableColumn(.name)
  public static let company = TableColumn(.company)
  public static let stage = TableColumn(.stage)
  public static let value = TableColumn(.value)
  public static let score = TableColumn(.score)
  public static let followUp = TableColumn(.followUp)
  public static let owner = TableColumn(.owner)
  public static let days = TableColumn(.days)

  /// The lead's own columns, in the order they are shown.
  public static let builtIn: [TableColumn] = [.name, .company, .stage, .value, .score, .followUp, .owner, .days]

  /// Every column for a config: the lead's own, then its custom fields.
  public static func all(_ config: PipelineConfig) -> [TableColumn] {
    builtIn + config.fields.map { TableColumn(.custom($0)) }
  }

  public var title: String {
    switch kind {
    case .name: "Name"
    case .company: "Company"
    case .stage: "Stage"
    case .value: "Value"
    case .score: "Score"
    case .followUp: "Next follow-up"
    case .owner: "Owner"
    case .days: "Days"
    case .custom(let field): field.title
    }
  }

  public var description: String { title }

  /// Numbers read best right-aligned, and sort largest first.
  var isNumeric: Bool {
    switch kind {
    case .value, .score, .days: true
    case .custom(let field): field.kind == .number || field.kind == .amount
    default: false
    }
  }

  /// Text sorts A to Z.
  var isText: Bool {
    switch kind {
    case .name, .company, .owner: true
    case .custom(let field): field.kind == .text
    default: false
    }
  }
}

/// The table's rows: the deals the board shows (under its owner view and filter), one each,
/// sorted by one column. Worked out again only when the pipeline, the cards shown, the day
/// or the sort change, so a scroll step draws a screenful of rows and nothing more.
struct TableRows: Sendable {
  /// Places in creation order (`Pipeline.lead(atSlot:)`) of the rows, top to bottom.
  private(set) var slots: [Int32] = []
  private var revision = -1
  private var shownRevision = -1
  private var day: CalendarDay?
  private(set) var sort: TableColumn = .stage
  private(set) var descending = false

  var count: Int { slots.count }

  /// Sorts again if anything it depends on changed; returns whether it did.
  @discardableResult
  mutating func refresh(
    _ pipeline: Pipeline, shown: [[Int32]]?, shownRevision: Int, sort: TableColumn, descending: Bool,
    now: Timestamp, today: CalendarDay
  ) -> Bool {
    guard
      revision != pipeline.revision || self.shownRevision != shownRevision || day != today || self.sort != sort
        || self.descending != descending
    else { return false }
    revision = pipeline.revision
    self.shownRevision = shownRevision
    day = today
    self.sort = sort
    self.descending = descending
    slots = Self.sorted(pipeline, shown: shown, by: sort, descending: descending, now: now)
    return true
  }

  /// An integer that orders as the finite double `x` does (never `Int64.min`, the blank).
  static func orderedBits(_ x: Double) -> Int64 {
    let bits = x.bitPattern
    let ordered = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    return Int64(bitPattern: ordered ^ (1 << 63))
  }

  /// The row of `lead`, if it has one.
  func row(of lead: LeadID, _ pipeline: Pipeline) -> Int? {
    guard let slot = pipeline.slot(of: lead) else { return nil }
    let wanted = Int32(slot)
    return slots.firstIndex(of: wanted)
  }

  /// The cards shown, in board order, sorted by `column`: blanks (no company, no value, no
  /// follow-up) last either way, ties in board order.
  static func sorted(
    _ pipeline: Pipeline, shown: [[Int32]]?, by column: TableColumn, descending: Bool, now: Timestamp
  ) -> [Int32] {
    var slots: [Int32] = []
    var numbers: [Int64] = []
    /// For values: 0 for the pipeline's currency, then each other currency by its code.
    var groups: [Int32] = []
    var rankCurrencies: (inout [Int32]) -> Void = { _ in }
    var text = PackedText()
    // Amounts as `closer list --sort value` ranks them: the pipeline's currency first, then
    // each other by its code, amounts compared within a currency only.
    func moneyKey(_ money: @escaping (UnsafePointer<Lead>) -> Money?) -> (UnsafePointer<Lead>, Int) -> Void {
      let home = pipeline.config.defaultCurrency
      var codes: [String: Int32] = [:]
      rankCurrencies = { groups in
        // The codes in the order they were met, ranked by their names.
        let ranked = codes.keys.sorted()
        let rank = Dictionary(uniqueKeysWithValues: ranked.enumerated().map { (codes[$1]!, Int32($0 + 1)) })
        for index in groups.indices where groups[index] > 0 { groups[index] = rank[groups[index]]! }
      }
      return { lead, _ in
        guard let value = money(lead) else {
          numbers.append(.min)
          groups.append(0)
          return
        }
        numbers.append(value.minorUnits)
        if value.currency == home {
          groups.append(0)
        } else {
          if codes[value.currency] == nil { codes[value.currency] = Int32(codes.count + 1) }
          groups.append(codes[value.currency]!)
        }
      }
    }
    // The key of each card, read in place: only the column sorted by is read.
    let key: (UnsafePointer<Lead>, Int) -> Void
    switch column.kind {
    case .name: key = { lead, _ in text.append(lead.pointee.name) }
    case .company: key = { lead, _ in text.append(lead.pointee.company) }
    case .owner: key = { lead, _ in text.append(lead.pointee.owner) }
    case .stage: key = { _, stage in numbers.append(Int64(stage)) }
    case .value: key = moneyKey { $0.pointee.value }
    case .score: key = { lead, _ in numbers.append(Int64(pipeline.score(of: lead.pointee, now: now).total)) }
    case .followUp: key = { lead, _ in numbers.append(lead.pointee.followUp?.due.daysSinceEpoch ?? .min) }
    case .days: key = { lead, _ in numbers.append(Int64(lead.pointee.daysInStage(now: now))) }
    case .custom(let field) where field.kind == .text:
      key = { lead, _ in text.append(lead.pointee.custom[field.key] ?? "") }
    case .custom(let field) where field.kind == .choice:
      // Choices in the config's order.
      let order = Dictionary(
        field.choices.enumerated().map { ($1, Int64($0)) }, uniquingKeysWith: { first, _ in first })
      key = { lead, _ in numbers.append(lead.pointee.custom[field.key].flatMap { order[$0] } ?? .min) }
    case .custom(let field) where field.kind == .amount:
      key = moneyKey { $0.pointee.custom[field.key].flatMap(CustomField.money) }
    case .custom(let field):
      // Numbers and dates, in order however large (a double's bits, ordered as integers).
      key = { lead, _ in
        let ordinal = lead.pointee.custom[field.key].flatMap(field.ordinal)
        numbers.append(ordinal.map(Self.orderedBits) ?? .min)
      }
    }
    for (index, stage) in pipeline.stages.enumerated() {
      let wanted = shown.map { $0.indices.contains(index) ? $0[index] : [] }
      var place: Int32 = 0
      var next = 0
      pipeline.forEachCardSlot(inStage: stage.key) { slot, lead in
        place += 1
        if let wanted {
          guard next < wanted.count, wanted[next] == place else { return }
          next += 1
        }
        slots.append(slot)
        key(lead, index)
      }
    }
    var order = Array(0..<Int32(slots.count))
    if column.isText {
      text.sort(&order, descending: descending)
    } else {
      rankCurrencies(&groups)
      let grouped = !groups.isEmpty
      numbers.withUnsafeBufferPointer { keys in
        order.sort { a, b in
          let (x, y) = (keys[Int(a)], keys[Int(b)])
          if grouped, x != .min, y != .min, groups[Int(a)] != groups[Int(b)] { return groups[Int(a)] < groups[Int(b)] }
          if x == y { return a < b }
          // A blank (.min) goes last either way.
          if x == .min || y == .min { return y == .min }
          return descending ? x > y : x < y
        }
      }
    }
    return order.map { slots[Int($0)] }
  }
}

/// Folded texts packed in one buffer (as the search index keeps them), compared with
/// byte by byte: sorting 100,000 names compares bytes, not strings.
private struct PackedText {
  var bytes: [UInt8] = []
  var ends: [Int] = []

  mutating func append(_ text: String) {
    SearchKey.appendFolded(text, to: &bytes)
    ends.append(bytes.count)
  }

  func sort(_ order: inout [Int32], descending: Bool) {
    bytes.withUnsafeBufferPointer { buffer in
      ends.withUnsafeBufferPointer { ends in
        let base = buffer.baseAddress
        func range(_ i: Int32) -> (start: Int, count: Int) {
          let start = i == 0 ? 0 : ends[Int(i) - 1]
          return (start, ends[Int(i)] - start)
        }
        order.sort { a, b in
          let (x, y) = (range(a), range(b))
          // An empty text goes last either way.
          if x.count == 0 || y.count == 0 {
            return x.count == y.count ? a < b : y.count == 0
          }
          var result = x.count - y.count
          for k in 0..<min(x.count, y.count) where base![x.start + k] != base![y.start + k] {
            result = Int(base![x.start + k]) - Int(base![y.start + k])
            break
          }
          if result == 0 { return a < b }
          return descending ? result > 0 : result < 0
        }
      }
    }
  }
}
