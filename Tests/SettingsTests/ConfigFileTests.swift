import PipelineCore
import Testing

@testable import Settings

@Suite struct ConfigFileTests {
  @Test func anEmptyFileMeansTheStandardPipeline() throws {
    #expect(try ConfigFile.parse("", path: "c.toml") == .standard)
  }

  @Test func importStageMapsNameStagesWonOrLost() throws {
    let text = """
      [import.stage-map]
      "Verbal yes" = "closing"
      "Contract Sent" = "Negotiation"
      12345678 = "won"
      """
    let contents = try ConfigFile.parseContents(text, path: "c.toml")
    #expect(contents.importStageMap == ["Verbal yes": "closing", "Contract Sent": "Negotiation", "12345678": "won"])
    #expect(contents.pipeline == .standard)
  }

  /// How often an open board syncs a team pipeline on its own.
  @Test func syncEveryTakesMinutesOrHours() throws {
    #expect(try ConfigFile.parseContents("sync-every = \"10m\"", path: "c.toml").syncEvery == 600)
    #expect(try ConfigFile.parseContents("sync-every = \"1h\"", path: "c.toml").syncEvery == 3600)
    #expect(try ConfigFile.parseContents("sync-every = \"off\"", path: "c.toml").syncEvery == nil)
    #expect(try ConfigFile.parseContents("", path: "c.toml").syncEvery == nil)
  }

  /// `[views.NAME] where = "..."`: saved filters, by name; a filter that cannot be read is
  /// an error with the file, the line and the term.
  @Test func savedViewsAreReadAndChecked() throws {
    let text = """
      [views.mine]
      where = "owner:me -status:lost"

      [views.big]
      where = "value>100k stage:proposal,negotiation"
      """
    let views = try ConfigFile.parseContents(text, path: "c.toml").views
    #expect(views.map(\.name) == ["big", "mine"])
    #expect(views.map(\.filter) == ["value>100k stage:proposal,negotiation", "owner:me -status:lost"])
    for (bad, message) in [
      ("[views.bad]\nwhere = \"value>5Ok\"", "c.toml:2: views.bad: value>5Ok: '5Ok' is not an amount"),
      ("[views.bad]\nwhere = \"stage:nowhere\"", "c.toml:2: views.bad: stage:nowhere: 'nowhere' is not a stage"),
      ("[views.bad]\nfilter = \"owner:me\"", "c.toml:2: unknown key 'filter' in views.bad"),
      ("[views.bad]\nwhere = \" \"", "views.bad needs where = \"a filter\""),
      ("views = 3", "c.toml:1: views must be tables"),
    ] {
      do {
        _ = try ConfigFile.parseContents(bad, path: "c.toml")
        Issue.record("\(bad) was read")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  /// Each default stage has guidance; a configured stage with a default's key keeps it
  /// unless it says its own; `guidance` must be a string.
  @Test func stagesCarryGuidance() throws {
    #expect(Stage.defaults.allSatisfy { !$0.guidance.isEmpty })
    let text = """
      [[stages]]
      key = "qualifying"

      [[stages]]
      key = "demo"
      guidance = "Show it working on their data."

      [[stages]]
      key = "won"
      """
    let stages = try ConfigFile.parseContents(text, path: "c.toml").pipeline.stages
    #expect(stages[0].guidance == Stage.defaultGuidance["qualifying"])
    #expect(stages[1].guidance == "Show it working on their data.")
    #expect(stages[2].guidance.isEmpty)
    do {
      _ = try ConfigFile.parseContents("[[stages]]\nkey = \"a\"\nguidance = 3", path: "c.toml")
      Issue.record("a number was read as guidance")
    } catch {
      #expect("\(error)".contains("c.toml:3: guidance must be a string"), "\(error)")
    }
  }

  /// Questions per criterion: defaults for the presets, `[checklists.NAME.questions]` for
  /// a preset or a checklist of one's own, each mistake named with its line.
  @Test func checklistsCarryQuestions() throws {
    #expect(PipelineConfig().questions(for: "budget").count == 2)
    #expect(
      ChecklistTemplate.meddic.criteria.allSatisfy { !(ChecklistTemplate.meddic.questions[$0.key] ?? []).isEmpty })
    let text = """
      [checklists.bant.questions]
      budget = ["Who signs the budget?"]

      [checklists.discovery]
      criteria = ["Pain", "Impact"]

      [checklists.discovery.questions]
      Pain = ["What hurts?", "Since when?"]

      [[stages]]
      key = "qualifying"
      checklist = "bant"

      [[stages]]
      key = "discovery"
      checklist = "discovery"
      """
    let config = try ConfigFile.parseContents(text, path: "c.toml").pipeline
    #expect(config.questions(for: "budget") == ["Who signs the budget?"])
    #expect(config.questions(for: "need") == ChecklistTemplate.bant.questions["need"])
    #expect(config.questions(for: "pain") == ["What hurts?", "Since when?"])
    #expect(config.questions(for: "impact").isEmpty)
    for (bad, message) in [
      ("[checklists.bant.questions]\nbudgett = [\"?\"]", "c.toml:2: 'budgett' is no criterion of BANT"),
      ("[checklists.bant.questions]\nbudget = \"?\"", "c.toml:2: budget must be a list of questions"),
      ("[checklists.bant]\nquestions = 3", "questions must be a table"),
      ("[checklists.bant.questions]\nbudget = [\"a\"]\nBudget = [\"b\"]", "Budget has questions twice"),
      ("[checklists.bant.questions]\nbudget = [\"  \"]", "c.toml:2: budget must be a list of questions (non-empty"),
      ("[checklists.nosuch.questions]\nbudget = [\"a\"]", "c.toml:1: checklists.nosuch needs criteria"),
    ] {
      do {
        _ = try ConfigFile.parseContents(bad, path: "c.toml")
        Issue.record("\(bad) was read")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  /// `[[fields]]`: key, title, type, choices; every mistake is named with its line.
  @Test func customFieldsAreReadAndChecked() throws {
    let text = """
      [[fields]]
      key = "industry"
      title = "Industry"
      type = "choice"
      choices = ["SaaS", "Retail"]

      [[fields]]
      key = "seats"
      type = "number"

      [[fields]]
      key = "champion"
      """
    let fields = try ConfigFile.parseContents(text, path: "c.toml").pipeline.fields
    #expect(fields.map(\.key) == ["industry", "seats", "champion"])
    #expect(fields.map(\.title) == ["Industry", "Seats", "Champion"])
    #expect(fields.map(\.kind) == [.choice, .number, .text])
    #expect(fields[0].choices == ["SaaS", "Retail"])
    for (bad, message) in [
      (
        "[[fields]]\nkey = \"seats\"\ntype = \"integer\"",
        "c.toml:3: type must be one of: text, number, amount, date, choice"
      ),
      ("[[fields]]\nkey = \"value\"", "c.toml:2: field key 'value' is taken by Closer"),
      ("[[fields]]\nkey = \"Seats\"", "c.toml:2: field key 'Seats' must be lowercase letters, digits and dashes"),
      ("[[fields]]\nkey = \"kind\"\ntype = \"choice\"", "c.toml:3: a choice field needs choices"),
      ("[[fields]]\nkey = \"kind\"\nchoices = [\"a\"]", "c.toml:3: choices are for type = \"choice\""),
      ("[[fields]]\nkey = \"a\"\n\n[[fields]]\nkey = \"a\"", "c.toml:5: field key 'a' is used twice"),
      ("[[fields]]\nkey = \"a\"\nlabel = \"A\"", "c.toml:3: unknown key 'label'"),
      ("[[fields]]\ntitle = \"A\"", "each [[fields]] needs key"),
      ("[[fields]]\nkey = \"note\"", "c.toml:2: field key 'note' is taken by Closer"),
      ("[[fields]]\nkey = \"-x\"", "c.toml:2: field key '-x' must be lowercase letters"),
      ("[[fields]]\nkey = \"a\"\ntitle = \"   \"", "c.toml:3: title must be a non-empty line"),
      ("[[fields]]\nkey = \"a\"\ntitle = \"Value\"", "c.toml:3: title 'Value' is a column of Closer's own"),
      (
        "[[fields]]\nkey = \"a\"\ntitle = \"Seats\"\n\n[[fields]]\nkey = \"seats\"",
        "fields 'a' and 'seats' would share a name"
      ),
      (
        "[[fields]]\nkey = \"a\"\ntitle = \"Size\"\n\n[[fields]]\nkey = \"b\"\ntitle = \"size\"",
        "c.toml:7: fields 'a' and 'b' would share a name"
      ),
      ("[[fields]]\nkey = \"k\"\ntype = \"choice\"\nchoices = [\"a\", \"A\"]", "c.toml:4: choice 'A' is listed twice"),
      ("[[fields]]\nkey = \"k\"\ntype = \"choice\"\nchoices = [\"None\"]", "c.toml:4: choice 'None' cannot be used"),
      ("[[fields]]\nkey = \"k\"\ntype = \"choice\"\nchoices = [\"a,b\"]", "c.toml:4: choice 'a,b' cannot be used"),
    ] {
      do {
        _ = try ConfigFile.parseContents(bad, path: "c.toml")
        Issue.record("\(bad) was read")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  /// `mouse = false` turns the mouse off; anything but a boolean is an error with the line.
  @Test func theMouseCanBeTurnedOff() throws {
    #expect(try ConfigFile.parseContents("", path: "c.toml").mouse)
    #expect(try !ConfigFile.parseContents("mouse = false", path: "c.toml").mouse)
    #expect(try ConfigFile.parseContents("mouse = true", path: "c.toml").mouse)
    for bad in ["mouse = \"off\"", "theme = \"dark\"\nmouse = 0"] {
      do {
        _ = try ConfigFile.parseContents(bad, path: "c.toml")
        Issue.record("\(bad) was read")
      } catch {
        #expect("\(error)".contains("mouse must be true or false"), "\(error)")
        #expect("\(error)".contains("c.toml:\(bad.split(separator: "\n").count)"), "\(error)")
      }
    }
  }

  @Test func theShippedExampleIsTheStandardPipeline() throws {
    #expect(try ConfigFile.parse(ConfigFile.example, path: "example.toml") == .standard)
  }

  @Test func stagesCanBeRenamedAddedAndRemovedWithTheirChecklists() throws {
    let text = """
      currency = "eur"
      lost-reasons = ["Price", "Silence"]

      [tiers]
      a = 80
      b = 50

      [checklists.discovery]
      title = "Discovery"
      criteria = ["Pain", "Champion", "Compelling event"]

      [[stages]]
      key = "new"
      title = "New"
      probability = 5

      [[stages]]
      key = "discovery"
      probability = 25
      checklist = "discovery"
      stall-days = 7

      [[stages]]
      key = "deal"
      title = "Deal"
      probability = 60
      checklist = "champ"

      [[stages]]
      key = "customer"
      title = "Customer"
      probability = 100
      """
    let config = try ConfigFile.parse(text, path: "c.toml")
    #expect(config.stages.map(\.key) == ["new", "discovery", "deal", "customer"])
    #expect(config.stages[1].title == "Discovery")
    #expect(config.stages[1].stallDays == 7)
    #expect(config.stages[2].checklist == "champ")
    #expect(config.defaultCurrency == "EUR")
    #expect(config.lostReasons == ["Price", "Silence"])
    #expect(config.tierCutoffs == TierCutoffs(a: 80, b: 50))
    #expect(
      config.criteria.map(\.key) == [
        "pain", "champion", "compelling-event", "challenges", "authority", "money", "prioritization",
      ])
  }

  @Test(arguments: [
    ("[[stages]]\nkey = \"a\"\nprobability = 150\n", 3, "probability must be a whole number from 0 to 100"),
    ("currency = \"EUR\"\n\n[tiers]\na = 20\nb = 40\n", 5, "must not be above tier a"),
    ("[[stages]]\nkey = \"a\"\n\n[[stages]]\nkey = \"a\"\n", 5, "used twice"),
    ("[[stages]]\nkey = \"a\"\nchecklist = \"spiced\"\n", 3, "checklist must name one of"),
    ("[[stages]]\nkey = \"a\"\nprobabilty = 5\n", 3, "unknown key 'probabilty'"),
    ("[[stages]]\nkey = \"Proposal Stage\"\n", 2, "lowercase letters"),
    ("[[stages]]\ntitle = \"x\"\n", 1, "needs key"),
    ("name = \"x\"\n", 1, "unknown key 'name'"),
    ("stages = []\n", 1, "non-empty list"),
    ("[checklists.x]\ncriteria = []\n", 2, "needs criteria"),
    ("[[stages]]\nkey = \"a\"\nprobability = = 5\n", 3, "parsing value"),
    ("currency = \"EURO\"\n", 1, "ISO 4217 code"),
    ("currency = \"ABC\"\n", 1, "ISO 4217 code"),
    ("[import.stage-map]\n\"Verbal yes\" = \"closing\"\n\"Signed\" = \"nowhere\"\n", 3, "which is no stage"),
    ("[import.stage-map]\nsigned = 5\n", 2, "must map to a stage key, won or lost"),
    ("[import]\nstage-mapping = 1\n", 2, "unknown key 'stage-mapping'"),
    ("theme = \"dark\"\nsync-every = \"10\"\n", 2, "sync-every must be a number of minutes or hours"),
    ("sync-every = \"0m\"\n", 1, "at least 1m"),
    ("sync-every = \"25h\"\n", 1, "at most 24h"),
    ("sync-every = 10\n", 1, "such as \"10m\""),
  ])
  func badFilesNameTheLineAndTheProblem(text: String, line: Int, message: String) {
    do {
      _ = try ConfigFile.parse(text, path: "/home/ana/.config/closer/config.toml")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.message.contains(message), "\(error)")
      #expect(error.description.hasPrefix("/home/ana/.config/closer/config.toml:\(line): "))
    }
  }
}
