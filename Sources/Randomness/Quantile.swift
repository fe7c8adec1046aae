import CGSL
import CoverageModel
import Foundation

extension Distribution {
  /// The p-quantile Q(p) of what is sampled, for p in (0, 1): GSL's inverse CDFs where it has
  /// them, closed forms for the triangular, the empirical step function and the Poisson's
  /// smallest k with CDF >= p. Used to rank accounts by potential (Q(1 - (i + 0.5)/N)).
  public func quantile(_ p: Double) -> Double {
    switch self {
    case .constant(let c): return c
    case .exponential(let mean): return gsl_cdf_exponential_Pinv(p, mean)
    case .gamma(let shape, let scale): return gsl_cdf_gamma_Pinv(p, shape, scale)
    case .logNormal(let median, let sigma): return gsl_cdf_lognormal_Pinv(p, Foundation.log(median), sigma)
    case .weibull(let shape, let scale): return gsl_cdf_weibull_Pinv(p, scale, shape)
    case .logLogistic(let shape, let scale): return scale * Foundation.pow(p / (1 - p), 1 / shape)
    case .normal(let mean, let sd):
      // Truncated at 0: the quantile of the part above 0.
      let below = gsl_cdf_gaussian_P(-mean, sd)
      return max(0, mean + gsl_cdf_gaussian_Pinv(below + p * (1 - below), sd))
    case .uniform(let min, let max): return min + p * (max - min)
    case .triangular(let min, let mode, let max):
      let cut = (mode - min) / (max - min)
      return p < cut ? min + (p * (max - min) * (mode - min)).squareRoot() : max - ((1 - p) * (max - min) * (max - mode)).squareRoot()
    case .pert(let min, let mode, let max):
      let range = max - min
      return min + range * gsl_cdf_beta_Pinv(p, 1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range)
    case .beta(let alpha, let beta): return gsl_cdf_beta_Pinv(p, alpha, beta)
    case .poisson(let mean):
      if mean > 1000 { return max(0, (mean + mean.squareRoot() * gsl_cdf_ugaussian_Pinv(p)).rounded()) }  // normal approximation
      var k: UInt32 = 0
      while gsl_cdf_poisson_P(k, mean) < p, k < 1 << 30 { k += 1 }
      return Double(k)
    case .empirical(let values, let weights):
      let total = weights.reduce(0, +)
      let order = values.indices.sorted { values[$0] < values[$1] }
      var cumulative = 0.0
      for i in order {
        cumulative += weights[i] / total
        if cumulative >= p { return values[i] }
      }
      return order.last.map { values[$0] } ?? 0
    }
  }
}

extension Segment {
  /// Account potentials ranked from the largest: account i of N has Q(1 - (i + 0.5)/N), or a named
  /// account list's `potential` column (negative values count as 0). Empty when the segment's
  /// accounts are all alike.
  public func accountPotentials() -> [Double] {
    if let list = accountList { return list.hasPotential ? list.accounts.map { max(0, $0.potential ?? 0) } : [] }
    guard let potential = accountPotential else { return [] }
    let n = Double(accounts)
    return (0..<accounts).map { i in max(0, potential.quantile(1 - (Double(i) + 0.5) / n)) }
  }

  /// The share of the segment's opportunities that falls on accounts [lower, upper) of its size
  /// ranking (fractions of its accounts): the share of accounts when all are alike, else the share
  /// of potential (a Lorenz share).
  public func opportunityShare(from lower: Double, to upper: Double, potentials: [Double]) -> Double {
    guard !potentials.isEmpty else { return upper - lower }
    let total = potentials.reduce(0, +)
    guard total > 0 else { return upper - lower }
    let n = Double(potentials.count)
    // An account belongs to the slice holding its position i / N (as the engine assigns it).
    var sum = 0.0
    for (i, q) in potentials.enumerated() where Double(i) / n >= lower - 1e-12 && Double(i) / n < upper - 1e-12 { sum += q }
    return sum / total
  }
}
