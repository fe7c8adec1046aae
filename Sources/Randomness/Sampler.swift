import CoverageModel
import Foundation

/// A distribution compiled for fast sampling: parameters converted once to what GSL takes.
///
/// A plain value (no references), so the event loop copies samplers for free. Empirical
/// distributions keep their tables in the `SamplerTables` that compiled them; draw with
/// `RandomGenerator.sample(_:from:)` and those tables.
public struct Sampler: Hashable, Sendable, BitwiseCopyable {
  @usableFromInline
  enum Form: Hashable, Sendable, BitwiseCopyable {
    case constant, exponential, gamma, logNormal, weibull, logLogistic, normal, uniform, triangular, scaledBeta, poisson, empirical
  }
  @usableFromInline let form: Form
  @usableFromInline let a: Double
  @usableFromInline let b: Double
  @usableFromInline let c: Double
  @usableFromInline let d: Double
  /// Empirical only: the first of `tableCount` values in the tables, followed by their cumulative probabilities.
  @usableFromInline let tableStart: Int
  @usableFromInline let tableCount: Int

  init(_ form: Form, _ a: Double, _ b: Double = 0, _ c: Double = 0, _ d: Double = 0, tableStart: Int = 0, tableCount: Int = 0) {
    self.form = form
    self.a = a
    self.b = b
    self.c = c
    self.d = d
    self.tableStart = tableStart
    self.tableCount = tableCount
  }
}

/// The lookup tables of compiled empirical distributions, and the compiler of every sampler.
public struct SamplerTables: Sendable {
  @usableFromInline var storage: [Double] = []

  public init() {}

  /// Compiles a validated distribution (parameters in range; see `ScenarioFiles`).
  public mutating func compile(_ distribution: Distribution) -> Sampler {
    switch distribution {
    case .constant(let value): return Sampler(.constant, value)
    case .exponential(let mean): return Sampler(.exponential, mean)
    case .gamma(let shape, let scale): return Sampler(.gamma, shape, scale)
    case .logNormal(let median, let sigma): return Sampler(.logNormal, log(median), sigma)
    case .weibull(let shape, let scale): return Sampler(.weibull, scale, shape)
    case .logLogistic(let shape, let scale): return Sampler(.logLogistic, scale, 1 / shape)
    case .normal(let mean, let sd): return Sampler(.normal, mean, sd)
    case .uniform(let min, let max): return Sampler(.uniform, min, max)
    case .triangular(let min, let mode, let max): return Sampler(.triangular, min, max, mode)
    case .pert(let min, let mode, let max):
      let shape = Distribution.pertShape(min: min, mode: mode, max: max)
      return Sampler(.scaledBeta, shape.alpha, shape.beta, min, max - min)
    case .beta(let alpha, let beta): return Sampler(.scaledBeta, alpha, beta, 0, 1)
    case .poisson(let mean): return Sampler(.poisson, mean)
    case .empirical(let values, let weights):
      let total = weights.reduce(0, +)
      var running = 0.0
      var cumulative = weights.map { weight -> Double in
        running += weight / total
        return running
      }
      if !cumulative.isEmpty { cumulative[cumulative.count - 1] = .infinity }
      let start = storage.count
      storage += values
      storage += cumulative
      return Sampler(.empirical, 0, tableStart: start, tableCount: values.count)
    }
  }
}
