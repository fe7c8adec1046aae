import ArgumentParser
import CCCMSupport
import Experiments
import CoverageModel
import Estimation
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// `cccm compare`: parses the options, runs the comparison study (or reads saved results) and
/// renders its one report.
struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare a baseline with variants on common random numbers: paired differences, CIs and a ranking.")

  @Argument(help: "The baseline scenario file, then the variants (or saved results with --from).")
  var files: [String]
  @OptionGroup var options: SimulationOptions
  @Option(name: .long, parsing: .upToNextOption, help: "Metrics to compare (default: bookings, credited_bookings, wins, win_rate, blocked, cycle_days_won, presales_wait_mean, cost, efficiency, contribution); `cccm metrics` lists them all.")
  var metrics: [String] = []
  @Option(name: .long, help: "The metric that ranks the scenarios (default contribution: gross profit minus cost; a ratio such as efficiency rewards cuts).")
  var objective: String = "contribution"
  @Flag(name: .long, help: "Also show per-team differences.")
  var teams = false
  @Flag(name: .shortAndLong, help: "Also show what common random numbers bought (variance ratios).")
  var verbose = false
  @Option(name: .long, help: "Table layout: columns (a column per scenario), rows (a row per scenario), or auto (columns up to three variants).")
  var layout: ComparisonLayout = .automatic
  @Option(name: .long, help: "How the objective's intervals are adjusted so that all variants' hold together with 95%: bonferroni (each at 1 - 0.05/k) or dunnett (one max-t critical value from the differences' estimated correlation; narrower). Other metrics are 95% each, unadjusted.")
  var adjust: FamilyAdjustment = .bonferroni
  @Option(name: .long, help: "Add replications until every variant's difference on the objective has a 95% half-width within this share of the baseline mean, e.g. 1%.")
  var precision: String?
  @Option(name: .long, parsing: .unconditional, help: "The most replications --precision may use.", transform: BoundedOption.maxReplications.parse)
  var maxReplications: Int = 10_000
  @Flag(name: .long, help: "The files are saved results (`run --save`), compared without simulating.")
  var from = false
  @Option(name: .long, help: "Simulate shard I of N (from 1) of the scenarios' replications and save it (--save) for `cccm merge`, e.g. --shard 2/8.", transform: parseShard)
  var shard: Shard?
  @Option(name: .long, help: "With --precision and --shard: the wave of replications (from 1; wave K is replications (K-1)*R ..< K*R); `cccm merge` says when another is needed.", transform: BoundedOption.wave.parse)
  var wave: Int?
  @Option(name: .long, help: "With --shard: the file the shard's results go to (`--shard 1/1` keeps the whole comparison in one file).")
  var save: String?
  @Flag(name: .long, help: "Also explain each variant's difference in contribution: a bridge of steps by mechanism, as `cccm explain` (simulates the designs once more, with records).")
  var bridge = false

  var record: ReportRecord {
    var record = options.record
    (record.metrics, record.objective, record.teams, record.verbose, record.layout) = (metricList(metrics), objective, teams, verbose, layout.rawValue)
    (record.precision, record.maxReplications) = (precision, precision == nil ? nil : maxReplications)
    record.adjustment = adjust == .bonferroni ? nil : adjust.rawValue
    return record
  }

  func validate() throws {
    guard files.count >= 2 else { throw ValidationError("give a baseline and at least one variant") }
    for metric in metricList(metrics) { try checkMetric(metric) }
    _ = try parseObjective(objective)
    if let precision { _ = try checkPrecision(precision) }
    if from, precision != nil { throw ValidationError("--precision needs simulation; it cannot be used with --from") }
    if from, shard != nil || save != nil { throw ValidationError("--shard and --save need simulation; they cannot be used with --from") }
    if bridge, from || shard != nil { throw ValidationError("--bridge needs the scenarios simulated here; it cannot be used with --from or --shard") }
    try checkShardOptions(shard: shard, save: save)
    if let wave {
      guard precision != nil, save != nil else { throw ValidationError("--wave K is a wave of --precision run in shards: give --precision, --shard I/N and --save FILE") }
      try BoundedOption.wave.check(wave)
    }
    try BoundedOption.maxReplications.check(maxReplications)
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    guard let outcome = try from ? compareSaved() : simulate() else { return }
    let document = try reportDocument { () throws(ReportError) in try ComparisonReport.document(for: outcome, record: record) }
    try emitReport(document, format: options.format, charts: options.charts, xlsx: options.xlsx, colour: terminalColour(options.format)) {
      provenance(scenarios: try comparedEntries(), seed: outcome.results[0].seed, replications: outcome.results[0].replications, generator: options.generator)
    }
  }

  /// Simulates the comparison study; nil when it ran a shard and saved it (`--shard --save`).
  func simulate() throws -> ComparisonStudy.Outcome? {
    let (scenarios, inputs) = try loadDesigns(files)
    let study = ComparisonStudy(
      scenarios: scenarios, seed: options.seed, replications: options.replications,
      precision: try precision.map { try ComparisonStudy.Precision(objective: parseObjective(objective), share: checkPrecision($0), maximum: maxReplications) })
    for d in study.reseeded {
      printError("note: \(Excerpt.sanitized(files[d], limit: Excerpt.pathLimit)) sets seed \(scenarios[d].seed); compared on the baseline's seed \(study.seed) so replications stay paired")
    }
    if precision != nil { try checkMaxReplications(maxReplications, starting: study.batch) }
    if let save {
      try saveShard(study, to: save, inputs: inputs)
      return nil
    }
    try checkResultsFit(
      scenarios, replications: precision == nil ? study.batch : max(study.batch, maxReplications), byPeriod: options.by != nil, streams: precision == nil)
    let bar = ProgressBar(total: study.replicationsAtMost, label: "compare", quiet: options.quiet)
    defer { bar.finish() }
    return study.run(
      generator: options.generatorKind, byPeriod: options.by != nil, threads: options.threads, objective: try parseObjective(objective),
      targets: options.targets, bridges: bridge, progress: { _, _ in bar.tick() })
  }
}

extension ComparisonLayout: ExpressibleByArgument {}
extension FamilyAdjustment: ExpressibleByArgument {}
