import CoverageModel
import Estimation
import Randomness
import ScenarioFiles
import Simulation

/// Decisions under uncertain inputs: an outer simple random sample of the scenario's uncertain
/// values (`{uncertain: DISTRIBUTION}`), and at each parameter set inner replications of every
/// design on common random numbers. Parameter set k uses replications k R ..< (k + 1) R, so the
/// designs are paired within a set and the sets are independent of each other.
public struct UncertaintyStudy: Sendable {
  /// The design files, the baseline first.
  public let files: [String]
  /// The uncertain values sampled: the baseline's. Every design reads a set's values where they
  /// are written (`ScenarioLoader.uncertainDraws`), so its changes carry them through (a team
  /// merged or embedded keeps the set's uplift), and a change that sets one of them fixes it.
  public let inputs: [UncertainValue]

  public init(files: [String], inputs: [UncertainValue]) {
    self.files = files
    self.inputs = inputs
  }

  /// The parameter sets: `count` independent draws of every input (simple random sampling, from
  /// GSL with `seed`). Independent sets are what the variance split's estimator and standard error
  /// assume: a Latin hypercube's stratified sets are not independent, and biased the split upward
  /// (+5% at 20 sets) while making its standard error several times too large.
  public func parameterSets(count: Int, seed: UInt64) -> [[Double]] {
    let draws = SeededDraws(seed: seed, purpose: "parameter-sets")
    // In (0, 1): an unbounded distribution has no 0 quantile.
    return (0..<count).map { _ in inputs.map { $0.distribution.quantile(max(draws.uniform(), 0x1p-54)) } }
  }

  /// The scenario of one design at one parameter set: its file loaded with the set's values in
  /// place of the uncertain values' means where its files write them; values its files do not
  /// write (a variant that extends the plain baseline) are set on it at the end, as a sweep sets
  /// a point's; values its changes fixed keep the design's.
  public func scenario(design: Int, values: [Double]) throws(ScenarioLoadError) -> Scenario {
    let loader = ScenarioLoader(uncertainDraws: Dictionary(zip(inputs.map(\.path), values), uniquingKeysWith: { first, _ in first }))
    let loaded = try loader.load(path: files[design])
    let written = Set(loaded.uncertain.map(\.path) + loaded.fixedUncertain)
    let unwritten = zip(inputs, values).filter { !written.contains($0.0.path) }
    guard !unwritten.isEmpty else { return loaded }
    let sweep = Sweep(factors: unwritten.map { Sweep.Factor(path: $0.0.path, values: [$0.1]) })
    return try sweep.scenario(at: unwritten.map(\.1), base: files[design], loader: loader)
  }

  /// The objective's values, `[design][set][replication]`: at set k every design runs replications
  /// k R ..< (k + 1) R with `seed`.
  /// A set whose values a design refuses throws the located message, with the set's index.
  public func run(
    sets: [[Double]], inner: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0, objective: Objective,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(UncertaintyError) -> [[[Double]]] {
    var outputs = [[[Double]]](repeating: [], count: files.count)
    for (k, values) in sets.enumerated() {
      var scenarios: [Scenario] = []
      for design in files.indices {
        do {
          scenarios.append(try scenario(design: design, values: values))
        } catch {
          throw UncertaintyError(set: k, values: values, design: design, reason: error.description)
        }
      }
      let results = Experiment(scenarios: scenarios, seed: seed, generator: generator, threads: threads)
        .run(replications: inner, first: k * inner, progress: progress)
      for design in files.indices {
        outputs[design].append(objective.values(results[design]))
      }
    }
    return outputs
  }
}

/// What an uncertainty study finds: each design's objective per parameter set and replication,
/// its variance split into the inputs' part and simulation noise, and for each variant whether it
/// beats the baseline set by set and how its paired difference splits.
public struct UncertaintyOutcome: Sendable {
  public struct Design: Sendable {
    public let name: String
    public let decomposition: VarianceDecomposition
    /// Nil for the baseline.
    public let versusBaseline: Superiority?
    /// The decomposition of the paired difference (variant - baseline), set by set; nil for the baseline.
    public let difference: VarianceDecomposition?
    public init(name: String, decomposition: VarianceDecomposition, versusBaseline: Superiority?, difference: VarianceDecomposition?) {
      self.name = name
      self.decomposition = decomposition
      self.versusBaseline = versusBaseline
      self.difference = difference
    }
  }
  /// The objective's values, `[design][set][replication]`, the baseline first.
  public let outputs: [[[Double]]]
  public let designs: [Design]

  /// The outcome of `outputs` for designs named `names` (the baseline first), at parameter sets `sets`.
  public init(names: [String], outputs: [[[Double]]], sets: [[Double]], largerIsBetter: Bool) {
    self.outputs = outputs
    designs = names.indices.map { d in
      Design(
        name: names[d], decomposition: VarianceDecomposition(outputs[d]),
        versusBaseline: d == 0 ? nil : Superiority(baseline: outputs[0], variant: outputs[d], inputs: sets, largerIsBetter: largerIsBetter),
        difference: d == 0 ? nil : VarianceDecomposition(zip(outputs[0], outputs[d]).map { base, variant in zip(base, variant).map { $1 - $0 } }))
    }
  }
}

extension UncertaintyStudy {
  /// Runs the designs named `names` at `sets` (as `run`) and finds their outcome on `objective`.
  public func outcome(
    names: [String], sets: [[Double]], inner: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0, objective: Objective,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(UncertaintyError) -> UncertaintyOutcome {
    let outputs = try run(sets: sets, inner: inner, seed: seed, generator: generator, threads: threads, objective: objective, progress: progress)
    return UncertaintyOutcome(names: names, outputs: outputs, sets: sets, largerIsBetter: objective.largerIsBetter)
  }
}

/// A parameter set that a design refused (a value out of its key's range, a path it lacks).
public struct UncertaintyError: Error, Sendable {
  public let set: Int
  public let values: [Double]
  public let design: Int
  public let reason: String
}
