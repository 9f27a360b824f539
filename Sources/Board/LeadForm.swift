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
  public var inputs: [TextInput]
  public var focus: Field = .name
  /// What stops the form from saving, shown in it.
  public var problem: String?
  /// The lead as it was when the form opened (or last caught up with it): what the rep
  /// changed is told apart from what changed elsewhere meanwhile.
  public var was: Lead?

  init(new stage: String) {
    lead = nil
    self.stage = stage
    inputs = Field.allCases.map { _ in TextInput() }
  }

  init(editing lead: Lead) {
    self.lead = lead.id
    stage = lead.stage
    was = lead
    inputs = Field.allCases.map { TextInput(Self.text(of: $0, in: lead)) }
  }

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
