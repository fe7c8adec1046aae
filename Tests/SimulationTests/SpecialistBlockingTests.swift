import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// `specialist_unsupported_share` is the blocking of the specialists' loss system: opportunities
/// that found no specialist over those that looked for one, a ratio of sums like the other ratio
/// metrics, per period too (docs/metrics.md, "Specialists").
@Suite("Specialists: the share of opportunities that find none")
struct SpecialistBlockingTests {
  /// Each replication's opportunities that looked for a specialist and those that found none, at
  /// the totals or in period `period` of `kind`.
  static func searches(_ results: SimulationResults, period: (Int, PeriodKind)? = nil) -> (unsupported: [Double], looked: [Double]) {
    let layout = results.layout
    var metric = layout.index(ofScenarioMetric: "specialist_unsupported_share")!
    if let (p, kind) = period { metric = layout.index(period: p, of: kind, metric: metric) }
    let looked = results.column(layout.denominatorIndex(of: metric)!)
    return (zip(results.column(metric), looked).map { $1 > 0 ? $0 * $1 : 0 }, looked)
  }

  /// One owner team that never fills and one overlay solution team of `slots` slots: opportunities
  /// arrive `perDay` a day, all needing its solution, and reach their specialist stage after an
  /// exponential first stage, so they reach it as a Poisson stream (the output of an infinite-server
  /// queue); the specialist holds a slot for that stage, exponential of mean `holding` days.
  static func overlayScenario(slots: Int, perDay: Double, holding: Double) -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: perDay,
      stages: [
        Stage(name: "qualify", days: .exponential(mean: 1), advance: 1),
        Stage(name: "solution", days: .exponential(mean: holding), advance: 0.5, specialist: true),
      ], horizon: 365, warmup: 30)
    s.solutions = [Solution(name: "X", unsupportedWinFactor: 0.7)]
    s.segments[0].solutionMix = [SolutionNeed(solution: "X", probability: 1)]
    var specialists = Team(name: "Xperts", kind: .solution, reps: slots)
    specialists.solutions = [SolutionSkill(name: "X")]
    s.teams.append(specialists)
    return s
  }

  @Test("one overlay group of c slots is a loss system: the share that finds no specialist is Erlang B(c, a)", arguments: [(5, 2.0, 2.0), (10, 4.0, 2.0)])
  func erlangB(system: (slots: Int, perDay: Double, holding: Double)) {
    let s = Self.overlayScenario(slots: system.slots, perDay: system.perDay, holding: system.holding)
    let results = Simulator(scenario: s).run(replications: 40, seed: 19)
    let (unsupported, looked) = Self.searches(results)
    let (mean, se) = pooledRatio(unsupported, looked)
    let load = system.perDay * system.holding
    checkAgainstTheory(
      "overlay group of \(system.slots) slots, \(load) erlangs: specialist_unsupported_share, Erlang B", simulated: mean, se: se,
      expected: Queueing.erlangB(servers: system.slots, load: load))
    #expect(estimate(results, "blocked").mean == 0, "the owner never fills: only the specialists turn opportunities away")
  }

  @Test("by month, the opportunities that looked and those that found none add up to the year's, and a month's share is Erlang B")
  func byMonth() {
    let s = Self.overlayScenario(slots: 5, perDay: 2, holding: 2)
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 60, seed: 23)
    let year = Self.searches(results)
    let months = results.layout.months.indices.map { Self.searches(results, period: ($0, .month)) }
    for r in year.looked.indices {
      #expect(months.reduce(0.0) { $0 + $1.looked[r] } == year.looked[r], "replication \(r): opportunities that looked")
      let unsupported = months.reduce(0.0) { $0 + $1.unsupported[r] }
      #expect(abs(unsupported - year.unsupported[r]) < 1e-9, "replication \(r): months \(unsupported), the year \(year.unsupported[r])")
    }
    let june = pooledRatio(months[5].unsupported, months[5].looked)
    checkAgainstTheory(
      "overlay group of 5 slots, 4 erlangs: specialist_unsupported_share in the sixth month, Erlang B", simulated: june.mean, se: june.se,
      expected: Queueing.erlangB(servers: 5, load: 4))
  }

  @Test("without a capacity limit no opportunity goes unsupported, and without solutions the share has no denominator")
  func limits() throws {
    var unlimited = Self.overlayScenario(slots: 100_000, perDay: 2, holding: 2)
    let results = Simulator(scenario: unlimited).run(replications: 4, seed: 3)
    let (unsupported, looked) = Self.searches(results)
    #expect(unsupported.allSatisfy { $0 == 0 } && looked.allSatisfy { $0 > 500 })
    unlimited.segments[0].solutionMix = []
    let none = Simulator(scenario: unlimited).run(replications: 2, seed: 3)
    let metric = try #require(none.layout.index(ofScenarioMetric: "specialist_unsupported_share"))
    #expect(none.column(metric).allSatisfy { $0.isNaN })
    let denominator = try #require(none.layout.denominatorIndex(of: metric))
    #expect(none.column(denominator).allSatisfy { $0 == 0 })
  }
}
