import Foundation
import Randomness
import Testing

@testable import Calibration

/// Draws from GSL on a fixed Philox stream.
func generator(_ key: UInt64) -> RandomGenerator {
  let g = RandomGenerator()
  g.select(key: key, attribute: 7)
  return g
}

@Suite("Censored maximum likelihood")
struct MaximumLikelihoodTests {
  static let truths: [(LifetimeFamily, [Double])] = [
    (.exponential, [40]), (.gamma, [2.5, 45]), (.weibull, [1.6, 50]), (.lognormal, [30, 0.8]), (.loglogistic, [3, 35]),
  ]

  @Test("every family's parameters are recovered within 4 standard errors, uncensored and with 30-50% censored", arguments: [false, true])
  func recovers(censored: Bool) {
    for (index, (family, truth)) in Self.truths.enumerated() {
      let g = generator(100 + UInt64(index) + (censored ? 50 : 0))
      var events: [Double] = []
      var cut: [Double] = []
      for _ in 0..<2000 {
        let x = family.draw(truth, g)
        // Independent censoring: the cut-off falls uniformly over 0-120 days after engagement.
        let c = censored ? 120 * g.uniformPositive() : .infinity
        if x <= c { events.append(x) } else { cut.append(c) }
      }
      if censored { #expect(cut.count > 300, "\(family): only \(cut.count) censored") }
      guard let fit = MaximumLikelihood.fit(family, CensoredSample(events: events, censored: cut)) else {
        Issue.record("\(family): no fit")
        continue
      }
      #expect(fit.converged)
      for i in truth.indices {
        let z = (fit.parameters[i] - truth[i]) / fit.standardErrors[i]
        #expect(abs(z) < 4, "\(family) \(family.parameterNames[i]): \(fit.parameters[i]) against \(truth[i]), SE \(fit.standardErrors[i])")
      }
    }
  }

  @Test("the exponential's MLE under censoring is the closed form: total time / events")
  func exponentialClosedForm() throws {
    let events = [3.0, 7, 12, 20, 41]
    let censored = [15.0, 30, 60]
    let fit = try #require(MaximumLikelihood.fit(.exponential, CensoredSample(events: events, censored: censored)))
    let closedForm = (events.reduce(0, +) + censored.reduce(0, +)) / Double(events.count)
    #expect(abs(fit.parameters[0] - closedForm) / closedForm < 1e-6)
    // Observed information: events / mean^2, so SE = mean / sqrt(events).
    #expect(abs(fit.standardErrors[0] - closedForm / 5.0.squareRoot()) / fit.standardErrors[0] < 1e-3)
  }

  @Test("families are told apart on large samples: AIC ranks the true family first")
  func familiesToldApart() {
    for (index, (family, truth)) in Self.truths.enumerated() where family != .exponential {
      let g = generator(300 + UInt64(index))
      let sample = CensoredSample(events: (0..<3000).map { _ in family.draw(truth, g) })
      let ranked = MaximumLikelihood.ranked(sample)
      #expect(ranked.first?.family == family, "\(family): ranked \(ranked.map { "\($0.family) \($0.aic)" })")
    }
    // Exponential data: the one-parameter family is within 2 AIC of the best (extra shapes buy little).
    let g = generator(299)
    let ranked = MaximumLikelihood.ranked(CensoredSample(events: (0..<5000).map { _ in g.exponential(mean: 40) }))
    let exponential = ranked.first { $0.family == .exponential }!
    #expect(exponential.aic - ranked[0].aic < 2)
  }

  @Test("weighted censored observations: the time to a win given a win is recovered under competing risks and heavy censoring")
  func conditionalTimeUnderCompetingRisks() {
    let g = generator(400)
    var ages: [Double] = []
    var endings: [Ending] = []
    // p = 0.6; wins after gamma(2, mean 60) days, losses after lognormal(15, 0.8); engaged uniformly over 400 days before the cut-off.
    for _ in 0..<6000 {
      let win = g.uniform() < 0.6
      let t = win ? g.gamma(shape: 2, scale: 30) : g.logNormal(median: 15, sigma: 0.8)
      let age = 400 * g.uniformPositive()
      ages.append(min(t, age))
      endings.append(t <= age ? (win ? .won : .lost) : .open)
    }
    let risks = CompetingRisks(ages: ages, endings: endings)
    let wins = zip(ages, endings).filter { $0.1 == .won }.map(\.0)
    let open = zip(ages, endings).filter { $0.1 == .open }.map(\.0)
    let weighted = CensoredSample(events: wins, censored: open, censoredWeights: open.map { risks.conditionalWeight(.won, openAt: $0) })
    let fit = MaximumLikelihood.fit(.gamma, weighted)!
    #expect(abs(fit.parameters[0] - 2) < 4 * fit.standardErrors[0], "shape \(fit.parameters[0]) SE \(fit.standardErrors[0])")
    #expect(abs(fit.parameters[1] - 60) < 4 * fit.standardErrors[1], "mean \(fit.parameters[1]) SE \(fit.standardErrors[1])")
    // Ignoring the open deals (wins only) is biased towards short cycles: long wins are still open.
    let naive = MaximumLikelihood.fit(.gamma, CensoredSample(events: wins))!
    #expect(naive.parameters[1] < 60 - 4 * fit.standardErrors[1], "wins-only mean \(naive.parameters[1])")
  }

  @Test("bootstrap intervals with a fixed seed are reproducible and cover the estimate")
  func bootstrap() {
    let g = generator(500)
    let sample = CensoredSample(events: (0..<400).map { _ in g.logNormal(median: 30, sigma: 0.8) })
    let a = MaximumLikelihood.bootstrap(.lognormal, sample, replicates: 50, seed: 9)
    let b = MaximumLikelihood.bootstrap(.lognormal, sample, replicates: 50, seed: 9)
    #expect(a == b && a.count == 2)
    let fit = MaximumLikelihood.fit(.lognormal, sample)!
    for i in 0..<2 { #expect(a[i].contains(fit.parameters[i])) }
    // The bootstrap's width agrees with the information's standard error (within a third).
    let width = (a[1].upperBound - a[1].lowerBound) / (2 * 1.96)
    // Fewer than 10 resamples give no interval rather than a meaningless one.
    #expect(MaximumLikelihood.bootstrap(.lognormal, sample, replicates: 5, seed: 9).isEmpty)
    #expect(abs(width - fit.standardErrors[1]) / fit.standardErrors[1] < 0.35, "bootstrap SE \(width), information SE \(fit.standardErrors[1])")
  }
}

@Suite("Competing risks: Aalen-Johansen")
struct CompetingRisksTests {
  @Test("with nothing censored the cumulative incidence is the empirical proportion")
  func uncensored() {
    let ages: [Double] = [5, 3, 9, 3, 12, 7, 7, 20]
    let endings: [Ending] = [.won, .lost, .won, .won, .lost, .won, .lost, .won]
    let r = CompetingRisks(ages: ages, endings: endings)
    #expect(abs(r.finalWon - 5.0 / 8) < 1e-12 && abs(r.finalLost - 3.0 / 8) < 1e-12)
    #expect(abs(r.winProbability - r.closedWinRate) < 1e-12)
    // The CIF at age 7: wins at 3, 5, 7 of 8.
    #expect(abs(r.wonIncidence[r.ages.firstIndex(of: 7)!] - 3.0 / 8) < 1e-12)
  }

  @Test("a small censored example by hand")
  func byHand() {
    // Ages 2 won, 4 open, 6 lost, 8 won: S = 1 -> 3/4 at 2; at 6, 2 at risk: CIF_l += 3/4 * 1/2; S = 3/8; at 8: CIF_w += 3/8.
    let r = CompetingRisks(ages: [2, 4, 6, 8], endings: [.won, .open, .lost, .won])
    #expect(abs(r.finalWon - (0.25 + 0.375)) < 1e-12 && abs(r.finalLost - 0.375) < 1e-12)
    #expect(abs(r.conditionalWeight(.won, openAt: 4) - (0.625 - 0.25) / 0.75) < 1e-12)
  }

  @Test("unbiased under independent censoring, where won / (won + lost) is not (200 data sets)")
  func unbiased() {
    let g = generator(600)
    var aj: [Double] = []
    var naive: [Double] = []
    for _ in 0..<200 {
      var ages: [Double] = []
      var endings: [Ending] = []
      for _ in 0..<500 {
        let win = g.uniform() < 0.6
        let t = g.exponential(mean: win ? 60 : 15)
        let age = 150 * g.uniformPositive()
        ages.append(min(t, age))
      endings.append(t <= age ? (win ? .won : .lost) : .open)
      }
      let r = CompetingRisks(ages: ages, endings: endings)
      aj.append(r.finalWon)
      naive.append(r.closedWinRate)
    }
    func meanAndSE(_ v: [Double]) -> (Double, Double) {
      let m = v.reduce(0, +) / Double(v.count)
      let sd = (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
      return (m, sd / Double(v.count).squareRoot())
    }
    // The true CIF of winning by 150 days: 0.6 (1 - e^(-150/60)); with censoring uniform on (0, 150) it is estimable to 150.
    let truth = 0.6 * (1 - exp(-150.0 / 60))
    let (m, se) = meanAndSE(aj)
    #expect(abs(m - truth) < 4 * se, "Aalen-Johansen mean \(m) against \(truth), SE \(se)")
    let (n, nse) = meanAndSE(naive)
    #expect(n < 0.6 - 10 * nse, "won / (won + lost) mean \(n): biased low, as quick losses are seen first")
  }
}

@Suite("Goodness of fit")
struct GoodnessOfFitTests {
  @Test("A^2 and D of a small sample against the uniform, computed by hand")
  func byHand() {
    // A^2 = -3 - (1/3)[1 (ln .1 + ln .3) + 3 (ln .4 + ln .6) + 5 (ln .7 + ln .9)] = 0.366028087...
    let a2 = GoodnessOfFit.andersonDarling([0.7, 0.1, 0.4]) { $0 }
    #expect(abs(a2 - 0.3660280874077375) < 1e-12)
    // D = max(1/3 - .1, 2/3 - .4, 1 - .7, ...) = 0.3.
    #expect(abs(GoodnessOfFit.kolmogorovSmirnov([0.7, 0.1, 0.4]) { $0 } - 0.3) < 1e-12)
  }

  @Test("the Anderson-Darling distribution at Stephens' (1974) asymptotic critical values 1.933, 2.492, 3.857")
  func andersonDarlingCriticalValues() {
    #expect(abs(GoodnessOfFit.andersonDarlingCDF(1.933, n: 100_000) - 0.90) < 0.002)
    #expect(abs(GoodnessOfFit.andersonDarlingCDF(2.492, n: 100_000) - 0.95) < 0.002)
    #expect(abs(GoodnessOfFit.andersonDarlingCDF(3.857, n: 100_000) - 0.99) < 0.001)
  }

  @Test("Kolmogorov's limit at its critical values 1.358 (5%) and 1.628 (1%)")
  func kolmogorovCriticalValues() {
    let n = 1_000_000
    let root = Double(n).squareRoot()
    let scale = root + 0.12 + 0.11 / root
    #expect(abs(GoodnessOfFit.kolmogorovSmirnovPValue(1.358 / scale, n: n) - 0.05) < 0.001)
    #expect(abs(GoodnessOfFit.kolmogorovSmirnovPValue(1.628 / scale, n: n) - 0.01) < 0.0005)
  }

  @Test("test size: samples of 50 from the stated distribution are rejected at 5% about 5% of the time")
  func size() {
    let g = generator(700)
    let trials = 2000
    var adRejections = 0
    var ksRejections = 0
    for _ in 0..<trials {
      let x = (0..<50).map { _ in g.exponential(mean: 10) }
      let cdf = { (v: Double) in 1 - exp(-v / 10) }
      if 1 - GoodnessOfFit.andersonDarlingCDF(GoodnessOfFit.andersonDarling(x, cdf: cdf), n: 50) < 0.05 { adRejections += 1 }
      if GoodnessOfFit.kolmogorovSmirnovPValue(GoodnessOfFit.kolmogorovSmirnov(x, cdf: cdf), n: 50) < 0.05 { ksRejections += 1 }
    }
    let se = (0.05 * 0.95 / Double(trials)).squareRoot()
    #expect(abs(Double(adRejections) / Double(trials) - 0.05) < 4 * se, "AD rejected \(adRejections) of \(trials)")
    #expect(abs(Double(ksRejections) / Double(trials) - 0.05) < 4 * se, "KS rejected \(ksRejections) of \(trials)")
  }
}

@Suite("Arrivals")
struct ArrivalTests {
  @Test("Poisson counts: the dispersion index averages 1 and the test rejects at 5% about 5% of the time")
  func dispersionSize() {
    let g = generator(800)
    let trials = 2000
    var rejections = 0
    var indices: [Double] = []
    for _ in 0..<trials {
      let expected = (0..<52).map { 15 + 10 * sin(Double($0) / 8) }
      let counts = expected.map { g.poisson(mean: $0) }
      let test = Arrivals.dispersion(observed: counts, expected: expected)
      indices.append(test.index)
      if test.pValue < 0.05 { rejections += 1 }
    }
    let se = (0.05 * 0.95 / Double(trials)).squareRoot()
    #expect(abs(Double(rejections) / Double(trials) - 0.05) < 4 * se, "rejected \(rejections) of \(trials)")
    let mean = indices.reduce(0, +) / Double(trials)
    // X^2 / 51 has variance 2/51 under the null.
    #expect(abs(mean - 1) < 4 * (2.0 / 51 / Double(trials)).squareRoot(), "mean index \(mean)")
  }

  @Test("overdispersed counts (gamma-mixed Poisson, variance 3x the mean) are found")
  func overdispersion() {
    let g = generator(801)
    var found = 0
    for _ in 0..<200 {
      // Mean 20, variance 20 + 20^2/10 = 60.
      let counts = (0..<52).map { _ in g.poisson(mean: g.gamma(shape: 10, scale: 2)) }
      let test = Arrivals.dispersion(observed: counts, expected: Array(repeating: 20, count: 52))
      if test.pValue < 0.05 { found += 1 }
    }
    #expect(found > 190, "found \(found) of 200")
  }

  @Test("seasonal factors are recovered from three years of seasonal Poisson arrivals, within 4 standard errors")
  func seasonality() {
    let g = generator(802)
    let truth: [Double] = [0.6, 0.7, 1.2, 1.0, 0.9, 1.3, 1.4, 0.8, 1.0, 1.1, 1.2, 0.8].map { $0 / (12.0 / 12) }
    let mean = truth.reduce(0, +) / 12
    let factors = truth.map { $0 / mean }
    let first = Day(.init(year: 2020, month: 1, day: 1))
    let last = Day(.init(year: 2022, month: 12, day: 31))
    var arrivals: [Day] = []
    for day in first...last {
      for _ in 0..<g.poisson(mean: 6 * factors[day.month - 1]) { arrivals.append(day) }
    }
    let fitted = Arrivals.seasonality(arrivals, from: first, through: last)
    for m in 0..<12 {
      let se = factors[m] / Double(fitted.counts[m]).squareRoot()
      #expect(abs(fitted.factors[m] - factors[m]) < 4 * se, "month \(m + 1): \(fitted.factors[m]) against \(factors[m])")
    }
    #expect(abs(fitted.factors.reduce(0, +) - 12) < 1e-9)
    let rate = Arrivals.rate(count: arrivals.count, from: first, through: last, factors: fitted.factors)
    #expect(abs(rate - 6) < 4 * (6.0 / Double(first.distance(to: last) + 1)).squareRoot())
  }

  @Test("days: civil dates round-trip and 1970-01-01 is day 0")
  func days() {
    #expect(Day(.init(year: 1970, month: 1, day: 1)).number == 0)
    #expect(Day(.init(year: 2017, month: 3, day: 1)).distance(to: Day(.init(year: 2016, month: 2, day: 28))) == -367)
    for n in stride(from: -800_000, to: 800_000, by: 997) { #expect(Day(Day(number: n).date).number == n) }
  }
}

@Suite("The quarter-end push")
struct QuarterEndTests {
  @Test("a close is inside the window as the engine tests it: the next quarter starts within last_days")
  func inside() {
    let day = { (y: Int, m: Int, d: Int) in Day(.init(year: y, month: m, day: d)) }
    #expect(QuarterEndFit.inside(day(2017, 3, 31), lastDays: 1) && !QuarterEndFit.inside(day(2017, 3, 30), lastDays: 1))
    #expect(QuarterEndFit.inside(day(2017, 12, 31), lastDays: 1) && QuarterEndFit.inside(day(2017, 12, 18), lastDays: 14))
    #expect(!QuarterEndFit.inside(day(2017, 12, 17), lastDays: 14) && !QuarterEndFit.inside(day(2018, 1, 1), lastDays: 31))
  }

  @Test("a known push (0.5 -> 0.8 in the last 14 days) is found with its window and factor; none is found where there is none")
  func recovers() throws {
    let g = generator(900)
    let first = Day(.init(year: 2020, month: 1, day: 1))
    var pushed: [(day: Day, won: Bool)] = []
    var flat: [(day: Day, won: Bool)] = []
    for _ in 0..<8000 {
      let day = first.advanced(by: g.uniformIndex(below: 730))
      let p = QuarterEndFit.inside(day, lastDays: 14) ? 0.8 : 0.5
      pushed.append((day, g.uniform() < p))
      flat.append((day, g.uniform() < 0.6))
    }
    let fit = try #require(QuarterEndFit.fit(pushed))
    #expect(fit.lastDays == 14 && fit.isSignificant)
    let se = (log(fit.factorInterval.upperBound) - log(fit.factor)) / 1.96
    #expect(abs(log(fit.factor) - log(1.6)) < 4 * se, "factor \(fit.factor)")
    // Keeping the overall win rate: advance x ((1 - s) + s x factor) = the pooled win rate.
    let pooled = Double(pushed.filter(\.won).count) / Double(pushed.count)
    let outside = Double(fit.wonOutside) / Double(fit.closedOutside)
    #expect(abs(pooled * fit.advanceScale - outside) < 1e-12)
    let none = try #require(QuarterEndFit.fit(flat))
    let noneSE = (log(none.factorInterval.upperBound) - log(none.factor)) / 1.96
    // The best of five windows: allow the selection's spread.
    #expect(abs(log(none.factor)) < 4 * noneSE, "factor \(none.factor) where there is no push")
  }
}
