import CGSL
import Foundation

/// Special functions and distribution tails from GSL, for likelihoods and tests of fit.
public enum SpecialFunctions {
  /// log Γ(x) for x > 0 (`gsl_sf_lngamma`).
  public static func logGamma(_ x: Double) -> Double { gsl_sf_lngamma(x) }

  /// The regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (`gsl_sf_gamma_inc_Q`),
  /// the survival function of a gamma(shape a, scale 1) at x.
  public static func upperIncompleteGamma(_ a: Double, _ x: Double) -> Double {
    x <= 0 ? 1 : gsl_sf_gamma_inc_Q(a, x)
  }

  /// log P(Z > z) for the standard normal, accurate far into the tail (`gsl_sf_log_erfc`).
  public static func logNormalSurvival(_ z: Double) -> Double { gsl_sf_log_erfc(z / 2.0.squareRoot()) - log(2.0) }

  /// P(X > x) for chi-squared with `degreesOfFreedom` (`gsl_cdf_chisq_Q`): a test's p-value.
  public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
    gsl_cdf_chisq_Q(x, degreesOfFreedom)
  }

  /// The standard normal's P(Z <= z) (`gsl_cdf_ugaussian_P`).
  public static func normalCDF(_ z: Double) -> Double { gsl_cdf_ugaussian_P(z) }

  /// The gamma's CDF (`gsl_cdf_gamma_P`).
  public static func gammaCDF(_ x: Double, shape: Double, scale: Double) -> Double { x <= 0 ? 0 : gsl_cdf_gamma_P(x, shape, scale) }
}

extension RandomGenerator {
  /// A gamma draw (`gsl_ran_gamma`).
  public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(rng, shape, scale) }
  /// A Weibull draw (`gsl_ran_weibull`, scale then shape).
  public func weibull(shape: Double, scale: Double) -> Double { gsl_ran_weibull(rng, scale, shape) }
  /// A lognormal draw (`gsl_ran_lognormal` with zeta = log median).
  public func logNormal(median: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, log(median), sigma) }
  /// A log-logistic draw by inversion: scale x (u / (1 - u))^(1/shape).
  public func logLogistic(shape: Double, scale: Double) -> Double {
    let u = gsl_rng_uniform_pos(rng)
    return scale * pow(u / (1 - u), 1 / shape)
  }
  /// A Poisson draw (`gsl_ran_poisson`).
  public func poisson(mean: Double) -> Int { Int(gsl_ran_poisson(rng, mean)) }
  /// A whole number in 0..<n, each equally likely (`gsl_rng_uniform_int`); n >= 1.
  public func uniformIndex(below n: Int) -> Int {
    precondition(n >= 1, "uniformIndex: n must be at least 1, got \(n)")
    return Int(gsl_rng_uniform_int(rng, UInt(n)))
  }
}
