import Foundation
import Testing

/// `closer tick LEAD CRITERION --answer TEXT`: the tick and the answer in one event, shown by
/// `show` and `--json`; the same again writes nothing; `untick` takes the answer away.
@Suite struct CriterionAnswerCommandTests {
  @Test func aTickCarriesItsAnswer() throws {
    let box = Sandbox()
    _ = try box.run(["add", "Ana Lima", "--stage", "qualifying"])
    let ticked = try box.run(["tick", "ana", "budget", "--answer", "40k approved for Q1"])
    #expect(ticked.status == 0, "\(ticked.stderr)")
    #expect(ticked.stdout.contains("Budget ticked for Ana Lima: 40k approved for Q1"))
    let line = try #require(box.journalLines().last)
    #expect(line.contains(#""criterion":"budget","checked":true,"answer":"40k approved for Q1""#))
    #expect(try box.run(["show", "ana"]).stdout.contains("1 [x] Budget: 40k approved for Q1"))
    let shown = try #require(try json(box.run(["show", "ana", "--json"]).stdout) as? [String: Any])
    #expect((shown["answers"] as? [String: String]) == ["budget": "40k approved for Q1"])
    let count = box.journalLines().count
    #expect(try box.run(["tick", "ana", "1", "--answer", "40k approved for Q1"]).stdout.contains("nothing written"))
    #expect(box.journalLines().count == count)
    try box.expectRefused(
      ["tick", "ana", "budget", "need", "--answer", "x"], saying: "--answer goes with one criterion")
    try box.expectRefused(["tick", "ana", "budget", "--answer", "  "], saying: "--answer needs some text")
    _ = try box.run(["untick", "ana", "budget"])
    let after = try #require(try json(box.run(["show", "ana", "--json"]).stdout) as? [String: Any])
    #expect((after["answers"] as? [String: String]) == [:])
  }
}
