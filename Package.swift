// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
  name: "Closer",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "closer", targets: ["closer"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
  ],
  targets: [
    // Domain: pure values and rules, depends on the standard library only.
    .target(name: "PipelineCore", swiftSettings: strict),
    // The processor's CRC-32C instruction, for checksums over whole journals.
    .target(name: "CChecksum"),
    // Storage: the journal file, its line codec, locking and recovery.
    .target(name: "Journal", dependencies: ["PipelineCore", "CChecksum"], swiftSettings: strict),
    // Text measured and made safe for a terminal: display width, truncation, sanitizing.
    .target(name: "TerminalText", swiftSettings: strict),
    // What a terminal shows and sends, with no terminal behind it: frames of styled cells,
    // themes, keys and the decoding of the bytes terminals send for them.
    .target(name: "TerminalModel", dependencies: ["TerminalText"], swiftSettings: strict),
    // The board's view-model: state, modes, messages, update and render into a frame of
    // cells, and the runtime that connects it to a store and a terminal.
    .target(
      name: "Board", dependencies: ["PipelineCore", "TerminalText", "TerminalModel", "CTextScan"],
      swiftSettings: strict),
    // The search's scan of packed names and companies, sixteen bytes at a time.
    .target(name: "CTextScan"),
    // ncursesw, and the thin adapter that draws frames and reads keys with it.
    .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
    .target(
      name: "Terminal", dependencies: ["CNcursesw", "PipelineCore", "TerminalModel", "TerminalText"],
      swiftSettings: strict),
    // Configuration files (TOML) turned into domain values.
    .target(
      name: "Settings",
      dependencies: ["PipelineCore", "TerminalModel", .product(name: "TOMLKit", package: "TOMLKit")],
      swiftSettings: strict),
    // Import from CRM exports and spreadsheets; export to CSV, JSON and calendars.
    .target(
      name: "Interchange", dependencies: ["PipelineCore", "TerminalText", .product(name: "CSV", package: "CSV.swift")],
      swiftSettings: strict),
    // Commands shared by the executable and its tests.
    .target(
      name: "CloserCommands",
      dependencies: [
        "PipelineCore", "Journal", "Settings", "TerminalText", "TerminalModel", "Board", "Terminal", "Interchange",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    .executableTarget(name: "closer", dependencies: ["CloserCommands"], swiftSettings: strict),
    .executableTarget(
      name: "closer-bench", dependencies: ["PipelineCore", "Journal", "CloserCommands", "Board", "TerminalModel"],
      swiftSettings: strict),

    .testTarget(name: "PipelineCoreTests", dependencies: ["PipelineCore"], swiftSettings: strict),
    .testTarget(name: "JournalTests", dependencies: ["Journal", "PipelineCore"], swiftSettings: strict),
    .testTarget(
      name: "SettingsTests", dependencies: ["Settings", "PipelineCore", "TerminalModel"], swiftSettings: strict),
    .testTarget(
      name: "BoardTests", dependencies: ["Board", "PipelineCore", "TerminalModel"], exclude: ["Snapshots"],
      swiftSettings: strict),
    .testTarget(name: "EndToEndTests", dependencies: ["closer"], swiftSettings: strict),
    .testTarget(
      name: "InterchangeTests", dependencies: ["Interchange", "PipelineCore", "Journal"], swiftSettings: strict),
    .testTarget(name: "TerminalTextTests", dependencies: ["TerminalText"], swiftSettings: strict),
    .testTarget(
      name: "CommandLineTests",
      dependencies: ["closer", "CloserCommands", "Journal", "PipelineCore", "Board", "TerminalModel"],
      swiftSettings: strict),
  ]
)
