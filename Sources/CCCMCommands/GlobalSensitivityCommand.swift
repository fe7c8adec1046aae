import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Estimation
import Experiments
import Reports
import ScenarioFiles
import Simulation

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
  @Option(name: .long, help: "Morris: trajectories r, 2 to 1,000 (default 10).") var trajectories: Int = 10
  @Option(name: .long, help: "Morris: grid levels p, an even number 2 to 20 (default 4).") var levels: Int = 4
  @Option(name: .long, help: "Sobol: quasi-random base samples N, 8 to 100,000 (default 64); the design has N (factors + 2) points.") var samples: Int = 64
  @Option(name: .long, help: "Sobol: bootstrap resamples for the intervals, 100 to 100,000 (default 500).") var bootstrap: Int = 500

  /// The most design points a run may have.
  static let maximumPoints = 20_000

  func validate(factors: Int) throws {
    switch method {
    case .tornado: return
    case .morris:
      guard (2...1000).contains(trajectories) else { throw ValidationError("--trajectories must be 2 to 1,000, got \(trajectories)") }
      guard (2...20).contains(levels), levels % 2 == 0 else { throw ValidationError("--levels must be an even number from 2 to 20, got \(levels)") }
      guard trajectories * (factors + 1) <= Self.maximumPoints else {
        throw ValidationError("\(trajectories) trajectories of \(factors + 1) points make \(trajectories * (factors + 1)) points; at most \(Self.maximumPoints)")
      }
    case .sobol:
      guard factors <= SobolIndices.maximumFactors else {
        throw ValidationError("--method sobol takes at most \(SobolIndices.maximumFactors) factors (GSL's Sobol sequence has 40 dimensions, 2 per factor); screen with --method morris first")
      }
      guard (8...100_000).contains(samples) else { throw ValidationError("--samples must be 8 to 100,000, got \(samples)") }
      guard (100...100_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be 100 to 100,000, got \(bootstrap)") }
      guard samples * (factors + 2) <= Self.maximumPoints else {
        throw ValidationError("\(samples) samples of \(factors + 2) points make \(samples * (factors + 2)) points; at most \(Self.maximumPoints)")
      }
    }
  }
}

extension Sensitivity {
  /// Morris or Sobol: every point of the design is the base with each factor set, run on common
  /// random numbers; the estimators read the points' mean objectives.
  func runGlobal() throws {
    try checkChartsDirectory(options.charts)
    let base = try loadScenario(file)
    var ranges: [InputRange] = []
    var sweepFactors: [Sweep.Factor] = []
    for text in vary {
      guard let factor = try? Sweep.ends(text).get(), let low = factor.values.first, let high = factor.values.last else { continue }
      // Each factor alone at both ends first, so a bad path or value is reported against its --vary.
      for value in [low, high] { _ = try factorScenario(factor, at: value, text: text, base: file) }
      ranges.append(InputRange(path: factor.path, low: low, high: high))
      sweepFactors.append(factor)
    }
    let seed = options.seed ?? base.seed
    let unitPoints: [[Double]]
    let morrisDesign: Morris.Design?
    let sobolDesign: SobolIndices.Design?
    if global.method == .morris {
      let design = Morris.design(factors: ranges.count, trajectories: global.trajectories, levels: global.levels, seed: seed)
      (unitPoints, morrisDesign, sobolDesign) = (design.points, design, nil)
    } else {
      guard let design = SobolIndices.design(factors: ranges.count, samples: global.samples) else { throw ExitCode(.badUsage) }
      (unitPoints, morrisDesign, sobolDesign) = (design.points, nil, design)
    }
    let values = unitPoints.map { u in zip(u, ranges).map { $1.value(at: $0) } }
    let sweep = Sweep(factors: sweepFactors)
    var cache: [[Double]: Scenario] = [:]
    var scenarios: [Scenario] = [base]
    for point in values {
      if let known = cache[point] {
        scenarios.append(known)
        continue
      }
      do {
        let scenario = try sweep.scenario(at: point, base: file)
        cache[point] = scenario
        scenarios.append(scenario)
      } catch {
        printError("error: --vary at \(Sweep.label(sweep.factors, point)): \(error.description)")
        throw ExitCode(.invalidScenario)
      }
    }
    let replications = options.replications ?? base.replications
    try checkResultsFit(scenarios, replications: replications, byPeriod: false)
    let bar = ProgressBar(total: scenarios.count * replications, label: "sensitivity \(global.method.rawValue)", quiet: options.quiet)
    let results = Experiment(scenarios: scenarios, seed: seed, generator: options.generatorKind, threads: options.threads)
      .run(replications: replications, progress: { _, _ in bar.tick() })
    bar.finish()
    let means = results.map { run in Summary(run.layout.index(ofScenarioMetric: objective).map(run.column) ?? []).mean }
    let outputs = Array(means.dropFirst())
    let setting = GlobalSensitivityReport.Setting(objective: objective, points: values.count, replications: replications, seed: seed, baseMean: means[0])
    let factors = ranges.map { GlobalSensitivityReport.Factor(path: $0.path, low: $0.low, high: $0.high, whole: $0.isWhole) }
    let document: ReportDocument
    let charts: [any Chart]
    if let morrisDesign {
      let effects = Morris.effects(design: morrisDesign, outputs: outputs, values: values, ranges: ranges.map { $0.high - $0.low })
      let rows = zip(factors, effects).map {
        GlobalSensitivityReport.MorrisRow(factor: $0, muStar: $1.muStar, muStarSE: $1.muStarSE, mu: $1.mu, sigma: $1.sigma, effects: $1.effects.count)
      }
      document = GlobalSensitivityReport.morris(setting: setting, rows: rows, trajectories: global.trajectories, levels: global.levels)
      charts = [ReportCharts.morris(setting: setting, rows: rows)]
    } else if let sobolDesign {
      let estimate = SobolIndices.estimate(outputs: outputs, factors: ranges.count, samples: sobolDesign.samples, bootstrap: global.bootstrap, seed: seed)
      let rows = zip(factors, estimate.indices).map {
        GlobalSensitivityReport.SobolRow(
          factor: $0, first: $1.first, firstLow: $1.firstLow, firstHigh: $1.firstHigh, total: $1.total, totalLow: $1.totalLow, totalHigh: $1.totalHigh)
      }
      document = GlobalSensitivityReport.sobol(setting: setting, rows: rows, samples: global.samples, bootstrap: global.bootstrap, variance: estimate.variance)
      charts = [ReportCharts.sobol(setting: setting, rows: rows)]
    } else {
      return
    }
    try printExploreReport(
      document, title: "cccm sensitivity --method \(global.method.rawValue): \(base.name), \(objective)", scenarios: [scenarioEntry(base, file: file)], seed: seed,
      replications: replications, options: options
    ) { charts }
  }
}
