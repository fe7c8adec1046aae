import Randomness

/// Count, mean and sum of squared deviations of the finite values seen, kept without the values.
///
/// A block of values is summarised in two passes (`init(_:)`: the mean, then the deviations from
/// it), and summaries combine exactly with Chan, Golub and LeVeque's pairwise rule (`combine`):
/// n = na + nb, mean = ma + (mb - ma) nb / n, M2 = M2a + M2b + (mb - ma)² na nb / n. Floating-point
/// sums depend on their order, so results that must not depend on threads, batches or shards are
/// built one way only: `ReplicationBlocks.size` consecutive replications per block, blocks
/// combined in replication order (docs/statistics.md, "Beyond the exact bound").
public struct StreamingMoments: Hashable, Sendable, Codable {
  /// Finite values seen (NaN marks a replication where the metric is undefined; it is skipped).
  public private(set) var count: Int
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
  public mutating func combine(_ other: StreamingMoments) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    let (na, nb) = (Double(count), Double(other.count))
    let n = na + nb
    let delta = other.mean - mean
    mean += delta * nb / n
    m2 += other.m2 + delta * delta * na * nb / n
    count += other.count
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
