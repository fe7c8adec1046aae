import CoverageModel
import Randomness
import Simulation

/// `cccm compare`'s study: a baseline and its variants on one seed, so replication r of each
/// meets the same opportunities and the differences are paired; a batch of replications, or with
/// a precision, batches until every variant's paired difference on the objective is that precise.
public struct ComparisonStudy: Sendable {
  /// The precision asked for: the objective's 95% half-width within `share` of the baseline mean,
  /// in at most `maximum` replications.
  public struct Precision: Sendable {
    public let objective: Objective
    public let share: Double
    public let maximum: Int
    public init(objective: Objective, share: Double, maximum: Int) {
      self.objective = objective
      self.share = share
      self.maximum = maximum
    }
  }

  /// The designs, the baseline first.
  public let scenarios: [Scenario]
  /// The seed every design runs on: the one given, else the baseline's.
  public let seed: UInt64
  /// Replications per batch: the ones given, else the baseline's.
  public let batch: Int
  public let precision: Precision?
  /// The variants (indices in `scenarios`) whose own seed is not the one compared on: they run on
  /// the baseline's so replications stay paired (none when a seed is given).
  public let reseeded: [Int]

  public init(scenarios: [Scenario], seed: UInt64?, replications: Int?, precision: Precision?) {
    self.scenarios = scenarios
    self.seed = seed ?? scenarios[0].seed
    batch = replications ?? scenarios[0].replications
    self.precision = precision
    let compared = self.seed
    reseeded = seed != nil ? [] : scenarios.indices.dropFirst().filter { scenarios[$0].seed != compared }
  }

  /// The most replications the study simulates, over all designs (for a progress bar).
  public var replicationsAtMost: Int { scenarios.count * (precision?.maximum ?? batch) }

  /// Simulates the designs: their results, and with a precision how far it got.
  public func run(
    generator: GeneratorKind = .philox, byPeriod: Bool = false, threads: Int = 0, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> (results: [SimulationResults], precision: Experiment.PrecisionOutcome?) {
    let experiment = Experiment(scenarios: scenarios, seed: seed, generator: generator, byPeriod: byPeriod, threads: threads)
    guard let precision else { return (experiment.run(replications: batch, progress: progress), nil) }
    let outcome = experiment.runToPrecision(objective: precision.objective, share: precision.share, batch: batch, maximum: precision.maximum, progress: progress)
    return (outcome.results, outcome)
  }
}
