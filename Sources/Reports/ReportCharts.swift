import Charts
import Estimation
import Experiments
import Foundation
import Simulation

/// The charts of each report, built from results with the drawing layer (`Charts`): axes titled
/// with the metric's unit (`MetricUnit`), colours from the Okabe-Ito palette, and a text
/// alternative that says what each chart shows in numbers.
public enum ReportCharts {
  /// A metric's name for people: `presales_wait_mean` as "presales wait mean".
  static func name(_ metric: String) -> String { metric.replacingOccurrences(of: "_", with: " ") }

  /// An axis for a metric's values (or its differences): the unit in the title, money in
  /// thousands, millions or billions by the size of `values`, rates in % (differences in
  /// percentage points).
  public static func axis(_ metric: String, values: [Double], difference: Bool = false, title: String? = nil) -> Axis {
    let unit = MetricUnit(metric: metric)
    let largest = values.filter(\.isFinite).map(abs).max() ?? 0
    let what = title ?? (difference ? "\(name(metric)) difference" : name(metric))
    let format: TickFormat
    let unitName: String
    switch unit {
    case .money:
      let (divisor, words) = largest >= 1e9 ? (1e9, "billions") : largest >= 1e6 ? (1e6, "millions") : largest >= 1e3 ? (1e3, "thousands") : (1, "money")
      format = TickFormat(divisor: divisor, signed: difference)
      unitName = words
    case .rate:
      format = TickFormat(divisor: 0.01, signed: difference)
      unitName = difference ? "percentage points" : "%"
    case .days:
      format = TickFormat(signed: difference)
      unitName = "days"
    case .weeks:
      format = TickFormat(signed: difference)
      unitName = "weeks"
    case .hours:
      format = TickFormat(signed: difference)
      unitName = "hours"
    case .ratio:
      format = TickFormat(signed: difference)
      unitName = "ratio"
    case .count:
      format = TickFormat(signed: difference)
      unitName = "count"
    }
    return Axis(title: "\(what) (\(unitName))", format: format, includeZero: difference)
  }

  /// A chart id from words: lower case letters, digits and dashes.
  static func slug(_ parts: String...) -> String {
    let text = parts.joined(separator: "-").lowercased()
    var out = ""
    for ch in text.unicodeScalars {
      if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) { out.unicodeScalars.append(ch) } else if !out.hasSuffix("-") { out += "-" }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return String(out.prefix(80))
  }

  /// The metric's values over replications; beyond the exact bound (no rows), its sketch's
  /// quantiles at 1,000 even levels, which a histogram draws as it would the values.
  static func column(_ results: SimulationResults, _ metric: String) -> [Double] {
    guard let m = results.layout.index(ofScenarioMetric: metric) else { return [] }
    guard results.hasRows else { return results.quantiles(m, (0..<1000).map { (Double($0) + 0.5) / 1000 }) }
    return results.column(m)
  }

  // MARK: - Distributions

  /// The distribution of `metric` over replications, a row per scenario, with the mean and its
  /// 95% interval and the 5th to 95th percentile marked.
  public static func distribution(_ runs: [SimulationResults], metric: String) -> DistributionChart {
    let unit = MetricUnit(metric: metric)
    var series: [DistributionChart.Series] = []
    var words: [String] = []
    for run in runs {
      let values = column(run, metric)
      let s = run.layout.index(ofScenarioMetric: metric).map(run.summary) ?? Summary(values)
      series.append(
        DistributionChart.Series(
          name: run.scenario, values: values, mean: s.mean, low: s.ci95Low, high: s.ci95High, p05: s.p05, p95: s.p95,
          valueLabel: "\(unit.format(s.mean)) \(unit.interval(s))"))
      words.append("\(run.scenario): mean \(unit.format(s.mean)), 95% interval \(unit.interval(s)), 90% of replications between \(unit.format(s.p05)) and \(unit.format(s.p95))")
    }
    let replications = runs.first?.replications ?? 0
    return DistributionChart(
      id: slug("distribution", metric), title: "\(name(metric).capitalizedFirst) over \(replications) replications",
      description: "Histogram of \(name(metric)) over \(replications) replications per scenario. " + words.joined(separator: "; ") + ".",
      axis: axis(metric, values: series.flatMap(\.values)), series: series)
  }

  // MARK: - Paired differences

  /// A forest plot for slides: a panel per metric, each on its own axis in the metric's unit (a
  /// large change on a small base no longer squeezes the others to dots at zero), the objective
  /// first. Each variant's paired difference from the baseline with its interval: significant
  /// ones solid (green for the better, vermillion for the worse, purple where the metric has no
  /// better direction), others hollow. The objective's panel marks the ranking's ties: a shared
  /// rank ("2=") for scenarios no interval separates, the baseline's own rank on its row at 0.
  public static func forest(_ c: Comparison) -> PanelChart {
    var panels: [PanelChart.Panel] = []
    var words: [String] = []
    var used = Set<String>()
    let level = String(format: "%.4g%%", c.confidence * 100)
    let levels = c.confidence == Comparison.unadjustedConfidence ? "\(level) intervals" : "\(c.objective.name) \(level) intervals, adjusted; others 95%"
    let metrics = [c.objective.name] + c.metrics.filter { $0 != c.objective.name }
    let ranks = Dictionary(c.ranking.map { ($0.scenario, $0) }, uniquingKeysWith: { first, _ in first })
    func rankText(_ scenario: String) -> String? {
      guard let entry = ranks[scenario] else { return nil }
      let shared = c.ranking.filter { $0.rank == entry.rank }.count > 1
      return "rank \(entry.rank)\(shared ? "=" : "")"
    }
    for metric in metrics {
      guard let m = c.metrics.firstIndex(of: metric) else { continue }
      let unit = MetricUnit(metric: metric)
      let direction = MetricDescriptor.named(metric)?.direction ?? .neither
      let objective = metric == c.objective.name
      var rows: [IntervalChart.Row] = []
      for (v, variant) in c.variants.enumerated() where m < c.differences[v].count {
        let d = c.differences[v][m]
        guard d.mean.isFinite else { continue }
        let better = direction == .neither ? nil : (d.mean > 0) == (direction == .higherIsBetter)
        let colour = !d.isSignificant ? Palette.blue : better == nil ? Palette.reddishPurple : better == true ? Palette.bluishGreen : Palette.vermillion
        used.insert(d.isSignificant ? colour : "hollow")
        let relative = d.relative.isFinite ? " (\(formatRelative(d.relative)))" : ""
        let rank = objective ? rankText(variant.scenario).map { ", \($0)" } ?? "" : ""
        rows.append(
          IntervalChart.Row(
            label: variant.scenario, estimate: d.mean, low: d.ciLow, high: d.ciHigh, marked: d.isSignificant, colour: colour,
            valueLabel: "\(unit.formatDifference(d.mean)) \(unit.interval(d))\(relative)\(rank)"))
        let tied = objective ? (ranks[variant.scenario]?.tiedWith ?? []) : []
        words.append(
          "\(name(metric)), \(variant.scenario): \(unit.formatDifference(d.mean)) \(unit.interval(d))\(d.isSignificant ? ", significant" : "")"
            + (objective ? rank + (tied.isEmpty ? "" : ", not separated from \(tied.joined(separator: ", "))") : ""))
      }
      guard !rows.isEmpty else { continue }
      if objective, let baseRank = rankText(c.baseline.scenario) {
        rows.insert(
          IntervalChart.Row(
            label: c.baseline.scenario, estimate: 0, low: .nan, high: .nan, marked: false, colour: Palette.muted, valueLabel: "the reference, \(baseRank)"), at: 0)
        used.insert("reference")
      }
      panels.append(
        PanelChart.Panel(
          title: name(metric) + (objective ? " (the objective\(c.variants.count > 1 && c.confidence != Comparison.unadjustedConfidence ? ", \(level) intervals adjusted for \(c.variants.count) variants" : ""))" : ""),
          axis: axis(metric, values: rows.flatMap { [$0.low, $0.high, $0.estimate] }, difference: true, title: "\(name(metric)) difference"), rows: rows))
    }
    let legendEntries: [(String, LegendEntry)] = [
      (Palette.bluishGreen, LegendEntry("better, significant", colour: Palette.bluishGreen, mark: .diamond)),
      (Palette.vermillion, LegendEntry("worse, significant", colour: Palette.vermillion, mark: .diamond)),
      (Palette.reddishPurple, LegendEntry("changed, significant (no better direction)", colour: Palette.reddishPurple, mark: .diamond)),
      ("hollow", LegendEntry("not significant", colour: Palette.blue, mark: .hollowPoint)),
      ("reference", LegendEntry("\(c.baseline.scenario), the reference", colour: Palette.muted, mark: .hollowPoint)),
    ]
    let ties = c.ranking.contains { !$0.tiedWith.isEmpty } ? " Equal ranks (\"2=\") are not separated on \(c.objective.name)." : ""
    return PanelChart(
      id: "forest", title: "Paired differences from \(c.baseline.scenario)",
      caption: "Each variant minus \(c.baseline.scenario) on common random numbers, a panel per metric on its own axis, \(c.objective.name) first; \(levels).",
      description: "Each variant minus the baseline \(c.baseline.scenario) on common random numbers, a panel per metric on its own axis (\(c.objective.name), the objective, first), with \(levels); relative changes in brackets.\(ties) "
        + words.joined(separator: "; ") + ".",
      panels: panels, legend: legendEntries.filter { used.contains($0.0) }.map(\.1), width: 900)
  }

  // MARK: - By month

  /// A fan chart of `metric` by period for one run: the median, the 50% and 90% bands.
  public static func fan(_ results: SimulationResults, metric: String, by kind: PeriodKind, colour: String = Palette.blue) -> XYChart? {
    guard let m = results.layout.index(ofScenarioMetric: metric) else { return nil }
    let labels = results.layout.labels(kind)
    guard !labels.isEmpty else { return nil }
    var q: [[Double]] = Array(repeating: [], count: 5)
    for p in labels.indices {
      let levels = results.quantiles(results.layout.index(period: p, of: kind, metric: m), [0.05, 0.25, 0.5, 0.75, 0.95])
      for (i, level) in levels.enumerated() { q[i].append(level) }
    }
    let unit = MetricUnit(metric: metric)
    let words = labels.indices.map { "\(labels[$0]) \(unit.format(q[2][$0])) (90%: \(unit.format(q[0][$0])) to \(unit.format(q[4][$0])))" }
    return XYChart.fan(
      id: slug("fan", metric, results.scenario), title: "\(name(metric).capitalizedFirst) by \(kind.rawValue), \(results.scenario)",
      description: "Median of \(name(metric)) by \(kind.rawValue) over \(results.replications) replications, with the middle 50% and 90% of replications as bands: " + words.joined(separator: "; ") + ".",
      periods: labels, periodTitle: kind.rawValue, axis: axis(metric, values: q.flatMap { $0 }), p05: q[0], p25: q[1], p50: q[2], p75: q[3], p95: q[4], colour: colour)
  }

  /// A break-even period to mark and, when known, an interval of periods for it.
  public struct BreakEvenMark: Sendable {
    public var period: Int
    public var interval: ClosedRange<Int>?
    public init(period: Int, interval: ClosedRange<Int>? = nil) {
      self.period = period
      self.interval = interval
    }

    /// The mark of a break-even (`PeriodReport.breakEven`): its mean's period and its interval,
    /// from the earliest period to the latest (the last period when the latest is beyond the
    /// horizon); nil when the mean does not break even within the horizon.
    public init?(_ b: BreakEven, periods: Int) {
      guard let mean = b.mean, periods > 0 else { return nil }
      period = mean
      let earliest = b.earliest ?? mean
      let latest = b.latest ?? periods - 1
      interval = min(earliest, mean)...max(latest, mean)
    }
  }

  /// The cumulative paired difference of `metric` (a metric that adds up over periods) of a
  /// variant from the baseline by period, with its interval, and the break-even period marked:
  /// `breakEven` when given, else the one `PeriodReport.breakEven` finds (the first period from
  /// which the mean cumulative difference stays above zero) with its interval shaded.
  public static func cumulativeDifference(
    baseline: SimulationResults, variant: SimulationResults, metric: String, by kind: PeriodKind, confidence: Double = 0.95,
    breakEven given: BreakEvenMark? = nil
  ) -> XYChart? {
    guard MetricDescriptor.named(metric)?.isAdditive == true, let m = baseline.layout.index(ofScenarioMetric: metric) else { return nil }
    let labels = baseline.layout.labels(kind)
    guard !labels.isEmpty, variant.layout.labels(kind) == labels else { return nil }
    var running = ([Double](repeating: 0, count: baseline.replications), [Double](repeating: 0, count: variant.replications))
    var (means, lows, highs) = ([Double](), [Double](), [Double]())
    for p in labels.indices {
      let a = baseline.estimationColumn(baseline.layout.index(period: p, of: kind, metric: m))
      let b = variant.estimationColumn(variant.layout.index(period: p, of: kind, metric: m))
      for r in running.0.indices where r < a.count { running.0[r] += a[r] }
      for r in running.1.indices where r < b.count { running.1[r] += b[r] }
      let d = PairedDifference(baseline: running.0, variant: running.1, confidence: confidence)
      means.append(d.mean)
      lows.append(d.ciLow)
      highs.append(d.ciHigh)
    }
    let unit = MetricUnit(metric: metric)
    let found = PeriodReport.breakEven(baseline: baseline, variant: variant, kind: kind, metric: m, confidence: confidence)
    let mark = given ?? BreakEvenMark(found, periods: labels.count)
    let xs = labels.indices.map(Double.init)
    let level = confidence == 0.95 ? "95%" : String(format: "%.4g%%", confidence * 100)
    var layers: [XYChart.Layer] = [
      .band(x: xs, low: lows, high: highs, colour: Palette.blue, opacity: 0.25), .line(x: xs, y: means, colour: Palette.blue, dashed: false),
      .points(x: xs, y: means, colour: Palette.blue, filled: true),
    ]
    var legend = [LegendEntry("cumulative mean difference", colour: Palette.blue, mark: .line), LegendEntry("\(level) interval", colour: Palette.blue, mark: .band, opacity: 0.25)]
    var sentence: String
    if let mark, labels.indices.contains(mark.period) {
      // The interval covers whole periods: half a step either side of its first and last.
      let interval = mark.interval.map { Double(max($0.lowerBound, 0)) - 0.5...Double(min($0.upperBound, labels.count - 1)) + 0.5 }
      layers.append(.verticalMarker(x: Double(mark.period), label: "break-even: \(labels[mark.period])", interval: interval, colour: Palette.vermillion))
      legend.append(LegendEntry("break-even \(kind.rawValue)" + (mark.interval == nil ? "" : " and its \(level) interval"), colour: Palette.vermillion, mark: .dashedLine))
      sentence = "The cumulative mean difference stays above zero from \(labels[mark.period])"
      if let i = mark.interval, labels.indices.contains(i.lowerBound), labels.indices.contains(i.upperBound) {
        sentence += " (\(level) interval \(labels[i.lowerBound]) to \(labels[i.upperBound]))"
      }
      sentence += "."
    } else {
      sentence = "The cumulative mean difference does not stay above zero: no break-even \(kind.rawValue) within the horizon."
    }
    let words = labels.indices.map { "\(labels[$0]) \(unit.formatDifference(means[$0])) [\(unit.formatDifference(lows[$0])), \(unit.formatDifference(highs[$0]))]" }
    return XYChart(
      id: slug("cumulative", metric, variant.scenario), title: "Cumulative \(name(metric)) difference, \(variant.scenario) - \(baseline.scenario)",
      description: "Paired difference of \(name(metric)), \(variant.scenario) minus \(baseline.scenario), cumulated from the first \(kind.rawValue), with \(level) intervals: " + words.joined(separator: "; ") + ". " + sentence,
      xAxis: Axis(title: kind.rawValue, categories: labels), yAxis: axis(metric, values: lows + highs, difference: true, title: "cumulative difference"),
      layers: layers, legend: legend)
  }

  // MARK: - Sweeps and sensitivity

  /// A sweep's response: the objective's paired difference from the base at each point, with its
  /// 95% interval as a band (one factor), or as rows of intervals (a grid of several factors).
  public static func sweepResponse(factors: [String], pairing: SweepReport.Pairing, objective: String) -> any Chart {
    let (base, points) = (pairing.base, pairing.points)
    let unit = MetricUnit(metric: objective)
    let differences = points.indices.map { pairing.fromBase($0, objective) }
    let words = zip(points, differences).map { "\($0.label): \(unit.formatDifference($1.mean)) \(unit.interval($1))" }
    let description = "Paired difference of \(name(objective)) from the base \(base.scenario) at each point of the sweep, with 95% intervals: " + words.joined(separator: "; ") + "."
    let title = "\(name(objective).capitalizedFirst) against the base, by \(factors.map { String($0.split(separator: ".").last ?? "") }.joined(separator: " x "))"
    if factors.count == 1 {
      let xs = points.map { $0.values.first ?? .nan }
      return XYChart(
        id: slug("sweep", objective), title: title, description: description, xAxis: Axis(title: factors[0]),
        yAxis: axis(objective, values: differences.flatMap { [$0.ciLow, $0.ciHigh] }, difference: true, title: "difference from the base"),
        layers: [
          .band(x: xs, low: differences.map(\.ciLow), high: differences.map(\.ciHigh), colour: Palette.blue, opacity: 0.25),
          .line(x: xs, y: differences.map(\.mean), colour: Palette.blue, dashed: false),
          .points(x: xs, y: differences.map(\.mean), colour: Palette.blue, filled: true),
        ],
        legend: [LegendEntry("mean paired difference", colour: Palette.blue, mark: .line), LegendEntry("95% interval", colour: Palette.blue, mark: .band, opacity: 0.25)])
    }
    let rows = zip(points, differences).map { point, d in
      IntervalChart.Row(
        label: point.label, estimate: d.mean, low: d.ciLow, high: d.ciHigh, marked: d.isSignificant, colour: Palette.blue,
        valueLabel: "\(unit.formatDifference(d.mean)) \(unit.interval(d))")
    }
    return IntervalChart(
      id: slug("sweep", objective), title: title, description: description,
      axis: axis(objective, values: differences.flatMap { [$0.ciLow, $0.ciHigh] }, difference: true, title: "difference from the base"),
      rows: rows, style: .points,
      legend: [LegendEntry("interval excludes 0", colour: Palette.blue, mark: .diamond), LegendEntry("includes 0", colour: Palette.blue, mark: .hollowPoint)])
  }

  /// The marginal value of one more unit of a single swept factor between neighbouring points,
  /// with its 95% interval, at the middle of each step.
  public static func sweepMarginal(factor: String, pairing: SweepReport.Pairing, objective: String) -> XYChart? {
    let points = pairing.points
    guard points.count > 1 else { return nil }
    let unit = MetricUnit(metric: objective)
    var (xs, means, lows, highs, words) = ([Double](), [Double](), [Double](), [Double](), [String]())
    for (i, (a, b)) in zip(points, points.dropFirst()).enumerated() {
      guard let va = a.values.first, let vb = b.values.first, vb != va else { continue }
      let step = vb - va
      let d = pairing.between(i, i + 1)
      xs.append((va + vb) / 2)
      means.append(d.mean / step)
      lows.append(min(d.ciLow / step, d.ciHigh / step))
      highs.append(max(d.ciLow / step, d.ciHigh / step))
      words.append("\(SweepReport.number(va)) to \(SweepReport.number(vb)): \(unit.formatDifference(d.mean / step)) [\(unit.formatDifference(lows.last ?? 0)), \(unit.formatDifference(highs.last ?? 0))]")
    }
    guard !xs.isEmpty else { return nil }
    let short = String(factor.split(separator: ".").last ?? "")
    return XYChart(
      id: slug("marginal", objective), title: "Marginal \(name(objective)) of one more unit of \(short)",
      description: "Paired difference of \(name(objective)) between neighbouring points divided by their distance, with 95% intervals, plotted at the middle of each step: " + words.joined(separator: "; ") + ".",
      xAxis: Axis(title: factor), yAxis: axis(objective, values: lows + highs, difference: true, title: "\(name(objective)) per unit"),
      layers: [.errorBars(x: xs, low: lows, high: highs, colour: Palette.orange), .points(x: xs, y: means, colour: Palette.orange, filled: true)],
      legend: [LegendEntry("per unit, with its 95% interval", colour: Palette.orange, mark: .point)])
  }

  /// A tornado: each factor's swing on the objective (high minus low, paired) as a bar from zero
  /// with its 95% interval, largest first.
  public static func tornado(base: SimulationResults, bars: [TornadoReport.Bar], objective: String, streamed: StreamedComparison? = nil) -> IntervalChart {
    let unit = MetricUnit(metric: objective)
    let measured = bars.enumerated().map { i, bar in (bar, TornadoReport.swing(i, of: bar, objective: objective, streamed: streamed)) }
      .sorted { abs($0.1.mean) > abs($1.1.mean) }
    let rows = measured.map { bar, d -> IntervalChart.Row in
      IntervalChart.Row(
        label: "\(bar.factor) \(SweepReport.number(bar.low))\u{2192}\(SweepReport.number(bar.high))", estimate: d.mean, low: d.ciLow, high: d.ciHigh,
        marked: d.isSignificant, colour: d.mean < 0 ? Palette.vermillion : Palette.blue, valueLabel: "\(unit.formatDifference(d.mean)) \(unit.interval(d))")
    }
    let words = measured.map { "\($0.0.factor) from \(SweepReport.number($0.0.low)) to \(SweepReport.number($0.0.high)): \(unit.formatDifference($0.1.mean)) \(unit.interval($0.1))\($0.1.isSignificant ? ", significant" : "")" }
    return IntervalChart(
      id: slug("tornado", objective), title: "What moves \(name(objective)): each factor from low to high",
      description: "Swing of \(name(objective)) when each factor moves from its low to its high value with the others at the base (paired, 95% intervals), largest first: " + words.joined(separator: "; ") + ".",
      axis: axis(objective, values: rows.flatMap { [$0.low, $0.high] }, difference: true, title: "swing, high - low"), rows: rows, style: .bars,
      legend: [
        LegendEntry("raises \(name(objective))", colour: Palette.blue, mark: .band, opacity: 0.85), LegendEntry("lowers it", colour: Palette.vermillion, mark: .band, opacity: 0.85),
        LegendEntry("pale: interval includes 0", colour: Palette.blue, mark: .band, opacity: 0.35),
      ])
  }
}

extension String {
  /// The text with its first letter in upper case.
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension ReportCharts {
  /// The metrics `run` draws: what the organisation adds and what it books.
  public static let runMetrics = ["contribution", "bookings"]

  /// `run`'s charts: the distribution of each of `runMetrics`, and by period their fans.
  public static func run(_ results: SimulationResults, by kind: PeriodKind?) -> [any Chart] {
    var charts: [any Chart] = runMetrics.map { distribution([results], metric: $0) }
    if let kind { charts += runMetrics.compactMap { fan(results, metric: $0, by: kind) } }
    return charts
  }

  /// `compare`'s charts: the objective's distribution per scenario, the forest of paired
  /// differences, and by period a fan of the objective per scenario and each variant's cumulative
  /// difference with its break-even period.
  public static func compare(_ c: Comparison, baseline: SimulationResults, variants: [SimulationResults], by kind: PeriodKind?) -> [any Chart] {
    var charts: [any Chart] = [distribution([baseline] + variants, metric: c.objective.name), forest(c)]
    if let kind {
      // The scenarios' fans share one y range, so they can be read side by side.
      var fans = ([baseline] + variants).enumerated().compactMap { fan($1, metric: c.objective.name, by: kind, colour: Palette.series($0)) }
      let ranges = fans.compactMap(\.yDataRange)
      if let low = ranges.map(\.lowerBound).min(), let high = ranges.map(\.upperBound).max() {
        for i in fans.indices { fans[i].yInclude = [low, high] }
      }
      charts += fans
      charts += variants.compactMap { cumulativeDifference(baseline: baseline, variant: $0, metric: c.objective.name, by: kind, confidence: c.confidence) }
    }
    return charts
  }

  /// `sweep`'s charts: the response and, for one factor, the marginal value per unit.
  public static func sweep(factors: [String], pairing: SweepReport.Pairing) -> [any Chart] {
    let objective = pairing.objective
    var charts: [any Chart] = [sweepResponse(factors: factors, pairing: pairing, objective: objective)]
    if factors.count == 1, let marginal = sweepMarginal(factor: factors[0], pairing: pairing, objective: objective) { charts.append(marginal) }
    return charts
  }
}
