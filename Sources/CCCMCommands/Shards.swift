import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// `--shard I/N`: a whole number pair, refused with its range otherwise (exit 64).
func parseShard(_ text: String) throws -> Shard {
  switch Shard.parse(text) {
  case .success(let shard): return shard
  case .failure(let problem): throw ValidationError(problem.description)
  }
}

/// `--shard` and `--save` of compare, sweep and sensitivity go together (exit 64 otherwise).
func checkShardOptions(shard: Shard?, save: String?) throws {
  if shard != nil, save == nil { throw ValidationError("--shard I/N writes its results to a file: give --save FILE") }
  if shard == nil, save != nil { throw ValidationError("--save writes a shard's results: give --shard I/N (--shard 1/1 keeps the whole command in one file)") }
}

/// The reports of the simulating commands, from their results and report options only, so that
/// the command itself and `cccm merge` of its shards print the same bytes.
enum Reporting {
  /// What `cccm run` prints.
  static func run(_ results: SimulationResults, _ record: ReportRecord, format: OutputFormat) -> String {
    let targets = record.targets.compactMap { try? Target.parse($0).get() }
    let targetText = targets.isEmpty ? "" : "\n" + TargetReport.render(targets: targets, baseline: results, variants: [], confidence: 0.95, format: format)
    if format == .csv, !targetText.isEmpty { return String(targetText.dropFirst()) }
    if let kind = record.by.flatMap(PeriodKind.init(rawValue:)), format != .json {
      let periods = PeriodReport.render(results, by: kind, metrics: PeriodReport.defaultMetrics, format: format)
      if format == .csv { return periods + targetText }
      return RunReport.render(RunSummary(results), format: format) + "\n" + periods + targetText
    }
    return RunReport.render(RunSummary(results), format: format) + targetText
  }

  /// What `cccm compare` prints; exits 2 when `--by` meets results without periods.
  static func compare(_ all: [SimulationResults], _ record: ReportRecord, format: OutputFormat, note: String?) throws -> String {
    let chosen = record.metrics.isEmpty ? Comparison.defaultMetrics : record.metrics
    let comparison = Comparison(baseline: all[0], variants: Array(all.dropFirst()), metrics: chosen, objective: record.parsedObjective, teams: record.teams)
    // Colour only for people: a terminal, and no NO_COLOR (https://no-color.org).
    let colour = format == .table && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    let layout = ComparisonLayout(rawValue: record.layout) ?? .automatic
    var report = ComparisonReport.render(comparison, format: format, verbose: record.verbose, note: note, colour: colour, layout: layout)
    let targets = record.targets.compactMap { try? Target.parse($0).get() }
    if !targets.isEmpty {
      let text = TargetReport.render(targets: targets, baseline: all[0], variants: Array(all.dropFirst()), confidence: comparison.confidence, format: format)
      report = format == .csv ? text : report + "\n" + text
    }
    guard let kind = record.by.flatMap(PeriodKind.init(rawValue:)), format != .json else { return report }
    guard all.allSatisfy({ !$0.layout.months.isEmpty }) else {
      printError("error: --by needs results kept by period; saved results without periods cannot be shown by \(kind.rawValue): run them again with --by")
      throw ExitCode(.fileError)
    }
    let periods = PeriodReport.renderComparison(
      baseline: all[0], variants: Array(all.dropFirst()), by: kind, metrics: record.metrics.isEmpty ? PeriodReport.defaultMetrics : chosen,
      confidence: comparison.confidence, objective: record.objective, format: format)
    return format == .csv ? periods : report + "\n" + periods
  }

  /// The line `compare --precision` adds under its report.
  static func precisionNote(_ outcome: Experiment.PrecisionOutcome, objective: String, precision: String) -> String {
    outcome.reached
      ? String(format: "Precision reached: the widest 95%% half-width on %@ is %.2f%% of the baseline mean (target %@) after %d replications.", objective, outcome.widestShare * 100, precision, outcome.results[0].replications)
      : String(format: "Precision NOT reached: stopped at --max-replications %d with a widest 95%% half-width on %@ of %.2f%% of the baseline mean (target %@).", outcome.results[0].replications, objective, outcome.widestShare * 100, precision)
  }

  /// What `cccm sweep` prints: `all` is the base, then every grid point in order.
  static func sweep(_ all: [SimulationResults], _ record: ReportRecord, format: OutputFormat) -> String {
    let sweep = Sweep(factors: record.vary.compactMap { try? Sweep.factor($0).get() })
    let points = zip(sweep.grid, all.dropFirst()).map { values, run in
      SweepReport.Point(label: Sweep.label(sweep.factors, values), values: values, results: run)
    }
    let document = SweepReport.document(
      factors: sweep.factors.map(\.path), base: all[0], points: points, metrics: record.metrics.isEmpty ? ["bookings", "cost"] : record.metrics,
      objective: record.objective)
    return document.render(format)
  }

  /// What `cccm sensitivity` prints: `all` is the base, then each factor's low and high ends.
  static func sensitivity(_ all: [SimulationResults], _ record: ReportRecord, format: OutputFormat) -> String {
    let factors = record.vary.compactMap { try? Sweep.ends($0).get() }
    let bars = factors.enumerated().map { i, factor in
      TornadoReport.Bar(
        factor: factor.path, low: factor.values.first ?? 0, high: factor.values.last ?? 0, lowResults: all[1 + 2 * i], highResults: all[2 + 2 * i])
    }
    return TornadoReport.document(base: all[0], bars: bars, objective: record.objective).render(format)
  }
}

/// A command's simulation split by `--shard I/N`: its scenarios, their streams and its report
/// options, so one shard can be simulated and saved, or (merged) reported.
struct ShardedRun {
  var command: String
  var files: [String]
  var record: ReportRecord
  var scenarios: [Scenario]
  var seed: UInt64
  var options: SimulationOptions
  /// Replications of every scenario (with --precision, the wave size).
  var replications: Int
  var wave: Int?

  /// Results by period are kept by run and compare only (`--by`).
  var byPeriod: Bool { ["run", "compare"].contains(command) && options.by != nil }

  var span: Range<Int> {
    guard let wave else { return 0..<replications }
    return Experiment.wave(wave, batch: replications, maximum: record.maxReplications ?? replications)
  }

  /// Simulates shard `shard` and writes its file to `path` (atomically; `inputs` are never
  /// overwritten). Standard output stays empty; a line on standard error says what was saved.
  func save(_ shard: Shard, to path: String, inputs: [String]) throws {
    try checkWritable(path, inputs: inputs)
    let ranges = shard.ranges(scenarios: scenarios.count, replications: span)
    let busy = zip(scenarios, ranges).filter { !$0.1.isEmpty }
    try checkResultsFit(busy.map(\.0), replications: busy.map(\.1.count).max() ?? 0, byPeriod: byPeriod)
    let experiment = Experiment(
      scenarios: scenarios, seed: seed, generator: options.generatorKind, byPeriod: byPeriod, threads: options.threads)
    let bar = ProgressBar(total: ranges.reduce(0) { $0 + $1.count }, label: "shard \(shard)", quiet: options.quiet)
    let results = experiment.run(ranges: ranges, progress: { _, _ in bar.tick() })
    bar.finish()
    let file = ShardFile(
      version: CCCM.version, command: command, files: files, report: record, scenarios: scenarios, seed: seed, generator: options.generator,
      byPeriod: byPeriod, replications: replications, wave: wave, shard: shard, results: results, ranges: ranges)
    let text: String
    do {
      text = try file.json()
    } catch {
      printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
      throw ExitCode(.fileError)
    }
    try writeAtomically(text, to: path, inputs: inputs)
    var held = zip(scenarios.indices, ranges).filter { !$0.1.isEmpty }.map { "scenario \($0 + 1) replications \($1.lowerBound)..<\($1.upperBound)" }
    if held.count > 3 { held = [held[0], "...", held[held.count - 1]] }
    printError("shard \(shard)\(wave.map { " of wave \($0)" } ?? ""): \(held.isEmpty ? "nothing to simulate" : held.joined(separator: ", ")); saved to \(Excerpt.sanitized(path, limit: Excerpt.pathLimit))")
  }
}
