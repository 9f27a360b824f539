import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

/// `PipelineStore.takeNewWarnings()`: what an open board shows of its journal's warnings as
/// they arise.
@Suite struct NewWarningsTests {
  /// A journal whose third line is a valid line that does not fit the state (a move of a
  /// lead nobody created, as a hand merge can leave): a replay warning on opening.
  func journalWithAnEventThatDoesNotFit(_ path: String) throws {
    let writer = try openStore(path)
    let ana = try writer.record { _ in (LeadID("ana00000"), .created(NewLead(name: "Ana", stage: "qualifying"))) }
    let ghost = Event(
      id: "ghost0000000000", time: ana.time, replica: "merge", lead: "ghost000",
      change: .moved(stage: "proposal", position: 1, gateOverridden: false))
    var bytes = readBytes(path)
    bytes += EventCodec.encode(ghost, links: LineLinks(after: ana.id))
    writeBytes(bytes, to: path)
  }

  @Test func aWarningThatAppearsWhileOpenIsTheNewOne() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    try journalWithAnEventThatDoesNotFit(path)
    let board = try openStore(path)
    let opening = board.takeNewWarnings()
    #expect(opening.count == 1 && opening.first?.line == 3, "\(opening)")
    #expect(board.takeNewWarnings().isEmpty)

    // A writer crashes mid-append: the board sees a torn tail on its next refresh.
    var bytes = readBytes(path)
    bytes += Array(#"{"id":"half a line"#.utf8)
    writeBytes(bytes, to: path)
    try board.refresh()
    let arose = board.takeNewWarnings()
    #expect(arose.count == 1)
    #expect(arose.contains { if case .tornTail = $0.kind { true } else { false } }, "\(arose)")
    #expect(board.warnings.contains { if case .tornTail = $0.kind { true } else { false } })
  }

  @Test func withoutReplayWarningsTheTornTailIsNew() throws {
    let dir = TemporaryDirectory()
    let path = dir.file("journal.jsonl")
    try addLead(try openStore(path), "Ana")
    let board = try openStore(path)
    #expect(board.takeNewWarnings().isEmpty)
    var bytes = readBytes(path)
    bytes += Array(#"{"id":"half a line"#.utf8)
    writeBytes(bytes, to: path)
    try board.refresh()
    let arose = board.takeNewWarnings()
    #expect(arose.count == 1 && arose.first?.line == 3, "\(arose)")
    #expect(board.takeNewWarnings().isEmpty)
  }
}
