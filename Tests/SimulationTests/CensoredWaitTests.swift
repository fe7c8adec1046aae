import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// The mean presales wait is waiting days over requests made (docs/metrics.md, "Waits"): a
/// request still waiting at the horizon counts its wait so far, and a wait across a month's end
/// gives each month its days, so a short window or a single month still estimates Erlang C.
@Suite("Censored presales waits")
struct CensoredWaitTests {
  /// Each replication's waiting days and requests (the mean wait's numerator and denominator) at
  /// the totals or in period `period` of `kind`.
  static func waitingDays(_ results: SimulationResults, period: (Int, PeriodKind)? = nil) -> (days: [Double], requests: [Double]) {
    let layout = results.layout
    func index(_ name: String) -> Int {
      let metric = layout.index(ofScenarioMetric: name)!
      guard let (p, kind) = period else { return metric }
      return layout.index(period: p, of: kind, metric: metric)
    }
    let requests = results.column(index("presales_requests"))
    let means = results.column(index("presales_wait_mean"))
    return (zip(means, requests).map { $1 > 0 ? $0 * $1 : 0 }, requests)
  }

  /// The ratio of sums over replications with its delta-method standard error.
  static func ratio(_ a: [Double], _ b: [Double]) -> (mean: Double, se: Double) {
    let n = Double(a.count)
    let r = a.reduce(0, +) / b.reduce(0, +)
    let residual = zip(a, b).map { $0 - r * $1 }
    let variance = residual.reduce(0) { $0 + $1 * $1 } / (n - 1)
    return (r, (variance / n).squareRoot() / (b.reduce(0, +) / n))
  }

  @Test("over a 30-day window after a warm-up, the mean wait of an M/M/3 pool at 2.4 erlangs equals Erlang C")
  func shortWindow() {
    var s = mmcPresalesScenario(experts: 3, load: 2.4)
    s.horizonDays = 30
    s.warmupDays = 60
    let results = Simulator(scenario: s).run(replications: 3_000, seed: 21)
    let (days, requests) = Self.waitingDays(results)
    let (mean, se) = Self.ratio(days, requests)
    let expected = Queueing.mmcMeanWait(servers: 3, arrivalRate: 2.4 / 1.5, meanService: 1.5)
    checkAgainstTheory("Erlang C M/M/3 a=2.4 mean wait over a 30-day window (days)", simulated: mean, se: se, expected: expected)
  }

  @Test("by month, the waiting days add up to the year's and one month's mean wait equals Erlang C")
  func byMonth() {
    let s = mmcPresalesScenario(experts: 3, load: 2.4)
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 150, seed: 22)
    let year = Self.waitingDays(results)
    let months = results.layout.months.indices.map { Self.waitingDays(results, period: ($0, .month)) }
    for r in year.days.indices {
      let days = months.reduce(0.0) { $0 + $1.days[r] }
      let requests = months.reduce(0.0) { $0 + $1.requests[r] }
      #expect(abs(days - year.days[r]) <= 1e-9 * year.days[r], "replication \(r): months' waiting days \(days), the year's \(year.days[r])")
      #expect(requests == year.requests[r])
    }
    let february = Self.ratio(months[1].days, months[1].requests)
    let expected = Queueing.mmcMeanWait(servers: 3, arrivalRate: 2.4 / 1.5, meanService: 1.5)
    checkAgainstTheory("Erlang C M/M/3 a=2.4 mean wait in the second month (days)", simulated: february.mean, se: february.se, expected: expected)
  }
}
