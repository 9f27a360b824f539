import PipelineCore

/// Amounts as exports and spreadsheets write them: `$1,234.56`, `1.234,56 €`, `1234`,
/// `EUR 1 234,50`, `1'234.50 CHF`, read by the same `AmountReader` as what reps type.
///
/// A lone separator followed by three digits (`1,234`, `1.234`) could be either a thousands
/// separator or a decimal mark; the file's other amounts decide (see `DecimalMark.infer`).
enum AmountText {
  static func parse(_ text: String, mark: DecimalMark) -> Result<
    (minorUnits: Int64, currency: String?), MoneyParseError
  > {
    AmountReader.read(text, mark: mark)
  }

  /// What `text` shows about the decimal mark, when it shows anything: both separators
  /// (the last one is the mark), one repeated (a thousands separator), or one followed by
  /// other than three digits (the mark).
  static func evidence(_ text: String) -> DecimalMark? {
    var points = 0
    var commas = 0
    var lastPoint = -1
    var lastComma = -1
    for (index, byte) in text.utf8.enumerated() {
      if byte == 0x2E {
        points += 1
        lastPoint = index
      } else if byte == 0x2C {
        commas += 1
        lastComma = index
      }
    }
    switch (points, commas) {
    case (0, 0): return nil
    case (_, 0) where points > 1: return .comma
    case (0, _) where commas > 1: return .point
    case (_, 0), (0, _):
      let separator = max(lastPoint, lastComma)
      let digitsAfter = text.utf8.dropFirst(separator + 1).prefix { $0 >= 0x30 && $0 <= 0x39 }.count
      if digitsAfter == 3 { return nil }
      return points == 1 ? .point : .comma
    default:
      return lastPoint > lastComma ? .point : .comma
    }
  }
}

extension DecimalMark {
  /// The mark most of `amounts` show; `fallback` when none shows one (all whole numbers, or
  /// only `1,234`-like values).
  static func infer(from amounts: some Sequence<String>, fallback: DecimalMark) -> DecimalMark {
    majority(of: amounts, evidence: AmountText.evidence, fallback: fallback)
  }
}

/// The answer most `values` give evidence for, or `fallback` when none gives any or two
/// answers tie: how a file's habits (decimal mark, day order) are told from its fields.
func majority<Answer: Hashable>(
  of values: some Sequence<String>, evidence: (String) -> Answer?, fallback: Answer
) -> Answer {
  var votes: [Answer: Int] = [:]
  for value in values {
    if let answer = evidence(value) { votes[answer, default: 0] += 1 }
  }
  let ranked = votes.sorted { $0.value > $1.value }
  guard let best = ranked.first, ranked.count == 1 || ranked[1].value < best.value else { return fallback }
  return best.key
}
