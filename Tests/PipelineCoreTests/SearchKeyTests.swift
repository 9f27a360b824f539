import Testing

@testable import PipelineCore

@Suite struct SearchKeyTests {
  @Test(arguments: [
    ("José García", "jose garcia"),
    ("ŁÓDŹ", "lodz"),
    ("Øresund", "oresund"),
    ("Straße", "strasse"),
    ("e\u{301}cole", "ecole"),
    ("Ἀθῆναι", "αθηναι"),
    ("北京", "北京"),
    ("ACME Inc.", "acme inc."),
  ])
  func folds(text: String, folded: String) {
    #expect(SearchKey.fold(text) == folded)
  }

  @Test func containsMatchesFoldedText() {
    #expect(SearchKey.contains(SearchKey.fold("José García"), SearchKey.fold("GARC")))
    #expect(!SearchKey.contains(SearchKey.fold("José García"), SearchKey.fold("jusé")))
  }
}
