import ArgumentParser
import CCCMSupport
import Experiments
import Reports
import ScenarioFiles

/// How `cccm sensitivity` moves its factors.
enum SensitivityMethod: String, ExpressibleByArgument, CaseIterable {
  /// One factor at a time, a paired bar each (the default).
  case tornado
  /// Morris's elementary effects: screening many factors.
  case morris
  /// Sobol's first-order and total indices.
  case sobol
}

/// `cccm sensitivity --method morris|sobol` and their sample sizes.
struct GlobalSensitivityOptions: ParsableArguments {
  @Option(name: .long, help: "tornado (one factor at a time, the default), morris (elementary effects, to screen many factors) or sobol (first-order and total indices).")
  var method: SensitivityMethod = .tornado
  @Option(name: .long, parsing: .unconditional, help: "Morris: trajectories r, 2 to 1,000 (default 10).", transform: BoundedOption.trajectories.parse)
  var trajectories: Int = 10
  @Option(name: .long, help: "Morris: grid levels p, an even number 2 to 20 (default 4).") var levels: Int = 4
  @Option(name: .long, parsing: .unconditional, help: "Sobol: quasi-random base samples N, 8 to 100,000 (default 64); the design has N (factors + 2) points.", transform: BoundedOption.samples.parse)
  var samples: Int = 64
  @Option(name: .long, parsing: .unconditional, help: "Sobol: bootstrap resamples for the intervals, 100 to 100,000 (default 500).", transform: BoundedOption.bootstrap.parse)
  var bootstrap: Int = 500

  /// The most design points a run may have.
  static let maximumPoints = 20_000

  func validate(factors: Int) throws {
    switch method {
    case .tornado: return
    case .morris:
      try BoundedOption.trajectories.check(trajectories)
      guard (2...20).contains(levels), levels % 2 == 0 else { throw ValidationError("--levels must be an even number from 2 to 20, got \(levels)") }
      guard trajectories * (factors + 1) <= Self.maximumPoints else {
        throw ValidationError("\(trajectories) trajectories of \(factors + 1) points make \(trajectories * (factors + 1)) points; at most \(Self.maximumPoints)")
      }
    case .sobol:
      guard factors <= SobolIndices.maximumFactors else {
        throw ValidationError("--method sobol takes at most \(SobolIndices.maximumFactors) factors (GSL's Sobol sequence has 40 dimensions, 2 per factor); screen with --method morris first")
      }
      try BoundedOption.samples.check(samples)
      try BoundedOption.bootstrap.check(bootstrap)
      guard samples * (factors + 2) <= Self.maximumPoints else {
        throw ValidationError("\(samples) samples of \(factors + 2) points make \(samples * (factors + 2)) points; at most \(Self.maximumPoints)")
      }
    }
  }

  /// The study's method (the tornado is not a global method).
  var study: GlobalSensitivityStudy.Method {
    method == .sobol ? .sobol(samples: samples, bootstrap: bootstrap) : .morris(trajectories: trajectories, levels: levels)
  }
}

extension Sensitivity {
  /// Morris or Sobol (`GlobalSensitivityStudy`).
  func runGlobal() throws {
    try checkChartsDirectory(options.charts)
    let base = try loadScenario(file)
    let study = GlobalSensitivityStudy(
      base: base, file: file, vary: vary, method: global.study, objective: try parseObjective(objective), seed: options.seed ?? base.seed)
    let design: GlobalSensitivityStudy.Design
    do {
      design = try study.design()
    } catch .tooManyFactors {
      throw ExitCode(.badUsage)
    } catch {
      printError(error.description)
      throw ExitCode(.invalidScenario)
    }
    let replications = options.replications ?? base.replications
    try checkResultsFit(Array(design.scenarios.prefix(1)), replications: replications, byPeriod: false, streams: true)
    let bar = ProgressBar(total: design.scenarios.count * replications, label: "sensitivity \(global.method.rawValue)", quiet: options.quiet)
    let outcome = study.run(design, replications: replications, generator: options.generatorKind, threads: options.threads, progress: { _, _ in bar.tick() })
    bar.finish()
    let (document, chart) = GlobalSensitivityReport.document(for: outcome)
    try printExploreReport(
      document, title: "cccm sensitivity --method \(global.method.rawValue): \(base.name), \(objective)", scenarios: [scenarioEntry(base, file: file)],
      seed: outcome.seed, replications: replications, options: options
    ) { [chart] }
  }
}
