/// A KLL quantile sketch (Karnin, Lang and Liberty 2016): percentiles of a stream of values in
/// memory that does not grow with the number of values, within a stated rank error.
///
/// Values sit in compactors, level h holding values of weight 2^h. When the sketch is over its
/// capacity, the lowest full compactor is sorted and every other value (the odd or the even ones,
/// by a coin) moves up a level with twice the weight; the rest are dropped. With k = 200 and
/// capacities shrinking by c = 2/3 a level down, the sketch keeps at most about 3k values, and a
/// quantile's rank is within `rankError` (1.65% of the count) of the true rank with 99%
/// confidence (the bound DataSketches states for this k, checked on heavy-tailed data in the tests).
/// KLL is used rather than a t-digest because its error is proven for any input, a t-digest's
/// only observed.
///
/// The coins come from a fixed stream keyed by `key` and the compaction's number, never from time
/// or threads: the same values in the same order give the same sketch, bit for bit.
public struct QuantileSketch: Sendable, Hashable {
  /// The accuracy parameter: a compactor's capacity at the top level.
  public static let k = 200
  /// The normalised rank error at 99% confidence for `k` (docs/statistics.md).
  public static let rankError = 0.0165
  /// The confidence of `rankError`.
  public static let rankErrorConfidence = 0.99

  /// Every level's values in one buffer, the top level first and level 0 last (values are added
  /// at the end): level h, of weight 2^h, is `values[starts[h] ..< end(of: h)]`. One buffer with
  /// room for the capacity and one value more is the least memory a sketch can take; an array a
  /// level would keep room for what each level once held, and a header each.
  private var values: [Double] = []
  /// Where each level starts in `values` (the top level at 0).
  private var starts: [Int] = [0]
  /// Values added (the total weight).
  public private(set) var count = 0
  public private(set) var minimum = Double.infinity
  public private(set) var maximum = -Double.infinity
  private let key: UInt64
  private var compactions: UInt64 = 0
  private var capacity: Int

  /// An empty sketch whose coins are keyed by `key` (one key per metric keeps metrics' coins apart).
  public init(key: UInt64 = 0) {
    self.key = key
    capacity = Self.capacity(levels: 1)
  }

  /// Where level `h` ends in `values`.
  private func end(of h: Int) -> Int { h == 0 ? values.count : starts[h - 1] }

  /// Adds a value; values that are not finite are skipped (NaN marks an undefined metric).
  public mutating func add(_ x: Double) {
    guard x.isFinite else { return }
    count += 1
    if x < minimum { minimum = x }
    if x > maximum { maximum = x }
    // Room grows to the capacity and one more (a compaction follows at once), not by doubling.
    if values.count == values.capacity { values.reserveCapacity(Swift.max(capacity + 1, values.count + 1)) }
    values.append(x)
    if values.count > capacity { compress() }
  }

  /// Adds every value another sketch holds (a mergeable summary); the result is a valid sketch of
  /// both streams, with the same rank-error bound.
  public mutating func combine(_ other: QuantileSketch) {
    guard other.count > 0 else { return }
    count += other.count
    minimum = Swift.min(minimum, other.minimum)
    maximum = Swift.max(maximum, other.maximum)
    while starts.count < other.starts.count { starts.append(0) }
    values.reserveCapacity(values.count + other.values.count)
    for h in other.starts.indices {
      let theirs = other.values[other.starts[h]..<other.end(of: h)]
      values.insert(contentsOf: theirs, at: end(of: h))
      for j in 0..<h { starts[j] += theirs.count }
    }
    capacity = Self.capacity(levels: starts.count)
    while values.count > capacity { compress() }
  }

  /// The capacity of level `h` of `levels`: k · (2/3)^(depth from the top), at least 2.
  static func capacity(level h: Int, levels: Int) -> Int {
    var c = Double(k)
    for _ in 0..<(levels - 1 - h) { c *= 2.0 / 3.0 }
    return Swift.max(2, Int(c.rounded(.up)))
  }

  static func capacity(levels: Int) -> Int { (0..<levels).reduce(0) { $0 + capacity(level: $1, levels: levels) } }

  /// Compacts the lowest level at or over its capacity (a new level on top when needed).
  private mutating func compress() {
    let height = starts.count
    guard let h = (0..<height).first(where: { end(of: $0) - starts[$0] >= Self.capacity(level: $0, levels: height) }) else { return }
    if h + 1 == starts.count {
      starts.append(0)  // the new top level, empty, before every other
      capacity = Self.capacity(levels: starts.count)
    }
    let lower = starts[h]
    let upper = end(of: h)
    values[lower..<upper].sort()
    // An odd count leaves its largest value behind, at its weight.
    let kept: Double? = (upper - lower) % 2 == 1 ? values[upper - 1] : nil
    let pairs = (upper - lower) / 2
    let offset = Int(Self.coin(key: key, number: compactions))
    compactions += 1
    // Every other value moves to the end of level h + 1, which ends where level h starts: written
    // in place from the front (each is read before anything is written over it).
    for i in 0..<pairs { values[lower + i] = values[lower + offset + 2 * i] }
    starts[h] = lower + pairs
    var next = lower + pairs
    if let kept {
      values[next] = kept
      next += 1
    }
    values.removeSubrange(next..<upper)
    for j in 0..<h { starts[j] -= pairs }
  }

  /// Bit 0 of SplitMix64 of (key, number): a fair coin from a fixed stream.
  static func coin(key: UInt64, number: UInt64) -> UInt64 {
    var z = key &+ (number &+ 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return (z ^ (z >> 31)) >> 63
  }

  /// The retained values with their weights, sorted by value.
  private var weighted: [(value: Double, weight: Int)] {
    var all: [(value: Double, weight: Int)] = []
    all.reserveCapacity(values.count)
    for h in starts.indices { for v in values[starts[h]..<end(of: h)] { all.append((v, 1 << h)) } }
    all.sort { $0.value < $1.value }
    return all
  }

  /// The q-quantile: the smallest retained value whose cumulative weight reaches q · count (the
  /// minimum for q = 0 and the maximum for q = 1, which are exact); NaN when empty.
  public func quantile(_ q: Double) -> Double { quantiles([q])[0] }

  /// Several quantiles at once (one sort).
  public func quantiles(_ qs: [Double]) -> [Double] {
    guard count > 0 else { return qs.map { _ in .nan } }
    let all = weighted
    return qs.map { q in
      if q <= 0 { return minimum }
      if q >= 1 { return maximum }
      let target = q * Double(count)
      var cumulative = 0
      for item in all {
        cumulative += item.weight
        if Double(cumulative) >= target { return item.value }
      }
      return maximum
    }
  }

  /// The share of values at or below `x`, within `rankError`.
  public func rank(_ x: Double) -> Double {
    guard count > 0 else { return .nan }
    var below = 0
    for h in starts.indices { for v in values[starts[h]..<end(of: h)] where v <= x { below += 1 << h } }
    return Double(below) / Double(count)
  }

  /// Values retained (memory is about 8 bytes each).
  public var retainedCount: Int { values.count }

  /// Values the sketch's storage has room for: its memory is about 8 bytes each.
  public var storedCount: Int { values.capacity }
}
