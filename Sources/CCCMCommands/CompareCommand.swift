import ArgumentParser
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

  @Option(name: .long, help: "The most replications --precision may use.")
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
    if let precision, parsePrecision(precision) == nil {
      throw ValidationError("--precision takes a share such as 1% or 0.01, got \"\(precision)\"")
    }
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
        if s.seed != saved[0].seed {
          printError("\(file): error: saved with seed \(s.seed), but \(files[0]) with seed \(saved[0].seed); paired comparisons need the same seed: run both again with --seed")
          throw Exit.fileError
        }
        if s.replications != saved[0].replications {
          printError("\(file): error: has \(s.replications) replications, but \(files[0]) has \(saved[0].replications); paired comparisons need the same replications")
          throw Exit.fileError
        }
      }
      all = saved.map(\.results)
    } else {
      let scenarios = try files.map(loadScenario)
      let batch = options.replications ?? scenarios[0].replications
      // Every scenario runs on one seed (--seed, else the baseline's), so replication r of each
      // meets the same opportunities and the differences stay paired.
      var options = options
      if options.seed == nil {
        let seed = scenarios[0].seed
        for (file, scenario) in zip(files, scenarios).dropFirst() where scenario.seed != seed {
          printError("note: \(file) sets seed \(scenario.seed); compared on the baseline's seed \(seed) so replications stay paired")
        }
        options.seed = seed
      }
      var runs = scenarios.map { simulate($0, options: options, replications: batch) }
      if let precision, let target = parsePrecision(precision) {
        let objectiveIndex = Simulation.MetricLayout.scenarioMetrics.firstIndex(of: objective) ?? 0
        func widest() -> (Double, Double) {
          let base = runs[0].column(objectiveIndex)
          let baseMean = Summary(base).mean
          let half = runs.dropFirst().map { PairedDifference(baseline: base, variant: $0.column(objectiveIndex), confidence: 0.95).halfWidth }.max() ?? 0
          return (half, abs(baseMean))
        }
        var (half, scale) = widest()
        while half > target * scale, runs[0].replications < maxReplications {
          let more = min(batch, maxReplications - runs[0].replications)
          for i in runs.indices {
            runs[i].append(simulate(scenarios[i], options: options, replications: more, first: runs[i].replications))
          }
          (half, scale) = widest()
        }
        let reached = half <= target * scale
        let share = scale > 0 ? half / scale : .nan
        note = reached
          ? String(format: "Precision reached: the widest 95%% half-width on %@ is %.2f%% of the baseline mean (target %@) after %d replications.", objective, share * 100, precision, runs[0].replications)
          : String(format: "Precision NOT reached: stopped at --max-replications %d with a widest 95%% half-width on %@ of %.2f%% of the baseline mean (target %@).", runs[0].replications, objective, share * 100, precision)
      }
      all = runs
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
      confidence: comparison.confidence, format: options.format)
    print(options.format == .csv ? periods : report + "\n" + periods, terminator: "")
  }
}

/// `1%` or `0.01` as a share.
func parsePrecision(_ text: String) -> Double? {
  if text.hasSuffix("%") { return Double(text.dropLast()).map { $0 / 100 }.flatMap { $0 > 0 ? $0 : nil } }
  return Double(text).flatMap { $0 > 0 && $0 < 1 ? $0 : nil }
}

extension ComparisonLayout: ExpressibleByArgument {}
