import Experiments
import Foundation
import Randomness
import Testing

@testable import Reports
@testable import Simulation

@Suite("compare warns when the objective's differences are too skewed for the t-interval")
struct SkewWarningTests {
  /// Results whose contribution in replication r is `contribution(r)`; every other metric 1.
  static func results(_ name: String, _ contribution: (Int) -> Double) -> SimulationResults {
    let layout = MetricLayout(teams: [], segments: [], pools: [])
    let column = layout.index(ofScenarioMetric: "contribution")!
    var values: [Double] = []
    for r in 0..<40 {
      var row = [Double](repeating: 1, count: layout.count)
      row[column] = contribution(r)
      values += row
    }
    return SimulationResults(scenario: name, layout: layout, seed: 1, values: values)
  }

  @Test("lognormal-shaped gains (sigma 1.5): a warning with the skewness, the replications the rule asks for and a bootstrap-t interval; symmetric differences: none")
  func warning() throws {
    let baseline = Self.results("baseline", { Double($0) })
    // Gains at the 40 quantiles (r + 0.5) / 40 of a lognormal with sigma 1.5, in a shuffled order.
    let skewed = Self.results("big-deal", { r in Double(r) + exp(1.5 * Probability.normalQuantile((Double((r * 17) % 40) + 0.5) / 40)) })
    let even = Self.results("even", { Double($0) + ($0 % 2 == 0 ? 2 : -2) })
    let c = Comparison(baseline: baseline, variants: [skewed, even], metrics: ["contribution"], objective: Objective("contribution"), teams: false)
    let skewedDifference = try #require(c.skewedObjective[0])
    // G1 of those 40 values: 3.8228 (computed apart); the rule asks for 25 G1² = 366.
    #expect(abs(skewedDifference.check.skewness - 3.8228) < 0.001, "\(skewedDifference.check.skewness)")
    #expect(skewedDifference.check.replicationsNeeded == 366)
    #expect(c.skewedObjective[1] == nil)
    let text = ComparisonReport.document(c).render(.table)
    #expect(text.contains("Warning: the paired differences on contribution are skewed"))
    #expect(text.contains("big-deal: skewness 3.82 needs more than 366 replications for the t-interval (40 run)"), "\(text)")
    #expect(!text.contains("even: skewness"))
    // The bootstrap-t interval leans toward the long tail: further above the mean than below it.
    let robust = try #require(skewedDifference.robust)
    #expect(robust.high - robust.mean > robust.mean - robust.low)
  }
}
