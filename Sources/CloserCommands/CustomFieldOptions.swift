import PipelineCore
import TerminalText

/// `--field KEY=VALUE`: custom fields (`[[fields]]` in the config) given on the command line,
/// each checked by its type; `KEY=` clears one.
enum CustomFieldOptions {
  static func parse(_ arguments: [String], config: PipelineConfig) throws -> [(key: String, value: String?)] {
    var values: [(key: String, value: String?)] = []
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "=") else {
        throw CommandError("--field takes KEY=VALUE (\(known(config))); got '\(printable(argument))'")
      }
      let name = String(argument[..<equals]).trimmingWhitespace
      guard let field = field(named: name, in: config) else {
        throw CommandError("--field: '\(printable(name))' is not a field; \(known(config))")
      }
      let text = cleanLine(String(argument[argument.index(after: equals)...]))
      switch field.stored(text, config: config, today: Environment.today()) {
      case .success(let value):
        // The same field twice: the last one given stands.
        values.removeAll { $0.key == field.key }
        values.append((field.key, value))
      case .failure(let problem): throw CommandError("--field \(printable(problem.description))")
      }
    }
    return values
  }

  /// A configured field by its key, else by its title (case and accents aside).
  static func field(named name: String, in config: PipelineConfig) -> CustomField? {
    let folded = SearchKey.fold(name)
    return config.fields.first { $0.key == name || $0.key == folded }
      ?? config.fields.first { SearchKey.fold($0.title) == folded }
  }

  private static func known(_ config: PipelineConfig) -> String {
    config.fields.isEmpty
      ? "the config has no [[fields]] (docs/configuration.md)"
      : "the config has " + config.fields.map { "\($0.key) (\($0.kind.rawValue))" }.joined(separator: ", ")
  }
}
