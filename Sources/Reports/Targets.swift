import Estimation
import Experiments
import Foundation
import Simulation

/// The probability of reaching each target, per scenario (Wilson interval), and its paired
/// change from the baseline for each variant (Newcombe interval, at the comparison's level).
public enum TargetReport {
  /// A target as a reader reads it: `bookings >= 85.0M`.
  static func label(_ target: Target) -> String { "\(target.metric) \(target.comparison.rawValue) \(MetricUnit(metric: target.metric).format(target.value))" }

  public static func document(
    targets: [Target], baseline: SimulationResults, variants: [SimulationResults], confidence: Double
  ) -> ReportDocument {
    document(TargetProbabilities(targets: targets, baseline: baseline, variants: variants, confidence: confidence))
  }

  public static func document(_ probabilities: TargetProbabilities) -> ReportDocument {
    let confidence = probabilities.confidence
    let level = confidence == 0.95 ? "95%" : String(format: "%.2f%%", confidence * 100)
    var table = TextTable(header: ["target", "scenario", "P(target)", "95% CI", "change", "change CI (\(level))"], textColumns: 2)
    var doc = ReportDocument()
    doc.csvHeader = ["target", "scenario", "statistic", "value"]
    func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : "-" }
    func points(_ x: Double) -> String { x.isFinite ? String(format: "%+.1f pp", x * 100) : "-" }
    func csv(_ target: Target, _ scenario: String, _ values: [(String, Double)]) {
      doc.csvRows += values.map { [.text(label(target)), .text(scenario), .text($0.0), .number($0.1)] }
    }
    for row in probabilities.rows {
      let p = row.probability
      guard let d = row.change else {
        table.add([label(row.target), row.scenario, percent(p.estimate), "[\(percent(p.low)), \(percent(p.high))]", "", ""])
        csv(row.target, row.scenario, [("p", p.estimate), ("p_low", p.low), ("p_high", p.high)])
        continue
      }
      table.add([
        "", row.scenario, percent(p.estimate), "[\(percent(p.low)), \(percent(p.high))]", points(d.difference),
        "[\(points(d.low)), \(points(d.high))]" + (d.isSignificant ? " *" : ""),
      ])
      csv(row.target, row.scenario, [("p", p.estimate), ("p_low", p.low), ("p_high", p.high), ("change", d.difference), ("change_low", d.low), ("change_high", d.high)])
    }
    doc.add(.title("Probability of reaching the targets (share of replications; Wilson interval; change paired, Newcombe interval)", gap: true))
    doc.add(.table(table, coloured: false))
    return doc
  }

  public static func render(
    targets: [Target], baseline: SimulationResults, variants: [SimulationResults], confidence: Double, format: OutputFormat
  ) -> String {
    document(targets: targets, baseline: baseline, variants: variants, confidence: confidence).render(format)
  }
}
