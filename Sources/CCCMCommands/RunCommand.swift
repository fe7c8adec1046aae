import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Simulate one scenario and summarise every metric (mean, 95% CI, percentiles).")

  @Argument(help: "A scenario file.")
  var file: String

  @OptionGroup var options: SimulationOptions

  @Option(name: .long, help: "Also write the per-replication results to this file (JSON), for `compare --from` and `cccm merge`.")
  var save: String?

  @Option(name: .long, parsing: .unconditional, help: "The first replication to run (default 0): a shard of a larger run, to merge with `cccm merge`.")
  var first: Int = 0

  @Option(name: .long, help: "Simulate shard I of N (from 1) of the replications and save it (--save) for `cccm merge`, e.g. --shard 2/8.", transform: parseShard)
  var shard: Shard?

  func validate() throws {
    guard (0...Int(Int32.max)).contains(first) else { throw ValidationError("--first must be from 0 to \(Int32.max), got \(first)") }
    if shard != nil, save == nil { throw ValidationError("--shard I/N writes its results to a file: give --save FILE") }
    if shard != nil, first != 0 { throw ValidationError("--shard I/N chooses the replications itself; --first cannot be used with it") }
  }

  var record: ReportRecord {
    options.record
  }

  func run() throws {
    let (scenario, inputs) = try loadScenarioRecordingFiles(file)
    if let shard, let save {
      let sharded = ShardedRun(
        command: .run, files: [file], record: record, scenarios: [scenario], seed: options.seed ?? scenario.seed, options: options,
        replications: options.replications ?? scenario.replications)
      return try sharded.save(shard, to: save, inputs: inputs)
    }
    if let save { try checkWritable(save, as: "--save", inputs: inputs) }
    try checkChartsDirectory(options.charts)
    let count = options.replications ?? scenario.replications
    try checkResultsFit([scenario], replications: count, byPeriod: options.by != nil, streams: true)
    let layout = Simulator(scenario: scenario, byPeriod: options.by != nil).layout
    if let save, count > ReplicationBlocks.exactBound(width: layout.count) {
      // Beyond the exact bound the rows are written as each block finishes, never held.
      let results: SimulationResults
      do throws(OutputFileError) {
        let writer = try SavedResults.StreamWriter(
          path: save, inputs: inputs, scenario: scenario, layout: layout,
          seed: options.seed ?? scenario.seed, generator: options.generator, version: CCCM.version, first: first, replications: count)
        results = simulate(scenario, options: options, first: first, streams: true) { _, rows in writer.write(rows) }
        try writer.finish()
      } catch {
        printError("\(Excerpt.sanitized(save, limit: Excerpt.pathLimit)): error: cannot write the file (--save): \(error.reason)")
        throw ExitCode(.fileError)
      }
      return try report(results, scenario: scenario)
    }
    let results = simulate(scenario, options: options, first: first, streams: true)
    if let save {
      let text: String
      do {
        text = try SavedResults(results: results, scenario: scenario, generator: options.generator, version: CCCM.version, firstReplication: first).json()
      } catch {
        printError("\(Excerpt.sanitized(save, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
        throw ExitCode(.fileError)
      }
      try writeAtomically(text, to: save, as: "--save", inputs: inputs)
    }
    try report(results, scenario: scenario)
  }

  func report(_ results: SimulationResults, scenario: Scenario) throws {
    try emitReport(RunReport.document(for: results, record: record), format: options.format, charts: options.charts, xlsx: options.xlsx) {
      provenance(scenarios: [scenarioEntry(scenario, file: file)], seed: results.seed, replications: results.replications, generator: options.generator)
    }
  }
}
