import Foundation
import PipelineCore
import TOMLKit

/// Reads `config.toml` into a `PipelineConfig`.
///
/// Every key is checked: unknown keys (often typos) and values out of range are errors that
/// name the file and line, never silently ignored.
public enum ConfigFile {
  /// Everything a configuration file sets.
  public struct Contents: Sendable {
    public var pipeline: PipelineConfig
    /// The board's theme by name (`theme = "light"`), if set.
    public var theme: String?
    /// `[import.stage-map]`: a stage name in imported files to a stage key, `won` or `lost`.
    public var importStageMap: [String: String]
    /// `[import.columns]`: a header in imported files to the field it fills (or `ignore`).
    public var importColumns: [String: String]
    /// `sync-every = "10m"`: how often an open board syncs a team pipeline, in seconds
    /// (nil: only when the rep presses S).
    public var syncEvery: Int?
    /// `[views.NAME] where = "..."`: saved filters the board cycles with V, by name.
    public var views: [(name: String, filter: String)] = []
    /// `mouse = false`: the board does not ask the terminal for mouse reports.
    public var mouse = true

    public init(
      pipeline: PipelineConfig, theme: String?, importStageMap: [String: String] = [:],
      importColumns: [String: String] = [:]
    ) {
      self.pipeline = pipeline
      self.theme = theme
      self.importStageMap = importStageMap
      self.importColumns = importColumns
    }
  }

  /// Parses configuration `text`; `path` is only used in messages.
  public static func parse(_ text: String, path: String) throws(ConfigError) -> PipelineConfig {
    try parseContents(text, path: path).pipeline
  }

  /// Parses configuration `text` with the settings that are not about the pipeline.
  public static func parseContents(_ text: String, path: String) throws(ConfigError) -> Contents {
    let source = SourceLines(text)
    let root = try parseTOML(text, path: path)
    var reader = Reader(path: path, source: source)
    let pipeline = try reader.config(root)
    var theme: String?
    if let value = root["theme"] {
      guard let name = value.string, !name.isEmpty else {
        throw ConfigError(
          path: path, line: source.line(of: "theme"), message: "theme must be a name such as \"light\"")
      }
      theme = name
    }
    let stageMap = try reader.importSettings(root, pipeline: pipeline)
    let columns = try reader.importColumns(root)
    var contents = Contents(pipeline: pipeline, theme: theme, importStageMap: stageMap, importColumns: columns)
    contents.views = try reader.views(root, pipeline: pipeline)
    if let value = root["mouse"] {
      guard let on = value.bool else {
        throw ConfigError(
          path: path, line: source.line(of: "mouse"),
          message: "mouse must be true or false (mouse = false turns it off)")
      }
      contents.mouse = on
    }
    if let value = root["sync-every"] {
      let problem = ConfigError(
        path: path, line: source.line(of: "sync-every"),
        message:
          "sync-every must be a number of minutes or hours such as \"10m\" or \"1h\", at least 1m and at most 24h (or \"off\")"
      )
      guard let text = value.string?.trimmingCharacters(in: .whitespaces).lowercased() else { throw problem }
      if text != "off" {
        guard let unit = text.last, unit == "m" || unit == "h", let count = Int(text.dropLast()), count > 0 else {
          throw problem
        }
        let seconds = count * (unit == "h" ? 3600 : 60)
        guard seconds <= 86_400 else { throw problem }
        contents.syncEvery = seconds
      }
    }
    return contents
  }

  /// The checklist presets and stage defaults, as a commented file to start from.
  public static let example = """
    # Closer configuration. Every key is optional; delete what you don't change.
    theme = "dark"      # dark, light, mono, or a file in $XDG_CONFIG_HOME/closer/themes
    currency = "USD"
    lost-reasons = ["Budget", "Timing", "Chose competitor", "No decision", "Bad fit"]

    [tiers]           # lowest score of each tier; below b is C
    a = 70
    b = 40

    [scoring]         # points for each part of the score; they add up to 100
    checklist = 50    # ticked qualification criteria
    fields = 25       # company, email, phone, source, value, expected close
    engagement = 25   # recent activity, fading:
    half-life-days = 14  # after this many idle days, half of the engagement points remain

    # The board's columns, in order. Won deals go to the last one.
    [[stages]]
    key = "lead-generation"
    title = "Lead Generation"
    probability = 5   # percent chance of winning, weights the column's value
    stall-days = 14   # days without activity before a deal counts as stalled

    [[stages]]
    key = "qualifying"
    title = "Qualifying"
    probability = 10
    checklist = "bant"  # a preset (bant, champ, meddic) or one of [checklists.*]

    [[stages]]
    key = "needs-assessment"
    title = "Needs Assessment"
    probability = 20

    [[stages]]
    key = "proposal"
    title = "Proposal"
    probability = 50

    [[stages]]
    key = "negotiation"
    title = "Negotiation"
    probability = 75

    [[stages]]
    key = "closing"
    title = "Closing"
    probability = 90

    [[stages]]
    key = "post-sale"
    title = "Post-Sale Follow-Up"
    probability = 100

    # A checklist of your own:
    # [checklists.discovery]
    # title = "Discovery"
    # criteria = ["Pain", "Champion", "Compelling event"]

    """
}

private struct Reader {
  let path: String
  let source: SourceLines

  func fail(_ message: String, key: String? = nil, array: String? = nil, index: Int = 0, table: String? = nil)
    -> ConfigError
  {
    ConfigError(path: path, line: source.line(of: key, inArray: array, index: index, inTable: table), message: message)
  }

  mutating func config(_ root: TOMLTable) throws(ConfigError) -> PipelineConfig {
    var config = PipelineConfig()
    try allowOnly(
      [
        "currency", "decimal-mark", "lost-reasons", "tiers", "scoring", "stages", "checklists", "theme", "import",
        "sync-every", "views", "mouse", "fields", "post-sale",
      ],
      in: root,
      context: "the file")

    if let value = root["currency"] {
      guard let code = value.string, Currency.isCode(code.uppercased()) else {
        throw fail("currency must be an ISO 4217 code such as \"EUR\" or \"USD\"", key: "currency")
      }
      config.defaultCurrency = code.uppercased()
    }
    if let value = root["decimal-mark"] {
      switch value.string?.lowercased() {
      case ".", "point", "dot": config.decimalMark = .point
      case ",", "comma": config.decimalMark = .comma
      default:
        throw fail(
          "decimal-mark must be \".\" (1,234.56) or \",\" (1.234,56)", key: "decimal-mark")
      }
    }
    if let value = root["lost-reasons"] {
      guard let reasons = value.array?.map({ $0.string }), !reasons.isEmpty, reasons.allSatisfy({ $0 != nil }) else {
        throw fail("lost-reasons must be a list of strings", key: "lost-reasons")
      }
      config.lostReasons = reasons.compactMap { $0 }
    }
    if let value = root["tiers"] {
      guard let tiers = value.table else { throw fail("tiers must be a table with a and b", key: "tiers") }
      try allowOnly(["a", "b"], in: tiers, context: "[tiers]", table: "tiers")
      let a = try int(tiers["a"], key: "a", table: "tiers", range: 0...100) ?? config.tierCutoffs.a
      let b = try int(tiers["b"], key: "b", table: "tiers", range: 0...100) ?? config.tierCutoffs.b
      guard b <= a else { throw fail("tier b (\(b)) must not be above tier a (\(a))", key: "b", table: "tiers") }
      config.tierCutoffs = TierCutoffs(a: a, b: b)
    }
    if let value = root["scoring"] {
      guard let table = value.table else { throw fail("scoring must be a table", key: "scoring") }
      try allowOnly(
        ["checklist", "fields", "engagement", "half-life-days"], in: table, context: "[scoring]", table: "scoring")
      var weights = config.scoring
      weights.checklist =
        try int(table["checklist"], key: "checklist", table: "scoring", range: 0...100) ?? weights.checklist
      weights.fields = try int(table["fields"], key: "fields", table: "scoring", range: 0...100) ?? weights.fields
      weights.engagement =
        try int(table["engagement"], key: "engagement", table: "scoring", range: 0...100) ?? weights.engagement
      weights.halfLifeDays =
        try int(table["half-life-days"], key: "half-life-days", table: "scoring", range: 1...365)
        ?? weights.halfLifeDays
      let sum = weights.checklist + weights.fields + weights.engagement
      guard sum == 100 else {
        throw fail("checklist, fields and engagement must add up to 100 (they add up to \(sum))", table: "scoring")
      }
      config.scoring = weights
    }
    if let value = root["checklists"] {
      guard let tables = value.table else {
        throw fail("checklists must be tables such as [checklists.discovery]", key: "checklists")
      }
      for key in tables.keys.sorted() {
        let name = "checklists.\(key)"
        guard let table = tables[key]?.table else { throw fail("\(name) must be a table", table: name) }
        try allowOnly(["title", "criteria", "questions"], in: table, context: "[\(name)]", table: name)
        // A preset's questions alone: [checklists.bant.questions] with no criteria.
        if table["criteria"] == nil, let preset = config.checklists[key] {
          var template = preset
          if let title = table["title"]?.string { template.title = title }
          // Criteria it lists get these questions; the others keep the preset's.
          template.questions.merge(try questions(table, of: template, name: name) ?? [:]) { _, new in new }
          config.checklists[key] = template
          continue
        }
        guard let criteria = table["criteria"]?.array?.compactMap({ $0.string }), !criteria.isEmpty,
          criteria.count == table["criteria"]?.array?.count
        else {
          throw fail(
            "\(name) needs criteria = [\"...\", ...], a list of names",
            key: table["criteria"] == nil ? nil : "criteria",
            table: table["criteria"] == nil && table["questions"] != nil ? "\(name).questions" : name)
        }
        guard criteria.count <= 9 else {
          throw fail("\(name) has \(criteria.count) criteria; keys 1-9 reach at most 9", key: "criteria", table: name)
        }
        var template = ChecklistTemplate(
          key: key, title: table["title"]?.string ?? key.uppercased(), criterionTitles: criteria)
        guard Set(template.criteria.map(\.key)).count == criteria.count,
          template.criteria.allSatisfy({ !$0.key.isEmpty })
        else {
          throw fail("\(name) has criteria that are blank or the same", key: "criteria", table: name)
        }
        // A preset's criteria keep their questions when a checklist of that name lists them.
        let preset = config.checklists[key]?.questions ?? [:]
        template.questions =
          try questions(table, of: template, name: name)
          ?? preset.filter { key, _ in
            template.criteria.contains { $0.key == key }
          }
        config.checklists[key] = template
      }
    }
    if let value = root["stages"] {
      guard let array = value.array, !array.isEmpty else {
        throw fail("stages must be a non-empty list of [[stages]] tables", key: "stages")
      }
      var stages: [Stage] = []
      for index in 0..<array.count {
        guard let table = array[index].table else {
          throw fail("each stage must be a [[stages]] table", key: "stages")
        }
        stages.append(try stage(table, index: index, config: config))
      }
      var seen = Set<String>()
      for (index, stage) in stages.enumerated() where !seen.insert(stage.key).inserted {
        throw fail("stage key '\(stage.key)' is used twice", key: "key", array: "stages", index: index)
      }
      config.stages = stages
    }
    if let value = root["post-sale"] {
      guard let table = value.table else {
        throw fail("post-sale must be a table: [post-sale] check-ins = [\"+2d Thank-you note\", ...]", key: "post-sale")
      }
      try allowOnly(["check-ins"], in: table, context: "[post-sale]", table: "post-sale")
      if let list = table["check-ins"] {
        guard let texts = list.array?.map({ $0.string }), texts.allSatisfy({ $0 != nil }) else {
          throw fail("check-ins must be a list such as [\"+2d Thank-you note\"]", key: "check-ins", table: "post-sale")
        }
        var steps: [CheckIn] = []
        for text in texts.compactMap({ $0 }) {
          guard let step = CheckIn.parse(text) else {
            throw fail(
              "'\(text)' is not a check-in; write \"+2d Thank-you note\" (days d, weeks w or months m, up to ten years, then the action)",
              key: "check-ins", table: "post-sale")
          }
          guard steps.last.map({ $0.days <= step.days }) ?? true else {
            throw fail(
              "check-ins go in order: '\(text)' comes before the one above it", key: "check-ins", table: "post-sale")
          }
          guard !steps.contains(where: { SearchKey.fold($0.action) == SearchKey.fold(step.action) }) else {
            throw fail("'\(step.action)' is in the check-ins twice", key: "check-ins", table: "post-sale")
          }
          steps.append(step)
        }
        config.checkIns = steps
      }
    }
    if let value = root["fields"] {
      guard let array = value.array else {
        throw fail("fields must be a list of [[fields]] tables", key: "fields")
      }
      var seen = Set<String>()
      for index in 0..<array.count {
        guard let table = array[index].table else {
          throw fail("each field must be a [[fields]] table", key: "fields")
        }
        let field = try customField(table, index: index)
        guard seen.insert(field.key).inserted else {
          throw fail("field key '\(field.key)' is used twice", key: "key", array: "fields", index: index)
        }
        // A title names one field: not another's title, nor another's key.
        let title = SearchKey.fold(field.title)
        if let other = config.fields.first(where: {
          SearchKey.fold($0.title) == title || $0.key == title || SearchKey.fold(field.key) == SearchKey.fold($0.title)
        }) {
          throw fail(
            "fields '\(other.key)' and '\(field.key)' would share a name ('\(field.title)' / '\(other.title)'); give each its own title",
            key: "title", array: "fields", index: index)
        }
        config.fields.append(field)
      }
    }
    let criteria = config.criteria
    if criteria.count > 9 {
      throw fail(
        "the stages' checklists add up to \(criteria.count) criteria; keys 1-9 reach at most 9", key: "stages")
    }
    return config
  }

  /// `[import.columns]`: "Header in the file" = "field"; the import checks the fields.
  /// `[views.NAME] where = "..."`, by name; each filter is read now, so that a bad term is
  /// named with the file and line (`me` is taken as a name here: the board reads it with the
  /// rep's own).
  func views(_ root: TOMLTable, pipeline config: PipelineConfig) throws(ConfigError) -> [(
    name: String, filter: String
  )] {
    guard let value = root["views"] else { return [] }
    guard let table = value.table else {
      throw fail("views must be tables: [views.mine] where = \"owner:me -status:lost\"", key: "views")
    }
    var views: [(name: String, filter: String)] = []
    for name in table.keys.sorted() {
      guard let view = table[name]?.table else {
        throw fail(
          "views.\(name) must be a table with where = \"...\" (docs/filters.md)", key: name, table: "views")
      }
      try allowOnly(["where"], in: view, context: "views.\(name)", table: "views.\(name)")
      guard let text = view["where"]?.string, !text.allSatisfy(\.isWhitespace) else {
        throw fail("views.\(name) needs where = \"a filter\" (docs/filters.md)", table: "views.\(name)")
      }
      do throws(LeadFilterError) {
        _ = try LeadFilter(
          text, context: LeadFilter.Context(me: "me", today: CalendarDay(daysSinceEpoch: 0), config: config))
      } catch {
        throw fail("views.\(name): \(error)", key: "where", table: "views.\(name)")
      }
      views.append((name, text))
    }
    return views
  }

  func importColumns(_ root: TOMLTable) throws(ConfigError) -> [String: String] {
    guard let table = root["import"]?.table, let value = table["columns"] else { return [:] }
    guard let map = value.table else {
      throw fail("columns must be a table: \"Header in the file\" = \"field\"", table: "import")
    }
    var result: [String: String] = [:]
    for header in map.keys.sorted() {
      guard let field = map[header]?.string else {
        throw fail(
          "\"\(header)\" must name a field such as \"value\", \"created\" or \"ignore\"", key: header,
          table: "import.columns")
      }
      result[header] = field
    }
    return result
  }

  /// `[import.stage-map]`, each target checked against the pipeline's stages.
  func importSettings(_ root: TOMLTable, pipeline config: PipelineConfig) throws(ConfigError) -> [String: String] {
    guard let value = root["import"] else { return [:] }
    guard let table = value.table else { throw fail("import must be a table", key: "import") }
    try allowOnly(["stage-map", "columns"], in: table, context: "[import]", table: "import")
    guard let mapValue = table["stage-map"] else { return [:] }
    guard let map = mapValue.table else {
      throw fail("stage-map must be a table: \"Stage in the file\" = \"stage-key\"", table: "import")
    }
    let pipeline = Pipeline(config: config)
    var result: [String: String] = [:]
    for name in map.keys.sorted() {
      guard let target = map[name]?.string else {
        throw fail("\"\(name)\" must map to a stage key, won or lost", key: name, table: "import.stage-map")
      }
      let folded = target.lowercased()
      guard folded == "won" || folded == "lost" || (try? pipeline.resolveStage(target).get()) != nil else {
        throw fail(
          "\"\(name)\" maps to '\(target)', which is no stage; use one of \(config.stages.map(\.key).joined(separator: ", ")), won or lost",
          key: name, table: "import.stage-map")
      }
      result[name] = target
    }
    return result
  }

  func stage(_ table: TOMLTable, index: Int, config: PipelineConfig) throws(ConfigError) -> Stage {
    try allowOnly(
      ["key", "title", "probability", "checklist", "stall-days", "guidance"], in: table, context: "[[stages]]",
      array: "stages", index: index)
    guard let key = table["key"]?.string else {
      throw fail("each [[stages]] needs key = \"...\"", key: "key", array: "stages", index: index)
    }
    guard Stage.isValidKey(key) else {
      throw fail(
        "stage key '\(key)' must be lowercase letters, digits and dashes", key: "key", array: "stages", index: index)
    }
    let title = table["title"].map { $0.string } ?? .some(Self.title(forKey: key))
    guard let title, !title.isEmpty else {
      throw fail("title must be a non-empty string", key: "title", array: "stages", index: index)
    }
    let probability =
      try int(table["probability"], key: "probability", array: "stages", index: index, range: 0...100) ?? 0
    let stallDays =
      try int(table["stall-days"], key: "stall-days", array: "stages", index: index, range: 1...3650) ?? 14
    var checklist: String?
    if let value = table["checklist"] {
      guard let name = value.string, config.checklists[name] != nil else {
        let known = config.checklists.keys.sorted().joined(separator: ", ")
        throw fail(
          "checklist must name one of: \(known)", key: "checklist", array: "stages", index: index)
      }
      checklist = name
    }
    var guidance = Stage.defaultGuidance[key] ?? ""
    if let value = table["guidance"] {
      guard let text = value.string else {
        throw fail(
          "guidance must be a string: what to achieve in the stage", key: "guidance", array: "stages", index: index)
      }
      guidance = text.trimmingWhitespace
    }
    return Stage(
      key: key, title: title, probability: probability, checklist: checklist, stallDays: stallDays, guidance: guidance)
  }

  /// `[checklists.NAME.questions]`: criterion (key or title) = ["question", ...]; nil when
  /// the table has none.
  func questions(_ table: TOMLTable, of template: ChecklistTemplate, name: String) throws(ConfigError)
    -> [String: [String]]?
  {
    guard let value = table["questions"] else { return nil }
    let context = "\(name).questions"
    guard let questions = value.table else {
      throw fail("\(context) must be a table: criterion = [\"question\", ...]", key: "questions", table: name)
    }
    var result: [String: [String]] = [:]
    for criterion in questions.keys.sorted() {
      let folded = SearchKey.fold(criterion)
      guard
        let found = template.criteria.first(where: { $0.key == criterion || SearchKey.fold($0.title) == folded })
      else {
        throw fail(
          "'\(criterion)' is no criterion of \(template.title); use \(template.criteria.map(\.key).joined(separator: ", "))",
          key: criterion, table: context)
      }
      guard let list = questions[criterion]?.array?.map({ $0.string?.trimmingWhitespace }),
        list.allSatisfy({ $0.map { !$0.isEmpty } ?? false })
      else {
        throw fail("\(criterion) must be a list of questions (non-empty strings)", key: criterion, table: context)
      }
      guard result[found.key] == nil else {
        throw fail("\(found.title) has questions twice in \(context)", key: criterion, table: context)
      }
      result[found.key] = list.compactMap { $0 }
    }
    return result
  }

  /// One `[[fields]]` table: key, title, type, and for a choice its choices.
  func customField(_ table: TOMLTable, index: Int) throws(ConfigError) -> CustomField {
    try allowOnly(["key", "title", "type", "choices"], in: table, context: "[[fields]]", array: "fields", index: index)
    guard let key = table["key"]?.string else {
      throw fail("each [[fields]] needs key = \"...\"", key: "key", array: "fields", index: index)
    }
    guard Stage.isValidKey(key), !key.hasPrefix("-"), !key.hasSuffix("-") else {
      throw fail(
        "field key '\(key)' must be lowercase letters, digits and dashes (not at either end)", key: "key",
        array: "fields", index: index)
    }
    guard !CustomField.reservedKeys.contains(key) else {
      throw fail(
        "field key '\(key)' is taken by Closer (a lead's own field or a filter's key); choose another",
        key: "key", array: "fields", index: index)
    }
    let title = table["title"].map { $0.string?.trimmingWhitespace } ?? .some(Self.title(forKey: key))
    guard let title, !title.isEmpty, !title.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
    else {
      throw fail("title must be a non-empty line of text", key: "title", array: "fields", index: index)
    }
    guard !CustomField.reservedTitles.contains(title.lowercased()) else {
      throw fail(
        "title '\(title)' is a column of Closer's own (in exports and imports); choose another", key: "title",
        array: "fields", index: index)
    }
    let kinds = CustomField.Kind.allCases.map(\.rawValue)
    guard let typeName = table["type"].map({ $0.string }) ?? .some("text"),
      let kind = CustomField.Kind(rawValue: typeName)
    else {
      throw fail("type must be one of: \(kinds.joined(separator: ", "))", key: "type", array: "fields", index: index)
    }
    var choices: [String] = []
    if let value = table["choices"] {
      guard kind == .choice else {
        throw fail("choices are for type = \"choice\"", key: "choices", array: "fields", index: index)
      }
      guard let list = value.array?.map({ $0.string }), list.allSatisfy({ $0.map { !$0.isEmpty } ?? false }) else {
        throw fail("choices must be a list of non-empty strings", key: "choices", array: "fields", index: index)
      }
      choices = list.compactMap { $0?.trimmingWhitespace }
      var seen = Set<String>()
      for choice in choices {
        // A filter lists choices with commas and says `none` for no value.
        guard !choice.isEmpty, !choice.contains(","), !["none", "any"].contains(SearchKey.fold(choice)) else {
          throw fail(
            "choice '\(choice)' cannot be used: choices are not empty, have no commas and are not none or any",
            key: "choices", array: "fields", index: index)
        }
        guard seen.insert(SearchKey.fold(choice)).inserted else {
          throw fail(
            "choice '\(choice)' is listed twice (case and accents aside)", key: "choices", array: "fields", index: index
          )
        }
      }
    }
    if kind == .choice && choices.isEmpty {
      throw fail(
        "a choice field needs choices = [\"...\", \"...\"]", key: "type", array: "fields", index: index)
    }
    return CustomField(key: key, title: title, kind: kind, choices: choices)
  }

  func int(
    _ value: TOMLValueConvertible?, key: String, array: String? = nil, index: Int = 0, table: String? = nil,
    range: ClosedRange<Int>
  ) throws(ConfigError) -> Int? {
    guard let value else { return nil }
    guard let number = value.int, range.contains(number) else {
      throw fail(
        "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)", key: key, array: array,
        index: index, table: table)
    }
    return number
  }

  func allowOnly(
    _ keys: Set<String>, in table: TOMLTable, context: String, array: String? = nil, index: Int = 0,
    table tableName: String? = nil
  ) throws(ConfigError) {
    for key in table.keys.sorted() where !keys.contains(key) {
      throw fail(
        "unknown key '\(key)' in \(context); known keys: \(keys.sorted().joined(separator: ", "))", key: key,
        array: array, index: index, table: tableName)
    }
  }

  static func title(forKey key: String) -> String {
    key.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
  }
}
