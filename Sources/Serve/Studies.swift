import CCCMSupport
import Charts
import CoverageModel
import Estimation
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// The studies a page starts: a comparison (the document `cccm compare` renders) and a slider's
/// sweep (the paired difference at each grid value of one factor, on common random numbers).
enum Studies {
  /// The most replications a page may ask for per scenario.
  static let maximumReplications = 100_000

  /// The cache key of a job: its kind, the resolved scenarios' fingerprints and every option.
  static func key(_ spec: JobSpec, scenarios: [Scenario]) -> String {
    let hashes = scenarios.map { ScenarioEncoder.fingerprint(of: $0) }.joined(separator: ",")
    return "\(spec.kind)|\(hashes)|\(spec.seed)|\(spec.replications)|\(spec.objective)"
  }

  /// A comparison's work: the scenarios on common random numbers, then the comparison's document
  /// with what was run (the command line `compare` would have, the files and their hashes).
  static func compare(_ spec: JobSpec, scenarios: [Scenario], files: [String], version: String, threads: Int) -> @Sendable (JobProgress) async throws -> JobOutput {
    { progress in
      let results = try await JobWork.simulate(scenarios, seed: spec.seed, replications: spec.replications, threads: threads, progress: progress)
      var record = ReportRecord()
      record.format = "html"
      record.objective = spec.objective
      var document: ReportDocument
      do {
        document = try ComparisonReport.document(for: results, record: record, note: nil)
      } catch {
        throw JobError(description: String(describing: error))
      }
      let entries = zip(scenarios, files).map { Provenance.ScenarioEntry(name: $0.name, file: $1, hash: ScenarioEncoder.fingerprint(of: $0)) }
      return JobOutput(document) { extra in
        Provenance(
          command: spec.commandLine(extra), version: version, seed: spec.seed, replications: spec.replications, generator: "philox", scenarios: entries)
      }
    }
  }

  /// The grid of an `{uncertain}` key: its distribution's 5%, 27.5%, 50%, 72.5% and 95% quantiles
  /// (the middle 90% of what the planner believes, in even steps of probability).
  static func grid(_ value: UncertainValue) -> [Double] {
    let values = [0.05, 0.275, 0.5, 0.725, 0.95].map { value.distribution.quantile($0) }.filter(\.isFinite)
    return Array(Set(values)).sorted()
  }

  /// The grid with a point added between each two neighbours (the slider's "refine").
  static func refined(_ values: [Double]) -> [Double] {
    var out: [Double] = []
    for (a, b) in zip(values, values.dropFirst()) { out += [a, (a + b) / 2] }
    if let last = values.last { out.append(last) }
    return out
  }

  /// The scenarios of a sweep: at each grid value, the baseline and the variant with the factor
  /// set to it (`Sweep.scenario`, as `cccm sweep` builds its points), in that order.
  static func sweepScenarios(baseline: String, variant: String, path: String, values: [Double]) throws(JobError) -> [Scenario] {
    let factor = Sweep.Factor(path: path, values: values)
    var scenarios: [Scenario] = []
    for value in values {
      for file in [baseline, variant] {
        do {
          scenarios.append(try Sweep(factors: [factor]).scenario(at: [value], base: file))
        } catch {
          throw JobError(description: "\(path) = \(NumberText.shortest(value)): \(error.description)")
        }
      }
    }
    return scenarios
  }

  /// A sweep's work: the paired difference (variant minus baseline) on the objective at each grid
  /// value, as a report document (a table, its CSV and JSON, a chart) and the slider's data.
  static func sweep(
    _ spec: JobSpec, scenarios: [Scenario], names: (baseline: String, variant: String), hashes: (baseline: String, variant: String), version: String,
    threads: Int
  ) -> @Sendable (JobProgress) async throws -> JobOutput {
    { progress in
      guard case .sweep(let baselineFile, let variantFile, let path, let values) = spec.kind else { throw JobError(description: "not a sweep") }
      let results = try await JobWork.simulate(scenarios, seed: spec.seed, replications: spec.replications, threads: threads, progress: progress)
      let objective = (try? Objective.parse(spec.objective).get()) ?? .contribution
      let metric = results[0].layout.index(ofScenarioMetric: spec.objective) ?? objective.metric
      var points: [SweepSummary.Point] = []
      for (i, value) in values.enumerated() {
        let (b, v) = (results[2 * i].estimationColumn(metric), results[2 * i + 1].estimationColumn(metric))
        points.append(SweepSummary.Point(value: value, difference: PairedDifference(baseline: b, variant: v, confidence: 0.95)))
      }
      let summary = SweepSummary(path: path, objective: spec.objective, largerIsBetter: objective.largerIsBetter, points: points)
      let document = sweepDocument(summary, names: names, replications: spec.replications, seed: spec.seed)
      let entries = [
        Provenance.ScenarioEntry(name: names.baseline, file: baselineFile, hash: hashes.baseline),
        Provenance.ScenarioEntry(name: names.variant, file: variantFile, hash: hashes.variant),
      ]
      // No command computes this sweep: what was run is told as its parts.
      let details = [
        Provenance.Detail("study", "the variant paired with the baseline at each value of one factor (cccm serve's slider)"),
        Provenance.Detail("factor", path, code: true), Provenance.Detail("values", values.map { NumberText.shortest($0) }.joined(separator: ", ")),
        Provenance.Detail("objective", spec.objective), Provenance.Detail("seed", "\(spec.seed)"),
        Provenance.Detail("replications", "\(spec.replications) per scenario and value"), Provenance.Detail("generator", "philox"),
      ]
      return JobOutput(document, sweep: summary) { _ in Provenance(command: "cccm serve", version: version, details: details, scenarios: entries) }
    }
  }

  struct SweepPointJSON: Encodable, Sendable {
    let value: Double
    let difference: FiniteNumber
    let ci95_low: FiniteNumber
    let ci95_high: FiniteNumber
    let variant_wins: Bool
  }
  struct SweepJSON: Encodable, Sendable {
    let factor: String
    let objective: String
    let baseline: String
    let variant: String
    let replications: Int
    let seed: UInt64
    let points: [SweepPointJSON]
    let threshold: FiniteNumber?
  }

  /// The sweep as a report document: one row per grid value, the threshold, a chart of the
  /// difference and its interval.
  static func sweepDocument(_ summary: SweepSummary, names: (baseline: String, variant: String), replications: Int, seed: UInt64) -> ReportDocument {
    var document = ReportDocument()
    let unit = MetricUnit(metric: summary.objective)
    document.title = "cccm serve: \(names.variant) against \(names.baseline) over \(summary.path)"
    var text = "The paired difference on \(summary.objective) (\(names.variant) minus \(names.baseline)) at each value of \(summary.path); "
    text += "\(replications) replications per point on common random numbers, seed \(seed). 95% intervals, not adjusted for the number of points.\n"
    text += summary.thresholdText + "\n"
    document.add(.text(text + "\n"))
    var table = TextTable(header: [summary.path, "\(summary.objective) diff", "95% CI", "variant wins"], textColumns: 0)
    document.csvHeader = ["value", "difference", "ci95_low", "ci95_high", "variant_wins"]
    for point in summary.points {
      let d = point.difference
      let wins = summary.largerIsBetter ? d.ciLow > 0 : d.ciHigh < 0
      let loses = summary.largerIsBetter ? d.ciHigh < 0 : d.ciLow > 0
      table.add([NumberText.shortest(point.value), unit.formatDifference(d.mean), unit.interval(d), wins ? "yes" : loses ? "no" : "unclear"])
      document.csvRows.append([.shortest(point.value), .number(d.mean), .number(d.ciLow), .number(d.ciHigh), .text(wins ? "yes" : loses ? "no" : "unclear")])
    }
    document.add(.table(table, coloured: false))
    document.json = SweepJSON(
      factor: summary.path, objective: summary.objective, baseline: names.baseline, variant: names.variant, replications: replications, seed: seed,
      points: summary.points.map {
        SweepPointJSON(
          value: $0.value, difference: FiniteNumber($0.difference.mean), ci95_low: FiniteNumber($0.difference.ciLow), ci95_high: FiniteNumber($0.difference.ciHigh),
          variant_wins: summary.advantage($0) > 0)
      }, threshold: summary.threshold.map(FiniteNumber.init))
    let x = summary.points.map(\.value)
    var layers: [XYChart.Layer] = [
      .band(x: x, low: summary.points.map(\.difference.ciLow), high: summary.points.map(\.difference.ciHigh), colour: Palette.blue, opacity: 0.25),
      .line(x: x, y: summary.points.map(\.difference.mean), colour: Palette.blue, dashed: false),
      .points(x: x, y: summary.points.map(\.difference.mean), colour: Palette.blue, filled: true),
      .horizontalRule(y: 0, label: nil, colour: Palette.black, dashed: true),
    ]
    if let threshold = summary.threshold {
      layers.append(.verticalMarker(x: threshold, label: "stops winning", interval: nil, colour: Palette.vermillion))
    }
    document.charts = [
      XYChart(
        id: "sweep-difference", title: "\(summary.objective): \(names.variant) minus \(names.baseline)",
        description: "The paired difference on \(summary.objective) and its 95% interval at each value of \(summary.path).",
        xAxis: Axis(title: summary.path), yAxis: Axis(title: "\(summary.objective) difference", includeZero: true), layers: layers,
        legend: [LegendEntry("mean difference", colour: Palette.blue, mark: .line), LegendEntry("95% interval", colour: Palette.blue, mark: .band)])
    ]
    return document
  }
}

/// A number in JSON, null when not finite (as the reports write them).
struct FiniteNumber: Encodable, Sendable {
  let value: Double
  init(_ value: Double) { self.value = value }
  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
  }
}
