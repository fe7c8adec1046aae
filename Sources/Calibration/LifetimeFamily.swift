import CoverageModel
import Foundation
import Randomness

/// A family of distributions on (0, infinity) that cycle times and deal sizes are fitted with.
///
/// Parameters are kept as the scenario file writes them (a mean, a median, a shape and a scale);
/// the optimiser works on their logarithms so every step stays in range.
public enum LifetimeFamily: String, CaseIterable, Sendable, Codable {
  case exponential, gamma, weibull, lognormal, loglogistic

  /// The parameters' names, in the order of `parameters`.
  public var parameterNames: [String] {
    switch self {
    case .exponential: ["mean"]
    case .gamma: ["shape", "mean"]
    case .weibull: ["shape", "scale"]
    case .lognormal: ["median", "sigma"]
    case .loglogistic: ["shape", "scale"]
    }
  }

  /// log f(x) for parameters `p` (as `parameterNames`).
  public func logDensity(_ x: Double, _ p: [Double]) -> Double {
    switch self {
    case .exponential: return -log(p[0]) - x / p[0]
    case .gamma:
      let (k, theta) = (p[0], p[1] / p[0])
      return -SpecialFunctions.logGamma(k) - k * log(theta) + (k - 1) * log(x) - x / theta
    case .weibull:
      let (k, lambda) = (p[0], p[1])
      return log(k / lambda) + (k - 1) * log(x / lambda) - pow(x / lambda, k)
    case .lognormal:
      let z = (log(x) - log(p[0])) / p[1]
      return -log(x * p[1] * (2 * Double.pi).squareRoot()) - z * z / 2
    case .loglogistic:
      let (beta, alpha) = (p[0], p[1])
      let y = pow(x / alpha, beta)
      return log(beta / alpha) + (beta - 1) * log(x / alpha) - 2 * log1p(y)
    }
  }

  /// log S(x) = log P(X > x).
  public func logSurvival(_ x: Double, _ p: [Double]) -> Double {
    switch self {
    case .exponential: return -x / p[0]
    case .gamma:
      let q = SpecialFunctions.upperIncompleteGamma(p[0], x * p[0] / p[1])
      return q > 0 ? log(q) : -745
    case .weibull: return -pow(x / p[1], p[0])
    case .lognormal: return SpecialFunctions.logNormalSurvival((log(x) - log(p[0])) / p[1])
    case .loglogistic: return -log1p(pow(x / p[1], p[0]))
    }
  }

  /// F(x) = P(X <= x).
  public func cdf(_ x: Double, _ p: [Double]) -> Double {
    guard x > 0 else { return 0 }
    switch self {
    case .exponential: return -expm1(-x / p[0])
    case .gamma: return SpecialFunctions.gammaCDF(x, shape: p[0], scale: p[1] / p[0])
    case .weibull: return -expm1(-pow(x / p[1], p[0]))
    case .lognormal: return SpecialFunctions.normalCDF((log(x) - log(p[0])) / p[1])
    case .loglogistic:
      let y = pow(x / p[1], p[0])
      return y / (1 + y)
    }
  }

  /// The mean of the distribution (infinite for a log-logistic with shape <= 1).
  public func mean(_ p: [Double]) -> Double {
    switch self {
    case .exponential, .gamma: return p[p.count - 1]
    case .weibull: return p[1] * exp(SpecialFunctions.logGamma(1 + 1 / p[0]))
    case .lognormal: return p[0] * exp(p[1] * p[1] / 2)
    case .loglogistic:
      guard p[0] > 1 else { return .infinity }
      let b = Double.pi / p[0]
      return p[1] * b / sin(b)
    }
  }

  /// A draw from the family (GSL through `Randomness`), for tests and synthetic data.
  public func draw(_ p: [Double], _ generator: RandomGenerator) -> Double {
    switch self {
    case .exponential: generator.exponential(mean: p[0])
    case .gamma: generator.gamma(shape: p[0], scale: p[1] / p[0])
    case .weibull: generator.weibull(shape: p[0], scale: p[1])
    case .lognormal: generator.logNormal(median: p[0], sigma: p[1])
    case .loglogistic: generator.logLogistic(shape: p[0], scale: p[1])
    }
  }

  /// The distribution as the engine samples it, or nil where a scenario cannot take it (a
  /// log-logistic with shape <= 1 has no mean).
  public func distribution(_ p: [Double]) -> Distribution? {
    switch self {
    case .exponential: .exponential(mean: p[0])
    case .gamma: .gamma(shape: p[0], scale: p[1] / p[0])
    case .lognormal: .logNormal(median: p[0], sigma: p[1])
    case .weibull: .weibull(shape: p[0], scale: p[1])
    case .loglogistic: p[0] > 1 ? .logLogistic(shape: p[0], scale: p[1]) : nil
    }
  }

  /// Starting values from the events' moments (of x and of log x).
  func start(_ x: [Double]) -> [Double] {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    let variance = max(x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n, mean * mean * 1e-4)
    let logs = x.map { log($0) }
    let logMean = logs.reduce(0, +) / n
    let logSD = max((logs.reduce(0) { $0 + ($1 - logMean) * ($1 - logMean) } / n).squareRoot(), 0.05)
    switch self {
    case .exponential: return [mean]
    case .gamma: return [max(mean * mean / variance, 0.05), mean]
    case .weibull: return [max(1.2 / logSD, 0.1), exp(logMean + 0.5772 * logSD / 1.283)]
    case .lognormal: return [exp(logMean), logSD]
    case .loglogistic: return [max(1.8 / logSD, 0.1), exp(logMean)]
    }
  }
}
