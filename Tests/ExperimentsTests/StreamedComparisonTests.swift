import Estimation
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import Experiments

/// Beyond the exact bound `compare` keeps paired statistics instead of rows: they must be the
/// rows' statistics up to rounding, and depend on the replications only.
@Suite("Streamed comparison")
struct StreamedComparisonTests {
  /// A baseline with teams A and B and a variant that adds team C, by month and quarter.
  static let layouts = [
    MetricLayout(teams: ["A", "B"], segments: ["S"], pools: [], months: ["Jan", "Feb", "Mar"], quarters: ["Q1"]),
    MetricLayout(teams: ["A", "C", "B"], segments: ["S"], pools: [], months: ["Jan", "Feb", "Mar"], quarters: ["Q1"]),
    MetricLayout(teams: ["B", "A"], segments: ["S"], pools: [], months: ["Jan", "Feb", "Mar"], quarters: ["Q1"]),
  ]

  /// Random rows: a shared lognormal luck per replication and column (common random numbers),
  /// each scenario's own noise and shift, and now and then an undefined value (NaN).
  static func rows(_ scenario: Int, replications: Int) -> [Double] {
    let layout = layouts[scenario]
    let shared = SeededDraws(seed: 5, purpose: "shared")
    let own = SeededDraws(seed: 6 + UInt64(scenario), purpose: "own")
    var values: [Double] = []
    for _ in 0..<replications {
      var row = [Double](repeating: 0, count: layout.count)
      let luck = (0..<layouts[0].count).map { _ in exp(shared.gaussian()) * 1_000 }
      for c in 0..<layout.count {
        row[c] = luck[c % layouts[0].count] * (1 + 0.1 * Double(scenario)) + 50 * own.gaussian()
        if own.below(500) == 0 { row[c] = .nan }
      }
      values += row
    }
    return values
  }

  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    (a.isNaN && b.isNaN) || a == b || abs(a - b) <= tolerance * max(1, abs(a), abs(b))
  }

  /// The level too is compared to rounding: Dunnett's critical value comes from the correlation
  /// of the differences, estimated from the rows or from the moments.
  static func close(_ a: PairedDifference?, _ b: PairedDifference?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a.count == b.count && close(a.mean, b.mean) && close(a.ciLow, b.ciLow) && close(a.ciHigh, b.ciHigh) && close(a.relative, b.relative)
      && close(a.varianceReduction, b.varianceReduction, 1e-7) && close(a.confidence, b.confidence, 1e-9)
  }

  @Test("paired means, variances and covariances kept block by block equal the rows' statistics to rounding, for metrics, teams, periods, the ranking, Dunnett's family and targets")
  func againstRows() throws {
    let count = 2_300
    let all = (0..<3).map { Self.rows($0, replications: count) }
    let exact = (0..<3).map { SimulationResults(scenario: "s\($0)", layout: Self.layouts[$0], seed: 1, values: all[$0]) }
    let objective = try Objective.parse("bookings").get()
    let targets = [try Target.parse("bookings>=1000").get()]
    var streamed = StreamedComparison(layouts: Self.layouts, objective: objective, targets: targets)
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layouts[s].count)..<(range.upperBound * Self.layouts[s].count)]) }
    }
    let kept = streamed.results(scenarios: exact.map(\.scenario), seed: 1)
    #expect(kept.allSatisfy { !$0.hasRows } && streamed.replications == count)
    let metrics = ["bookings", "wins", "cost", "win_rate"]
    let rows = Comparison(baseline: exact[0], variants: Array(exact.dropFirst()), metrics: metrics, objective: objective, teams: true, adjustment: .dunnett)
    let moments = Comparison(results: kept, streamed: streamed, metrics: metrics, objective: objective, teams: true, adjustment: .dunnett)
    for (a, b) in zip(rows.differences.joined(), moments.differences.joined()) { #expect(Self.close(a, b)) }
    #expect(rows.teamDifferences.count == 2 && moments.teamNames == rows.teamNames)
    for (a, b) in zip(rows.teamDifferences.joined(), moments.teamDifferences.joined()) {
      #expect(a.team == b.team && a.metric == b.metric && Self.close(a.difference, b.difference))
    }
    #expect(abs(rows.family.confidence - moments.family.confidence) < 1e-6)
    #expect(rows.ranking.map(\.scenario) == moments.ranking.map(\.scenario) && rows.ranking.map(\.rank) == moments.ranking.map(\.rank))
    // Periods: each month's difference, and the cumulative ones.
    let layout = Self.layouts[0]
    let bookings = try #require(layout.index(ofScenarioMetric: "bookings"))
    var running = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count))
    for p in 0..<3 {
      let column = layout.index(period: p, of: .month, metric: bookings)
      let x = exact[0].column(column)
      let y = exact[2].column(Self.layouts[2].index(period: p, of: .month, metric: bookings))
      #expect(Self.close(PairedDifference(baseline: x, variant: y), streamed.difference(variant: 1, column: column, confidence: 0.95)))
      for r in 0..<count { (running.0[r], running.1[r]) = (running.0[r] + x[r], running.1[r] + y[r]) }
      #expect(Self.close(PairedDifference(baseline: running.0, variant: running.1), PairedDifference(moments: streamed.cumulative[1][0][bookings][p])))
    }
    // Targets: counts, so equal exactly.
    let probabilities = (
      TargetProbabilities(targets: targets, baseline: exact[0], variants: Array(exact.dropFirst()), confidence: 0.95),
      TargetProbabilities(streamed: streamed, scenarios: exact.map(\.scenario), confidence: 0.95)
    )
    for (a, b) in zip(probabilities.0.rows, probabilities.1.rows) {
      #expect(a.probability == b.probability && a.change == b.change)
    }
  }

  @Test("a ratio objective beyond the bound: its differences and ranking pairs are the ratios of sums' (the rows' pseudo-values) to rounding")
  func ratioObjective() throws {
    let count = 1_500
    let all = (0..<3).map { Self.rows($0, replications: count) }
    let exact = (0..<3).map { SimulationResults(scenario: "s\($0)", layout: Self.layouts[$0], seed: 1, values: all[$0]) }
    let objective = try Objective.parse("win_rate").get()
    var streamed = StreamedComparison(layouts: Self.layouts, objective: objective, targets: [])
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layouts[s].count)..<(range.upperBound * Self.layouts[s].count)]) }
    }
    func pseudo(_ s: Int) -> [Double] { exact[s].estimationColumn(Self.layouts[s].index(ofScenarioMetric: "win_rate")!) }
    for (i, j) in [(0, 1), (0, 2), (1, 2), (2, 0), (1, 0)] {
      let rows = PairedDifference(baseline: pseudo(i), variant: pseudo(j))
      #expect(Self.close(rows, streamed.objectiveDifference(from: i, to: j)), "\(i) to \(j)")
    }
    let kept = streamed.results(scenarios: exact.map(\.scenario), seed: 1)
    let rows = Comparison(baseline: exact[0], variants: Array(exact.dropFirst()), metrics: ["win_rate"], objective: objective, teams: false, adjustment: .bonferroni)
    let moments = Comparison(results: kept, streamed: streamed, metrics: ["win_rate"], objective: objective, teams: false, adjustment: .bonferroni)
    #expect(rows.ranking.map(\.scenario) == moments.ranking.map(\.scenario) && rows.ranking.map(\.rank) == moments.ranking.map(\.rank))
    for (a, b) in zip(rows.differences.joined(), moments.differences.joined()) { #expect(Self.close(a, b)) }
  }

  /// The family's level and each variant's skewness check, from rows and from moments.
  static func familyAndSkewness(count: Int, objective: Objective) -> (rows: Comparison, moments: Comparison) {
    let all = (0..<3).map { Self.rows($0, replications: count) }
    let exact = (0..<3).map { SimulationResults(scenario: "s\($0)", layout: Self.layouts[$0], seed: 1, values: all[$0]) }
    var streamed = StreamedComparison(layouts: Self.layouts, objective: objective, targets: [])
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layouts[s].count)..<(range.upperBound * Self.layouts[s].count)]) }
    }
    let kept = streamed.results(scenarios: exact.map(\.scenario), seed: 1)
    let metrics = [objective.name]
    return (
      Comparison(baseline: exact[0], variants: Array(exact.dropFirst()), metrics: metrics, objective: objective, teams: false, adjustment: .dunnett),
      Comparison(results: kept, streamed: streamed, metrics: metrics, objective: objective, teams: false, adjustment: .dunnett)
    )
  }

  @Test("a ratio objective beyond the bound: Dunnett's level and the skewness check come from the pseudo-values' differences, as below the bound, to 1e-9")
  func ratioFamilyAndSkewness() throws {
    let objective = try Objective.parse("win_rate").get()
    var flagged = 0
    for count in [40, 1_500] {
      let (rows, moments) = Self.familyAndSkewness(count: count, objective: objective)
      #expect(rows.family.confidence < PairedDifference.bonferroniConfidence(comparisons: 2), "Dunnett's level is below Bonferroni's")
      #expect(abs(rows.family.confidence - moments.family.confidence) <= 1e-9, "\(count): \(rows.family.confidence) against \(moments.family.confidence)")
      for (a, b) in zip(rows.skewedObjective, moments.skewedObjective) {
        #expect((a == nil) == (b == nil), "\(count): the same flag")
        guard let a, let b else { continue }
        flagged += 1
        #expect(a.check.count == b.check.count && a.check.replicationsNeeded == b.check.replicationsNeeded)
        #expect(Self.close(a.check.skewness, b.check.skewness), "\(count): G1 \(a.check.skewness) against \(b.check.skewness)")
      }
    }
    #expect(flagged > 0, "some variant's differences are skewed enough to be flagged")
  }

  @Test("Northwind's win_rate simulated beyond the bound and within it: the same Dunnett level and skewness checks to 1e-9")
  func ratioFamilyOnNorthwind() throws {
    let root = repositoryRoot.appendingPathComponent("scenarios/northwind")
    let scenarios = try ["baseline.yaml", "variants/presales-plus-2.yaml", "variants/split-west.yaml"].map {
      try ScenarioLoader().load(path: root.appendingPathComponent($0).path)
    }
    let objective = try Objective.parse("win_rate").get()
    let experiment = Experiment(scenarios: scenarios, seed: 9)
    let rows = experiment.run(replications: 24)
    let (kept, streamed) = experiment.runStreamed(replications: 24, objective: objective, targets: [])
    let a = Comparison(baseline: rows[0], variants: Array(rows.dropFirst()), metrics: ["win_rate"], objective: objective, teams: false, adjustment: .dunnett)
    let b = Comparison(results: kept, streamed: streamed, metrics: ["win_rate"], objective: objective, teams: false, adjustment: .dunnett)
    #expect(abs(a.family.confidence - b.family.confidence) <= 1e-9 && a.family.confidence < 1 - 0.05 / 2)
    #expect(a.skewedObjective.map { $0 == nil } == b.skewedObjective.map { $0 == nil })
    for (x, y) in zip(a.skewedObjective, b.skewedObjective) {
      if let x, let y { #expect(Self.close(x.check.skewness, y.check.skewness)) }
    }
    for (x, y) in zip(a.differences.joined(), b.differences.joined()) { #expect(Self.close(x, y)) }
  }

  @Test("the third-order co-moments of numerators and denominators give a linear form's skewness as its values do, block by block")
  func coSkewMoments() {
    let draws = SeededDraws(seed: 8, purpose: "co-skew")
    let columns = (0..<3).map { _ in (0..<1_234).map { _ in exp(draws.gaussian()) } }
    var kept = CoSkewMoments(dimension: 3)
    for range in ReplicationBlocks.ranges(0..<1_234) { kept.combine(CoSkewMoments(columns: columns.map { Array($0[range]) })) }
    let c = [0.5, -2, 1.25]
    let values = (0..<1_234).map { r in (0..<3).reduce(0) { $0 + c[$1] * columns[$1][r] } }
    let exact = SkewnessCheck(values)
    #expect(kept.count == 1_234 && Self.close(kept.skewnessCheck(c).skewness, exact.skewness))
    // A form that is 0 in every row (a variant identical to its baseline) has no skewness.
    var twice = CoSkewMoments(dimension: 2)
    for range in ReplicationBlocks.ranges(0..<1_234) { twice.combine(CoSkewMoments(columns: [Array(columns[0][range]), Array(columns[0][range])])) }
    #expect(twice.skewnessCheck([1, -1]).skewness == 0 && twice.linearMoments([1, -1]).squares == 0)
  }

  @Test("third moments and co-moments combined block by block equal the one-pass skewness and correlation")
  func higherMoments() {
    let draws = SeededDraws(seed: 3, purpose: "skew")
    let x = (0..<2_345).map { _ in exp(1.5 * draws.gaussian()) }
    let y = x.map { $0 * 0.5 + draws.gaussian() }
    var skew = SkewMoments()
    var co = CoMoments(dimension: 2)
    for range in ReplicationBlocks.ranges(0..<x.count) {
      skew.combine(SkewMoments(x[range]))
      co.combine(CoMoments(columns: [Array(x[range]), Array(y[range])]))
    }
    let exact = SkewnessCheck(x)
    #expect(skew.skewnessCheck.count == exact.count && Self.close(skew.skewnessCheck.skewness, exact.skewness))
    #expect(skew.skewnessCheck.replicationsNeeded == exact.replicationsNeeded)
    let one = CoMoments(columns: [x, y])
    #expect(Self.close(co.correlation[0][1], one.correlation[0][1]) && Self.close(co.variance(1), one.variance(1)))
  }

  @Test("a streamed comparison is the same bit for bit on 1 or 2 threads")
  func threads() throws {
    let file = try TwoTeams.file()
    let variant = try TwoTeams.file(busy: 7).scenario
    func run(threads: Int) -> [UInt64] {
      let experiment = Experiment(scenarios: [file.scenario, variant], seed: 4, threads: threads)
      let (_, streamed) = experiment.runStreamed(replications: 1_100, objective: .contribution, targets: [])
      return streamed.pairs[0].flatMap { [$0.difference.mean.bitPattern, $0.difference.m2.bitPattern, $0.baseline.m2.bitPattern] }
        + streamed.ranking[0].map(\.difference.m2.bitPattern)
    }
    #expect(run(threads: 1) == run(threads: 2))
  }
}
