import CCCMSupport
import Estimation
import Experiments
import Foundation
import Simulation

/// `cccm sweep`: the response over a grid of values, each point paired with the base scenario;
/// for one factor, the marginal value of one more unit between neighbouring points; the best point.
public enum SweepReport {
  public struct Point {
    public let label: String
    public let values: [Double]
    public let results: SimulationResults
    public init(label: String, values: [Double], results: SimulationResults) {
      self.label = label
      self.values = values
      self.results = results
    }
  }

  struct PointJSON: Encodable, Sendable {
    let point: String
    let values: [Double]
    let metrics: [String: SummaryJSON]
    let difference: [String: DifferenceJSON]
  }
  struct DifferenceJSON: Encodable, Sendable {
    let mean, ci95_low, ci95_high: JSONNumber
  }
  struct MarginalJSON: Encodable, Sendable {
    let from, to: Double
    let per_unit, ci95_low, ci95_high: JSONNumber
  }
  struct SweepJSON: Encodable, Sendable {
    let factors: [String]
    let objective: String
    let base: String
    let points: [PointJSON]
    let marginal: [MarginalJSON]
    let best: String
  }

  /// The sweep's tables: every point paired with the base, the marginal value between
  /// neighbouring points of one factor, the best point. Beyond the exact bound `streamed` holds
  /// the paired statistics kept instead of the rows (`Pairing`).
  public static func document(
    factors: [String], base: SimulationResults, points: [Point], metrics: [String], objective: String, streamed: StreamedComparison? = nil
  ) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: objective)
    let lower = MetricDescriptor.named(objective)?.direction == .lowerIsBetter
    let pairing = Pairing(base: base, points: points, objective: objective, streamed: streamed)
    let shown = [objective] + metrics.filter { $0 != objective }
    doc.add(.text(
      "Sweep of \(factors.joined(separator: " x ")) over \(points.count) point\(points.count == 1 ? "" : "s"); \(base.replications) paired replications each, seed \(base.seed), common random numbers.\nEvery point is paired with the base scenario (95% intervals, not adjusted for the number of points).\n\n"))
    var table = TextTable(header: factors.map { String($0.split(separator: ".").last ?? "") } + shown.map { "\($0)" } + ["\(objective) diff (95% CI)", ""], textColumns: 0)
    doc.csvHeader = ["point", "metric", "statistic", "value"]
    var jsonPoints: [PointJSON] = []
    for (i, point) in points.enumerated() {
      var row = point.values.map { Self.number($0) }
      var summaries: [String: SummaryJSON] = [:]
      var differences: [String: DifferenceJSON] = [:]
      for metric in shown {
        let s = pairing.summary(i, metric)
        row.append("\(MetricUnit(metric: metric).format(s.mean)) \(MetricUnit(metric: metric).interval(s))")
        summaries[metric] = SummaryJSON(s)
        let d = pairing.fromBase(i, metric)
        differences[metric] = DifferenceJSON(mean: JSONNumber(d.mean), ci95_low: JSONNumber(d.ciLow), ci95_high: JSONNumber(d.ciHigh))
        for (statistic, value) in [("mean", s.mean), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High), ("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh)] {
          doc.csvRows.append([.text(point.label), .text(metric), .text(statistic), .number(value)])
        }
      }
      let d = pairing.fromBase(i, objective)
      row += ["\(unit.formatDifference(d.mean)) \(unit.interval(d))", d.isSignificant ? "*" : ""]
      table.add(row)
      jsonPoints.append(PointJSON(point: point.label, values: point.values, metrics: summaries, difference: differences))
    }
    doc.add(.table(table, coloured: false))

    // The marginal value of one more unit, between neighbouring points of a single factor.
    var marginals: [MarginalJSON] = []
    if factors.count == 1, points.count > 1 {
      doc.add(.text("\nMarginal \(objective) per unit of \(factors[0]) (paired difference of neighbouring points / their distance):\n\n"))
      var grid = TextTable(header: ["from", "to", "per unit", "95% CI", ""], textColumns: 0)
      for (i, (a, b)) in zip(points, points.dropFirst()).enumerated() {
        let step = b.values[0] - a.values[0]
        guard step != 0 else { continue }
        let d = pairing.between(i, i + 1)
        let (low, high) = (min(d.ciLow / step, d.ciHigh / step), max(d.ciLow / step, d.ciHigh / step))
        grid.add([Self.number(a.values[0]), Self.number(b.values[0]), unit.formatDifference(d.mean / step), "[\(unit.formatDifference(low)), \(unit.formatDifference(high))]", d.isSignificant ? "*" : ""])
        marginals.append(MarginalJSON(from: a.values[0], to: b.values[0], per_unit: JSONNumber(d.mean / step), ci95_low: JSONNumber(low), ci95_high: JSONNumber(high)))
        for (statistic, value) in [("per_unit", d.mean / step), ("ci95_low", low), ("ci95_high", high)] {
          doc.csvRows.append([.text("\(Self.number(a.values[0]))->\(Self.number(b.values[0]))"), .text("marginal_\(objective)"), .text(statistic), .number(value)])
        }
      }
      doc.add(.table(grid, coloured: false))
    }

    // The best point by the objective, and whether the runner-up is distinguishable from it.
    let ranked = points.indices.sorted {
      let x = pairing.summary($0, objective).mean
      let y = pairing.summary($1, objective).mean
      return lower ? x < y : x > y
    }
    var best = ""
    if let top = ranked.first {
      let first = points[top]
      best = first.label
      var text = "\nBest point by \(objective) (\(lower ? "lower" : "higher") is better): \(first.label), \(unit.format(pairing.summary(top, objective).mean))"
      if ranked.count > 1 {
        let second = points[ranked[1]]
        let d = pairing.between(ranked[1], top)
        text += d.isSignificant
          ? "; ahead of the runner-up (\(second.label)) by \(unit.formatDifference(d.mean)) \(unit.interval(d))."
          : "; not distinguishable from the runner-up (\(second.label)): difference \(unit.formatDifference(d.mean)) \(unit.interval(d)) includes 0."
      }
      doc.add(.text(text + "\n"))
    }
    doc.decision = DecisionTable(sweep: pairing, objective: objective)
    doc.json = SweepJSON(factors: factors, objective: objective, base: base.scenario, points: jsonPoints, marginal: marginals, best: best)
    return doc
  }

  static func number(_ value: Double) -> String {
    NumberText.whole(value) ?? String(format: "%g", value)
  }
}

extension SweepReport {
  /// What the sweep's report pairs, from every point's rows or, beyond the exact bound, from the
  /// paired moments kept instead (`StreamedComparison` of the base, scenario 0, and point i,
  /// scenario i + 1, ranked on the report's objective).
  public struct Pairing {
    public let base: SimulationResults
    public let points: [Point]
    /// The metric `between` pairs (the streamed comparison's objective, when streamed).
    public let objective: String
    public let streamed: StreamedComparison?

    public init(base: SimulationResults, points: [Point], objective: String, streamed: StreamedComparison?) {
      precondition(streamed.map { $0.objective.name == objective } ?? true, "the streamed comparison ranks another objective")
      self.base = base
      self.points = points
      self.objective = objective
      self.streamed = streamed
    }

    /// The values whose paired differences compare `metric` (`SimulationResults.estimationColumn`).
    func column(_ results: SimulationResults, _ metric: String) -> [Double] {
      results.layout.index(ofScenarioMetric: metric).map(results.estimationColumn) ?? []
    }

    /// Point i's summary of `metric`.
    public func summary(_ i: Int, _ metric: String) -> Summary {
      let results = points[i].results
      guard !results.hasRows else { return Summary(column(results, metric)) }
      return results.layout.index(ofScenarioMetric: metric).map(results.summary) ?? Summary([])
    }

    /// Point i minus the base on `metric`, paired.
    public func fromBase(_ i: Int, _ metric: String) -> PairedDifference {
      guard let streamed else { return PairedDifference(baseline: column(base, metric), variant: column(points[i].results, metric)) }
      let column = base.layout.index(ofScenarioMetric: metric)
      return column.flatMap { streamed.difference(variant: i, column: $0, confidence: 0.95) } ?? PairedDifference(baseline: [], variant: [])
    }

    /// Point j minus point i on the objective, paired.
    public func between(_ i: Int, _ j: Int) -> PairedDifference {
      guard let streamed else { return PairedDifference(baseline: column(points[i].results, objective), variant: column(points[j].results, objective)) }
      return streamed.objectiveDifference(from: i + 1, to: j + 1)
    }
  }
}
