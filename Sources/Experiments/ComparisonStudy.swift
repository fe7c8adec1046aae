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

  /// What the study found: every design's results, with a precision how far it got, and beyond
  /// the exact bound the paired statistics kept instead of the rows.
  public struct Outcome: Sendable {
    public var results: [SimulationResults]
    public var precision: Experiment.PrecisionOutcome?
    public var streamed: StreamedComparison?
    /// The bridges from the baseline to each variant, when asked for (`compare --bridge`).
    public var bridges: [Bridge]?

    /// The outcome of results simulated before (`compare --from`).
    public init(results: [SimulationResults], precision: Experiment.PrecisionOutcome? = nil, streamed: StreamedComparison? = nil) {
      self.results = results
      self.precision = precision
      self.streamed = streamed
    }
  }

  /// Simulates the designs. Beyond the exact bound (`Experiment.exactBound`) the rows are not
  /// kept: the comparison's statistics are, for `objective` and `targets` (the report's). With
  /// `bridges`, the bridges from the baseline to each variant too, on the replications simulated.
  public func run(
    generator: GeneratorKind = .philox, byPeriod: Bool = false, threads: Int = 0, objective: Objective = .contribution, targets: [Target] = [],
    bridges: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> Outcome {
    var outcome = simulate(generator: generator, byPeriod: byPeriod, threads: threads, objective: objective, targets: targets, progress: progress)
    if bridges {
      outcome.bridges = Bridge.run(
        baseline: scenarios[0], variants: Array(scenarios.dropFirst()), seed: seed, replications: outcome.results[0].replications, generator: generator,
        threads: threads)
    }
    return outcome
  }

  /// The designs' results: every row within the exact bound, the paired statistics beyond it,
  /// or with a precision the waves it took.
  func simulate(
    generator: GeneratorKind, byPeriod: Bool, threads: Int, objective: Objective, targets: [Target], progress: (@Sendable (Int, Int) -> Void)?
  ) -> Outcome {
    let experiment = Experiment(scenarios: scenarios, seed: seed, generator: generator, byPeriod: byPeriod, threads: threads)
    guard let precision else {
      guard batch > experiment.exactBound else { return Outcome(results: experiment.run(replications: batch, progress: progress)) }
      let (results, streamed) = experiment.runStreamed(replications: batch, objective: objective, targets: targets, progress: progress)
      return Outcome(results: results, streamed: streamed)
    }
    let n0 = PrecisionPlan.firstStage(batch: batch, maximum: precision.maximum)
    let first = experiment.run(replications: n0, progress: progress)
    let plan = PrecisionPlan(firstStage: first, objective: precision.objective, share: precision.share, batch: batch, maximum: precision.maximum)
    guard plan.total > experiment.exactBound else {
      var results = first
      if plan.total > n0 {
        let rest = experiment.run(replications: plan.total - n0, first: n0, progress: progress)
        for i in results.indices { results[i].append(rest[i]) }
      }
      let outcome = plan.outcome(results)
      return Outcome(results: outcome.results, precision: outcome)
    }
    // Beyond the exact bound the total's rows are not kept: the first stage's rows, then the
    // rest simulated a block at a time, go into the paired statistics.
    let simulators = scenarios.map { Simulator(scenario: $0, generator: generator, byPeriod: byPeriod) }
    var streamed = StreamedComparison(layouts: simulators.map(\.layout), objective: objective, targets: targets)
    for range in ReplicationBlocks.ranges(0..<plan.total) {
      streamed.addBlock(count: range.count) { s in
        let width = first[s].layout.count
        var rows: [Double] = []
        if range.lowerBound < n0 { rows = Array(first[s].values[(range.lowerBound * width)..<(min(range.upperBound, n0) * width)]) }
        let start = max(range.lowerBound, n0)
        guard start < range.upperBound else { return rows }
        var perScenario: (@Sendable (Int) -> Void)?
        if let progress { perScenario = { done in progress(s, done) } }
        return rows + simulators[s].run(replications: range.upperBound - start, seed: seed, first: start, threads: threads, progress: perScenario).values
      }
    }
    let outcome = plan.outcome(streamed: streamed, results: streamed.results(scenarios: simulators.map(\.scenario.name), seed: seed))
    return Outcome(results: outcome.results, precision: outcome, streamed: streamed)
  }
}

extension PrecisionPlan {
  /// The outcome of the total's paired statistics (beyond the exact bound): each variant's
  /// interval is its mean paired difference on the objective (of the ratios of sums for a ratio
  /// objective, as from the rows) with the first stage's half-width.
  func outcome(streamed: StreamedComparison, results: [SimulationResults]) -> Experiment.PrecisionOutcome {
    let t = Self.multiplier(firstStage: firstStage)
    let intervals = deviations.enumerated().map { v, s0 -> (mean: Double, low: Double, high: Double) in
      let mean = streamed.objectiveDifference(from: 0, to: v + 1).mean
      let half = t * s0 / Double(total).squareRoot()
      return (mean, mean - half, mean + half)
    }
    return Experiment.PrecisionOutcome(results: results, plan: self, intervals: intervals)
  }
}
