import Foundation
import Randomness

/// Arrivals of opportunities: counts by month, a seasonal profile, and a test of the Poisson
/// assumption.
public enum Arrivals {
  /// Twelve monthly factors (January first) with mean 1 from arrivals over the window
  /// [first, last]: each calendar month's arrivals per day observed, over their mean. A month
  /// the window never reaches gets the mean rate (factor 1 before normalising) and is listed in
  /// `unobserved`.
  public static func seasonality(_ arrivals: [Day], from first: Day, through last: Day) -> (factors: [Double], counts: [Int], days: [Int], unobserved: [Int]) {
    var counts = Array(repeating: 0, count: 12)
    var days = Array(repeating: 0, count: 12)
    for day in first...last { days[day.month - 1] += 1 }
    for day in arrivals where day >= first && day <= last { counts[day.month - 1] += 1 }
    let observed = (0..<12).filter { days[$0] > 0 }
    let rates = (0..<12).map { days[$0] > 0 ? Double(counts[$0]) / Double(days[$0]) : .nan }
    let meanObserved = observed.map { rates[$0] }.reduce(0, +) / Double(max(observed.count, 1))
    var factors = rates.map { $0.isNaN ? meanObserved : $0 }
    let mean = factors.reduce(0, +) / 12
    factors = factors.map { mean > 0 ? $0 / mean : 1 }
    return (factors, counts, days, (0..<12).filter { days[$0] == 0 }.map { $0 + 1 })
  }

  /// The Poisson rate per day under the seasonal profile: n / sum over the window's days of
  /// the day's month factor (the maximum likelihood estimate given the factors).
  public static func rate(count: Int, from first: Day, through last: Day, factors: [Double]) -> Double {
    let exposure = (first...last).reduce(0.0) { $0 + factors[$1.month - 1] }
    return exposure > 0 ? Double(count) / exposure : 0
  }

  /// Arrivals by calendar month of the window [first, last] against what the fitted model
  /// expects: `rate` per day times the sum of the seasonal factors over the month's days in the
  /// window, with the central 90% of a Poisson count of that mean (GSL's Poisson CDF); and what
  /// one rate all year would expect.
  public static func monthly(_ arrivals: [Day], from first: Day, through last: Day, rate: Double, factors: [Double]) -> [MonthlyArrivals] {
    guard first <= last else { return [] }
    var months: [MonthlyArrivals] = []
    var index: [String: Int] = [:]
    for day in first...last {
      let label = day.monthLabel
      if index[label] == nil {
        index[label] = months.count
        months.append(MonthlyArrivals(month: label, observed: 0, expected: 0, low: 0, high: 0, flat: 0))
      }
      months[index[label]!].expected += rate * factors[day.month - 1]
      months[index[label]!].flat += 1
    }
    // One rate all year: the arrivals over the window's days.
    let flatRate = Double(arrivals.filter { $0 >= first && $0 <= last }.count) / Double(first.distance(to: last) + 1)
    for day in arrivals where day >= first && day <= last {
      if let i = index[day.monthLabel] { months[i].observed += 1 }
    }
    for i in months.indices {
      months[i].low = Double(poissonQuantile(0.05, mean: months[i].expected))
      months[i].high = Double(poissonQuantile(0.95, mean: months[i].expected))
      months[i].flat *= flatRate
    }
    return months
  }

  /// The smallest k with P(N <= k) >= p for N Poisson with `mean` (GSL's CDF, searched upward
  /// from a few standard deviations below the mean).
  public static func poissonQuantile(_ p: Double, mean: Double) -> Int {
    guard mean > 0, mean.isFinite else { return 0 }
    var k = max(0, Int((mean - 8 * mean.squareRoot() - 8).rounded(.down)))
    while Probability.poissonCDF(k, mean: mean) < p, k < Int(mean * 4 + 1000) { k += 1 }
    return k
  }

  /// The Pearson dispersion test of weekly counts against a Poisson process with the seasonal
  /// rate: X^2 = sum (O - E)^2 / E over whole weeks of the window, with weeks - 1 degrees of
  /// freedom (the rate is estimated). Under Poisson arrivals X^2 / df is about 1; a small p-value
  /// says the counts vary more than a Poisson process's (overdispersion), so simulated arrivals
  /// will vary less from month to month than history did.
  public static func dispersion(_ arrivals: [Day], from first: Day, through last: Day, factors: [Double]) -> DispersionTest {
    let weeks = (first.distance(to: last) + 1) / 7
    guard weeks >= 2 else { return DispersionTest(weeks: weeks, statistic: .nan, degreesOfFreedom: 0, pValue: .nan) }
    let (observed, exposure) = weekly(arrivals, from: first, weeks: weeks, factors: factors)
    let total = observed.reduce(0, +)
    let rate = total / exposure.reduce(0, +)
    var statistic = 0.0
    for w in 0..<weeks {
      let expected = rate * exposure[w]
      if expected > 0 { statistic += (observed[w] - expected) * (observed[w] - expected) / expected }
    }
    let df = Double(weeks - 1)
    return DispersionTest(weeks: weeks, statistic: statistic, degreesOfFreedom: df, pValue: SpecialFunctions.chiSquaredSurvival(statistic, degreesOfFreedom: df))
  }

  /// The arrivals in each whole week from `first`, and each week's exposure: the sum of its days'
  /// seasonal factors (`factors[month - 1]`).
  static func weekly(_ arrivals: [Day], from first: Day, weeks: Int, factors: [Double]) -> (observed: [Double], exposure: [Double]) {
    var observed = Array(repeating: 0.0, count: weeks)
    var exposure = Array(repeating: 0.0, count: weeks)
    for w in 0..<weeks {
      for d in 0..<7 { exposure[w] += factors[first.advanced(by: 7 * w + d).month - 1] }
    }
    for day in arrivals {
      let w = first.distance(to: day) / 7
      if day >= first, w < weeks { observed[w] += 1 }
    }
    return (observed, exposure)
  }

  /// The same test on counts with given expectations (for tests of its size).
  public static func dispersion(observed: [Int], expected: [Double]) -> DispersionTest {
    let total = Double(observed.reduce(0, +))
    let scale = total / expected.reduce(0, +)
    var statistic = 0.0
    for (o, e) in zip(observed, expected) where e > 0 { statistic += (Double(o) - scale * e) * (Double(o) - scale * e) / (scale * e) }
    let df = Double(observed.count - 1)
    return DispersionTest(weeks: observed.count, statistic: statistic, degreesOfFreedom: df, pValue: SpecialFunctions.chiSquaredSurvival(statistic, degreesOfFreedom: df))
  }
}

/// A month's arrivals against the fitted model's expectation and its central 90% range.
public struct MonthlyArrivals: Sendable, Equatable {
  public var month: String
  public var observed: Int
  public var expected: Double
  public var low: Double
  public var high: Double
  /// What one rate all year (no seasons) expects.
  public var flat: Double
}

/// A dispersion test's figures.
public struct DispersionTest: Sendable, Codable {
  public var weeks: Int
  public var statistic: Double
  public var degreesOfFreedom: Double
  public var pValue: Double
  /// X^2 / df: about 1 for Poisson counts, above 1 when they vary more.
  public var index: Double { degreesOfFreedom > 0 ? statistic / degreesOfFreedom : .nan }
}
