import Foundation
import Testing

@testable import Journal
@testable import PipelineCore

/// A change is decided on the card as the rep saw it; if someone else changed the card in
/// the meantime, nothing is written on that stale basis, and the rep is told who did what.
@Suite struct StaleDecisionTests {
  @Test func aMoveDecidedOnACardMovedElsewhereIsRefused() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let ana = try addLead(board, "Ana Lima")
    // Another window moves Ana; the board has not looked yet.
    let other = try PipelineStore(path: path, replica: "ben@desk", clock: TestClock().now)
    try other.record { _ in (ana, .moved(stage: "proposal", position: 1, gateOverridden: false)) }
    let before = readBytes(path)
    #expect {
      try board.record(decidedOn: ana) { _ in (ana, .moved(stage: "qualifying", position: 1, gateOverridden: false)) }
    } throws: { error in
      "\(error)".contains("ben@desk moved Ana Lima to Proposal a moment ago; nothing was written")
    }
    #expect(readBytes(path) == before)
    // The board now shows the card where it is; a decision on that is written.
    #expect(board.pipeline[ana]?.stage == "proposal")
    try board.record(decidedOn: ana) { _ in (ana, .checked(criterion: "budget", isChecked: true)) }
  }

  /// What others do to other cards, or a note on this one, leaves a decision standing.
  @Test func changesThatDoNotTouchTheDecisionLetItThrough() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let ana = try addLead(board, "Ana Lima")
    let other = try PipelineStore(path: path, replica: "ben@desk", clock: TestClock().now)
    let ben = try addLead(other, "Ben Okafor")
    try other.record { _ in (ben, .won) }
    try other.record { _ in (ana, .noteAdded("Called, left a message")) }
    try board.record(decidedOn: ana) { _ in (ana, .won) }
    #expect(board.pipeline[ana]?.status == .won)
  }

  /// A win and its first check-in, decided on the board's card: one batch, read whole or
  /// not at all; refused as a whole when the card changed elsewhere meanwhile.
  @Test func aDecisionOfSeveralChangesIsOneBatchAndRefusedWhole() throws {
    let dir = TemporaryDirectory(inMemory: true)
    let path = dir.file("journal.jsonl")
    let board = try openStore(path)
    let ana = try addLead(board, "Ana Lima")
    let checkIn = FollowUp(action: "Thank-you note", due: CalendarDay(iso8601: "2026-12-02")!)
    let events = try board.recordAll(decidedOn: ana, lead: ana, [.won, .followUpSet(checkIn)])
    #expect(events.count == 2)
    let lines = String(decoding: readBytes(path), as: UTF8.self).split(separator: "\n")
    #expect(lines.suffix(2).first?.contains(#""batch":2"#) == true)
    #expect(board.pipeline[ana]?.followUp == checkIn)
    let ben = try addLead(board, "Ben Okafor")
    let other = try PipelineStore(path: path, replica: "ben@desk", clock: TestClock().now)
    try other.record { _ in (ben, .moved(stage: "proposal", position: 1, gateOverridden: false)) }
    let before = readBytes(path)
    #expect {
      try board.recordAll(decidedOn: ben, lead: ben, [.won, .followUpSet(checkIn)])
    } throws: { error in
      "\(error)".contains("ben@desk moved Ben Okafor to Proposal a moment ago; nothing was written")
    }
    #expect(readBytes(path) == before)
  }
}
