import Randomness

/// When a change pays back: the first period after which the cumulative paired difference stays
/// above zero (docs/model.md, "Break-even").
///
/// Formed from the cumulative differences of each replication, period by period. The mean's
/// break-even uses the mean cumulative difference; its interval uses a simultaneous confidence
/// band over all periods (sup-t: the mean ± c · SE in every period, c the bootstrap quantile of the
/// largest standardised deviation across periods): from `earliest` the band's upper edge stays
/// above zero (break-even is plausible), from `latest` its lower edge does (break-even is
/// established). Because the band holds the whole mean curve at once with the stated confidence,
/// the interval holds the true break-even period with at least that confidence; pointwise bounds
/// would not (a curve hovering just above zero after it crosses dips out of one of many pointwise
/// intervals far more often than 5%). Each replication's own break-even period shows how a single
/// replication (one simulated run of the horizon) may turn out: the share that break even within
/// the horizon and the percentiles of when (those that never do count as later than any period).
public struct BreakEven: Hashable, Sendable {
  /// Period indices (0 is the first); nil: not within the horizon.
  public var mean: Int?
  public var earliest: Int?
  public var latest: Int?
  /// Share of replications whose own cumulative difference stays above zero from some period on.
  public var shareBreakingEven: Double
  /// 10th, 50th and 90th percentiles of the replications' break-even periods (nil: later than the horizon).
  public var p10: Int?
  public var p50: Int?
  public var p90: Int?

  /// The band's multiplier of each period's standard error (at least the pointwise t quantile).
  public var criticalValue: Double

  /// `cumulative[p][r]`: replication r's cumulative difference up to and including period p.
  public init(cumulative: [[Double]], confidence: Double = 0.95) {
    let periods = cumulative.count
    let band = SimultaneousBand(cumulative, confidence: confidence)
    criticalValue = band.criticalValue
    mean = Self.firstStayingPositive(band.means)
    earliest = Self.firstStayingPositive(band.upper)
    latest = Self.firstStayingPositive(band.lower)
    let replications = cumulative.first?.count ?? 0
    // Periods past the horizon sort after every real one.
    let own = (0..<replications).map { r in Self.firstStayingPositive(cumulative.map { $0[r] }) ?? periods }.sorted()
    shareBreakingEven = replications > 0 ? Double(own.filter { $0 < periods }.count) / Double(replications) : .nan
    func percentile(_ q: Double) -> Int? {
      guard !own.isEmpty else { return nil }
      // Nearest rank, as the waits' percentile.
      let k = Summary.nearestRankIndex(count: own.count, q)
      return own[k] < periods ? own[k] : nil
    }
    (p10, p50, p90) = (percentile(0.1), percentile(0.5), percentile(0.9))
  }

  /// The first index from which every value is above zero; nil if the last is not.
  public static func firstStayingPositive(_ values: [Double]) -> Int? {
    var first: Int?
    for (index, value) in values.enumerated().reversed() {
      guard value > 0 else { break }
      first = index
    }
    return first
  }
}

/// A simultaneous confidence band for the means of several correlated columns (the periods of a
/// cumulative curve): mean_p ± c · se_p for every p, with c chosen so that the band holds every
/// mean at once with the given confidence (the sup-t band of Montiel Olea and Plagborg-Møller,
/// 2019). c is the `confidence` quantile of max_p |m*_p - m_p| / se_p over bootstrap resamples of
/// the replications (rows resampled together, so the periods' correlation is kept), scaled by
/// sqrt(n / (n - 1)) for the bootstrap's plug-in variance, and never below the pointwise t
/// quantile. Columns whose values are all equal have no spread: their band is the point.
/// The resamples come from a fixed stream, so the band is a function of the data alone.
public struct SimultaneousBand: Sendable {
  public var means: [Double]
  public var lower: [Double]
  public var upper: [Double]
  public var criticalValue: Double
  /// Bootstrap resamples used for the critical value.
  public static let resamples = 2000

  /// `columns[p][r]`: replication r's value in column p; every column has the same replications.
  /// Non-finite values make that column's band non-finite.
  public init(_ columns: [[Double]], confidence: Double = 0.95) {
    let n = columns.first?.count ?? 0
    let count = Double(n)
    means = columns.map { $0.reduce(0, +) / count }
    let errors = zip(columns, means).map { column, mean in
      n > 1 ? (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1) / count).squareRoot() : 0
    }
    let pointwise = n > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: count - 1) : 0
    var critical = pointwise
    let spread = errors.indices.filter { errors[$0] > 0 && errors[$0].isFinite }
    if n > 1 && !spread.isEmpty {
      let draws = SeededDraws(seed: 0x5EED_BA4D, purpose: "simultaneous-band")
      var maxima = [Double](repeating: 0, count: Self.resamples)
      var sums = [Double](repeating: 0, count: spread.count)
      for b in maxima.indices {
        for k in sums.indices { sums[k] = 0 }
        for _ in 0..<n {
          let r = draws.below(n)
          for (k, p) in spread.enumerated() { sums[k] += columns[p][r] }
        }
        var largest = 0.0
        for (k, p) in spread.enumerated() { largest = max(largest, abs(sums[k] / count - means[p]) / errors[p]) }
        maxima[b] = largest
      }
      maxima.sort()
      let bootstrap = maxima[Summary.nearestRankIndex(count: maxima.count, confidence)] * (count / (count - 1)).squareRoot()
      critical = max(pointwise, bootstrap)
    }
    criticalValue = critical
    lower = zip(means, errors).map { $0 - critical * $1 }
    upper = zip(means, errors).map { $0 + critical * $1 }
  }
}
