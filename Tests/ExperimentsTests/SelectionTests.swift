import Estimation
import Experiments
import Foundation
import Randomness
import Testing

/// Kim-Nelson on a pure synthetic problem with known means (no simulator): normal outputs with
/// variance 1, correlated 0.5 across designs through a shared draw per replication (as common
/// random numbers correlate designs).
@Suite("Kim-Nelson selection")
struct SelectionTests {
  /// Outputs of `designs` at replications first ..< first + count in macro-replication `macro`.
  static func sampler(means: [Double], macro: Int) -> ([Int], Int, Int) -> [[Double]] {
    let generator = RandomGenerator(kind: .philox)
    let k = means.count
    func normal(_ attribute: Int) -> Double {
      generator.select(key: StreamKey.mix(UInt64(macro) &+ 0x5E1E_C7), attribute: UInt64(attribute))
      return Probability.normalQuantile(generator.uniformPositive())
    }
    return { designs, first, count in
      designs.map { i in
        (first..<first + count).map { j in means[i] + 0.5.squareRoot() * normal(j * (k + 1)) + 0.5.squareRoot() * normal(j * (k + 1) + 1 + i) }
      }
    }
  }

  struct Tally {
    var correct = 0
    var knTotal = 0
    var fixedTotal = 0
  }

  static func macro(means: [Double], delta: Double, count: Int) -> Tally {
    let best = means.indices.max { means[$0] < means[$1] } ?? 0
    var tally = Tally()
    for m in 0..<count {
      let procedure = KimNelson(designs: means.count, delta: delta, firstStage: 20, maximum: 100_000)
      let outcome = procedure.run(batch: 7, sample: sampler(means: means, macro: m))
      if outcome.chosen == best { tally.correct += 1 }
      tally.knTotal += outcome.used.reduce(0, +)
      tally.fixedTotal += outcome.fixedSample * means.count
    }
    return tally
  }

  @Test("in the slippage configuration (best exactly delta ahead) the probability of correct selection is at least 95% within binomial error")
  func probabilityOfCorrectSelection() {
    let m = 1000
    let tally = Self.macro(means: [0, 0, 0.5, 0, 0], delta: 0.5, count: m)
    let pcs = Double(tally.correct) / Double(m)
    let se = (0.95 * 0.05 / Double(m)).squareRoot()
    print("theory check | Kim-Nelson PCS, slippage k=5 delta=0.5 | at least 0.95 | observed \(pcs) over \(m) macro-replications (SE \(se)); mean replications KN \(Double(tally.knTotal) / Double(m)) vs Bonferroni \(Double(tally.fixedTotal) / Double(m))")
    #expect(pcs >= 0.95 - 3 * se)
  }

  @Test("with the designs spread out it uses fewer replications than the fixed-sample Bonferroni procedure, and still selects the best")
  func fewerReplications() {
    let m = 300
    let tally = Self.macro(means: [0, 0.5, 1.0, 1.5, 2.0, 0.25, 0.75, 1.25], delta: 0.5, count: m)
    let pcs = Double(tally.correct) / Double(m)
    print("theory check | Kim-Nelson spread means k=8 | replications KN \(Double(tally.knTotal) / Double(m)) vs Bonferroni \(Double(tally.fixedTotal) / Double(m)); PCS \(pcs)")
    #expect(tally.knTotal < tally.fixedTotal)
    #expect(pcs >= 0.95 - 3 * (0.95 * 0.05 / Double(m)).squareRoot())
  }

  @Test("h² matches Kim and Nelson's constant; a clear winner is chosen at the first stage; a maximum leaves the survivors")
  func boundary() {
    // k = 2, n0 = 20, 95%: η = ((2 · 0.05)^(-2/19) - 1) / 2.
    let two = KimNelson(designs: 2, delta: 1, firstStage: 20)
    #expect(abs(two.eta - (pow(0.1, -2.0 / 19) - 1) / 2) < 1e-12)
    #expect(abs(two.hSquared - 2 * two.eta * 19) < 1e-12)
    let clear = KimNelson(designs: 3, delta: 0.1, firstStage: 10).run(sample: Self.sampler(means: [0, 50, 0], macro: 1))
    #expect(clear.chosen == 1 && clear.stages == 10 && clear.used == [10, 10, 10])
    // Equal means and a tiny delta: nothing can be told apart by 40 replications.
    let tie = KimNelson(designs: 3, delta: 0.001, firstStage: 10, maximum: 40).run(batch: 5, sample: Self.sampler(means: [1, 1, 1], macro: 2))
    #expect(tie.chosen == nil && tie.stages == 40 && tie.survivors.count >= 2)
    #expect(tie.fixedSample > 40)
    // Designs that never differ (S² = 0): nothing to gain by sampling, the first is selected at once.
    let same = KimNelson(designs: 3, delta: 0.1, firstStage: 10).run(sample: { designs, first, count in
      designs.map { _ in (first..<first + count).map { Double($0 % 7) } }
    })
    #expect(same.chosen == 0 && same.stages == 10)
    // Smaller is better: the lowest mean wins.
    let low = KimNelson(designs: 3, delta: 0.1, firstStage: 10, larger: false).run(sample: Self.sampler(means: [5, -40, 5], macro: 3))
    #expect(low.chosen == 1)
  }
}
