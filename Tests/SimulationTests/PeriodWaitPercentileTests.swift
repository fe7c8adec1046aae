import CoverageModel
import Foundation
import Testing

@testable import Simulation

/// `presales_wait_p90` of a period is the nearest-rank 90th percentile of the waits of the requests
/// made in it, and the whole run's is that of all the requests made in the window: both equal the
/// percentiles computed straight from the replication's opportunities.
@Suite("Presales wait percentiles by period")
struct PeriodWaitPercentileTests {
  /// One expert serving for exactly one day, first come first served, every opportunity asking at
  /// its engagement: the waits follow from the engagement days alone (Lindley's recursion). At
  /// 0.8 requests a day the queue often holds several, so waits differ from month to month.
  static func scenario() -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: 0.8, stages: [Stage(name: "demo", days: .constant(1), advance: 1, presales: "P")], horizon: 365, warmup: 30)
    var pool = PresalesPool(name: "P", experts: 1, serviceDays: .constant(1))
    pool.policy = .fifo
    s.pools = [pool]
    return s
  }

  /// The nearest-rank 90th percentile, NaN with no values.
  static func p90(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[max(0, min(sorted.count - 1, Int((0.9 * Double(sorted.count)).rounded(.up)) - 1))]
  }

  /// Each request made in [0, horizon) with its wait (to its service's start, or to the horizon
  /// if it is still waiting then), from the engagement days of a replication's opportunities.
  static func waits(_ trace: [TracedOpportunity], horizon: Double) -> [(requested: Double, wait: Double)] {
    var free = -Double.infinity
    var result: [(Double, Double)] = []
    for arrival in trace.map(\.created).sorted() {
      let start = max(arrival, free)
      free = start + 1
      if arrival >= 0 { result.append((arrival, min(start, horizon) - arrival)) }
    }
    return result
  }

  @Test("each month's and quarter's p90 and the whole run's equal the percentiles of the waits computed from the engagements")
  func periodsMatchDirectComputation() throws {
    let s = Self.scenario()
    let simulator = Simulator(scenario: s, byPeriod: true)
    let replications = 6
    let results = simulator.run(replications: replications, seed: 17, threads: 1)
    let traces = simulator.traces(replications: 0..<replications, seed: 17, threads: 1)
    let periods = try #require(simulator.plan.periods)
    let layout = results.layout
    let metric = try #require(layout.index(ofScenarioMetric: "presales_wait_p90"))
    var periodsWithDistinctP90 = 0
    for r in 0..<replications {
      let waits = Self.waits(traces[r], horizon: s.horizonDays)
      #expect(waits.count > 250, "replication \(r): \(waits.count) requests")
      let whole = results.values[r * layout.count + metric]
      #expect(whole == Self.p90(waits.map(\.wait)), "replication \(r): whole run")
      for kind in PeriodKind.allCases {
        for (p, period) in (kind == .month ? periods.months : periods.quarters).enumerated() {
          let expected = Self.p90(waits.filter { $0.requested >= period.start && $0.requested < period.end }.map(\.wait))
          let simulated = results.values[r * layout.count + layout.index(period: p, of: kind, metric: metric)]
          #expect(simulated == expected || (simulated.isNaN && expected.isNaN), "replication \(r) \(kind) \(period.label): \(simulated), directly \(expected)")
          if expected != whole { periodsWithDistinctP90 += 1 }
        }
      }
    }
    // The check has teeth: most periods' percentiles differ from the whole run's.
    #expect(periodsWithDistinctP90 > replications * 8)
  }

  @Test("keeping results by period leaves the whole run's p90 as it is without periods")
  func wholeRunUnchanged() throws {
    let s = Self.scenario()
    let plain = Simulator(scenario: s).run(replications: 4, seed: 5)
    let byPeriod = Simulator(scenario: s, byPeriod: true).run(replications: 4, seed: 5)
    let metric = try #require(plain.layout.index(ofScenarioMetric: "presales_wait_p90"))
    #expect(plain.column(metric) == byPeriod.column(metric))
  }
}
