import CGSL
import Foundation

extension RandomGenerator {
  /// The time still to come of a duration drawn from `sampler` that has already lasted `elapsed`:
  /// a draw of X - elapsed given X > elapsed (a deal already `elapsed` days into a stage).
  ///
  /// Exponential: memoryless, a fresh draw. Weibull: (elapsed/scale)^shape plus an exponential,
  /// transformed back (the cumulative hazard is exponential). Gamma, lognormal, normal and
  /// log-logistic: by inversion of the upper tail, u x P(X > elapsed) through GSL's `Q` and
  /// `Qinv` (accurate far in the tail). Uniform: uniform on what is left. Constant: what is left.
  /// Empirical: among its values above `elapsed`, by their probabilities. Triangular, PERT, beta
  /// and Poisson: drawn until above `elapsed` while that is likely, else by inversion of the tail
  /// left. When no value above `elapsed` is possible (or its probability underflows) the stage
  /// ends now: 0.
  public func sampleBeyond(_ sampler: Sampler, elapsed: Double, from tables: SamplerTables) -> Double {
    guard elapsed > 0 else { return sample(sampler, from: tables) }
    let (a, b) = (sampler.a, sampler.b)
    func inverting(_ survival: Double, _ quantile: (Double) -> Double) -> Double {
      guard survival > 0 else { return 0 }
      let x = quantile(gsl_rng_uniform_pos(rng) * survival)
      return x.isFinite ? max(x - elapsed, 0) : 0
    }
    switch sampler.form {
    case .constant: return max(a - elapsed, 0)
    case .exponential: return gsl_ran_exponential(rng, a)
    case .weibull:
      // a = scale, b = shape: H(x) = (x / scale)^shape; H(X) - H(elapsed) given X > elapsed is Exp(1).
      let h = pow(elapsed / a, b) + gsl_ran_exponential(rng, 1)
      return max(a * pow(h, 1 / b) - elapsed, 0)
    case .logLogistic:
      // a = scale, b = 1 / shape: S(x) = 1 / (1 + (x / scale)^shape), S^-1(q) = scale ((1 - q) / q)^(1/shape).
      let survival = 1 / (1 + pow(elapsed / a, 1 / b))
      return inverting(survival) { q in a * pow((1 - q) / q, b) }
    case .gamma: return inverting(gsl_cdf_gamma_Q(elapsed, a, b)) { gsl_cdf_gamma_Qinv($0, a, b) }
    case .logNormal: return inverting(gsl_cdf_lognormal_Q(elapsed, a, b)) { gsl_cdf_lognormal_Qinv($0, a, b) }
    case .normal:
      guard b > 0 else { return max(a - elapsed, 0) }
      return inverting(gsl_cdf_gaussian_Q(elapsed - a, b)) { a + gsl_cdf_gaussian_Qinv($0, b) }
    case .uniform:
      guard elapsed < b else { return 0 }
      return gsl_ran_flat(rng, max(a, elapsed), b) - elapsed
    case .empirical:
      // The values above `elapsed`, each with its probability (the difference of cumulative ones).
      let (start, n) = (sampler.tableStart, sampler.tableCount)
      let table = tables.storage
      func mass(_ i: Int) -> Double { (i == n - 1 ? 1 : table[start + n + i]) - (i == 0 ? 0 : table[start + n + i - 1]) }
      var total = 0.0
      var last = -1
      for i in 0..<n where table[start + i] > elapsed {
        total += mass(i)
        last = i
      }
      guard total > 0, last >= 0 else { return 0 }
      var u = gsl_rng_uniform(rng) * total
      for i in 0..<n where table[start + i] > elapsed {
        u -= mass(i)
        if u < 0 { return table[start + i] - elapsed }
      }
      return table[start + last] - elapsed
    case .triangular, .scaledBeta, .poisson:
      // Redrawing until above `elapsed` costs 1 / P(X > elapsed) draws on average: kept while that
      // is at most 64 (the draws of common deals stay what they were); beyond, the conditional
      // distribution's quantile function on the range left, so a deal past (or near) the end of
      // its stage costs one draw, not thousands.
      let survival = Self.survival(sampler, beyond: elapsed)
      guard survival > 0 else { return 0 }
      if survival >= Self.rejectionFloor {
        for _ in 0..<10_000 {
          let x = sample(sampler, from: tables)
          if x > elapsed { return x - elapsed }
        }
        return 0
      }
      switch sampler.form {
      case .triangular:
        let (a, b, c) = (sampler.a, sampler.b, sampler.c)
        return inverting(survival) { q in
          // S(x) = (b - x)^2 / ((b - a)(b - c)) right of the mode, 1 - (x - a)^2 / ((b - a)(c - a)) left of it.
          let right = (b - c) / (b - a)
          return q <= right ? b - (q * (b - a) * (b - c)).squareRoot() : a + ((1 - q) * (b - a) * (c - a)).squareRoot()
        }
      case .scaledBeta:
        return inverting(survival) { q in sampler.c + sampler.d * gsl_cdf_beta_Qinv(q, sampler.a, sampler.b) }
      default:
        // Poisson: the values above `elapsed` walked upward from the first, by their probabilities
        // (the tail shrinks faster than geometrically past the mean, so the walk is short).
        let mean = sampler.a
        var k = elapsed.rounded(.down) + 1
        var p = gsl_ran_poisson_pdf(UInt32(k), mean)
        var left = gsl_rng_uniform_pos(rng) * survival
        for _ in 0..<1_000_000 {
          left -= p
          if left <= 0 || p == 0 { break }
          p *= mean / (k + 1)
          k += 1
        }
        return k - elapsed
      }
    }
  }

  /// Below this probability of lasting beyond the time spent, a conditional draw inverts instead
  /// of redrawing.
  static let rejectionFloor = 1.0 / 64

  /// P(X > elapsed) of a triangular, scaled beta (PERT, beta) or Poisson sampler; 0 past its range.
  static func survival(_ sampler: Sampler, beyond elapsed: Double) -> Double {
    switch sampler.form {
    case .triangular:
      let (a, b, c) = (sampler.a, sampler.b, sampler.c)
      if elapsed <= a { return 1 }
      if elapsed >= b { return 0 }
      return elapsed < c ? 1 - (elapsed - a) * (elapsed - a) / ((b - a) * (c - a)) : (b - elapsed) * (b - elapsed) / ((b - a) * (b - c))
    case .scaledBeta:
      guard sampler.d > 0 else { return elapsed < sampler.c ? 1 : 0 }
      let y = (elapsed - sampler.c) / sampler.d
      if y <= 0 { return 1 }
      if y >= 1 { return 0 }
      return gsl_cdf_beta_Q(y, sampler.a, sampler.b)
    case .poisson:
      // Means are at most 10,000,000 (validation): a value beyond 2^32 has no probability a double holds.
      guard elapsed < Double(UInt32.max) else { return 0 }
      return gsl_cdf_poisson_Q(UInt32(elapsed.rounded(.down)), sampler.a)
    default: return 1
    }
  }
}

extension Sampler {
  /// P(X > x) of the sampled distribution: what a deal already x days into a stage tells about
  /// which of its outcomes is coming (competing risks conditioned on the time spent).
  public func survival(_ x: Double, from tables: SamplerTables) -> Double {
    guard x > 0 else { return 1 }
    switch form {
    case .constant: return a > x ? 1 : 0
    case .exponential: return exp(-x / a)
    case .gamma: return gsl_cdf_gamma_Q(x, a, b)
    case .logNormal: return gsl_cdf_lognormal_Q(x, a, b)
    case .weibull: return exp(-pow(x / a, b))
    case .logLogistic: return 1 / (1 + pow(x / a, 1 / b))
    case .normal:
      // Truncated at 0: P(X > x | X >= 0).
      guard b > 0 else { return a > x ? 1 : 0 }
      let kept = gsl_cdf_gaussian_Q(-a, b)
      return kept > 0 ? gsl_cdf_gaussian_Q(x - a, b) / kept : 0
    case .uniform: return x >= b ? 0 : x <= a ? 1 : (b - x) / (b - a)
    case .triangular:
      // a = min, b = max, c = mode.
      if x >= b { return 0 }
      if x <= a { return 1 }
      return x <= c ? 1 - (x - a) * (x - a) / ((b - a) * (c - a)) : (b - x) * (b - x) / ((b - a) * (b - c))
    case .scaledBeta: return d > 0 ? gsl_cdf_beta_Q(min(max((x - c) / d, 0), 1), a, b) : (c > x ? 1 : 0)
    case .poisson: return gsl_cdf_poisson_Q(UInt32(clamping: Int(x.rounded(.down))), a)
    case .empirical:
      let (start, n) = (tableStart, tableCount)
      let table = tables.storage
      var total = 0.0
      for i in 0..<n where table[start + i] > x { total += (i == n - 1 ? 1 : table[start + n + i]) - (i == 0 ? 0 : table[start + n + i - 1]) }
      return total
    }
  }
}
