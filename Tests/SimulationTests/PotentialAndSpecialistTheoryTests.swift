import CoverageModel
import Estimation
import Foundation
import Randomness
import Testing

@testable import Simulation

/// A scenario metric's values over replications.
private func column(_ results: SimulationResults, _ metric: String) -> [Double] {
  results.column(results.layout.index(ofScenarioMetric: metric)!)
}

/// Wins / (wins + losses), pooled over replications.
private func winRate(_ results: SimulationResults) -> (mean: Double, se: Double) {
  let wins = column(results, "wins")
  return pooledRatio(wins, zip(wins, column(results, "losses")).map { $0 + $1 })
}

/// The engine against theory for the model's version-2 mechanisms (docs/validation.md): account
/// potential, coordinated presales, embedded capacity, fit and breadth, presales served factor.
/// Tolerance 4 standard errors, fixed seeds; each check prints a `theory check` line.
@Suite("Engine against theory: account potential, presales coordination, embedded specialists, fit and breadth")
struct PotentialAndSpecialistTheoryTests {
  @Test("arrivals fall on accounts in proportion to their potential: the top 20% of accounts bring their Lorenz share")
  func accountPotential() {
    let potential = Distribution.logNormal(median: 1, sigma: 1)
    var s = singleTeamScenario(arrivalsPerDay: 50, stages: [Stage(name: "close", days: .constant(0.01), advance: 1)])
    s.segments[0].accounts = 1000
    s.segments[0].opportunitiesPerAccountYear = 50 * 365 / 1000
    s.segments[0].accountPotential = potential
    s.teams[0].covers = [Coverage(segments: ["S"], share: 0.2, offset: 0)]
    var rest = s.teams[0]
    rest.name = "Rest"
    rest.covers = [Coverage(segments: ["S"], share: 0.8, offset: 0.2)]
    s.teams.append(rest)
    let results = Simulator(scenario: s).run(replications: 20, seed: 31)
    // Account i of N has potential Q(1 - (i + 0.5)/N): account 0 is the largest.
    let q = (0..<1000).map { potential.quantile(1 - (Double($0) + 0.5) / 1000) }
    let expected = q.prefix(200).reduce(0, +) / q.reduce(0, +)
    let top = results.column(results.layout.teamIndex(0, TeamMetric.wins.rawValue))
    let all = zip(top, results.column(results.layout.teamIndex(1, TeamMetric.wins.rawValue))).map { $0 + $1 }
    let (mean, se) = pooledRatio(top, all)
    checkAgainstTheory("account potential lognormal(1, 1): share of wins on the top 20% of 1,000 accounts", simulated: mean, se: se, expected: expected)
    #expect(expected > 0.5, "the top 20% of lognormal(σ = 1) accounts hold over half the potential")
  }

  @Test("with coordinate and one request per opportunity, the mean presales wait is still Erlang C's", arguments: [(3, 2.4), (5, 4.5)])
  func coordinatedErlangC(system: (experts: Int, load: Double)) {
    let (experts, load) = system
    var s = mmcPresalesScenario(experts: experts, load: load)
    s.pools[0].coordinate = true
    let results = Simulator(scenario: s).run(replications: 40, seed: 8)
    let expected = Queueing.mmcMeanWait(servers: experts, arrivalRate: load / 1.5, meanService: 1.5)
    let (mean, se) = estimate(results, "presales_wait_mean")
    checkAgainstTheory("coordinate, M/M/\(experts) a=\(load), one request each: mean wait (days)", simulated: mean, se: se, expected: expected)
    // With one request each there is nobody to wait for: the same waits as a pool without coordinate.
    s.pools[0].coordinate = false
    let pooled = Simulator(scenario: s).run(replications: 40, seed: 8)
    #expect(column(pooled, "presales_wait_mean").elementsEqual(column(results, "presales_wait_mean")) { $0.bitPattern == $1.bitPattern })
  }

  @Test("with coordinate, an opportunity's second request waits for the expert who served its first: longer waits than a pooled team")
  func coordinatedSecondRequest() {
    let stages = [
      Stage(name: "discover", days: .constant(1), advance: 1, presales: "P"), Stage(name: "design", days: .constant(2), advance: 1, presales: "P"),
    ]
    var s = singleTeamScenario(arrivalsPerDay: 1.6, stages: stages, horizon: 730, warmup: 60)
    s.pools = [PresalesPool(name: "P", experts: 3, serviceDays: .exponential(mean: 0.75))]
    let pooled = Simulator(scenario: s).run(replications: 30, seed: 12)
    s.pools[0].coordinate = true
    let coordinated = Simulator(scenario: s).run(replications: 30, seed: 12)
    #expect(column(pooled, "arrivals") == column(coordinated, "arrivals"))
    let difference = PairedDifference(baseline: column(pooled, "presales_wait_mean"), variant: column(coordinated, "presales_wait_mean"))
    print(
      "theory check | coordinate: the second request waits for its expert | pooled \(estimate(pooled, "presales_wait_mean").mean) days, coordinated \(estimate(coordinated, "presales_wait_mean").mean) days, paired difference CI [\(difference.ciLow), \(difference.ciHigh)]"
    )
    #expect(difference.ciLow > 0, "coordinated requests wait longer: \(difference.mean) days more")
  }

  @Test("embedded specialists held for the whole opportunity are a loss system: the share without one is Erlang B, whatever the stages")
  func embeddedCapacity() {
    let (slots, perDay, p, uplift) = (4, 2.0, 0.5, 1.8)
    // Holding time: two exponential stages of mean 1 day (mean 2); Erlang B is insensitive to the shape.
    var s = singleTeamScenario(
      arrivalsPerDay: perDay,
      stages: [Stage(name: "work", days: .exponential(mean: 1), advance: 1), Stage(name: "close", days: .exponential(mean: 1), advance: p)],
      horizon: 730, warmup: 30)
    s.solutions = [Solution(name: "X", unsupportedWinFactor: 1)]
    s.segments[0].solutionMix = [SolutionNeed(solution: "X", probability: 1)]
    s.teams[0].embedded = [EmbeddedSpecialism(solution: "X", specialists: 1, slotsPerSpecialist: slots, winUplift: uplift, dealUplift: 1)]
    let results = Simulator(scenario: s).run(replications: 40, seed: 17)
    let blocked = Queueing.erlangB(servers: slots, load: perDay * 2)
    let expected = p * (uplift * (1 - blocked) + blocked)
    let (mean, se) = winRate(results)
    checkAgainstTheory(
      "embedded X, 1 specialist x \(slots) slots, \(perDay * 2) erlangs: win rate p(u(1-B) + B), B = \(String(format: "%.4f", blocked))", simulated: mean,
      se: se, expected: expected)
    #expect(estimate(results, "blocked").mean == 0, "the team itself never fills")
  }

  @Test("a fit rule multiplies the win rate by its win factor and every stage's days by its days factor")
  func fitFactors() {
    var s = singleTeamScenario(
      arrivalsPerDay: 20,
      stages: [Stage(name: "a", days: .uniform(min: 2, max: 8), advance: 0.7), Stage(name: "b", days: .uniform(min: 4, max: 16), advance: 0.6)],
      warmup: 60)
    s.fit = [FitRule(teamKind: .regional, tier: .smb, winFactor: 0.8, daysFactor: 1.5)]
    let results = Simulator(scenario: s).run(replications: 30, seed: 23)
    let (rate, rateSE) = winRate(results)
    checkAgainstTheory("fit regional x smb, win factor 0.8: win rate 0.7 x 0.6 x 0.8", simulated: rate, se: rateSE, expected: 0.7 * 0.6 * 0.8)
    // Days of all won deals / wins: the cycle is the sum of the stages' days, each x 1.5.
    let wins = column(results, "wins")
    let (cycle, cycleSE) = pooledRatio(zip(column(results, "cycle_days_won"), wins).map { $0 * $1 }, wins)
    checkAgainstTheory("fit regional x smb, days factor 1.5: mean cycle of won deals 1.5 x (5 + 10) days", simulated: cycle, se: cycleSE, expected: 1.5 * 15)
  }

  @Test("a key-account team covering 3 industries wins industry_breadth_factor^2 as often")
  func industryBreadth() {
    var s = singleTeamScenario(
      arrivalsPerDay: 8,
      stages: [Stage(name: "a", days: .exponential(mean: 5), advance: 0.7), Stage(name: "b", days: .exponential(mean: 5), advance: 0.6)], warmup: 60)
    s.industries = ["I1", "I2", "I3"]
    let template = s.segments[0]
    s.segments = s.industries.map { industry in
      var segment = template
      segment.name = "Key-\(industry)"
      segment.tier = .key
      segment.industry = industry
      return segment
    }
    s.teams[0].kind = .keyAccount
    s.teams[0].industryBreadthFactor = 0.9
    s.teams[0].covers = [Coverage(tiers: [.key])]
    let results = Simulator(scenario: s).run(replications: 30, seed: 29)
    let (rate, se) = winRate(results)
    checkAgainstTheory("key-account team over 3 industries, breadth 0.9: win rate 0.7 x 0.6 x 0.9²", simulated: rate, se: se, expected: 0.7 * 0.6 * 0.81)
  }

  @Test("a presales pool's served_win_factor multiplies the win rate of every opportunity it serves")
  func servedWinFactor() {
    var s = singleTeamScenario(
      arrivalsPerDay: 20,
      stages: [
        Stage(name: "demo", days: .uniform(min: 1, max: 3), advance: 0.7, presales: "P"), Stage(name: "close", days: .exponential(mean: 5), advance: 0.6),
      ], warmup: 60)
    var pool = PresalesPool(name: "P", experts: 1000, serviceDays: .exponential(mean: 1))
    pool.servedWinFactor = 1.2
    s.pools = [pool]
    let results = Simulator(scenario: s).run(replications: 30, seed: 37)
    let (rate, se) = winRate(results)
    checkAgainstTheory("presales served_win_factor 1.2, no queue: win rate 0.7 x 0.6 x 1.2", simulated: rate, se: se, expected: 0.7 * 0.6 * 1.2)
    #expect(estimate(results, "presales_wait_mean").mean == 0, "1,000 experts: nobody waits")
  }
}
