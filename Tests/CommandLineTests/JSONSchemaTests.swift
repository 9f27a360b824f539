import Foundation
import Testing

/// The JSON every command prints matches its documented schema in docs/json: every
/// required key there (null where there is nothing to say), no key the schema does not
/// list, one type per key.
@Suite struct JSONSchemaTests {
  static func schema(_ name: String) throws -> [String: Any] {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/json/\(name).schema.json")
    return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: docs)) as? [String: Any])
  }

  /// The problems of `value` against `schema` (the subset of JSON Schema the docs use:
  /// type, enum, properties, required, additionalProperties, items).
  static func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
    var found: [String] = []
    if let allowed = schema["enum"] as? [String] {
      if !((value as? String).map(allowed.contains) ?? false) {
        found.append("\(path): \(value) is not one of \(allowed)")
      }
      return found
    }
    let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
    func kind(_ value: Any) -> String {
      if value is NSNull { return "null" }
      if let number = value as? NSNumber {
        if String(cString: number.objCType) == "c" { return "boolean" }
        return number.doubleValue == number.doubleValue.rounded() && !"\(number)".contains(".") ? "integer" : "number"
      }
      if value is String { return "string" }
      if value is [Any] { return "array" }
      if value is [String: Any] { return "object" }
      return "unknown"
    }
    let actual = kind(value)
    if !types.isEmpty && !types.contains(actual) && !(actual == "integer" && types.contains("number")) {
      return ["\(path): \(actual), expected \(types)"]
    }
    if let object = value as? [String: Any] {
      let properties = schema["properties"] as? [String: Any] ?? [:]
      for key in schema["required"] as? [String] ?? [] where object[key] == nil {
        found.append("\(path).\(key) is missing")
      }
      for (key, child) in object {
        if let property = properties[key] as? [String: Any] {
          found += problems(child, property, at: "\(path).\(key)")
        } else if let extra = schema["additionalProperties"] as? [String: Any] {
          found += problems(child, extra, at: "\(path).\(key)")
        } else if schema["additionalProperties"] as? Bool == false {
          found.append("\(path).\(key) is not in the schema")
        }
      }
    }
    if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
      for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
    }
    return found
  }

  func expectMatches(_ output: String, _ schemaName: String, array: Bool = false, _ what: String) throws {
    let value = try json(output)
    let schema = try Self.schema(schemaName)
    let items = array ? try #require(value as? [Any]) : [value]
    #expect(!items.isEmpty, "\(what) printed nothing")
    for item in items {
      let problems = Self.problems(item, schema)
      #expect(problems.isEmpty, "\(what): \(problems)")
    }
  }

  @Test func everyCommandsJSONMatchesItsSchema() throws {
    let box = Sandbox()
    let csv = "\(box.path)/deals.csv"
    try """
    name,company,value,stage,status,created,closed,lost reason,follow-up,due
    Alpha,A Co,10000,,won,2026-01-10,2026-02-09,,,
    Beta,,,,lost,2026-01-20,2026-02-11,Budget,,
    Gamma,C Co,EUR 5000,proposal,open,2026-02-01,,,Call,2030-01-01
    Delta,D Co,700,qualifying,open,2026-03-01,,,,

    """.write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try box.run(["import", csv]).status == 0)
    try expectMatches(box.run(["list", "--status", "all", "--json"]).stdout, "lead", array: true, "list")
    try expectMatches(box.run(["show", "gamma", "--json"]).stdout, "lead", "show")
    try expectMatches(box.run(["show", "beta", "--json"]).stdout, "lead", "show of a lost deal")
    try expectMatches(box.run(["tick", "delta", "budget", "--json"]).stdout, "lead", "tick")
    try expectMatches(box.run(["edit", "delta", "--owner", "sam", "--json"]).stdout, "lead", "edit")
    try expectMatches(box.run(["assign", "gamma", "kim", "--json"]).stdout, "lead", "assign")
    try expectMatches(box.run(["note", "gamma", "#1", "--json"]).stdout, "lead", "note")
    try expectMatches(box.run(["move", "delta", "proposal", "--override-gate", "--json"]).stdout, "lead", "move")
    try expectMatches(
      box.run(["follow-up", "delta", "Send quote", "--due", "2030-02-01", "--json"]).stdout, "lead", "follow-up")
    try expectMatches(box.run(["won", "delta", "--json"]).stdout, "lead", "won")
    try expectMatches(box.run(["reopen", "delta", "--json"]).stdout, "lead", "reopen")
    try expectMatches(box.run(["lost", "delta", "--reason", "Budget", "--json"]).stdout, "lead", "lost")
    try expectMatches(
      box.run(["stats", "--since", "2026-01-01", "--until", "2026-04-01", "--json"]).stdout, "stats", "stats")
    try expectMatches(box.run(["stats", "--period", "7d", "--json"]).stdout, "stats", "stats of a quiet week")
    for by in ["owner", "source", "stage"] {
      try expectMatches(box.run(["stats", "--by", by, "--json"]).stdout, "stats-by", "stats --by \(by)")
    }
    try expectMatches(box.run(["log", "gamma", "call", "Talked", "--json"]).stdout, "lead", "log")
  }

  /// The checker catches what it should: a missing key, an extra one, a wrong type.
  @Test func theCheckerCatchesMismatches() throws {
    let schema = try Self.schema("lead")
    #expect(Self.problems(["id": "x"], schema).contains("$.name is missing"))
    var lead = try #require(
      try json(
        """
        {"id":"abcd","name":"A","company":null,"email":null,"phone":null,"owner":null,"source":null,"ref":null,
        "stage":"s","stageTitle":"S","position":1,"value":null,"currency":null,"status":"open","lostReason":null,
        "closed":null,"created":"t","stageEntered":"t","daysInStage":0,"expectedClose":null,"checklist":{},
        "score":1,"tier":"C","followUp":null,"stalled":false,"fields":{},"answers":{},"referredBy":null}
        """) as? [String: Any])
    #expect(Self.problems(lead, schema).isEmpty)
    lead["extra"] = 1
    lead["score"] = "high"
    let problems = Self.problems(lead, schema)
    #expect(problems.contains("$.extra is not in the schema"))
    #expect(problems.contains { $0.hasPrefix("$.score: string") })
  }
}
