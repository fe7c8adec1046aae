import ArgumentParser
import Experiments
import CoverageModel
import Estimation
import Foundation
import Reports
import ScenarioFiles
import Simulation

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

  @Option(name: .long, help: "Add replications until every variant's difference on the objective has a 95% half-width within this share of the baseline mean, e.g. 1%.")
  var precision: String?

  @Option(name: .long, parsing: .unconditional, help: "The most replications --precision may use.")
  var maxReplications: Int = 10_000

  @Flag(name: .long, help: "The files are saved results (`run --save`), compared without simulating.")
  var from = false

  func validate() throws {
    guard files.count >= 2 else { throw ValidationError("give a baseline and at least one variant") }
    let known = Simulation.MetricLayout.scenarioMetrics
    for metric in metrics + [objective] where !known.contains(metric) {
      let hint = Suggestion.didYouMean(metric, among: known).map { $0 + " " } ?? ""
      throw ValidationError("unknown metric \"\(metric)\"; \(hint)metrics: \(known.joined(separator: ", "))")
    }
    if let precision { _ = try checkPrecision(precision) }
    if from, precision != nil { throw ValidationError("--precision needs simulation; it cannot be used with --from") }
    guard (2...Scenario.maximumReplications).contains(maxReplications) else {
      throw ValidationError("--max-replications must be from 2 to \(Scenario.maximumReplications), got \(maxReplications)")
    }
  }

  func run() throws {
    let chosen = metrics.isEmpty ? Comparison.defaultMetrics : metrics
    var note: String?
    let all: [SimulationResults]
    if from {
      let saved = try files.map(SavedResults.load)
      for (file, s) in zip(files.dropFirst(), saved.dropFirst()) {
        let base = saved[0]
        for (what, mine, theirs, fix) in [
          ("seed", String(s.seed), String(base.seed), "run both again with the same --seed"),
          ("generator", s.generator, base.generator, "run both again with the same --generator"),
          ("replications", "\(s.firstReplication)..<\(s.firstReplication + s.replications)", "\(base.firstReplication)..<\(base.firstReplication + base.replications)", "save the same replications of both"),
        ] where mine != theirs {
          printError("\(Excerpt.sanitized(file, limit: Excerpt.pathLimit)): error: saved with \(what) \(mine), but \(Excerpt.sanitized(files[0], limit: Excerpt.pathLimit)) with \(theirs); paired comparisons need the same \(what): \(fix)")
          throw Exit.fileError
        }
      }
      all = saved.map(\.results)
    } else {
      let scenarios = try files.map(loadScenario)
      let batch = options.replications ?? scenarios[0].replications
      // Every scenario runs on one seed (--seed, else the baseline's), so replication r of each
      // meets the same opportunities and the differences stay paired.
      let seed = options.seed ?? scenarios[0].seed
      if options.seed == nil {
        for (file, scenario) in zip(files, scenarios).dropFirst() where scenario.seed != seed {
          printError("note: \(Excerpt.sanitized(file, limit: Excerpt.pathLimit)) sets seed \(scenario.seed); compared on the baseline's seed \(seed) so replications stay paired")
        }
      }
      try checkResultsFit(scenarios, replications: precision == nil ? batch : max(batch, maxReplications), byPeriod: options.by != nil)
      let experiment = Experiment(
        scenarios: scenarios, seed: seed, generator: options.generatorKind, byPeriod: options.by != nil, threads: options.threads)
      if let precision, let target = try? checkPrecision(precision) {
        try checkMaxReplications(maxReplications, starting: batch)
        let bar = ProgressBar(total: scenarios.count * maxReplications, label: "compare", quiet: options.quiet)
        let outcome = experiment.runToPrecision(objective: objective, share: target, batch: batch, maximum: maxReplications, progress: { _, _ in bar.tick() })
        bar.finish()
        all = outcome.results
        note = outcome.reached
          ? String(format: "Precision reached: the widest 95%% half-width on %@ is %.2f%% of the baseline mean (target %@) after %d replications.", objective, outcome.widestShare * 100, precision, all[0].replications)
          : String(format: "Precision NOT reached: stopped at --max-replications %d with a widest 95%% half-width on %@ of %.2f%% of the baseline mean (target %@).", all[0].replications, objective, outcome.widestShare * 100, precision)
      } else {
        let bar = ProgressBar(total: scenarios.count * batch, label: "compare", quiet: options.quiet)
        all = experiment.run(replications: batch, progress: { _, _ in bar.tick() })
        bar.finish()
      }
    }
    let comparison = Comparison(baseline: all[0], variants: Array(all.dropFirst()), metrics: chosen, objective: objective, teams: teams)
    // Colour only for people: a terminal, and no NO_COLOR (https://no-color.org).
    let colour = options.format == .table && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    var report = ComparisonReport.render(comparison, format: options.format, verbose: verbose, note: note, colour: colour, layout: layout)
    if !options.targets.isEmpty {
      let targets = TargetReport.render(
        targets: options.targets, baseline: all[0], variants: Array(all.dropFirst()), confidence: comparison.confidence, format: options.format)
      report = options.format == .csv ? targets : report + "\n" + targets
    }
    guard let kind = options.by, options.format != .json else { return print(report, terminator: "") }
    guard all.allSatisfy({ !$0.layout.months.isEmpty }) else {
      printError("error: --by needs results kept by period; saved results without periods cannot be shown by \(kind.rawValue): run them again with --by")
      throw Exit.fileError
    }
    let periods = PeriodReport.renderComparison(
      baseline: all[0], variants: Array(all.dropFirst()), by: kind, metrics: metrics.isEmpty ? PeriodReport.defaultMetrics : chosen,
      confidence: comparison.confidence, objective: objective, format: options.format)
    print(options.format == .csv ? periods : report + "\n" + periods, terminator: "")
  }
}


extension ComparisonLayout: ExpressibleByArgument {}
