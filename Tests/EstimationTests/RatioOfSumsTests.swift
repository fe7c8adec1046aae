import Estimation
import Randomness
import Testing

// docs/statistics.md, "Ratio metrics": the ratio of sums estimates E[X] / E[Y]; the mean of ratios
// estimates E[X / Y], another number whenever X / Y and Y are related.

@Suite("Ratio of sums")
struct RatioOfSumsTests {
  /// Y uniform on {1, 2, 3}, X = 2 Y + 3 exactly: E[X] / E[Y] = 7 / 2 = 3.5, E[X / Y] = 2 + 3 E[1/Y] = 2 + 11/6.
  @Test("estimates E[X] / E[Y] (3.5), not the mean of the ratios (3.833)")
  func estimand() {
    let y: [Double] = (0..<300).map { Double($0 % 3 + 1) }
    let x = y.map { 2 * $0 + 3 }
    let ratio = RatioOfSums(numerators: x, denominators: y)
    #expect(abs(ratio.estimate - 3.5) < 1e-12)
    let summary = Summary(ratios: zip(x, y).map { $0 / $1 }, denominators: y)
    #expect(abs(summary.mean - 3.5) < 1e-12)
    #expect(abs(Summary(zip(x, y).map { $0 / $1 }).mean - (2 + 11.0 / 6)) < 1e-12)
  }

  @Test("a replication without a denominator counts as 0 over 0; none at all gives no estimate")
  func emptyDenominators() {
    let s = Summary(ratios: [.nan, 0.5, 1], denominators: [0, 2, 2])
    #expect(s.count == 3 && abs(s.mean - 0.75) < 1e-15)
    let none = Summary(ratios: [.nan, .nan], denominators: [0, 0])
    #expect(none.mean.isNaN && none.count == 0)
  }

  /// X binomial(Y, 0.3) given Y, Y = 1 + Poisson(2): the delta-method 95% interval covers 0.3 in
  /// about 95% of 2,000 samples of 50 replications (binomial SE 0.005).
  @Test("the delta-method interval covers the true ratio 95% of the time")
  func coverage() {
    let rng = RandomGenerator(kind: .philox)
    rng.select(key: StreamKey.mix(11), attribute: StreamKey.name("ratio coverage"))
    var covered = 0
    let trials = 2000
    for _ in 0..<trials {
      var x: [Double] = []
      var y: [Double] = []
      for _ in 0..<50 {
        var n = 1
        var p = rng.uniform()
        let limit = 0.1353352832366127  // e^-2
        while p > limit {
          n += 1
          p *= rng.uniform()
        }
        var wins = 0
        for _ in 0..<n where rng.uniform() < 0.3 { wins += 1 }
        x.append(Double(wins))
        y.append(Double(n))
      }
      let s = Summary(ratios: zip(x, y).map { $0 / $1 }, denominators: y)
      if s.ci95Low <= 0.3 && 0.3 <= s.ci95High { covered += 1 }
    }
    let share = Double(covered) / Double(trials)
    print("ratio of sums coverage | \(share)")
    #expect(abs(share - 0.95) < 0.02, "coverage \(share)")
  }
}
