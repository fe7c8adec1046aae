import ArgumentParser
import CCCMSupport
import Experiments
import Foundation
import Reports
import Simulation

/// `cccm explain`: parses the options, runs the bridges of the variants from the baseline and
/// renders their one report.
struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Explain why variants differ from a baseline: a bridge (waterfall) of contribution, a step per mechanism with its interval, on common random numbers.",
    discussion: "The steps add up to the difference `cccm compare` reports; docs/statistics.md (\"The bridge\") states how each is formed.")

  @Argument(help: "The baseline scenario file, then the variants.")
  var files: [String]
  @OptionGroup var options: SimulationOptions

  func validate() throws {
    guard files.count >= 2 else { throw ValidationError("give a baseline and at least one variant") }
    if options.by != nil { throw ValidationError("--by is not available for explain: the bridge is of the whole year") }
    if !options.target.isEmpty { throw ValidationError("--target is not available for explain") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let (scenarios, _) = try loadDesigns(files)
    let study = ComparisonStudy(scenarios: scenarios, seed: options.seed, replications: options.replications, precision: nil)
    for d in study.reseeded {
      printError("note: \(Excerpt.sanitized(files[d], limit: Excerpt.pathLimit)) sets seed \(scenarios[d].seed); explained on the baseline's seed \(study.seed) so replications stay paired")
    }
    let batches = (study.batch + Bridge.batch - 1) / Bridge.batch
    let bar = ProgressBar(total: batches * scenarios.count, label: "explain", quiet: options.quiet)
    let bridges = Bridge.run(
      baseline: scenarios[0], variants: Array(scenarios.dropFirst()), seed: study.seed, replications: study.batch, generator: options.generatorKind,
      threads: options.threads, progress: { bar.tick() })
    bar.finish()
    var document = BridgeReport.document(bridges, seed: study.seed)
    if options.format == .html { document.title = "cccm explain: \(scenarios[0].name)" }
    try emitReport(document, format: options.format, charts: options.charts, xlsx: options.xlsx, colour: terminalColour(options.format)) {
      provenance(
        scenarios: try files.map { scenarioEntry(try loadScenario($0), file: $0) }, seed: study.seed, replications: study.batch, generator: options.generator)
    }
  }
}
