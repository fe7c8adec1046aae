import Estimation
import Experiments
import Foundation
import SnapshotTesting
import Testing

@testable import Reports

/// The threshold report's layout, on differences made up for it (independent of the engine): a
/// line that crosses, one that never does, and one kept to the variant.
@Suite("Threshold report")
struct ThresholdReportTests {
  static func outcome() -> Threshold.Outcome {
    func line(_ path: String, low: Double, high: Double, a: Double, b: Double, variedInBaseline: Bool = true, note: String? = nil) -> Threshold.Line {
      let range = InputRange(path: path, low: low, high: high)
      let grid = range.grid(points: 5)
      let draws = SeededDraws(seed: 7, purpose: path)
      let shared = (0..<20).map { _ in 300_000 * draws.gaussian() }
      let d = grid.map { x in shared.map { a + b * (x - low) / (high - low) + $0 + 50_000 * draws.gaussian() } }
      return Threshold.Line(
        range: range, variedInBaseline: variedInBaseline, baselineNote: note, curve: Threshold.analyse(differences: d, grid: grid, resamples: 200, seed: 1))
    }
    return Threshold.Outcome(
      baseline: "baseline", variant: "presales-plus-2", setting: Threshold.Setting(objective: .contribution, points: 5, replications: 20, seed: 2026, resamples: 200),
      lines: [
        line("presales.Presales.cost_per_expert_year", low: 180_000, high: 3_000_000, a: 3_500_000, b: -5_600_000),
        line("teams.West.overhead_cost_year", low: 100_000, high: 400_000, a: 3_000_000, b: -600_000),
        line("teams.Group.engage_probability", low: 0.6, high: 1, a: -3_800_000, b: 3_400_000, variedInBaseline: false, note: "it has no such parameter: no \"Group\" under \"teams\""),
      ])
  }

  @Test("the text report: the what-would-have-to-be-true table, a sentence per line, each line's points")
  func text() {
    assertSnapshot(of: ThresholdReport.document(Self.outcome()).render(.table), as: .lines)
  }

  @Test("the chart marks each threshold and explains every colour")
  func chart() {
    let charts = ThresholdReport.document(Self.outcome()).charts
    #expect(charts.count == 3)
    let svg = charts[0].svg(standalone: true)
    #expect(svg.contains("threshold 1.9"))
    #expect(svg.contains("95% bootstrap band"))
  }
}
