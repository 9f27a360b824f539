/// The themes shipped in the repository's themes/ folder, built into the binary so that
/// Closer needs no files besides itself. A test checks that they match the folder.
public enum ShippedThemes {
  public static let files: [String: String] = [
    "dark": #"""
    # Closer's default theme, for dark terminals.
    # Colours: "default" (the terminal's own), black, red, green, yellow, blue, magenta, cyan,
    # white, bright-black ... bright-white, or a number from 0 to 255. Attributes: bold,
    # underline. Roles left out use the terminal's colours; see docs/themes.md.
    name = "dark"

    [roles]
    title = { fg = "black", bg = "cyan", bold = true }
    header = { fg = "cyan" }
    headerFocused = { fg = "bright-white", bold = true, underline = true }
    card = { fg = "default" }
    cardFocused = { fg = "black", bg = "bright-white" }
    lifted = { fg = "black", bg = "yellow", bold = true }
    match = { fg = "bright-yellow", bold = true }
    dimmed = { fg = "bright-black" }
    tierA = { fg = "bright-green", bold = true }
    tierB = { fg = "yellow" }
    tierC = { fg = "bright-black" }
    overdue = { fg = "bright-red", bold = true }
    stalled = { fg = "magenta" }
    detail = { fg = "default" }
    detailLabel = { fg = "cyan", bold = true }
    status = { fg = "black", bg = "white" }
    statusMode = { fg = "black", bg = "cyan", bold = true }
    error = { fg = "bright-white", bg = "red", bold = true }
    help = { fg = "black", bg = "bright-white" }
    border = { fg = "bright-black" }
    marker = { fg = "yellow", bold = true }
    """#,
    "light": #"""
    # Closer's theme for light terminals. Same format as dark.toml; see docs/themes.md.
    name = "light"

    [roles]
    title = { fg = "white", bg = "blue", bold = true }
    header = { fg = "blue" }
    headerFocused = { fg = "black", bold = true, underline = true }
    card = { fg = "default" }
    cardFocused = { fg = "white", bg = "blue" }
    lifted = { fg = "black", bg = "bright-yellow", bold = true }
    match = { fg = "magenta", bold = true }
    dimmed = { fg = 250 }
    tierA = { fg = "green", bold = true }
    tierB = { fg = 130 }
    tierC = { fg = 244 }
    overdue = { fg = "red", bold = true }
    stalled = { fg = "magenta" }
    detail = { fg = "default" }
    detailLabel = { fg = "blue", bold = true }
    status = { fg = "white", bg = "bright-black" }
    statusMode = { fg = "white", bg = "blue", bold = true }
    error = { fg = "white", bg = "red", bold = true }
    help = { fg = "black", bg = 254 }
    border = { fg = 250 }
    marker = { fg = "blue", bold = true }
    """#,
    "mono": #"""
    # No colours: focus, the lifted card, matches and overdue marks are shown with reverse
    # video, bold, underline and text markers alone. Used for NO_COLOR and monochrome terminals.
    name = "mono"

    [roles]
    """#,
  ]
}
