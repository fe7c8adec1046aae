import CoverageModel
import Estimation
import Foundation
import Randomness
import ScenarioFiles
import TestSupport
import Testing

@testable import Simulation

// docs/statistics.md, "Ratio metrics": a ratio metric's estimate is the ratio of sums over
// replications with its delta-method interval, not the mean of the replications' ratios.

private let northwind = repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path

/// sum(a) / sum(b) over replications and its 95% delta-method half-width, by hand.
private func ratioOfSums(_ a: [Double], _ b: [Double]) -> (estimate: Double, half: Double) {
  let n = Double(a.count)
  let r = a.reduce(0, +) / b.reduce(0, +)
  let meanB = b.reduce(0, +) / n
  let z = zip(a, b).map { ($0 - r * $1) / meanB }
  let meanZ = z.reduce(0, +) / n
  let variance = z.reduce(0) { $0 + ($1 - meanZ) * ($1 - meanZ) } / (n - 1)
  return (r, Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * (variance / n).squareRoot())
}

private func close(_ x: Double, _ y: Double, _ tolerance: Double = 1e-12) -> Bool { abs(x - y) <= tolerance * max(abs(x), abs(y), 1e-300) }

@Suite("Ratio metrics: ratios of sums")
struct RatioMetricTests {
  @Test("the organisation's win rate, cycle and efficiency are sums over replications divided, with delta-method intervals")
  func scenarioRatios() throws {
    let scenario = try ScenarioLoader().load(path: northwind)
    let results = Simulator(scenario: scenario).run(replications: 20, seed: 3)
    func column(_ name: String) -> [Double] { results.column(results.layout.index(ofScenarioMetric: name)!) }
    let (wins, losses) = (column("wins"), column("losses"))
    for (metric, numerator, denominator) in [
      ("win_rate", wins, zip(wins, losses).map(+)),
      ("efficiency", column("bookings"), column("cost")),
    ] {
      let summary = results.summary(results.layout.index(ofScenarioMetric: metric)!)
      let expected = ratioOfSums(numerator, denominator)
      #expect(close(summary.mean, expected.estimate), "\(metric): \(summary.mean) against \(expected.estimate)")
      #expect(close(summary.halfWidth, expected.half, 1e-9), "\(metric): half-width \(summary.halfWidth) against \(expected.half)")
      #expect(summary.count == 20)
      // The replications' own ratios still give the spread and percentiles.
      #expect(summary.p50 == Summary(column(metric)).p50)
    }
    // The mean of the ratios is another number: the estimand changed.
    let meanOfRatios = Summary(column("win_rate")).mean
    #expect(meanOfRatios != results.summary(results.layout.index(ofScenarioMetric: "win_rate")!).mean)
  }

  @Test("every period's ratio is its own sums divided, and a segment's too")
  func periodAndSegmentRatios() throws {
    let scenario = try ScenarioLoader().load(path: northwind)
    let results = Simulator(scenario: scenario, byPeriod: true).run(replications: 20, seed: 4)
    let layout = results.layout
    let (wins, losses, winRate) = (layout.index(ofScenarioMetric: "wins")!, layout.index(ofScenarioMetric: "losses")!, layout.index(ofScenarioMetric: "win_rate")!)
    for kind in PeriodKind.allCases {
      for p in layout.labels(kind).indices {
        let w = results.column(layout.index(period: p, of: kind, metric: wins))
        let l = results.column(layout.index(period: p, of: kind, metric: losses))
        let summary = results.summary(layout.index(period: p, of: kind, metric: winRate))
        #expect(close(summary.mean, ratioOfSums(w, zip(w, l).map(+)).estimate), "\(kind) \(p)")
      }
    }
    // A segment's coverage: accepted / arrivals, accepted recovered from the rows.
    let arrivals = results.column(layout.segmentIndex(0, 0))
    let coverage = results.column(layout.segmentIndex(0, 1))
    let summary = results.summary(layout.segmentIndex(0, 1))
    #expect(close(summary.mean, zip(coverage, arrivals).map(*).reduce(0, +) / arrivals.reduce(0, +), 1e-12))
    #expect(layout.denominatorIndex(of: layout.segmentIndex(0, 0)) == nil)
    #expect(results.column(layout.denominatorIndex(of: layout.segmentIndex(0, 1))!) == arrivals)
  }

  @Test("a ratio's paired difference uses the paired linearised values, and a neutral variant's is exactly 0")
  func pairedRatios() throws {
    let scenario = try ScenarioLoader().load(path: northwind)
    let simulator = Simulator(scenario: scenario)
    let a = simulator.run(replications: 20, seed: 5)
    let b = simulator.run(replications: 20, seed: 5)
    for metric in ["win_rate", "cycle_days_won", "presales_wait_mean", "efficiency"] {
      let m = a.layout.index(ofScenarioMetric: metric)!
      let d = PairedDifference(baseline: a.estimationColumn(m), variant: b.estimationColumn(m))
      #expect(d.mean == 0 && d.halfWidth == 0, "\(metric)")
    }
    let other = Simulator(scenario: scenario).run(replications: 20, seed: 6)
    let m = a.layout.index(ofScenarioMetric: "win_rate")!
    let d = PairedDifference(baseline: a.estimationColumn(m), variant: other.estimationColumn(m))
    #expect(close(d.mean, other.summary(m).mean - a.summary(m).mean, 1e-9))
  }

  @Test("the run's mean presales wait (a ratio of sums with its delta-method SE) equals Erlang C's M/M/c wait", arguments: [(3, 2.4), (5, 4.5)])
  func erlangC(system: (experts: Int, load: Double)) {
    let (experts, load) = system
    let results = Simulator(scenario: mmcPresalesScenario(experts: experts, load: load)).run(replications: 40, seed: 8)
    let summary = results.summary(results.layout.index(ofScenarioMetric: "presales_wait_mean")!)
    let se = summary.halfWidth / Probability.studentTQuantile(0.975, degreesOfFreedom: 39)
    let expected = Queueing.mmcMeanWait(servers: experts, arrivalRate: load / 1.5, meanService: 1.5)
    checkAgainstTheory("ratio of sums: Erlang C M/M/\(experts) a=\(load) mean wait (days)", simulated: summary.mean, se: se, expected: expected)
  }
}
