import Foundation
import Randomness
import Testing

@testable import Estimation

/// P(max_i |X_i| <= c) for k standard normals with common correlation rho >= 0:
/// X_i = sqrt(rho) W + sqrt(1 - rho) Z_i, integrated over W (Simpson's rule on [-8, 8]).
private func equicorrelatedCoverage(_ c: Double, k: Int, rho: Double) -> Double {
  let (a, b) = (rho.squareRoot(), (1 - rho).squareRoot())
  let steps = 4000
  let h = 16.0 / Double(steps)
  var total = 0.0
  for i in 0...steps {
    let w = -8 + Double(i) * h
    let density = exp(-w * w / 2) / (2 * Double.pi).squareRoot()
    let inner = Probability.normalCDF((c - a * w) / b) - Probability.normalCDF((-c - a * w) / b)
    let weight = i == 0 || i == steps ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
    total += weight * density * pow(inner, Double(k))
  }
  return total * h / 3
}

@Suite("The objective's family: Bonferroni and Dunnett's max-t")
struct FamilyAdjustmentTests {
  /// The simulated 95% point's own error, as a probability: 4 standard errors of a proportion.
  let tolerance = 4 * (0.95 * 0.05 / Double(ComparisonFamily.draws)).squareRoot()

  @Test("the max-t critical value holds 95% of the closed form: Dunnett's equicorrelated case (rho 0.5, 4 variants) and independence")
  func criticalValueAgainstClosedForm() {
    for (k, rho) in [(4, 0.5), (3, 0.0), (6, 0.8)] {
      let matrix = (0..<k).map { i in (0..<k).map { j in i == j ? 1 : rho } }
      let c = ComparisonFamily.maxTCritical(correlation: matrix, degreesOfFreedom: 1e7, confidence: 0.95)
      let coverage = equicorrelatedCoverage(c, k: k, rho: rho)
      print("theory check | max-t, \(k) variants, correlation \(rho): P(max |T| <= c) at the simulated c = \(c) | expected 0.95 | \(coverage)")
      #expect(abs(coverage - 0.95) < tolerance, "k \(k), rho \(rho): c \(c) covers \(coverage)")
    }
    // Independence has a closed-form c (Sidak): the 1/2 (1 + 0.95^(1/k)) normal quantile.
    let sidak = Probability.normalQuantile((1 + pow(0.95, 1.0 / 3)) / 2)
    let identity = (0..<3).map { i in (0..<3).map { j in i == j ? 1.0 : 0 } }
    #expect(abs(ComparisonFamily.maxTCritical(correlation: identity, degreesOfFreedom: 1e7, confidence: 0.95) - sidak) < 0.02)
  }

  @Test("one variant is one t-interval; a duplicated variant adds nothing to the family")
  func degenerateFamilies() {
    let c = ComparisonFamily.maxTCritical(correlation: [[1]], degreesOfFreedom: 9, confidence: 0.95)
    #expect(abs(2 * Probability.studentTCDF(c, degreesOfFreedom: 9) - 1 - 0.95) < tolerance)
    let draws = SeededDraws(seed: 7, purpose: "duplicate")
    let d = (0..<30).map { _ in draws.gaussian() }
    let two = ComparisonFamily(differences: [d, d], adjustment: .dunnett)
    #expect(abs(two.confidence - 0.95) < 0.002, "identical differences are one comparison: \(two.confidence)")
    #expect(ComparisonFamily(differences: [d], adjustment: .dunnett).confidence == 0.95)
    #expect(ComparisonFamily(differences: [d, d, d], adjustment: .bonferroni).confidence == 1 - 0.05 / 3)
  }

  @Test("on correlated differences, Dunnett's intervals hold together about 95% of the time, narrower than Bonferroni's, which over-cover")
  func simultaneousCoverage() {
    let experiments = 300
    let n = 20
    let k = 4
    let draws = SeededDraws(seed: 2026, purpose: "family-coverage")
    var (dunnettCovered, bonferroniCovered, narrower) = (0, 0, 0)
    for _ in 0..<experiments {
      // A shared component (common random numbers) with unequal loadings: correlations 0.2-0.9.
      var differences = [[Double]](repeating: [], count: k)
      for _ in 0..<n {
        let shared = draws.gaussian()
        for v in 0..<k { differences[v].append(Double(v + 1) * 0.7 * shared + draws.gaussian()) }
      }
      let dunnett = ComparisonFamily(differences: differences, adjustment: .dunnett)
      let bonferroni = ComparisonFamily(differences: differences, adjustment: .bonferroni)
      let t = differences.map { d -> Double in
        let s = Summary(d)
        return abs(s.mean) / (s.sd / Double(n).squareRoot())
      }
      let critical = { (confidence: Double) in Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(n - 1)) }
      if t.max()! <= critical(dunnett.confidence) { dunnettCovered += 1 }
      if t.max()! <= critical(bonferroni.confidence) { bonferroniCovered += 1 }
      if dunnett.confidence < bonferroni.confidence { narrower += 1 }
    }
    let se = (0.95 * 0.05 / Double(experiments)).squareRoot()
    let (dunnett, bonferroni) = (Double(dunnettCovered) / Double(experiments), Double(bonferroniCovered) / Double(experiments))
    print("theory check | simultaneous coverage of 4 correlated paired intervals, n = 20: Dunnett max-t | expected 0.95 | simulated \(dunnett) ± \(se)")
    print("theory check | the same, Bonferroni (at least 0.95) | expected >= 0.95 | simulated \(bonferroni) ± \(se)")
    #expect(abs(dunnett - 0.95) < 4 * se)
    #expect(bonferroni > 0.95 - 4 * se && bonferroni >= dunnett)
    #expect(narrower == experiments, "Dunnett never wider than Bonferroni")
  }
}
