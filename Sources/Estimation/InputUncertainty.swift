import Randomness

/// Statistics of a study over uncertain inputs (see Experiments' `UncertaintyStudy`).

/// A design's objective at one parameter set, summarised over the set's replications: the count,
/// mean and sample variance, which is all the study's statistics read of a set (no replication's
/// value is kept).
public struct SetMoments: Hashable, Sendable {
  /// The replications summarised.
  public var count: Int
  public var mean: Double
  /// The sample variance (n - 1 in the denominator).
  public var variance: Double

  public init(count: Int, mean: Double, variance: Double) {
    self.count = count
    self.mean = mean
    self.variance = variance
  }

  /// The moments of a set's values as the exact path takes them: the sum in replication order
  /// over n, then the sum of squared deviations from that mean over n - 1 (a value that is not
  /// finite makes both NaN, as it makes the set's mean undefined).
  public init(_ values: [Double]) {
    let n = Double(values.count)
    count = values.count
    mean = values.reduce(0, +) / n
    let m = mean
    variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
  }

  /// The moments kept without the values (beyond the exact bound): replications whose value is
  /// not finite are skipped.
  public init(_ moments: StreamingMoments) {
    self.init(count: moments.count, mean: moments.mean, variance: moments.variance)
  }
}

/// A variant's paired difference from the baseline at one parameter set (the same replications
/// on common random numbers), summarised without the values.
public struct SetDifference: Hashable, Sendable {
  /// Of variant - baseline over the set's replications, as `SetMoments` takes a design's values:
  /// what the variance split of the difference, the metamodel and the chart read.
  public var moments: SetMoments
  /// The paired-t interval over the replications where both are defined: whether the set's
  /// difference is significant.
  public var paired: PairedDifference

  public init(moments: SetMoments, paired: PairedDifference) {
    self.moments = moments
    self.paired = paired
  }

  /// From the set's values of each side (same length, in replication order).
  public init(baseline: [Double], variant: [Double]) {
    moments = SetMoments(zip(baseline, variant).map { $1 - $0 })
    paired = PairedDifference(baseline: baseline, variant: variant)
  }
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

  /// `sets[k]`: set k's mean and variance over its `replications` replications R.
  public init(_ sets: [SetMoments], replications: Int) {
    let k = Double(sets.count)
    let r = Double(replications)
    self.sets = sets.count
    self.replications = replications
    let means = sets.map(\.mean)
    let variances = sets.map(\.variance)
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

  /// `differences[k]`: the variant's paired difference from the baseline at parameter set k;
  /// `inputs[k]`: set k's uncertain values (for `modelled`).
  public init(differences: [SetDifference], inputs: [[Double]], largerIsBetter: Bool) {
    var better = 0
    var worse = 0
    var ties = 0
    var significantlyBetter = 0
    var significantlyWorse = 0
    for d in differences.map(\.paired) {
      let signed = largerIsBetter ? d.mean : -d.mean
      if signed > 0 { better += 1 } else if signed < 0 { worse += 1 } else { ties += 1 }
      if d.isSignificant { if signed > 0 { significantlyBetter += 1 } else { significantlyWorse += 1 } }
    }
    self.better = better
    self.worse = worse
    self.ties = ties
    self.significantlyBetter = significantlyBetter
    self.significantlyWorse = significantlyWorse
    probability = Proportion(successes: better, count: differences.count)
    difference = Summary(differences.map(\.paired.mean))
    // Signed so that more is better: 0 - m rather than -m, so that a zero difference stays +0, as
    // the mean of baseline - variant gives it.
    modelled = ModelledSuperiority(means: differences.map { largerIsBetter ? $0.moments.mean : 0 - $0.moments.mean }, inputs: inputs)
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

  /// `means[k]`: set k's mean paired difference over its replications, signed so that more is
  /// better for the variant; `inputs[k]`: set k's uncertain values.
  public init(means: [Double], inputs: [[Double]]) {
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
