import Estimation
import Simulation

/// Results by month or quarter: a row per period for `run --by`, and paired differences per
/// period and cumulatively for `compare --by`.
public enum PeriodReport {
  /// The metrics shown by period unless others are asked for.
  public static let defaultMetrics = ["arrivals", "wins", "bookings", "cost", "contribution"]

  /// One run's metrics per period: mean and 95% interval.
  public static func document(_ results: SimulationResults, by kind: PeriodKind, metrics: [String]) -> ReportDocument {
    let layout = results.layout
    let labels = layout.labels(kind)
    let indices = metrics.compactMap { layout.index(ofScenarioMetric: $0) }
    var doc = ReportDocument()
    doc.json = RunJSON(RunSummary(results))
    doc.csvHeader = ["scenario", "period", "metric", "statistic", "value"]
    var table = TextTable(header: [kind.rawValue] + metrics)
    for (p, label) in labels.enumerated() {
      var row = [label]
      for (metric, m) in zip(metrics, indices) {
        let unit = MetricUnit(metric: metric)
        let s = Summary(results.column(layout.index(period: p, of: kind, metric: m)))
        row.append("\(unit.format(s.mean)) \(unit.interval(s))")
        for (statistic, value) in [("mean", s.mean), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High)] {
          doc.csvRows.append([.text(results.scenario), .text(label), .text(metric), .text(statistic), .number(value)])
        }
      }
      table.add(row)
    }
    doc.add(.title("\(results.scenario) by \(kind.rawValue): mean [95% CI] over \(results.replications) replications, seed \(results.seed)", gap: true))
    doc.add(.table(table, coloured: false))
    return doc
  }

  public static func render(_ results: SimulationResults, by kind: PeriodKind, metrics: [String], format: OutputFormat) -> String {
    document(results, by: kind, metrics: metrics).render(format)
  }

  /// Each variant against the baseline, per period and (for metrics that add up over periods)
  /// cumulatively from the first period: paired differences with their intervals.
  public static func comparisonDocument(
    baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind, metrics: [String], confidence: Double
  ) -> ReportDocument {
    let layout = baseline.layout
    let labels = layout.labels(kind)
    var doc = ReportDocument()
    doc.csvHeader = ["scenario", "period", "metric", "statistic", "value"]
    let level = confidence == 0.95 ? "95%" : String(format: "%.2f%%", confidence * 100)
    for variant in variants {
      var header = [kind.rawValue]
      for metric in metrics {
        header.append("\(metric) diff")
        if MetricDescriptor.named(metric)?.isAdditive == true { header.append("cumulative") }
      }
      var table = TextTable(header: header)
      var running = [[Double]](repeating: [Double](repeating: 0, count: baseline.replications), count: metrics.count * 2)
      for (p, label) in labels.enumerated() {
        var row = [label]
        for (k, metric) in metrics.enumerated() {
          guard let m = layout.index(ofScenarioMetric: metric) else { continue }
          let unit = MetricUnit(metric: metric)
          let base = baseline.column(layout.index(period: p, of: kind, metric: m))
          let other = variant.column(variant.layout.index(period: p, of: kind, metric: m))
          let d = PairedDifference(baseline: base, variant: other, confidence: confidence)
          row.append("\(unit.formatDifference(d.mean)) \(unit.interval(d))")
          doc.csvRows += rows(variant.scenario, label, metric, d)
          if MetricDescriptor.named(metric)?.isAdditive == true {
            for r in base.indices {
              running[2 * k][r] += base[r]
              running[2 * k + 1][r] += other[r]
            }
            let c = PairedDifference(baseline: running[2 * k], variant: running[2 * k + 1], confidence: confidence)
            row.append("\(unit.formatDifference(c.mean)) \(unit.interval(c))")
            doc.csvRows += rows(variant.scenario, label, "cumulative_" + metric, c)
          }
        }
        table.add(row)
      }
      doc.add(.title("\(variant.scenario) - \(baseline.scenario) by \(kind.rawValue): paired differences [\(level) CI], and cumulative from the first \(kind.rawValue)", gap: true))
      doc.add(.table(table, coloured: false))
      doc.add(.text("\n"))
    }
    return doc
  }

  public static func renderComparison(
    baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind, metrics: [String], confidence: Double,
    format: OutputFormat
  ) -> String {
    comparisonDocument(baseline: baseline, variants: variants, by: kind, metrics: metrics, confidence: confidence).render(format)
  }

  private static func rows(_ scenario: String, _ period: String, _ metric: String, _ d: PairedDifference) -> [[ReportDocument.CSVCell]] {
    [("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh)].map {
      [.text(scenario), .text(period), .text(metric), .text($0.0), .number($0.1)]
    }
  }
}
