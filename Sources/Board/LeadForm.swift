import PipelineCore
import TerminalModel
import TerminalText

/// The add and edit form: the lead's main fields as text inputs.
public struct LeadForm: Sendable, Equatable {
  public enum Field: Int, CaseIterable, Sendable {
    case name, company, value, email, phone, source

    var label: String {
      switch self {
      case .name: "Name"
      case .company: "Company"
      case .value: "Value"
      case .email: "Email"
      case .phone: "Phone"
      case .source: "Source"
      }
    }
  }

  /// The lead being edited, or nil for a new one.
  public var lead: LeadID?
  /// Where a new lead goes.
  public var stage: String
  /// The config's custom fields, in rows after the lead's own.
  public var custom: [CustomField] = []
  /// One input per row: the lead's own fields, then the custom ones.
  public var inputs: [TextInput]
  /// The focused row.
  public var focus = 0
  /// What stops the form from saving, shown in it.
  public var problem: String?
  /// The lead as it was when the form opened (or last caught up with it): what the rep
  /// changed is told apart from what changed elsewhere meanwhile.
  public var was: Lead?

  init(new stage: String, custom: [CustomField] = []) {
    lead = nil
    self.stage = stage
    self.custom = custom
    inputs = (0..<(Field.allCases.count + custom.count)).map { _ in TextInput() }
  }

  init(editing lead: Lead, custom: [CustomField] = []) {
    self.lead = lead.id
    stage = lead.stage
    was = lead
    self.custom = custom
    inputs =
      Field.allCases.map { TextInput(Self.text(of: $0, in: lead)) }
      + custom.map { TextInput(Self.text(of: $0, in: lead)) }
  }

  var rowCount: Int { inputs.count }

  /// The custom field of a row, if it is one.
  func customField(atRow row: Int) -> CustomField? {
    let index = row - Field.allCases.count
    return custom.indices.contains(index) ? custom[index] : nil
  }

  /// A row's label.
  func label(ofRow row: Int) -> String {
    Field(rawValue: row)?.label ?? customField(atRow: row)?.title ?? ""
  }

  /// A custom field of `lead` as the form shows it.
  static func text(of field: CustomField, in lead: Lead) -> String {
    lead.custom[field.key].map(field.shown) ?? ""
  }

  /// A row's text as typed, cleaned.
  func text(ofRow row: Int) -> String { cleanLine(inputs[row].text) }

  /// A field of `lead` as the form shows it.
  static func text(of field: Field, in lead: Lead) -> String {
    switch field {
    case .name: lead.name
    case .company: lead.company
    case .value: lead.value.map { "\($0.currency) \($0.formattedAmount)" } ?? ""
    case .email: lead.email
    case .phone: lead.phone
    case .source: lead.source
    }
  }

  /// A field's text as it is stored: cleaned as an import cleans it.
  subscript(field: Field) -> String { cleanLine(inputs[field.rawValue].text) }
}
