import Experiments
import Foundation
import Randomness
import ScenarioFiles
import TestSupport
import Testing

@testable import Estimation
@testable import Reports
@testable import Simulation


@Suite("What common random numbers buy")
struct CommonRandomNumbersTests {
  /// docs/model.md: a variant that changes only the organisation meets the same opportunities with
  /// the same luck, so the paired difference varies much less than an unpaired one would.
  @Test("merging the solution teams into a product group: the paired interval is narrower than the unpaired one, by the ratio the JSON reports")
  func pairedNarrowerThanUnpaired() throws {
    let loader = ScenarioLoader()
    let baseline = try loader.load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path)
    let variant = try loader.load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/solutions-as-product-group.yaml").path)
    let n = 16
    let a = Simulator(scenario: baseline).run(replications: n, seed: 2024)
    let b = Simulator(scenario: variant).run(replications: n, seed: 2024)
    let metrics = ["bookings", "credited_bookings", "wins", "efficiency"]
    let comparison = Comparison(baseline: a, variants: [b], metrics: metrics, objective: Objective("bookings"), teams: false)
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(ComparisonReport.render(comparison, format: .json).utf8)) as? [String: Any])
    let differences = try #require(json["differences"] as? [[String: Any]])
    for metric in metrics {
      let entry = try #require(differences.first { $0["metric"] as? String == metric })
      let ratio = try #require(entry["variance_reduction"] as? Double)
      let pairedHalf = try #require((entry["ci_high"] as? Double).flatMap { high in (entry["ci_low"] as? Double).map { (high - $0) / 2 } })
      let index = try #require(a.layout.index(ofScenarioMetric: metric))
      let unpairedHalf = PairedDifference.unpairedHalfWidth(baseline: a.estimationColumn(index), variant: b.estimationColumn(index))
      #expect(pairedHalf < unpairedHalf, "\(metric): paired ±\(pairedHalf) vs unpaired ±\(unpairedHalf)")
      #expect(ratio > 2, "\(metric): common random numbers should pay on a structural change; ratio \(ratio)")
      // Half-widths are t · sqrt(variance / n): their squared ratio is the variance ratio times the
      // squared ratio of the t quantiles (Welch's degrees of freedom against n - 1).
      let (va, vb) = (Summary(a.estimationColumn(index)).sd, Summary(b.estimationColumn(index)).sd)
      let se2 = (va * va + vb * vb) / Double(n)
      let df = se2 * se2 / (pow(va * va / Double(n), 2) / Double(n - 1) + pow(vb * vb / Double(n), 2) / Double(n - 1))
      let tRatio = Probability.studentTQuantile(0.975, degreesOfFreedom: df) / Probability.studentTQuantile(0.975, degreesOfFreedom: Double(n - 1))
      let predicted = (ratio * tRatio * tRatio).squareRoot()
      #expect(abs(unpairedHalf / pairedHalf - predicted) < 1e-6 * predicted, "\(metric): width ratio \(unpairedHalf / pairedHalf), from JSON \(predicted)")
      print("common random numbers | \(metric) | variance ratio \(ratio) | paired ±\(pairedHalf) | unpaired ±\(unpairedHalf)")
    }
  }
}
