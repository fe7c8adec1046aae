import Randomness

/// Statistics of a study over uncertain inputs (see Experiments' `UncertaintyStudy`).

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
  /// P(E[D | θ] favours the variant): the chance that, at uncertain values drawn from their
  /// distributions, the variant's expected objective beats the baseline's, with the set effects
  /// modelled normal (`ModelledSuperiority`). `probability` counts noisy set means instead.
  public var modelled: ModelledSuperiority

  /// `inputs[k]`: parameter set k's uncertain values (for `modelled`).
  public init(baseline: [[Double]], variant: [[Double]], inputs: [[Double]], largerIsBetter: Bool) {
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
    let signedSets = zip(baseline, variant).map { a, b in zip(a, b).map { largerIsBetter ? $1 - $0 : $0 - $1 } }
    modelled = ModelledSuperiority(differences: signedSets, inputs: inputs)
  }
}

/// P(E[D | θ] > 0) for differences D (signed so that more is better for the variant) observed as
/// R replications at each of K parameter sets θ_k drawn independently. Counting the sets whose
/// mean difference is above 0 estimates P(mean of R > 0) instead, which the noise of R
/// replications pulls toward 1/2. Here E[D | θ] is a metamodel, a linear regression of the sets'
/// mean differences on their uncertain values (GSL's least squares), and the estimate is the share
/// of the sets whose fitted E[D | θ_k] is above 0 (the sets are a random sample of θ). The interval
/// is the 2.5% and 97.5% points over 1,000 resamples of the sets, refitted, from a fixed stream.
/// With no more sets than coefficients the regression cannot be fitted, and the sets' means count.
public struct ModelledSuperiority: Sendable {
  public var estimate: Double
  public var low: Double
  public var high: Double
  public static let resamples = 1000

  /// `differences[k]`: set k's R signed paired differences; `inputs[k]`: set k's uncertain values.
  public init(differences: [[Double]], inputs: [[Double]]) {
    let means = differences.map { $0.reduce(0, +) / Double(max($0.count, 1)) }
    estimate = Self.probability(means: means, inputs: inputs)
    guard means.count > 1 else {
      (low, high) = (estimate, estimate)
      return
    }
    let draws = SeededDraws(seed: 0xBEA7_5E75, purpose: "p-beats")
    var values = (0..<Self.resamples).map { _ -> Double in
      let picked = (0..<means.count).map { _ in draws.below(means.count) }
      return Self.probability(means: picked.map { means[$0] }, inputs: picked.map { inputs[$0] })
    }
    values.sort()
    low = values[Summary.nearestRankIndex(count: values.count, 0.025)]
    high = values[Summary.nearestRankIndex(count: values.count, 0.975)]
  }

  /// The share of sets whose fitted mean difference is above 0 (beating is strict: a tie is not).
  static func probability(means: [Double], inputs: [[Double]]) -> Double {
    let fitted = fit(means: means, inputs: inputs) ?? means
    guard !fitted.isEmpty else { return .nan }
    return Double(fitted.filter { $0 > 0 }.count) / Double(fitted.count)
  }

  /// The least-squares fit of `means` on 1 and `inputs`, at each set; nil with no more sets than
  /// coefficients.
  static func fit(means: [Double], inputs: [[Double]]) -> [Double]? { LeastSquares.fitted(means, on: inputs) }
}
