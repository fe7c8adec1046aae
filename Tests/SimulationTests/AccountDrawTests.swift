import CoverageModel
import TestSupport
import Testing

@testable import Simulation

/// The guide table finds, for every draw, the account the definition names: the first whose
/// cumulative share of potential exceeds the draw (the last if none does), here by binary search.
@Suite struct AccountDrawTests {
  /// The definition, searched over all of a segment's ranked accounts.
  func firstExceeding(_ u: Double, in plan: SimulationPlan, segment: SimulationPlan.SegmentPlan) -> Int {
    var low = Int(segment.potential.start)
    var high = Int(segment.potential.end) - 1
    while low < high {
      let mid = (low + high) / 2
      if plan.rankedAccounts[mid].cumulative > u { high = mid } else { low = mid + 1 }
    }
    return low - Int(segment.potential.start)
  }

  /// Draws at and next to every cumulative share and every bucket boundary, the ends of [0, 1),
  /// and many at random.
  func draws(_ plan: SimulationPlan, segment: SimulationPlan.SegmentPlan) -> [Double] {
    var draws: [Double] = [0, Double(1).nextDown, 0.5]
    for account in plan.rankedAccounts[segment.potential.range] where account.cumulative.isFinite {
      draws += [account.cumulative, account.cumulative.nextDown, account.cumulative.nextUp]
    }
    let buckets = segment.guide.range.count - 1
    for k in 0...buckets {
      let boundary = Double(k) / Double(buckets)
      draws += [boundary, boundary.nextDown, boundary.nextUp]
    }
    var random = SplitMix64(seed: 18)
    for _ in 0..<20_000 { draws.append(random.unit()) }
    return draws.filter { $0 >= 0 && $0 < 1 }
  }

  @Test(arguments: [
    (4200, Distribution.logNormal(median: 1, sigma: 0.8)),
    (110, .logNormal(median: 1, sigma: 0.7)),
    (37, .logNormal(median: 1, sigma: 4)),
    (1000, .constant(2)),
    (1, .logNormal(median: 1, sigma: 0.8)),
    (50, .empirical(values: [0, 10], weights: [0.7, 0.3])),
    // All 0: shares that are not numbers, every draw on the last account.
    (20, .constant(0)),
  ])
  func guideFindsTheFirstAccountWhoseShareExceedsTheDraw(accounts: Int, potential: Distribution) {
    var scenario = singleTeamScenario(arrivalsPerDay: 1, stages: [Stage(name: "close", days: .constant(1), advance: 0.5)])
    scenario.segments[0].accounts = accounts
    scenario.segments[0].accountPotential = potential
    let plan = SimulationPlan(scenario)
    let segment = plan.segments[0]
    #expect(segment.potential.range.count == accounts)
    #expect(segment.guide.range.count == 2 * accounts + 1)
    var mismatches = 0
    for u in draws(plan, segment: segment) where plan.account(at: u, of: segment) != firstExceeding(u, in: plan, segment: segment) {
      mismatches += 1
    }
    #expect(mismatches == 0)
  }
}
