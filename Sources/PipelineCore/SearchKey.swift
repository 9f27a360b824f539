/// Text folded for matching: lowercase, without accents, so "jose" finds "José" and
/// "lodz" finds "Łódź".
///
/// Built on the standard library alone. Letters with diacritics are mapped to their base
/// letter through their Unicode names ("LATIN SMALL LETTER O WITH STROKE" is "o"), which
/// also covers letters that have no canonical decomposition (ø, ł, đ).
public enum SearchKey {
  /// The folded form of `text`.
  public static func fold(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        result.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
      } else if let base = baseLetters[value] {
        result.append(contentsOf: base.unicodeScalars)
      } else if scalar.properties.generalCategory == .nonspacingMark {
        continue
      } else {
        result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
      }
    }
    return String(result)
  }

  /// The folded form of `text` without its punctuation, for finding a lead by part of its
  /// name: "oneill" finds "O'Neill" and "O’Neill", "smithjones" finds "Smith-Jones".
  public static func foldForSearch(_ text: String) -> String {
    var bytes: [UInt8] = []
    appendFolded(text, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the folded form of `text` without its punctuation (see `foldForSearch`) as
  /// UTF-8, quickly for ASCII text.
  public static func appendFolded(_ text: String, to bytes: inout [UInt8]) {
    var ascii = true
    for byte in text.utf8 where byte >= 0x80 {
      ascii = false
      break
    }
    guard ascii else {
      for scalar in fold(text).unicodeScalars where !isPunctuation(scalar) {
        bytes.append(contentsOf: String(scalar).utf8)
      }
      return
    }
    for byte in text.utf8 where !isPunctuation(byte) {
      bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
    }
  }

  /// ASCII punctuation: everything printable but letters, digits and the space. The unit
  /// separator (0x1F) between a name and a company stays.
  private static func isPunctuation(_ byte: UInt8) -> Bool {
    (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
      || (0x7B...0x7E).contains(byte)
  }

  private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.value < 0x80 { return isPunctuation(UInt8(scalar.value)) }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation:
      return true
    default:
      return false
    }
  }

  /// Whether the folded `haystack` contains the folded `needle`.
  public static func contains(_ haystack: String, _ needle: String) -> Bool {
    needle.isEmpty || haystack.utf8.firstRange(of: needle.utf8) != nil
  }

  /// Accented letter -> folded base letter(s), for the Latin, Greek and Cyrillic blocks.
  private static let baseLetters: [UInt32: String] = {
    let ranges: [ClosedRange<UInt32>] = [
      0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x370...0x4FF, 0x1E00...0x1FFF,
    ]
    var scalarByName: [String: Unicode.Scalar] = [:]
    for range in ranges {
      for value in range {
        if let scalar = Unicode.Scalar(value), let name = scalar.properties.name {
          scalarByName[name] = scalar
        }
      }
    }
    var table: [UInt32: String] = [:]
    for (name, scalar) in scalarByName where scalar.value >= 0x80 {
      guard let with = name.firstRange(of: " WITH ") else { continue }
      guard let base = scalarByName[String(name[..<with.lowerBound])] else { continue }
      table[scalar.value] = String(base.properties.lowercaseMapping)
    }
    let specials: [UInt32: String] = [
      0xDF: "ss", 0x1E9E: "ss", 0xE6: "ae", 0xC6: "ae", 0x153: "oe", 0x152: "oe", 0x131: "i",
      0xFE: "th", 0xDE: "th",
    ]
    table.merge(specials) { _, special in special }
    return table
  }()
}
