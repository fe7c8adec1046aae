import Estimation
import Foundation
import Randomness

/// A sample of positive values, some of them right-censored, each with a weight.
///
/// An event at x contributes w log f(x) to the log-likelihood; a value censored at x (known only
/// to exceed x, such as a deal still open at the cut-off) contributes w log S(x). Weights let a
/// deal still open count with the probability that it will end the way being fitted (see
/// `CompetingRisks.conditionalWeights`); plain samples have weight 1.
public struct CensoredSample: Sendable {
  public var events: [Double]
  public var eventWeights: [Double]
  public var censored: [Double]
  public var censoredWeights: [Double]
  /// The age at which each event's and each censored value's deal came under observation (0 for
  /// most; left truncation): such a value contributes w log f(x) - w log S(entry), the
  /// likelihood given that it lasted past its entry.
  public var eventEntries: [Double]
  public var censoredEntries: [Double]

  public init(
    events: [Double], censored: [Double] = [], eventWeights: [Double]? = nil, censoredWeights: [Double]? = nil, eventEntries: [Double]? = nil,
    censoredEntries: [Double]? = nil
  ) {
    self.events = events
    self.censored = censored
    self.eventWeights = eventWeights ?? Array(repeating: 1, count: events.count)
    self.censoredWeights = censoredWeights ?? Array(repeating: 1, count: censored.count)
    self.eventEntries = eventEntries ?? Array(repeating: 0, count: events.count)
    self.censoredEntries = censoredEntries ?? Array(repeating: 0, count: censored.count)
  }

  /// Whether any value entered observation after age 0.
  public var isTruncated: Bool { eventEntries.contains { $0 > 0 } || censoredEntries.contains { $0 > 0 } }

  /// The weighted count of observations, n in BIC.
  public var weight: Double { eventWeights.reduce(0, +) + censoredWeights.reduce(0, +) }
  public var isCensored: Bool { censoredWeights.contains { $0 > 0 } }

  /// A resample with replacement (events and censored values drawn together, as observations).
  func resampled(_ generator: RandomGenerator) -> CensoredSample {
    let n = events.count + censored.count
    var sample = CensoredSample(events: [], censored: [])
    for _ in 0..<n {
      let i = generator.uniformIndex(below: n)
      if i < events.count {
        sample.events.append(events[i])
        sample.eventWeights.append(eventWeights[i])
        sample.eventEntries.append(eventEntries[i])
      } else {
        sample.censored.append(censored[i - events.count])
        sample.censoredWeights.append(censoredWeights[i - events.count])
        sample.censoredEntries.append(censoredEntries[i - events.count])
      }
    }
    return sample
  }
}

/// One family fitted by maximum likelihood, with its information criteria and standard errors.
public struct FamilyFit: Sendable, Codable {
  public var family: LifetimeFamily
  public var parameters: [Double]
  /// Standard errors of the parameters from the observed information (a numerical Hessian of the
  /// log-likelihood in log-parameters, then the delta method).
  public var standardErrors: [Double]
  public var logLikelihood: Double
  public var aic: Double
  public var bic: Double
  public var converged: Bool
  /// Anderson-Darling A^2 and Kolmogorov-Smirnov D against the events (uncensored samples only).
  public var andersonDarling: Double?
  public var kolmogorovSmirnov: Double?
  /// P(A^2 >= observed) given that the parameters were fitted to the same sample
  /// (`GoodnessOfFit.andersonDarlingPValue`, a parametric bootstrap); set where a decision rests
  /// on it (the best family of deal sizes), nil elsewhere.
  public var andersonDarlingPValue: Double?
}

/// Maximum likelihood for right-censored, weighted samples.
public enum MaximumLikelihood {
  /// The weighted log-likelihood of `sample` under `family` with parameters `p`.
  public static func logLikelihood(_ family: LifetimeFamily, _ p: [Double], _ sample: CensoredSample) -> Double {
    logLikelihood(family, p, sample, Sums(sample))
  }

  /// Weighted sums of the events (w, w x, w log x, w (log x)^2): the exponential's, gamma's and
  /// lognormal's event terms need nothing else, so each evaluation is O(1) in the events.
  struct Sums {
    var weight = 0.0, x = 0.0, logX = 0.0, logX2 = 0.0
    init(_ sample: CensoredSample) {
      for (x, w) in zip(sample.events, sample.eventWeights) where w > 0 {
        let l = log(x)
        weight += w
        self.x += w * x
        logX += w * l
        logX2 += w * l * l
      }
    }
  }

  static func logLikelihood(_ family: LifetimeFamily, _ p: [Double], _ sample: CensoredSample, _ sums: Sums) -> Double {
    var total = 0.0
    switch family {
    case .exponential: total = -sums.weight * log(p[0]) - sums.x / p[0]
    case .gamma:
      let (k, theta) = (p[0], p[1] / p[0])
      total = -sums.weight * (SpecialFunctions.logGamma(k) + k * log(theta)) + (k - 1) * sums.logX - sums.x / theta
    case .lognormal:
      let (mu, sigma) = (log(p[0]), p[1])
      let squares = sums.logX2 - 2 * mu * sums.logX + mu * mu * sums.weight
      total = -sums.logX - sums.weight * log(sigma * (2 * Double.pi).squareRoot()) - squares / (2 * sigma * sigma)
    case .weibull, .loglogistic:
      for (x, w) in zip(sample.events, sample.eventWeights) where w > 0 { total += w * family.logDensity(x, p) }
    }
    for (x, w) in zip(sample.censored, sample.censoredWeights) where w > 0 { total += w * family.logSurvival(x, p) }
    if sample.isTruncated {
      for (e, w) in zip(sample.eventEntries, sample.eventWeights) where w > 0 && e > 0 { total -= w * family.logSurvival(e, p) }
      for (e, w) in zip(sample.censoredEntries, sample.censoredWeights) where w > 0 && e > 0 { total -= w * family.logSurvival(e, p) }
    }
    return total
  }

  /// The maximum likelihood fit of one family (Nelder-Mead on log-parameters, restarted once
  /// from the optimum so the simplex is not stuck), or nil when the sample has no events.
  public static func fit(_ family: LifetimeFamily, _ sample: CensoredSample) -> FamilyFit? {
    let positive = sample.events.filter { $0 > 0 }
    guard !positive.isEmpty, positive.count == sample.events.count else { return nil }
    let start = family.start(positive).map { log($0) }
    let sums = Sums(sample)
    let objective: ([Double]) -> Double = { theta in
      let value = -logLikelihood(family, theta.map { exp($0) }, sample, sums)
      return value.isNaN ? .infinity : value
    }
    var result = Minimisation.minimise(start: start, step: start.map { _ in 0.3 }, tolerance: 1e-7, objective)
    result = Minimisation.minimise(start: result.point, step: start.map { _ in 0.05 }, tolerance: 1e-7, objective)
    let theta = result.point
    let parameters = theta.map { exp($0) }
    let maximum = -result.value
    let k = Double(parameters.count)
    let n = max(sample.weight, 1)
    let errors = standardErrors(objective, at: theta).enumerated().map { i, se in parameters[i] * se }
    var fit = FamilyFit(
      family: family, parameters: parameters, standardErrors: errors, logLikelihood: maximum, aic: 2 * k - 2 * maximum,
      bic: k * log(n) - 2 * maximum, converged: result.converged)
    if !sample.isCensored, !sample.isTruncated, sample.eventWeights.allSatisfy({ $0 == 1 }) {
      let a2 = GoodnessOfFit.andersonDarling(sample.events) { family.cdf($0, parameters) }
      fit.andersonDarling = a2
      fit.kolmogorovSmirnov = GoodnessOfFit.kolmogorovSmirnov(sample.events) { family.cdf($0, parameters) }
    }
    return fit
  }

  /// The maximum likelihood parameters of `family` for the uncensored, unweighted values `x`
  /// alone: closed form for the exponential and lognormal, else one simplex run on the
  /// log-parameters from `start` and a restart; nil when a value is not positive.
  static func estimate(_ family: LifetimeFamily, _ x: [Double], from start: [Double]) -> [Double]? {
    guard !x.isEmpty, x.allSatisfy({ $0 > 0 }) else { return nil }
    let n = Double(x.count)
    switch family {
    case .exponential: return [x.reduce(0, +) / n]
    case .lognormal:
      let logs = x.map { log($0) }
      let mu = logs.reduce(0, +) / n
      let sigma = (logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / n).squareRoot()
      return sigma > 0 ? [exp(mu), sigma] : nil
    case .gamma, .weibull, .loglogistic:
      let sample = CensoredSample(events: x)
      let sums = Sums(sample)
      let objective: ([Double]) -> Double = { theta in
        let value = -logLikelihood(family, theta.map { exp($0) }, sample, sums)
        return value.isNaN ? .infinity : value
      }
      let theta = start.map { log($0) }
      var result = Minimisation.minimise(start: theta, step: theta.map { _ in 0.2 }, tolerance: 1e-7, objective)
      result = Minimisation.minimise(start: result.point, step: theta.map { _ in 0.05 }, tolerance: 1e-7, objective)
      let p = result.point.map { exp($0) }
      return p.allSatisfy(\.isFinite) ? p : nil
    }
  }

  /// The maximum likelihood parameters of `family` for `sample`, found near `parameters` (one
  /// simplex run from them, to a simplex of size 1e-3 on the log-parameters: a relative precision of 0.1%,
  /// far below any sampling error), without the standard errors and statistics of `fit`: for
  /// bootstraps that refit many samples drawn from known parameters. Equal values are taken
  /// together (ages in whole days repeat), so each evaluation costs one survival function per
  /// distinct censored age and entry.
  static func refit(_ family: LifetimeFamily, _ sample: CensoredSample, near parameters: [Double]) -> [Double]? {
    guard !sample.events.isEmpty, sample.events.allSatisfy({ $0 > 0 }) else { return nil }
    let events = grouped(sample.events, sample.eventWeights)
    let eventSample = CensoredSample(events: events.values, eventWeights: events.weights)
    let sums = Sums(eventSample)
    let censored = grouped(sample.censored, sample.censoredWeights)
    let entries = grouped(
      sample.eventEntries + sample.censoredEntries, sample.eventWeights + sample.censoredWeights, keeping: { $0 > 0 })
    let objective: ([Double]) -> Double = { theta in
      let p = theta.map { exp($0) }
      var total = logLikelihood(family, p, eventSample, sums)
      for (c, w) in zip(censored.values, censored.weights) { total += w * family.logSurvival(c, p) }
      for (e, w) in zip(entries.values, entries.weights) { total -= w * family.logSurvival(e, p) }
      return total.isNaN ? .infinity : -total
    }
    let theta = parameters.map { log($0) }
    let p = Minimisation.minimise(start: theta, step: theta.map { _ in 0.1 }, tolerance: 1e-3, objective).point.map { exp($0) }
    return p.allSatisfy(\.isFinite) ? p : nil
  }

  /// The distinct values among those `keeping` accepts with a positive weight, ascending, each
  /// with the sum of its weights.
  private static func grouped(_ values: [Double], _ weights: [Double], keeping: (Double) -> Bool = { _ in true }) -> (values: [Double], weights: [Double]) {
    var totals: [Double: Double] = [:]
    for (x, w) in zip(values, weights) where w > 0 && keeping(x) { totals[x, default: 0] += w }
    let keys = totals.keys.sorted()
    return (keys, keys.map { totals[$0]! })
  }

  /// Every family fitted, best first: by Anderson-Darling where the sample is uncensored and
  /// `rankBy` is `.andersonDarling`, else by AIC.
  public static func ranked(_ sample: CensoredSample, families: [LifetimeFamily] = LifetimeFamily.allCases, rankBy: Ranking = .aic) -> [FamilyFit] {
    let fits = families.compactMap { fit($0, sample) }
    switch rankBy {
    case .andersonDarling where fits.allSatisfy({ $0.andersonDarling != nil }):
      return fits.sorted { ($0.andersonDarling ?? .infinity) < ($1.andersonDarling ?? .infinity) }
    default:
      return fits.sorted { $0.aic < $1.aic }
    }
  }

  public enum Ranking: String, Sendable, Codable { case aic, andersonDarling }

  /// Percentile intervals (`level`, e.g. 0.95) of the family's parameters over `replicates`
  /// bootstrap resamples drawn with a fixed seed (Philox stream `seed`, GSL sampling).
  ///
  /// `resample` draws one resample; by default the sample's own values with replacement, weights
  /// kept. Where the weights are themselves estimated from the data (open deals weighted by the
  /// probability of the outcome fitted), pass a resampler that re-estimates them, or the interval
  /// leaves their uncertainty out.
  public static func bootstrap(
    _ family: LifetimeFamily, _ sample: CensoredSample, replicates: Int, seed: UInt64, level: Double = 0.95,
    resample: ((RandomGenerator) -> CensoredSample)? = nil
  ) -> [ClosedRange<Double>] {
    let generator = RandomGenerator()
    generator.select(key: seed, attribute: 0xB007)
    var draws: [[Double]] = []
    for _ in 0..<replicates {
      let drawn = resample?(generator) ?? sample.resampled(generator)
      if let fit = fit(family, drawn), fit.parameters.allSatisfy(\.isFinite) { draws.append(fit.parameters) }
    }
    // No interval from fewer than 10 usable resamples (bootstrap: 0 in the mapping, or tiny samples).
    guard draws.count >= 10 else { return [] }
    return family.parameterNames.indices.map { i in
      let values = draws.map { $0[i] }.sorted()
      return Summary.quantile(values, (1 - level) / 2)...Summary.quantile(values, (1 + level) / 2)
    }
  }

  /// Standard errors of theta from a central-difference Hessian of the negative log-likelihood.
  static func standardErrors(_ f: ([Double]) -> Double, at theta: [Double]) -> [Double] {
    let n = theta.count
    let h = 1e-4
    var hessian = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    let f0 = f(theta)
    for i in 0..<n {
      for j in i..<n {
        func at(_ di: Double, _ dj: Double) -> Double {
          var t = theta
          t[i] += di
          t[j] += dj
          return f(t)
        }
        let value: Double
        if i == j {
          value = (at(h, 0) - 2 * f0 + at(-h, 0)) / (h * h)
        } else {
          value = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
        }
        hessian[i][j] = value
        hessian[j][i] = value
      }
    }
    // Invert the 1x1 or 2x2 information matrix.
    if n == 1 { return [hessian[0][0] > 0 ? (1 / hessian[0][0]).squareRoot() : .nan] }
    let det = hessian[0][0] * hessian[1][1] - hessian[0][1] * hessian[1][0]
    guard det > 0 else { return [.nan, .nan] }
    return [(hessian[1][1] / det).squareRoot(), (hessian[0][0] / det).squareRoot()]
  }
}
