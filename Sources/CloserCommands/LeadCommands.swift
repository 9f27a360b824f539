import ArgumentParser
import Foundation
import Journal
import PipelineCore
import TerminalText

/// The board's changes to one lead, from the command line: tick and untick criteria, edit
/// fields, assign an owner, add a note. Each decides on the journal as it is when it
/// appends, writes only what changes (a command re-run by a script writes nothing and says
/// so, exit 0), and with `--json` prints the lead after the change as `closer show --json`
/// does.
enum LeadChange {
  /// Opens the journal, finds `query`, lets `decide` say what to write (nothing: nil
  /// summary), writes it as one batch, and reports.
  static func run(
    _ options: JournalOptions, lead query: String, json: Bool,
    decide: (Lead, Pipeline) throws -> (changes: [Change], done: String, unchanged: String)
  ) throws {
    let store = try options.openStore()
    var message = ""
    var id: LeadID?
    try store.recordIfNeeded { pipeline in
      let found = try pipeline.lookup(query).get()
      id = found.id
      let decision = try decide(found, pipeline)
      message = decision.changes.isEmpty ? decision.unchanged : decision.done
      return decision.changes.map { (found.id, $0) }
    }
    try report(message, lead: id, in: store, json: json)
  }

  /// Says what was done, or with `json` prints the lead after it as `show --json` does.
  static func report(_ message: String, lead id: LeadID?, in store: PipelineStore, json: Bool) throws {
    if json, let id, let lead = store.pipeline[id] {
      try printJSON(LeadJSON(lead, in: store.pipeline, now: Environment.now(), detailed: true))
    } else {
      try Console.printOutcome(printable(message))
    }
  }

  /// A criterion by its key, its title (any case, accents aside) or its number (1-9, as
  /// on the board).
  static func criterion(_ text: String, in pipeline: Pipeline) throws -> Criterion {
    let criteria = pipeline.criteria
    if let number = Int(text), criteria.indices.contains(number - 1) { return criteria[number - 1] }
    let folded = SearchKey.fold(text)
    if let found = criteria.first(where: { $0.key == text || SearchKey.fold($0.title) == folded }) { return found }
    throw CommandError(
      "'\(printable(text))' is no criterion; the checklist has "
        + criteria.enumerated().map { "\($0.offset + 1) \($0.element.key) (\($0.element.title))" }.joined(
          separator: ", "))
  }
}

/// `closer tick LEAD CRITERION...` and `closer untick`: the board's keys 1-9.
struct TickCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tick", abstract: "Tick checklist criteria of a lead (by key, title or number 1-9).")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "Criteria: budget, \"Decision process\", 3 ...") var criteria: [String]
  @Option(help: "Tick one criterion with the answer to its questions (\"40k approved for Q1\").") var answer: String?
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws {
    guard let answer else { return try Self.set(true, criteria, lead: lead, options: options, json: json) }
    let text = cleanLine(answer)
    guard !text.isEmpty else { throw CommandError("--answer needs some text; tick without it to tick alone") }
    guard criteria.count == 1 else { throw CommandError("--answer goes with one criterion; got \(criteria.count)") }
    try LeadChange.run(options, lead: lead, json: json) { found, pipeline in
      let criterion = try LeadChange.criterion(criteria[0], in: pipeline)
      let same = found.isChecked(criterion.key) && found.answers[criterion.key] == text
      return (
        same ? [] : [.checked(criterion: criterion.key, isChecked: true, answer: text)],
        "\(criterion.title) ticked for \(found.name): \(text)",
        "\(criterion.title) is ticked for \(found.name) with this answer already; nothing written"
      )
    }
  }

  static func set(_ checked: Bool, _ criteria: [String], lead: String, options: JournalOptions, json: Bool) throws {
    guard !criteria.isEmpty else { throw CommandError("name at least one criterion") }
    try LeadChange.run(options, lead: lead, json: json) { found, pipeline in
      let wanted = try criteria.map { try LeadChange.criterion($0, in: pipeline) }
      var seen = Set<String>()
      let changing = wanted.filter { seen.insert($0.key).inserted && found.isChecked($0.key) != checked }
      let verb = checked ? "ticked" : "unticked"
      let titles = { (list: [Criterion]) in list.map(\.title).joined(separator: ", ") }
      return (
        changing.map { .checked(criterion: $0.key, isChecked: checked) },
        "\(titles(changing)) \(verb) for \(found.name)",
        "\(titles(wanted)) already \(verb) for \(found.name); nothing written"
      )
    }
  }
}

struct UntickCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "untick", abstract: "Untick checklist criteria of a lead (by key, title or number 1-9).")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "Criteria: budget, \"Decision process\", 3 ...") var criteria: [String]
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws { try TickCommand.set(false, criteria, lead: lead, options: options, json: json) }
}

/// `closer edit LEAD --company ... --value ...`: the board's edit form.
struct EditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "edit", abstract: "Change a lead's fields; only what differs is written.",
    discussion: "--clear FIELD empties a field: company, email, phone, owner, source, value or expected-close.")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Option(help: "New name.") var name: String?
  @Option(help: "Company.") var company: String?
  @Option(parsing: .unconditional, help: "Deal value: 12500, 12,500.50, 12.500,50, 12.5k, 'EUR 9000'.")
  var value: String?
  @Option(help: "Email address.") var email: String?
  @Option(parsing: .unconditional, help: "Phone number.") var phone: String?
  @Option(help: "How the lead was generated.") var source: String?
  @Option(help: "Who owns the deal.") var owner: String?
  @Option(help: "Expected close date, YYYY-MM-DD.") var expectedClose: String?
  @Option(help: "Empty a field (repeatable).") var clear: [String] = []
  @Option(name: .customLong("field"), help: "A custom field from the config: KEY=VALUE; KEY= empties it (repeatable).")
  var fields: [String] = []
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws {
    let config = try options.environment.loadConfig(flag: options.config)
    let money = try value.map {
      try Money.parse($0, defaultCurrency: config.defaultCurrency, mark: config.amountMark).get()
    }
    let day = try expectedClose.map(isoDay)
    let custom = try CustomFieldOptions.parse(fields, config: config)
    let clearable = ["company", "email", "phone", "owner", "source", "value", "expected-close"]
    for field in clear where !clearable.contains(field.lowercased()) {
      throw CommandError("--clear takes one of \(clearable.joined(separator: ", ")); got '\(printable(field))'")
    }
    let cleared = Set(clear.map { $0.lowercased() })
    if let name, cleanLine(name).isEmpty { throw CommandError("a lead needs a name") }
    try LeadChange.run(options, lead: lead, json: json) { found, _ in
      var edits: [FieldEdit] = []
      var what: [String] = []
      func text(_ field: TextField, _ key: String, _ new: String?, _ old: String) {
        let wanted = cleared.contains(key) ? "" : new.map(cleanLine)
        guard let wanted, wanted != old else { return }
        edits.append(.text(field, wanted))
        what.append(key)
      }
      text(.name, "name", name, found.name)
      text(.company, "company", company, found.company)
      text(.email, "email", email, found.email)
      text(.phone, "phone", phone, found.phone)
      text(.owner, "owner", owner, found.owner)
      text(.source, "source", source, found.source)
      let newValue = cleared.contains("value") ? .some(nil) : money.map { Optional($0) }
      if let newValue, newValue != found.value {
        edits.append(.value(newValue))
        what.append("value")
      }
      let newDay = cleared.contains("expected-close") ? .some(nil) : day.map { Optional($0) }
      if let newDay, newDay != found.expectedClose {
        edits.append(.expectedClose(newDay))
        what.append("expected close")
      }
      for (key, value) in custom where found.custom[key] != value {
        edits.append(.custom(key, value))
        what.append(config.field(forKey: key)?.title ?? key)
      }
      return (
        edits.isEmpty ? [] : [.edited(edits)], "Saved \(found.name): \(what.joined(separator: ", "))",
        "\(found.name) already has these values; nothing written"
      )
    }
  }
}

/// `closer assign LEAD OWNER`: who owns the deal.
struct AssignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "assign", abstract: "Set who owns a deal.")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "The owner, such as ana.") var owner: String
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws {
    let owner = cleanLine(owner)
    guard !owner.isEmpty else { throw CommandError("name the owner; `closer edit LEAD --clear owner` removes one") }
    try LeadChange.run(options, lead: lead, json: json) { found, _ in
      (
        found.owner == owner ? [] : [.edited([.text(.owner, owner)])], "\(found.name) is \(owner)'s now",
        "\(found.name) is \(owner)'s already; nothing written"
      )
    }
  }
}

/// `closer note LEAD TEXT` (or `-` to read the note from standard input): the board's `c`.
struct NoteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note", abstract: "Add a note to a lead (`-` reads it from standard input).")

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "The note, or - to read it from standard input.") var text: String
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws {
    var note = text
    if text == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      guard let read = String(data: data, encoding: .utf8) else {
        throw CommandError("the note on standard input is not UTF-8 text")
      }
      note = read
    }
    note = cleanNote(note)
    guard !note.isEmpty else { throw CommandError("the note is empty; nothing written") }
    let lines = note.split(separator: "\n").count
    try LeadChange.run(options, lead: lead, json: json) { found, _ in
      // The same note twice in a row is a re-run, not a second note.
      (
        found.notes.last?.text == note ? [] : [.noteAdded(note)],
        "Note added to \(found.name) (\(lines) line\(lines == 1 ? "" : "s"))",
        "\(found.name)'s last note is this one already; nothing written"
      )
    }
  }
}

/// `closer log LEAD KIND [OUTCOME]`: a call, meeting or email, with how it went.
struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Log a call, meeting or email on a deal, with a short outcome.",
    discussion: """
      The activity counts as engagement in the deal's score and restarts its stalled clock. \
      An activity like one logged on the deal in the last ten minutes (the same kind and \
      outcome) is a re-run: nothing is written. An outcome of - is read from standard input.
      """)

  @OptionGroup var options: JournalOptions
  @Argument(help: "Lead id or part of its name.") var lead: String
  @Argument(help: "call, meeting or email (or the start of one: c, m, e).") var kind: String
  @Argument(help: "How it went, in a line (\"Talked budget, sending proposal\").") var outcome: [String] = []
  @Flag(help: "Print the lead after the change as JSON.") var json = false

  func run() throws {
    guard let kind = Activity.kind(named: kind) else {
      throw CommandError("'\(printable(kind))' is not an activity; log a call, a meeting or an email")
    }
    var typed = outcome.joined(separator: " ")
    if outcome == ["-"] {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      guard let read = String(data: data, encoding: .utf8) else {
        throw CommandError("the outcome on standard input is not UTF-8 text")
      }
      typed = read
    }
    let outcome = cleanLine(typed)
    let now = Environment.now()
    try LeadChange.run(options, lead: lead, json: json) { found, _ in
      // A script run again: the same activity logged minutes ago, whatever came after it.
      let rerun = found.activities.contains {
        $0.kind == kind && $0.outcome == outcome
          && now.millisecondsSinceEpoch - $0.time.millisecondsSinceEpoch < 10 * 60_000
      }
      let what = kind == "email" ? "an email" : "a \(kind)"
      return (
        rerun ? [] : [.activityLogged(kind: kind, outcome: outcome)],
        "Logged \(what) with \(found.name)\(outcome.isEmpty ? "" : ": \(outcome)")",
        "\(found.name) has this \(kind) logged minutes ago; nothing written"
      )
    }
  }
}
