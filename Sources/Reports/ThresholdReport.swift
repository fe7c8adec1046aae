import CCCMSupport
import Charts
import Estimation
import Experiments
import Foundation

/// `cccm threshold`: for each parameter, the value at which the variant equals the baseline on the
/// objective (or reaches the target), with its interval: the "what would have to be true" table,
/// then each parameter's points and fitted curve.
public enum ThresholdReport {
  struct RootJSON: Encodable, Sendable {
    let value, ci95_low, ci95_high, standard_error: JSONNumber
    /// "up": the difference grows through the root; "down": it falls.
    let direction: String
  }
  struct PointJSON: Encodable, Sendable {
    let value: Double
    let difference, ci95_low, ci95_high, fitted: JSONNumber
  }
  struct LineJSON: Encodable, Sendable {
    let path: String
    let low, high: Double
    let varied_in: String
    let note: String?
    let verdict: String
    let thresholds: [RootJSON]
    let open_interval: RootJSON?
    let lack_of_fit: JSONNumber
    let points: [PointJSON]
  }
  struct ThresholdJSON: Encodable, Sendable {
    let baseline, variant, metric: String
    let target: String?
    let replications, points, resamples: Int
    let seed: UInt64
    let method: String
    let lines: [LineJSON]
  }

  static let method =
    "quadratic least squares through the points' mean differences on common random numbers; percentile bootstrap of replications, the same at every point"

  /// A parameter value for people: `1.96M`, `45.5K`, `0.735`, `12`.
  public static func value(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "-" : (x > 0 ? "inf" : "-inf") }
    let magnitude = abs(x)
    if magnitude >= 1e6 { return String(format: "%.3gM", x / 1e6) }
    if magnitude >= 1e4 { return String(format: "%.4gK", x / 1e3) }
    if let whole = NumberText.whole(x) { return whole }
    return String(format: "%.3g", x)
  }

  /// An interval whose ends may lie beyond the range: `[1.87M, 2.05M]`, `[0.92, above 1]`.
  static func interval(_ root: Threshold.Root, range: InputRange) -> String {
    if root.exact { return "exact: the designs coincide" }
    func end(_ x: Double) -> String {
      if x == -.infinity { return "below \(value(range.low))" }
      if x == .infinity { return "above \(value(range.high))" }
      return value(x)
    }
    return "[\(end(root.low)), \(end(root.high))]"
  }

  /// What one line says, in one sentence.
  static func sentence(_ line: Threshold.Line, outcome: Threshold.Outcome) -> String {
    let setting = outcome.setting
    let unit = MetricUnit(metric: setting.metric)
    let c = line.curve
    let path = line.range.path
    let span = "[\(value(line.range.low)), \(value(line.range.high))]"
    let good = setting.largerIsBetter
    let reached = setting.target.map { t in "reaches \(targetText(t))" } ?? "equals \(outcome.baseline) on \(setting.metric)"
    let better = setting.target.map { "\(outcome.variant) meets \(targetText($0))" } ?? "\(outcome.variant) is better"
    let worse = setting.target.map { _ in "\(outcome.variant) misses it" } ?? "\(outcome.baseline) is better"
    let ends = "difference \(unit.formatDifference(c.means.first ?? .nan)) at \(value(line.range.low)), \(unit.formatDifference(c.means.last ?? .nan)) at \(value(line.range.high))"
    switch c.verdict {
    case .equal: return "\(path): \(outcome.variant) equals the reference in every replication over \(span); no threshold."
    case .neverPositive, .neverNegative:
      let side = (c.verdict == .neverPositive) == good ? better : worse
      return "\(path): never within \(span): \(side) throughout (\(ends))."
    case .undetermined:
      let open = c.openInterval.map { ", the bootstrap's crossing \(interval($0, range: line.range))" } ?? ""
      return "\(path): no crossing at the estimate within \(span), but the interval reaches 0 (\(ends)\(open)); more replications or a wider range."
    case .crosses:
      let parts = c.roots.map { root -> String in
        let rising = root.slope > 0
        // Above the root the difference has the slope's sign.
        let above = rising == good ? better : worse
        let below = rising == good ? worse : better
        let sides = [root.value > line.range.low ? "below it \(below)" : nil, root.value < line.range.high ? "above it \(above)" : nil].compactMap { $0 }
        let where_ = root.exact ? "(exact: the designs coincide there)" : interval(root, range: line.range)
        return "\(value(root.value)) \(where_): " + sides.joined(separator: ", ")
      }
      let several = c.roots.count > 1 ? " at \(c.roots.count) values" : ""
      return "\(outcome.variant) \(reached) when \(path) =\(several) " + parts.joined(separator: "; ") + "."
    }
  }

  /// The verdict in a table cell: "crosses", "never: variant better", "not settled".
  static func verdictText(_ c: Threshold.Curve, largerIsBetter: Bool) -> String {
    switch c.verdict {
    case .crosses: c.roots.count > 1 ? "\(c.roots.count) crossings" : "crosses"
    case .neverPositive: "never: " + (largerIsBetter ? "variant better" : "variant worse")
    case .neverNegative: "never: " + (largerIsBetter ? "variant worse" : "variant better")
    case .undetermined: "not settled"
    case .equal: "equal throughout"
    }
  }

  static func targetText(_ target: Target) -> String {
    "\(target.metric) \(target.comparison.rawValue) \(MetricUnit(metric: target.metric).format(target.value))"
  }

  public static func document(_ outcome: Threshold.Outcome) -> ReportDocument {
    var doc = ReportDocument()
    let setting = outcome.setting
    let unit = MetricUnit(metric: setting.metric)
    let what = setting.target.map { "\(outcome.variant) reaches \(targetText($0))" } ?? "\(outcome.variant) equals \(outcome.baseline) on \(setting.metric)"
    let difference = setting.target.map { "\(outcome.variant)'s \($0.metric) - \(unit.format($0.value))" } ?? "\(outcome.variant) - \(outcome.baseline)"
    let resamples = outcome.lines.first?.curve.resamples ?? setting.resamples
    doc.add(.title("Threshold: where \(what)", gap: true))
    doc.add(.text(
      "\(setting.points) points per parameter, \(setting.replications) paired replications at each, seed \(setting.seed), common random numbers.\n"
        + "The difference (\(difference)) is fitted by a quadratic through the points' means; 95% intervals are percentile bootstrap (\(resamples) resamples of replications, the same at every point).\n\n"))
    var table = TextTable(header: ["parameter", "range", "varied in", "threshold", "95% interval", "verdict"], textColumns: 3)
    var json: [ThresholdJSON.Element] = []
    doc.csvHeader = ["parameter", "varied_in", "verdict", "point", "statistic", "value"]
    for line in outcome.lines {
      let c = line.curve
      let variedIn = setting.target != nil ? "variant" : (line.variedInBaseline ? "both" : "variant only")
      let verdict = verdictText(c, largerIsBetter: setting.largerIsBetter)
      let range = "\(value(line.range.low))..\(value(line.range.high))"
      if c.roots.isEmpty {
        table.add([line.range.path, range, variedIn, "-", c.openInterval.map { interval($0, range: line.range) } ?? "-", verdict])
      } else {
        for (i, root) in c.roots.enumerated() {
          table.add(i == 0 ? [line.range.path, range, variedIn, value(root.value), interval(root, range: line.range), verdict] : ["", "", "", value(root.value), interval(root, range: line.range), ""])
        }
      }
      let keys: [ReportDocument.CSVCell] = [.text(line.range.path), .text(variedIn.replacingOccurrences(of: " ", with: "_")), .text(c.verdict.rawValue)]
      var summary: [(String, Double)] = [("low", line.range.low), ("high", line.range.high)]
      for (i, root) in c.roots.enumerated() {
        let suffix = i == 0 ? "" : "_\(i + 1)"
        summary += [("threshold" + suffix, root.value), ("ci95_low" + suffix, root.low), ("ci95_high" + suffix, root.high), ("standard_error" + suffix, root.standardError)]
      }
      if let open = c.openInterval { summary += [("ci95_low", open.low), ("ci95_high", open.high)] }
      summary.append(("lack_of_fit_se", c.lackOfFit))
      for (statistic, number) in summary { doc.csvRows.append(keys + [.text(""), .text(statistic), .number(number)]) }
      for (k, x) in c.grid.enumerated() {
        let point = [("diff_mean", c.means[k]), ("diff_ci95_low", c.pointLow[k]), ("diff_ci95_high", c.pointHigh[k]), ("fitted", fittedValue(c, at: x))]
        for (statistic, number) in point {
          doc.csvRows.append(keys + [.shortest(x), .text(statistic), .number(number)])
        }
      }
      json.append(lineJSON(line, variedIn: variedIn))
    }
    doc.add(.table(table, coloured: false))
    doc.add(.text("\nWhat would have to be true:\n" + outcome.lines.map { "- " + sentence($0, outcome: outcome) + "\n" }.joined()))
    for line in outcome.lines {
      let c = line.curve
      doc.add(.text("\n"))
      doc.add(.title("\(line.range.path): difference (\(difference)) at each point"))
      if let note = line.baselineNote { doc.add(.text("The baseline is not varied (\(note)).\n")) }
      doc.add(.text("\n"))
      var points = TextTable(header: ["value", "difference", "95% CI", "fitted", ""], textColumns: 0)
      for (k, x) in c.grid.enumerated() {
        let fitted = fittedValue(c, at: x)
        let significant = c.pointLow[k] > 0 || c.pointHigh[k] < 0
        points.add([value(x), unit.formatDifference(c.means[k]), "[\(unit.formatDifference(c.pointLow[k])), \(unit.formatDifference(c.pointHigh[k]))]", unit.formatDifference(fitted), significant ? "*" : ""])
      }
      doc.add(.table(points, coloured: false))
      if c.lackOfFit > 3 {
        doc.add(.text(
          "Note: the quadratic misses a point by \(c.lackOfFit.isFinite ? String(format: "%.1f", c.lackOfFit) : "more than") standard errors: the difference is not smooth enough for one curve over this range; read the points, or narrow the range.\n"))
      }
    }
    doc.decision = DecisionTable(threshold: outcome)
    doc.json = ThresholdJSON(
      baseline: outcome.baseline, variant: outcome.variant, metric: setting.metric, target: setting.target.map(targetText), replications: setting.replications,
      points: setting.points, resamples: resamples, seed: setting.seed, method: method, lines: json)
    doc.charts = outcome.lines.map { chart($0, outcome: outcome) }
    return doc
  }

  /// The fitted curve's value at a grid point (the curve is evaluated at 41 even points that
  /// include the ends; between them, linearly).
  static func fittedValue(_ c: Threshold.Curve, at x: Double) -> Double {
    guard let upper = c.curveX.firstIndex(where: { $0 >= x }) else { return c.fitted.last ?? .nan }
    guard upper > 0 else { return c.fitted[0] }
    let (x0, x1) = (c.curveX[upper - 1], c.curveX[upper])
    let w = x1 > x0 ? (x - x0) / (x1 - x0) : 0
    return c.fitted[upper - 1] + w * (c.fitted[upper] - c.fitted[upper - 1])
  }

  static func lineJSON(_ line: Threshold.Line, variedIn: String) -> ThresholdJSON.Element {
    let c = line.curve
    func root(_ r: Threshold.Root) -> RootJSON {
      RootJSON(
        value: JSONNumber(r.value), ci95_low: JSONNumber(r.low), ci95_high: JSONNumber(r.high), standard_error: JSONNumber(r.standardError),
        direction: r.slope > 0 ? "up" : (r.slope < 0 ? "down" : "none"))
    }
    return LineJSON(
      path: line.range.path, low: line.range.low, high: line.range.high, varied_in: variedIn, note: line.baselineNote, verdict: c.verdict.rawValue,
      thresholds: c.roots.map(root), open_interval: c.openInterval.map(root), lack_of_fit: JSONNumber(c.lackOfFit),
      points: c.grid.indices.map { k in
        PointJSON(
          value: c.grid[k], difference: JSONNumber(c.means[k]), ci95_low: JSONNumber(c.pointLow[k]), ci95_high: JSONNumber(c.pointHigh[k]),
          fitted: JSONNumber(fittedValue(c, at: c.grid[k])))
      })
  }

  /// The difference against the parameter: each point's mean with its interval, the fitted curve
  /// with its bootstrap band, zero, and each threshold with its interval.
  static func chart(_ line: Threshold.Line, outcome: Threshold.Outcome) -> XYChart {
    let c = line.curve
    let setting = outcome.setting
    let unit = MetricUnit(metric: setting.metric)
    let name = line.range.path.split(separator: ".").last.map(String.init) ?? line.range.path
    let yAxis = ReportCharts.axis(
      setting.metric, values: c.bandLow + c.bandHigh + c.pointLow + c.pointHigh, difference: true,
      title: "difference")
    let largest = [line.range.low, line.range.high].map(abs).max() ?? 0
    let (divisor, scaleWords) = largest >= 1e6 ? (1e6, " (millions)") : largest >= 1e4 ? (1e3, " (thousands)") : (1.0, "")
    var layers: [XYChart.Layer] = [
      .band(x: c.curveX, low: c.bandLow, high: c.bandHigh, colour: Palette.blue, opacity: 0.18),
      .horizontalRule(y: 0, label: nil, colour: Palette.axis, dashed: false),
      .line(x: c.curveX, y: c.fitted, colour: Palette.blue, dashed: false),
      .errorBars(x: c.grid, low: c.pointLow, high: c.pointHigh, colour: Palette.orange),
      .points(x: c.grid, y: c.means, colour: Palette.orange, filled: true),
    ]
    var legend = [
      LegendEntry("mean difference at a point, 95% interval", colour: Palette.orange, mark: .point),
      LegendEntry("fitted curve", colour: Palette.blue, mark: .line),
      LegendEntry("95% bootstrap band", colour: Palette.blue, mark: .band, opacity: 0.18),
    ]
    for root in c.roots {
      let low = root.low.isFinite ? root.low : (root.low < 0 ? line.range.low : line.range.high)
      let high = root.high.isFinite ? root.high : (root.high < 0 ? line.range.low : line.range.high)
      layers.append(.verticalMarker(x: root.value, label: "threshold \(value(root.value))", interval: min(low, high)...max(low, high), colour: Palette.vermillion))
    }
    if !c.roots.isEmpty { legend.append(LegendEntry("threshold and its 95% interval", colour: Palette.vermillion, mark: .dashedLine)) }
    let lead: String
    let span = "\(line.range.path) in [\(value(line.range.low)), \(value(line.range.high))]"
    switch c.verdict {
    case .crosses:
      lead = "The difference crosses 0 at \(line.range.path) = " + c.roots.map { "\(value($0.value)) \($0.exact ? "(exact)" : interval($0, range: line.range))" }.joined(separator: " and ") + "."
    case .neverPositive, .neverNegative: lead = "The difference stays \(c.verdict == .neverPositive ? "above" : "below") 0 over \(span)."
    case .undetermined: lead = "The difference does not cross 0 at the estimate over \(span), but its interval reaches 0."
    case .equal: lead = "The designs are equal over \(span)."
    }
    let caption = lead + " " + sentence(line, outcome: outcome)
    let points = c.grid.indices.map { "\(value(c.grid[$0])): \(unit.formatDifference(c.means[$0])) [\(unit.formatDifference(c.pointLow[$0])), \(unit.formatDifference(c.pointHigh[$0]))]" }
    return XYChart(
      id: ReportCharts.slug("threshold", line.range.path),
      title: "\(ReportCharts.name(setting.metric).capitalizedFirst) difference against \(name)",
      description: caption + " Mean difference at each point with its 95% interval: " + points.joined(separator: "; ") + ".",
      xAxis: Axis(title: line.range.path + scaleWords, format: TickFormat(divisor: divisor)), yAxis: yAxis, layers: layers, legend: legend)
  }
}

extension ThresholdReport.ThresholdJSON {
  typealias Element = ThresholdReport.LineJSON
}
