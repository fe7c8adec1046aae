import CGSL
import Foundation

/// Distribution functions and quantiles from GSL, for confidence intervals and goodness-of-fit tests.
public enum Probability {
  /// The p-quantile of Student's t with `degreesOfFreedom` (`gsl_cdf_tdist_Pinv`).
  public static func studentTQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
    gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
  }

  /// P(T <= x) for Student's t with `degreesOfFreedom` (`gsl_cdf_tdist_P`).
  public static func studentTCDF(_ x: Double, degreesOfFreedom: Double) -> Double { gsl_cdf_tdist_P(x, degreesOfFreedom) }

  /// The p-quantile of the standard normal (`gsl_cdf_ugaussian_Pinv`).
  public static func normalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }

  /// P(X <= x) for the standard normal (`gsl_cdf_ugaussian_P`).
  public static func normalCDF(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }

  public static func exponentialCDF(_ x: Double, mean: Double) -> Double { gsl_cdf_exponential_P(x, mean) }
  public static func gammaCDF(_ x: Double, shape: Double, scale: Double) -> Double { gsl_cdf_gamma_P(x, shape, scale) }
  public static func logNormalCDF(_ x: Double, median: Double, sigma: Double) -> Double {
    gsl_cdf_lognormal_P(x, log(median), sigma)
  }
  public static func weibullCDF(_ x: Double, shape: Double, scale: Double) -> Double { gsl_cdf_weibull_P(x, scale, shape) }
  public static func normalCDF(_ x: Double, mean: Double, sd: Double) -> Double { gsl_cdf_gaussian_P(x - mean, sd) }
  public static func uniformCDF(_ x: Double, min: Double, max: Double) -> Double { gsl_cdf_flat_P(x, min, max) }
  public static func betaCDF(_ x: Double, alpha: Double, beta: Double) -> Double { gsl_cdf_beta_P(x, alpha, beta) }
  public static func poissonCDF(_ k: Int, mean: Double) -> Double { gsl_cdf_poisson_P(UInt32(clamping: k), mean) }
  /// P(X <= k) for X binomial with `trials` trials of probability `p` (`gsl_cdf_binomial_P`); 0 below 0.
  public static func binomialCDF(_ k: Int, p: Double, trials: Int) -> Double {
    k < 0 ? 0 : gsl_cdf_binomial_P(UInt32(clamping: k), p, UInt32(clamping: trials))
  }

  /// The chi-squared upper quantile with `degreesOfFreedom` (`gsl_cdf_chisq_Qinv`).
  public static func chiSquaredUpperQuantile(_ q: Double, degreesOfFreedom: Double) -> Double {
    gsl_cdf_chisq_Qinv(q, degreesOfFreedom)
  }
}

