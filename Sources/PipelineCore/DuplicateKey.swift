/// What makes two leads the same deal for a rep: the same name and company, or the same
/// email, case and accents aside. Kept as 64-bit FNV-1a hashes of the folded text, stable
/// across processes, so a snapshot can hold them for `closer add` to check without loading
/// every lead.
public enum DuplicateKey {
  public static func name(_ name: String, company: String) -> UInt64 {
    hash(SearchKey.fold(name) + "\u{1F}" + SearchKey.fold(company))
  }

  /// The email's key, or nil when there is none.
  public static func email(_ email: String) -> UInt64? {
    let folded = SearchKey.fold(email)
    return folded.isEmpty ? nil : hash("@" + folded)
  }

  static func hash(_ text: String) -> UInt64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      value ^= UInt64(byte)
      value = value &* 0x0000_0100_0000_01b3
    }
    return value
  }

  /// The lead in `pipeline` that `new` would duplicate, if any, and why.
  public static func match(
    name: String, company: String, email: String, in pipeline: Pipeline
  ) -> (lead: Lead, reason: String)? {
    let nameKey = Self.name(name, company: company)
    let emailKey = Self.email(email)
    for lead in pipeline.leads {
      if Self.name(lead.name, company: lead.company) == nameKey { return (lead, "the same name and company") }
      if let emailKey, Self.email(lead.email) == emailKey { return (lead, "the same email") }
    }
    return nil
  }
}
