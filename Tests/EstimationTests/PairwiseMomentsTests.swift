import Foundation
import Randomness
import Testing

@testable import Estimation

/// Every moment type combines with one pairwise rule (Chan, Golub and LeVeque; Pébay for the third
/// order): the rule must give the moments of all the values, and the same bits as the formulas
/// written out term by term, so that results computed before the rule was shared do not move.
@Suite("Pairwise combination of moments")
struct PairwiseMomentsTests {
  static func draws(_ name: String) -> RandomGenerator {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(3434), attribute: StreamKey.name(name))
    return g
  }

  /// Heavy-tailed values around a mean that is large on some trials (a test of the update's
  /// stability), now and then undefined (NaN).
  static func values(_ g: RandomGenerator, _ n: Int, shift: Double) -> [Double] {
    (0..<n).map { _ in g.uniform() < 0.01 ? .nan : shift + exp(1.5 * g.gaussian()) * (g.uniform() < 0.3 ? -1 : 1) }
  }

  /// Columns of correlated values: a shared factor and each column's own noise.
  static func columns(_ g: RandomGenerator, _ n: Int, dimension: Int, shift: Double) -> [[Double]] {
    let shared = values(g, n, shift: 0)
    return (0..<dimension).map { i in
      let weight = Double(i + 1)
      let own = values(g, n, shift: shift * weight)
      return zip(shared, own).map { s, o in s * weight + o }
    }
  }

  /// Random cuts of 0..<n into blocks (some empty), in order.
  static func blocks(_ g: RandomGenerator, _ n: Int) -> [Range<Int>] {
    var cuts = [0, n, 0, n]
    for _ in 0..<(1 + Int(g.uniform() * 6)) { cuts.append(Int(g.uniform() * Double(n))) }
    cuts.sort()
    return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
  }

  /// A trial's data: values, correlated columns of the same length and a cut into blocks.
  static func trial(_ g: RandomGenerator, shift: Double, dimension: Int) -> (x: [Double], columns: [[Double]], blocks: [Range<Int>]) {
    let n = 1 + Int(g.uniform() * 3000)
    return (values(g, n, shift: shift), columns(g, n, dimension: dimension, shift: shift), blocks(g, n))
  }

  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
  }

  /// Each element within `tolerance` of the other's, relative to the largest magnitude (sums of
  /// deviations near 0 are compared on the scale of the others).
  static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-9) -> Bool {
    let scale = max(1, (a + b).map(abs).max() ?? 0)
    return a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * scale }
  }

  static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

  /// The rule written out: counts, means and second-order sums (C_ij += Cb_ij + δ_i δ_j na nb / n).
  struct Written {
    var count: Int
    var means: [Double]
    var second: [Double]
    var third: [Double] = []

    /// The two-pass co-skew moments of the rows where every value is finite, the products of
    /// deviations summed row by row.
    static func coSkew(columns: [[Double]]) -> Written {
      let d = columns.count
      let rows = (0..<(columns.map(\.count).min() ?? 0)).filter { r in columns.allSatisfy { $0[r].isFinite } }
      let n = Double(rows.count)
      var w = Written(count: rows.count, means: columns.map { c in rows.reduce(0) { $0 + c[$1] } / n }, second: Array(repeating: 0, count: d * d), third: Array(repeating: 0, count: d * d * d))
      if rows.isEmpty { w.means = Array(repeating: 0, count: d) }
      var deviation = [Double](repeating: 0, count: d)
      for r in rows {
        for i in 0..<d { deviation[i] = columns[i][r] - w.means[i] }
        for i in 0..<d {
          for j in 0..<d {
            let ij = deviation[i] * deviation[j]
            w.second[i * d + j] += ij
            for l in 0..<d { w.third[(i * d + j) * d + l] += ij * deviation[l] }
          }
        }
      }
      return w
    }

    /// Chan, Golub and LeVeque's update of the second order; with `third`, Pébay's of the third
    /// (for one variable in the scalar form 3 δ (na M2b - nb M2a) / n).
    mutating func combine(_ o: Written) {
      guard o.count > 0 else { return }
      guard count > 0 else {
        self = o
        return
      }
      let d = means.count
      let (na, nb) = (Double(count), Double(o.count))
      let n = na + nb
      let delta = zip(o.means, means).map { $0 - $1 }
      if !third.isEmpty && d == 1 {
        third[0] += o.third[0] + delta[0] * delta[0] * delta[0] * na * nb * (na - nb) / (n * n) + 3 * delta[0] * (na * o.second[0] - nb * second[0]) / n
      } else if !third.isEmpty {
        for i in 0..<d {
          for j in 0..<d {
            for l in 0..<d {
              let a = delta[i] * second[j * d + l] + delta[j] * second[i * d + l] + delta[l] * second[i * d + j]
              let b = delta[i] * o.second[j * d + l] + delta[j] * o.second[i * d + l] + delta[l] * o.second[i * d + j]
              third[(i * d + j) * d + l] += o.third[(i * d + j) * d + l] + delta[i] * delta[j] * delta[l] * na * nb * (na - nb) / (n * n) + (na * b - nb * a) / n
            }
          }
        }
      }
      for i in 0..<d {
        for j in 0..<d { second[i * d + j] += o.second[i * d + j] + delta[i] * delta[j] * na * nb / n }
      }
      for i in 0..<d { means[i] += delta[i] * nb / n }
      count += o.count
    }
  }

  @Test("combined block by block, every moment type has the bits of the rule written out term by term")
  func sameBitsAsWrittenRule() {
    let g = Self.draws("bits")
    for trial in 0..<12 {
      let (x, columns, ranges) = Self.trial(g, shift: trial.isMultiple(of: 2) ? 1e6 : 0, dimension: 3 + trial % 2)

      var moments = StreamingMoments()
      var skew = SkewMoments()
      var ratio = RatioMoments()
      var co = CoMoments(dimension: columns.count)
      var coSkew = CoSkewMoments(dimension: columns.count)
      var written = (
        moments: Written(count: 0, means: [0], second: [0]),
        skew: Written(count: 0, means: [0], second: [0], third: [0]),
        ratio: Written(count: 0, means: [0, 0], second: [0, 0, 0, 0]),
        co: Written(count: 0, means: Array(repeating: 0, count: columns.count), second: Array(repeating: 0, count: columns.count * columns.count)),
        coSkew: Written(count: 0, means: [], second: [], third: [])
      )
      written.coSkew = Written(count: 0, means: written.co.means, second: written.co.second, third: Array(repeating: 0, count: columns.count * columns.count * columns.count))
      for r in ranges {
        let m = StreamingMoments(x[r])
        moments.combine(m)
        written.moments.combine(Written(count: m.count, means: [m.mean], second: [m.m2]))
        let s = SkewMoments(x[r])
        skew.combine(s)
        written.skew.combine(Written(count: s.count, means: [s.mean], second: [s.m2], third: [s.m3]))
        let q = RatioMoments(numerators: columns[0][r], denominators: columns[1][r])
        ratio.combine(q)
        written.ratio.combine(Written(count: q.count, means: [q.meanX, q.meanY], second: [q.sxx, q.sxy, q.sxy, q.syy]))
        let block = columns.map { Array($0[r]) }
        let c = CoMoments(columns: block)
        co.combine(c)
        written.co.combine(Written(count: c.count, means: c.means, second: c.sums))
        let k = CoSkewMoments(columns: block)
        coSkew.combine(k)
        written.coSkew.combine(Written(count: k.count, means: k.means, second: k.second, third: k.third))
      }
      #expect(moments.count == written.moments.count && Self.bits([moments.mean, moments.m2]) == Self.bits(written.moments.means + written.moments.second))
      #expect(skew.count == written.skew.count && Self.bits([skew.mean, skew.m2, skew.m3]) == Self.bits(written.skew.means + written.skew.second + written.skew.third))
      #expect(ratio.count == written.ratio.count)
      #expect(Self.bits([ratio.meanX, ratio.meanY, ratio.sxx, ratio.sxy, ratio.syy]) == Self.bits(written.ratio.means + written.ratio.second.prefix(2) + [written.ratio.second[3]]))
      #expect(co.count == written.co.count && Self.bits(co.means + co.sums) == Self.bits(written.co.means + written.co.second))
      #expect(coSkew.count == written.coSkew.count)
      #expect(Self.bits(coSkew.means + coSkew.second + coSkew.third) == Self.bits(written.coSkew.means + written.coSkew.second + written.coSkew.third), "trial \(trial)")
      let whole = (moments: CoSkewMoments(columns: columns), written: Written.coSkew(columns: columns))
      #expect(whole.moments.count == whole.written.count)
      #expect(Self.bits(whole.moments.means + whole.moments.second + whole.moments.third) == Self.bits(whole.written.means + whole.written.second + whole.written.third))
    }
  }

  @Test("combined block by block, skew moments, ratio moments, co-moments and co-skew moments are the one-pass moments of all the values, for any cut into blocks")
  func againstOnePass() {
    let g = Self.draws("one pass")
    for trial in 0..<12 {
      let (x, columns, ranges) = Self.trial(g, shift: trial.isMultiple(of: 2) ? 1e4 : 0, dimension: 3)
      var skew = SkewMoments()
      var ratio = RatioMoments()
      var co = CoMoments(dimension: 3)
      var coSkew = CoSkewMoments(dimension: 3)
      for r in ranges {
        skew.combine(SkewMoments(x[r]))
        ratio.combine(RatioMoments(numerators: columns[0][r], denominators: columns[1][r]))
        co.combine(CoMoments(columns: columns.map { Array($0[r]) }))
        coSkew.combine(CoSkewMoments(columns: columns.map { Array($0[r]) }))
      }
      let whole = (skew: SkewMoments(x), ratio: RatioMoments(numerators: columns[0], denominators: columns[1]), co: CoMoments(columns: columns), coSkew: CoSkewMoments(columns: columns))
      #expect(skew.count == whole.skew.count && Self.close([skew.mean, skew.m2, skew.m3], [whole.skew.mean, whole.skew.m2, whole.skew.m3]), "trial \(trial)")
      #expect(Self.close(skew.skewnessCheck.skewness, whole.skew.skewnessCheck.skewness, 1e-7))
      #expect(ratio.count == whole.ratio.count && Self.close(ratio.estimate, whole.ratio.estimate) && Self.close(ratio.linearisedVariance, whole.ratio.linearisedVariance, 1e-7))
      #expect(co.count == whole.co.count && Self.close(co.means, whole.co.means) && Self.close(co.sums, whole.co.sums))
      #expect(coSkew.count == whole.coSkew.count && Self.close(coSkew.means, whole.coSkew.means) && Self.close(coSkew.second, whole.coSkew.second))
      #expect(Self.close(coSkew.third, whole.coSkew.third, 1e-8), "trial \(trial)")
      let c = [1.0, -0.5, 0.25]
      #expect(Self.close(coSkew.skewnessCheck(c).skewness, whole.coSkew.skewnessCheck(c).skewness, 1e-6))
    }
  }
}
