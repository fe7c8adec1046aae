import Foundation
import Randomness
import Testing

@testable import Estimation

@Suite("Break-even")
struct BreakEvenTests {
  @Test("the first period from which every value stays above zero")
  func firstStayingPositive() {
    #expect(BreakEven.firstStayingPositive([-1, 2, -0.5, 3, 4]) == 3)
    #expect(BreakEven.firstStayingPositive([1, 2, 3]) == 0)
    #expect(BreakEven.firstStayingPositive([1, -1]) == nil)
    #expect(BreakEven.firstStayingPositive([0, 0]) == nil)  // zero is not above zero
    #expect(BreakEven.firstStayingPositive([]) == nil)
  }

  @Test("replications' own break-even periods give the share and percentiles; the mean curve and its bounds give the interval")
  func fromReplications() {
    // 10 periods, 20 replications: replication r starts in debt and turns positive for good at period r / 2
    // (replications 18 and 19 never do), crossing once.
    let periods = 10
    let cumulative = (0..<periods).map { p in (0..<20).map { r in Double(p - r / 2) + (r < 18 ? 0.5 : -0.5) } }
    let b = BreakEven(cumulative: cumulative)
    #expect(b.shareBreakingEven == 18.0 / 20)
    // Own periods sorted: 0,0,1,1,...,8,8, then two that never break even.
    #expect(b.p50 == 4)  // nearest rank 10 of 20
    #expect(b.p10 == 0)
    #expect(b.p90 == 8)
    // The mean cumulative difference p - 4.5 + 0.4 is above 0 from period 5; the upper bound
    // crosses no later, the lower bound no earlier.
    #expect(b.mean == 5)
    #expect((b.earliest ?? 99) <= 5)
    #expect((b.latest ?? 99) >= 5)
  }

  @Test("a change that never pays back has no break-even and no interval end")
  func never() {
    let b = BreakEven(cumulative: (0..<6).map { p in (0..<10).map { r in -Double(p + r) - 1 } })
    #expect(b.mean == nil && b.earliest == nil && b.latest == nil && b.p10 == nil)
    #expect(b.shareBreakingEven == 0)
  }
}

@Suite("Break-even's simultaneous band")
struct BreakEvenBandTests {
  /// Replications of a curve that crosses zero at period 3 and then hovers just above it (0.01
  /// against a noise of sd 1 per period, independent across periods): the true break-even is 3.
  static func hovering(replications n: Int, generator g: RandomGenerator) -> [[Double]] {
    let truth = (0..<12).map { $0 < 3 ? -2.0 + Double($0) * 0.5 : 0.01 }
    return truth.map { mu in (0..<n).map { _ in mu + log(g.logNormal(median: 1, sigma: 1)) } }
  }

  @Test("the interval holds the true break-even period in at least 95% of experiments (4 SE), where pointwise bounds do not")
  func coverage() {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(2026), attribute: StreamKey.name("break-even-coverage"))
    let experiments = 300
    var covered = 0
    var pointwiseCovered = 0
    for _ in 0..<experiments {
      let cumulative = Self.hovering(replications: 20, generator: g)
      let b = BreakEven(cumulative: cumulative)
      // nil ends are later than the horizon: an interval ending there holds any later period.
      if (b.earliest ?? 12) <= 3 && (b.latest ?? 12) >= 3 { covered += 1 }
      let pointwise = cumulative.map { PairedDifference(baseline: [Double](repeating: 0, count: $0.count), variant: $0) }
      if (BreakEven.firstStayingPositive(pointwise.map(\.ciHigh)) ?? 12) <= 3 && (BreakEven.firstStayingPositive(pointwise.map(\.ciLow)) ?? 12) >= 3 { pointwiseCovered += 1 }
    }
    let se = (0.95 * 0.05 / Double(experiments)).squareRoot()
    let share = Double(covered) / Double(experiments)
    let pointwiseShare = Double(pointwiseCovered) / Double(experiments)
    print("break-even coverage: simultaneous \(share), pointwise \(pointwiseShare) (SE \(se))")
    #expect(share >= 0.95 - 4 * se, "simultaneous band covered \(covered) of \(experiments)")
    // Nine periods just above zero: each pointwise upper bound dips below zero 2.5% of the time.
    #expect(pointwiseShare < 0.95 - 4 * se, "pointwise bounds covered \(pointwiseCovered) of \(experiments)")
  }

  @Test("the band's multiplier: the pointwise t quantile for one period, the Bonferroni bound or less for independent periods; constant columns are points")
  func criticalValue() {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(7), attribute: StreamKey.name("band"))
    let one = SimultaneousBand([(0..<50).map { _ in log(g.logNormal(median: 1, sigma: 1)) }])
    let t = Probability.studentTQuantile(0.975, degreesOfFreedom: 49)
    #expect(abs(one.criticalValue - t) < 0.25, "one column: \(one.criticalValue) against t \(t)")
    let independent = SimultaneousBand((0..<10).map { _ in (0..<200).map { _ in log(g.logNormal(median: 1, sigma: 1)) } })
    // Sidak for 10 independent normal columns: z(1 - 0.05 / 20) = 2.80; the bootstrap's own error is a few hundredths.
    #expect(independent.criticalValue > 2.55 && independent.criticalValue < 3.05, "ten columns: \(independent.criticalValue)")
    print("band multiplier: one column \(one.criticalValue) (t \(t)); ten independent columns \(independent.criticalValue)")
    let constant = SimultaneousBand([[2, 2, 2], [1, 2, 3]])
    #expect(constant.lower[0] == 2 && constant.upper[0] == 2)
    #expect(constant.lower[1] < 2 && constant.upper[1] > 2)
    // The same data give the same band.
    #expect(SimultaneousBand([[1, 2, 3, 5], [2, 2, 4, 9]]).criticalValue == SimultaneousBand([[1, 2, 3, 5], [2, 2, 4, 9]]).criticalValue)
  }
}
