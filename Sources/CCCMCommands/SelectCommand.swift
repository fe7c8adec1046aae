import ArgumentParser
import CCCMSupport
import Experiments
import Reports
import ScenarioFiles

/// `cccm select`: the best of several designs, by Kim and Nelson's fully sequential procedure on
/// common random numbers.
struct Select: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Select the best of a baseline and variants (Kim-Nelson, common random numbers): 95% sure to pick the best or one within --delta of it, with fewer replications than a fixed-sample comparison.")

  @Argument(help: "The baseline scenario file, then the variants.") var files: [String]
  @Option(name: .long, help: "The indifference zone: a difference worth detecting, as a share of the baseline's mean (1%) or an amount of the objective (250000).")
  var delta: String
  @Option(name: .long, help: "The metric to select by (default: contribution); its direction (higher or lower is better) comes from `cccm metrics`.")
  var objective: String = "contribution"
  @Option(name: .long, parsing: .unconditional, help: "First-stage replications n0 of every design, 5 to 1,000 (default 20).", transform: BoundedOption.firstStage.parse)
  var firstStage: Int = 20
  @OptionGroup var options: SimulationOptions

  func validate() throws {
    guard files.count >= 2 else { throw ValidationError("give a baseline and at least one variant to select among") }
    guard IndifferenceZone.parse(delta) != nil else {
      throw ValidationError("--delta must be a share of the baseline's mean such as 1% (above 0%, below 100%) or an amount above 0 such as 250000, got \(Excerpt.quoted(delta))")
    }
    _ = try parseObjective(objective, choosingBy: "select")
    try BoundedOption.firstStage.check(firstStage)
    if let maximum = options.replications, maximum < firstStage {
      throw ValidationError("--replications (the most per design) must be at least --first-stage (\(firstStage)), got \(maximum)")
    }
    if options.by != nil || !options.target.isEmpty { throw ValidationError("select reports the selection only; use compare for --by and --target") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let scenarios = try loadDesigns(files).scenarios
    let study = SelectionStudy(
      scenarios: scenarios, objective: try parseObjective(objective, choosingBy: "select"), delta: IndifferenceZone.parse(delta) ?? .share(0.01),
      firstStage: firstStage, maximum: options.replications ?? SelectionStudy.defaultMaximum, seed: options.seed ?? scenarios[0].seed,
      generator: options.generatorKind, threads: options.threads)
    try checkResultsFit(scenarios, replications: study.maximum, byPeriod: false)
    let bar = ProgressBar(total: scenarios.count * study.maximum, label: "select", quiet: options.quiet)
    let outcome: SelectionOutcome
    do {
      outcome = try study.run(progress: { _, _ in bar.tick() })
    } catch {
      bar.finish()
      printError(
        "error: --delta \(delta) of the baseline's mean \(objective) (\(MetricUnit(metric: objective).format(error.baselineMean))) is 0; give --delta as an amount of \(objective)")
      throw ExitCode(.badUsage)
    }
    bar.finish()
    try printExploreReport(
      SelectionReport.document(for: outcome), title: "cccm select: the best of \(scenarios.count) designs by \(objective)",
      scenarios: zip(scenarios, files).map { scenarioEntry($0, file: $1) }, seed: outcome.seed, replications: study.maximum, options: options
    ) { ReportCharts.selection(outcome) }
  }
}
