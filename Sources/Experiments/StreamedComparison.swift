import Estimation
import Simulation

/// A comparison's paired statistics kept without rows: what `compare` reports beyond the exact
/// bound, in memory that does not grow with the replications.
///
/// Rows arrive a block of replications at a time (`ReplicationBlocks`), the baseline's first and
/// then each variant's for the same replications; each block's statistics are computed from its
/// rows in two passes and combined into the totals in replication order with Chan, Golub and
/// LeVeque's rule. The results therefore depend on the replications only, not on the thread
/// count, and agree with the statistics of all rows up to rounding (docs/statistics.md, "Beyond
/// the exact bound").
public struct StreamedComparison: Sendable {
  public let objective: Objective
  public let targets: [Target]
  /// Replications summarised.
  public private(set) var replications = 0
  /// `matched[v][a]`: variant v's column holding what the baseline's column a holds (the same
  /// metric of the same entity, and the same period), nil where the variant has no such column.
  public let matched: [[Int?]]
  /// `pairs[v][a]`: the paired moments of the baseline's column a and variant v's `matched[v][a]`.
  public private(set) var pairs: [[PairedMoments]]
  /// `ratioPairs[v][a]`: for a ratio metric's column a (and its match), the paired moments of its
  /// numerators and denominators, from which its difference is the ratios of sums'; nil for another column.
  public private(set) var ratioPairs: [[PairedRatioMoments?]]
  /// Period kinds every scenario keeps with the same labels.
  public let kinds: [PeriodKind]
  /// `cumulative[v][k][m][p]`: paired moments of the sums from the first period to period p of
  /// scenario metric m (additive metrics; others stay empty), by kind `kinds[k]`.
  public private(set) var cumulative: [[[[PairedMoments]]]]
  /// `breakEven[v][k]`: the co-moments over the periods of the objective's cumulative
  /// differences, and how many replications break even in each period (the last entry: not
  /// within the horizon); empty when the objective does not add up over periods.
  public private(set) var breakEven: [[(cumulative: CoMoments, own: [Int])]]
  /// `ranking[i][j]` for j > i: scenario i's objective paired against scenario j's (j the baseline).
  public private(set) var ranking: [[PairedMoments]]
  /// Like `ranking`, of the objective's numerators and denominators when it is a ratio metric in
  /// every scenario (its differences are then the ratios of sums'); empty otherwise.
  public private(set) var rankingRatios: [[PairedRatioMoments]]
  /// Co-moments of the variants' differences from the baseline on the objective (Dunnett); of
  /// the replications' own ratios for a ratio objective, whose family is `familyCorrelation`'s.
  public private(set) var family: CoMoments
  /// Per variant, its differences on the objective (the skewness check; of the replications' own
  /// ratios for a ratio objective, whose check is `objectiveSkewness`'s).
  public private(set) var skew: [SkewMoments]
  /// For a ratio objective (`rankingRatios` not empty), each scenario's moments of the objective's
  /// numerator and denominator: its ratio of sums R_s and mean denominator; empty otherwise.
  public private(set) var objectiveRatios: [RatioMoments]
  /// For a ratio objective, the co-moments of every scenario's numerator and denominator of the
  /// objective, (X_0, Y_0, X_1, Y_1, ...), over the replications where all are finite.
  public private(set) var familyRatios: CoMoments
  /// For a ratio objective, per variant the co-moments to third order of (X_B, Y_B, X_V, Y_V)
  /// over the replications where all four are finite.
  public private(set) var skewRatios: [CoSkewMoments]
  /// `targetHits[t]`: replications where the baseline meets target t.
  public private(set) var targetHits: [Int]
  /// `targetCounts[t][v]`: replications where both, only the baseline, only variant v, or neither meet target t.
  public private(set) var targetCounts: [[[Int]]]
  private var statistics: [StreamedResults]
  private let layouts: [MetricLayout]

  /// An empty comparison of scenarios with these layouts (the baseline first), from replication
  /// `first` on, to replication `end` (nil: not known; known, a last short block is not copied).
  public init(layouts: [MetricLayout], objective: Objective, targets: [Target], first: Int = 0, end: Int? = nil) {
    self.layouts = layouts
    self.objective = objective
    self.targets = targets
    let base = layouts[0]
    let variants = layouts.count - 1
    matched = layouts.dropFirst().map { Self.matches(base, $0) }
    pairs = matched.map { $0.map { _ in PairedMoments() } }
    ratioPairs = zip(layouts.dropFirst(), matched).map { layout, matched in
      matched.enumerated().map { a, b in
        guard base.denominatorIndex(of: a) != nil, let b, layout.denominatorIndex(of: b) != nil else { return nil }
        return PairedRatioMoments()
      }
    }
    kinds = PeriodKind.allCases.filter { kind in !base.labels(kind).isEmpty && layouts.allSatisfy { $0.labels(kind) == base.labels(kind) } }
    let scenarioMetrics = MetricLayout.scenarioMetrics
    let kinds = kinds
    cumulative = (0..<variants).map { _ in
      kinds.map { kind in
        scenarioMetrics.map { name in
          MetricDescriptor.named(name)?.isAdditive == true ? Array(repeating: PairedMoments(), count: base.labels(kind).count) : []
        }
      }
    }
    let additive = MetricDescriptor.named(objective.name)?.isAdditive == true
    breakEven = (0..<variants).map { _ in
      additive ? kinds.map { kind in (CoMoments(dimension: base.labels(kind).count), Array(repeating: 0, count: base.labels(kind).count + 1)) } : []
    }
    ranking = layouts.indices.map { i in Array(repeating: PairedMoments(), count: layouts.count - i - 1) }
    let ratioObjective = layouts.allSatisfy { layout in layout.index(ofScenarioMetric: objective.name).flatMap(layout.denominatorIndex) != nil }
    rankingRatios = ratioObjective ? layouts.indices.map { i in Array(repeating: PairedRatioMoments(), count: layouts.count - i - 1) } : []
    family = CoMoments(dimension: variants)
    skew = Array(repeating: SkewMoments(), count: variants)
    objectiveRatios = ratioObjective ? Array(repeating: RatioMoments(), count: layouts.count) : []
    familyRatios = CoMoments(dimension: ratioObjective ? 2 * layouts.count : 0)
    skewRatios = ratioObjective ? Array(repeating: CoSkewMoments(dimension: 4), count: variants) : []
    targetHits = Array(repeating: 0, count: targets.count)
    targetCounts = targets.map { _ in Array(repeating: [0, 0, 0, 0], count: variants) }
    statistics = layouts.map { StreamedResults(layout: $0, first: first, end: end) }
  }

  /// Where each of the baseline's columns is in `other`: by group, entity and metric, and by
  /// period where both keep the same periods.
  static func matches(_ base: MetricLayout, _ other: MetricLayout) -> [Int?] {
    struct Key: Hashable {
      let group: MetricGroup
      let entity: String
      let metric: String
    }
    var positions: [Key: Int] = [:]
    for (index, entry) in other.entries.enumerated() where positions[Key(group: entry.group, entity: entry.entity, metric: entry.metric)] == nil {
      positions[Key(group: entry.group, entity: entry.entity, metric: entry.metric)] = index
    }
    let entries = base.entries
    var result = [Int?](repeating: nil, count: base.count)
    for (a, entry) in entries.enumerated() { result[a] = positions[Key(group: entry.group, entity: entry.entity, metric: entry.metric)] }
    for kind in PeriodKind.allCases where base.labels(kind) == other.labels(kind) {
      for p in base.labels(kind).indices {
        for a in entries.indices {
          guard let b = result[a] else { continue }
          result[base.index(period: p, of: kind, metric: a)] = other.index(period: p, of: kind, metric: b)
        }
      }
    }
    return result
  }

  /// Adds the next block of replications (`count` of them, at most `ReplicationBlocks.size`,
  /// never across a block boundary): `rows(s)` gives scenario s's rows for them (row-major), the
  /// baseline's first; only the baseline's and one variant's rows are held at a time.
  public mutating func addBlock(count: Int, rows: (Int) -> [Double]) {
    let base = rows(0)
    let objectiveColumn = layouts[0].index(ofScenarioMetric: objective.name)
    func column(_ values: [Double], _ layout: MetricLayout, _ m: Int) -> [Double] {
      stride(from: m, to: values.count, by: layout.count).map { values[$0] }
    }
    base.withUnsafeBufferPointer { statistics[0].append($0) }
    var objectives: [[Double]] = [objectiveColumn.map { column(base, layouts[0], $0) } ?? []]
    func denominators(_ values: [Double], _ layout: MetricLayout, _ m: Int) -> [Double] {
      layout.denominatorIndex(of: m).map { column(values, layout, $0) } ?? []
    }
    var objectiveDenominators: [[Double]] = [rankingRatios.isEmpty ? [] : objectiveColumn.map { denominators(base, layouts[0], $0) } ?? []]
    let baseHits = targets.map { target in layouts[0].index(ofScenarioMetric: target.metric).map { column(base, layouts[0], $0).map(target.isMet) } ?? [] }
    for (t, hits) in baseHits.enumerated() { targetHits[t] += hits.filter { $0 }.count }
    var differences: [[Double]] = []
    for v in matched.indices {
      let layout = layouts[v + 1]
      let values = rows(v + 1)
      values.withUnsafeBufferPointer { statistics[v + 1].append($0) }
      for (a, b) in matched[v].enumerated() {
        guard let b else { continue }
        pairs[v][a].combine(PairedMoments(baseline: column(base, layouts[0], a), variant: column(values, layout, b)))
        if ratioPairs[v][a] != nil, let da = layouts[0].denominatorIndex(of: a), let db = layout.denominatorIndex(of: b) {
          ratioPairs[v][a]?.combine(
            PairedRatioMoments(
              baselineRatios: column(base, layouts[0], a), baselineDenominators: column(base, layouts[0], da),
              variantRatios: column(values, layout, b), variantDenominators: column(values, layout, db)))
        }
      }
      for (k, kind) in kinds.enumerated() {
        for m in cumulative[v][k].indices where !cumulative[v][k][m].isEmpty {
          guard let b = matched[v][m] else { continue }
          var running = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count))
          for p in cumulative[v][k][m].indices {
            let x = column(base, layouts[0], layouts[0].index(period: p, of: kind, metric: m))
            let y = column(values, layout, layout.index(period: p, of: kind, metric: b))
            for r in 0..<count {
              running.0[r] += x[r]
              running.1[r] += y[r]
            }
            cumulative[v][k][m][p].combine(PairedMoments(baseline: running.0, variant: running.1))
          }
        }
        if let m = objectiveColumn, let b = matched[v][m], !breakEven[v].isEmpty {
          var running = [Double](repeating: 0, count: count)
          var curve: [[Double]] = []
          for p in layouts[0].labels(kind).indices {
            let x = column(base, layouts[0], layouts[0].index(period: p, of: kind, metric: m))
            let y = column(values, layout, layout.index(period: p, of: kind, metric: b))
            for r in 0..<count { running[r] += y[r] - x[r] }
            curve.append(running)
          }
          breakEven[v][k].cumulative.combine(CoMoments(columns: curve))
          for r in 0..<count { breakEven[v][k].own[BreakEven.firstStayingPositive(curve.map { $0[r] }) ?? curve.count] += 1 }
        }
      }
      if let m = objectiveColumn, let b = matched[v][m] {
        let y = column(values, layout, b)
        objectives.append(y)
        if !rankingRatios.isEmpty { objectiveDenominators.append(denominators(values, layout, b)) }
        let d = zip(objectives[0], y).map { $1 - $0 }
        differences.append(d)
        skew[v].combine(SkewMoments(d.filter(\.isFinite)))
        if !skewRatios.isEmpty, let yb = objectiveDenominators.first, let yv = objectiveDenominators.last {
          skewRatios[v].combine(
            CoSkewMoments(columns: [
              RatioOfSums.numerators(ratios: objectives[0], denominators: yb), yb, RatioOfSums.numerators(ratios: y, denominators: yv), yv,
            ]))
        }
      }
      for (t, target) in targets.enumerated() {
        guard let m = layout.index(ofScenarioMetric: target.metric) else { continue }
        for (a, b) in zip(baseHits[t], column(values, layout, m).map(target.isMet)) { targetCounts[t][v][a ? (b ? 0 : 1) : (b ? 2 : 3)] += 1 }
      }
    }
    if objectives.count == layouts.count {
      for i in objectives.indices {
        for j in objectives.indices where j > i {
          ranking[i][j - i - 1].combine(PairedMoments(baseline: objectives[j], variant: objectives[i]))
          guard !rankingRatios.isEmpty else { continue }
          rankingRatios[i][j - i - 1].combine(
            PairedRatioMoments(
              baselineRatios: objectives[j], baselineDenominators: objectiveDenominators[j], variantRatios: objectives[i], variantDenominators: objectiveDenominators[i]))
        }
      }
      family.combine(CoMoments(columns: differences))
      if !objectiveRatios.isEmpty {
        let numerators = zip(objectives, objectiveDenominators).map { RatioOfSums.numerators(ratios: $0, denominators: $1) }
        for s in objectives.indices { objectiveRatios[s].combine(RatioMoments(numerators: numerators[s], denominators: objectiveDenominators[s])) }
        familyRatios.combine(CoMoments(columns: zip(numerators, objectiveDenominators).flatMap { [$0, $1] }))
      }
    }
    replications += count
  }

  /// Every scenario's results kept as statistics (names and seed as the simulator gives them).
  public mutating func results(scenarios: [String], seed: UInt64) -> [SimulationResults] {
    var all: [SimulationResults] = []
    for s in layouts.indices { all.append(SimulationResults(scenario: scenarios[s], layout: layouts[s], seed: seed, streamed: statistics[s].finish())) }
    return all
  }

  /// The correlation of the variants' differences from the baseline on the objective and the
  /// replications where every difference is defined: Dunnett's family (`ComparisonFamily`). For
  /// a ratio objective the differences are those of the pseudo-values p_s = R_s + (X_s - R_s Y_s) /
  /// mean(Y_s) at the final estimates, as below the exact bound: with a_s the coefficients of
  /// p_s on (X_0, Y_0, X_1, Y_1, ...) and c_v = a_v - a_0, cov(d_v, d_w) = c_v' Σ c_w from the
  /// co-moments of the numerators and denominators (cov(a - R b, c - S d) = cov(a, c) - S cov(a, d)
  /// - R cov(b, c) + R S cov(b, d), scaled).
  public var familyCorrelation: (correlation: [[Double]], complete: Int) {
    guard !objectiveRatios.isEmpty else { return (family.correlation, family.count) }
    // A scenario without a ratio of sums has no pseudo-values: no replication is complete.
    guard objectiveRatios.allSatisfy({ $0.estimate.isFinite }) else { return ([], 0) }
    let size = familyRatios.dimension
    let coefficients = (1..<objectiveRatios.count).map { v -> [Double] in
      var c = [Double](repeating: 0, count: size)
      for (s, sign) in [(0, -1.0), (v, 1.0)] {
        let m = objectiveRatios[s]
        c[2 * s] += sign / m.meanY
        c[2 * s + 1] -= sign * m.estimate / m.meanY
      }
      return c
    }
    let sums = familyRatios.sums
    func covariance(_ a: [Double], _ b: [Double]) -> (value: Double, magnitude: Double) {
      var value = 0.0
      var magnitude = 0.0
      for i in 0..<size where a[i] != 0 {
        for j in 0..<size where b[j] != 0 {
          value += a[i] * b[j] * sums[i * size + j]
          magnitude += abs(a[i] * b[j] * sums[i * size + j])
        }
      }
      return (value, magnitude)
    }
    // A variance within rounding of 0 (a variant identical to the baseline) is 0, as its
    // differences are below the bound: it correlates 0 with the others.
    let norms = coefficients.map { c -> Double in
      let (value, magnitude) = covariance(c, c)
      return value > 1e-10 * magnitude ? value.squareRoot() : 0
    }
    let correlation = coefficients.indices.map { v in
      coefficients.indices.map { w -> Double in
        if v == w { return 1 }
        guard norms[v] > 0, norms[w] > 0 else { return 0 }
        return covariance(coefficients[v], coefficients[w]).value / (norms[v] * norms[w])
      }
    }
    return (correlation, familyRatios.count)
  }

  /// Per variant, Cochran's skewness check of its differences from the baseline on the objective
  /// (`SkewnessCheck`); for a ratio objective of the pseudo-values' differences at the final
  /// estimates, as below the exact bound, from the third-order co-moments of the numerators and
  /// denominators.
  public var objectiveSkewness: [SkewnessCheck] {
    guard !objectiveRatios.isEmpty else { return skew.map(\.skewnessCheck) }
    let base = objectiveRatios[0]
    return skewRatios.indices.map { v in
      let variant = objectiveRatios[v + 1]
      guard base.estimate.isFinite, variant.estimate.isFinite else { return SkewnessCheck(count: 0, skewness: 0) }
      let c = [-1 / base.meanY, base.estimate / base.meanY, 1 / variant.meanY, -variant.estimate / variant.meanY]
      return skewRatios[v].skewnessCheck(c)
    }
  }

  /// Scenario `i`'s objective minus scenario `j`'s for i < j (`ranking[i][j - i - 1]`), paired, at
  /// `confidence`: of the ratios of sums when the objective is a ratio metric.
  public func rankingDifference(_ i: Int, _ j: Int, confidence: Double = 0.95) -> PairedDifference {
    rankingRatios.isEmpty
      ? PairedDifference(moments: ranking[i][j - i - 1], confidence: confidence)
      : PairedDifference(ratios: rankingRatios[i][j - i - 1], confidence: confidence)
  }

  /// Scenario `j`'s objective minus scenario `i`'s (scenario 0 the baseline), paired, at
  /// `confidence`: `ranking` keeps each pair once, the other way round when `i < j`.
  public func objectiveDifference(from i: Int, to j: Int, confidence: Double = 0.95) -> PairedDifference {
    guard i < j else { return rankingDifference(j, i, confidence: confidence) }
    var mirrored = rankingDifference(i, j, confidence: confidence)
    (mirrored.mean, mirrored.ciLow, mirrored.ciHigh) = (-mirrored.mean, -mirrored.ciHigh, -mirrored.ciLow)
    let scenarioI = rankingRatios.isEmpty ? ranking[i][j - i - 1].variant.mean : rankingRatios[i][j - i - 1].pseudoMeans.variant
    mirrored.relative = scenarioI != 0 ? mirrored.mean / abs(scenarioI) : .nan
    return mirrored
  }

  /// The paired difference of the baseline's column a and variant v's matching column, at
  /// `confidence` (a ratio metric's: of the ratios of sums); nil where the variant has none.
  public func difference(variant v: Int, column a: Int, confidence: Double) -> PairedDifference? {
    guard matched[v][a] != nil else { return nil }
    if let ratio = ratioPairs[v][a] { return PairedDifference(ratios: ratio, confidence: confidence) }
    return PairedDifference(moments: pairs[v][a], confidence: confidence)
  }
}

extension SkewedDifference {
  /// The check of differences kept as moments (beyond the exact bound): nil when they pass the
  /// rule; else the warning without a bootstrap interval.
  init?(check: SkewnessCheck) {
    guard !check.isReliable, check.count >= 2 else { return nil }
    self.check = check
    robust = nil
  }
}
