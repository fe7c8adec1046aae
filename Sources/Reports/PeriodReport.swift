import Estimation
import Experiments
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
        let s = results.summary(layout.index(period: p, of: kind, metric: m))
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
    baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind, metrics: [String], confidence: Double,
    objective: String = "contribution", streamed: StreamedComparison? = nil
  ) -> ReportDocument {
    let layout = baseline.layout
    let labels = layout.labels(kind)
    var doc = ReportDocument()
    doc.csvHeader = ["scenario", "period", "metric", "statistic", "value"]
    let level = confidence == 0.95 ? "95%" : String(format: "%.2f%%", confidence * 100)
    // Beyond the exact bound the differences come from the paired moments kept by period.
    let k = streamed?.kinds.firstIndex(of: kind)
    for (v, variant) in variants.enumerated() {
      var header = [kind.rawValue]
      for metric in metrics {
        header.append("\(metric) diff")
        if MetricDescriptor.named(metric)?.isAdditive == true { header.append("cumulative") }
      }
      var table = TextTable(header: header)
      var running = [[Double]](repeating: [Double](repeating: 0, count: streamed == nil ? baseline.replications : 0), count: metrics.count * 2)
      for (p, label) in labels.enumerated() {
        var row = [label]
        for (i, metric) in metrics.enumerated() {
          guard let m = layout.index(ofScenarioMetric: metric) else { continue }
          let unit = MetricUnit(metric: metric)
          let base = baseline.estimationColumn(layout.index(period: p, of: kind, metric: m))
          let other = variant.estimationColumn(variant.layout.index(period: p, of: kind, metric: m))
          let d =
            streamed.flatMap { $0.difference(variant: v, column: layout.index(period: p, of: kind, metric: m), confidence: confidence) }
            ?? PairedDifference(baseline: base, variant: other, confidence: confidence)
          row.append("\(unit.formatDifference(d.mean)) \(unit.interval(d))")
          doc.csvRows += rows(variant.scenario, label, metric, d)
          if MetricDescriptor.named(metric)?.isAdditive == true {
            for r in base.indices {
              running[2 * i][r] += base[r]
              running[2 * i + 1][r] += other[r]
            }
            let c =
              if let streamed, let k { PairedDifference(moments: streamed.cumulative[v][k][m][p], confidence: confidence) } else {
                PairedDifference(baseline: running[2 * i], variant: running[2 * i + 1], confidence: confidence)
              }
            row.append("\(unit.formatDifference(c.mean)) \(unit.interval(c))")
            doc.csvRows += rows(variant.scenario, label, "cumulative_" + metric, c)
          }
        }
        table.add(row)
      }
      doc.add(.title("\(variant.scenario) - \(baseline.scenario) by \(kind.rawValue): paired differences [\(level) CI], and cumulative from the first \(kind.rawValue)", gap: true))
      doc.add(.table(table, coloured: false))
      if MetricDescriptor.named(objective)?.isAdditive == true, let m = layout.index(ofScenarioMetric: objective) {
        let breakEven =
          if let streamed, let k, !streamed.breakEven[v].isEmpty {
            BreakEven(cumulative: streamed.breakEven[v][k].cumulative, own: streamed.breakEven[v][k].own, confidence: confidence)
          } else { Self.breakEven(baseline: baseline, variant: variant, kind: kind, metric: m, confidence: confidence) }
        doc.add(.text(Self.describe(breakEven, objective: objective, labels: labels, level: level, kind: kind)))
        doc.csvRows += Self.rows(variant.scenario, breakEven, objective: objective, labels: labels)
      }
      doc.add(.text("\n"))
    }
    return doc
  }

  /// The variant's break-even on an additive metric against the baseline, by period.
  public static func breakEven(
    baseline: SimulationResults, variant: SimulationResults, kind: PeriodKind, metric: Int, confidence: Double
  ) -> BreakEven {
    let layout = baseline.layout
    var running = [Double](repeating: 0, count: baseline.replications)
    var cumulative: [[Double]] = []
    for p in layout.labels(kind).indices {
      let base = baseline.estimationColumn(layout.index(period: p, of: kind, metric: metric))
      let other = variant.estimationColumn(variant.layout.index(period: p, of: kind, metric: metric))
      for r in running.indices { running[r] += other[r] - base[r] }
      cumulative.append(running)
    }
    return BreakEven(cumulative: cumulative, confidence: confidence)
  }

  static func describe(_ b: BreakEven, objective: String, labels: [String], level: String, kind: PeriodKind) -> String {
    func name(_ p: Int?) -> String { p.map { labels[$0] } ?? "later than the horizon" }
    var text = "\nbreak-even on \(objective): "
    if let mean = b.mean {
      text += "\(labels[mean]) (the mean cumulative difference stays above 0 from then on)"
    } else {
      text += "not within the horizon (the mean cumulative difference is not above 0 at its end)"
    }
    text += "; \(level) CI (a band over all periods at once): from \(name(b.earliest)) to \(name(b.latest))\n"
    text += "single replications: \(String(format: "%.0f%%", b.shareBreakingEven * 100)) break even within the horizon; "
    text += "when: p10 \(name(b.p10)), median \(name(b.p50)), p90 \(name(b.p90))\n"
    return text
  }

  private static func rows(_ scenario: String, _ b: BreakEven, objective: String, labels: [String]) -> [[ReportDocument.CSVCell]] {
    let metric = "break_even_" + objective
    var rows: [[ReportDocument.CSVCell]] = [("mean", b.mean), ("ci_earliest", b.earliest), ("ci_latest", b.latest), ("p10", b.p10), ("p50", b.p50), ("p90", b.p90)].map {
      [.text(scenario), .text($0.1.map { labels[$0] } ?? "none"), .text(metric), .text($0.0), .number($0.1.map { Double($0 + 1) } ?? .nan)]
    }
    rows.append([.text(scenario), .text(""), .text(metric), .text("share_within_horizon"), .number(b.shareBreakingEven)])
    return rows
  }

  public static func renderComparison(
    baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind, metrics: [String], confidence: Double,
    objective: String = "contribution", format: OutputFormat
  ) -> String {
    comparisonDocument(baseline: baseline, variants: variants, by: kind, metrics: metrics, confidence: confidence, objective: objective)
      .render(format)
  }

  private static func rows(_ scenario: String, _ period: String, _ metric: String, _ d: PairedDifference) -> [[ReportDocument.CSVCell]] {
    [("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh)].map {
      [.text(scenario), .text(period), .text(metric), .text($0.0), .number($0.1)]
    }
  }
}
