import CCCMSupport
import Estimation
import Experiments
import Foundation
import Simulation

// The reports of the simulating commands (run, compare, sweep, sensitivity), each one document
// built from the command's results and report options only: every format, `--charts` and
// `cccm merge` of the command's shards render that same document.

extension ReportRecord {
  /// `--by`, read.
  var periodKind: PeriodKind? { by.flatMap(PeriodKind.init(rawValue:)) }
  /// `--target`, read (`merge` refuses a record whose targets do not parse).
  var parsedTargets: [Target] { targets.compactMap { try? Target.parse($0).get() } }
}

/// A report the results cannot give: `--by` of results kept without periods.
public struct ReportError: Error, Sendable, CustomStringConvertible {
  public let description: String
}

extension RunReport {
  /// `cccm run`'s report: every metric, then by period (`--by`) and the targets (`--target`).
  public static func document(for results: SimulationResults, record: ReportRecord) -> ReportDocument {
    var document = document(RunSummary(results))
    let kind = record.periodKind
    if let kind { document.appendSection(PeriodReport.document(results, by: kind, metrics: PeriodReport.defaultMetrics)) }
    let targets = record.parsedTargets
    if let streamed = results.streamed {
      let note = StreamedNote(replications: streamed.replications, width: results.layout.count)
      document.add(.text("\n" + note.text + (targets.isEmpty ? "" : " " + note.targets) + "\n"))
      if let json = document.json { document.json = StreamedJSON(report: json, percentiles: note.text) }
    } else if !targets.isEmpty {
      document.appendSection(TargetReport.document(targets: targets, baseline: results, variants: [], confidence: 0.95))
    }
    document.title = "cccm run: \(results.scenario)"
    document.charts = ReportCharts.run(results, by: kind)
    return document
  }
}

extension ComparisonReport {
  /// `cccm compare`'s report: the paired comparison, then the targets (`--target`) and the
  /// comparison by period (`--by`); `note` under the comparison (`--precision`). Refused when
  /// `--by` meets results kept without periods. Beyond the exact bound, `streamed` holds the
  /// paired statistics kept instead of the rows.
  public static func document(
    for all: [SimulationResults], record: ReportRecord, note: String?, streamed: StreamedComparison? = nil
  ) throws(ReportError) -> ReportDocument {
    let chosen = record.metrics.isEmpty ? Comparison.defaultMetrics : record.metrics
    let baseline = all[0]
    let variants = Array(all.dropFirst())
    let (objective, adjustment) = (record.parsedObjective, record.parsedAdjustment)
    let comparison =
      if let streamed {
        Comparison(results: all, streamed: streamed, metrics: chosen, objective: objective, teams: record.teams, adjustment: adjustment)
      } else {
        Comparison(baseline: baseline, variants: variants, metrics: chosen, objective: objective, teams: record.teams, adjustment: adjustment)
      }
    var document = document(comparison, verbose: record.verbose, note: note, layout: ComparisonLayout(rawValue: record.layout) ?? .automatic)
    if let streamed { StreamedNote(replications: streamed.replications, width: all.map(\.layout.count).max() ?? 0).add(to: &document) }
    let targets = record.parsedTargets
    if let streamed, !targets.isEmpty {
      document.appendSection(
        TargetReport.document(TargetProbabilities(streamed: streamed, scenarios: all.map(\.scenario), confidence: comparison.confidence)))
    } else if !targets.isEmpty {
      document.appendSection(TargetReport.document(targets: targets, baseline: baseline, variants: variants, confidence: comparison.confidence))
    }
    let kind = record.periodKind
    if let kind {
      guard all.allSatisfy({ !$0.layout.months.isEmpty }) else {
        throw ReportError(
          description: "error: --by needs results kept by period; saved results without periods cannot be shown by \(kind.rawValue): run them again with --by")
      }
      document.appendSection(
        PeriodReport.comparisonDocument(
          baseline: baseline, variants: variants, by: kind, metrics: record.metrics.isEmpty ? PeriodReport.defaultMetrics : chosen,
          confidence: comparison.confidence, objective: record.objective, streamed: streamed))
    }
    document.title = "cccm compare: \(baseline.scenario) against \(variants.map(\.scenario).joined(separator: ", "))"
    // The charts by period draw the cumulative differences from rows: beyond the bound, the
    // distributions and the forest only.
    document.charts = ReportCharts.compare(comparison, baseline: baseline, variants: variants, by: streamed == nil ? kind : nil)
    return document
  }

  /// `cccm compare`'s report of its study's outcome: `--precision`'s note under the comparison,
  /// and `--bridge`'s bridges after it.
  public static func document(for outcome: ComparisonStudy.Outcome, record: ReportRecord) throws(ReportError) -> ReportDocument {
    let note = outcome.precision.flatMap { reached in record.precision.map { precisionNote(reached, objective: record.objective, precision: $0) } }
    var document = try document(for: outcome.results, record: record, note: note, streamed: outcome.streamed)
    if let bridges = outcome.bridges { addBridges(bridges, seed: outcome.results[0].seed, to: &document) }
    return document
  }

  /// The lines `compare --precision` adds under its report: how Stein's plan ended, and each
  /// variant's interval on the objective from the first stage's variance.
  public static func precisionNote(_ outcome: Experiment.PrecisionOutcome, objective: String, precision: String) -> String {
    let plan = outcome.plan
    let unit = MetricUnit(metric: objective)
    var text =
      outcome.reached
      ? String(
        format: "Precision reached: the widest 95%% half-width on %@ is %.2f%% of the baseline mean (target %@) after %d replications.", objective,
        outcome.widestShare * 100, precision, outcome.results[0].replications)
      : String(
        format: "Precision NOT reached: stopped at --max-replications %d with a widest 95%% half-width on %@ of %.2f%% of the baseline mean (target %@); the first stage asked for %d.",
        outcome.results[0].replications, objective, outcome.widestShare * 100, precision, plan.required)
    text += "\nStein's two-stage procedure: the first \(plan.firstStage) replications' variance chose the total; 95% intervals on \(objective) with t(\(plan.firstStage - 1)) and that variance:"
    for (variant, interval) in zip(outcome.results.dropFirst(), outcome.intervals) {
      text += "\n  \(SafeText.escaped(variant.scenario)): \(unit.formatDifference(interval.mean)) [\(unit.formatDifference(interval.low)), \(unit.formatDifference(interval.high))]"
    }
    return text
  }
}

extension SweepReport {
  /// `cccm sweep`'s report: `all` is the base, then every point of the grid in order; beyond
  /// the exact bound `streamed` holds their paired statistics (the rows are not kept).
  public static func document(for all: [SimulationResults], base: String, record: ReportRecord, streamed: StreamedComparison? = nil) -> ReportDocument {
    let sweep = Sweep(factors: record.vary.compactMap { try? Sweep.factor($0).get() })
    let points = zip(sweep.grid, all.dropFirst()).map { Point(label: Sweep.label(sweep.factors, $0), values: $0, results: $1) }
    let factors = sweep.factors.map(\.path)
    var document = document(
      factors: factors, base: all[0], points: points, metrics: record.metrics.isEmpty ? ["bookings", "cost"] : record.metrics, objective: record.objective,
      streamed: streamed)
    if let streamed { StreamedNote(replications: streamed.replications, width: all.map(\.layout.count).max() ?? 0).add(to: &document) }
    document.title = "cccm sweep: \(base) over \(factors.joined(separator: " x "))"
    document.charts = ReportCharts.sweep(factors: factors, pairing: Pairing(base: all[0], points: points, objective: record.objective, streamed: streamed))
    return document
  }
}

extension TornadoReport {
  /// `cccm sensitivity`'s (tornado) report: `all` is the base, then each factor's low and high
  /// ends; beyond the exact bound `streamed` holds their paired statistics (the rows are not kept).
  public static func document(for all: [SimulationResults], base: String, record: ReportRecord, streamed: StreamedComparison? = nil) -> ReportDocument {
    let factors = record.vary.compactMap { try? Sweep.ends($0).get() }
    let bars = factors.enumerated().map { i, factor in
      Bar(factor: factor.path, low: factor.values.first ?? 0, high: factor.values.last ?? 0, lowResults: all[1 + 2 * i], highResults: all[2 + 2 * i])
    }
    var document = document(base: all[0], bars: bars, objective: record.objective, streamed: streamed)
    if let streamed { StreamedNote(replications: streamed.replications, width: all.map(\.layout.count).max() ?? 0).add(to: &document) }
    document.title = "cccm sensitivity: \(base), \(record.objective)"
    document.charts = [ReportCharts.tornado(base: all[0], bars: bars, objective: record.objective, streamed: streamed)]
    return document
  }
}

extension ShardedCommand {
  /// The report of this command from its results (`all`: its scenarios' in order; `base`: the
  /// first scenario's name) and report options, as the command itself renders it.
  public func document(for all: [SimulationResults], base: String, record: ReportRecord, note: String?) throws(ReportError) -> ReportDocument {
    switch self {
    case .run: RunReport.document(for: all[0], record: record)
    case .compare: try ComparisonReport.document(for: all, record: record, note: note)
    case .sweep: SweepReport.document(for: all, base: base, record: record)
    case .sensitivity: TornadoReport.document(for: all, base: base, record: record)
    }
  }
}

/// What a report beyond the exact bound says about how its statistics were made.
struct StreamedNote {
  var replications: Int
  var width: Int
  var bound: Int { ReplicationBlocks.exactBound(width: width) }
  var text: String {
    String(
      format: "Beyond the exact bound of %d replications: means and intervals from moments combined block by block; p5, p50 and p95 from a KLL sketch (k %d), within %.2f%% of the replications in rank with %.0f%% confidence.",
      bound, QuantileSketch.k, QuantileSketch.rankError * 100, QuantileSketch.rankErrorConfidence * 100)
  }
  /// The note under a report beyond the bound, and in its JSON beside the fields.
  func add(to document: inout ReportDocument) {
    document.add(.text("\n" + text + "\n"))
    if let json = document.json { document.json = StreamedJSON(report: json, percentiles: text) }
  }
  var targets: String { "Targets need every replication's values and are left out: run at most \(bound) replications to see them." }
}

/// A report's JSON with, beside its fields, how its percentiles were made (beyond the exact bound).
struct StreamedJSON: Encodable, Sendable {
  let report: any Encodable & Sendable
  let percentiles: String
  enum Key: String, CodingKey { case percentiles }
  func encode(to encoder: any Encoder) throws {
    try report.encode(to: encoder)
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(percentiles, forKey: .percentiles)
  }
}
