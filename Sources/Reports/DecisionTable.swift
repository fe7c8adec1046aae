import Estimation
import Experiments
import Foundation
import Simulation

/// The decision in one wide table, a row per design (or per parameter, for `threshold`): what a
/// board slide or the first sheet of a workbook shows. Numbers stay numbers, each column with the
/// metric whose unit formats it.
public struct DecisionTable: Sendable {
  public struct Column: Sendable {
    public var name: String
    /// The metric whose unit formats the column's numbers; nil for text, "%" for shares.
    public var metric: String?
    public init(_ name: String, metric: String? = nil) {
      self.name = name
      self.metric = metric
    }
  }
  public enum Cell: Sendable, Equatable {
    case text(String)
    case number(Double)
    case empty
  }

  public var columns: [Column]
  public var rows: [[Cell]]
  /// One line under the table: what the intervals and marks mean.
  public var note: String

  public init(columns: [Column], rows: [[Cell]], note: String) {
    self.columns = columns
    self.rows = rows
    self.note = note
  }

  static func number(_ x: Double?) -> Cell { x.map { $0.isFinite ? .number($0) : .empty } ?? .empty }

  /// Columns of a table of designs on `objective`: its mean and interval, the paired difference
  /// from the baseline with its interval, whether that interval excludes 0, and the rank or status.
  static func designColumns(_ objective: String, rank: String) -> [Column] {
    [
      Column("design"), Column("\(objective) mean", metric: objective), Column("95% low", metric: objective), Column("95% high", metric: objective),
      Column("difference", metric: objective), Column("difference low", metric: objective), Column("difference high", metric: objective), Column("significant"),
      Column(rank),
    ]
  }

  /// compare: every scenario, the baseline first; the rank group from compare's ranking (equal
  /// ranks, "2=", are not separated).
  public init(comparison c: Comparison) {
    let objective = c.objective.name
    let ranks = Dictionary(c.ranking.map { ($0.scenario, $0) }, uniquingKeysWith: { first, _ in first })
    func rank(_ name: String) -> Cell {
      guard let entry = ranks[name] else { return .empty }
      let shared = c.ranking.filter { $0.rank == entry.rank }.count > 1
      return .text("\(entry.rank)\(shared ? "=" : "")" + (entry.tiedWith.isEmpty ? "" : " (not separated from \(entry.tiedWith.joined(separator: ", ")))"))
    }
    let m = c.metrics.firstIndex(of: objective)
    var rows: [[Cell]] = []
    let base = c.baseline.summary(objective)
    rows.append([.text(c.baseline.scenario), Self.number(base?.mean), Self.number(base?.ci95Low), Self.number(base?.ci95High), .empty, .empty, .empty, .text("baseline"), rank(c.baseline.scenario)])
    for (v, variant) in c.variants.enumerated() {
      let s = variant.summary(objective)
      let d = m.flatMap { $0 < c.differences[v].count ? c.differences[v][$0] : nil }
      rows.append([
        .text(variant.scenario), Self.number(s?.mean), Self.number(s?.ci95Low), Self.number(s?.ci95High), Self.number(d?.mean), Self.number(d?.ciLow), Self.number(d?.ciHigh),
        .text(d.map { $0.isSignificant ? "yes" : "no" } ?? "-"), rank(variant.scenario),
      ])
    }
    let level = String(format: "%.4g%%", c.confidence * 100)
    self.init(
      columns: Self.designColumns(objective, rank: "rank group"), rows: rows,
      note: "Differences are paired on common random numbers (\(level) intervals\(c.variants.count > 1 ? ", adjusted for \(c.variants.count) variants" : "")); significant: the difference's interval excludes 0; equal ranks (2=) are not separated on \(objective) (\(c.objective.largerIsBetter ? "higher" : "lower") is better).")
  }

  /// sweep: every point paired with the base; the best point by the objective marked.
  public init(sweep pairing: SweepReport.Pairing, objective: String) {
    let (base, points) = (pairing.base, pairing.points)
    let lower = MetricDescriptor.named(objective)?.direction == .lowerIsBetter
    let means = points.indices.map { pairing.summary($0, objective).mean }
    let best = means.indices.filter { means[$0].isFinite }.max { lower ? means[$0] > means[$1] : means[$0] < means[$1] }
    var rows: [[Cell]] = []
    for (i, point) in points.enumerated() {
      let s = pairing.summary(i, objective)
      let d = pairing.fromBase(i, objective)
      rows.append([
        .text(point.label), Self.number(s.mean), Self.number(s.ci95Low), Self.number(s.ci95High), Self.number(d.mean), Self.number(d.ciLow), Self.number(d.ciHigh),
        .text(d.isSignificant ? "yes" : "no"), .text(i == best ? "best" : ""),
      ])
    }
    self.init(
      columns: Self.designColumns(objective, rank: "best"), rows: rows,
      note: "Each point paired with the base \(base.scenario) on common random numbers (95% intervals, not adjusted for the number of points); best: the best mean on \(objective).")
  }

  /// select: every design with its mean over the replications it used, its difference from the
  /// selected design, and its status in the procedure.
  public init(selection setting: SelectionReport.Setting, designs: [SelectionReport.Design]) {
    let order = SelectionReport.ordered(designs, largerIsBetter: setting.largerIsBetter)
    let chosen = designs.first { $0.status == .selected }
    var rows: [[Cell]] = []
    for d in order {
      var difference: PairedDifference?
      if let chosen, chosen.name != d.name { difference = d.difference(from: chosen) }
      rows.append([
        .text(d.name), Self.number(d.mean), Self.number(d.interval?.low), Self.number(d.interval?.high), Self.number(difference?.mean), Self.number(difference?.ciLow),
        Self.number(difference?.ciHigh), .text(difference.map { $0.isSignificant ? "yes" : "no" } ?? "-"),
        .text(d.status == .eliminated ? "eliminated after \(d.used)" : d.status.rawValue),
      ])
    }
    self.init(
      columns: Self.designColumns(setting.objective, rank: "status"), rows: rows,
      note: "Kim-Nelson selection on common random numbers; differences are from the selected design over the replications both ran (95% intervals).")
  }

  /// uncertainty: every design's mean over the parameter sets, and each variant's difference from
  /// the baseline with P(beats baseline).
  public init(uncertainty setting: UncertaintyReport.Setting, designs: [UncertaintyReport.Design]) {
    var rows: [[Cell]] = []
    for d in designs {
      let s = d.versusBaseline
      rows.append([
        .text(d.name), Self.number(d.decomposition.mean), .empty, .empty, Self.number(s?.difference.mean), Self.number(s?.difference.ci95Low),
        Self.number(s?.difference.ci95High), .text(s.map { $0.difference.ci95Low > 0 || $0.difference.ci95High < 0 ? "yes" : "no" } ?? "baseline"),
        Self.number(s?.modelled.estimate),
      ])
    }
    var columns = Self.designColumns(setting.objective, rank: "P(beats baseline)")
    columns[8].metric = "%"
    self.init(
      columns: columns, rows: rows,
      note: "Means over \(setting.sets) parameter sets of \(setting.replications) replications; differences paired set by set (95% intervals over sets); P(beats baseline) from a regression on the uncertain values.")
  }

  /// threshold: a row per parameter: the threshold, its interval, the verdict.
  public init(threshold outcome: Threshold.Outcome) {
    var rows: [[Cell]] = []
    for line in outcome.lines {
      let c = line.curve
      let roots = c.roots.isEmpty ? [c.openInterval].compactMap { $0 } : c.roots
      for (i, root) in (roots.isEmpty ? [nil] : roots.map { Optional($0) }).enumerated() {
        rows.append([
          .text(i == 0 ? line.range.path : ""), .number(line.range.low), .number(line.range.high), Self.number(root.map(\.value)), Self.number(root.map(\.low)),
          Self.number(root.map(\.high)), .text(i == 0 ? ThresholdReport.verdictText(c, largerIsBetter: outcome.setting.largerIsBetter) : ""), .text(outcome.setting.target != nil ? "variant" : (line.variedInBaseline ? "both" : "variant only")),
        ])
      }
    }
    self.init(
      columns: [
        Column("parameter"), Column("low"), Column("high"), Column("threshold"), Column("95% low"), Column("95% high"), Column("verdict"), Column("varied in"),
      ], rows: rows,
      note: "Where \(outcome.variant) equals \(outcome.baseline) on \(outcome.setting.metric): a quadratic through the paired differences at each point; percentile bootstrap intervals (an end beyond the range is left empty).")
  }
}
