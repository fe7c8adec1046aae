import Foundation
import Randomness
import Testing

@testable import Estimation

@Suite("Streaming statistics: moments combined pairwise, and the KLL quantile sketch")
struct StreamingTests {
  static func draws(_ name: String) -> RandomGenerator {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(34), attribute: StreamKey.name(name))
    return g
  }

  /// Relative closeness, for sums whose order differs.
  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
  }

  @Test("blocks combined by Chan-Golub-LeVeque give the one-pass mean and variance of all the values, for any cut into blocks")
  func pairwiseRule() {
    let g = Self.draws("pairwise")
    for trial in 0..<20 {
      let n = 1 + Int(g.uniform() * 5000)
      let shift = trial.isMultiple(of: 2) ? 1e6 : 0  // a large mean tests the stability of the update
      let values = (0..<n).map { _ in shift + g.exponential(mean: 3) * (g.uniform() < 0.5 ? -1 : 1) }
      let whole = StreamingMoments(values)
      let summary = Summary(values)
      var cuts = [0, n]
      for _ in 0..<(trial % 7) { cuts.append(Int(g.uniform() * Double(n))) }
      cuts.sort()
      var combined = StreamingMoments()
      var welford = StreamingMoments()
      for (a, b) in zip(cuts, cuts.dropFirst()) { combined.combine(StreamingMoments(values[a..<b])) }
      for x in values { welford.add(x) }
      #expect(combined.count == n && welford.count == n)
      #expect(Self.close(combined.mean, summary.mean), "trial \(trial): mean \(combined.mean) against \(summary.mean)")
      #expect(Self.close(combined.sd, summary.sd, 1e-9), "trial \(trial): sd \(combined.sd) against \(summary.sd)")
      #expect(Self.close(welford.mean, whole.mean) && Self.close(welford.sd, whole.sd, 1e-9))
    }
  }

  @Test("non-finite values are skipped, as Summary skips them; empty blocks change nothing")
  func skipsUndefined() {
    var m = StreamingMoments([1, .nan, 3, .infinity])
    #expect(m.count == 2 && m.mean == 2 && m.variance == 2)
    m.combine(StreamingMoments())
    #expect(m.count == 2 && m.mean == 2)
    var empty = StreamingMoments()
    empty.combine(m)
    #expect(empty == m)
  }

  @Test("paired moments give the paired-t interval of the rows, combined block by block")
  func pairedMoments() {
    let g = Self.draws("paired")
    let n = 3000
    let a = (0..<n).map { _ in g.exponential(mean: 10) }
    let b = a.enumerated().map { i, x in i % 97 == 0 ? Double.nan : x + g.exponential(mean: 1) - 0.9 }
    let exact = PairedDifference(baseline: a, variant: b, confidence: 0.95)
    var moments = PairedMoments()
    for start in stride(from: 0, to: n, by: 1000) {
      moments.combine(PairedMoments(baseline: Array(a[start..<start + 1000]), variant: Array(b[start..<start + 1000])))
    }
    let streamed = PairedDifference(moments: moments, confidence: 0.95)
    #expect(streamed.count == exact.count)
    for (s, e) in [(streamed.mean, exact.mean), (streamed.ciLow, exact.ciLow), (streamed.ciHigh, exact.ciHigh), (streamed.varianceReduction, exact.varianceReduction), (streamed.relative, exact.relative)] {
      #expect(Self.close(s, e, 1e-9), "\(s) against \(e)")
    }
  }

  /// The first index of sorted values where `holds` starts to hold (binary search).
  static func firstIndex(_ sorted: [Double], where holds: (Double) -> Bool) -> Int {
    var (low, high) = (0, sorted.count)
    while low < high {
      let mid = (low + high) / 2
      if holds(sorted[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }

  /// The largest distance, as a share of n, between the sketch's quantile's true rank and q.
  static func worstRankError(_ sketch: QuantileSketch, sorted: [Double]) -> Double {
    let n = Double(sorted.count)
    var worst = 0.0
    for i in 1..<100 {
      let q = Double(i) / 100
      let x = sketch.quantile(q)
      // The true rank interval of x: values below it, values at or below it.
      let below = Double(firstIndex(sorted) { $0 >= x })
      let atOrBelow = Double(firstIndex(sorted) { $0 > x })
      let target = q * n
      let error = target < below ? (below - target) / n : target > atOrBelow ? (target - atOrBelow) / n : 0
      worst = max(worst, error)
    }
    return worst
  }

  @Test("sketch percentiles are within the stated rank error (1.65%) on heavy-tailed data: Pareto(1.1), lognormal(sigma 2), Cauchy-like ratios")
  func sketchBound() {
    let g = Self.draws("sketch")
    let sources: [(String, () -> Double)] = [
      ("pareto", { pow(g.uniformPositive(), -1 / 1.1) }),
      ("lognormal", { g.logNormal(median: 1, sigma: 2) }),
      ("ratio", { (g.uniform() - 0.5) / (g.uniformPositive() - 0.5) }),
    ]
    for (name, draw) in sources {
      for n in [5_000, 100_000] {
        let values = (0..<n).map { _ in draw() }
        var sketch = QuantileSketch(key: 7)
        for x in values { sketch.add(x) }
        let sorted = values.sorted()
        let error = Self.worstRankError(sketch, sorted: sorted)
        #expect(error <= QuantileSketch.rankError, "\(name), n \(n): worst rank error \(error)")
        #expect(sketch.count == n && sketch.quantile(0) == sorted[0] && sketch.quantile(1) == sorted[n - 1])
        #expect(sketch.retainedCount < 4 * QuantileSketch.k, "\(name): \(sketch.retainedCount) values kept")
      }
    }
  }

  @Test("a sketch's storage stays within 5k values from 1,000 to a million values")
  func sketchStorage() {
    let g = Self.draws("storage")
    var sketch = QuantileSketch(key: 5)
    let marks: Set = [1_000, 10_000, 30_000, 100_000, 1_000_000]
    for n in 1...1_000_000 {
      sketch.add(g.uniform())
      if marks.contains(n) { #expect(sketch.storedCount < 5 * QuantileSketch.k, "\(n) values: room for \(sketch.storedCount)") }
    }
    #expect(sketch.retainedCount <= sketch.storedCount)
  }

  @Test("the same values in the same order give the same sketch bit for bit")
  func sketchDeterministic() {
    let g = Self.draws("deterministic")
    let values = (0..<50_000).map { _ in g.logNormal(median: 1, sigma: 1) }
    var a = QuantileSketch(key: 3)
    var b = QuantileSketch(key: 3)
    for x in values {
      a.add(x)
      b.add(x)
    }
    #expect(a == b)
    #expect(a.quantiles([0.05, 0.5, 0.95]).map(\.bitPattern) == b.quantiles([0.05, 0.5, 0.95]).map(\.bitPattern))
  }

  @Test("sketches combine: two halves merged stay within the bound of the whole")
  func sketchCombine() {
    let g = Self.draws("combine")
    let values = (0..<60_000).map { _ in pow(g.uniformPositive(), -1 / 1.5) }
    var left = QuantileSketch(key: 1)
    var right = QuantileSketch(key: 2)
    for x in values[..<30_000] { left.add(x) }
    for x in values[30_000...] { right.add(x) }
    left.combine(right)
    #expect(left.count == 60_000)
    #expect(Self.worstRankError(left, sorted: values.sorted()) <= QuantileSketch.rankError)
  }
}
