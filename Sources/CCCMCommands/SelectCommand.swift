import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Estimation
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

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
  @Option(name: .long, parsing: .unconditional, help: "First-stage replications n0 of every design, 5 to 1,000 (default 20).", transform: { try wholeNumber($0, option: "--first-stage", range: "5 to 1,000") })
  var firstStage: Int = 20
  @OptionGroup var options: SimulationOptions

  /// Replications simulated at a time per surviving design after the first stage (elimination is
  /// still checked after each one).
  static let batch = 10
  /// The most replications per design when --replications is not given.
  static let defaultMaximum = 1000

  /// `1%` as (share, nil) or `250000` as (nil, amount).
  static func parseDelta(_ text: String) -> (share: Double?, amount: Double?)? {
    if text.hasSuffix("%") {
      guard let value = Double(text.dropLast()), value.isFinite, value > 0, value < 100 else { return nil }
      return (value / 100, nil)
    }
    guard let value = Double(text), value.isFinite, value > 0 else { return nil }
    return (nil, value)
  }

  func validate() throws {
    guard files.count >= 2 else { throw ValidationError("give a baseline and at least one variant to select among") }
    guard Self.parseDelta(delta) != nil else {
      throw ValidationError("--delta must be a share of the baseline's mean such as 1% (above 0%, below 100%) or an amount above 0 such as 250000, got \(Excerpt.quoted(delta))")
    }
    try checkObjective(objective, verb: "select")
    guard (5...1000).contains(firstStage) else { throw ValidationError("--first-stage must be 5 to 1,000, got \(firstStage)") }
    if let maximum = options.replications, maximum < firstStage {
      throw ValidationError("--replications (the most per design) must be at least --first-stage (\(firstStage)), got \(maximum)")
    }
    if options.by != nil || !options.target.isEmpty { throw ValidationError("select reports the selection only; use compare for --by and --target") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let scenarios = try files.map(loadScenario)
    let seed = options.seed ?? scenarios[0].seed
    let maximum = options.replications ?? Self.defaultMaximum
    try checkResultsFit(scenarios, replications: maximum, byPeriod: false)
    let larger = MetricDescriptor.named(objective)?.direction != .lowerIsBetter
    let metric = MetricLayout.scenarioMetrics.firstIndex(of: objective) ?? 0
    let bar = ProgressBar(total: scenarios.count * maximum, label: "select", quiet: options.quiet)
    var simulated = 0
    // Every design's outputs in replication order (the procedure asks for consecutive ones).
    var collected = [[Double]](repeating: [], count: scenarios.count)
    func sample(_ designs: [Int], _ first: Int, _ count: Int) -> [[Double]] {
      simulated += designs.count * count
      let experiment = Experiment(scenarios: designs.map { scenarios[$0] }, seed: seed, generator: options.generatorKind, threads: options.threads)
      let outputs = experiment.run(replications: count, first: first, progress: { _, _ in bar.tick() }).map { $0.column(metric) }
      for (design, values) in zip(designs, outputs) where collected[design].count == first { collected[design] += values }
      return outputs
    }
    let firstStage = sample(Array(scenarios.indices), 0, self.firstStage)
    guard let parsed = Self.parseDelta(delta) else { throw ExitCode(.badUsage) }
    let baseMean = Summary(firstStage[0]).mean
    let amount = parsed.amount ?? (parsed.share ?? 0) * abs(baseMean)
    guard amount > 0, amount.isFinite else {
      bar.finish()
      printError("error: --delta \(delta) of the baseline's mean \(objective) (\(MetricUnit(metric: objective).format(baseMean))) is 0; give --delta as an amount of \(objective)")
      throw ExitCode(.badUsage)
    }
    let procedure = KimNelson(designs: scenarios.count, delta: amount, firstStage: self.firstStage, maximum: maximum, larger: larger)
    let outcome = procedure.run(batch: Self.batch) { designs, first, count in
      first == 0 && count == self.firstStage ? designs.map { firstStage[$0] } : sample(designs, first, count)
    }
    bar.finish()
    let designs = scenarios.indices.map { i in
      SelectionReport.Design(
        name: scenarios[i].name, mean: outcome.means[i], used: outcome.used[i],
        status: outcome.chosen == i ? .selected : outcome.survivors.contains(i) ? .contender : .eliminated, values: Array(collected[i].prefix(outcome.used[i])))
    }
    let setting = SelectionReport.Setting(
      objective: objective, largerIsBetter: larger, delta: amount, deltaText: parsed.share.map { String(format: "%g%% of the baseline's first-stage mean", $0 * 100) } ?? "given",
      confidence: procedure.confidence, firstStage: self.firstStage, maximum: maximum, stages: outcome.stages, simulated: simulated,
      fixedSample: outcome.fixedSample, seed: seed)
    try printExploreReport(
      SelectionReport.document(setting: setting, designs: designs), title: "cccm select: the best of \(scenarios.count) designs by \(objective)",
      scenarios: zip(scenarios, files).map { scenarioEntry($0, file: $1) }, seed: seed, replications: maximum, options: options
    ) { ReportCharts.selection(setting: setting, designs: designs) }
  }
}
