import Charts
import Estimation
import Foundation

/// Charts of the commands that explore many designs: `select`, `sensitivity --method morris` and
/// `sobol`, `uncertainty` and `allocate`.
extension ReportCharts {
  // MARK: - Selection

  /// `select`'s charts: each design's objective with its 95% interval over the replications it
  /// used, the selected one marked and the indifference zone below it shaded; and the
  /// replications each design used before it was screened out, against the fixed-sample
  /// Bonferroni procedure's.
  public static func selection(setting: SelectionReport.Setting, designs: [SelectionReport.Design], idPrefix: String = "") -> [any Chart] {
    let unit = MetricUnit(metric: setting.objective)
    let order = SelectionReport.ordered(designs, largerIsBetter: setting.largerIsBetter)
    let chosen = designs.first { $0.status == .selected }
    func colour(_ d: SelectionReport.Design) -> String {
      switch d.status {
      case .selected: Palette.bluishGreen
      case .contender: Palette.blue
      case .eliminated: Palette.muted
      }
    }
    func status(_ d: SelectionReport.Design) -> String { d.status == .eliminated ? "eliminated after \(d.used)" : d.status.rawValue }
    var rows: [IntervalChart.Row] = []
    var words: [String] = []
    for d in order {
      let (low, high) = d.interval ?? (Double.nan, Double.nan)
      let interval = d.interval.map { " [\(unit.format($0.low)), \(unit.format($0.high))]" } ?? ""
      rows.append(
        IntervalChart.Row(
          label: d.name, estimate: d.mean, low: low, high: high, marked: d.status != .eliminated, colour: colour(d),
          valueLabel: "\(unit.format(d.mean))\(interval)"))
      words.append("\(d.name) \(unit.format(d.mean))\(interval) over \(d.used) replications, \(status(d))")
    }
    // The zone of designs as good as the selected one for this purpose: within delta of it.
    let zone = chosen.map { c in setting.largerIsBetter ? (c.mean - setting.delta)...c.mean : c.mean...(c.mean + setting.delta) }
    let picked = chosen.map { "Selected: \($0.name)." } ?? "No single design selected: those that could still be best are drawn filled."
    let means = IntervalChart(
      id: idPrefix + slug("select", setting.objective), title: "\(name(setting.objective).capitalizedFirst) of each design (95% intervals)",
      description: "Mean \(name(setting.objective)) of each design over the replications it used, with 95% intervals, best first; the shaded zone is delta = \(unit.format(setting.delta)) \(setting.largerIsBetter ? "below" : "above") the selected design (designs that close are as good for this purpose). "
        + words.joined(separator: "; ") + ". " + picked,
      axis: axis(setting.objective, values: rows.flatMap { [$0.low, $0.high, $0.estimate] }), rows: rows, style: .points, reference: chosen?.mean ?? rows.first?.estimate ?? 0,
      legend: statusLegend(designs, mark: { $0 == .eliminated ? .hollowPoint : .diamond })
        + (zone == nil ? [] : [LegendEntry("within delta of the selected", colour: Palette.bluishGreen, mark: .band, opacity: 0.15)]), zone: zone)
    var charts: [any Chart] = [means]
    // Why the others were dropped: each one's paired difference from the selected design over the
    // replications both ran (common random numbers), against the indifference zone.
    if let chosen {
      var pairedRows: [IntervalChart.Row] = []
      var pairedWords: [String] = []
      for d in order where d.name != chosen.name || d.status != .selected {
        guard let p = d.difference(from: chosen) else { continue }
        let n = p.count
        let worse = setting.largerIsBetter ? p.ciHigh < 0 : p.ciLow > 0
        pairedRows.append(
          IntervalChart.Row(
            label: d.name, estimate: p.mean, low: p.ciLow, high: p.ciHigh, marked: worse, colour: worse ? Palette.vermillion : Palette.blue,
            valueLabel: "\(unit.formatDifference(p.mean)) \(unit.interval(p))"))
        pairedWords.append("\(d.name) \(unit.formatDifference(p.mean)) \(unit.interval(p)) over \(n) paired replications")
      }
      if !pairedRows.isEmpty {
        charts.append(
          IntervalChart(
            id: idPrefix + slug("select", setting.objective, "paired"), title: "Each design against \(chosen.name) (paired, 95% intervals)",
            description: "Each other design minus the selected \(chosen.name) on \(name(setting.objective)), over the replications both ran on common random numbers (the comparison the procedure screens on; its own bounds are wider than these 95% intervals early on); the shaded zone is within delta = \(unit.format(setting.delta)). "
              + pairedWords.joined(separator: "; ") + ".",
            axis: axis(setting.objective, values: pairedRows.flatMap { [$0.low, $0.high] } + [setting.delta], difference: true, title: "difference from \(chosen.name)"),
            rows: pairedRows, style: .points,
            legend: [
              LegendEntry("worse, interval excludes 0", colour: Palette.vermillion, mark: .diamond), LegendEntry("interval includes 0", colour: Palette.blue, mark: .hollowPoint),
              LegendEntry("within delta", colour: Palette.bluishGreen, mark: .band, opacity: 0.15),
            ], zone: setting.largerIsBetter ? -setting.delta...0 : 0...setting.delta))
      }
    }
    var stageRows = order.map { d in
      IntervalChart.Row(label: d.name, estimate: Double(d.used), low: .nan, high: .nan, marked: true, colour: colour(d), valueLabel: "\(d.used), \(status(d))")
    }
    stageRows.append(
      IntervalChart.Row(
        label: "fixed-sample Bonferroni", estimate: Double(setting.fixedSample), low: .nan, high: .nan, marked: false, colour: Palette.orange,
        valueLabel: "\(setting.fixedSample) per design"))
    let used = designs.map(\.used).reduce(0, +)
    let stages = IntervalChart(
      id: idPrefix + "select-replications", title: "Replications each design used before it was screened out",
      description: "Kim-Nelson screening: every design ran the first stage of \(setting.firstStage) replications, then one more at a time while it could still be best. "
        + order.map { "\($0.name) \($0.used) (\(status($0)))" }.joined(separator: "; ")
        + ". \(used) replications in all, against \(setting.fixedSample) per design (\(setting.fixedSample * designs.count) in all) for the fixed-sample Bonferroni procedure's guarantee.",
      axis: Axis(title: "replications (count)", includeZero: true), rows: stageRows, style: .bars,
      legend: statusLegend(designs, mark: { _ in .band }) + [LegendEntry("fixed sample, per design", colour: Palette.orange, mark: .band, opacity: 0.35)])
    return charts + [stages]
  }

  /// A legend entry for each status some design has.
  static func statusLegend(_ designs: [SelectionReport.Design], mark: (SelectionReport.Status) -> LegendEntry.Mark) -> [LegendEntry] {
    let entries: [(SelectionReport.Status, String, String)] = [
      (.selected, "selected", Palette.bluishGreen), (.contender, "could still be best", Palette.blue), (.eliminated, "eliminated", Palette.muted),
    ]
    return entries.filter { e in designs.contains { $0.status == e.0 } }.map { LegendEntry($0.1, colour: $0.2, mark: mark($0.0), opacity: 0.85) }
  }

  // MARK: - Global sensitivity

  /// Morris's plot: each factor's sigma against its mu*, with the line sigma = mu* (above it a
  /// factor acts mostly through interactions or non-linearly).
  public static func morris(setting: GlobalSensitivityReport.Setting, rows: [GlobalSensitivityReport.MorrisRow]) -> XYChart {
    let unit = MetricUnit(metric: setting.objective)
    let sorted = rows.sorted { ($0.muStar.isFinite ? $0.muStar : -1) > ($1.muStar.isFinite ? $1.muStar : -1) }
    let largest = (sorted.flatMap { [$0.muStar, $0.sigma] }.filter(\.isFinite).max() ?? 0)
    let money = axis(setting.objective, values: [largest])
    let unitSuffix = money.title.range(of: " (").map { String(money.title[$0.lowerBound...]) } ?? ""
    let words = sorted.map { "\($0.factor.path): mu* \(unit.format($0.muStar)) (SE \(unit.format($0.muStarSE))), sigma \(unit.format($0.sigma)), mu \(unit.format($0.mu, signed: true))" }
    return XYChart(
      id: slug("morris", setting.objective), title: "Morris screening of \(name(setting.objective)): mu* against sigma",
      description: "Each factor's mean absolute elementary effect mu* (how much \(name(setting.objective)) moves when it crosses its range) against their spread sigma; far right: matters most; above the dashed line sigma = mu*: acts through interactions or non-linearly. "
        + words.joined(separator: "; ") + ".",
      xAxis: Axis(title: "mu*, mean absolute effect" + unitSuffix, format: money.format, includeZero: true),
      yAxis: Axis(title: "sigma, spread" + unitSuffix, format: money.format, includeZero: true),
      layers: [
        .line(x: [0, largest], y: [0, largest], colour: Palette.muted, dashed: true),
        .labelledPoints(x: sorted.map(\.muStar), y: sorted.map(\.sigma), labels: sorted.map(\.factor.path), colour: Palette.blue),
      ],
      legend: [LegendEntry("factor", colour: Palette.blue, mark: .diamond), LegendEntry("sigma = mu*", colour: Palette.muted, mark: .dashedLine)])
  }

  /// Sobol's indices: each factor's first-order and total index as bars with their bootstrap 95%
  /// intervals, largest total first.
  public static func sobol(setting: GlobalSensitivityReport.Setting, rows: [GlobalSensitivityReport.SobolRow]) -> IntervalChart {
    let sorted = rows.sorted { ($0.total.isFinite ? $0.total : -1) > ($1.total.isFinite ? $1.total : -1) }
    var chartRows: [IntervalChart.Row] = []
    func share(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "-" }
    for row in sorted {
      chartRows.append(.heading(row.factor.path))
      chartRows.append(
        IntervalChart.Row(
          label: "first order", estimate: row.first, low: row.firstLow, high: row.firstHigh, marked: row.firstLow > 0, colour: Palette.blue,
          valueLabel: "\(share(row.first)) [\(share(row.firstLow)), \(share(row.firstHigh))]"))
      chartRows.append(
        IntervalChart.Row(
          label: "total", estimate: row.total, low: row.totalLow, high: row.totalHigh, marked: row.totalLow > 0, colour: Palette.orange,
          valueLabel: "\(share(row.total)) [\(share(row.totalLow)), \(share(row.totalHigh))]"))
    }
    let words = sorted.map { "\($0.factor.path): first order \(share($0.first)) [\(share($0.firstLow)), \(share($0.firstHigh))], total \(share($0.total)) [\(share($0.totalLow)), \(share($0.totalHigh))]" }
    return IntervalChart(
      id: slug("sobol", setting.objective), title: "Sobol indices of \(name(setting.objective)): share of its variance",
      description: "The share of the variance of \(name(setting.objective)) over the factors' ranges that each factor explains alone (first order) and with its interactions (total), with bootstrap 95% intervals, largest total first: "
        + words.joined(separator: "; ") + ".",
      axis: Axis(title: "share of the variance", includeZero: true), rows: chartRows, style: .bars,
      legend: [
        LegendEntry("first order (alone)", colour: Palette.blue, mark: .band, opacity: 0.85), LegendEntry("total (with interactions)", colour: Palette.orange, mark: .band, opacity: 0.85),
        LegendEntry("pale: interval reaches 0", colour: Palette.blue, mark: .band, opacity: 0.35),
      ])
  }

  // MARK: - Uncertainty

  /// `uncertainty`'s charts: each design's objective over the parameter sets (the mean of each
  /// set's replications), and each variant's paired difference from the baseline set by set.
  /// `setMeans[design][set]`, the baseline first; `setDifferences[variant - 1][set]`: the mean of
  /// variant - baseline over the set's replications (`UncertaintyOutcome`).
  public static func uncertainty(setting: UncertaintyReport.Setting, names: [String], setMeans: [[Double]], setDifferences: [[Double]]) -> [any Chart] {
    let unit = MetricUnit(metric: setting.objective)
    func series(_ name: String, _ values: [Double], difference: Bool) -> (DistributionChart.Series, String) {
      let s = Summary(values)
      let show = difference ? unit.formatDifference : { unit.format($0) }
      let label = "\(show(s.mean)) [\(show(s.ci95Low)), \(show(s.ci95High))]"
      return (
        DistributionChart.Series(name: name, values: values, mean: s.mean, low: s.ci95Low, high: s.ci95High, p05: s.p05, p95: s.p95, valueLabel: label),
        "\(name): mean \(label), 90% of sets between \(show(s.p05)) and \(show(s.p95))"
      )
    }
    let levels = zip(names, setMeans).map { series($0, $1, difference: false) }
    var charts: [any Chart] = [
      DistributionChart(
        id: slug("uncertainty", setting.objective), title: "\(name(setting.objective).capitalizedFirst) over \(setting.sets) parameter sets",
        description: "Histogram of each design's mean \(name(setting.objective)) per parameter set (\(setting.replications) replications a set), over \(setting.sets) sets drawn from the uncertain values: "
          + levels.map(\.1).joined(separator: "; ") + ".",
        axis: axis(setting.objective, values: levels.flatMap(\.0.values)), series: levels.map(\.0), counted: "parameter sets (histogram)")
    ]
    guard names.count > 1 else { return charts }
    var differences: [(series: DistributionChart.Series, words: String)] = []
    for (design, paired) in zip(names.dropFirst(), setDifferences) {
      let better = paired.filter { setting.largerIsBetter ? $0 > 0 : $0 < 0 }.count
      var (s, words) = series(design, paired, difference: true)
      words += ", better in \(better) of \(paired.count) sets"
      s.valueLabel = "\(unit.formatDifference(s.mean)), better in \(better)/\(paired.count)"
      differences.append((s, words))
    }
    charts.append(
      DistributionChart(
        id: slug("uncertainty", setting.objective, "difference"), title: "\(name(setting.objective).capitalizedFirst) difference from \(names[0]), set by set",
        description: "Histogram of each variant's paired difference from \(names[0]) per parameter set (the same opportunities within a set): the share of sets on the better side of zero counts the sets' own means, which noise pulls toward one half (P(beats baseline) in the table comes from a regression on the values). "
          + differences.map(\.words).joined(separator: "; ") + ".",
        axis: axis(setting.objective, values: differences.flatMap(\.series.values), difference: true), series: differences.map(\.series),
        counted: "parameter sets (histogram)"))
    return charts
  }

  // MARK: - Allocation

  /// `allocate`'s chart: the gain of each greedy step (the unit added, paired with the allocation
  /// before it) with its 95% interval, in the order the units were placed.
  public static func allocation(objective: String, steps: [AllocationReport.Step]) -> IntervalChart {
    let unit = MetricUnit(metric: objective)
    let rows = steps.enumerated().map { i, step in
      IntervalChart.Row(
        label: "\(i + 1): +1 \(step.path)", estimate: step.gain.mean, low: step.gain.ciLow, high: step.gain.ciHigh, marked: step.gain.isSignificant,
        colour: step.gain.mean < 0 ? Palette.vermillion : Palette.blue, valueLabel: "\(unit.formatDifference(step.gain.mean)) \(unit.interval(step.gain)), then \(unit.format(step.objectiveAfter))")
    }
    let words = steps.enumerated().map { "step \($0 + 1) +1 \($1.path): \(unit.formatDifference($1.gain.mean)) \(unit.interval($1.gain)), \(name(objective)) then \(unit.format($1.objectiveAfter))" }
    return IntervalChart(
      id: slug("allocation", objective), title: "Where each unit went and what it added to \(name(objective))",
      description: "Greedy allocation: each step adds one unit where it adds most, paired with the allocation before it (95% intervals): " + words.joined(separator: "; ") + ".",
      axis: axis(objective, values: rows.flatMap { [$0.low, $0.high] }, difference: true, title: "gain of the step"), rows: rows, style: .bars,
      legend: [
        LegendEntry("gain", colour: Palette.blue, mark: .band, opacity: 0.85), LegendEntry("loss", colour: Palette.vermillion, mark: .band, opacity: 0.85),
        LegendEntry("pale: interval includes 0", colour: Palette.blue, mark: .band, opacity: 0.35),
      ])
  }
}
