import TOMLKit

/// A configuration file that cannot be used, with where and why.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
  public var path: String
  /// 1-based line of the problem, when it can be pointed at.
  public var line: Int?
  public var message: String

  public init(path: String, line: Int?, message: String) {
    self.path = path
    self.line = line
    self.message = message
  }

  public var description: String {
    "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
  }
}

/// Parses TOML, turning a syntax error into a `ConfigError` with its line.
func parseTOML(_ text: String, path: String) throws(ConfigError) -> TOMLTable {
  do {
    return try TOMLTable(string: text)
  } catch let error as TOMLParseError {
    throw ConfigError(path: path, line: error.source.begin.line, message: error.description)
  } catch {
    throw ConfigError(path: path, line: nil, message: "\(error)")
  }
}
