import Randomness

/// A ratio metric's estimate over replications: the ratio of sums R = sum X_r / sum Y_r, with its
/// linearised values for the delta-method interval (docs/statistics.md, "Ratio metrics").
///
/// A replication r gives a ratio metric as X_r / Y_r (wins over closed opportunities, the sum of
/// waits over their count). The mean of those ratios weighs a replication with 3 waits like one
/// with 300 and estimates E[X / Y], which is not the long-run share E[X] / E[Y] a planner reads;
/// the ratio of sums estimates E[X] / E[Y] consistently. Its first-order (delta-method) variance is
/// var(z) / n with z_r = (X_r - R Y_r) / mean(Y), so an interval is R +- t(n - 1) sd(z) / sqrt(n);
/// a paired difference of two ratios on common random numbers is R_V - R_B with the paired
/// linearised values z^V_r - z^B_r.
public struct RatioOfSums: Hashable, Sendable {
  /// sum X / sum Y over the replications with a finite denominator; NaN when sum Y is 0.
  public let estimate: Double
  /// z_r = (X_r - R Y_r) / mean(Y), NaN for a replication without a finite denominator.
  public let linearised: [Double]
  /// Replications with a finite denominator (0 when no denominator is above 0: no estimate).
  public let count: Int

  /// From each replication's numerator X_r and denominator Y_r (same length).
  public init(numerators: [Double], denominators: [Double]) {
    var sumX = 0.0
    var sumY = 0.0
    var n = 0
    for (x, y) in zip(numerators, denominators) where y.isFinite && x.isFinite {
      sumX += x
      sumY += y
      n += 1
    }
    count = sumY > 0 ? n : 0
    guard n > 0, sumY > 0 else {
      estimate = .nan
      linearised = numerators.map { _ in .nan }
      return
    }
    let r = sumX / sumY
    let meanY = sumY / Double(n)
    estimate = r
    linearised = zip(numerators, denominators).map { x, y in y.isFinite && x.isFinite ? (x - r * y) / meanY : .nan }
  }

  /// From each replication's ratio (NaN where its denominator is 0) and denominator (0 where the
  /// ratio is undefined), as a run's rows keep them: X_r = ratio_r Y_r, and 0 where Y_r is 0.
  public init(ratios: [Double], denominators: [Double]) {
    self.init(numerators: Self.numerators(ratios: ratios, denominators: denominators), denominators: denominators)
  }

  /// Each replication's numerator from its ratio and denominator as rows keep them: X_r = ratio_r
  /// Y_r, 0 where Y_r is 0, NaN where Y_r is not finite.
  public static func numerators(ratios: [Double], denominators: [Double]) -> [Double] {
    zip(ratios, denominators).map { ratio, y in y > 0 ? ratio * y : (y.isFinite ? 0 : .nan) }
  }

  /// R + z_r: values whose mean is R (to rounding) and whose sample variance is var(z). Means,
  /// t-intervals and paired differences formed from them are the ratio of sums with its
  /// delta-method interval, and a variant identical to its baseline differs by exactly 0.
  public var pseudoValues: [Double] { linearised.map { estimate + $0 } }
}

extension Summary {
  /// The summary of a ratio metric: the ratio of sums and its delta-method 95% interval
  /// (`RatioOfSums`); the spread and percentiles are those of the replications' own ratios.
  public init(ratios: [Double], denominators: [Double]) {
    let ratio = RatioOfSums(ratios: ratios, denominators: denominators)
    self.init(ratios)
    count = ratio.count
    mean = ratio.estimate
    guard ratio.count > 0, ratio.estimate.isFinite else {
      (count, mean, ci95Low, ci95High) = (0, .nan, .nan, .nan)
      return
    }
    let z = StreamingMoments(ratio.linearised)
    let n = Double(ratio.count)
    let half = ratio.count > 1 ? Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * z.sd / n.squareRoot() : 0
    ci95Low = mean - half
    ci95High = mean + half
  }
}

/// The moments of a ratio metric's numerator and denominator over replications, kept without the
/// values and combined like `StreamingMoments` (Chan, Golub and LeVeque, with the co-moment):
/// enough for the ratio of sums and its delta-method interval beyond the exact bound.
public struct RatioMoments: Hashable, Sendable, Codable, PairwiseCombinable {
  public internal(set) var count = 0
  public private(set) var meanX = 0.0
  public private(set) var meanY = 0.0
  /// Sums of squared deviations and of cross products about the means.
  public private(set) var sxx = 0.0
  public private(set) var syy = 0.0
  public private(set) var sxy = 0.0

  public init() {}

  /// The moments of the pairs with finite parts, in two passes.
  public init(numerators: some Collection<Double>, denominators: some Collection<Double>) {
    var n = 0
    var sumX = 0.0
    var sumY = 0.0
    for (x, y) in zip(numerators, denominators) where x.isFinite && y.isFinite {
      n += 1
      sumX += x
      sumY += y
    }
    guard n > 0 else { return }
    count = n
    meanX = sumX / Double(n)
    meanY = sumY / Double(n)
    for (x, y) in zip(numerators, denominators) where x.isFinite && y.isFinite {
      sxx += (x - meanX) * (x - meanX)
      syy += (y - meanY) * (y - meanY)
      sxy += (x - meanX) * (y - meanY)
    }
  }

  public mutating func combine(_ other: RatioMoments) { combinePairwise(other) }

  mutating func addMoments(of other: RatioMoments, _ weights: PairwiseWeights) {
    let (dx, dy) = (other.meanX - meanX, other.meanY - meanY)
    weights.addSecond(&sxx, other.sxx, dx, dx)
    weights.addSecond(&syy, other.syy, dy, dy)
    weights.addSecond(&sxy, other.sxy, dx, dy)
    weights.addMean(&meanX, dx)
    weights.addMean(&meanY, dy)
  }

  /// mean X / mean Y, NaN when mean Y is 0.
  public var estimate: Double { count > 0 && meanY > 0 ? meanX / meanY : .nan }

  /// The sample variance of the linearised values z = (X - R Y) / mean Y:
  /// (Sxx - 2 R Sxy + R² Syy) / ((n - 1) mean Y²).
  public var linearisedVariance: Double {
    guard count > 1, meanY > 0 else { return 0 }
    let r = estimate
    return max(0, sxx - 2 * r * sxy + r * r * syy) / (Double(count - 1) * meanY * meanY)
  }
}

extension Summary {
  /// The summary of a ratio metric kept as moments of its parts and a sketch of its ratios
  /// (beyond the exact bound): the ratio of sums and its delta-method interval from the moments.
  public init(ratio: RatioMoments, sketch: QuantileSketch, ratios: StreamingMoments) {
    self.init(moments: ratios, sketch: sketch)
    count = ratio.count
    mean = ratio.estimate
    guard ratio.count > 0, mean.isFinite else {
      (count, mean, ci95Low, ci95High) = (0, .nan, .nan, .nan)
      return
    }
    let n = Double(ratio.count)
    let half = ratio.count > 1 ? Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * (ratio.linearisedVariance / n).squareRoot() : 0
    ci95Low = mean - half
    ci95High = mean + half
  }
}

/// A ratio metric's paired moments in a baseline and a variant, kept without the values: each
/// side's `RatioMoments` and the co-moments of (X_B, Y_B, X_V, Y_V) over the replications where all
/// four are finite. Enough for the paired difference of the two ratios of sums beyond the exact
/// bound, equal to the paired-t interval of the pseudo-values (`RatioOfSums.pseudoValues`) up to
/// rounding.
public struct PairedRatioMoments: Hashable, Sendable {
  public private(set) var baseline = RatioMoments()
  public private(set) var variant = RatioMoments()
  public private(set) var joint = CoMoments(dimension: 4)

  public init() {}

  /// From each side's ratios and denominators as rows keep them (`RatioOfSums.init(ratios:denominators:)`).
  public init(baselineRatios: [Double], baselineDenominators: [Double], variantRatios: [Double], variantDenominators: [Double]) {
    self.init(
      baselineNumerators: RatioOfSums.numerators(ratios: baselineRatios, denominators: baselineDenominators), baselineDenominators: baselineDenominators,
      variantNumerators: RatioOfSums.numerators(ratios: variantRatios, denominators: variantDenominators), variantDenominators: variantDenominators)
  }

  /// From each side's numerators and denominators (NaN where a replication has none).
  public init(baselineNumerators xb: [Double], baselineDenominators yb: [Double], variantNumerators xv: [Double], variantDenominators yv: [Double]) {
    baseline = RatioMoments(numerators: xb, denominators: yb)
    variant = RatioMoments(numerators: xv, denominators: yv)
    joint = CoMoments(columns: [xb, yb, xv, yv])
  }

  /// The means of each side's pseudo-values over the replications where both are defined.
  public var pseudoMeans: (baseline: Double, variant: Double) {
    let (rb, rv) = (baseline.estimate, variant.estimate)
    let means = joint.means
    return (rb + (means[0] - rb * means[1]) / baseline.meanY, rv + (means[2] - rv * means[3]) / variant.meanY)
  }

  public mutating func combine(_ other: PairedRatioMoments) {
    baseline.combine(other.baseline)
    variant.combine(other.variant)
    joint.combine(other.joint)
  }
}

extension PairedDifference {
  /// The paired difference R_V - R_B of two ratios of sums with its delta-method interval, from
  /// moments: with a side's pseudo-value p_r = R + (X_r - R Y_r) / mean(Y), the statistics of
  /// p^V_r - p^B_r over the replications where both are defined, as `init(baseline:variant:)`
  /// gives them from the pseudo-values.
  public init(ratios m: PairedRatioMoments, confidence: Double = 0.95) {
    self.confidence = confidence
    let (rb, rv) = (m.baseline.estimate, m.variant.estimate)
    count = m.joint.count
    guard count > 0, rb.isFinite, rv.isFinite, m.baseline.count > 0, m.variant.count > 0 else {
      count = 0
      (mean, ciLow, ciHigh, relative, pairedVariance, varianceReduction) = (.nan, .nan, .nan, .nan, .nan, .nan)
      return
    }
    let (yb, yv) = (m.baseline.meanY, m.variant.meanY)
    let (baseMean, variantMean) = m.pseudoMeans
    // Variances of the linear forms c'u of u = (X_B, Y_B, X_V, Y_V).
    let rows = m.joint.count
    func variance(_ c: [Double]) -> Double {
      guard rows > 1 else { return 0 }
      var s = 0.0
      for i in 0..<4 {
        for j in 0..<4 { s += c[i] * c[j] * m.joint.sums[i * 4 + j] }
      }
      return max(0, s) / Double(rows - 1)
    }
    let cb = [1 / yb, -rb / yb, 0, 0]
    let cv = [0, 0, 1 / yv, -rv / yv]
    mean = variantMean - baseMean
    pairedVariance = variance(zip(cv, cb).map { $0 - $1 })
    let n = Double(count)
    let half = count > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: n - 1) * (pairedVariance / n).squareRoot() : 0
    ciLow = mean - half
    ciHigh = mean + half
    relative = baseMean != 0 ? mean / abs(baseMean) : .nan
    let independent = variance(cb) + variance(cv)
    varianceReduction = pairedVariance > 0 ? independent / pairedVariance : (independent > 0 ? .infinity : 1)
  }
}
