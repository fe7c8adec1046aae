import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import Reports
import ScenarioFiles
import Simulation

/// `cccm sweep`: a base scenario over a grid of values, every point paired with the base.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a scenario over a grid of values (--vary PATH=VALUES): each point paired with the base, the marginal value of one more unit, the best point.")

  @Argument(help: "The base scenario file.") var file: String
  @Option(name: .long, help: "A factor: a key path as `set` takes it and its values, e.g. teams.West.reps=9..15, ...=0.5..0.9:0.1, ...=10,12,14 (repeatable: several make a grid).")
  var vary: [String] = []
  @Option(name: .long, parsing: .upToNextOption, help: "Metrics shown beside the objective (default: bookings, cost).") var metrics: [String] = []
  @Option(name: .long, help: "The metric that picks the best point (default: contribution).") var objective: String = "contribution"
  @OptionGroup var options: SimulationOptions
  @Option(name: .long, help: "Simulate shard I of N (from 1) of the points x replications and save it (--save) for `cccm merge`.", transform: parseShard)
  var shard: Shard?
  @Option(name: .long, help: "With --shard: the file the shard's results go to.") var save: String?

  var record: ReportRecord {
    var record = ReportRecord()
    record.format = options.format.rawValue
    record.metrics = metricList(metrics)
    record.objective = objective
    record.vary = vary
    return record
  }

  func validate() throws {
    try checkShardOptions(shard: shard, save: save)
    guard !vary.isEmpty else { throw ValidationError("give at least one --vary PATH=VALUES, e.g. --vary teams.West.reps=9..15") }
    var points = 1
    for text in vary {
      switch Sweep.factor(text) {
      case .failure(let problem): throw ValidationError(problem.description)
      case .success(let factor): points *= factor.values.count
      }
      guard points <= 1000 else { throw ValidationError("the --vary factors make more than 1,000 points; sweep fewer values") }
    }
    for metric in metricList(metrics) { try checkMetric(metric) }
    _ = try parseObjective(objective)
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let (base, inputs) = try loadScenarioRecordingFiles(file)
    let sweep = Sweep(factors: vary.compactMap { try? Sweep.factor($0).get() })
    // Each factor alone first, so a bad path or value is reported against its --vary.
    for (text, factor) in zip(vary, sweep.factors) {
      for value in factor.values { _ = try factorScenario(factor, at: value, text: text, base: file) }
    }
    var scenarios: [Scenario] = [base]
    for values in sweep.grid {
      do {
        scenarios.append(try sweep.scenario(at: values, base: file))
      } catch {
        printError("error: --vary at \(Sweep.label(sweep.factors, values)): \(error.description)")
        throw ExitCode(.invalidScenario)
      }
    }
    let replications = options.replications ?? base.replications
    let seed = options.seed ?? base.seed
    if let shard, let save {
      let sharded = ShardedRun(
        command: .sweep, files: [file], record: record, scenarios: scenarios, seed: seed, options: options, replications: replications)
      return try sharded.save(shard, to: save, inputs: inputs)
    }
    try checkResultsFit(scenarios, replications: replications, byPeriod: false, streams: true)
    let experiment = Experiment(scenarios: scenarios, seed: seed, generator: options.generatorKind, threads: options.threads)
    let bar = ProgressBar(total: scenarios.count * replications, label: "sweep", quiet: options.quiet)
    let (results, streamed) = experiment.runWithinBound(replications: replications, objective: try parseObjective(objective), progress: { _, _ in bar.tick() })
    bar.finish()
    try emitReport(SweepReport.document(for: results, base: base.name, record: record, streamed: streamed), format: options.format, charts: options.charts, xlsx: options.xlsx) {
      provenance(scenarios: [scenarioEntry(base, file: file)], seed: seed, replications: replications, generator: options.generator)
    }
  }
}

/// The base with one factor set to one value (`Sweep.alone`), or the reason on standard error
/// and exit 1.
func factorScenario(_ factor: Sweep.Factor, at value: Double, text: String, base file: String) throws -> Scenario {
  do {
    return try Sweep.alone(factor, at: value, text: text, base: file)
  } catch {
    printError(error.description)
    throw ExitCode(.invalidScenario)
  }
}
