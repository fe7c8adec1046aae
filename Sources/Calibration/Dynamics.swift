import Foundation
import Randomness

/// The quarter-end pull seen in CRM data: wins that would come in a quarter's first days are
/// closed on the previous quarter's last day instead (the sales calendar). Fitted as the engine
/// models it (`quarter_end: {pull_days, pull_probability}`): wins come at one rate per day, except
/// in the first `days` of a quarter, where a share `probability` of them has been pulled away.
public struct QuarterPullFit: Sendable {
  public var days: Int
  /// Wins and days (in the window) inside the first `days` of quarters, and elsewhere.
  public var winsInside: Int
  public var daysInside: Int
  public var winsOutside: Int
  public var daysOutside: Int
  /// 1 - (wins a day inside) / (wins a day outside), at least 0.
  public var probability: Double
  /// The likelihood-ratio statistic against no pull (Poisson day counts) and its p-value
  /// (chi-squared, 1 degree of freedom; the window was chosen among the candidates, so a little
  /// optimistic).
  public var likelihoodRatio: Double
  public var pValue: Double
  public var isSignificant: Bool { pValue < 0.01 && probability > 0 }

  public static let candidateDays = [7, 14, 21, 31, 45]

  /// Whether `day` is within the first `days` days of its calendar quarter.
  public static func inside(_ day: Day, days: Int) -> Bool {
    let date = day.date
    let start = Day(.init(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1))
    return start.distance(to: day) < days
  }

  /// The best window by likelihood among `candidateDays`, from the days wins closed on over
  /// [first, until]; nil with fewer than 20 wins or days on either side of every window.
  public static func fit(wins: [Day], from first: Day, through until: Day) -> QuarterPullFit? {
    var best: QuarterPullFit?
    let span = first.distance(to: until) + 1
    guard span > 0 else { return nil }
    func logLik(_ count: Int, _ days: Int, rate: Double) -> Double { rate > 0 ? Double(count) * log(rate) - rate * Double(days) : 0 }
    let total = wins.filter { $0 >= first && $0 <= until }
    let nullLL = logLik(total.count, span, rate: Double(total.count) / Double(span))
    for d in candidateDays {
      let daysInside = (0..<span).filter { inside(first.advanced(by: $0), days: d) }.count
      let winsInside = total.filter { inside($0, days: d) }.count
      let (daysOutside, winsOutside) = (span - daysInside, total.count - winsInside)
      guard daysInside >= 20, daysOutside >= 20, winsInside >= 20, winsOutside >= 20 else { continue }
      let (rateIn, rateOut) = (Double(winsInside) / Double(daysInside), Double(winsOutside) / Double(daysOutside))
      let lr = max(0, 2 * (logLik(winsInside, daysInside, rate: rateIn) + logLik(winsOutside, daysOutside, rate: rateOut) - nullLL))
      let fit = QuarterPullFit(
        days: d, winsInside: winsInside, daysInside: daysInside, winsOutside: winsOutside, daysOutside: daysOutside, probability: max(0, 1 - rateIn / rateOut),
        likelihoodRatio: lr, pValue: SpecialFunctions.chiSquaredSurvival(lr, degreesOfFreedom: 1))
      // Only a deficit of wins early in quarters is a pull.
      guard rateIn < rateOut else { continue }
      if best == nil || lr > best!.likelihoodRatio { best = fit }
    }
    return best
  }
}

/// Reps' own win rates, shrunk toward their team's (empirical Bayes, beta-binomial moments).
public enum RepWinFactors {
  /// Each rep's factor: the shrunk win rate over the team's, p_i* / p with p_i* = p + B_i (w_i / n_i
  /// - p) and B_i = tau^2 / (tau^2 + p (1 - p) / n_i), tau^2 the variance of the reps' true rates
  /// by moments (the observed rates' variance less their mean binomial variance, at least 0); the
  /// factors then scaled to mean 1. `reps`: (name, won, closed) with closed > 0.
  public static func shrunk(_ reps: [(rep: String, won: Int, closed: Int)]) -> (factors: [(rep: String, won: Int, closed: Int, factor: Double)], tau2: Double) {
    let kept = reps.filter { $0.closed > 0 }
    let won = kept.reduce(0) { $0 + $1.won }
    let closed = kept.reduce(0) { $0 + $1.closed }
    guard kept.count >= 2, closed > 0, won > 0, won < closed else { return (kept.map { ($0.rep, $0.won, $0.closed, 1.0) }, 0) }
    let p = Double(won) / Double(closed)
    let rates = kept.map { Double($0.won) / Double($0.closed) }
    let mean = rates.reduce(0, +) / Double(rates.count)
    let observed = rates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rates.count - 1)
    let binomial = kept.reduce(0) { $0 + p * (1 - p) / Double($1.closed) } / Double(kept.count)
    let tau2 = max(0, observed - binomial)
    var factors = kept.map { r -> (String, Int, Int, Double) in
      let b = tau2 / (tau2 + p * (1 - p) / Double(r.closed))
      return (r.rep, r.won, r.closed, (p + b * (Double(r.won) / Double(r.closed) - p)) / p)
    }
    let average = factors.reduce(0) { $0 + $1.3 } / Double(factors.count)
    factors = factors.map { ($0.0, $0.1, $0.2, $0.3 / average) }
    return (factors.map { (rep: $0.0, won: $0.1, closed: $0.2, factor: $0.3) }, tau2)
  }
}

extension Arrivals {
  /// The coefficient of variation c of a gamma factor on the arrival rate, by moments from whole
  /// weeks' counts against the seasonal expectation: Var = m + c^2 m^2, so
  /// c^2 = sum ((O - E)^2 - O) / sum E^2, at least 0.
  public static func gammaCV(_ arrivals: [Day], from first: Day, through last: Day, factors: [Double]) -> Double {
    let weeks = (first.distance(to: last) + 1) / 7
    guard weeks >= 2 else { return 0 }
    let (observed, exposure) = weekly(arrivals, from: first, weeks: weeks, factors: factors)
    let rate = observed.reduce(0, +) / max(exposure.reduce(0, +), 1e-300)
    var numerator = 0.0
    var denominator = 0.0
    for w in 0..<weeks {
      let e = rate * exposure[w]
      numerator += (observed[w] - e) * (observed[w] - e) - observed[w]
      denominator += e * e
    }
    return denominator > 0 ? max(0, numerator / denominator).squareRoot() : 0
  }
}
