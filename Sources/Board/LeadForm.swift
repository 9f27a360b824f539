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

  init(new stage: String) {
    lead = nil
    self.stage = stage
    inputs = Field.allCases.map { _ in TextInput() }
  }

  init(editing lead: Lead) {
    self.lead = lead.id
    stage = lead.stage
    inputs = [
      TextInput(lead.name), TextInput(lead.company),
      TextInput(lead.value.map { "\($0.currency) \($0.formattedAmount)" } ?? ""), TextInput(lead.email),
      TextInput(lead.phone), TextInput(lead.source),
    ]
  }

  /// A field's text as it is stored: cleaned as an import cleans it.
  subscript(field: Field) -> String { cleanLine(inputs[field.rawValue].text) }
}
