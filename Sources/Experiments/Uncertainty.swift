import CoverageModel
import Estimation
import Randomness
import ScenarioFiles
import Simulation

/// Decisions under uncertain inputs: an outer Latin hypercube sample of the scenario's uncertain
/// values (`{uncertain: DISTRIBUTION}`), and at each parameter set inner replications of every
/// design on common random numbers. Parameter set k uses replications k R ..< (k + 1) R, so the
/// designs are paired within a set and the sets are independent of each other.
public struct UncertaintyStudy: Sendable {
  /// The design files, the baseline first.
  public let files: [String]
  /// The uncertain values sampled: the baseline's. A variant's change fixes the ones it touches;
  /// those keep the variant's value.
  public let inputs: [UncertainValue]

  public init(files: [String], inputs: [UncertainValue]) {
    self.files = files
    self.inputs = inputs
  }

  /// A Latin hypercube of `points` points in (0, 1)^`dimensions`: each dimension's range cut in
  /// `points` equal strata, one point in each, the strata paired at random across dimensions;
  /// drawn from GSL with `seed`.
  public static func latinHypercube(points: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
    let draws = SeededDraws(seed: seed, purpose: "latin-hypercube")
    var sample = [[Double]](repeating: [Double](repeating: 0, count: dimensions), count: points)
    for j in 0..<dimensions {
      let strata = draws.permutation(points)
      for i in 0..<points {
        // In (0, 1): a draw of exactly 0 moves to the middle of its stratum's first half.
        let u = draws.uniform()
        sample[i][j] = (Double(strata[i]) + (u > 0 ? u : 0.25)) / Double(points)
      }
    }
    return sample
  }

  /// The parameter sets: each input's quantile at its coordinate of the hypercube.
  public func parameterSets(count: Int, seed: UInt64) -> [[Double]] {
    Self.latinHypercube(points: count, dimensions: inputs.count, seed: seed).map { u in
      zip(u, inputs).map { $1.distribution.quantile($0) }
    }
  }

  /// The scenario of one design at one parameter set: its file with a `set` per uncertain value it
  /// still has.
  public func scenario(design: Int, values: [Double], own: [UncertainValue]) throws(ScenarioLoadError) -> Scenario {
    let kept = zip(inputs, values).filter { input, _ in own.contains { $0.path == input.path } }
    let sweep = Sweep(factors: kept.map { Sweep.Factor(path: $0.0.path, values: [$0.1]) })
    return try sweep.scenario(at: kept.map(\.1), base: files[design])
  }

  /// The objective's values, `[design][set][replication]`: at set k every design runs replications
  /// k R ..< (k + 1) R with `seed`. `own[d]` is design d's uncertain values (what it still samples).
  /// A set whose values a design refuses throws the located message, with the set's index.
  public func run(
    sets: [[Double]], own: [[UncertainValue]], inner: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0, metric: String,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(UncertaintyError) -> [[[Double]]] {
    var outputs = [[[Double]]](repeating: [], count: files.count)
    for (k, values) in sets.enumerated() {
      var scenarios: [Scenario] = []
      for design in files.indices {
        do {
          scenarios.append(try scenario(design: design, values: values, own: own[design]))
        } catch {
          throw UncertaintyError(set: k, values: values, design: design, reason: error.description)
        }
      }
      let results = Experiment(scenarios: scenarios, seed: seed, generator: generator, threads: threads)
        .run(replications: inner, first: k * inner, progress: progress)
      for design in files.indices {
        outputs[design].append(results[design].layout.index(ofScenarioMetric: metric).map(results[design].column) ?? [])
      }
    }
    return outputs
  }
}

/// A parameter set that a design refused (a value out of its key's range, a path it lacks).
public struct UncertaintyError: Error, Sendable {
  public let set: Int
  public let values: [Double]
  public let design: Int
  public let reason: String
}

/// How much of an output's variance comes from the uncertain inputs and how much from simulation
/// noise. With Y = g(θ) + ε, Var(Y) = Var(E[Y | θ]) + E[Var(Y | θ)]: the mean of the K inner sample
/// variances estimates the noise E[Var(Y | θ)], and since a set's mean of R replications has
/// variance Var(g) + noise / R, Var(g) = Var(set means) - noise / R.
public struct VarianceDecomposition: Sendable {
  /// Variance of the K set means.
  public var setMeans: Double
  /// Simulation noise: the mean of the inner variances, and its standard error.
  public var noise: Double
  public var noiseSE: Double
  /// The inputs' variance Var(E[Y | θ]) (can come out below 0 when the inputs matter little), and
  /// its standard error.
  public var inputs: Double
  public var inputsSE: Double
  public var mean: Double
  public var replications: Int
  public var sets: Int

  /// The inputs' share of the variance of one replication's output (0 when estimated below 0).
  public var inputShare: Double {
    let total = max(inputs, 0) + noise
    return total > 0 ? max(inputs, 0) / total : 0
  }

  /// `outputs[k]` holds set k's R replications.
  public init(_ outputs: [[Double]]) {
    let k = Double(outputs.count)
    let r = Double(outputs.first?.count ?? 0)
    sets = outputs.count
    replications = outputs.first?.count ?? 0
    let means = outputs.map { $0.reduce(0, +) / r }
    let variances = zip(outputs, means).map { values, m in values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (r - 1) }
    mean = means.reduce(0, +) / k
    let grand = mean
    let squares = means.map { ($0 - grand) * ($0 - grand) }
    setMeans = squares.reduce(0, +) / (k - 1)
    noise = variances.reduce(0, +) / k
    // Standard errors from the spread over the sets (treating them as independent draws).
    func se(_ values: [Double]) -> Double {
      let m = values.reduce(0, +) / k
      return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (k - 1) / k).squareRoot()
    }
    noiseSE = se(variances)
    inputs = setMeans - noise / r
    // Var(g) estimate = mean of (k/(k-1)) (m_k - m)² - s²_k / R over the sets.
    inputsSE = se(zip(squares, variances).map { k / (k - 1) * $0 - $1 / r })
  }
}

/// Whether a variant beats the baseline over the uncertainty: per parameter set, the paired mean
/// difference of R replications on common random numbers.
public struct Superiority: Sendable {
  /// Sets where the variant's mean is better, worse, or equal.
  public var better: Int
  public var worse: Int
  public var ties: Int
  /// P(variant beats baseline) over the uncertainty, with its Wilson 95% interval.
  public var probability: Proportion
  /// Sets where the paired 95% interval excludes 0 in the variant's favour, and against it.
  public var significantlyBetter: Int
  public var significantlyWorse: Int
  /// The mean difference over the sets (variant - baseline), with its 95% interval over the sets.
  public var difference: Summary

  public init(baseline: [[Double]], variant: [[Double]], largerIsBetter: Bool) {
    var better = 0
    var worse = 0
    var ties = 0
    var significantlyBetter = 0
    var significantlyWorse = 0
    var means: [Double] = []
    for (a, b) in zip(baseline, variant) {
      let d = PairedDifference(baseline: a, variant: b)
      let signed = largerIsBetter ? d.mean : -d.mean
      means.append(d.mean)
      if signed > 0 { better += 1 } else if signed < 0 { worse += 1 } else { ties += 1 }
      if d.isSignificant { if signed > 0 { significantlyBetter += 1 } else { significantlyWorse += 1 } }
    }
    self.better = better
    self.worse = worse
    self.ties = ties
    self.significantlyBetter = significantlyBetter
    self.significantlyWorse = significantlyWorse
    probability = Proportion(successes: better, count: baseline.count)
    difference = Summary(means)
  }
}
