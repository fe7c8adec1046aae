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

/// A command's simulation split by `--shard I/N`: its scenarios, their streams and its report
/// options, so one shard can be simulated and saved, or (merged) reported.
struct ShardedRun {
  var command: ShardedCommand
  var files: [String]
  var record: ReportRecord
  var scenarios: [Scenario]
  var seed: UInt64
  var options: SimulationOptions
  /// Replications of every scenario (with --precision, the wave size).
  var replications: Int
  var wave: Int?

  /// Results by period are kept by run and compare only (`--by`).
  var byPeriod: Bool { command.keepsPeriods && options.by != nil }

  var span: Range<Int> {
    guard let wave else { return 0..<replications }
    return Experiment.wave(wave, batch: replications, maximum: record.maxReplications ?? replications)
  }

  /// Simulates shard `shard` and writes its file to `path` (atomically; `inputs` are never
  /// overwritten). The rows go to the file as they finish, a scenario at a time and beyond the
  /// exact bound a block at a time, so the shard holds at most one scenario's rows up to the
  /// bound. Standard output stays empty; a line on standard error says what was saved.
  func save(_ shard: Shard, to path: String, inputs: [String]) throws {
    try checkWritable(path, as: "--save", inputs: inputs)
    let ranges = shard.ranges(scenarios: scenarios.count, replications: span)
    let busy = zip(scenarios, ranges).filter { !$0.1.isEmpty }
    try checkResultsFit(busy.map(\.0), replications: busy.map(\.1.count).max() ?? 0, byPeriod: byPeriod, streams: true)
    let simulators = scenarios.map { Simulator(scenario: $0, generator: options.generatorKind, byPeriod: byPeriod) }
    var header = ShardFile(
      version: CCCM.version, command: command, files: files, report: record, scenarios: scenarios, seed: seed, generator: options.generator,
      byPeriod: byPeriod, replications: replications, wave: wave, shard: shard,
      results: simulators.map { SimulationResults(scenario: $0.scenario.name, layout: $0.layout, seed: seed, values: []) }, ranges: ranges)
    for i in header.parts.indices { header.parts[i].results.replications = ranges[header.parts[i].scenario].count }
    let bar = ProgressBar(total: ranges.reduce(0) { $0 + $1.count }, label: "shard \(shard)", quiet: options.quiet)
    do throws(OutputFileError) {
      let writer = try ShardFile.StreamWriter(path: path, inputs: inputs, header: header)
      for part in header.parts {
        let range = ranges[part.scenario]
        let simulator = simulators[part.scenario]
        _ = simulator.run(
          replications: range.count, seed: seed, first: range.lowerBound, threads: options.threads, progress: { _ in bar.tick() },
          exactBound: ReplicationBlocks.exactBound(width: simulator.layout.count)
        ) { _, rows in writer.write(rows) }
        writer.endPart()
      }
      try writer.finish()
    } catch {
      printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot write the file (--save): \(error.reason)")
      throw ExitCode(.fileError)
    }
    bar.finish()
    var held = zip(scenarios.indices, ranges).filter { !$0.1.isEmpty }.map { "scenario \($0 + 1) replications \($1.lowerBound)..<\($1.upperBound)" }
    if held.count > 3 { held = [held[0], "...", held[held.count - 1]] }
    printError("shard \(shard)\(wave.map { " of wave \($0)" } ?? ""): \(held.isEmpty ? "nothing to simulate" : held.joined(separator: ", ")); saved to \(Excerpt.sanitized(path, limit: Excerpt.pathLimit))")
  }
}

extension Compare {
  /// `--shard I/N --save FILE`: simulates this shard's part of the study (of its wave, with
  /// --precision) into a shard file for `cccm merge`.
  func saveShard(_ study: ComparisonStudy, to save: String, inputs: [String]) throws {
    let sharded = ShardedRun(
      command: .compare, files: files, record: record, scenarios: study.scenarios, seed: study.seed, options: options, replications: study.batch,
      wave: precision == nil ? nil : (wave ?? 1))
    guard !sharded.span.isEmpty else {
      throw ValidationError("--wave \(wave ?? 1) starts at replication \(sharded.span.lowerBound), beyond --max-replications \(maxReplications)")
    }
    try sharded.save(shard ?? Shard(index: 1, count: 1), to: save, inputs: inputs)
  }
}
