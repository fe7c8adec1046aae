import Randomness

/// Count, mean and sum of squared deviations of the finite values seen, kept without the values.
///
/// A block of values is summarised in two passes (`init(_:)`: the mean, then the deviations from
/// it), and summaries combine exactly with Chan, Golub and LeVeque's pairwise rule (`combine`):
/// n = na + nb, mean = ma + (mb - ma) nb / n, M2 = M2a + M2b + (mb - ma)² na nb / n. Floating-point
/// sums depend on their order, so results that must not depend on threads, batches or shards are
/// built one way only: `ReplicationBlocks.size` consecutive replications per block, blocks
/// combined in replication order (docs/statistics.md, "Beyond the exact bound").
public struct StreamingMoments: Hashable, Sendable, Codable, PairwiseCombinable {
  /// Finite values seen (NaN marks a replication where the metric is undefined; it is skipped).
  public internal(set) var count: Int
  public private(set) var mean: Double
  /// The sum of squared deviations from the mean.
  public private(set) var m2: Double

  public init() {
    (count, mean, m2) = (0, 0, 0)
  }

  /// The moments of the finite values of `values`, in two passes.
  public init(_ values: some Collection<Double>) {
    var n = 0
    var sum = 0.0
    for x in values where x.isFinite {
      n += 1
      sum += x
    }
    count = n
    guard n > 0 else {
      (mean, m2) = (0, 0)
      return
    }
    let m = sum / Double(n)
    var squares = 0.0
    for x in values where x.isFinite { squares += (x - m) * (x - m) }
    (mean, m2) = (m, squares)
  }

  /// Adds one value (Welford's update); a value that is not finite is skipped.
  public mutating func add(_ x: Double) {
    guard x.isFinite else { return }
    count += 1
    let delta = x - mean
    mean += delta / Double(count)
    m2 += delta * (x - mean)
  }

  /// Adds the values `other` summarises (Chan, Golub and LeVeque): the result is that of the
  /// union of both sets of values, up to rounding.
  public mutating func combine(_ other: StreamingMoments) { combinePairwise(other) }

  mutating func addMoments(of other: StreamingMoments, _ weights: PairwiseWeights) {
    let delta = other.mean - mean
    weights.addMean(&mean, delta)
    weights.addSecond(&m2, other.m2, delta, delta)
  }

  /// The sample variance (n - 1 in the denominator); 0 for fewer than two values.
  public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
  public var sd: Double { variance.squareRoot() }
}

/// The moments of paired values (a baseline's and a variant's replication on common random
/// numbers) where both are finite: of each side and of the difference, kept without the values
/// and combined like `StreamingMoments` (so `PairedDifference(moments:)` needs no rows).
public struct PairedMoments: Hashable, Sendable, Codable {
  public private(set) var baseline = StreamingMoments()
  public private(set) var variant = StreamingMoments()
  /// Of variant - baseline.
  public private(set) var difference = StreamingMoments()

  public init() {}

  /// The moments of the pairs of `baseline` and `variant` (same length), in two passes.
  public init(baseline a: [Double], variant b: [Double]) {
    var x: [Double] = []
    var y: [Double] = []
    var d: [Double] = []
    for (u, v) in zip(a, b) where u.isFinite && v.isFinite {
      x.append(u)
      y.append(v)
      d.append(v - u)
    }
    baseline = StreamingMoments(x)
    variant = StreamingMoments(y)
    difference = StreamingMoments(d)
  }

  public var count: Int { difference.count }

  public mutating func combine(_ other: PairedMoments) {
    baseline.combine(other.baseline)
    variant.combine(other.variant)
    difference.combine(other.difference)
  }
}

extension Summary {
  /// The summary of values kept as moments and a quantile sketch (beyond the exact bound): the
  /// mean and interval from the moments, the percentiles from the sketch (within its rank error).
  public init(moments: StreamingMoments, sketch: QuantileSketch) {
    count = moments.count
    guard count > 0 else {
      (mean, sd, ci95Low, ci95High, p05, p50, p95) = (.nan, .nan, .nan, .nan, .nan, .nan, .nan)
      return
    }
    mean = moments.mean
    sd = moments.sd
    let n = Double(count)
    let half = count > 1 ? Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * sd / n.squareRoot() : 0
    ci95Low = mean - half
    ci95High = mean + half
    p05 = sketch.quantile(0.05)
    p50 = sketch.quantile(0.50)
    p95 = sketch.quantile(0.95)
  }
}

extension PairedDifference {
  /// The paired-t interval from moments of the pairs (beyond the exact bound): the same formula
  /// as `init(baseline:variant:confidence:)`, from the moments instead of the rows.
  public init(moments: PairedMoments, confidence: Double = 0.95) {
    count = moments.count
    self.confidence = confidence
    guard count > 0 else {
      (mean, ciLow, ciHigh, relative, pairedVariance, varianceReduction) = (.nan, .nan, .nan, .nan, .nan, .nan)
      return
    }
    let n = Double(count)
    mean = moments.difference.mean
    pairedVariance = moments.difference.variance
    let half = count > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: n - 1) * (pairedVariance / n).squareRoot() : 0
    ciLow = mean - half
    ciHigh = mean + half
    let baseMean = moments.baseline.mean
    relative = baseMean != 0 ? mean / abs(baseMean) : .nan
    let independent = moments.baseline.variance + moments.variant.variance
    varianceReduction = pairedVariance > 0 ? independent / pairedVariance : (independent > 0 ? .infinity : 1)
  }
}

/// Count, mean and the sums of squared and cubed deviations of the finite values seen: what the
/// skewness of a stream needs, kept and combined like `StreamingMoments`.
public struct SkewMoments: Hashable, Sendable, PairwiseCombinable {
  /// The count, mean and sum of squared deviations.
  private(set) var moments = StreamingMoments()
  /// The sum of cubed deviations from the mean.
  public private(set) var m3 = 0.0

  public internal(set) var count: Int {
    get { moments.count }
    set { moments.count = newValue }
  }
  public var mean: Double { moments.mean }
  public var m2: Double { moments.m2 }

  public init() {}

  /// The moments of the finite values of `values`, in two passes.
  public init(_ values: some Collection<Double>) {
    moments = StreamingMoments(values)
    guard count > 0 else { return }
    let mean = moments.mean
    var cubes = 0.0
    for x in values where x.isFinite { cubes += (x - mean) * (x - mean) * (x - mean) }
    m3 = cubes
  }

  /// Adds the values `other` summarises (Chan, Golub and LeVeque's rule with Pébay's third-moment
  /// term, `PairwiseWeights.addThird`).
  public mutating func combine(_ other: SkewMoments) { combinePairwise(other) }

  mutating func addMoments(of other: SkewMoments, _ weights: PairwiseWeights) {
    let delta = other.mean - mean
    weights.addThird(&m3, other.m3, delta, delta, delta, a: m2, b: other.m2, scale: 3 * delta)
    moments.addMoments(of: other.moments, weights)
  }

  /// Cochran's rule for these values (`SkewnessCheck`): the adjusted Fisher-Pearson skewness G1.
  public var skewnessCheck: SkewnessCheck {
    let n = Double(count)
    guard count >= 3, m2 > 0 else { return SkewnessCheck(count: count, skewness: 0) }
    let (s2, s3) = (m2 / n, m3 / n)
    return SkewnessCheck(count: count, skewness: (n * (n - 1)).squareRoot() / (n - 2) * s3 / (s2 * s2.squareRoot()))
  }
}

/// Count, means and the sums of cross-products of deviations of vectors of values (rows where
/// every value is finite), kept without the rows and combined exactly like `StreamingMoments`:
/// C = Ca + Cb + δ δ' na nb / n.
public struct CoMoments: Hashable, Sendable, PairwiseCombinable {
  public let dimension: Int
  public internal(set) var count = 0
  public private(set) var means: [Double]
  /// sums[i * dimension + j]: the sum over rows of (x_i - mean_i)(x_j - mean_j).
  public private(set) var sums: [Double]

  public init(dimension: Int) {
    self.dimension = dimension
    means = Array(repeating: 0, count: dimension)
    sums = Array(repeating: 0, count: dimension * dimension)
  }

  /// The co-moments of the rows of `columns` (`columns[i][r]`: variable i in row r, equal
  /// lengths) where every value is finite, in two passes.
  public init(columns: [[Double]]) {
    self.init(dimension: columns.count)
    let rows = Self.finiteRows(columns)
    count = rows.count
    guard count > 0 else { return }
    let n = Double(count)
    means = columns.map { c in rows.reduce(0) { $0 + c[$1] } / n }
    for i in 0..<dimension {
      for j in i..<dimension {
        var s = 0.0
        for r in rows { s += (columns[i][r] - means[i]) * (columns[j][r] - means[j]) }
        sums[i * dimension + j] = s
        sums[j * dimension + i] = s
      }
    }
  }

  /// The rows of `columns` where every value is finite.
  static func finiteRows(_ columns: [[Double]]) -> [Int] {
    (0..<(columns.map(\.count).min() ?? 0)).filter { r in columns.allSatisfy { $0[r].isFinite } }
  }

  public mutating func combine(_ other: CoMoments) { combinePairwise(other) }

  mutating func addMoments(of other: CoMoments, _ weights: PairwiseWeights) {
    addMoments(of: other, delta: zip(other.means, means).map { $0 - $1 }, weights)
  }

  /// `addMoments` with δ = other.means - means given.
  mutating func addMoments(of other: CoMoments, delta: [Double], _ weights: PairwiseWeights) {
    for i in 0..<dimension {
      for j in 0..<dimension { weights.addSecond(&sums[i * dimension + j], other.sums[i * dimension + j], delta[i], delta[j]) }
    }
    for i in 0..<dimension { weights.addMean(&means[i], delta[i]) }
  }

  /// The sample variance of variable i (n - 1 in the denominator); 0 for fewer than two rows.
  public func variance(_ i: Int) -> Double { count > 1 ? sums[i * dimension + i] / Double(count - 1) : 0 }

  /// The sample correlation matrix; a variable that does not vary correlates 0 with the others
  /// (as `ComparisonFamily.correlation`).
  public var correlation: [[Double]] {
    let norms = (0..<dimension).map { sums[$0 * dimension + $0].squareRoot() }
    return (0..<dimension).map { i in
      (0..<dimension).map { j in
        if i == j { return 1 }
        guard norms[i] > 0, norms[j] > 0 else { return 0 }
        return sums[i * dimension + j] / (norms[i] * norms[j])
      }
    }
  }
}

extension BreakEven {
  /// Break-even from statistics kept without rows (beyond the exact bound): `cumulative` holds
  /// the co-moments of the cumulative differences over the periods, `own[p]` the number of
  /// replications whose own break-even period is p (`own[periods]`: not within the horizon). The
  /// band is the same sup-t band as from rows, its critical value the max-t quantile of the
  /// periods' estimated correlation (`ComparisonFamily.maxTCritical`) in place of the bootstrap's.
  public init(cumulative: CoMoments, own: [Int], confidence: Double = 0.95) {
    let periods = cumulative.dimension
    let n = cumulative.count
    let count = Double(n)
    let means = cumulative.means
    let errors = (0..<periods).map { n > 1 ? (cumulative.variance($0) / count).squareRoot() : 0 }
    let pointwise = n > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: count - 1) : 0
    var critical = pointwise
    let spread = errors.indices.filter { errors[$0] > 0 && errors[$0].isFinite }
    if n > 1 && !spread.isEmpty {
      let correlation = cumulative.correlation
      let kept = spread.map { i in spread.map { j in correlation[i][j] } }
      critical = max(pointwise, ComparisonFamily.maxTCritical(correlation: kept, degreesOfFreedom: count - 1, confidence: confidence))
    }
    criticalValue = critical
    mean = Self.firstStayingPositive(means)
    earliest = Self.firstStayingPositive(zip(means, errors).map { $0 + critical * $1 })
    latest = Self.firstStayingPositive(zip(means, errors).map { $0 - critical * $1 })
    let total = own.reduce(0, +)
    shareBreakingEven = total > 0 ? Double(own.prefix(periods).reduce(0, +)) / Double(total) : .nan
    func percentile(_ q: Double) -> Int? {
      guard total > 0 else { return nil }
      let k = Summary.nearestRankIndex(count: total, q)
      var below = 0
      for (p, c) in own.enumerated() {
        below += c
        if below > k { return p < periods ? p : nil }
      }
      return nil
    }
    (p10, p50, p90) = (percentile(0.1), percentile(0.5), percentile(0.9))
  }
}
