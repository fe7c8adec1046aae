import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Estimation
import Experiments
import Reports
import ScenarioFiles
import Simulation

/// `cccm uncertainty`: designs over the scenario's uncertain values (`{uncertain: DISTRIBUTION}`).
struct Uncertainty: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a baseline and variants over their uncertain values ({uncertain: DISTRIBUTION}): independent parameter sets, replications per set on common random numbers; P(variant beats baseline) and the inputs' share of the variance.")

  @Argument(help: "The baseline scenario file (with {uncertain: ...} values), then variants of it.") var files: [String]
  @Option(name: .long, parsing: .unconditional, help: "Parameter sets K, independent draws of the uncertain values, 2 to 10,000 (default 50).", transform: BoundedOption.outer.parse)
  var outer: Int = 50
  @Option(name: .long, parsing: .unconditional, help: "Replications R per parameter set, 2 to 10,000 (default 10; --replications is the same).", transform: BoundedOption.inner.parse)
  var inner: Int?
  @Option(name: .long, help: "The metric to study (default: contribution).") var objective: String = "contribution"
  @OptionGroup var options: SimulationOptions

  static let defaultInner = 10

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give a baseline scenario with {uncertain: ...} values, and variants to compare with it") }
    try BoundedOption.outer.check(outer)
    try BoundedOption.inner.check(inner)
    if let inner, let replications = options.replications, inner != replications {
      throw ValidationError("--inner \(inner) and --replications \(replications) disagree; give one of them")
    }
    _ = try parseObjective(objective)
    if options.by != nil || !options.target.isEmpty { throw ValidationError("uncertainty reports over parameter sets; use compare for --by and --target") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let scenarios = try loadDesigns(files).scenarios
    let inputs = scenarios[0].uncertain
    guard !inputs.isEmpty else {
      printError(
        "\(Excerpt.sanitized(files[0], limit: Excerpt.pathLimit)): error: the scenario has no uncertain values; write one as {uncertain: DISTRIBUTION}, e.g. opportunities_per_account_year: {uncertain: {uniform: {min: 0.4, max: 0.6}}}")
      throw ExitCode(.invalidScenario)
    }
    let objective = try parseObjective(self.objective)
    let replications = inner ?? options.replications ?? Self.defaultInner
    let seed = options.seed ?? scenarios[0].seed
    let study = UncertaintyStudy(files: files, inputs: inputs)
    let sets = study.parameterSets(count: outer, seed: seed)
    let bar = ProgressBar(total: outer * files.count * replications, label: "uncertainty", quiet: options.quiet)
    let outcome: UncertaintyOutcome
    do {
      outcome = try study.outcome(
        names: scenarios.map(\.name), sets: sets, inner: replications, seed: seed, generator: options.generatorKind,
        threads: options.threads, objective: objective, progress: { _, _ in bar.tick() })
    } catch {
      bar.finish()
      let values = zip(inputs, error.values).map { "\($0.path) = \($1)" }.joined(separator: ", ")
      printError("error: \(Excerpt.sanitized(files[error.design], limit: Excerpt.pathLimit)) at parameter set \(error.set + 1) (\(values)): \(error.reason)")
      throw ExitCode(.invalidScenario)
    }
    bar.finish()
    let described = inputs.map {
      UncertaintyReport.Input(path: $0.path, distribution: ScenarioEncoder.distribution($0.distribution), mean: $0.distribution.mean, location: $0.location)
    }
    let setting = UncertaintyReport.Setting(objective: objective.name, largerIsBetter: objective.largerIsBetter, sets: outer, replications: replications, seed: seed)
    try printExploreReport(
      UncertaintyReport.document(setting: setting, inputs: described, designs: outcome.designs), title: "cccm uncertainty: \(scenarios.map(\.name).joined(separator: ", ")), \(objective)",
      scenarios: zip(scenarios, files).map { scenarioEntry($0, file: $1) }, seed: seed, replications: replications, options: options
    ) { ReportCharts.uncertainty(setting: setting, names: scenarios.map(\.name), setMeans: outcome.setMeans, setDifferences: outcome.setDifferences) }
  }
}
