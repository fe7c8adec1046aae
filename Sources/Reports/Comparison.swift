import CCCMSupport
import Estimation
import Experiments
import Foundation
import Simulation

/// How the comparison table is laid out.
public enum ComparisonLayout: String, CaseIterable, Sendable {
  /// Columns for up to three variants, rows beyond (a terminal is only so wide).
  case automatic = "auto"
  /// A column per scenario: each metric's means, then a line of differences under the variants.
  case columns
  /// A row per scenario and metric: mean, CI, difference, its CI, the mark and the relative change.
  case rows

  func usesColumns(variants: Int) -> Bool {
    switch self {
    case .automatic: variants <= 3
    case .columns: true
    case .rows: false
    }
  }
}

/// `cccm compare` output.
public enum ComparisonReport {
  /// A column per scenario: for each metric a line of means with their 95% CI, and under the
  /// variants a line of differences from the baseline with their CI, the mark and the relative change.
  static func columnsTable(_ c: Comparison) -> TextTable {
    var table = TextTable(header: ["metric"] + ([c.baseline] + c.variants).map(\.scenario))
    for (m, metric) in c.metrics.enumerated() {
      let unit = MetricUnit(metric: metric)
      guard let s = c.baseline.summary(metric) else { continue }
      var means = [metric, "\(unit.format(s.mean)) \(unit.interval(s))"]
      var differences = ["  diff (\(levelText(metric == c.objective.name ? c.confidence : Comparison.unadjustedConfidence)) CI)", ""]
      var styles: [Int: CellStyle] = [:]
      for (v, variant) in c.variants.enumerated() {
        guard let vs = variant.summary(metric), m < c.differences[v].count else {
          means.append("-")
          differences.append("")
          continue
        }
        let d = c.differences[v][m]
        means.append("\(unit.format(vs.mean)) \(unit.interval(vs))")
        differences.append(
          "\(unit.formatDifference(d.mean)) \(unit.interval(d)) \(d.isSignificant ? "*" : " ") \(formatRelative(d.relative))"
        )
        styles[v + 2] = style(d, metric: metric)
      }
      table.add(means)
      table.add(differences, styles: styles)
    }
    return table
  }

  /// A row per scenario and metric.
  static func rowsTable(_ c: Comparison) -> TextTable {
    let level = c.confidence == Comparison.unadjustedConfidence ? " (95%)" : ""
    var table = TextTable(header: ["metric", "scenario", "mean", "95% CI", "diff", "diff CI\(level)", "", "rel."], textColumns: 2)
    for (m, metric) in c.metrics.enumerated() {
      let unit = MetricUnit(metric: metric)
      guard let s = c.baseline.summary(metric) else { continue }
      table.add([metric, c.baseline.scenario, unit.format(s.mean), unit.interval(s), "", "", "", ""])
      for (v, variant) in c.variants.enumerated() {
        guard let vs = variant.summary(metric), m < c.differences[v].count else { continue }
        let d = c.differences[v][m]
        let style = style(d, metric: metric)
        table.add(
          [
            "", variant.scenario, unit.format(vs.mean), unit.interval(vs), unit.formatDifference(d.mean), unit.interval(d),
            d.isSignificant ? "*" : "", formatRelative(d.relative),
          ], styles: [4: style, 5: style, 6: style, 7: style])
      }
    }
    return table
  }

  /// Green for a significant change for the better, red for the worse, else plain. Utilization
  /// and counts without a direction (arrivals) stay plain.
  static func style(_ d: PairedDifference, metric: String) -> CellStyle {
    guard d.isSignificant, let direction = MetricDescriptor.named(metric)?.direction, direction != .neither else { return .plain }
    return (d.mean < 0) == Comparison.lowerIsBetter(metric) ? .better : .worse
  }

  /// The comparison as a document: the table (columns or rows), what common random numbers
  /// bought (`verbose`), per-team differences, the ranking and a note; with its CSV rows and JSON.
  public static func document(_ c: Comparison, verbose: Bool = false, note: String? = nil, layout: ComparisonLayout = .automatic) -> ReportDocument {
    var doc = ReportDocument()
    doc.json = ComparisonJSON(c, note: note)
    doc.csvHeader = ["scenario", "metric", "statistic", "value"]
    for run in [c.baseline] + c.variants {
      for metric in c.metrics {
        guard let s = run.summary(metric) else { continue }
        for (statistic, value) in [("mean", s.mean), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High)] {
          doc.csvRows.append([.text(run.scenario), .text(metric), .text(statistic), .number(value)])
        }
      }
    }
    for (variant, row) in zip(c.variants, c.differences) {
      for (metric, d) in zip(c.metrics, row) {
        for (statistic, value) in [
          ("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh), ("diff_ci_level", d.confidence), ("diff_relative", d.relative),
          ("variance_reduction", d.varianceReduction),
        ] {
          doc.csvRows.append([.text(variant.scenario), .text(metric), .text(statistic), .number(value)])
        }
      }
    }
    // Per-team summaries of each scenario that has the team, and differences where both have it
    // (--teams), named as `run` names team metrics.
    for (v, rows) in c.teamDifferences.enumerated() {
      for row in rows {
        for (scenario, summary) in [(c.baseline.scenario, v == 0 ? row.baseline : nil), (c.variants[v].scenario, row.variant)] {
          guard let s = summary else { continue }
          for (statistic, value) in [("mean", s.mean), ("ci95_low", s.ci95Low), ("ci95_high", s.ci95High)] {
            doc.csvRows.append([.text(scenario), .text("teams.\(row.team).\(row.metric)"), .text(statistic), .number(value)])
          }
        }
      }
    }
    for (variant, rows) in zip(c.variants, c.teamDifferences) {
      for row in rows {
        guard let d = row.difference else { continue }
        for (statistic, value) in [("diff_mean", d.mean), ("diff_ci_low", d.ciLow), ("diff_ci_high", d.ciHigh), ("diff_ci_level", d.confidence), ("diff_relative", d.relative)] {
          doc.csvRows.append([.text(variant.scenario), .text("teams.\(row.team).\(row.metric)"), .text(statistic), .number(value)])
        }
      }
    }

    var header = "Baseline \(SafeText.escaped(c.baseline.scenario)) vs \(c.variants.count) variant\(c.variants.count == 1 ? "" : "s"); \(c.baseline.replications) paired replications, seed \(c.baseline.seed), common random numbers.\n"
    header += familyText(c) + " * = the interval excludes 0.\n\n"
    doc.add(.text(header))
    doc.add(.table(layout.usesColumns(variants: c.variants.count) ? columnsTable(c) : rowsTable(c), coloured: true))
    if verbose {
      var text = "\nWhat common random numbers bought (variance of an unpaired difference / variance of the paired one):\n"
      for (variant, row) in zip(c.variants, c.differences) {
        let cells = zip(c.metrics, row).map { "\($0) \(String(format: "%.1f", $1.varianceReduction))x" }
        text += "  \(SafeText.escaped(variant.scenario)): " + cells.joined(separator: ", ") + "\n"
      }
      doc.add(.text(text))
    }
    for (variant, rows) in zip(c.variants, c.teamDifferences) where !rows.isEmpty {
      let partial = rows.contains { $0.baseline == nil || $0.variant == nil }
      doc.add(.text("\nPer-team differences, \(SafeText.escaped(variant.scenario)) - \(SafeText.escaped(c.baseline.scenario))\(partial ? " (- where a scenario has no such team)" : ""):\n\n"))
      var grid = TextTable(header: ["team", "metric", c.baseline.scenario, variant.scenario, "diff", "diff CI", "", "rel."], textColumns: 2)
      for row in rows {
        let unit = MetricUnit(metric: row.metric)
        let means = [row.baseline, row.variant].map { $0.map { unit.format($0.mean) } ?? "-" }
        guard let d = row.difference else {
          grid.add([row.team, row.metric] + means + ["-", "", "", ""])
          continue
        }
        let style = Self.style(d, metric: row.metric)
        grid.add(
          [row.team, row.metric] + means + [unit.formatDifference(d.mean), unit.interval(d), d.isSignificant ? "*" : "", formatRelative(d.relative)],
          styles: [4: style, 5: style, 6: style, 7: style])
      }
      doc.add(.table(grid, coloured: true))
    }
    let unit = MetricUnit(metric: c.objective.name)
    doc.add(.text("\nRanking by \(c.objective) (\(c.objective.largerIsBetter ? "higher" : "lower") is better):\n\n"))
    let tied = c.ranking.contains { !$0.tiedWith.isEmpty }
    var ranking = TextTable(header: ["rank", "scenario", c.objective.name] + (tied ? ["not separated from"] : []), textColumns: 2)
    for entry in c.ranking {
      let shared = c.ranking.filter { $0.rank == entry.rank }.count > 1
      let row = ["\(entry.rank)\(shared ? "=" : "")", entry.scenario, unit.format(entry.mean)]
      ranking.add(row + (tied ? [tiedText(entry.tiedWith)] : []))
    }
    doc.add(.table(ranking, coloured: false))
    if tied {
      doc.add(.text(
        "\nA rank is one more than the number of scenarios significantly better on \(c.objective) (paired intervals over all \(Comparison.pairs(all: c.variants.count + 1)) pairs at \(levelText(c.rankingConfidence)) each, Bonferroni: together 95%); scenarios with equal ranks are not separated.\n"))
    }
    if let skew = skewNote(c) { doc.add(.text(skew)) }
    if let note { doc.add(.text("\n\(note)\n")) }
    doc.decision = DecisionTable(comparison: c)
    return doc
  }

  /// The scenarios not separated from one: up to three by name, then how many more.
  static func tiedText(_ names: [String]) -> String {
    guard !names.isEmpty else { return "-" }
    let shown = names.prefix(3).joined(separator: ", ")
    return names.count > 3 ? "\(shown) and \(names.count - 3) more" : shown
  }

  /// A confidence level as the tables print it (98.33%).
  static func levelText(_ confidence: Double) -> String { String(format: "%.4g%%", confidence * 100) }

  /// What the intervals' levels are: the objective's family (adjusted for several variants) and,
  /// beside it, the other metrics at 95% each.
  static func familyText(_ c: Comparison) -> String {
    guard c.variants.count > 1 else { return "Difference intervals are 95% paired-t." }
    let method =
      c.family.adjustment == .bonferroni
      ? "Bonferroni for \(c.variants.count) variants"
      : "Dunnett's max-t for \(c.variants.count) variants, on the differences' estimated correlation"
    return "Intervals on \(c.objective.name), the objective, are \(levelText(c.confidence)) each (\(method)): together they hold with 95%. "
      + "Other metrics' intervals are 95% each, unadjusted: read their marks as exploratory."
  }

  /// A warning for each variant whose objective differences are too skewed for the t-interval
  /// (docs/statistics.md, "Skewed results"), with the bootstrap-t interval beside it.
  static func skewNote(_ c: Comparison) -> String? {
    let unit = MetricUnit(metric: c.objective.name)
    let lines = zip(c.variants, c.skewedObjective).compactMap { variant, skewed -> String? in
      guard let skewed else { return nil }
      let line = "  \(SafeText.escaped(variant.scenario)): skewness \(String(format: "%.2f", skewed.check.skewness)) needs more than "
        + "\(skewed.check.replicationsNeeded) replications for the t-interval (\(skewed.check.count) run); "
      guard let robust = skewed.robust else { return line + "no bootstrap-t interval beyond the exact bound (the rows are not kept)" }
      let level = String(format: "%.4g%%", robust.confidence * 100)
      return line + "\(level) bootstrap-t interval [\(unit.formatDifference(robust.low)), \(unit.formatDifference(robust.high))]"
    }
    guard !lines.isEmpty else { return nil }
    return "\nWarning: the paired differences on \(c.objective) are skewed, so their t-intervals may hold the truth less often than stated:\n"
      + lines.joined(separator: "\n") + "\nRun more replications, or read the bootstrap-t interval, which follows the skew.\n"
  }

  /// The comparison in `format`. `colour` (terminal tables only) shows significant differences in
  /// green when they are for the better (by the metric's direction) and red when for the worse.
  public static func render(
    _ c: Comparison, format: OutputFormat, verbose: Bool = false, note: String? = nil, colour: Bool = false, layout: ComparisonLayout = .automatic
  ) -> String {
    document(c, verbose: verbose, note: note, layout: layout).render(format, colour: colour)
  }
}

extension ComparisonReport {
  /// The bridges of `compare --bridge` as a section after the comparison (`BridgeReport`): their
  /// tables and waterfall charts, their steps in the comparison's long CSV (metric
  /// `bridge.STEP`, statistics mean, ci95_low and ci95_high) and in its JSON under `bridges`.
  public static func addBridges(_ bridges: [Bridge], seed: UInt64, to document: inout ReportDocument) {
    let section = BridgeReport.document(bridges, seed: seed)
    document.blocks.append(.text("\n"))
    document.append(section)
    if document.csvHeader == ["scenario", "metric", "statistic", "value"] {
      for bridge in bridges {
        for step in bridge.steps {
          for (statistic, value) in [("mean", step.mean), ("ci95_low", step.ciLow), ("ci95_high", step.ciHigh)] {
            document.csvRows.append([.text(bridge.variant), .text("bridge.\(step.mechanism.rawValue)"), .text(statistic), .number(value)])
          }
        }
      }
    }
    if let json = document.json { document.json = WithBridgesJSON(report: json, bridges: BridgeJSON(bridges: bridges, seed: seed)) }
  }
}

/// A report's JSON with the bridges added under `bridges`.
struct WithBridgesJSON: Encodable, Sendable {
  let report: any Encodable & Sendable
  let bridges: BridgeJSON
  func encode(to encoder: any Encoder) throws {
    enum Key: String, CodingKey { case bridges }
    try report.encode(to: encoder)
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(bridges.bridges, forKey: .bridges)
  }
}
