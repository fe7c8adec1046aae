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
    /// Mean of each design over the replications it used.
    public var means: [Double]
    /// The last stage reached.
    public var stages: Int
    /// Replications per design that the fixed-sample Bonferroni procedure needs for the same
    /// guarantee: max over pairs of ceil((t S_il / δ)²), t the 1 - α/(k-1) quantile of Student's t
    /// with n0 - 1 degrees of freedom, at least n0.
    public var fixedSample: Int
    /// The first-stage variances of the pairs' differences (S²_il).
    public var pairVariances: [[Double]]
  }

  /// Runs the procedure. `sample(designs, first, count)` returns, for each design listed, its
  /// outputs at replications first ..< first + count (common random numbers: replication j of
  /// every design meets the same luck). After the first stage it is asked for `batch` replications
  /// at a time of the surviving designs; elimination is checked after every replication.
  public func run(batch: Int = 1, sample: ([Int], Int, Int) -> [[Double]]) -> Outcome {
    let k = designs
    let sign = larger ? 1.0 : -1.0
    var outputs = [[Double]](repeating: [], count: k)
    let first = sample(Array(0..<k), 0, firstStage)
    for i in 0..<k { outputs[i] = first[i].map { sign * $0 } }
    let n0 = Double(firstStage)
    var s2 = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for i in 0..<k {
      for l in 0..<k where l != i {
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
    var sums = outputs.map { $0.reduce(0, +) }
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
          return sums[i] / rr >= sums[l] / rr - w
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
      let more = sample(alive, r, count)
      var pending = Dictionary(uniqueKeysWithValues: zip(alive, more.map { $0.map { sign * $0 } }))
      for step in 0..<count {
        r += 1
        for i in alive {
          let x = pending[i]?[step] ?? .nan
          sums[i] += x
          outputs[i].append(x)
        }
        screen()
        if alive.count <= 1 || Double(r) > horizon() { break }
      }
      pending.removeAll()
    }
    for i in alive { used[i] = r }
    // Past N_il = floor(h² S²_il / δ²) for every surviving pair, W is 0 and the best mean is selected
    // (Kim and Nelson's stopping rule; it matters when designs never differ, S² = 0).
    if alive.count > 1, Double(r) > horizon(), let best = alive.max(by: { sums[$0] < sums[$1] || (sums[$0] == sums[$1] && $0 > $1) }) {
      alive = [best]
    }
    let means = (0..<k).map { sign * sums[$0] / Double(used[$0]) }
    return Outcome(
      chosen: alive.count == 1 ? alive[0] : nil, survivors: alive, used: used, means: means, stages: r, fixedSample: fixed, pairVariances: s2)
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
/// the replications asked for (after `offset`), every design's values kept in replication order.
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
  /// Each design's values in replication order (the procedure asks for consecutive ones).
  var collected: [[Double]]

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
    collected = [[Double]](repeating: [], count: scenarios.count)
  }

  mutating func sample(_ designs: [Int], first: Int, count: Int) -> [[Double]] {
    simulated += designs.count * count
    let experiment = Experiment(scenarios: designs.map { scenarios[$0] }, seed: seed, generator: generator, threads: threads)
    let outputs = experiment.run(replications: count, first: offset + first, progress: progress).map { $0.column(objective.metric) }
    for (design, values) in zip(designs, outputs) where collected[design].count == first { collected[design] += values }
    return outputs
  }

  /// Kim-Nelson's outcome with what was sampled for it.
  func outcome(
    names: [String], procedure: KimNelson, result: KimNelson.Outcome, delta: Double, zone: IndifferenceZone
  ) -> SelectionOutcome {
    SelectionOutcome(
      names: names, objective: objective, procedure: procedure, result: result, delta: delta, zone: zone,
      values: collected.indices.map { Array(collected[$0].prefix(result.used[$0])) }, simulated: simulated, seed: seed)
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
    let baseMean = Summary(first[0]).mean
    let amount = delta.amount(reference: baseMean)
    guard amount > 0, amount.isFinite else { throw SelectionError(baselineMean: baseMean) }
    let procedure = KimNelson(designs: scenarios.count, delta: amount, firstStage: firstStage, maximum: maximum, larger: objective.largerIsBetter)
    let result = procedure.run(batch: Self.batch) { designs, start, count in
      start == 0 && count == firstStage ? designs.map { first[$0] } : sampler.sample(designs, first: start, count: count)
    }
    return sampler.outcome(names: scenarios.map(\.name), procedure: procedure, result: result, delta: amount, zone: delta)
  }
}

/// What a selection found: the procedure, its outcome, and each design's values over the
/// replications it used.
public struct SelectionOutcome: Sendable {
  public var names: [String]
  public var objective: Objective
  public var procedure: KimNelson
  public var result: KimNelson.Outcome
  /// δ as an amount of the objective (as shown; the procedure's may differ when it came to 0).
  public var delta: Double
  public var zone: IndifferenceZone
  public var values: [[Double]]
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
