import ArgumentParser
import CoverageModel
import Experiments
import Reports
import ScenarioFiles
import Simulation

/// `cccm sensitivity`: a tornado of factors moved one at a time over LOW..HIGH.
struct Sensitivity: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "One factor at a time from LOW to HIGH (--vary PATH=LOW..HIGH): a tornado of paired differences on the objective, sorted by swing.")

  @Argument(help: "The base scenario file.") var file: String
  @Option(name: .long, help: "A factor and its range, e.g. segments.SMB-West.opportunities_per_account_year=0.4..0.6 (repeatable).")
  var vary: [String] = []
  @Option(name: .long, help: "The metric the bars measure (default: contribution).") var objective: String = "contribution"
  @OptionGroup var options: SimulationOptions
  @OptionGroup var global: GlobalSensitivityOptions

  func validate() throws {
    guard !vary.isEmpty else { throw ValidationError("give at least one --vary PATH=LOW..HIGH") }
    try global.validate(factors: vary.count)
    for text in vary {
      if case .failure(let problem) = Sweep.ends(text) { throw ValidationError(problem.description) }
    }
    guard MetricLayout.scenarioMetrics.contains(objective) else {
      throw ValidationError("unknown metric \"\(objective)\"; metrics: \(MetricLayout.scenarioMetrics.joined(separator: ", "))")
    }
  }

  func run() throws {
    if global.method != .tornado { return try runGlobal() }
    let base = try loadScenario(file)
    var factors: [Sweep.Factor] = []
    var scenarios: [Scenario] = [base]
    for text in vary {
      guard let factor = try? Sweep.ends(text).get(), let low = factor.values.first, let high = factor.values.last else { continue }
      factors.append(factor)
      for value in [low, high] { scenarios.append(try factorScenario(factor, at: value, text: text, base: file)) }
    }
    let replications = options.replications ?? base.replications
    try checkResultsFit(scenarios, replications: replications, byPeriod: false)
    let bar = ProgressBar(total: scenarios.count * replications, label: "sensitivity", quiet: options.quiet)
    let results = Experiment(scenarios: scenarios, seed: options.seed ?? base.seed, generator: options.generatorKind, threads: options.threads)
      .run(replications: replications, progress: { _, _ in bar.tick() })
    bar.finish()
    let bars = factors.enumerated().map { i, factor in
      TornadoReport.Bar(
        factor: factor.path, low: factor.values.first ?? 0, high: factor.values.last ?? 0, lowResults: results[1 + 2 * i],
        highResults: results[2 + 2 * i])
    }
    print(TornadoReport.document(base: results[0], bars: bars, objective: objective).render(options.format), terminator: "")
  }
}
