import CoverageModel
import Foundation
import Testing

@testable import Randomness

/// A deal already `elapsed` days into a stage: the remaining time is drawn given the time spent.
/// The sample mean of X - e given X > e is checked against its closed form within 4 standard errors.
@Suite("Remaining stage time given the time already spent")
struct ConditionalDrawTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let distribution: Distribution
    let elapsed: Double
    /// E[X - e | X > e] in closed form.
    let expected: Double
    var testDescription: String { "\(distribution) after \(elapsed)" }
  }

  static let cases: [Case] = {
    // Exponential: memoryless, the mean again.
    let exponential = Case(distribution: .exponential(mean: 20), elapsed: 35, expected: 20)
    // Weibull(k, lambda): integral of S from e over S(e) = (lambda/k) Gamma(1/k) Q(1/k, (e/lambda)^k) e^((e/lambda)^k).
    func weibull(_ k: Double, _ lambda: Double, _ e: Double) -> Case {
      let z = pow(e / lambda, k)
      let tail = lambda / k * exp(SpecialFunctions.logGamma(1 / k)) * SpecialFunctions.upperIncompleteGamma(1 / k, z)
      return Case(distribution: .weibull(shape: k, scale: lambda), elapsed: e, expected: tail * exp(z))
    }
    // Gamma(k, theta): E[X | X > e] = k theta Q(k + 1, e/theta) / Q(k, e/theta).
    func gamma(_ k: Double, _ theta: Double, _ e: Double) -> Case {
      let m = k * theta * SpecialFunctions.upperIncompleteGamma(k + 1, e / theta) / SpecialFunctions.upperIncompleteGamma(k, e / theta)
      return Case(distribution: .gamma(shape: k, scale: theta), elapsed: e, expected: m - e)
    }
    // Lognormal(mu, sigma): E[X | X > e] = e^(mu + sigma^2/2) Phi((mu + sigma^2 - ln e)/sigma) / Phi((mu - ln e)/sigma).
    func lognormal(_ median: Double, _ sigma: Double, _ e: Double) -> Case {
      let mu = log(median)
      let m = exp(mu + sigma * sigma / 2) * SpecialFunctions.normalCDF((mu + sigma * sigma - log(e)) / sigma) / SpecialFunctions.normalCDF((mu - log(e)) / sigma)
      return Case(distribution: .logNormal(median: median, sigma: sigma), elapsed: e, expected: m - e)
    }
    // Log-logistic(beta = 4, alpha): mean residual by the integral of S from e, numerically (Simpson, fine grid).
    func logLogistic(_ beta: Double, _ alpha: Double, _ e: Double) -> Case {
      let s = { (x: Double) in 1 / (1 + pow(x / alpha, beta)) }
      let upper = e + 2_000 * alpha
      let steps = 2_000_000
      let h = (upper - e) / Double(steps)
      var sum = s(e) + s(upper)
      for i in 1..<steps { sum += (i % 2 == 1 ? 4 : 2) * s(e + Double(i) * h) }
      return Case(distribution: .logLogistic(shape: beta, scale: alpha), elapsed: e, expected: sum * h / 3 / s(e))
    }
    // Bounded ones far into their range (P(X > e) below 1/64, so drawn by inversion):
    // triangular(0, 10, 20) after 19.5: the density falls linearly to 0 at 20, so 0.5 / 3 remains.
    let triangular = Case(distribution: .triangular(min: 0, mode: 10, max: 20), elapsed: 19.5, expected: 0.5 / 3)
    // Poisson(5) after 14, and beta(2, 5) after 0.8: sums and integrals of the tail.
    func poisson(_ mean: Double, _ e: Double) -> Case {
      var mass = 0.0
      var moment = 0.0
      for k in Int(e) + 1...Int(e) + 400 {
        let p = exp(Double(k) * log(mean) - mean - SpecialFunctions.logGamma(Double(k) + 1))
        mass += p
        moment += (Double(k) - e) * p
      }
      return Case(distribution: .poisson(mean: mean), elapsed: e, expected: moment / mass)
    }
    func beta(_ alpha: Double, _ beta: Double, _ e: Double) -> Case {
      let steps = 200_000
      let h = (1 - e) / Double(steps)
      var mass = 0.0
      var moment = 0.0
      for i in 0...steps {
        let x = e + Double(i) * h
        let w = (i == 0 || i == steps ? 1.0 : (i % 2 == 1 ? 4 : 2)) * pow(x, alpha - 1) * pow(1 - x, beta - 1)
        mass += w
        moment += w * (x - e)
      }
      return Case(distribution: .beta(alpha: alpha, beta: beta), elapsed: e, expected: moment / mass)
    }
    return [
      triangular, poisson(5, 14), beta(2, 5, 0.8),
      exponential, weibull(1.6, 50, 30), weibull(0.7, 20, 40), gamma(2.5, 18, 60), lognormal(30, 0.8, 45), logLogistic(4, 35, 50),
      Case(distribution: .uniform(min: 10, max: 50), elapsed: 30, expected: 10),
      Case(distribution: .constant(12), elapsed: 5, expected: 7),
      // Empirical: values 30 (weight 3) and 60 (weight 4) lie above 25: (3 x 5 + 4 x 35) / 7.
      Case(distribution: .empirical(values: [60, 10, 30, 20], weights: [4, 1, 3, 2]), elapsed: 25, expected: 155.0 / 7),
    ]
  }()

  @Test("the mean remaining time matches its closed form within 4 standard errors", arguments: cases)
  func conditionalMean(_ c: Case) {
    let generator = RandomGenerator()
    generator.select(key: 2026, attribute: 3)
    var tables = SamplerTables()
    let sampler = tables.compile(c.distribution)
    let n = 100_000
    var sum = 0.0
    var squares = 0.0
    for _ in 0..<n {
      let x = generator.sampleBeyond(sampler, elapsed: c.elapsed, from: tables)
      #expect(x >= 0)
      sum += x
      squares += x * x
    }
    let mean = sum / Double(n)
    let se = ((squares / Double(n) - mean * mean) / Double(n)).squareRoot()
    print("remaining time of \(c.distribution) after \(c.elapsed): mean \(mean) (SE \(se)), closed form \(c.expected)")
    if se == 0 {
      #expect(abs(mean - c.expected) < 1e-9)
    } else {
      #expect(abs(mean - c.expected) < 4 * se, "mean \(mean) against \(c.expected) (SE \(se))")
    }
  }

  @Test("no time spent is an ordinary draw; past every possible value the stage ends now")
  func edges() {
    let generator = RandomGenerator()
    var tables = SamplerTables()
    let gamma = tables.compile(.gamma(shape: 2, scale: 3))
    generator.select(key: 1, attribute: 0)
    let plain = generator.sample(gamma, from: tables)
    generator.select(key: 1, attribute: 0)
    #expect(generator.sampleBeyond(gamma, elapsed: 0, from: tables) == plain)
    let uniform = tables.compile(.uniform(min: 1, max: 2))
    #expect(generator.sampleBeyond(uniform, elapsed: 5, from: tables) == 0)
    let normal = tables.compile(.normal(mean: 5, sd: 1))
    #expect(generator.sampleBeyond(normal, elapsed: 1e6, from: tables) == 0)
  }

  @Test("a deal far into or past a bounded stage costs about a draw, not thousands (timed against as many plain draws)")
  func boundedTailsAreCheap() {
    let generator = RandomGenerator()
    generator.select(key: 7, attribute: 1)
    var tables = SamplerTables()
    let kinds: [(Distribution, [Double])] = [
      (.triangular(min: 1, mode: 4, max: 10), [10, 50, 9.999]), (.pert(min: 1, mode: 4, max: 10), [10, 1e9, 9.9]), (.beta(alpha: 2, beta: 3), [1, 0.999]),
      (.poisson(mean: 3), [1_000, 40, 1e12]),
    ]
    let n = 20_000
    for (distribution, elapsed) in kinds {
      let sampler = tables.compile(distribution)
      var plain = 0.0
      let plainStart = Date()
      for _ in 0..<(n * elapsed.count) { plain += generator.sample(sampler, from: tables) }
      let plainTime = Date().timeIntervalSince(plainStart)
      var valid = true
      let start = Date()
      for e in elapsed {
        for _ in 0..<n {
          let x = generator.sampleBeyond(sampler, elapsed: e, from: tables)
          valid = valid && x >= 0 && x.isFinite
        }
      }
      let time = Date().timeIntervalSince(start)
      #expect(valid && plain > 0)
      // Redrawing cost up to 10,000 draws each; inversion costs a few (a quantile function).
      #expect(time < 50 * plainTime + 0.05, "\(distribution): \(time) s against \(plainTime) s for plain draws")
    }
  }

  @Test("where lasting beyond the time spent is likely, the draw is the one redrawing gives (results of common deals unchanged)")
  func likelyTailsRedraw() {
    let generator = RandomGenerator()
    var tables = SamplerTables()
    for (distribution, e) in [(Distribution.triangular(min: 1, mode: 4, max: 10), 6.0), (.pert(min: 1, mode: 4, max: 10), 5), (.poisson(mean: 3), 4)] {
      let sampler = tables.compile(distribution)
      for key in 0..<200 as Range<UInt64> {
        generator.select(key: key, attribute: 2)
        var redrawn = 0.0
        for _ in 0..<10_000 {
          let x = generator.sample(sampler, from: tables)
          if x > e {
            redrawn = x - e
            break
          }
        }
        generator.select(key: key, attribute: 2)
        #expect(generator.sampleBeyond(sampler, elapsed: e, from: tables) == redrawn)
      }
    }
  }
}
