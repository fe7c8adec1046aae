import Estimation

/// How replications are grouped when their rows are not kept, and the bound beyond which they are not.
///
/// The rule that makes streamed results deterministic: replications are cut into blocks of
/// `size` consecutive numbers counted from replication 0 (block b holds b·size ..< (b+1)·size); a
/// block's moments are computed from its rows in two passes, blocks are combined in replication
/// order with Chan, Golub and LeVeque's rule, and each metric's sketch takes the values in
/// replication order. The statistics then depend on the set of replications only, not on the
/// thread count, the batches or how shards split them.
public enum ReplicationBlocks {
  /// Replications per block. A block's rows are most of what memory holds beyond the exact bound
  /// (12 MB a scenario of Northwind by month at 500); a smaller block would leave more of a block's
  /// time to its slowest replication on many threads (about threads / (2 · size) of it idle).
  public static let size = 500
  /// The most values (replications x metrics) kept as rows: 32 MB.
  public static let exactValues = 1 << 22
  /// The most replications kept at most.
  public static let exactReplications = 10_000
  /// The fewest replications kept as rows, however wide the results.
  public static let fewestExact = 1_000

  /// The most replications whose rows are kept for results of `width` metrics a replication:
  /// 10,000, or fewer when 10,000 rows would exceed `exactValues`, never fewer than `fewestExact`.
  /// Up to it every statistic is exact (from the rows); beyond it, means and variances are exact
  /// up to rounding and percentiles come from a sketch.
  public static func exactBound(width: Int) -> Int {
    max(fewestExact, min(exactReplications, exactValues / max(width, 1)))
  }

  /// `range` cut at the block boundaries (multiples of `size`).
  public static func ranges(_ range: Range<Int>) -> [Range<Int>] {
    var result: [Range<Int>] = []
    var start = range.lowerBound
    while start < range.upperBound {
      let end = min(range.upperBound, (start / size + 1) * size)
      result.append(start..<end)
      start = end
    }
    return result
  }
}

/// Every metric's statistics over replications, without the rows: moments and a KLL sketch.
///
/// Only the metrics have sketches, not the denominators kept after them (`MetricLayout.metricCount`
/// on): a denominator's percentiles are never reported, and its sketch would take as much memory
/// as a metric's (a quarter of a scenario's sketches in Northwind by month).
public struct StreamedStatistics: Sendable {
  /// Replications summarised.
  public internal(set) var replications: Int
  public internal(set) var moments: [StreamingMoments]
  /// The first `metricCount` metrics' sketches (`sketch(_:)` for any column).
  public internal(set) var sketches: [QuantileSketch]
  /// Of each ratio metric's numerator and denominator, by its denominator's place after the
  /// metrics (`MetricLayout.denominatorIndex(of:)` - `metricCount`).
  public internal(set) var ratios: [RatioMoments]

  /// Statistics of `width` columns, the last `ratios` of them denominators (no sketch).
  init(width: Int, ratios: Int = 0) {
    replications = 0
    self.ratios = Array(repeating: RatioMoments(), count: ratios)
    moments = Array(repeating: StreamingMoments(), count: width)
    // One coin stream per metric, so no two metrics' compactions share coins.
    sketches = (0..<max(0, width - ratios)).map { QuantileSketch(key: UInt64($0)) }
  }

  /// Column `metric`'s sketch: empty for a denominator, which keeps none.
  public func sketch(_ metric: Int) -> QuantileSketch {
    metric < sketches.count ? sketches[metric] : QuantileSketch(key: UInt64(metric))
  }
}

/// Builds `StreamedStatistics` from rows given in replication order, a block at a time
/// (`ReplicationBlocks`): rows of a block given in pieces (shards, files) are gathered until the
/// block is whole or the rows end, so the result is the same however the rows were cut.
public struct StreamedResults: Sendable {
  public let layout: MetricLayout
  /// The next replication expected.
  public private(set) var next: Int
  private var statistics: StreamedStatistics
  /// Rows of the current block not yet summarised.
  private var pending: [Double] = []

  /// Replication after the last row, when known: the rows of a last block that ends there are
  /// summarised where they are given instead of being copied to wait for more.
  public let end: Int?

  /// Rows will start at replication `first` and end before `end` (nil: not known).
  public init(layout: MetricLayout, first: Int, end: Int? = nil) {
    self.layout = layout
    next = first
    self.end = end
    statistics = StreamedStatistics(width: layout.count, ratios: layout.count - layout.metricCount)
  }

  /// Adds the rows of the replications from `next` on (row-major, `layout.count` values a row).
  public mutating func append(_ rows: UnsafeBufferPointer<Double>) {
    let width = layout.count
    guard width > 0, !rows.isEmpty else { return }
    var offset = 0
    let count = rows.count / width
    while offset < count {
      let blockEnd = min((next / ReplicationBlocks.size + 1) * ReplicationBlocks.size, end ?? .max)
      precondition(blockEnd > next, "rows beyond the stated end")
      let take = min(count - offset, blockEnd - next)
      let piece = UnsafeBufferPointer(rebasing: rows[(offset * width)..<((offset + take) * width)])
      if pending.isEmpty, next + take == blockEnd {
        summarise(piece)  // a whole block, or the end of one begun by nobody else: no copy
      } else {
        pending.append(contentsOf: piece)
        if next + take == blockEnd { flush() }
      }
      next += take
      offset += take
    }
  }

  /// The statistics of every row given (a block begun and not finished is summarised as it is).
  public mutating func finish() -> StreamedStatistics {
    flush()
    return statistics
  }

  private mutating func flush() {
    guard !pending.isEmpty else { return }
    pending.withUnsafeBufferPointer { summarise($0) }
    pending.removeAll(keepingCapacity: true)
  }

  /// Adds one block's rows: its moments (two passes) combined into the totals, its values into
  /// the sketches in replication order.
  private mutating func summarise(_ rows: UnsafeBufferPointer<Double>) {
    let width = layout.count
    let count = rows.count / width
    for m in 0..<width {
      let column = StrideColumn(rows: rows, metric: m, width: width, count: count)
      statistics.moments[m].combine(StreamingMoments(column))
      if m < statistics.sketches.count { for x in column { statistics.sketches[m].add(x) } }
      if let d = layout.denominatorIndex(of: m) {
        let y = StrideColumn(rows: rows, metric: d, width: width, count: count)
        let x = zip(column, y).map { ratio, y in y > 0 ? ratio * y : (y.isFinite ? 0 : .nan) }
        statistics.ratios[d - layout.metricCount].combine(RatioMoments(numerators: x, denominators: y))
      }
    }
    statistics.replications += count
  }
}

/// One metric's values in a block of rows, without copying.
struct StrideColumn: RandomAccessCollection {
  let rows: UnsafeBufferPointer<Double>
  let metric: Int
  let width: Int
  let count: Int
  var startIndex: Int { 0 }
  var endIndex: Int { count }
  subscript(i: Int) -> Double { rows[i * width + metric] }
}
