import CoverageModel
import Estimation
import Randomness
import ScenarioFiles
import Simulation

/// Morris's elementary effects (Morris 1991) with Campolongo, Cariboni and Saltelli's mu* (2007):
/// `r` trajectories through a grid of `p` levels of the unit cube, each moving one factor at a time
/// by Delta = p / (2 (p - 1)), in a random order and direction from a random start.
public enum Morris {
  public struct Design: Sendable {
    public let factors: Int
    public let trajectories: Int
    public let levels: Int
    /// `trajectories * (factors + 1)` points of the unit cube, trajectory by trajectory.
    public let points: [[Double]]
    /// For each trajectory, the factor moved at each of its `factors` steps.
    public let moved: [[Int]]
  }

  /// The design for `k` factors, `r` trajectories and `p` levels (p even, at least 2), its random
  /// starts, orders and directions drawn from GSL with `seed`.
  public static func design(factors k: Int, trajectories r: Int, levels p: Int, seed: UInt64) -> Design {
    let draws = SeededDraws(seed: seed, purpose: "morris")
    let delta = Double(p) / (2 * Double(p - 1))
    var points: [[Double]] = []
    var moved: [[Int]] = []
    for _ in 0..<r {
      // A start from the levels 0, 1/(p-1), ..., 1 - Delta; a direction per factor.
      var x = (0..<k).map { _ in Double(draws.below(p / 2)) / Double(p - 1) }
      let up = (0..<k).map { _ in draws.uniform() < 0.5 }
      for i in 0..<k where !up[i] { x[i] += delta }
      let order = draws.permutation(k)
      points.append(x)
      for i in order {
        x[i] += up[i] ? delta : -delta
        x[i] = (x[i] * Double(p - 1)).rounded() / Double(p - 1)
        points.append(x)
      }
      moved.append(order)
    }
    return Design(factors: k, trajectories: r, levels: p, points: points, moved: moved)
  }

  public struct Effect: Sendable {
    /// Mean of the absolute elementary effects (Campolongo's mu*): the typical change in the output
    /// when the factor crosses its whole range.
    public var muStar: Double
    /// Mean of the elementary effects (Morris's mu): its sign says the direction.
    public var mu: Double
    /// Their standard deviation: large when the factor interacts or acts non-linearly.
    public var sigma: Double
    /// Standard error of mu* (sd of |effects| / sqrt(count)).
    public var muStarSE: Double
    public var effects: [Double]
  }

  /// Each factor's effects from the outputs at the design's points, where `values[j][i]` is the
  /// value factor i took at point j and `range[i]` its high - low: an effect is the change in the
  /// output over the change in the factor, times its range (so effects of different factors compare).
  public static func effects(design: Design, outputs: [Double], values: [[Double]], ranges: [Double]) -> [Effect] {
    var perFactor = [[Double]](repeating: [], count: design.factors)
    for t in 0..<design.trajectories {
      let start = t * (design.factors + 1)
      for (step, i) in design.moved[t].enumerated() {
        let (a, b) = (start + step, start + step + 1)
        let dx = values[b][i] - values[a][i]
        guard dx != 0, outputs[a].isFinite, outputs[b].isFinite else { continue }
        perFactor[i].append((outputs[b] - outputs[a]) / dx * ranges[i])
      }
    }
    return perFactor.map { effects in
      let n = Double(effects.count)
      guard n > 0 else { return Effect(muStar: .nan, mu: .nan, sigma: .nan, muStarSE: .nan, effects: []) }
      let absolute = effects.map(abs)
      let muStar = absolute.reduce(0, +) / n
      let mu = effects.reduce(0, +) / n
      let sigma = n > 1 ? (effects.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (n - 1)).squareRoot() : 0
      let sdAbs = n > 1 ? (absolute.reduce(0) { $0 + ($1 - muStar) * ($1 - muStar) } / (n - 1)).squareRoot() : 0
      return Effect(muStar: muStar, mu: mu, sigma: sigma, muStarSE: sdAbs / n.squareRoot(), effects: effects)
    }
  }
}

/// Sobol's variance-based indices: first-order (Saltelli et al. 2010) and total (Jansen 1999),
/// from two matrices A and B of N points and the k matrices AB_i (A with column i from B), sampled
/// with GSL's quasi-random Sobol sequence in 2k dimensions; intervals by bootstrap over the N rows.
public enum SobolIndices {
  /// At most 20 factors: the sequence has 2k dimensions and GSL's goes to 40.
  public static let maximumFactors = SobolSequence.maximumDimension / 2

  public struct Design: Sendable {
    public let factors: Int
    public let samples: Int
    /// The points: A's N rows, B's N rows, then AB_1's N rows, ..., AB_k's: N (k + 2) in all.
    public let points: [[Double]]
  }

  /// The design for `k` factors and `n` base samples; nil when k is not in 1...20.
  public static func design(factors k: Int, samples n: Int) -> Design? {
    guard (1...maximumFactors).contains(k), n > 0, let sequence = SobolSequence(dimension: 2 * k) else { return nil }
    var a: [[Double]] = []
    var b: [[Double]] = []
    while a.count < n {
      let point = sequence.next()
      if point.allSatisfy({ $0 == 0 }) { continue }  // the origin: a corner, not a sample
      a.append(Array(point[0..<k]))
      b.append(Array(point[k...]))
    }
    var points = a + b
    for i in 0..<k {
      for j in 0..<n {
        var row = a[j]
        row[i] = b[j][i]
        points.append(row)
      }
    }
    return Design(factors: k, samples: n, points: points)
  }

  public struct Index: Sendable {
    public var first: Double
    public var firstLow: Double
    public var firstHigh: Double
    public var firstSE: Double
    public var total: Double
    public var totalLow: Double
    public var totalHigh: Double
    public var totalSE: Double
  }

  public struct Estimate: Sendable {
    /// The output's variance over A and B together.
    public var variance: Double
    public var indices: [Index]
    public var bootstrap: Int
  }

  /// First-order and total indices from the outputs at the design's points, with 95% percentile
  /// bootstrap intervals and standard errors from `bootstrap` resamples of the N rows (drawn from
  /// GSL with `seed`).
  /// The outputs are centred on the mean of A and B first: the estimators' expectations do not
  /// change (E f_AB_i = E f_A), but Saltelli's first-order one is far less noisy for an output whose
  /// mean is large against its spread (contribution in the tens of millions varying by a few).
  public static func estimate(outputs: [Double], factors k: Int, samples n: Int, bootstrap: Int, seed: UInt64) -> Estimate {
    let centre = outputs[0..<2 * n].reduce(0, +) / Double(2 * n)
    let centred = outputs.map { $0 - centre }
    let fA = Array(centred[0..<n])
    let fB = Array(centred[n..<2 * n])
    let fAB = (0..<k).map { i in Array(centred[(2 + i) * n..<(3 + i) * n]) }
    func indices(_ rows: [Int]) -> (variance: Double, first: [Double], total: [Double]) {
      let m = Double(rows.count)
      var sum = 0.0
      var squares = 0.0
      for j in rows {
        sum += fA[j] + fB[j]
        squares += fA[j] * fA[j] + fB[j] * fB[j]
      }
      let mean = sum / (2 * m)
      let variance = squares / (2 * m) - mean * mean
      var first: [Double] = []
      var total: [Double] = []
      for i in 0..<k {
        var v = 0.0
        var e = 0.0
        for j in rows {
          v += fB[j] * (fAB[i][j] - fA[j])
          e += (fA[j] - fAB[i][j]) * (fA[j] - fAB[i][j])
        }
        first.append(variance > 0 ? v / m / variance : .nan)
        total.append(variance > 0 ? e / (2 * m) / variance : .nan)
      }
      return (variance, first, total)
    }
    let point = indices(Array(0..<n))
    let draws = SeededDraws(seed: seed, purpose: "sobol-bootstrap")
    var firsts = [[Double]](repeating: [], count: k)
    var totals = [[Double]](repeating: [], count: k)
    for _ in 0..<bootstrap {
      let rows = (0..<n).map { _ in draws.below(n) }
      let resampled = indices(rows)
      for i in 0..<k {
        firsts[i].append(resampled.first[i])
        totals[i].append(resampled.total[i])
      }
    }
    let result = (0..<k).map { i -> Index in
      let f = Summary(firsts[i])
      let t = Summary(totals[i])
      let fs = firsts[i].filter(\.isFinite).sorted()
      let ts = totals[i].filter(\.isFinite).sorted()
      return Index(
        first: point.first[i], firstLow: Summary.quantile(fs, 0.025), firstHigh: Summary.quantile(fs, 0.975), firstSE: f.sd,
        total: point.total[i], totalLow: Summary.quantile(ts, 0.025), totalHigh: Summary.quantile(ts, 0.975), totalSE: t.sd)
    }
    return Estimate(variance: point.variance, indices: result, bootstrap: bootstrap)
  }
}

/// Morris screening or Sobol indices of a scenario's factors (`cccm sensitivity --method
/// morris|sobol`): every point of the design is the base with each factor set, all run on common
/// random numbers; the estimators read the points' mean objectives.
public struct GlobalSensitivityStudy: Sendable {
  public enum Method: Sendable, Hashable {
    /// Elementary effects over `trajectories` trajectories on a grid of `levels` levels.
    case morris(trajectories: Int, levels: Int)
    /// First-order and total indices from `samples` quasi-random base samples, intervals from
    /// `bootstrap` resamples.
    case sobol(samples: Int, bootstrap: Int)
  }

  /// The base scenario and its file, which every point is a variant of.
  public var base: Scenario
  public var file: String
  /// The factors as given (`--vary PATH=LOW..HIGH`).
  public var vary: [String]
  public var method: Method
  public var objective: Objective
  public var seed: UInt64

  public init(base: Scenario, file: String, vary: [String], method: Method, objective: Objective, seed: UInt64) {
    self.base = base
    self.file = file
    self.vary = vary
    self.method = method
    self.objective = objective
    self.seed = seed
  }

  /// The design's points and their scenarios (the base first).
  public struct Design: Sendable {
    public var ranges: [InputRange]
    /// Each point's factor values.
    public var values: [[Double]]
    /// The base, then one scenario per point.
    public var scenarios: [Scenario]
    var morris: Morris.Design?
    var sobol: SobolIndices.Design?
  }

  /// The design, each factor first tried alone at both ends so that a bad path or value is
  /// reported against its `--vary`; then every point's scenario (points that repeat share one).
  public func design() throws(VaryError) -> Design {
    var ranges: [InputRange] = []
    var factors: [Sweep.Factor] = []
    for text in vary {
      guard let factor = try? Sweep.ends(text).get(), let low = factor.values.first, let high = factor.values.last else { continue }
      for value in [low, high] { _ = try Sweep.alone(factor, at: value, text: text, base: file) }
      ranges.append(InputRange(path: factor.path, low: low, high: high))
      factors.append(factor)
    }
    var design = Design(ranges: ranges, values: [], scenarios: [base])
    let unitPoints: [[Double]]
    switch method {
    case .morris(let trajectories, let levels):
      let morris = Morris.design(factors: ranges.count, trajectories: trajectories, levels: levels, seed: seed)
      (unitPoints, design.morris) = (morris.points, morris)
    case .sobol(let samples, _):
      guard let sobol = SobolIndices.design(factors: ranges.count, samples: samples) else { throw .tooManyFactors }
      (unitPoints, design.sobol) = (sobol.points, sobol)
    }
    design.values = unitPoints.map { u in zip(u, ranges).map { $1.value(at: $0) } }
    let sweep = Sweep(factors: factors)
    var cache: [[Double]: Scenario] = [:]
    for point in design.values {
      if let known = cache[point] {
        design.scenarios.append(known)
        continue
      }
      do {
        let scenario = try sweep.scenario(at: point, base: file)
        cache[point] = scenario
        design.scenarios.append(scenario)
      } catch {
        throw .point(label: Sweep.label(sweep.factors, point), reason: error.description)
      }
    }
    return design
  }

  /// Runs every scenario of `design` for `replications` replications on common random numbers
  /// and estimates the effects or indices from the mean objectives. Only the means are kept: a
  /// point's rows are summarised before the next point runs, and beyond the exact bound they are
  /// not kept at all (the mean from moments combined block by block), so memory holds one
  /// point's rows at most, whatever the points and replications.
  public func run(
    _ design: Design, replications: Int, generator: GeneratorKind = .philox, threads: Int = 0, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> GlobalSensitivityOutcome {
    let means = design.scenarios.enumerated().map { index, scenario -> Double in
      var perScenario: (@Sendable (Int) -> Void)?
      if let progress { perScenario = { done in progress(index, done) } }
      let simulator = Simulator(scenario: scenario, generator: generator)
      let results = simulator.run(
        replications: replications, seed: seed, threads: threads, progress: perScenario,
        exactBound: ReplicationBlocks.exactBound(width: simulator.layout.count))
      guard !results.hasRows, let metric = results.layout.index(ofScenarioMetric: objective.name) else { return Summary(objective.values(results)).mean }
      return results.summary(metric).mean
    }
    let outputs = Array(means.dropFirst())
    let estimate: GlobalSensitivityOutcome.Estimate
    switch method {
    case .morris(let trajectories, let levels):
      let effects = design.morris.map {
        Morris.effects(design: $0, outputs: outputs, values: design.values, ranges: design.ranges.map { $0.high - $0.low })
      } ?? []
      estimate = .morris(trajectories: trajectories, levels: levels, effects: effects)
    case .sobol(let samples, let bootstrap):
      let indices = SobolIndices.estimate(
        outputs: outputs, factors: design.ranges.count, samples: design.sobol?.samples ?? samples, bootstrap: bootstrap, seed: seed)
      estimate = .sobol(samples: samples, bootstrap: bootstrap, estimate: indices)
    }
    return GlobalSensitivityOutcome(
      objective: objective, ranges: design.ranges, points: design.values.count, baseMean: means[0], replications: replications, seed: seed,
      estimate: estimate)
  }
}

/// What a global sensitivity study found: the factors' ranges, the base's mean objective and the
/// Morris effects or Sobol indices.
public struct GlobalSensitivityOutcome: Sendable {
  public enum Estimate: Sendable {
    case morris(trajectories: Int, levels: Int, effects: [Morris.Effect])
    case sobol(samples: Int, bootstrap: Int, estimate: SobolIndices.Estimate)
  }

  public var objective: Objective
  public var ranges: [InputRange]
  /// Points of the design (the base aside).
  public var points: Int
  public var baseMean: Double
  public var replications: Int
  public var seed: UInt64
  public var estimate: Estimate
}
