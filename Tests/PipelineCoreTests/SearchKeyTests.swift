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

@Suite struct SearchPunctuationLookupTests {
  @Test func aLeadIsFoundWithoutItsPunctuation() throws {
    var pipeline = Pipeline()
    try pipeline.apply(
      Event(
        id: "e1", time: Timestamp(millisecondsSinceEpoch: 0), replica: "t", lead: "lead0001",
        change: .created(NewLead(name: "Siobhán O'Neill", stage: "qualifying"))))
    #expect(SearchKey.foldForSearch("O’Neill-Smith, Jr.") == "oneillsmith jr")
    #expect(try pipeline.lookup("oneill").get().id == "lead0001")
    #expect(try pipeline.lookup("o'neill").get().id == "lead0001")
  }
}
