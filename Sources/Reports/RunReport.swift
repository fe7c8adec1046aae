import Estimation
import Foundation
import Simulation

public enum OutputFormat: String, CaseIterable, Sendable {
  case table, markdown, csv, json
}

/// Summaries of every metric of one run, by the run's metric layout.
public struct RunSummary: Sendable {
  public let scenario: String
  public let seed: UInt64
  public let replications: Int
  public let layout: MetricLayout
  public let summaries: [Summary]

  public init(_ results: SimulationResults) {
    scenario = results.scenario
    seed = results.seed
    replications = results.replications
    layout = results.layout
    summaries = (0..<results.layout.count).map { Summary(results.column($0)) }
  }

  public func summary(_ metric: String) -> Summary? {
    layout.index(ofScenarioMetric: metric).map { summaries[$0] }
  }

  /// Summaries of one group, by entity then metric, in layout order.
  func group(_ group: MetricGroup) -> [(entity: String, metrics: [(String, Summary)])] {
    var result: [(entity: String, metrics: [(String, Summary)])] = []
    for (index, entry) in layout.entries.enumerated() where entry.group == group {
      if result.last?.entity == entry.entity { result[result.count - 1].metrics.append((entry.metric, summaries[index])) } else {
        result.append((entry.entity, [(entry.metric, summaries[index])]))
      }
    }
    return result
  }

  /// The JSON object of docs/model.md.
  public var jsonObject: [String: Any] {
    func metrics(_ list: [(String, Summary)]) -> [String: Any] {
      Dictionary(list.map { ($0.0, summaryJSON($0.1)) }, uniquingKeysWith: { a, _ in a })
    }
    func nested(_ g: MetricGroup) -> [String: Any] {
      Dictionary(group(g).map { ($0.entity, metrics($0.metrics)) }, uniquingKeysWith: { a, _ in a })
    }
    var object: [String: Any] = [
      "scenario": scenario, "seed": seed, "replications": replications,
      "metrics": metrics(group(.scenario).first?.metrics ?? []), "teams": nested(.team), "segments": nested(.segment),
      "pools": nested(.pool),
    ]
    if !layout.months.isEmpty {
      var periods: [String: Any] = [:]
      for kind in PeriodKind.allCases {
        periods[kind == .month ? "months" : "quarters"] = layout.labels(kind).enumerated().map { p, label -> [String: Any] in
          let values = MetricLayout.scenarioMetrics.enumerated().map { m, name in (name, summaryJSON(summaries[layout.index(period: p, of: kind, metric: m)])) }
          return ["period": label, "metrics": Dictionary(values, uniquingKeysWith: { a, _ in a })]
        }
      }
      object["periods"] = periods
    }
    return object
  }
}

func summaryJSON(_ s: Summary) -> [String: Any] {
  ["mean": json(s.mean), "sd": json(s.sd), "ci95_low": json(s.ci95Low), "ci95_high": json(s.ci95High), "p05": json(s.p05), "p50": json(s.p50), "p95": json(s.p95)]
}

/// A number for JSON: NaN and infinities (undefined metrics) become null.
func json(_ value: Double) -> Any { value.isFinite ? value : NSNull() }

func renderJSON(_ object: Any) -> String {
  guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
    let text = String(data: data, encoding: .utf8)
  else { return "{}\n" }
  return text + "\n"
}

/// A CSV cell made safe (`Sanitize.csvField`): every CSV report writes text through it.
func csvField(_ text: String) -> String { Sanitize.csvField(text) }

func csvNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "" }

/// `cccm run` output: every metric with mean, 95% CI and percentiles; then teams, segments, pools.
public enum RunReport {
  public static func render(_ run: RunSummary, format: OutputFormat) -> String {
    switch format {
    case .json: return renderJSON(run.jsonObject)
    case .csv:
      var lines = ["scenario,metric,statistic,value"]
      for (index, entry) in run.layout.entries.enumerated() {
        let name = entry.group == .scenario ? entry.metric : "\(entry.group.rawValue)s.\(entry.entity).\(entry.metric)"
        let s = run.summaries[index]
        for (statistic, value) in [("mean", s.mean), ("sd", s.sd), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High), ("p05", s.p05), ("p50", s.p50), ("p95", s.p95)] {
          lines.append("\(csvField(run.scenario)),\(csvField(name)),\(statistic),\(csvNumber(value))")
        }
      }
      return lines.joined(separator: "\n") + "\n"
    case .table, .markdown:
      let markdown = format == .markdown
      var out = markdown ? "### \(Sanitize.markdownCell(run.scenario))\n\n" : "\(Sanitize.terminal(run.scenario))\n"
      out += "\(run.replications) replications, seed \(run.seed); 95% confidence intervals of the mean\n\n"
      var table = TextTable(header: ["metric", "mean", "95% CI", "p5", "p50", "p95"])
      for (metric, s) in run.group(.scenario).first?.metrics ?? [] {
        let unit = MetricUnit(metric: metric)
        table.add([metric, unit.format(s.mean), unit.interval(s), unit.format(s.p05), unit.format(s.p50), unit.format(s.p95)])
      }
      out += markdown ? table.markdown() : table.terminal()
      for (group, title) in [(MetricGroup.team, "team"), (.segment, "segment"), (.pool, "pool")] {
        let entities = run.group(group)
        guard let first = entities.first else { continue }
        var grid = TextTable(header: [title] + first.metrics.map { $0.0 })
        for entity in entities {
          grid.add([entity.entity] + entity.metrics.map { MetricUnit(metric: $0.0).format($0.1.mean) })
        }
        out += "\n" + (markdown ? grid.markdown() : grid.terminal())
      }
      return out
    }
  }
}
