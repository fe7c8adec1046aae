import Foundation

/// A probability distribution, written in scenario files as a number or a one-key mapping.
///
/// Every distribution here is sampled through GSL (see the `Randomness` module); `mean` and
/// `variance` are the exact moments of what is sampled, so tests and reports can check against them.
/// Values that must not be negative (durations, sizes, counts) are why `normal` is truncated at 0.
public enum Distribution: Hashable, Sendable {
  case constant(Double)
  case exponential(mean: Double)
  case gamma(shape: Double, scale: Double)
  case logNormal(median: Double, sigma: Double)
  /// The Weibull distribution: F(x) = 1 - exp(-(x / scale)^shape).
  case weibull(shape: Double, scale: Double)
  /// The log-logistic distribution: F(x) = 1 / (1 + (x / scale)^-shape); its median is `scale`.
  /// Its mean is finite for shape > 1 and its variance for shape > 2 (scenario validation asks for
  /// shape > 1).
  case logLogistic(shape: Double, scale: Double)
  /// A normal distribution truncated at 0 (negative draws are redrawn).
  case normal(mean: Double, sd: Double)
  case uniform(min: Double, max: Double)
  case triangular(min: Double, mode: Double, max: Double)
  /// The PERT distribution: a beta on [min, max] with shape parameters 1 + 4(mode-min)/(max-min)
  /// and 1 + 4(max-mode)/(max-min).
  case pert(min: Double, mode: Double, max: Double)
  case beta(alpha: Double, beta: Double)
  case poisson(mean: Double)
  /// A discrete distribution over `values` with relative `weights`.
  case empirical(values: [Double], weights: [Double])

  /// The family's name as written in scenario files.
  public var family: String {
    switch self {
    case .constant: "constant"
    case .exponential: "exponential"
    case .gamma: "gamma"
    case .logNormal: "lognormal"
    case .weibull: "weibull"
    case .logLogistic: "loglogistic"
    case .normal: "normal"
    case .uniform: "uniform"
    case .triangular: "triangular"
    case .pert: "pert"
    case .beta: "beta"
    case .poisson: "poisson"
    case .empirical: "empirical"
    }
  }

  /// The shape parameters of the PERT distribution's beta.
  public static func pertShape(min: Double, mode: Double, max: Double) -> (alpha: Double, beta: Double) {
    let range = max - min
    return (1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range)
  }

  /// The exact mean of the sampled distribution.
  public var mean: Double {
    switch self {
    case .constant(let c): return c
    case .exponential(let mean): return mean
    case .gamma(let shape, let scale): return shape * scale
    case .logNormal(let median, let sigma): return median * exp(sigma * sigma / 2)
    case .weibull(let shape, let scale): return scale * tgamma(1 + 1 / shape)
    case .logLogistic(let shape, let scale):
      guard shape > 1 else { return .infinity }
      let b = Double.pi / shape
      return scale * b / sin(b)
    case .normal(let mean, let sd):
      guard sd > 0 else { return Swift.max(mean, 0) }
      let alpha = -mean / sd
      return mean + sd * Self.standardNormalDensity(alpha) / Self.standardNormalSurvival(alpha)
    case .uniform(let min, let max): return (min + max) / 2
    case .triangular(let min, let mode, let max): return (min + mode + max) / 3
    case .pert(let min, let mode, let max): return (min + 4 * mode + max) / 6
    case .beta(let a, let b): return a / (a + b)
    case .poisson(let mean): return mean
    case .empirical(let values, let weights):
      let total = weights.reduce(0, +)
      return zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
    }
  }

  /// The exact variance of the sampled distribution.
  public var variance: Double {
    switch self {
    case .constant: return 0
    case .exponential(let mean): return mean * mean
    case .gamma(let shape, let scale): return shape * scale * scale
    case .logNormal(let median, let sigma):
      let s2 = sigma * sigma
      return (exp(s2) - 1) * median * median * exp(s2)
    case .weibull(let shape, let scale):
      let g1 = tgamma(1 + 1 / shape)
      return scale * scale * (tgamma(1 + 2 / shape) - g1 * g1)
    case .logLogistic(let shape, let scale):
      guard shape > 2 else { return .infinity }
      let b = Double.pi / shape
      return scale * scale * (2 * b / sin(2 * b) - b * b / (sin(b) * sin(b)))
    case .normal(let mean, let sd):
      guard sd > 0 else { return 0 }
      let alpha = -mean / sd
      let lambda = Self.standardNormalDensity(alpha) / Self.standardNormalSurvival(alpha)
      return sd * sd * (1 + alpha * lambda - lambda * lambda)
    case .uniform(let min, let max): return (max - min) * (max - min) / 12
    case .triangular(let a, let c, let b):
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    case .pert(let min, let mode, let max):
      let (a, b) = Self.pertShape(min: min, mode: mode, max: max)
      let range = max - min
      return range * range * a * b / ((a + b) * (a + b) * (a + b + 1))
    case .beta(let a, let b): return a * b / ((a + b) * (a + b) * (a + b + 1))
    case .poisson(let mean): return mean
    case .empirical(let values, let weights):
      let m = mean
      let total = weights.reduce(0, +)
      return zip(values, weights).reduce(0) { $0 + ($1.0 - m) * ($1.0 - m) * $1.1 } / total
    }
  }

  static func standardNormalDensity(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
  static func standardNormalSurvival(_ x: Double) -> Double { erfc(x / 2.0.squareRoot()) / 2 }
}
