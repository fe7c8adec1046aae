import Estimation
import Foundation
import Testing

@Suite("Probabilities of reaching a target")
struct ProportionTests {
  @Test("Wilson intervals match published values (Newcombe 1998: 81/263 and the edge cases 0/10, 10/10)")
  func wilson() {
    let p = Proportion(successes: 81, count: 263)
    #expect(abs(p.low - 0.2553) < 5e-5 && abs(p.high - 0.3662) < 5e-5, "\(p)")
    let none = Proportion(successes: 0, count: 10)
    #expect(abs(none.low) < 1e-12 && abs(none.high - 0.2775) < 5e-5)
    let all = Proportion(successes: 10, count: 10)
    #expect(abs(all.low - 0.7225) < 5e-5 && all.high <= 1)
  }

  @Test("identical outcomes differ by exactly 0 with an interval around it; opposite ones by -1")
  func extremes() {
    let hits = [true, false, true, true, false, true, false, true]
    let same = PairedProportionDifference(baseline: hits, variant: hits)
    #expect(same.difference == 0 && same.low < 0 && same.high > 0 && !same.isSignificant)
    let flipped = PairedProportionDifference(baseline: Array(repeating: true, count: 50), variant: Array(repeating: false, count: 50))
    #expect(flipped.difference == -1 && flipped.isSignificant && flipped.low >= -1)
  }

  @Test("Newcombe's paired interval covers the true difference about 95% of the time (correlated pairs)")
  func pairedCoverage() {
    var state: UInt64 = 42
    func uniform() -> Double {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Double((z ^ (z >> 31)) >> 11) / Double(UInt64(1) << 53)
    }
    // One shared uniform per replication, as common random numbers give: baseline hit below 0.4,
    // variant hit below 0.5; true difference 0.1.
    let trials = 2000
    var covered = 0
    for _ in 0..<trials {
      var b: [Bool] = []
      var v: [Bool] = []
      for _ in 0..<100 {
        let u = uniform()
        let noise = uniform()
        b.append(u < 0.4)
        v.append(noise < 0.9 ? u < 0.5 : noise < 0.95)
      }
      let d = PairedProportionDifference(baseline: b, variant: v)
      let truth = (0.9 * 0.5 + 0.05) - 0.4
      if d.low <= truth, truth <= d.high { covered += 1 }
    }
    let coverage = Double(covered) / Double(trials)
    let se = (0.95 * 0.05 / Double(trials)).squareRoot()
    print("coverage of Newcombe's paired 95% interval: \(coverage) (binomial SE \(se))")
    #expect(coverage > 0.95 - 4 * se && coverage < 0.995, "coverage \(coverage)")
  }
}
