import CCCMSupport
import Experiments
import Foundation
import Simulation

extension ShardFile {
  /// The first of the recorded report options that the command would not have accepted, as the
  /// field and the problem; nil when every one reads (a file edited by hand, or damaged).
  public var reportProblem: (field: String, problem: String)? {
    let record = report
    let known = MetricLayout.scenarioMetrics
    if OutputFormat(rawValue: record.format) == nil { return ("format", "expected table, markdown, csv or json, got \(Excerpt.quoted(record.format))") }
    if let by = record.by, PeriodKind(rawValue: by) == nil { return ("by", "expected month or quarter, got \(Excerpt.quoted(by))") }
    for target in record.targets {
      if case .failure(let problem) = Target.parse(target) { return ("targets", problem.description) }
    }
    for metric in record.metrics + [record.objective] where !known.contains(metric) { return ("metrics", "unknown metric \(Excerpt.quoted(metric))") }
    if ComparisonLayout(rawValue: record.layout) == nil { return ("layout", "expected auto, columns or rows, got \(Excerpt.quoted(record.layout))") }
    if let precision = record.precision, Experiment.precisionShare(precision) == nil {
      return ("precision", "expected a share such as 1%, got \(Excerpt.quoted(precision))")
    }
    if wave != nil, record.precision == nil { return ("precision", "a wave without --precision") }
    guard let expected = command.scenarioCount(record, given: scenarios.count) else { return ("vary", "a factor that --vary refuses") }
    if scenarios.count != expected { return ("vary", "\(command.rawValue) of these options runs \(expected) scenarios, the file lists \(scenarios.count)") }
    return nil
  }
}

extension Provenance {
  /// What `cccm merge` merged: its command line (`commandLine`), the command the shards are of,
  /// each scenario with its hash, and every shard file (named as given) with its seed,
  /// generator, version and the replications it held.
  public static func merge(
    of header: ShardFile, results: [SimulationResults], shards: [(name: String, file: ShardFile)], commandLine: String, version: String
  ) -> Provenance {
    let first = header.files.first ?? ""
    let entries = header.scenarios.enumerated().map { i, s in
      ScenarioEntry(
        name: s.name, file: header.command == .compare && i < header.files.count ? header.files[i] : i == 0 ? first : "\(first) with --vary", hash: s.hash)
    }
    var p = Provenance(
      command: commandLine, version: version, seed: header.seed, replications: results.first?.replications ?? header.replications,
      generator: header.generator, scenarios: entries)
    let shardsOf = Provenance.commandLine(["cccm", header.command.rawValue] + header.files)
    p.blocks.append(.title("Shards merged"))
    p.blocks.append(.text("\(shards.count) shard file\(shards.count == 1 ? "" : "s") of \(shardsOf) (report options as recorded in the shards).\n"))
    var table = TextTable(header: ["shard file", "shard", "wave", "seed", "generator", "cccm version", "replications held"], textColumns: 7)
    for (name, file) in shards.sorted(by: { ($0.file.wave ?? 1, $0.file.shard.index) < ($1.file.wave ?? 1, $1.file.shard.index) }) {
      let held = file.parts.map { part in
        let scenario = part.scenario < header.scenarios.count ? header.scenarios[part.scenario].name : "scenario \(part.scenario + 1)"
        return "\(scenario) \(part.results.firstReplication)..<\(part.results.firstReplication + part.results.replications)"
      }
      table.add([name, file.shard.description, file.wave.map(String.init) ?? "-", "\(file.seed)", file.generator, file.version, held.isEmpty ? "none" : held.joined(separator: "; ")])
    }
    p.blocks.append(.table(table, coloured: false))
    return p
  }
}

extension MergedShards {
  /// What merged shards print: the report of the unsharded command from `reported` (the
  /// results, and `--precision`'s outcome), titled as a merge.
  public func document(
    _ reported: (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?)
  ) throws(ReportError) -> ReportDocument {
    let record = header.report
    let note = reported.precision.flatMap { outcome in record.precision.map { ComparisonReport.precisionNote(outcome, objective: record.objective, precision: $0) } }
    var document =
      if let streamed = reported.streamed {
        try ComparisonReport.document(for: reported.results, record: record, note: note, streamed: streamed)
      } else {
        try header.command.document(for: reported.results, base: header.scenarios.first?.name ?? "", record: record, note: note)
      }
    document.title = "cccm merge: " + (document.title ?? header.command.rawValue).replacingOccurrences(of: "cccm ", with: "")
    return document
  }

  /// What merged shards beyond the exact bound print (`streamed`): the unsharded command's report
  /// from the same statistics (`comparison` for compare, sweep and sensitivity), titled as a merge.
  public func document(streamed results: [SimulationResults], comparison: StreamedComparison?) throws(ReportError) -> ReportDocument {
    let record = header.report
    let base = header.scenarios.first?.name ?? ""
    var document =
      switch header.command {
      case .run: RunReport.document(for: results[0], record: record)
      case .compare: try ComparisonReport.document(for: results, record: record, note: nil, streamed: comparison)
      case .sweep: SweepReport.document(for: results, base: base, record: record, streamed: comparison)
      case .sensitivity: TornadoReport.document(for: results, base: base, record: record, streamed: comparison)
      }
    document.title = "cccm merge: " + (document.title ?? header.command.rawValue).replacingOccurrences(of: "cccm ", with: "")
    return document
  }
}
