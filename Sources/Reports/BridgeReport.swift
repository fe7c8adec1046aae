import CCCMSupport
import Charts
import Estimation
import Experiments
import Foundation

/// `cccm explain` output (and `compare --bridge`'s section): each variant's bridge from the
/// baseline's contribution, a table of its steps, a waterfall chart, CSV rows and JSON.
public enum BridgeReport {
  /// Steps shown in the tables and charts: those that are not 0 in every replication (a mean and
  /// interval of exactly 0), and rounding only when it reaches a unit of money. CSV and JSON have
  /// every step.
  static func shown(_ bridge: Bridge) -> [Bridge.Step] {
    bridge.steps.filter { step in
      let reach = max(abs(step.mean), abs(step.ciLow), abs(step.ciHigh))
      return step.mechanism == .rounding ? reach >= 0.5 : reach != 0
    }
  }

  /// The bridges as a document.
  public static func document(_ bridges: [Bridge], seed: UInt64) -> ReportDocument {
    var doc = ReportDocument()
    doc.json = BridgeJSON(bridges: bridges, seed: seed)
    doc.csvHeader = ["baseline", "variant", "step", "mean", "ci95_low", "ci95_high"]
    let unit = MetricUnit.money
    for bridge in bridges {
      let base = [ReportDocument.CSVCell.text(bridge.baseline), .text(bridge.variant)]
      doc.csvRows.append(base + [.text("baseline \(Bridge.objective)"), .number(bridge.baselineMean), .number(.nan), .number(.nan)])
      for step in bridge.steps {
        doc.csvRows.append(base + [.text(step.mechanism.rawValue), .number(step.mean), .number(step.ciLow), .number(step.ciHigh)])
      }
      doc.csvRows.append(base + [.text("difference"), .number(bridge.total.mean), .number(bridge.total.ciLow), .number(bridge.total.ciHigh)])
      doc.csvRows.append(base + [.text("variant \(Bridge.objective)"), .number(bridge.variantMean), .number(.nan), .number(.nan)])
    }
    guard let first = bridges.first else { return doc }
    doc.add(.text(
      "Bridge of \(Bridge.objective) from \(SafeText.escaped(first.baseline)): \(first.replications) paired replications, seed \(seed), common random numbers. "
        + "Each step is a mechanism's mean over replications with its 95% interval; added in order, the steps give the difference "
        + "(docs/statistics.md, \"The bridge\"). Steps that are 0 in every replication (and rounding below 1) are left out. * = the interval excludes 0.\n"))
    for bridge in bridges {
      doc.add(.text("\n"))
      doc.add(.title("\(bridge.variant) - \(bridge.baseline)", gap: true))
      var table = TextTable(header: ["step", Bridge.objective, "95% CI", ""], textColumns: 1)
      table.add(["\(bridge.baseline) (baseline)", unit.format(bridge.baselineMean), "", ""])
      for step in shown(bridge) {
        let style: CellStyle = step.isSignificant ? (step.mean > 0 ? .better : .worse) : .plain
        table.add(
          ["  " + step.mechanism.rawValue, unit.formatDifference(step.mean), "[\(unit.formatDifference(step.ciLow)), \(unit.formatDifference(step.ciHigh))]", step.isSignificant ? "*" : ""],
          styles: [1: style, 2: style, 3: style])
      }
      table.add(["difference", unit.formatDifference(bridge.total.mean), unit.interval(bridge.total), bridge.total.isSignificant ? "*" : ""])
      table.add(["\(bridge.variant) (variant)", unit.format(bridge.variantMean), "", ""])
      doc.add(.table(table, coloured: true))
      doc.charts.append(chart(bridge))
    }
    return doc
  }

  /// The waterfall of one bridge.
  static func chart(_ bridge: Bridge) -> WaterfallChart {
    let unit = MetricUnit.money
    let steps = shown(bridge)
    let values = [bridge.baselineMean, bridge.variantMean] + steps.map(\.mean)
    var axis = ReportCharts.axis(Bridge.objective, values: values)
    axis.includeZero = false
    let biggest = steps.filter { $0.mechanism != .rounding }.max { abs($0.mean) < abs($1.mean) }
    var description = "A bridge from \(bridge.baseline)'s mean \(Bridge.objective), \(unit.format(bridge.baselineMean)), to \(bridge.variant)'s, "
      + "\(unit.format(bridge.variantMean)): a difference of \(unit.formatDifference(bridge.total.mean)) in \(steps.count) steps"
    if let biggest { description += "; the largest is \(biggest.mechanism.rawValue), \(unit.formatDifference(biggest.mean))" }
    description += "."
    return WaterfallChart(
      id: ReportCharts.slug("bridge", bridge.variant), title: "Bridge of \(Bridge.objective): \(bridge.baseline) to \(bridge.variant)",
      description: description, axis: axis,
      start: (label: bridge.baseline, value: bridge.baselineMean, valueLabel: unit.format(bridge.baselineMean)),
      steps: steps.map { step in
        WaterfallChart.Step(
          label: step.mechanism.rawValue, value: step.mean, low: step.ciLow, high: step.ciHigh, marked: step.isSignificant,
          valueLabel: "\(unit.formatDifference(step.mean)) [\(unit.formatDifference(step.ciLow)), \(unit.formatDifference(step.ciHigh))]")
      },
      end: (label: bridge.variant, value: bridge.variantMean, valueLabel: unit.format(bridge.variantMean)))
  }
}

/// The bridges as JSON: per variant, both sides' means, the difference and every step.
struct BridgeJSON: Encodable, Sendable {
  struct Step: Encodable, Sendable {
    let step: String
    let mean, ci95_low, ci95_high: JSONNumber
  }
  struct Variant: Encodable, Sendable {
    let baseline, variant: String
    let replications: Int
    let baseline_mean, variant_mean, difference, difference_ci95_low, difference_ci95_high: JSONNumber
    let steps: [Step]
  }
  let objective: String
  let seed: UInt64
  let bridges: [Variant]

  init(bridges: [Bridge], seed: UInt64) {
    objective = Bridge.objective
    self.seed = seed
    self.bridges = bridges.map { b in
      Variant(
        baseline: b.baseline, variant: b.variant, replications: b.replications, baseline_mean: JSONNumber(b.baselineMean),
        variant_mean: JSONNumber(b.variantMean), difference: JSONNumber(b.total.mean), difference_ci95_low: JSONNumber(b.total.ciLow),
        difference_ci95_high: JSONNumber(b.total.ciHigh),
        steps: b.steps.map { Step(step: $0.mechanism.rawValue, mean: JSONNumber($0.mean), ci95_low: JSONNumber($0.ciLow), ci95_high: JSONNumber($0.ciHigh)) })
    }
  }
}
