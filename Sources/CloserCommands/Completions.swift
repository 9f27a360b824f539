import Foundation
import PipelineCore
import Settings

/// What the shell completion scripts offer (`closer --generate-completion-script bash`):
/// the stage keys of the configured pipeline and the themes there are.
enum Completions {
  /// Stage keys from the config file (`--config`'s default), or the default stages.
  static func stages() -> [String] {
    let config = (try? Environment.current.loadConfig(flag: nil)) ?? .standard
    return config.stages.map(\.key)
  }

  /// The shipped themes and the rep's own.
  static func themes() -> [String] {
    let own = (try? FileManager.default.contentsOfDirectory(atPath: Environment.current.themeDirectory)) ?? []
    let names = own.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
    return (Array(ShippedThemes.files.keys) + names).sorted()
  }
}
