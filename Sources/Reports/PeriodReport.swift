import Estimation
import Simulation

/// Results by month or quarter: a row per period for `run --by`, and paired differences per
/// period and cumulatively for `compare --by`.
public enum PeriodReport {
  /// The metrics shown by period unless others are asked for.
  public static let defaultMetrics = ["arrivals", "wins", "bookings", "cost", "contribution"]

  /// One run's metrics per period: mean and 95% interval.
  public static func render(_ results: SimulationResults, by kind: PeriodKind, metrics: [String], format: OutputFormat) -> String {
    let layout = results.layout
    let labels = layout.labels(kind)
    let indices = metrics.compactMap { layout.index(ofScenarioMetric: $0) }
    switch format {
    case .csv:
      var lines = ["scenario,period,metric,statistic,value"]
      for (p, label) in labels.enumerated() {
        for (metric, m) in zip(metrics, indices) {
          let s = Summary(results.column(layout.index(period: p, of: kind, metric: m)))
          for (statistic, value) in [("mean", s.mean), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High)] {
            lines.append("\(csvField(results.scenario)),\(csvField(label)),\(csvField(metric)),\(statistic),\(csvNumber(value))")
          }
        }
      }
      return lines.joined(separator: "\n") + "\n"
    case .json:
      return renderJSON(RunSummary(results).jsonObject)
    case .table, .markdown:
      var table = TextTable(header: [kind.rawValue] + metrics)
      for (p, label) in labels.enumerated() {
        var row = [label]
        for (metric, m) in zip(metrics, indices) {
          let unit = MetricUnit(metric: metric)
          let s = Summary(results.column(layout.index(period: p, of: kind, metric: m)))
          row.append("\(unit.format(s.mean)) \(unit.interval(s))")
        }
        table.add(row)
      }
      let title = "\(Sanitize.terminal(results.scenario)) by \(kind.rawValue): mean [95% CI] over \(results.replications) replications, seed \(results.seed)"
      return format == .markdown ? "### \(title)\n\n" + table.markdown() : title + "\n\n" + table.terminal()
    }
  }

  /// Each variant against the baseline, per period and (for metrics that add up over periods)
  /// cumulatively from the first period: paired differences with their intervals.
  public static func renderComparison(
    baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind, metrics: [String], confidence: Double,
    format: OutputFormat
  ) -> String {
    let layout = baseline.layout
    let labels = layout.labels(kind)
    var csv = ["scenario,period,metric,statistic,value"]
    var out = ""
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
          csv.append(contentsOf: rows(variant.scenario, label, metric, d))
          if MetricDescriptor.named(metric)?.isAdditive == true {
            for r in base.indices {
              running[2 * k][r] += base[r]
              running[2 * k + 1][r] += other[r]
            }
            let c = PairedDifference(baseline: running[2 * k], variant: running[2 * k + 1], confidence: confidence)
            row.append("\(unit.formatDifference(c.mean)) \(unit.interval(c))")
            csv.append(contentsOf: rows(variant.scenario, label, "cumulative_" + metric, c))
          }
        }
        table.add(row)
      }
      let title = "\(Sanitize.terminal(variant.scenario)) - \(Sanitize.terminal(baseline.scenario)) by \(kind.rawValue): paired differences [\(level) CI], and cumulative from the first \(kind.rawValue)"
      out += format == .markdown ? "### \(title)\n\n" + table.markdown() + "\n" : title + "\n\n" + table.terminal() + "\n"
    }
    return format == .csv ? csv.joined(separator: "\n") + "\n" : out
  }

  private static func rows(_ scenario: String, _ period: String, _ metric: String, _ d: PairedDifference) -> [String] {
    [("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh)].map {
      "\(csvField(scenario)),\(csvField(period)),\(csvField(metric)),\($0.0),\(csvNumber($0.1))"
    }
  }
}
