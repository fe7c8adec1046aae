import Estimation
import Foundation
import Simulation
import Testing

@testable import Experiments

/// `compare --precision` reports an interval that holds what it says: Stein's two-stage procedure.
@Suite("Precision: Stein's two-stage procedure")
struct PrecisionTests {
  static let layout = MetricLayout(teams: [], segments: [], pools: [])
  static let metric = MetricLayout.scenarioMetrics.firstIndex(of: "contribution")!

  /// Results whose contribution is `values` (the other metrics 0).
  static func results(_ name: String, _ values: [Double]) -> SimulationResults {
    var rows = [Double](repeating: 0, count: values.count * layout.count)
    for (r, x) in values.enumerated() { rows[r * layout.count + metric] = x }
    return SimulationResults(scenario: name, layout: layout, seed: 1, values: rows)
  }

  /// Normal paired differences of mean 1 and standard deviation 1.5 against a baseline of exactly
  /// 100, so a 1% precision asks for a half-width of 1; waves of 5 replications.
  static let (share, batch, maximum, sd) = (0.01, 5, 10_000, 1.5)
  static let seeds = 4_000

  /// Whether Stein's interval from seed `seed`'s data covers the true difference 1.
  static func steinCovers(seed: UInt64) -> (covers: Bool, total: Int) {
    let draws = SeededDraws(seed: seed, purpose: "stein")
    var differences: [Double] = []
    func draw(to n: Int) { while differences.count < n { differences.append(1 + sd * draws.gaussian()) } }
    let n0 = PrecisionPlan.firstStage(batch: batch, maximum: maximum)
    draw(to: n0)
    let base = [Double](repeating: 100, count: n0)
    let plan = PrecisionPlan(
      firstStage: [results("base", base), results("variant", differences.map { 100 + $0 })], objective: .contribution, share: share, batch: batch,
      maximum: maximum)
    draw(to: plan.total)
    let outcome = plan.outcome([results("base", [Double](repeating: 100, count: plan.total)), results("variant", differences.map { 100 + $0 })])
    return (outcome.intervals[0].low <= 1 && 1 <= outcome.intervals[0].high, plan.total)
  }

  /// The rule Stein's replaced: add a wave until the paired-t half-width of all replications so
  /// far is within the target, and report that interval. A wave whose variance happens to be
  /// small stops it early, with an interval too narrow.
  static func sequentialCovers(seed: UInt64) -> Bool {
    let draws = SeededDraws(seed: seed, purpose: "stein")
    var differences: [Double] = []
    while true {
      for _ in 0..<batch { differences.append(1 + sd * draws.gaussian()) }
      let d = PairedDifference(baseline: [Double](repeating: 0, count: differences.count), variant: differences)
      if d.halfWidth <= share * 100 || differences.count >= maximum { return d.ciLow <= 1 && 1 <= d.ciHigh }
    }
  }

  @Test("Stein's interval covers the true difference 95% of the time on normal data (within 4 standard errors over 4,000 seeds); the sequential rule it replaced does not")
  func coverage() {
    let tolerance = 4 * (0.95 * 0.05 / Double(Self.seeds)).squareRoot()
    let stein = (1...Self.seeds).map { Self.steinCovers(seed: UInt64($0)) }
    let covered = Double(stein.filter(\.covers).count) / Double(Self.seeds)
    #expect(abs(covered - 0.95) <= tolerance, "Stein's coverage \(covered)")
    #expect(stein.allSatisfy { $0.total >= 20 && $0.total % Self.batch == 0 })
    let sequential = Double((1...Self.seeds).filter { Self.sequentialCovers(seed: UInt64($0)) }.count) / Double(Self.seeds)
    #expect(sequential < 0.95 - tolerance, "the sequential rule's coverage \(sequential)")
  }

  @Test("the plan: a first stage of whole waves up to at least 20, the total from its variance in whole waves, cut at the maximum")
  func plan() {
    #expect(PrecisionPlan.firstStage(batch: 4, maximum: 1_000) == 20)
    #expect(PrecisionPlan.firstStage(batch: 6, maximum: 1_000) == 24)
    #expect(PrecisionPlan.firstStage(batch: 50, maximum: 1_000) == 50)
    #expect(PrecisionPlan.firstStage(batch: 4, maximum: 8) == 8)
    // Differences alternating 0 and 2 (sd 1.026) against a baseline of 100: t(19) 2.093, h = 1
    // asks for ceil((2.093 x 1.026)^2) = 5, so the first stage is enough.
    let first = [Self.results("b", [Double](repeating: 100, count: 20)), Self.results("v", (0..<20).map { 100 + Double($0 % 2) * 2 })]
    let loose = PrecisionPlan(firstStage: first, objective: .contribution, share: 0.01, batch: 5, maximum: 1_000)
    #expect(loose.total == 20 && loose.reached)
    // A tenth of that half-width asks for 100 times as many: 462, in waves of 5: 465.
    let strict = PrecisionPlan(firstStage: first, objective: .contribution, share: 0.001, batch: 5, maximum: 1_000)
    #expect(strict.required == 462 && strict.total == 465 && strict.reached)
    let cut = PrecisionPlan(firstStage: first, objective: .contribution, share: 0.001, batch: 5, maximum: 300)
    #expect(cut.total == 300 && !cut.reached)
  }
}
