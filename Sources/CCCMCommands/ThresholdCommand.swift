import ArgumentParser
import CCCMSupport
import Experiments
import Reports
import ScenarioFiles

/// `cccm threshold`: the value of a parameter at which a variant equals its baseline on the
/// objective (or reaches a target), with its interval (`Threshold`, docs/explore.md).
struct ThresholdCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "threshold",
    abstract: "The value of a parameter (--vary PATH=LOW..HIGH) at which the variant equals the baseline on the objective, or reaches a --target, with its 95% interval, on common random numbers: what would have to be true.")

  @Argument(help: "The baseline scenario file.") var baseline: String
  @Argument(help: "The variant scenario file.") var variant: String
  @Option(name: .long, help: "A parameter and its range, a key path as `set` takes it, e.g. presales.Presales.cost_per_expert_year=100000..2500000 (repeatable: one line each). It is varied in every design that has it.")
  var vary: [String] = []
  @Option(name: .long, help: "The metric the variant must equal the baseline on (default: contribution).") var objective: String = "contribution"
  @Option(name: .long, parsing: .unconditional, help: "Values of each parameter run, evenly spaced from LOW to HIGH, 3 to 41 (default 7).", transform: BoundedOption.thresholdPoints.parse)
  var points: Int = 7
  @Option(name: .long, parsing: .unconditional, help: "Bootstrap resamples for the intervals, 100 to 100,000 (default 1,000).", transform: BoundedOption.bootstrap.parse)
  var resamples: Int = 1000
  @Flag(name: .long, help: "Vary the parameter in the variant only, even where the baseline has it too.") var variantOnly = false
  @OptionGroup var options: SimulationOptions

  func validate() throws {
    guard !vary.isEmpty else { throw ValidationError("give at least one --vary PATH=LOW..HIGH, e.g. --vary presales.Presales.cost_per_expert_year=100000..2500000") }
    guard vary.count <= 20 else { throw ValidationError("at most 20 --vary, got \(vary.count)") }
    for text in vary {
      if case .failure(let problem) = InputRange.parse(text) { throw ValidationError(problem.description) }
    }
    try BoundedOption.thresholdPoints.check(points)
    try BoundedOption.bootstrap.check(resamples)
    _ = try parseObjective(objective)
    if options.by != nil { throw ValidationError("threshold reports the whole horizon; use compare for --by") }
    if options.target.count > 1 { throw ValidationError("give one --target (the level the variant must reach), got \(options.target.count)") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let designs = try loadDesigns([baseline, variant]).scenarios
    let replications = options.replications ?? designs[0].replications
    let seed = options.seed ?? designs[0].seed
    let ranges = vary.compactMap { try? InputRange.parse($0).get() }
    let setting = Threshold.Setting(
      objective: try parseObjective(objective), target: options.targets.first, points: points, replications: replications, seed: seed,
      generator: options.generatorKind, threads: options.threads, resamples: resamples, variantOnly: variantOnly)
    let bar = ProgressBar(total: ranges.count * (2 * points + 1), label: "threshold", quiet: options.quiet)
    let outcome: Threshold.Outcome
    do {
      outcome = try Threshold.run(baseline: baseline, variant: variant, ranges: ranges, setting: setting, progress: { bar.tick() })
    } catch {
      bar.finish()
      printError(error.description)
      throw ExitCode(.invalidScenario)
    }
    bar.finish()
    var document = ThresholdReport.document(outcome)
    document.title = "cccm threshold: \(outcome.variant) against \(outcome.baseline)"
    try emitReport(document, format: options.format, charts: options.charts, xlsx: options.xlsx) {
      provenance(
        scenarios: [scenarioEntry(designs[0], file: baseline), scenarioEntry(designs[1], file: variant)], seed: seed, replications: replications,
        generator: options.generator)
    }
  }
}

extension BoundedOption {
  static let thresholdPoints = BoundedOption("--points", 3...41, "3 to 41")
}
