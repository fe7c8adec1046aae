import Estimation
import Experiments
import Foundation
import Simulation

/// `cccm sensitivity`: one factor at a time, each moved from its low to its high value with the
/// others at the base: a bar per factor, the paired difference it makes on the objective (high
/// minus low) with its interval, sorted by swing.
public enum TornadoReport {
  public struct Bar {
    public let factor: String
    public let low: Double
    public let high: Double
    public let lowResults: SimulationResults
    public let highResults: SimulationResults
    public init(factor: String, low: Double, high: Double, lowResults: SimulationResults, highResults: SimulationResults) {
      self.factor = factor
      self.low = low
      self.high = high
      self.lowResults = lowResults
      self.highResults = highResults
    }
  }

  struct BarJSON: Encodable, Sendable {
    let factor: String
    let low, high: Double
    let at_low, at_high, swing, ci95_low, ci95_high: JSONNumber
  }
  struct TornadoJSON: Encodable, Sendable {
    let objective: String
    let base: JSONNumber
    let bars: [BarJSON]
  }

  /// The tornado's table, bars sorted by swing. Beyond the exact bound `streamed` holds the
  /// paired statistics kept instead of the rows (`swing`).
  public static func document(base: SimulationResults, bars: [Bar], objective: String, streamed: StreamedComparison? = nil) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: objective)
    func summary(_ results: SimulationResults) -> Summary { results.layout.index(ofScenarioMetric: objective).map(results.summary) ?? Summary([]) }
    let baseMean = summary(base).mean
    let measured = bars.enumerated().map { i, bar -> (Bar, Summary, Summary, PairedDifference) in
      (bar, summary(bar.lowResults), summary(bar.highResults), swing(i, of: bar, objective: objective, streamed: streamed))
    }.sorted { abs($0.3.mean) > abs($1.3.mean) }
    doc.add(.text(
      "Sensitivity of \(objective) (base \(unit.format(baseMean))), one factor at a time from its low to its high value, the others at the base; \(base.replications) paired replications, seed \(base.seed), common random numbers.\nAssumptions: factors are moved one at a time (no interactions), over the ranges given; each bar is the paired difference high - low with its 95% interval, sorted by swing.\n\n"))
    var table = TextTable(header: ["factor", "low", "high", "\(objective) at low", "at high", "swing (high - low)", "95% CI", ""], textColumns: 1)
    doc.csvHeader = ["factor", "statistic", "value"]
    var json: [BarJSON] = []
    let widest = measured.map { abs($0.3.mean) }.max() ?? 0
    for (bar, low, high, d) in measured {
      let length = widest > 0 ? Int((abs(d.mean) / widest * 20).rounded()) : 0
      table.add([
        bar.factor, SweepReport.number(bar.low), SweepReport.number(bar.high), unit.format(low.mean), unit.format(high.mean),
        unit.formatDifference(d.mean), unit.interval(d), (d.mean < 0 ? "-" : "+") + String(repeating: "#", count: length) + (d.isSignificant ? " *" : ""),
      ])
      for (statistic, value) in [("low", bar.low), ("high", bar.high), ("at_low", low.mean), ("at_high", high.mean), ("swing", d.mean), ("ci95_low", d.ciLow), ("ci95_high", d.ciHigh)] {
        doc.csvRows.append([.text(bar.factor), .text(statistic), .number(value)])
      }
      json.append(
        BarJSON(
          factor: bar.factor, low: bar.low, high: bar.high, at_low: JSONNumber(low.mean), at_high: JSONNumber(high.mean), swing: JSONNumber(d.mean),
          ci95_low: JSONNumber(d.ciLow), ci95_high: JSONNumber(d.ciHigh)))
    }
    doc.add(.table(table, coloured: false))
    doc.json = TornadoJSON(objective: objective, base: JSONNumber(baseMean), bars: json)
    return doc
  }

  /// Bar i's swing on the objective, high minus low, paired: from the rows, or beyond the exact
  /// bound from `streamed`, whose scenarios are the base, then each bar's low and high.
  static func swing(_ i: Int, of bar: Bar, objective: String, streamed: StreamedComparison?) -> PairedDifference {
    guard let streamed else {
      func column(_ results: SimulationResults) -> [Double] { results.layout.index(ofScenarioMetric: objective).map(results.estimationColumn) ?? [] }
      return PairedDifference(baseline: column(bar.lowResults), variant: column(bar.highResults))
    }
    precondition(streamed.objective.name == objective, "the streamed comparison ranks another objective")
    return streamed.objectiveDifference(from: 1 + 2 * i, to: 2 + 2 * i)
  }
}
