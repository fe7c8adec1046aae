import CoverageModel
import Estimation
import Randomness
import Simulation

/// Scenarios run on common random numbers: every scenario with one seed and generator, so
/// replication r of each meets the same opportunities with the same luck and differences pair.
public struct Experiment: Sendable {
  public let scenarios: [Scenario]
  public let seed: UInt64
  public let generator: GeneratorKind
  public let byPeriod: Bool
  public let threads: Int

  public init(scenarios: [Scenario], seed: UInt64, generator: GeneratorKind = .philox, byPeriod: Bool = false, threads: Int = 0) {
    self.scenarios = scenarios
    self.seed = seed
    self.generator = generator
    self.byPeriod = byPeriod
    self.threads = threads
  }

  /// Replications `first ..< first + count` of every scenario. `progress(scenario, done)` is
  /// called from worker threads.
  public func run(
    replications count: Int, first: Int = 0, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> [SimulationResults] {
    var results: [SimulationResults] = []
    for (index, scenario) in scenarios.enumerated() {
      var perScenario: (@Sendable (Int) -> Void)?
      if let progress { perScenario = { done in progress(index, done) } }
      let simulator = Simulator(scenario: scenario, generator: generator, byPeriod: byPeriod)
      results.append(simulator.run(replications: count, seed: seed, first: first, threads: threads, progress: perScenario))
    }
    return results
  }

  /// The outcome of sequential precision: the results, the widest half-width as a share of the
  /// baseline mean, and whether it reached the target.
  public struct PrecisionOutcome: Sendable {
    public var results: [SimulationResults]
    public var widestShare: Double
    public var reached: Bool
  }

  /// Adds replications in batches of `batch` until every variant's paired 95% half-width on
  /// `objective` is within `share` of the baseline's mean, or `maximum` replications are reached.
  /// The first scenario is the baseline. Results are those of one run of the final size.
  public func runToPrecision(
    objective: String, share: Double, batch: Int, maximum: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> PrecisionOutcome {
    var results = run(replications: min(batch, maximum), progress: progress)
    let metric = MetricLayout.scenarioMetrics.firstIndex(of: objective) ?? 0
    func widest() -> Double {
      let base = results[0].column(metric)
      let scale = abs(Summary(base).mean)
      let half = results.dropFirst().map { PairedDifference(baseline: base, variant: $0.column(metric), confidence: 0.95).halfWidth }.max() ?? 0
      return scale > 0 ? half / scale : (half == 0 ? 0 : .infinity)
    }
    var current = widest()
    while current > share, results[0].replications < maximum {
      let more = min(batch, maximum - results[0].replications)
      let next = run(replications: more, first: results[0].replications, progress: progress)
      for i in results.indices { results[i].append(next[i]) }
      current = widest()
    }
    return PrecisionOutcome(results: results, widestShare: current, reached: current <= share)
  }
}
