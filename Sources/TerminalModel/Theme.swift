/// A colour a theme can name: the terminal's default, one of the 8 basic colours (and their
/// bright variants, 8-15), or one of 256.
public enum ThemeColor: Hashable, Sendable {
  case terminalDefault
  case indexed(Int)

  /// The nearest of the 8 basic colours, for terminals that have no more.
  public var basic: ThemeColor {
    guard case .indexed(let index) = self else { return self }
    if index < 8 { return self }
    if index < 16 { return .indexed(index - 8) }
    let (r, g, b): (Int, Int, Int)
    if index >= 232 {
      let level = (index - 232) * 10 + 8
      (r, g, b) = (level, level, level)
    } else {
      let cube = index - 16
      let steps = [0, 95, 135, 175, 215, 255]
      (r, g, b) = (steps[cube / 36], steps[(cube / 6) % 6], steps[cube % 6])
    }
    let basics = [
      (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    ]
    var best = 0
    var bestDistance = Int.max
    for (i, c) in basics.enumerated() {
      let d = (c.0 - r) * (c.0 - r) + (c.1 - g) * (c.1 - g) + (c.2 - b) * (c.2 - b)
      if d < bestDistance {
        best = i
        bestDistance = d
      }
    }
    return .indexed(best)
  }
}

/// How a theme draws one role.
public struct ThemeStyle: Hashable, Sendable {
  public var foreground: ThemeColor?
  public var background: ThemeColor?
  public var bold: Bool
  public var underline: Bool

  public init(foreground: ThemeColor? = nil, background: ThemeColor? = nil, bold: Bool = false, underline: Bool = false)
  {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.underline = underline
  }

  /// Whether the colours alone set this role apart, so reverse video is not needed.
  public var hasOwnColors: Bool { foreground != nil && background != nil }
}

/// Colours for every role. Roles a theme leaves out use the terminal's defaults; the
/// frame's attributes (bold, reverse, underline, dim) always apply, so meaning survives
/// without colour.
public struct Theme: Hashable, Sendable {
  public var name: String
  public var styles: [Role: ThemeStyle]

  public init(name: String, styles: [Role: ThemeStyle]) {
    self.name = name
    self.styles = styles
  }

  /// No colours at all (`NO_COLOR`, monochrome terminals).
  public static let monochrome = Theme(name: "mono", styles: [:])
}
