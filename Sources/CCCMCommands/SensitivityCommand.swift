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
  @Option(name: .long, help: "Simulate shard I of N (from 1) of the factors' ends x replications and save it (--save) for `cccm merge`.", transform: parseShard)
  var shard: Shard?
  @Option(name: .long, help: "With --shard: the file the shard's results go to.") var save: String?

  var record: ReportRecord {
    var record = ReportRecord()
    record.format = options.format.rawValue
    record.objective = objective
    record.vary = vary
    return record
  }
  @OptionGroup var global: GlobalSensitivityOptions

  func validate() throws {
    try checkShardOptions(shard: shard, save: save)
    if shard != nil, global.method != .tornado { throw ValidationError("--shard splits the tornado (the default method); run --method \(global.method.rawValue) on one machine") }
    guard !vary.isEmpty else { throw ValidationError("give at least one --vary PATH=LOW..HIGH") }
    try global.validate(factors: vary.count)
    for text in vary {
      if case .failure(let problem) = Sweep.ends(text) { throw ValidationError(problem.description) }
    }
    _ = try parseObjective(objective)
  }

  func run() throws {
    if global.method != .tornado { return try runGlobal() }
    try checkChartsDirectory(options.charts)
    let (base, inputs) = try loadScenarioRecordingFiles(file)
    var factors: [Sweep.Factor] = []
    var scenarios: [Scenario] = [base]
    for text in vary {
      guard let factor = try? Sweep.ends(text).get(), let low = factor.values.first, let high = factor.values.last else { continue }
      factors.append(factor)
      for value in [low, high] { scenarios.append(try factorScenario(factor, at: value, text: text, base: file)) }
    }
    let replications = options.replications ?? base.replications
    let seed = options.seed ?? base.seed
    if let shard, let save {
      let sharded = ShardedRun(
        command: .sensitivity, files: [file], record: record, scenarios: scenarios, seed: seed, options: options, replications: replications)
      return try sharded.save(shard, to: save, inputs: inputs)
    }
    try checkResultsFit(scenarios, replications: replications, byPeriod: false, streams: true)
    let bar = ProgressBar(total: scenarios.count * replications, label: "sensitivity", quiet: options.quiet)
    let (results, streamed) = Experiment(scenarios: scenarios, seed: seed, generator: options.generatorKind, threads: options.threads)
      .runWithinBound(replications: replications, objective: try parseObjective(objective), progress: { _, _ in bar.tick() })
    bar.finish()
    try emitReport(TornadoReport.document(for: results, base: base.name, record: record, streamed: streamed), format: options.format, charts: options.charts, xlsx: options.xlsx) {
      provenance(scenarios: [scenarioEntry(base, file: file)], seed: seed, replications: replications, generator: options.generator)
    }
  }
}
