import Randomness

/// Mean, spread and percentiles of one metric over replications.
public struct Summary: Hashable, Sendable {
  /// Replications with a defined (finite) value.
  public var count: Int
  public var mean: Double
  public var sd: Double
  /// The 95% confidence interval of the mean (Student's t with count - 1 degrees of freedom).
  public var ci95Low: Double
  public var ci95High: Double
  public var p05: Double
  public var p50: Double
  public var p95: Double

  /// Summarises the finite values (NaN marks a replication where the metric is undefined).
  public init(_ values: [Double]) {
    let finite = values.filter(\.isFinite).sorted()
    count = finite.count
    guard !finite.isEmpty else {
      (mean, sd, ci95Low, ci95High, p05, p50, p95) = (.nan, .nan, .nan, .nan, .nan, .nan, .nan)
      return
    }
    let n = Double(finite.count)
    mean = finite.reduce(0, +) / n
    let m = mean
    sd = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
    let half = finite.count > 1 ? Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * sd / n.squareRoot() : 0
    ci95Low = mean - half
    ci95High = mean + half
    p05 = Self.quantile(finite, 0.05)
    p50 = Self.quantile(finite, 0.50)
    p95 = Self.quantile(finite, 0.95)
  }

  /// Half the width of the 95% interval.
  public var halfWidth: Double { (ci95High - ci95Low) / 2 }

  /// The q-quantile of sorted values, linear between order statistics (Hyndman and Fan's type 7,
  /// R's default): every sample quantile cccm reports is this one. `q` is clamped to [0, 1].
  public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard sorted.count > 1 else { return sorted.first ?? .nan }
    let position = min(max(q, 0), 1) * Double(sorted.count - 1)
    let lower = Int(position)
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
  }

  /// The index of the q-quantile among `count` sorted values by nearest rank (the value at rank
  /// ceil(q count), 1-based), for quantiles that must be values observed: a period, a wait.
  public static func nearestRankIndex(count: Int, _ q: Double) -> Int {
    max(0, min(count - 1, Int((q * Double(count)).rounded(.up)) - 1))
  }
}

/// A variant's difference from the baseline on one metric, from paired replications.
public struct PairedDifference: Hashable, Sendable {
  public var count: Int
  /// Mean of (variant - baseline) over replications where both are defined.
  public var mean: Double
  public var ciLow: Double
  public var ciHigh: Double
  /// The interval's confidence level (0.95, or higher when adjusted for several variants).
  public var confidence: Double
  /// mean / baseline mean (NaN when the baseline mean is 0).
  public var relative: Double
  /// Variance of the paired differences.
  public var pairedVariance: Double
  /// What common random numbers bought: the variance the difference would have with independent
  /// streams (var(baseline) + var(variant)) over the paired variance. Infinite when the paired
  /// differences are all equal.
  public var varianceReduction: Double

  /// The paired-t interval: mean(d) ± t(1 - alpha/2, n - 1) · sd(d) / sqrt(n), d = variant - baseline.
  public init(baseline: [Double], variant: [Double], confidence: Double = 0.95) {
    var differences: [Double] = []
    var a: [Double] = []
    var b: [Double] = []
    for (x, y) in zip(baseline, variant) where x.isFinite && y.isFinite {
      differences.append(y - x)
      a.append(x)
      b.append(y)
    }
    count = differences.count
    self.confidence = confidence
    let n = Double(count)
    func variance(_ v: [Double]) -> Double {
      guard v.count > 1 else { return 0 }
      let m = v.reduce(0, +) / Double(v.count)
      return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
    }
    guard count > 0 else {
      (mean, ciLow, ciHigh, relative, pairedVariance, varianceReduction) = (.nan, .nan, .nan, .nan, .nan, .nan)
      return
    }
    mean = differences.reduce(0, +) / n
    pairedVariance = variance(differences)
    let half = count > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: n - 1) * (pairedVariance / n).squareRoot() : 0
    ciLow = mean - half
    ciHigh = mean + half
    let baseMean = a.reduce(0, +) / n
    relative = baseMean != 0 ? mean / abs(baseMean) : .nan
    let independent = variance(a) + variance(b)
    varianceReduction = pairedVariance > 0 ? independent / pairedVariance : (independent > 0 ? .infinity : 1)
  }

  /// The interval excludes zero: the difference is significant at the interval's level.
  public var isSignificant: Bool { ciLow > 0 || ciHigh < 0 }
  public var halfWidth: Double { (ciHigh - ciLow) / 2 }

  /// Half-width of the unpaired (Welch) interval for the same two samples, for comparison.
  public static func unpairedHalfWidth(baseline: [Double], variant: [Double], confidence: Double = 0.95) -> Double {
    let a = baseline.filter(\.isFinite)
    let b = variant.filter(\.isFinite)
    func moments(_ v: [Double]) -> (Double, Double) {
      let m = v.reduce(0, +) / Double(v.count)
      return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(v.count - 1, 1)))
    }
    let (_, va) = moments(a)
    let (_, vb) = moments(b)
    let se2 = va / Double(a.count) + vb / Double(b.count)
    let df = se2 * se2 / (pow2(va / Double(a.count)) / Double(a.count - 1) + pow2(vb / Double(b.count)) / Double(b.count - 1))
    return Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: df) * se2.squareRoot()
  }
}

private func pow2(_ x: Double) -> Double { x * x }
