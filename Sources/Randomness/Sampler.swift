import CoverageModel
import Foundation

/// A distribution compiled for fast sampling: parameters converted once to what GSL takes.
public struct Sampler: Hashable, Sendable {
  @usableFromInline
  enum Form: Hashable, Sendable {
    case constant, exponential, gamma, logNormal, normal, uniform, triangular, scaledBeta, poisson, empirical
  }
  @usableFromInline let form: Form
  @usableFromInline let a: Double
  @usableFromInline let b: Double
  @usableFromInline let c: Double
  @usableFromInline let d: Double
  @usableFromInline let values: [Double]
  @usableFromInline let cumulative: [Double]

  public let distribution: Distribution

  init(_ form: Form, _ a: Double, _ b: Double = 0, _ c: Double = 0, _ d: Double = 0,
       values: [Double] = [], cumulative: [Double] = [], distribution: Distribution) {
    self.form = form
    self.a = a
    self.b = b
    self.c = c
    self.d = d
    self.values = values
    self.cumulative = cumulative
    self.distribution = distribution
  }

  /// Compiles a validated distribution (parameters in range; see `ScenarioFiles`).
  public init(_ distribution: Distribution) {
    switch distribution {
    case .constant(let value): self.init(.constant, value, distribution: distribution)
    case .exponential(let mean): self.init(.exponential, mean, distribution: distribution)
    case .gamma(let shape, let scale): self.init(.gamma, shape, scale, distribution: distribution)
    case .logNormal(let median, let sigma): self.init(.logNormal, log(median), sigma, distribution: distribution)
    case .normal(let mean, let sd): self.init(.normal, mean, sd, distribution: distribution)
    case .uniform(let min, let max): self.init(.uniform, min, max, distribution: distribution)
    case .triangular(let min, let mode, let max): self.init(.triangular, min, max, mode, distribution: distribution)
    case .pert(let min, let mode, let max):
      let shape = Distribution.pertShape(min: min, mode: mode, max: max)
      self.init(.scaledBeta, shape.alpha, shape.beta, min, max - min, distribution: distribution)
    case .beta(let alpha, let beta): self.init(.scaledBeta, alpha, beta, 0, 1, distribution: distribution)
    case .poisson(let mean): self.init(.poisson, mean, distribution: distribution)
    case .empirical(let values, let weights):
      let total = weights.reduce(0, +)
      var running = 0.0
      var cumulative = weights.map { weight -> Double in
        running += weight / total
        return running
      }
      if !cumulative.isEmpty { cumulative[cumulative.count - 1] = .infinity }
      self.init(.empirical, 0, values: values, cumulative: cumulative, distribution: distribution)
    }
  }
}

