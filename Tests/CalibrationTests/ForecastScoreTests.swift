import Foundation
import Randomness
import Testing

@testable import Calibration

@Suite("Forecast scores for back-tests")
struct ForecastScoreTests {
  @Test("CRPS of an exponential forecast against its closed form y + 2m e^(-y/m) - 3m/2")
  func crpsExponential() {
    let g = generator(1000)
    let m = 10.0
    let samples = (0..<40_000).map { _ in g.exponential(mean: m) }
    for y in [0.5, 5, 10, 30] {
      let exact = y + 2 * m * exp(-y / m) - 1.5 * m
      // The sample CRPS's error is of order m / sqrt(n): 0.05.
      #expect(abs(ForecastScore.crps(samples, actual: y) - exact) < 0.25, "y \(y): \(ForecastScore.crps(samples, actual: y)) against \(exact)")
    }
    // By hand: samples {1, 3}, y = 2: E|X - y| = 1, E|X - X'| = (0 + 2 + 2 + 0) / 4 = 1: CRPS 0.5.
    #expect(abs(ForecastScore.crps([3, 1], actual: 2) - 0.5) < 1e-12)
  }

  @Test("a calibrated forecast covers at its levels, has a flat PIT histogram and is called calibrated; a narrow one is not")
  func calibration() {
    let g = generator(1001)
    var cells: [(samples: [Double], actual: Double)] = []
    var narrow: [(samples: [Double], actual: Double)] = []
    for _ in 0..<600 {
      let mean = 50 + 50 * g.uniform()
      let samples = (0..<200).map { _ in Double(g.poisson(mean: mean)) }
      let actual = Double(g.poisson(mean: mean))
      cells.append((samples, actual))
      narrow.append((samples.map { mean + ($0 - mean) / 3 }, actual))
    }
    for level in [0.5, 0.8, 0.95] {
      let c = ForecastScore.coverage(cells, level: level)
      // Integer counts make the sample interval include its ends: coverage a little above nominal.
      #expect(Double(c.covered) / Double(c.total) > level - 4 * (level * (1 - level) / 600).squareRoot(), "level \(level): \(c.covered)/\(c.total)")
      #expect(Double(c.covered) / Double(c.total) < level + 0.08)
    }
    let pits = cells.map { ForecastScore.pit($0.samples, actual: $0.actual) }
    let counts = ForecastScore.histogram(pits)
    let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - 60, 2) / 60 }
    #expect(SpecialFunctions.chiSquaredSurvival(chi2, degreesOfFreedom: 9) > 0.001, "PIT counts \(counts)")
    #expect(ForecastScore.verdict(ForecastScore.coverage(narrow, level: 0.8)) == "too narrow")
    let narrowPIT = ForecastScore.histogram(narrow.map { ForecastScore.pit($0.samples, actual: $0.actual) })
    #expect(narrowPIT[0] + narrowPIT[9] > 3 * 120, "a narrow forecast's PIT is U-shaped: \(narrowPIT)")
  }
}
