/// When a change pays back: the first period after which the cumulative paired difference stays
/// above zero (docs/model.md, "Break-even").
///
/// Formed from the cumulative differences of each replication, period by period. The mean's
/// break-even uses the mean cumulative difference; its interval uses the pointwise confidence
/// bounds: from `earliest` the upper bound stays above zero (break-even is plausible), from
/// `latest` the lower bound does (break-even is established). Each replication's own break-even
/// period shows how a single year may turn out: the share that break even within the horizon and
/// the percentiles of when (those that never do count as later than any period).
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

  /// `cumulative[p][r]`: replication r's cumulative difference up to and including period p.
  public init(cumulative: [[Double]], confidence: Double = 0.95) {
    let periods = cumulative.count
    let means = cumulative.map { PairedDifference(baseline: [Double](repeating: 0, count: $0.count), variant: $0, confidence: confidence) }
    mean = Self.firstStayingPositive(means.map(\.mean))
    earliest = Self.firstStayingPositive(means.map(\.ciHigh))
    latest = Self.firstStayingPositive(means.map(\.ciLow))
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
