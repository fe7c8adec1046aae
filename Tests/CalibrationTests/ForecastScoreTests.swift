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
    let narrowCoverage = ForecastScore.coverage(narrow, level: 0.8)
    #expect(BacktestScore.Coverage(covered: narrowCoverage.covered, total: narrowCoverage.total, level: 0.8).tooNarrow)
    let narrowPIT = ForecastScore.histogram(narrow.map { ForecastScore.pit($0.samples, actual: $0.actual) })
    #expect(narrowPIT[0] + narrowPIT[9] > 3 * 120, "a narrow forecast's PIT is U-shaped: \(narrowPIT)")
  }
}

@Suite("Back-test scores")
struct BacktestScoreTests {
  /// 36 months of predicted samples (Poisson, means 200-400; bookings 1,000 x wins) and actuals
  /// drawn from `actualScale` x the same means.
  static func score(actualScale: Double, seed: UInt64) -> BacktestScore {
    let g = generator(seed)
    var predicted: [String: [String: [Double]]] = [:]
    var months: [Actuals.Month] = []
    for m in 0..<36 {
      let label = String(format: "20%02d-%02d", 20 + m / 12, m % 12 + 1)
      // In a fixed order: a dictionary's order differs from process to process, and so would the draws.
      let means: KeyValuePairs = ["engaged": 300 + 100 * sin(Double(m)), "won": 200.0, "lost": 120.0]
      var samples: [String: [Double]] = [:]
      for (q, mean) in means { samples[q] = (0..<400).map { _ in Double(g.poisson(mean: mean)) } }
      samples["bookings"] = samples["won"]!.map { $0 * 1000 }
      predicted[label] = samples
      let won = g.poisson(mean: 200 * actualScale)
      months.append(Actuals.Month(month: label, team: nil, engaged: g.poisson(mean: (300 + 100 * sin(Double(m))) * actualScale), won: won, lost: g.poisson(mean: 120 * actualScale), bookings: Double(won) * 1000))
    }
    return BacktestScore(predicted: predicted, actuals: Actuals(months: months))
  }

  @Test("actuals drawn from the forecast: every quantity calibrated; 30% more than forecast: too narrow and biased low")
  func verdicts() {
    let good = Self.score(actualScale: 1, seed: 1100)
    #expect(good.summaries.map(\.quantity) == BacktestScore.quantities)
    for s in good.summaries {
      #expect(s.verdict == "calibrated", "\(s.quantity): \(s.verdict), coverage \(s.coverage.map(\.covered))")
      #expect(s.cells == 36 && s.pitHistogram.reduce(0, +) == 36)
    }
    let biased = Self.score(actualScale: 1.3, seed: 1101)
    for s in biased.summaries {
      #expect(s.verdict.hasPrefix("too narrow at 50% (") && s.verdict.hasSuffix(", biased low (actuals above the median)"), "\(s.quantity): \(s.verdict)")
      // The CRPS grows with the miss.
      let matching = good.summaries.first { $0.quantity == s.quantity }!
      #expect(s.meanCRPS > 3 * matching.meanCRPS)
    }
  }

  /// 21 company months with an actual covered by the 50%, 80% and 95% intervals as many times as
  /// given, every PIT 1/2.
  static func months(covered: [Int], of n: Int = 21) -> [BacktestScore.Cell] {
    (0..<n).map { i in
      let intervals = covered.map { c in i < c ? 0.0...20.0 : 11.0...20.0 }
      return BacktestScore.Cell(month: "m\(i)", team: nil, quantity: "engaged", actual: 10, median: 10, intervals: intervals, pit: 0.5, crps: 1)
    }
  }

  @Test("every level is tested: 15 of 21 at 95% is too narrow (binomial p 0.0004) though 50% and 80% pass; the verdict names the level and its p")
  func everyLevel() {
    let judged = BacktestScore.judge(Self.months(covered: [11, 17, 15]))
    #expect(judged.verdict == "too narrow at 95% (15 of 21, binomial p 0.0004)")
    #expect(!judged.coverage[0].tooNarrow && !judged.coverage[1].tooNarrow && !judged.coverage[0].tooWide && !judged.coverage[1].tooWide)
    // The binomial tail itself: P(X <= 15) for X ~ Binomial(21, 0.95).
    #expect(abs(judged.coverage[2].belowP - 0.000441526625) < 1e-9)
    // Calibrated counts pass; two failing levels are both named.
    #expect(BacktestScore.judge(Self.months(covered: [11, 17, 20])).verdict == "calibrated")
    #expect(BacktestScore.judge(Self.months(covered: [4, 10, 20])).verdict.hasPrefix("too narrow at 50% (4 of 21, binomial p 0.0036) and 80% (10 of 21"))
    #expect(BacktestScore.judge(Self.months(covered: [21, 21, 21])).verdict.hasPrefix("too wide at 50% (21 of 21, binomial p 4.8e-07)"))
  }

  @Test("a level's acceptance range holds the counts both of whose binomial tails are at least 5%/8: at 95% of 21, 17 to 21")
  func acceptanceRange() {
    let c = BacktestScore.Coverage(covered: 15, total: 21, level: 0.95)
    #expect(c.expected == 17...21)
    #expect(c.tooNarrow && !c.tooWide)
  }
}
