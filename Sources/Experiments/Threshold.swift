import CCCMSupport
import CoverageModel
import Estimation
import Foundation
import Randomness
import ScenarioFiles
import Simulation

/// The value of a parameter at which a variant equals its baseline on the objective (`cccm
/// threshold`, docs/explore.md "What would have to be true").
///
/// The method, for one parameter over [LOW, HIGH]:
/// 1. K evenly spaced values (`points`, LOW and HIGH included). At each, the variant (and the
///    baseline, where the parameter exists in it) run the same replications on the same seed, so
///    replication r meets the same opportunities at every point: the paired difference
///    D_r(theta) = variant - baseline is a smooth function of theta plus noise shared across points.
/// 2. A quadratic in theta, fitted by least squares to the K point means of D (a line when K = 2
///    would not show curvature, so K is at least 3). Its roots in [LOW, HIGH] are the thresholds.
/// 3. The interval: a percentile bootstrap that resamples replication indices, the same indices at
///    every point (the pairing across points is kept), refits the quadratic and takes its root
///    nearest each estimated root; a resample without a root in the range counts as beyond the end
///    its curve is nearest zero at, so an interval can be open ("above HIGH").
/// 4. "Never within [LOW, HIGH]": no root at the estimate, and the bootstrap band of the curve
///    excludes 0 over the whole range.
///
/// With a target (`bookings>=85M`), D is the variant's value minus the target: the threshold is
/// where the variant's mean reaches it.
public enum Threshold {
  /// What a threshold study measures and how.
  public struct Setting: Sendable {
    public var objective: Objective
    /// The variant's level to reach instead of the baseline's (`--target`).
    public var target: Target?
    public var points: Int
    public var replications: Int
    public var seed: UInt64
    public var generator: GeneratorKind
    public var threads: Int
    public var resamples: Int
    /// Vary the parameter in the variant alone, even where the baseline has it too.
    public var variantOnly: Bool

    public init(
      objective: Objective, target: Target? = nil, points: Int = 7, replications: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0,
      resamples: Int = 1000, variantOnly: Bool = false
    ) {
      self.objective = objective
      self.target = target
      self.points = points
      self.replications = replications
      self.seed = seed
      self.generator = generator
      self.threads = threads
      self.resamples = resamples
      self.variantOnly = variantOnly
    }

    /// The metric measured: the target's, else the objective.
    public var metric: String { target?.metric ?? objective.name }
    /// Whether a larger value of the metric is better (a target: whether reaching it means going up).
    public var largerIsBetter: Bool {
      guard let target else { return objective.largerIsBetter }
      return target.comparison == .atLeast || target.comparison == .above
    }
  }

  /// An estimated threshold and its interval (ends may be infinite: beyond the range).
  public struct Root: Sendable, Hashable {
    public var value: Double
    public var low: Double
    public var high: Double
    /// The bootstrap standard deviation of the root (over resamples with a root in the range).
    public var standardError: Double
    /// The sign of the fitted difference's slope at the root: above the root the difference is
    /// positive when 1.
    public var slope: Double
    /// The designs coincide here: the difference is 0 in every replication (no interval).
    public var exact = false
  }

  /// What the curve of differences says over the range.
  public enum Verdict: String, Sendable {
    /// The fitted difference crosses 0 (once or more) within the range.
    case crosses
    /// The difference's band excludes 0 everywhere in the range: positive throughout.
    case neverPositive
    /// The difference's band excludes 0 everywhere in the range: negative throughout.
    case neverNegative
    /// No crossing at the estimate, but the band reaches 0 somewhere: not settled by this many
    /// replications.
    case undetermined
    /// The difference is 0 at every point in every replication (the parameter does not separate them).
    case equal
  }

  /// The fitted curve of differences over one range, its roots and their intervals.
  public struct Curve: Sendable {
    public var grid: [Double]
    /// Each point's mean difference and its 95% interval (paired t over replications).
    public var means: [Double]
    public var pointLow: [Double]
    public var pointHigh: [Double]
    /// The fitted quadratic at `curveX`, with the bootstrap's pointwise band.
    public var curveX: [Double]
    public var fitted: [Double]
    public var bandLow: [Double]
    public var bandHigh: [Double]
    public var roots: [Root]
    /// With no root at the estimate: the interval of where the bootstrap's roots fall (ends may be
    /// infinite), when some resamples cross.
    public var openInterval: Root?
    public var verdict: Verdict
    /// The largest |fitted - mean| of a point in units of its standard error: above 3, the curve
    /// does not follow the points.
    public var lackOfFit: Double
    public var replications: Int
    public var resamples: Int
  }

  /// One parameter's line of the study.
  public struct Line: Sendable {
    public var range: InputRange
    /// Whether the baseline ran at each point too (the parameter exists in it and was not kept
    /// to the variant).
    public var variedInBaseline: Bool
    /// Why the baseline was not varied, when it was not.
    public var baselineNote: String?
    public var curve: Curve
    public init(range: InputRange, variedInBaseline: Bool, baselineNote: String?, curve: Curve) {
      self.range = range
      self.variedInBaseline = variedInBaseline
      self.baselineNote = baselineNote
      self.curve = curve
    }
  }

  /// A finished study: every line, with what was run.
  public struct Outcome: Sendable {
    public var baseline: String
    public var variant: String
    public var setting: Setting
    public var lines: [Line]
    public init(baseline: String, variant: String, setting: Setting, lines: [Line]) {
      self.baseline = baseline
      self.variant = variant
      self.setting = setting
      self.lines = lines
    }
  }

  // MARK: - Running

  /// Runs the study: for each range, the variant (and the baseline where the path exists in it,
  /// unless `variantOnly`) at each grid point on common random numbers, then `analyse`.
  /// Scenario values are written with `Sweep.scenario` (a `set` change over the file, validated as
  /// `set` validates it); a path or value the variant refuses is refused with `set`'s message.
  /// `progress` is called after each scenario run.
  public static func run(
    baseline baseFile: String, variant variantFile: String, ranges: [InputRange], setting: Setting, progress: (@Sendable () -> Void)? = nil
  ) throws(VaryError) -> Outcome {
    let loader = ScenarioLoader()
    let base: Scenario
    let variant: Scenario
    do {
      base = try loader.load(path: baseFile)
      variant = try loader.load(path: variantFile)
    } catch {
      throw .point(label: "the designs", reason: error.description)
    }
    var lines: [Line] = []
    // The baseline as it is, run once for every range that does not vary it.
    var fixedBase: [Double]?
    for range in ranges {
      let factor = Sweep.Factor(path: range.path, values: [range.low, range.high])
      let text = "\(range.path)=\(NumberText.shortest(range.low))..\(NumberText.shortest(range.high))"
      var grid = range.grid(points: setting.points)
      // A parameter that takes whole numbers refuses a value between them and accepts its
      // rounding: the grid is then made of whole numbers.
      if let between = grid.first(where: { $0 != $0.rounded() }),
        (try? Sweep(factors: [factor]).scenario(at: [between], base: variantFile, loader: loader)) == nil,
        (try? Sweep(factors: [factor]).scenario(at: [between.rounded()], base: variantFile, loader: loader)) != nil
      {
        grid = range.wholeGrid(points: setting.points)
        guard grid.count >= 3 else {
          throw .factor(
            text: text,
            detail: "\(range.path) takes whole numbers, and \(NumberText.shortest(range.low))..\(NumberText.shortest(range.high)) holds \(grid.count) of them; the fitted curve needs at least 3 (widen the range)")
        }
      }
      var variants: [Scenario] = []
      for value in grid {
        do {
          variants.append(try Sweep(factors: [factor]).scenario(at: [value], base: variantFile, loader: loader))
        } catch {
          // What `set` says of the path or value, against the --vary it came from.
          _ = try Sweep.alone(factor, at: value, text: text, base: variantFile)
          throw .point(label: "\(range.path) = \(NumberText.shortest(value))", reason: error.description)
        }
      }
      var baselines: [Scenario] = []
      var note: String?
      if setting.variantOnly {
        note = "--variant-only"
      } else if setting.target == nil {
        do {
          for value in grid { baselines.append(try Sweep.alone(factor, at: value, text: text, base: baseFile)) }
        } catch {
          baselines = []
          if case .factor(_, let detail) = error { note = "it has no such parameter: \(detail)" } else { note = "it has no such parameter" }
        }
      }
      if baselines.isEmpty, setting.target == nil, fixedBase == nil {
        fixedBase = values(of: base, setting: setting)
        progress?()
      }
      var differences: [[Double]] = []
      for (k, scenario) in variants.enumerated() {
        let v = values(of: scenario, setting: setting)
        progress?()
        let reference: [Double]
        if let target = setting.target {
          reference = [Double](repeating: target.value, count: v.count)
        } else if baselines.isEmpty, let fixedBase {
          reference = fixedBase
        } else {
          reference = values(of: baselines[k], setting: setting)
          progress?()
        }
        differences.append(zip(v, reference).map { $0 - $1 })
      }
      let curve = analyse(differences: differences, grid: grid, resamples: setting.resamples, seed: setting.seed)
      lines.append(Line(range: range, variedInBaseline: !baselines.isEmpty, baselineNote: baselines.isEmpty ? note : nil, curve: curve))
    }
    return Outcome(baseline: base.name, variant: variant.name, setting: setting, lines: lines)
  }

  /// The metric's value in each replication of `scenario` on the study's seed, as estimation
  /// reads it (a ratio metric's pseudo-values: the point means are ratios of sums), a block of
  /// rows at a time (`Experiment.estimationColumns`).
  static func values(of scenario: Scenario, setting: Setting) -> [Double] {
    guard let metric = MetricLayout.scenarioMetrics.firstIndex(of: setting.metric) else { return [] }
    return Experiment(scenarios: [scenario], seed: setting.seed, generator: setting.generator, threads: setting.threads)
      .estimationColumns(metric, replications: setting.replications)[0]
  }

  // MARK: - The analysis

  /// The quadratic through the point means of `differences[point][replication]` over `grid`, its
  /// roots in [grid.first, grid.last] and their percentile bootstrap intervals (`resamples`
  /// resamples of replication indices, the same indices at every point; `seed` fixes them).
  /// Replications where some point's difference is not finite are left out at every point.
  public static func analyse(differences: [[Double]], grid: [Double], resamples: Int, seed: UInt64, confidence: Double = 0.95) -> Curve {
    let low = grid.first ?? 0
    let high = grid.last ?? 1
    let centre = (low + high) / 2
    let half = (high - low) / 2
    func t(_ x: Double) -> Double { half > 0 ? (x - centre) / half : 0 }
    func x(_ t: Double) -> Double { centre + t * half }
    let n0 = differences.map(\.count).min() ?? 0
    let kept = (0..<n0).filter { r in differences.allSatisfy { $0[r].isFinite } }
    let d = differences.map { row in kept.map { row[$0] } }
    let n = kept.count
    let summaries = d.map(Summary.init)
    let means = summaries.map(\.mean)
    let projection = quadraticProjection(grid.map(t))
    let coefficients = apply(projection, means)
    let curveX = (0...40).map { low + (high - low) * Double($0) / 40 }
    let curveT = curveX.map(t)
    let fitted = curveT.map { evaluate(coefficients, $0) }
    let rootTs = roots(coefficients)
    // Lack of fit: each point's residual against its standard error.
    var lackOfFit = 0.0
    // (A point where the designs coincide, the difference 0 in every replication, has no error:
    // it is a threshold in itself, below.)
    for (k, s) in summaries.enumerated() where s.count > 1 && s.sd > 0 {
      let residual = means[k] - evaluate(coefficients, t(grid[k]))
      lackOfFit = max(lackOfFit, abs(residual) / (s.sd / Double(s.count).squareRoot()))
    }
    let allZero = d.allSatisfy { $0.allSatisfy { $0 == 0 } }
    let exact = n > 0 ? grid.indices.filter { k in d[k].allSatisfy { $0 == 0 } } : []
    // The bootstrap: resampled means at each point, refitted.
    let draws = SeededDraws(seed: seed, purpose: "threshold bootstrap")
    var bootCoefficients: [[Double]] = []
    if n >= 2 {
      var index = [Int](repeating: 0, count: n)
      for _ in 0..<resamples {
        for i in 0..<n { index[i] = draws.below(n) }
        let m = d.map { row in index.reduce(0) { $0 + row[$1] } / Double(n) }
        bootCoefficients.append(apply(projection, m))
      }
    }
    let alpha = (1 - confidence) / 2
    func percentile(_ values: [Double], _ q: Double) -> Double {
      guard !values.isEmpty else { return .nan }
      let sorted = values.sorted()
      return sorted[Summary.nearestRankIndex(count: sorted.count, q)]
    }
    var bandLow: [Double] = []
    var bandHigh: [Double] = []
    for tt in curveT {
      let values = bootCoefficients.map { evaluate($0, tt) }
      bandLow.append(values.isEmpty ? .nan : percentile(values, alpha))
      bandHigh.append(values.isEmpty ? .nan : percentile(values, 1 - alpha))
    }
    /// A resample's root nearest `reference` (in t), or beyond the end where its curve is nearest 0.
    func bootRoot(_ c: [Double], nearest reference: Double) -> Double {
      let found = roots(c)
      if let nearest = found.min(by: { abs($0 - reference) < abs($1 - reference) }) { return x(nearest) }
      return abs(evaluate(c, -1)) < abs(evaluate(c, 1)) ? -.infinity : .infinity
    }
    func interval(nearest reference: Double, value: Double, slope: Double) -> Root {
      let boot = bootCoefficients.map { bootRoot($0, nearest: reference) }
      let finite = boot.filter(\.isFinite)
      let se = finite.count > 1 ? Summary(finite).sd : .nan
      return Root(value: value, low: percentile(boot, alpha), high: percentile(boot, 1 - alpha), standardError: se, slope: slope)
    }
    var rootList: [Root] = []
    var open: Root?
    var verdict: Verdict
    if allZero {
      verdict = .equal
    } else if !rootTs.isEmpty || !exact.isEmpty {
      verdict = .crosses
      // Where the designs coincide the threshold is exact; a fitted root within a grid step of
      // such a point is that point, seen through the curve's noise.
      let step = grid.count > 1 ? 2.0 / Double(grid.count - 1) : 2
      for k in exact {
        let slope = derivative(coefficients, t(grid[k]))
        rootList.append(Root(value: grid[k], low: grid[k], high: grid[k], standardError: 0, slope: slope == 0 ? 0 : (slope > 0 ? 1 : -1), exact: true))
      }
      for r in rootTs where !exact.contains(where: { abs(t(grid[$0]) - r) < step }) {
        let slope = derivative(coefficients, r)
        rootList.append(interval(nearest: r, value: x(r), slope: slope == 0 ? 0 : (slope > 0 ? 1 : -1)))
      }
    } else {
      let positive = bandLow.allSatisfy { $0 > 0 }
      let negative = bandHigh.allSatisfy { $0 < 0 }
      if !bootCoefficients.isEmpty, positive || negative {
        verdict = positive ? .neverPositive : .neverNegative
      } else {
        verdict = .undetermined
        let nearEnd: Double = abs(evaluate(coefficients, -1)) < abs(evaluate(coefficients, 1)) ? -1 : 1
        let r = interval(nearest: nearEnd, value: nearEnd < 0 ? -.infinity : .infinity, slope: 0)
        open = r
      }
    }
    rootList.sort { $0.value < $1.value }
    return Curve(
      grid: grid, means: means, pointLow: summaries.map(\.ci95Low), pointHigh: summaries.map(\.ci95High), curveX: curveX, fitted: fitted, bandLow: bandLow,
      bandHigh: bandHigh, roots: rootList, openInterval: open, verdict: verdict, lackOfFit: lackOfFit, replications: n, resamples: bootCoefficients.count)
  }

  /// The 3 x K matrix (X'X)^-1 X' of least squares on [1, t, t^2] at `ts` (K >= 3 distinct values).
  static func quadraticProjection(_ ts: [Double]) -> [[Double]] {
    let rows = ts.map { [1, $0, $0 * $0] }
    var a = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3)
    for row in rows {
      for i in 0..<3 { for j in 0..<3 { a[i][j] += row[i] * row[j] } }
    }
    let inverse = invert3(a)
    return (0..<3).map { i in rows.map { row in (0..<3).reduce(0) { $0 + inverse[i][$1] * row[$1] } } }
  }

  static func invert3(_ m: [[Double]]) -> [[Double]] {
    let (a, b, c) = (m[0][0], m[0][1], m[0][2])
    let (d, e, f) = (m[1][0], m[1][1], m[1][2])
    let (g, h, i) = (m[2][0], m[2][1], m[2][2])
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    let cofactors = [
      [e * i - f * h, c * h - b * i, b * f - c * e],
      [f * g - d * i, a * i - c * g, c * d - a * f],
      [d * h - e * g, b * g - a * h, a * e - b * d],
    ]
    return cofactors.map { $0.map { $0 / det } }
  }

  static func apply(_ projection: [[Double]], _ y: [Double]) -> [Double] {
    projection.map { row in zip(row, y).reduce(0) { $0 + $1.0 * $1.1 } }
  }

  static func evaluate(_ c: [Double], _ t: Double) -> Double { c[0] + c[1] * t + c[2] * t * t }
  static func derivative(_ c: [Double], _ t: Double) -> Double { c[1] + 2 * c[2] * t }

  /// The roots of c0 + c1 t + c2 t^2 in [-1, 1], in increasing order (a curvature too small to
  /// matter over the range is taken as a line).
  static func roots(_ c: [Double]) -> [Double] {
    let scale = abs(c[0]) + abs(c[1]) + abs(c[2])
    guard scale > 0 else { return [] }
    var found: [Double] = []
    if abs(c[2]) <= 1e-9 * scale {
      guard c[1] != 0 else { return [] }
      found = [-c[0] / c[1]]
    } else {
      let discriminant = c[1] * c[1] - 4 * c[2] * c[0]
      guard discriminant >= 0 else { return [] }
      // The stable pair: q = -(b + sign(b) sqrt(disc)) / 2, roots q / a and c / q.
      let q = -(c[1] + (c[1] >= 0 ? 1 : -1) * discriminant.squareRoot()) / 2
      found = [q / c[2]]
      if q != 0 { found.append(c[0] / q) }
    }
    return Array(Set(found.filter { $0 >= -1 - 1e-12 && $0 <= 1 + 1e-12 }.map { min(1, max(-1, $0)) })).sorted()
  }
}
