import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer`: the sales pipeline for the keyboard.
public struct CloserCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "closer",
    abstract: "A keyboard-driven sales pipeline for the terminal.",
    discussion: """
      Every change is an event appended to a plain-text journal you own \
      (default: $XDG_DATA_HOME/closer/journal.jsonl; override with --journal or CLOSER_JOURNAL). \
      LEAD is a lead's id or an unambiguous part of its name ("jose" finds "José García").
      """,
    version:
      "closer \(CloserCommand.version) (journal format \(JournalHeader.currentMajor).\(JournalHeader.currentMinor))",
    subcommands: [
      BoardCommand.self, PipelineSummaryCommand.self, DemoCommand.self, AddCommand.self, MoveCommand.self,
      ListCommand.self,
      ShowCommand.self, TickCommand.self, UntickCommand.self, EditCommand.self, AssignCommand.self, NoteCommand.self,
      LogCommand.self, FollowUpCommand.self, WonCommand.self, LostCommand.self, ReopenCommand.self,
      StatsCommand.self, ImportCommand.self, ExportCommand.self, CheckCommand.self, GenerateCommand.self,
      TeamCommand.self, SyncCommand.self,
    ],
    defaultSubcommand: BoardCommand.self
  )

  public init() {}

  /// Closer's version.
  public static let version = "0.9.0"
}

/// Options every command takes: which journal, which configuration.
struct JournalOptions: ParsableArguments {
  @Option(
    help: "The journal file. Default: $CLOSER_JOURNAL, then $XDG_DATA_HOME/closer/journal.jsonl.",
    completion: .file())
  var journal: String?

  @Option(
    help: "The configuration file. Default: $XDG_CONFIG_HOME/closer/config.toml.", completion: .file())
  var config: String?
}

/// A date given on the command line as YYYY-MM-DD, or an error that says how to write it.
func isoDay(_ text: String) throws -> CalendarDay {
  guard let day = CalendarDay(iso8601: text) else {
    throw CommandError("'\(printable(text))' is not a date; write it as YYYY-MM-DD")
  }
  return day
}
