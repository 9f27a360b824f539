import ArgumentParser
import Journal
import PipelineCore
import TerminalText

/// `closer add NAME ...`: a new lead at the top of its stage; prints its id.
struct AddCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Add a lead and print its id.")

  @OptionGroup var options: JournalOptions

  @Argument(help: "The contact or deal name.") var name: String
  @Option(help: "Company.") var company: String?
  @Option(parsing: .unconditional, help: "Deal value: 12500, 12,500.50, 12.500,50, 12.5k, 'EUR 9000'.")
  var value: String?
  @Option(
    help: "Stage key or title (default: the first stage).", completion: .custom { _, _, _ in Completions.stages() })
  var stage: String?
  @Option(help: "Email address.") var email: String?
  @Option(parsing: .unconditional, help: "Phone number.") var phone: String?
  @Option(help: "How the lead was generated (Referral, Webinar, ...).") var source: String?
  @Option(help: "Who owns the deal.") var owner: String?
  @Option(help: "Expected close date, YYYY-MM-DD.") var expectedClose: String?
  @Option(name: .customLong("field"), help: "A custom field from the config: KEY=VALUE (repeatable).")
  var fields: [String] = []
  @Option(help: "The customer who referred this lead (id or part of its name); the source is then Referral.")
  var referredBy: String?
  @Option(help: "The next action, such as \"Call back\" (needs --due).") var followUp: String?
  @Option(help: "When the next action is due: today, tomorrow, fri, +3d, +2w, YYYY-MM-DD.") var due: String?
  @Flag(help: "Refuse a lead with the same name and company, or the same email, as one already there.")
  var unique = false

  func run() throws {
    // Stored cleaned as an import stores it: no control characters, single spaces.
    let cleanName = cleanLine(name)
    guard !cleanName.isEmpty else { throw CommandError("a lead needs a name: closer add \"Ana Lima\"") }
    let environment = options.environment
    let config = try environment.loadConfig(flag: options.config)
    var new = NewLead(name: cleanName, stage: "")
    new.company = company.map(cleanLine) ?? ""
    new.email = email.map(cleanLine) ?? ""
    new.phone = phone.map(cleanLine) ?? ""
    new.source = source.map(cleanLine) ?? ""
    new.owner = owner.map(cleanLine) ?? ""
    if let value {
      new.value = try Money.parse(value, defaultCurrency: config.defaultCurrency, mark: config.amountMark).get()
    }
    if let expectedClose { new.expectedClose = try isoDay(expectedClose) }
    for (key, value) in try CustomFieldOptions.parse(fields, config: config) { new.custom[key] = value }
    if referredBy != nil {
      // A referral's source says so; another source with a referrer is a contradiction.
      if new.source.isEmpty { new.source = "Referral" }
      guard SearchKey.fold(new.source) == "referral" else {
        throw CommandError("--referred-by is for leads from a referral: leave --source out, or give --source Referral")
      }
    }
    var more: [Change] = []
    switch (followUp.map(cleanLine), due) {
    case (nil, nil): break
    case (let action?, let due?) where !action.isEmpty:
      let day = try DueDate.parse(due, today: Environment.today()).get()
      more.append(.followUpSet(FollowUp(action: action, due: day)))
    default:
      throw CommandError("a follow-up needs both --follow-up ACTION and --due DATE")
    }
    // With a snapshot, a new lead is appended without replaying the journal; a stage known
    // only from the journal, or no snapshot, takes the full path.
    let configured = Pipeline(config: config)
    // The quick path appends without reading the leads; a referrer has to be found first.
    if referredBy == nil,
      let key = try? (stage.map { try configured.resolveStage($0).get().key } ?? configured.stages[0].key)
    {
      new.stage = key
      var warnings: [JournalWarning] = []
      var duplicate: String?
      let quick = try PipelineStore.quickCreate(
        journal: options.journalPath, config: config, replica: environment.replica, clock: Environment.now,
        lead: new, then: more, warnings: &warnings,
        duplicate: { id, reason in duplicate = try duplicateFound(id.rawValue, reason) })
      for warning in warnings { Console.printError("warning: \(options.journalPath): \(warning)") }
      if let event = quick {
        if let duplicate { Console.printError(duplicate) }
        try Self.printID(event.lead)
        return
      }
    }
    let store = try options.openStore(creating: true)
    let id = store.newLeadID()
    var duplicate: String?
    try store.recordAll { pipeline in
      new.stage = try stage.map { try pipeline.resolveStage($0).get().key } ?? pipeline.stages[0].key
      if let referredBy {
        new.referredBy = try pipeline.lookup(referredBy).get().id
      }
      if let match = DuplicateKey.match(name: new.name, company: new.company, email: new.email, in: pipeline) {
        duplicate = try duplicateFound(match.lead.id.rawValue, match.reason)
      }
      return [(id, .created(new))] + more.map { (id, $0) }
    }
    if let duplicate { Console.printError(duplicate) }
    try Self.printID(id)
  }

  /// A lead like the new one is there already: refused with --unique, else said after the
  /// lead is added.
  private func duplicateFound(_ id: String, _ reason: String) throws -> String {
    let what = "'\(printable(name))' has \(reason) as lead \(id) (`closer show \(id)`)"
    if unique { throw CommandError("\(what); nothing added (without --unique it is added anyway)") }
    return "warning: \(what); added anyway (--unique refuses)"
  }

  /// Prints the new lead's id; the lead is saved by then, so a failure says so.
  private static func printID(_ id: LeadID) throws {
    do {
      try Console.print(id.rawValue)
    } catch {
      throw CommandError("the lead was added (id \(id)) but its id could not be printed: \(error)")
    }
  }
}
