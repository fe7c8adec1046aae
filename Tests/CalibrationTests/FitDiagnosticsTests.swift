import Foundation
import Randomness
import Testing

@testable import Calibration

@Suite("Fit diagnostics: arrivals by month and the empirical CDFs the charts draw")
struct FitDiagnosticsTests {
  @Test("Poisson quantiles against tabulated values (mean 10: 5% -> 5, 95% -> 15; mean 100: 84 and 117; mean 0.5: 0 and 2)")
  func poissonQuantiles() {
    // P(N <= 4) = 0.0293, P(N <= 5) = 0.0671; P(N <= 14) = 0.9165, P(N <= 15) = 0.9513 for mean 10.
    #expect(Arrivals.poissonQuantile(0.05, mean: 10) == 5)
    #expect(Arrivals.poissonQuantile(0.95, mean: 10) == 15)
    // Mean 100: P(N <= 83) = 0.0463, P(N <= 84) = 0.0575; P(N <= 116) = 0.9478, P(N <= 117) = 0.9572.
    #expect(Arrivals.poissonQuantile(0.05, mean: 100) == 84)
    #expect(Arrivals.poissonQuantile(0.95, mean: 100) == 117)
    // Mean 0.5: P(N = 0) = 0.607 >= 5%; P(N <= 1) = 0.910, P(N <= 2) = 0.986.
    #expect(Arrivals.poissonQuantile(0.05, mean: 0.5) == 0)
    #expect(Arrivals.poissonQuantile(0.95, mean: 0.5) == 2)
    #expect(Arrivals.poissonQuantile(0.5, mean: 0) == 0)
  }

  @Test("arrivals by month: the counts, and expectations that add up to the arrivals (the rate is the maximum likelihood one given the seasons)")
  func monthly() {
    let first = Day(.init(year: 2020, month: 1, day: 15))
    let last = Day(.init(year: 2020, month: 4, day: 10))
    let g = generator(31)
    let arrivals = (0..<500).map { _ in first.advanced(by: g.uniformIndex(below: first.distance(to: last) + 1)) }
    let factors = [0.5, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    let rate = Arrivals.rate(count: arrivals.count, from: first, through: last, factors: factors)
    let months = Arrivals.monthly(arrivals, from: first, through: last, rate: rate, factors: factors)
    #expect(months.map(\.month) == ["2020-01", "2020-02", "2020-03", "2020-04"])
    #expect(months.map(\.observed).reduce(0, +) == 500)
    for m in months { #expect(m.observed == arrivals.filter { $0.monthLabel == m.month }.count) }
    #expect(abs(months.map(\.expected).reduce(0, +) - 500) < 1e-9)
    #expect(abs(months.map(\.flat).reduce(0, +) - 500) < 1e-9)
    // January's 17 days at factor 0.5 against February's 29 at 1.5.
    #expect(abs(months[0].expected / months[1].expected - (17 * 0.5) / (29 * 1.5)) < 1e-12)
    for m in months {
      #expect(m.low == Double(Arrivals.poissonQuantile(0.05, mean: m.expected)) && m.high == Double(Arrivals.poissonQuantile(0.95, mean: m.expected)))
      #expect(m.low <= m.expected && m.expected <= m.high)
    }
  }
}
