import Foundation
import Randomness
import Testing

@testable import Calibration

@Suite("Goodness of fit with fitted parameters")
struct FittedGoodnessOfFitTests {
  /// The share of `trials` samples of `n` from `truth` whose fit of `family` is rejected at 5%.
  static func rejectionRate(
    _ family: LifetimeFamily, of truth: LifetimeFamily, _ parameters: [Double], n: Int, trials: Int, replicates: Int, key: UInt64
  ) -> Double {
    let g = generator(key)
    var rejections = 0
    for t in 0..<trials {
      let x = (0..<n).map { _ in truth.draw(parameters, g) }
      guard let fit = MaximumLikelihood.fit(family, CensoredSample(events: x)) else { continue }
      if let p = GoodnessOfFit.andersonDarlingPValue(fit, n: n, replicates: replicates, seed: UInt64(t)), p <= 0.05 { rejections += 1 }
    }
    return Double(rejections) / Double(trials)
  }

  @Test("size: samples of 50 from the fitted family are rejected at 5% about 5% of the time (400 samples, within 4 binomial SE)")
  func size() {
    let trials = 400
    let se = (0.05 * 0.95 / Double(trials)).squareRoot()
    for (family, parameters) in [(LifetimeFamily.lognormal, [10.0, 0.8]), (.exponential, [10.0])] {
      let rate = Self.rejectionRate(family, of: family, parameters, n: 50, trials: trials, replicates: 99, key: 900)
      #expect(abs(rate - 0.05) < 4 * se, "\(family) rejected at rate \(rate)")
    }
  }

  @Test("power: an exponential fitted to gamma(shape 3) samples of 50 is rejected at 5% nearly always")
  func power() {
    let rate = Self.rejectionRate(.exponential, of: .gamma, [3.0, 10.0], n: 50, trials: 100, replicates: 99, key: 901)
    #expect(rate > 0.9, "rejected at rate \(rate)")
  }

  @Test("the p-value is reproducible: the same data and seed give the same value, and it is at least 1 / (replicates + 1)")
  func reproducible() throws {
    let g = generator(902)
    let x = (0..<40).map { _ in g.logNormal(median: 5, sigma: 1) }
    let fit = try #require(MaximumLikelihood.fit(.lognormal, CensoredSample(events: x)))
    let first = GoodnessOfFit.andersonDarlingPValue(fit, n: x.count, replicates: 50, seed: 7)
    #expect(first == GoodnessOfFit.andersonDarlingPValue(fit, n: x.count, replicates: 50, seed: 7))
    #expect((first ?? 0) >= 1.0 / 51)
  }
}
