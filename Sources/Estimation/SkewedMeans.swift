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

/// Count, means and the sums of second- and third-order cross-products of deviations of vectors of
/// values (rows where every value is finite), kept without the rows and combined exactly (Pébay
/// 2008): enough for the skewness of any linear form c'x of the variables, with c chosen after the
/// rows were seen (a ratio's linearised values at the final estimates).
public struct CoSkewMoments: Hashable, Sendable, PairwiseCombinable {
  /// The count, means and second-order sums.
  private(set) var moments: CoMoments
  /// third[(i d + j) d + l]: the sum over rows of (x_i - mean_i)(x_j - mean_j)(x_l - mean_l).
  public private(set) var third: [Double]

  public var dimension: Int { moments.dimension }
  public internal(set) var count: Int {
    get { moments.count }
    set { moments.count = newValue }
  }
  public var means: [Double] { moments.means }
  /// second[i d + j]: the sum over rows of (x_i - mean_i)(x_j - mean_j).
  public var second: [Double] { moments.sums }

  public init(dimension: Int) {
    moments = CoMoments(dimension: dimension)
    third = Array(repeating: 0, count: dimension * dimension * dimension)
  }

  /// The co-moments of the rows of `columns` (`columns[i][r]`: variable i in row r, equal
  /// lengths) where every value is finite, in two passes.
  public init(columns: [[Double]]) {
    self.init(dimension: columns.count)
    moments = CoMoments(columns: columns)
    guard count > 0 else { return }
    let d = dimension
    let means = moments.means
    var deviation = [Double](repeating: 0, count: d)
    for r in CoMoments.finiteRows(columns) {
      for i in 0..<d { deviation[i] = columns[i][r] - means[i] }
      for i in 0..<d {
        for j in 0..<d {
          let ij = deviation[i] * deviation[j]
          for l in 0..<d { third[(i * d + j) * d + l] += ij * deviation[l] }
        }
      }
    }
  }

  /// Adds the rows `other` summarises (Chan, Golub and LeVeque's rule with Pébay's third-order
  /// terms, `PairwiseWeights`).
  public mutating func combine(_ other: CoSkewMoments) { combinePairwise(other) }

  mutating func addMoments(of other: CoSkewMoments, _ weights: PairwiseWeights) {
    let d = dimension
    let delta = zip(other.means, means).map { $0 - $1 }
    let (second, otherSecond) = (self.second, other.second)
    for i in 0..<d {
      for j in 0..<d {
        for l in 0..<d {
          let a = delta[i] * second[j * d + l] + delta[j] * second[i * d + l] + delta[l] * second[i * d + j]
          let b = delta[i] * otherSecond[j * d + l] + delta[j] * otherSecond[i * d + l] + delta[l] * otherSecond[i * d + j]
          weights.addThird(&third[(i * d + j) * d + l], other.third[(i * d + j) * d + l], delta[i], delta[j], delta[l], a: a, b: b)
        }
      }
    }
    moments.addMoments(of: other.moments, delta: delta, weights)
  }

  /// The sums of squared and cubed deviations of the linear form c'x over the rows: c'Cc and
  /// sum c_i c_j c_l T_ijl. A sum of squares within rounding of 0 (below 1e-10 of the sum of the
  /// terms' magnitudes, as for a variant identical to its baseline) is 0, with its cubes.
  public func linearMoments(_ c: [Double]) -> (squares: Double, cubes: Double) {
    let d = dimension
    let second = moments.sums
    var squares = 0.0
    var magnitude = 0.0
    var cubes = 0.0
    for i in 0..<d where c[i] != 0 {
      for j in 0..<d where c[j] != 0 {
        let term = c[i] * c[j] * second[i * d + j]
        squares += term
        magnitude += abs(term)
        for l in 0..<d where c[l] != 0 { cubes += c[i] * c[j] * c[l] * third[(i * d + j) * d + l] }
      }
    }
    return squares <= 1e-10 * magnitude ? (0, 0) : (squares, cubes)
  }

  /// Cochran's rule (`SkewnessCheck`) for the values c'x over the rows.
  public func skewnessCheck(_ c: [Double]) -> SkewnessCheck {
    let n = Double(count)
    let (squares, cubes) = linearMoments(c)
    guard count >= 3, squares > 0 else { return SkewnessCheck(count: count, skewness: 0) }
    let (s2, s3) = (squares / n, cubes / n)
    return SkewnessCheck(count: count, skewness: (n * (n - 1)).squareRoot() / (n - 2) * s3 / (s2 * s2.squareRoot()))
  }
}
