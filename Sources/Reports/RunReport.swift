import Estimation
import Experiments
import Foundation
import Simulation

public enum OutputFormat: String, CaseIterable, Sendable {
  case table, markdown, csv, json, html
}

/// `cccm run` output: every metric with mean, 95% CI and percentiles; then teams, segments, pools.
public enum RunReport {
  public static func document(_ run: RunSummary) -> ReportDocument {
    var doc = ReportDocument()
    doc.json = RunJSON(run)
    doc.csvHeader = ["scenario", "metric", "statistic", "value"]
    for (index, entry) in run.layout.entries.enumerated() {
      let name = entry.group == .scenario ? entry.metric : "\(entry.group.rawValue)s.\(entry.entity).\(entry.metric)"
      let s = run.summaries[index]
      for (statistic, value) in [("mean", s.mean), ("sd", s.sd), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High), ("p05", s.p05), ("p50", s.p50), ("p95", s.p95)] {
        doc.csvRows.append([.text(run.scenario), .text(name), .text(statistic), .number(value)])
      }
    }
    doc.add(.title(run.scenario))
    doc.add(.text("\(run.replications) replications, seed \(run.seed); 95% confidence intervals of the mean\n\n"))
    var table = TextTable(header: ["metric", "mean", "95% CI", "p5", "p50", "p95"])
    for (metric, s) in run.group(.scenario).first?.metrics ?? [] {
      let unit = MetricUnit(metric: metric)
      table.add([metric, unit.format(s.mean), unit.interval(s), unit.format(s.p05), unit.format(s.p50), unit.format(s.p95)])
    }
    doc.add(.table(table, coloured: false))
    for (group, title) in [(MetricGroup.team, "team"), (.segment, "segment"), (.pool, "pool"), (.people, "people"), (.effort, "team hours"), (.response, "response")] {
      let entities = run.group(group)
      guard let first = entities.first else { continue }
      var grid = TextTable(header: [title] + first.metrics.map { $0.0 })
      for entity in entities {
        grid.add([entity.entity] + entity.metrics.map { MetricUnit(metric: $0.0).format($0.1.mean) })
      }
      doc.add(.text("\n"))
      doc.add(.table(grid, coloured: false))
    }
    return doc
  }

  public static func render(_ run: RunSummary, format: OutputFormat) -> String { document(run).render(format) }
}
