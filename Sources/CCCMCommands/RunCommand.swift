import ArgumentParser
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

  func validate() throws {
    guard (0...Int(Int32.max)).contains(first) else { throw ValidationError("--first must be from 0 to \(Int32.max), got \(first)") }
  }

  func run() throws {
    let (scenario, inputs) = try loadScenarioRecordingFiles(file)
    if let save { try checkWritable(save, inputs: inputs) }
    try checkResultsFit([scenario], replications: options.replications ?? scenario.replications, byPeriod: options.by != nil)
    let results = simulate(scenario, options: options, first: first)
    if let save {
      let text: String
      do {
        text = try SavedResults(results: results, scenario: scenario, generator: options.generator, version: CCCM.version, firstReplication: first).json()
      } catch {
        printError("\(Excerpt.sanitized(save, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
        throw Exit.fileError
      }
      try writeAtomically(text, to: save, inputs: inputs)
    }
    let targets = options.targets.isEmpty
      ? "" : "\n" + TargetReport.render(targets: options.targets, baseline: results, variants: [], confidence: 0.95, format: options.format)
    if options.format == .csv, !targets.isEmpty { return print(targets.dropFirst(), terminator: "") }
    defer { print(targets, terminator: "") }
    if let kind = options.by, options.format != .json {
      let periods = PeriodReport.render(results, by: kind, metrics: PeriodReport.defaultMetrics, format: options.format)
      if options.format == .csv { return print(periods, terminator: "") }
      print(RunReport.render(RunSummary(results), format: options.format) + "\n" + periods, terminator: "")
    } else {
      print(RunReport.render(RunSummary(results), format: options.format), terminator: "")
    }
  }
}
