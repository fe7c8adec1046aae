import Foundation
import Randomness

/// Goodness-of-fit statistics of a sample against a CDF, and their p-values.
public enum GoodnessOfFit {
  /// The simulated samples behind an estimated-parameter p-value: with 199 the p-value is a
  /// multiple of 1/200, so "p <= 5%" and "p <= 1%" are exact levels and the smallest p, 1/200, is
  /// below the 1% at which `cccm fit` gives up on every family.
  public static let replicates = 199

  /// P(A^2 >= the fit's A^2) when the family's parameters were estimated from the sample itself:
  /// a parametric bootstrap (Stuart, Ord and Arnold, Kendall's Advanced Theory of Statistics 2A,
  /// 25.3; D'Agostino and Stephens 1986, ch. 4, give the same for some families as tables).
  ///
  /// Each of `replicates` samples of `n` values is drawn from the fitted distribution, the family is
  /// fitted to it anew, and its A^2 is taken against its own fit, so the simulated A^2 carries the
  /// same pull towards the data that estimation gives the observed one (with fitted parameters A^2
  /// is far smaller than against the truth: the fully specified 5% point 2.49 is never reached).
  /// The p-value is (exceedances + 1) / (usable samples + 1), so it is never 0. Each refit is the
  /// maximum likelihood estimate (closed form for the exponential and lognormal, else the simplex
  /// started at the parameters drawn from), without the standard errors a report needs. The draws come
  /// from the Philox stream (`seed`, attribute 0xAD00 + the family's index), so the same data give
  /// the same p-value. Nil without an A^2 (censored or weighted samples) or with `replicates` 0.
  public static func andersonDarlingPValue(_ fit: FamilyFit, n: Int, replicates: Int = replicates, seed: UInt64) -> Double? {
    guard let observed = fit.andersonDarling, observed.isFinite, replicates > 0, n >= 2 else { return nil }
    let index = LifetimeFamily.allCases.firstIndex(of: fit.family) ?? 0
    let generator = RandomGenerator()
    generator.select(key: seed, attribute: 0xAD00 &+ UInt64(index))
    var exceed = 0
    var used = 0
    for _ in 0..<replicates {
      let x = (0..<n).map { _ in fit.family.draw(fit.parameters, generator) }
      guard let p = MaximumLikelihood.estimate(fit.family, x, from: fit.parameters) else { continue }
      let a2 = andersonDarling(x) { fit.family.cdf($0, p) }
      guard a2.isFinite else { continue }
      used += 1
      if a2 >= observed { exceed += 1 }
    }
    return used > 0 ? Double(exceed + 1) / Double(used + 1) : nil
  }

  /// The Anderson-Darling statistic A^2 = -n - (1/n) sum (2i - 1) [ln F(x_(i)) + ln(1 - F(x_(n+1-i)))]
  /// (Anderson and Darling 1954), which weighs the tails: the tail of deal sizes drives bookings.
  public static func andersonDarling(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let x = sample.sorted()
    let n = Double(x.count)
    guard !x.isEmpty else { return .nan }
    let u = x.map { min(max(cdf($0), 1e-300), 1 - 1e-16) }
    var sum = 0.0
    for i in 0..<x.count {
      sum += Double(2 * i + 1) * (log(u[i]) + log1p(-u[x.count - 1 - i]))
    }
    return -n - sum / n
  }

  /// P(A^2 < z) for a sample of n from a fully specified distribution (not for fitted
  /// parameters: see `andersonDarlingPValue`): Marsaglia and Marsaglia
  /// (2004), "Evaluating the Anderson-Darling distribution", ADinf with its finite-n correction.
  public static func andersonDarlingCDF(_ z: Double, n: Int) -> Double {
    guard z > 0 else { return 0 }
    let x = adInfinity(z)
    return min(max(x + adErrorFix(n, x), 0), 1)
  }

  static func adInfinity(_ z: Double) -> Double {
    if z < 2 {
      return exp(-1.2337141 / z) / z.squareRoot() * (2.00012 + (0.247105 - (0.0649821 - (0.0347962 - (0.011672 - 0.00168691 * z) * z) * z) * z) * z)
    }
    return exp(-exp(1.0776 - (2.30695 - (0.43424 - (0.082433 - (0.008056 - 0.0003146 * z) * z) * z) * z) * z))
  }

  static func adErrorFix(_ n: Int, _ x: Double) -> Double {
    let n = Double(max(n, 1))
    if x > 0.8 {
      return (-130.2137 + (745.2337 - (1705.091 - (1950.646 - (1116.360 - 255.7844 * x) * x) * x) * x) * x) / n
    }
    let c = 0.01265 + 0.1757 / n
    if x < c {
      var t = x / c
      t = t.squareRoot() * (1 - t) * (49 * t - 102)
      return t * (0.0037 / (n * n) + 0.00078 / n + 0.00006) / n
    }
    var y = (x - c) / (0.8 - c)
    y = -0.00022633 + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 * y) * y) * y) * y) * y
    return y * (0.04213 / n + 0.01365 / (n * n))
  }

  /// The Kolmogorov-Smirnov statistic D = sup |F_n(x) - F(x)|.
  public static func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let x = sample.sorted()
    let n = Double(x.count)
    var d = 0.0
    for (i, value) in x.enumerated() {
      let f = cdf(value)
      d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
    }
    return d
  }

  /// P(D > d) for n values from a fully specified distribution: Kolmogorov's limit
  /// 2 sum (-1)^(k-1) e^(-2 k^2 t^2) at t = d (sqrt n + 0.12 + 0.11/sqrt n) (Stephens 1970).
  public static func kolmogorovSmirnovPValue(_ d: Double, n: Int) -> Double {
    let root = Double(n).squareRoot()
    let t = d * (root + 0.12 + 0.11 / root)
    guard t > 0.2 else { return 1 }
    var sum = 0.0
    for k in 1...100 {
      let term = exp(-2 * Double(k * k) * t * t)
      sum += (k % 2 == 1 ? 1 : -1) * term
      if term < 1e-16 { break }
    }
    return min(max(2 * sum, 0), 1)
  }
}
