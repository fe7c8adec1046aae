import Randomness

/// Whether the t-interval of a mean can be trusted when the values are skewed (a few replications
/// with very large deals, say): the sample skewness and Cochran's rule (Sampling Techniques, 1977,
/// section 2.15): the normal approximation of a mean of n values is adequate when n > 25 G1², G1 the
/// skewness. (Sugden, Smith and Jones (2000) refine it to 28 + 25 G1², which flags every run of
/// 28 replications or fewer whatever its shape; the plain rule flags skewness, not small runs.)
public struct SkewnessCheck: Hashable, Sendable {
  /// Values counted (finite ones).
  public var count: Int
  /// The adjusted Fisher-Pearson sample skewness G1 = sqrt(n (n - 1)) / (n - 2) · m3 / m2^1.5
  /// (0 when fewer than 3 values or no spread).
  public var skewness: Double
  /// 25 G1², rounded up: the replications the rule asks for.
  public var replicationsNeeded: Int
  /// The rule holds: more values than it asks for.
  public var isReliable: Bool { count > replicationsNeeded }

  public init(_ values: [Double]) {
    let finite = values.filter(\.isFinite)
    let n = Double(finite.count)
    var g1 = 0.0
    if finite.count >= 3 {
      let mean = finite.reduce(0, +) / n
      var m2 = 0.0
      var m3 = 0.0
      for x in finite {
        let d = x - mean
        m2 += d * d
        m3 += d * d * d
      }
      m2 /= n
      m3 /= n
      if m2 > 0 { g1 = (n * (n - 1)).squareRoot() / (n - 2) * m3 / (m2 * m2.squareRoot()) }
    }
    self.init(count: finite.count, skewness: g1)
  }

  /// The rule for `count` values of skewness `skewness` (G1).
  public init(count: Int, skewness g1: Double) {
    self.count = count
    skewness = g1
    let needed = 25 * g1 * g1
    replicationsNeeded = needed < Double(Int.max / 2) ? Int(needed.rounded(.up)) : Int.max / 2
  }
}

/// The bootstrap-t (studentized bootstrap) interval of a mean (Efron and Tibshirani 1993, ch. 12):
/// from resamples of the values, t* = (m* - m) / se*, and the interval
/// [m - q(1 - a/2) se, m - q(a/2) se] with q the quantiles of t*. It is second-order accurate and
/// follows the skewness of the values (longer on the side of the long tail), where the t-interval
/// is symmetric. The resamples come from a fixed stream keyed by `seed`: the same values give the
/// same interval.
public struct BootstrapTInterval: Hashable, Sendable {
  public var mean: Double
  public var low: Double
  public var high: Double
  public var confidence: Double

  /// Non-finite values are left out. Fewer than 2 values, or values without spread: the interval is
  /// the mean. An end may be infinite when many resamples have no spread (one extreme value among
  /// equal ones): the values cannot bound the mean on that side.
  public init(_ values: [Double], confidence: Double = 0.95, resamples: Int = 2000, seed: UInt64 = 0xB007_57A9) {
    let x = values.filter(\.isFinite)
    let n = x.count
    let count = Double(n)
    self.confidence = confidence
    mean = n > 0 ? x.reduce(0, +) / count : .nan
    let m = mean
    func standardError(_ v: [Double], _ mean: Double) -> Double {
      (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1) / count).squareRoot()
    }
    let se = n > 1 ? standardError(x, m) : 0
    guard se > 0 else {
      (low, high) = (m, m)
      return
    }
    let draws = SeededDraws(seed: seed, purpose: "bootstrap-t")
    var statistics: [Double] = []
    statistics.reserveCapacity(resamples)
    var resample = [Double](repeating: 0, count: n)
    for _ in 0..<resamples {
      for i in 0..<n { resample[i] = x[draws.below(n)] }
      let mStar = resample.reduce(0, +) / count
      let seStar = standardError(resample, mStar)
      // A resample without spread has t = ±infinity (0 when it has the mean itself): kept, so a few
      // extreme values that most resamples miss widen the interval instead of vanishing from it.
      statistics.append(seStar > 0 ? (mStar - m) / seStar : (mStar == m ? 0 : (mStar > m ? .infinity : -.infinity)))
    }
    statistics.sort()
    let tail = (1 - confidence) / 2
    let upperQ = statistics[Summary.nearestRankIndex(count: statistics.count, 1 - tail)]
    let lowerQ = statistics[Summary.nearestRankIndex(count: statistics.count, tail)]
    low = m - upperQ * se
    high = m - lowerQ * se
  }
}
