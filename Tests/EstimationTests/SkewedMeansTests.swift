import Foundation
import Randomness
import Testing

@testable import Estimation

@Suite("Skewed means: the skewness rule and the bootstrap-t interval")
struct SkewedMeansTests {
  static func draws(_ name: String) -> RandomGenerator {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(31), attribute: StreamKey.name(name))
    return g
  }

  @Test("sample skewness against closed forms: exponential 2, lognormal(sigma 0.5) (e^s² + 2) sqrt(e^s² - 1); symmetric 0; the rule 25 G1²")
  func skewness() {
    let g = Self.draws("skewness")
    let exponential = SkewnessCheck((0..<200_000).map { _ in g.exponential(mean: 3) })
    #expect(abs(exponential.skewness - 2) < 0.1, "exponential: \(exponential.skewness)")
    let s2 = 0.25
    let lognormalTheory = (exp(s2) + 2) * (exp(s2) - 1).squareRoot()
    let lognormal = SkewnessCheck((0..<200_000).map { _ in g.logNormal(median: 1, sigma: 0.5) })
    #expect(abs(lognormal.skewness - lognormalTheory) < 0.1, "lognormal: \(lognormal.skewness) against \(lognormalTheory)")
    // By hand: 1, 2, 3 are symmetric; 0, 0, 3: m2 = 2, m3 = 2, G1 = sqrt(6) / 1 · 2 / 2^1.5 = 1.7321.
    #expect(SkewnessCheck([1, 2, 3]).skewness == 0)
    #expect(abs(SkewnessCheck([0, 0, 3]).skewness - 3.0.squareRoot()) < 1e-12)
    #expect(SkewnessCheck([0, 0, 3]).replicationsNeeded == 75)  // 25 · 3
    #expect(!SkewnessCheck([0, 0, 3]).isReliable)
    #expect(SkewnessCheck([Double](repeating: 4, count: 3)).isReliable)  // no spread: G1 0
  }

  @Test("bootstrap-t holds the mean of an exponential at 95% (4 SE) with 30 values; on lognormal(sigma 1.5) values it covers more than the t-interval, which the rule flags")
  func coverage() {
    let g = Self.draws("coverage")
    let experiments = 400
    let se = (0.95 * 0.05 / Double(experiments)).squareRoot()
    var covered = 0
    for k in 0..<experiments {
      let x = (0..<30).map { _ in g.exponential(mean: 1) }
      let b = BootstrapTInterval(x, resamples: 1000, seed: UInt64(k))
      if b.low <= 1 && 1 <= b.high { covered += 1 }
    }
    print("bootstrap-t coverage, exponential, 30 values: \(Double(covered) / Double(experiments))")
    #expect(Double(covered) / Double(experiments) >= 0.95 - 4 * se, "exponential: \(covered) of \(experiments)")

    let truth = exp(1.5 * 1.5 / 2)
    var bootstrapCovered = 0
    var tCovered = 0
    var flagged = 0
    for k in 0..<experiments {
      let x = (0..<50).map { _ in g.logNormal(median: 1, sigma: 1.5) }
      let b = BootstrapTInterval(x, resamples: 1000, seed: UInt64(k))
      if b.low <= truth && truth <= b.high { bootstrapCovered += 1 }
      let t = PairedDifference(baseline: [Double](repeating: 0, count: x.count), variant: x)
      if t.ciLow <= truth && truth <= t.ciHigh { tCovered += 1 }
      if !SkewnessCheck(x).isReliable { flagged += 1 }
    }
    print("lognormal(sigma 1.5), 50 values: bootstrap-t \(Double(bootstrapCovered) / Double(experiments)), t \(Double(tCovered) / Double(experiments)), flagged \(flagged)")
    // The two coverages differ by more than 4 SE of a share (the same samples, so less in truth).
    #expect(bootstrapCovered - tCovered > Int(4 * se * Double(experiments)), "bootstrap-t \(bootstrapCovered), t \(tCovered)")
    #expect(Double(tCovered) / Double(experiments) < 0.95 - 4 * se)
    #expect(flagged > experiments * 9 / 10)
  }

  @Test("the interval follows the tail (longer above for right-skewed values), is the mean without spread, and is the same for the same values")
  func shape() {
    let g = Self.draws("shape")
    let x = (0..<200).map { _ in g.logNormal(median: 1, sigma: 1) }
    let b = BootstrapTInterval(x)
    #expect(b.high - b.mean > b.mean - b.low)
    #expect(BootstrapTInterval([5, 5, 5]).low == 5 && BootstrapTInterval([5, 5, 5]).high == 5)
    #expect(BootstrapTInterval(x) == b)
  }
}
