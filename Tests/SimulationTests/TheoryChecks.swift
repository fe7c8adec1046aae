import CoverageModel
import Estimation
import Foundation
import Simulation
import Testing

/// A one-segment, one-team scenario to build theory checks on.
func singleTeamScenario(
  arrivalsPerDay: Double, capacity: Int = 100_000, stages: [Stage], dealSize: Distribution = .constant(1000),
  horizon: Double = 365, warmup: Double = 0
) -> Scenario {
  var s = Scenario(name: "theory")
  s.horizonDays = horizon
  s.warmupDays = warmup
  s.regions = ["R"]
  s.segments = [
    Segment(name: "S", tier: .smb, region: "R", accounts: 3650, opportunitiesPerAccountYear: arrivalsPerDay / 10, dealSize: dealSize)
  ]
  s.motions = [Motion(name: "M", stages: stages)]
  var team = Team(name: "T", kind: .regional, reps: capacity)
  team.motion = "M"
  team.covers = [Coverage(segments: ["S"])]
  s.teams = [team]
  return s
}

/// One presales stage per opportunity at a pool of `experts` with exponential service of mean 1.5
/// days and `load` erlangs offered, fifo: an M/M/c queue for the Erlang C checks.
func mmcPresalesScenario(experts: Int, load: Double) -> Scenario {
  var s = singleTeamScenario(
    arrivalsPerDay: load / 1.5, stages: [Stage(name: "demo", days: .constant(1), advance: 1, presales: "P")], horizon: 730, warmup: 60)
  var pool = PresalesPool(name: "P", experts: experts, serviceDays: .exponential(mean: 1.5))
  pool.policy = .fifo
  s.pools = [pool]
  return s
}

/// Mean and standard error of a metric over replications.
func estimate(_ results: SimulationResults, _ metric: String) -> (mean: Double, se: Double) {
  let index = results.layout.index(ofScenarioMetric: metric)!
  let summary = Summary(results.column(index))
  return (summary.mean, summary.sd / Double(summary.count).squareRoot())
}

/// Ratio estimator sum(a)/sum(b) over replications with its delta-method standard error.
func ratioEstimate(_ results: SimulationResults, _ numerator: String, _ denominator: String) -> (mean: Double, se: Double) {
  pooledRatio(results.column(results.layout.index(ofScenarioMetric: numerator)!), results.column(results.layout.index(ofScenarioMetric: denominator)!))
}

/// Ratio estimator sum(a)/sum(b) of replications' numerators `a` and denominators `b`, with its
/// delta-method standard error.
func pooledRatio(_ a: [Double], _ b: [Double]) -> (mean: Double, se: Double) {
  let n = Double(a.count)
  let r = a.reduce(0, +) / b.reduce(0, +)
  let meanB = b.reduce(0, +) / n
  let residual = zip(a, b).map { $0 - r * $1 }
  let variance = residual.reduce(0) { $0 + $1 * $1 } / (n - 1)
  return (r, (variance / n).squareRoot() / meanB)
}

/// Expects `simulated` within 4 standard errors of `expected`, and prints the comparison so that a
/// test run records every theory check's figures (`swift test 2>&1 | grep 'theory check'`).
func checkAgainstTheory(
  _ check: String, simulated: Double, se: Double, expected: Double, sourceLocation: SourceLocation = #_sourceLocation
) {
  let z = (simulated - expected) / se
  let line = "theory check | \(check) | expected \(expected.formatted4) | simulated \(simulated.formatted4) ± \(se.formatted4) (z = \(String(format: "%+.2f", z)))"
  print(line)
  #expect(abs(z) < 4, "\(line)", sourceLocation: sourceLocation)
}

extension Double {
  fileprivate var formatted4: String { String(format: "%.6g", self) }
}
