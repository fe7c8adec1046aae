import CoverageModel
import Foundation
import Testing

@testable import Randomness

/// Sample moments of `count` draws.
private func sampleMoments(_ draws: [Double]) -> (mean: Double, variance: Double, fourth: Double) {
  let n = Double(draws.count)
  let mean = draws.reduce(0, +) / n
  var m2 = 0.0
  var m4 = 0.0
  for x in draws {
    let d = (x - mean) * (x - mean)
    m2 += d
    m4 += d * d
  }
  return (mean, m2 / (n - 1), m4 / n)
}

private func draws(_ distribution: Distribution, count: Int, key: UInt64) -> [Double] {
  let generator = RandomGenerator()
  generator.select(key: key, attribute: 0)
  var tables = SamplerTables()
  let sampler = tables.compile(distribution)
  return (0..<count).map { _ in generator.sample(sampler, from: tables) }
}

/// Kolmogorov-Smirnov statistic of the sample against a continuous CDF.
private func ksStatistic(_ sample: [Double], cdf: (Double) -> Double) -> Double {
  let sorted = sample.sorted()
  let n = Double(sorted.count)
  var d = 0.0
  for (i, x) in sorted.enumerated() {
    let f = cdf(x)
    d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
  }
  return d
}

struct DistributionCase: CustomTestStringConvertible, Sendable {
  let distribution: Distribution
  let cdf: (@Sendable (Double) -> Double)?
  var testDescription: String { "\(distribution)" }
}

private let cases: [DistributionCase] = [
  .init(distribution: .exponential(mean: 2), cdf: { Probability.exponentialCDF($0, mean: 2) }),
  .init(distribution: .gamma(shape: 2, scale: 3), cdf: { Probability.gammaCDF($0, shape: 2, scale: 3) }),
  .init(distribution: .gamma(shape: 0.5, scale: 4), cdf: { Probability.gammaCDF($0, shape: 0.5, scale: 4) }),
  .init(distribution: .logNormal(median: 50_000, sigma: 0.8), cdf: { Probability.logNormalCDF($0, median: 50_000, sigma: 0.8) }),
  .init(distribution: .weibull(shape: 1.6, scale: 50), cdf: { Probability.weibullCDF($0, shape: 1.6, scale: 50) }),
  .init(distribution: .weibull(shape: 0.7, scale: 20), cdf: { Probability.weibullCDF($0, shape: 0.7, scale: 20) }),
  // Shape 6: the sample variance's standard error needs a finite fourth moment (shape > 4).
  .init(distribution: .logLogistic(shape: 6, scale: 35), cdf: { 1 / (1 + pow($0 / 35, -6)) }),
  .init(distribution: .normal(mean: 10, sd: 2), cdf: { Probability.normalCDF($0, mean: 10, sd: 2) }),
  .init(
    distribution: .normal(mean: 1, sd: 2),
    cdf: { x in
      let below = Probability.normalCDF(0, mean: 1, sd: 2)
      return (Probability.normalCDF(x, mean: 1, sd: 2) - below) / (1 - below)
    }),
  .init(distribution: .uniform(min: 3, max: 7), cdf: { Probability.uniformCDF($0, min: 3, max: 7) }),
  .init(
    distribution: .triangular(min: 1, mode: 2, max: 6),
    cdf: { x in
      x < 2 ? (x - 1) * (x - 1) / ((6 - 1) * (2 - 1)) : 1 - (6 - x) * (6 - x) / ((6 - 1) * (6 - 2))
    }),
  .init(
    distribution: .pert(min: 10, mode: 20, max: 60),
    cdf: { x in
      let shape = Distribution.pertShape(min: 10, mode: 20, max: 60)
      return Probability.betaCDF((x - 10) / 50, alpha: shape.alpha, beta: shape.beta)
    }),
  .init(distribution: .beta(alpha: 2, beta: 5), cdf: { Probability.betaCDF($0, alpha: 2, beta: 5) }),
  .init(distribution: .poisson(mean: 3.5), cdf: nil),
  .init(distribution: .empirical(values: [1, 2, 5], weights: [1, 2, 1]), cdf: nil),
  .init(distribution: .constant(4.25), cdf: nil),
]

@Suite("Distributions sampled through GSL")
struct DistributionTests {
  static let sampleSize = 100_000

  @Test("sample mean and variance match theory within 4 standard errors", arguments: cases)
  func moments(of testCase: DistributionCase) {
    let sample = draws(testCase.distribution, count: Self.sampleSize, key: 20_261_129)
    let (mean, variance, fourth) = sampleMoments(sample)
    let n = Double(Self.sampleSize)
    let expectedMean = testCase.distribution.mean
    let expectedVariance = testCase.distribution.variance
    if expectedVariance == 0 {
      #expect(mean == expectedMean)
      #expect(variance == 0)
      return
    }
    let meanError = (expectedVariance / n).squareRoot()
    #expect(abs(mean - expectedMean) < 4 * meanError, "mean \(mean) vs \(expectedMean)")
    let varianceError = ((fourth - variance * variance) / n).squareRoot()
    #expect(abs(variance - expectedVariance) < 4 * varianceError, "variance \(variance) vs \(expectedVariance)")
  }

  @Test("continuous samples pass Kolmogorov-Smirnov against GSL's CDF at the 0.1% level", arguments: cases.filter { $0.cdf != nil })
  func kolmogorovSmirnov(of testCase: DistributionCase) throws {
    let cdf = try #require(testCase.cdf)
    let sample = draws(testCase.distribution, count: 20_000, key: 7)
    let d = ksStatistic(sample, cdf: cdf)
    #expect(d < 1.95 / Double(sample.count).squareRoot(), "D = \(d)")
  }

  @Test("a wrong CDF is rejected, so the KS check has power")
  func kolmogorovSmirnovHasPower() {
    let sample = draws(.gamma(shape: 2, scale: 3), count: 20_000, key: 7)
    let d = ksStatistic(sample) { Probability.gammaCDF($0, shape: 2, scale: 3.1) }
    #expect(d > 1.95 / Double(sample.count).squareRoot())
  }

  @Test("Poisson draws follow GSL's Poisson CDF (chi-squared over counts 0...10+)")
  func poissonChiSquared() {
    let sample = draws(.poisson(mean: 3.5), count: 50_000, key: 99)
    var observed = [Double](repeating: 0, count: 11)
    for x in sample { observed[min(Int(x), 10)] += 1 }
    var chi2 = 0.0
    var previous = 0.0
    for k in 0...10 {
      let cumulative = k == 10 ? 1.0 : Probability.poissonCDF(k, mean: 3.5)
      let expected = (cumulative - previous) * Double(sample.count)
      previous = cumulative
      chi2 += (observed[k] - expected) * (observed[k] - expected) / expected
    }
    #expect(chi2 < Probability.chiSquaredUpperQuantile(0.001, degreesOfFreedom: 10))
  }
}
