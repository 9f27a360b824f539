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
