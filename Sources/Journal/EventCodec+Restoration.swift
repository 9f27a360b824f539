import PipelineCore

/// `lead.restored`: `{"reverses":ID,"position":N,"lead":{...}}`, or `"lead":null` for a lead
/// whose adding was undone. The lead holds every field but its notes.
extension EventCodec {
  static func encode(_ restoration: Restoration, into w: inout LineWriter) {
    w.field("reverses", restoration.reverses)
    w.field("position", Int64(restoration.position))
    guard let lead = restoration.lead else {
      w.null("lead")
      return
    }
    w.key("lead")
    w.open()
    w.field("name", lead.name)
    if !lead.company.isEmpty { w.field("company", lead.company) }
    if !lead.email.isEmpty { w.field("email", lead.email) }
    if !lead.phone.isEmpty { w.field("phone", lead.phone) }
    if !lead.owner.isEmpty { w.field("owner", lead.owner) }
    if !lead.source.isEmpty { w.field("source", lead.source) }
    if !lead.reference.isEmpty { w.field("ref", lead.reference) }
    if let value = lead.value {
      w.field("value", value.minorUnits)
      w.field("currency", value.currency)
    }
    if let day = lead.expectedClose { w.field("expectedClose", day.description) }
    if let referrer = lead.referredBy { w.field("referredBy", referrer.rawValue) }
    if !lead.custom.isEmpty { encodeCustom(lead.custom.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, &w) }
    w.field("stage", lead.stage)
    w.field("status", lead.status.rawValue)
    if let reason = lead.lostReason { w.field("lostReason", reason) }
    w.field("created", lead.created.iso8601)
    w.field("stageEntered", lead.stageEntered.iso8601)
    if let closed = lead.closed { w.field("closed", closed.iso8601) }
    w.field("lastActivity", lead.lastActivity.iso8601)
    w.key("checklist")
    w.open()
    for (criterion, checked) in lead.checklist.sorted(by: { $0.key < $1.key }) {
      w.key(text: criterion)
      w.bytes += checked ? Array("true".utf8) : Array("false".utf8)
    }
    w.close()
    if !lead.answers.isEmpty {
      w.key("answers")
      w.open()
      for (criterion, answer) in lead.answers.sorted(by: { $0.key < $1.key }) {
        w.key(text: criterion)
        w.string(answer)
      }
      w.close()
    }
    if let followUp = lead.followUp {
      w.key("followUp")
      w.open()
      w.field("action", followUp.action)
      w.field("due", followUp.due.description)
      w.close()
    }
    w.array("history", lead.stageHistory) { w, visit in
      w.open()
      w.field("stage", visit.stage)
      w.field("entered", visit.entered.iso8601)
      if let left = visit.left { w.field("left", left.iso8601) }
      w.close()
    }
    w.close()
  }

  static func decodeRestoration(_ p: inout LineScanner, lead id: String) throws(LineError) -> Restoration {
    var reverses = ""
    var position = 1
    var lead: Lead?
    try p.object { (key, s) throws(LineError) in
      if key.matches("reverses") {
        reverses = try s.string()
      } else if key.matches("position") {
        position = Int(max(1, min(try s.int(), Int64(Int32.max))))
      } else if key.matches("lead") {
        if !s.consumeNull() { lead = try decodeRestoredLead(&s, id: id) }
      } else {
        try s.skipValue()
      }
    }
    return Restoration(reverses: reverses, lead: lead, position: position)
  }

  private static func decodeRestoredLead(_ s: inout LineScanner, id: String) throws(LineError) -> Lead {
    var fields: [String: String] = [:]
    var minor: Int64?
    var checklist: [String: Bool] = [:]
    var followUp: FollowUp?
    var history: [StageVisit] = []
    var custom: [String: String] = [:]
    var answers: [String: String] = [:]
    try s.object { (key, s) throws(LineError) in
      if key.matches("answers") {
        try s.object { (criterion, s) throws(LineError) in answers[criterion.text] = try s.string() }
      } else if key.matches("custom") {
        for (field, value) in try decodeCustom(&s) { custom[field] = value }
      } else if key.matches("value") {
        minor = s.consumeNull() ? nil : try s.int()
      } else if key.matches("checklist") {
        try s.object { (criterion, s) throws(LineError) in checklist[criterion.text] = try s.bool() }
      } else if key.matches("followUp") {
        if s.consumeNull() { return }
        var action: String?
        var due: String?
        try s.object { (key, s) throws(LineError) in
          if key.matches("action") {
            action = try s.string()
          } else if key.matches("due") {
            due = try s.string()
          } else {
            try s.skipValue()
          }
        }
        guard let action, let dueDay = try day(due, "due") else { throw LineError("a followUp needs action and due") }
        followUp = FollowUp(action: action, due: dueDay)
      } else if key.matches("history") {
        try s.array { (s) throws(LineError) in
          var stage: String?
          var entered: Timestamp?
          var left: Timestamp?
          try s.object { (key, s) throws(LineError) in
            if key.matches("stage") {
              stage = try s.string()
            } else if key.matches("entered") {
              entered = try time(try s.string())
            } else if key.matches("left") {
              left = s.consumeNull() ? nil : try time(try s.string())
            } else {
              try s.skipValue()
            }
          }
          guard let stage, let entered else { throw LineError("a stage visit needs stage and entered") }
          history.append(StageVisit(stage: stage, entered: entered, left: left))
        }
      } else if s.peek() == 0x22 {
        fields[key.text] = try s.string()
      } else {
        try s.skipValue()
      }
    }
    guard let name = fields["name"], let stage = fields["stage"], let created = fields["created"] else {
      throw LineError("lead.restored needs the lead's name, stage and created")
    }
    var lead = Lead(id: LeadID(id), name: name, stage: stage, created: try time(created))
    lead.company = fields["company"] ?? ""
    lead.email = fields["email"] ?? ""
    lead.phone = fields["phone"] ?? ""
    lead.owner = fields["owner"] ?? ""
    lead.source = fields["source"] ?? ""
    lead.reference = fields["ref"] ?? ""
    lead.value = try money(minor, fields["currency"])
    lead.expectedClose = try day(fields["expectedClose"], "expectedClose")
    lead.custom = custom
    lead.answers = answers
    lead.referredBy = fields["referredBy"].map { LeadID($0) }
    guard let status = LeadStatus(rawValue: fields["status"] ?? "open") else {
      throw LineError("\"status\" is not open, won or lost")
    }
    lead.status = status
    lead.lostReason = fields["lostReason"]
    lead.stageEntered = try fields["stageEntered"].map(time) ?? lead.created
    lead.closed = try fields["closed"].map(time)
    lead.lastActivity = try fields["lastActivity"].map(time) ?? lead.created
    lead.checklist = LeadChecklist(checklist)
    lead.followUp = followUp
    if !history.isEmpty { lead.stageHistory = history }
    return lead
  }

  private static func time(_ text: String) throws(LineError) -> Timestamp {
    guard let time = Timestamp(iso8601: text) else { throw LineError("'\(text)' is not a timestamp") }
    return time
  }
}
