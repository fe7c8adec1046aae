import CoverageModel
import Estimation
import Foundation
import Randomness
import Simulation

/// Kim and Nelson's fully sequential procedure (KN, 2001) for selecting the best of k designs
/// sampled on common random numbers: with probability at least `confidence` it selects the best
/// design, or one within `delta` of it, when the best is at least `delta` better than the rest.
///
/// First stage: n0 replications of every design; the variance S²_il of each pair's differences.
/// With η = ((2α/(k-1))^(-2/(n0-1)) - 1) / 2 and h² = 2η(n0 - 1), after each replication r a design
/// i is eliminated when some surviving l has X̄_l(r) - X̄_i(r) > W_il(r) = max(0, δ/(2r) (h² S²_il/δ² - r)).
/// The procedure stops when one design is left, or at `maximum` replications with the survivors
/// (the designs that could still be best).
public struct KimNelson: Sendable {
  public let designs: Int
  public let delta: Double
  public let confidence: Double
  public let firstStage: Int
  public let maximum: Int
  /// Larger is better (contribution, bookings); false for cost-like objectives.
  public let larger: Bool

  public init(designs: Int, delta: Double, confidence: Double = 0.95, firstStage: Int = 20, maximum: Int = 1000, larger: Bool = true) {
    self.designs = designs
    self.delta = delta
    self.confidence = confidence
    self.firstStage = firstStage
    self.maximum = max(maximum, firstStage)
    self.larger = larger
  }

  /// η of the procedure's boundary.
  public var eta: Double {
    let alpha = 1 - confidence
    return 0.5 * (pow(2 * alpha / Double(max(designs - 1, 1)), -2 / Double(firstStage - 1)) - 1)
  }

  /// h² = 2η(n0 - 1).
  public var hSquared: Double { 2 * eta * Double(firstStage - 1) }

  public struct Outcome: Sendable {
    /// The design selected, or nil when several survive at the maximum.
    public var chosen: Int?
    /// The designs still in contention when the procedure stopped (one when it selected).
    public var survivors: [Int]
    /// Replications of each design the procedure used: the stage at which it was eliminated, or
    /// the last stage for survivors.
    public var used: [Int]
    /// Mean of each design over the replications it used (for a ratio objective, its ratio of sums).
    public var means: [Double]
    /// The last stage reached.
    public var stages: Int
    /// Replications per design that the fixed-sample Bonferroni procedure needs for the same
    /// guarantee: max over pairs of ceil((t S_il / δ)²), t the 1 - α/(k-1) quantile of Student's t
    /// with n0 - 1 degrees of freedom, at least n0.
    public var fixedSample: Int
    /// The first-stage variances of the pairs' differences (S²_il; of their pseudo-values for a
    /// ratio objective).
    public var pairVariances: [[Double]]
    /// Each design's and each pair's statistics over the replications used.
    public var tally: Tally
  }

  /// Runs the procedure. `sample(designs, first, count)` returns, for each design listed, its
  /// outputs at replications first ..< first + count (common random numbers: replication j of
  /// every design meets the same luck). After the first stage it is asked for `batch` replications
  /// at a time of the surviving designs; elimination is checked after every replication.
  public func run(batch: Int = 1, sample: ([Int], Int, Int) -> [[Double]]) -> Outcome {
    run(batch: batch, ratio: false) { designs, first, count in sample(designs, first, count).map { Observations(values: $0) } }
  }

  /// Runs the procedure on observations: a plain objective's values (`ratio` false), or a ratio
  /// objective's numerators and denominators (`ratio` true), ranked by the ratio of sums.
  ///
  /// A ratio objective is screened on its linearised pseudo-values p_ir = R_i + (X_ir - R_i Y_ir)
  /// / mean(Y_i) at the current ratio of sums R_i: their mean over the replications so far is R_i
  /// exactly, so a design is eliminated when R_l(r) - R_i(r) > W_il(r), with S²_il the first
  /// stage's variance of the paired pseudo-value differences (at the first stage's estimates).
  /// This is an approximation (docs/statistics.md, "Selection and allocation on a ratio
  /// objective"): KN assumes iid normal observations, and pseudo-values are so only to first order.
  public func run(batch: Int = 1, ratio: Bool, sample: ([Int], Int, Int) -> [Observations]) -> Outcome {
    let k = designs
    let sign = larger ? 1.0 : -1.0
    let firstObservations = sample(Array(0..<k), 0, firstStage)
    let n0 = Double(firstStage)
    var tally = Tally(designs: k, ratio: ratio)
    tally.add(Array(0..<k), firstObservations, counts: Array(repeating: firstStage, count: k))
    // The first stage's values in the procedure's orientation (larger is better): the values, or
    // the ratio's pseudo-values at the first stage's estimates.
    let outputs: [[Double]] = firstObservations.map { observed in
      guard ratio, let denominators = observed.denominators else { return observed.numerators.map { sign * $0 } }
      let estimate = RatioOfSums(numerators: observed.numerators.map { sign * $0 }, denominators: denominators)
      return estimate.pseudoValues
    }
    var s2 = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for i in 0..<k {
      for l in 0..<k where l != i {
        if ratio {
          let d = (0..<firstStage).map { outputs[i][$0] - outputs[l][$0] }.filter(\.isFinite)
          s2[i][l] = StreamingMoments(d).variance
          continue
        }
        let d = (0..<firstStage).map { outputs[i][$0] - outputs[l][$0] }
        let m = d.reduce(0, +) / n0
        s2[i][l] = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n0 - 1)
      }
    }
    let h2 = hSquared
    let t = Probability.studentTQuantile(1 - (1 - confidence) / Double(max(k - 1, 1)), degreesOfFreedom: n0 - 1)
    // Counted as a double first: a tiny δ gives an infinite (or, with no variance, undefined)
    // count, reported as at most 10^15 rather than trapping on its conversion to Int.
    let fixed = max(firstStage, s2.flatMap { $0 }.map { variance -> Int in
      let needed = (t * t * variance / (delta * delta)).rounded(.up)
      return needed.isNaN ? firstStage : Int(min(needed, 1e15))
    }.max() ?? firstStage)
    // Running sums in the procedure's orientation: of the values, or of a ratio's numerators
    // (`sums`) and denominators (`bases`) over its replications with both finite.
    var sums = [Double](repeating: 0, count: k)
    var bases = [Double](repeating: 0, count: k)
    func add(_ i: Int, _ observed: Observations, _ j: Int) {
      let x = sign * observed.numerators[j]
      guard ratio, let denominators = observed.denominators else {
        sums[i] += x
        return
      }
      guard x.isFinite, denominators[j].isFinite else { return }
      sums[i] += x
      bases[i] += denominators[j]
    }
    for i in 0..<k {
      for j in 0..<firstStage { add(i, firstObservations[i], j) }
    }
    // A ratio without a positive denominator has no estimate: it ranks below every other design
    // and eliminates none.
    func estimate(_ i: Int) -> Double { bases[i] > 0 ? sums[i] / bases[i] : -.infinity }
    var alive = Array(0..<k)
    var used = [Int](repeating: firstStage, count: k)
    var r = firstStage
    func screen() {
      let previous = alive
      let rr = Double(r)
      alive = previous.filter { i in
        previous.allSatisfy { l in
          guard l != i else { return true }
          let w = max(0, delta / (2 * rr) * (h2 * s2[i][l] / (delta * delta) - rr))
          return ratio ? estimate(i) >= estimate(l) - w : sums[i] / rr >= sums[l] / rr - w
        }
      }
      for i in previous where !alive.contains(i) { used[i] = r }
    }
    func horizon() -> Double {
      alive.flatMap { i in alive.filter { $0 != i }.map { l in (h2 * s2[i][l] / (delta * delta)).rounded(.down) } }.max() ?? 0
    }
    screen()
    while alive.count > 1, r < maximum, Double(r) <= horizon() {
      let count = min(batch, maximum - r)
      let screened = alive
      let start = r
      let more = sample(screened, r, count)
      for step in 0..<count {
        r += 1
        for (i, observed) in zip(screened, more) where alive.contains(i) { add(i, observed, step) }
        screen()
        if alive.count <= 1 || Double(r) > horizon() { break }
      }
      for i in alive { used[i] = r }
      tally.add(screened, more, counts: screened.map { used[$0] - start })
    }
    for i in alive { used[i] = r }
    // Past N_il = floor(h² S²_il / δ²) for every surviving pair, W is 0 and the best mean is selected
    // (Kim and Nelson's stopping rule; it matters when designs never differ, S² = 0).
    let score = ratio ? estimate : { sums[$0] }
    if alive.count > 1, Double(r) > horizon(), let best = alive.max(by: { score($0) < score($1) || (score($0) == score($1) && $0 > $1) }) {
      alive = [best]
    }
    let means = (0..<k).map { ratio ? (bases[$0] > 0 ? sign * sums[$0] / bases[$0] : .nan) : sign * sums[$0] / Double(used[$0]) }
    return Outcome(
      chosen: alive.count == 1 ? alive[0] : nil, survivors: alive, used: used, means: means, stages: r, fixedSample: fixed, pairVariances: s2,
      tally: tally)
  }
}

extension KimNelson {
  /// One design's outputs at consecutive replications: a plain objective's values, or a ratio
  /// objective's numerators X_r and denominators Y_r (its value X_r / Y_r, its estimate sum X / sum Y).
  public struct Observations: Sendable {
    public var numerators: [Double]
    /// nil for a plain objective.
    public var denominators: [Double]?

    public init(values: [Double]) {
      numerators = values
      denominators = nil
    }

    public init(numerators: [Double], denominators: [Double]) {
      self.numerators = numerators
      self.denominators = denominators
    }
  }

  /// Each design's statistics over the replications it used, and each pair's over the
  /// replications both used, kept as moments (memory independent of the replications): for a
  /// ratio objective, of the numerators and denominators.
  public struct Tally: Sendable {
    public let ratio: Bool
    public private(set) var moments: [StreamingMoments]
    /// `paired[i][l]`: design i as the baseline, l as the variant.
    public private(set) var paired: [[PairedMoments]]
    public private(set) var ratios: [RatioMoments]
    public private(set) var pairedRatios: [[PairedRatioMoments]]

    init(designs k: Int, ratio: Bool) {
      self.ratio = ratio
      moments = ratio ? [] : Array(repeating: StreamingMoments(), count: k)
      paired = ratio ? [] : Array(repeating: Array(repeating: PairedMoments(), count: k), count: k)
      ratios = ratio ? Array(repeating: RatioMoments(), count: k) : []
      pairedRatios = ratio ? Array(repeating: Array(repeating: PairedRatioMoments(), count: k), count: k) : []
    }

    /// Adds the first `counts[j]` observations of `designs[j]` (in replication order, after those added before).
    mutating func add(_ designs: [Int], _ observed: [Observations], counts: [Int]) {
      for (a, i) in designs.enumerated() where counts[a] > 0 {
        let x = Array(observed[a].numerators.prefix(counts[a]))
        if ratio, let y = observed[a].denominators {
          ratios[i].combine(RatioMoments(numerators: x, denominators: y.prefix(counts[a])))
        } else {
          moments[i].combine(StreamingMoments(x))
        }
        for (b, l) in designs.enumerated() where l != i {
          let n = min(counts[a], counts[b])
          guard n > 0 else { continue }
          if ratio, let yi = observed[a].denominators, let yl = observed[b].denominators {
            pairedRatios[i][l].combine(
              PairedRatioMoments(
                baselineNumerators: Array(x.prefix(n)), baselineDenominators: Array(yi.prefix(n)), variantNumerators: Array(observed[b].numerators.prefix(n)),
                variantDenominators: Array(yl.prefix(n))))
          } else {
            paired[i][l].combine(PairedMoments(baseline: Array(x.prefix(n)), variant: Array(observed[b].numerators.prefix(n))))
          }
        }
      }
    }

    /// Design i's 95% interval of its objective (the ratio of sums' delta-method interval for a
    /// ratio objective), nil with fewer than two replications.
    public func interval(_ i: Int) -> (low: Double, high: Double)? {
      if ratio {
        let m = ratios[i]
        guard m.count > 1, m.estimate.isFinite else { return nil }
        let n = Double(m.count)
        let half = Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * (m.linearisedVariance / n).squareRoot()
        return (m.estimate - half, m.estimate + half)
      }
      let m = moments[i]
      guard m.count > 1 else { return nil }
      let n = Double(m.count)
      let half = Probability.studentTQuantile(0.975, degreesOfFreedom: n - 1) * m.sd / n.squareRoot()
      return (m.mean - half, m.mean + half)
    }

    /// Design `variant` minus design `baseline` over the replications both used (paired), nil
    /// with fewer than two.
    public func difference(_ variant: Int, from baseline: Int) -> PairedDifference? {
      let d = ratio ? PairedDifference(ratios: pairedRatios[baseline][variant]) : PairedDifference(moments: paired[baseline][variant])
      return d.count >= 2 ? d : nil
    }
  }
}

/// The indifference zone δ of a selection (`--delta`): a share of a reference mean (`1%`) or an
/// amount of the objective (`250000`).
public enum IndifferenceZone: Sendable, Hashable {
  case share(Double)
  case amount(Double)

  /// `1%` (above 0%, below 100%) as a share, `250000` (above 0) as an amount; nil otherwise.
  public static func parse(_ text: String) -> IndifferenceZone? {
    if text.hasSuffix("%") {
      guard let value = Double(text.dropLast()), value.isFinite, value > 0, value < 100 else { return nil }
      return .share(value / 100)
    }
    guard let value = Double(text), value.isFinite, value > 0 else { return nil }
    return .amount(value)
  }

  /// δ as an amount of the objective, a share taken of the magnitude of `reference`.
  public func amount(reference: Double) -> Double {
    switch self {
    case .share(let share): share * abs(reference)
    case .amount(let amount): amount
    }
  }

  public var share: Double? {
    if case .share(let share) = self { return share }
    return nil
  }
}

/// Kim-Nelson's sampling on common random numbers: the objective of the designs asked for, at
/// the replications asked for (after `offset`); for a ratio objective its numerators and
/// denominators. Nothing is kept but the count: the procedure keeps running sums.
struct SelectionSampler {
  let scenarios: [Scenario]
  let objective: Objective
  let seed: UInt64
  let generator: GeneratorKind
  let threads: Int
  let offset: Int
  let progress: (@Sendable (Int, Int) -> Void)?
  /// Replications simulated, over every design.
  var simulated = 0
  /// Whether the objective is a ratio metric (estimated as a ratio of sums), known from the first sample.
  var ratio = false

  init(
    scenarios: [Scenario], objective: Objective, seed: UInt64, generator: GeneratorKind, threads: Int, offset: Int = 0,
    progress: (@Sendable (Int, Int) -> Void)?
  ) {
    self.scenarios = scenarios
    self.objective = objective
    self.seed = seed
    self.generator = generator
    self.threads = threads
    self.offset = offset
    self.progress = progress
  }

  mutating func sample(_ designs: [Int], first: Int, count: Int) -> [KimNelson.Observations] {
    simulated += designs.count * count
    let experiment = Experiment(scenarios: designs.map { scenarios[$0] }, seed: seed, generator: generator, threads: threads)
    let results = experiment.run(replications: count, first: offset + first, progress: progress)
    return results.map { results in
      let values = results.column(objective.metric)
      guard let denominator = results.layout.denominatorIndex(of: objective.metric) else { return KimNelson.Observations(values: values) }
      ratio = true
      let denominators = results.column(denominator)
      return KimNelson.Observations(numerators: RatioOfSums.numerators(ratios: values, denominators: denominators), denominators: denominators)
    }
  }

  /// Runs the procedure, its first stage `first` when already sampled.
  mutating func run(_ procedure: KimNelson, first: [KimNelson.Observations]? = nil) -> KimNelson.Outcome {
    let firstStage = procedure.firstStage
    let observations = first ?? sample(Array(scenarios.indices), first: 0, count: firstStage)
    var sampler = self
    let result = procedure.run(batch: SelectionStudy.batch, ratio: ratio) { designs, start, count in
      start == 0 && count == firstStage ? designs.map { observations[$0] } : sampler.sample(designs, first: start, count: count)
    }
    self = sampler
    return result
  }

  /// Kim-Nelson's outcome with what was sampled for it.
  func outcome(
    names: [String], procedure: KimNelson, result: KimNelson.Outcome, delta: Double, zone: IndifferenceZone
  ) -> SelectionOutcome {
    SelectionOutcome(
      names: names, objective: objective, procedure: procedure, result: result, delta: delta, zone: zone, simulated: simulated, seed: seed)
  }
}

/// The best of a baseline and variants (`cccm select`): Kim-Nelson's procedure on common random
/// numbers, δ a share of the baseline's first-stage mean or an amount.
public struct SelectionStudy: Sendable {
  public var scenarios: [Scenario]
  public var objective: Objective
  public var delta: IndifferenceZone
  /// First-stage replications n0 of every design.
  public var firstStage: Int
  /// The most replications per design.
  public var maximum: Int
  public var seed: UInt64
  public var generator: GeneratorKind
  public var threads: Int

  /// Replications simulated at a time per surviving design after the first stage (elimination is
  /// still checked after each one).
  public static let batch = 10
  /// The most replications per design when none is given.
  public static let defaultMaximum = 1000

  public init(
    scenarios: [Scenario], objective: Objective, delta: IndifferenceZone, firstStage: Int, maximum: Int, seed: UInt64, generator: GeneratorKind = .philox,
    threads: Int = 0
  ) {
    self.scenarios = scenarios
    self.objective = objective
    self.delta = delta
    self.firstStage = firstStage
    self.maximum = maximum
    self.seed = seed
    self.generator = generator
    self.threads = threads
  }

  /// Runs the first stage, sets δ from the baseline's first-stage mean (a share) or as given, and
  /// runs the procedure. Refused when δ comes to 0 (a share of a baseline mean of 0).
  public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws(SelectionError) -> SelectionOutcome {
    var sampler = SelectionSampler(scenarios: scenarios, objective: objective, seed: seed, generator: generator, threads: threads, progress: progress)
    let first = sampler.sample(Array(scenarios.indices), first: 0, count: firstStage)
    // A ratio objective's baseline mean is its ratio of sums.
    let baseMean = first[0].denominators.map { RatioOfSums(numerators: first[0].numerators, denominators: $0).estimate } ?? Summary(first[0].numerators).mean
    let amount = delta.amount(reference: baseMean)
    guard amount > 0, amount.isFinite else { throw SelectionError(baselineMean: baseMean) }
    let procedure = KimNelson(designs: scenarios.count, delta: amount, firstStage: firstStage, maximum: maximum, larger: objective.largerIsBetter)
    let result = sampler.run(procedure, first: first)
    return sampler.outcome(names: scenarios.map(\.name), procedure: procedure, result: result, delta: amount, zone: delta)
  }
}

/// What a selection found: the procedure and its outcome (with each design's statistics over the
/// replications it used).
public struct SelectionOutcome: Sendable {
  public var names: [String]
  public var objective: Objective
  public var procedure: KimNelson
  public var result: KimNelson.Outcome
  /// δ as an amount of the objective (as shown; the procedure's may differ when it came to 0).
  public var delta: Double
  public var zone: IndifferenceZone
  /// Replications simulated over every design.
  public var simulated: Int
  public var seed: UInt64

  /// The design selected, else the best mean among those that could still be best.
  public var best: Int {
    result.chosen ?? result.survivors.max { objective.isBetter(result.means[$1], than: result.means[$0]) } ?? 0
  }
}

/// δ came to 0: a share of a baseline whose first-stage mean is 0.
public struct SelectionError: Error, Sendable {
  public let baselineMean: Double
}
