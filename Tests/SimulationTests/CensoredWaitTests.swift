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


  @Test("over a 30-day window after a long warm-up, the mean wait of an M/M/3 pool at 2.4 erlangs equals Erlang C")
  func shortWindow() {
    var s = mmcPresalesScenario(experts: 3, load: 2.4)
    s.horizonDays = 30
    // The queue of an M/M/3 at 0.8 relaxes in about 1 / (c mu (1 - sqrt(rho))^2) = 45 days.
    s.warmupDays = 300
    let results = Simulator(scenario: s).run(replications: 3_000, seed: 21)
    let (days, requests) = Self.waitingDays(results)
    let (mean, se) = pooledRatio(days, requests)
    let expected = Queueing.mmcMeanWait(servers: 3, arrivalRate: 2.4 / 1.5, meanService: 1.5)
    checkAgainstTheory("Erlang C M/M/3 a=2.4 mean wait over a 30-day window (days)", simulated: mean, se: se, expected: expected)
  }

  @Test("by month, the waiting days add up to the year's and a month's mean wait equals Erlang C")
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
    let month = pooledRatio(months[11].days, months[11].requests)
    let expected = Queueing.mmcMeanWait(servers: 3, arrivalRate: 2.4 / 1.5, meanService: 1.5)
    checkAgainstTheory("Erlang C M/M/3 a=2.4 mean wait in the twelfth month (days)", simulated: month.mean, se: month.se, expected: expected)
  }
}
