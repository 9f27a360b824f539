import ArgumentParser
import Glibc
import TerminalText

extension CloserCommand {
  /// Runs the command the arguments name, then exits.
  ///
  /// ArgumentParser's `main()` would print help and errors itself, quoting an unknown
  /// option, a bad value or a lead's name as it is; here every word of it goes through
  /// `Console`, and the errors Closer knows are told with what they quote made visible.
  public static func runAndExit(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
    var command: ParsableCommand
    // A first word that is no command would go to the board as an argument and be
    // answered with the board's usage: say instead which commands come close.
    if let first = arguments.first, !first.hasPrefix("-"), first != "help", let message = unknownCommand(first) {
      finish(with: fullMessage(for: CommandError(message)), code: .validationFailure)
    }
    do {
      command = try parseAsRoot(arguments)
    } catch {
      finish(with: fullMessage(for: parseError(error, arguments: arguments)), code: exitCode(for: error))
    }
    do {
      try command.run()
    } catch let error as ExitCode {
      Glibc.exit(error.rawValue)
    } catch {
      // Help asked for with `closer help list` arrives here too, as ArgumentParser's error.
      let shown = shownDescription(of: error).map { CommandError($0) } ?? error
      finish(with: fullMessage(for: shown), code: exitCode(for: error))
    }
    Glibc.exit(0)
  }

  /// The commands' names.
  static var commandNames: [String] {
    configuration.subcommands.compactMap { $0.configuration.commandName }
  }

  /// What to say about `word` when it is no command: the commands it is closest to.
  static func unknownCommand(_ word: String) -> String? {
    let names = commandNames
    guard !names.contains(word) else { return nil }
    let ranked = names.map { ($0, editDistance(word.lowercased(), $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    let close = ranked.filter { $0.1 <= max(2, word.count / 3) || $0.0.hasPrefix(word.lowercased()) }.map(\.0)
    let suggestion = close.isEmpty ? "" : " Did you mean \(close.prefix(3).joined(separator: ", "))?"
    return "'\(printable(word))' is not a command.\(suggestion) `closer --help` lists them all."
  }

  /// Edit distance with swapped neighbours counted as one edit (`lsit` is one from
  /// `list`), for suggesting a command.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }

  /// ArgumentParser quotes the arguments it could not read. Asked again about the same
  /// arguments made visible (a line break as ↵), it quotes them on one line; its first
  /// answer stands when the second is a different kind of error.
  private static func parseError(_ error: Error, arguments: [String]) -> Error {
    let visible = arguments.map { printable($0) }
    guard visible != arguments else { return error }
    do {
      _ = try parseAsRoot(visible)
    } catch let again where exitCode(for: again) == exitCode(for: error) {
      return again
    } catch {}
    return error
  }

  /// Help and other clean exits go to standard output; errors to standard error.
  private static func finish(with message: String, code: ExitCode) -> Never {
    guard code == .success else {
      if !message.isEmpty { Console.printFailure(message) }
      Glibc.exit(code.rawValue)
    }
    do {
      try Console.print(message)
    } catch {
      Console.printFailure(fullMessage(for: CommandError("\(error)")))
      Glibc.exit(ExitCode.failure.rawValue)
    }
    Glibc.exit(code.rawValue)
  }
}
