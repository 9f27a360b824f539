import Foundation
import Testing

/// Issue 10: many `closer` writers on one journal at once, some killed with SIGKILL at
/// random moments; every acknowledged change must survive exactly once and every batch must
/// be seen whole or not at all. Short by default; see docs/journal-format.md for the long run.
@Suite struct CrashCampaignTests {
  @Test func acknowledgedChangesSurviveWritersKilledAtRandomMoments() throws {
    let settings = CampaignSettings.fromEnvironment()
    let campaign = CrashCampaign(settings)
    let started = Date()
    try campaign.seed()
    for round in 1...settings.rounds { try campaign.runRound(round) }
    try campaign.finish()
    let seconds = Int(Date().timeIntervalSince(started).rounded())
    let replay = "seed \(settings.seed) (CLOSER_CRASH_SEED=\(settings.seed) replays the plan)"
    let summary = "crash campaign, \(replay), \(settings.rounds) rounds, \(seconds) s: \(campaign.figures)"
    print(summary)
    let figures = campaign.figures
    for fault in campaign.faults.prefix(30) { Issue.record("\(replay): \(fault)") }
    // The campaign did what it says: it killed processes, some of them inside an append, and
    // acknowledged every kind of change.
    #expect(figures.killed > 0 && figures.killedHoldingLock > 0, "\(summary)")
    #expect(figures.acknowledgedAdds > 0 && figures.acknowledgedFollowUpAdds > 0, "\(summary)")
    #expect(figures.acknowledgedMoves > 0 && figures.acknowledgedImports > 0, "\(summary)")
    #expect(figures.lost == 0, "\(summary)")
    #expect(figures.partialBatches == 0, "\(summary)")
    #expect(figures.duplicated == 0, "\(summary)")
    #expect(figures.missedByReaders == 0, "\(summary)")
    for problem in campaign.brokenPromises.prefix(30) { Issue.record("\(replay): \(problem)") }
  }
}
