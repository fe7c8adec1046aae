import Estimation
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import Experiments

/// `Threshold`: the root of a smooth paired difference, with a bootstrap interval that resamples
/// replications jointly across the grid's points.
@Suite("Threshold: where a variant equals its baseline")
struct ThresholdTests {
  /// Differences a + b theta + (shared noise of replication r) + (a little noise of its own), on
  /// K points over [low, high]: the true root is -a / b.
  static func linear(a: Double, b: Double, low: Double, high: Double, points: Int = 7, n: Int, seed: UInt64, own: Double = 0.2) -> (grid: [Double], d: [[Double]]) {
    let grid = InputRange(path: "x", low: low, high: high).grid(points: points)
    let draws = SeededDraws(seed: seed, purpose: "threshold test")
    let shared = (0..<n).map { _ in draws.gaussian() }
    let d = grid.map { x in (0..<n).map { r in a + b * x + shared[r] + own * draws.gaussian() } }
    return (grid, d)
  }

  @Test("a linear difference's root is found, and its 95% interval covers the true root about 95% of the time")
  func coverage() {
    var covered = 0
    let trials = 200
    var errors: [Double] = []
    for trial in 0..<trials {
      // True root at 0.3 in [0, 1].
      let (grid, d) = Self.linear(a: -0.6, b: 2, low: 0, high: 1, n: 40, seed: UInt64(trial + 1))
      let curve = Threshold.analyse(differences: d, grid: grid, resamples: 300, seed: UInt64(trial))
      guard curve.verdict == .crosses, let root = curve.roots.first else { continue }
      errors.append(root.value - 0.3)
      if root.low <= 0.3, 0.3 <= root.high { covered += 1 }
    }
    // Binomial(200, 0.95): 183 or fewer has probability below 0.1%; the percentile bootstrap runs
    // a little narrow at n = 40.
    #expect(covered >= 180, "covered \(covered) of \(trials)")
    #expect(covered <= 199)
    #expect(abs(Summary(errors).mean) < 0.01)
  }

  @Test("a difference that stays above 0 over the range is 'never', with its sign")
  func never() {
    let (grid, d) = Self.linear(a: 5, b: 1, low: 0, high: 1, n: 30, seed: 3)
    let curve = Threshold.analyse(differences: d, grid: grid, resamples: 200, seed: 1)
    #expect(curve.verdict == .neverPositive)
    #expect(curve.roots.isEmpty)
    let (grid2, d2) = Self.linear(a: -5, b: 1, low: 0, high: 1, n: 30, seed: 3)
    #expect(Threshold.analyse(differences: d2, grid: grid2, resamples: 200, seed: 1).verdict == .neverNegative)
  }

  @Test("a curve crossing 0 twice gives two thresholds, each with its interval")
  func twoRoots() {
    let grid = InputRange(path: "x", low: -2, high: 2).grid(points: 9)
    let draws = SeededDraws(seed: 5, purpose: "two roots")
    let shared = (0..<60).map { _ in 0.1 * draws.gaussian() }
    let d = grid.map { x in shared.map { x * x - 1 + $0 } }
    let curve = Threshold.analyse(differences: d, grid: grid, resamples: 300, seed: 2)
    #expect(curve.verdict == .crosses)
    #expect(curve.roots.count == 2)
    #expect(abs(curve.roots[0].value + 1) < 0.05 && abs(curve.roots[1].value - 1) < 0.05)
    #expect(curve.roots[0].slope < 0 && curve.roots[1].slope > 0)
    #expect(curve.roots.allSatisfy { $0.low < $0.value && $0.value < $0.high })
  }

  @Test("where the designs coincide (0 in every replication) the threshold is exact; 0 everywhere is 'equal'")
  func exact() {
    let grid = InputRange(path: "x", low: 0.6, high: 1).grid(points: 5)
    let draws = SeededDraws(seed: 9, purpose: "exact")
    let shared = (0..<30).map { _ in draws.gaussian() }
    let d = grid.map { x in shared.map { x == 1 ? 0 : (x - 1) * (10 + $0) } }
    let curve = Threshold.analyse(differences: d, grid: grid, resamples: 200, seed: 1)
    #expect(curve.verdict == .crosses)
    #expect(curve.roots.count == 1)
    #expect(curve.roots[0].exact && curve.roots[0].value == 1)
    let zero = Threshold.analyse(differences: grid.map { _ in [Double](repeating: 0, count: 10) }, grid: grid, resamples: 100, seed: 1)
    #expect(zero.verdict == .equal)
  }

  @Test("PATH=LOW..HIGH: LOW below HIGH, both numbers")
  func ranges() throws {
    let range = try InputRange.parse("teams.West.reps=9..13").get()
    #expect(range == InputRange(path: "teams.West.reps", low: 9, high: 13))
    #expect(range.grid(points: 5) == [9, 10, 11, 12, 13])
    for bad in ["teams.West.reps=13..9", "teams.West.reps=9..9", "teams.West.reps=a..3", "teams.West.reps", "=1..2", "teams.West.reps=5"] {
      #expect(throws: SweepError.self, "\(bad)") { try InputRange.parse(bad).get() }
    }
    #expect(throws: SweepError.self) { try InputRange.parse("x=9..9").get() }
    if case .failure(let problem) = InputRange.parse("x=3..1") { #expect(problem.description.contains("LOW must be below HIGH")) }
    if case .failure(let problem) = InputRange.parse("x=3..ten") { #expect(problem.description.contains("\"ten\" is not a number")) }
  }

  @Test("closed form: adding one rep breaks even where the rep's yearly cost equals the contribution it adds")
  func closedForm() throws {
    // Contribution(variant) - contribution(baseline) = D0 - c (one more rep at c a year, a
    // 365-day horizon): the threshold is D0, the paired difference at c = 0.
    let base = try TwoTeams.write(busy: 6)
    let variant = base.replacingOccurrences(of: ".yaml", with: "-plus-1.yaml")
    try "extends: \(base)\nname: busy-plus-1\nchanges:\n  - resize: {team: Busy, by: 1}\n".write(toFile: variant, atomically: true, encoding: .utf8)
    defer { for file in [base, variant] { try? FileManager.default.removeItem(atPath: file) } }
    let range = InputRange(path: "teams.Busy.cost_per_rep_year", low: 0, high: 300_000)
    func study(seed: UInt64) throws -> (root: Threshold.Root, d0: PairedDifference) {
      let setting = Threshold.Setting(objective: .contribution, points: 5, replications: 60, seed: seed, resamples: 400)
      let outcome = try Threshold.run(baseline: base, variant: variant, ranges: [range], setting: setting)
      let line = try #require(outcome.lines.first)
      #expect(line.variedInBaseline)
      #expect(line.curve.verdict == .crosses)
      let root = try #require(line.curve.roots.first)
      let loader = ScenarioLoader()
      let results = Experiment(scenarios: [try loader.load(path: base), try loader.load(path: variant)], seed: seed).run(replications: 60)
      return (root, PairedDifference(baseline: Objective.contribution.values(results[0]), variant: Objective.contribution.values(results[1])))
    }
    let first = try study(seed: 11)
    // Linear in every replication: the fitted root is the paired mean itself.
    #expect(abs(first.root.value - first.d0.mean) < 1e-6 * first.d0.mean)
    #expect(first.root.slope < 0)
    // Another seed's estimate agrees within 4 standard errors.
    let second = try study(seed: 12)
    let se = (first.root.standardError * first.root.standardError + second.root.standardError * second.root.standardError).squareRoot()
    #expect(abs(first.root.value - second.root.value) < 4 * se, "\(first.root.value) vs \(second.root.value), SE \(se)")
    // The interval is about the paired-t interval of D0.
    #expect(abs(first.root.low - first.d0.ciLow) < 0.3 * first.d0.halfWidth)
    #expect(abs(first.root.high - first.d0.ciHigh) < 0.3 * first.d0.halfWidth)
  }

  @Test("a ratio objective is read as its ratio of sums: the values' mean is the run's cycle_days_won, not the mean of replications' ratios")
  func ratioObjective() throws {
    let base = try TwoTeams.write(busy: 6)
    defer { try? FileManager.default.removeItem(atPath: base) }
    let scenario = try ScenarioLoader().load(path: base)
    for name in ["cycle_days_won"] {
      let setting = Threshold.Setting(objective: Objective(name), replications: 12, seed: 5, resamples: 10)
      let values = Threshold.values(of: scenario, setting: setting)
      let results = Simulator(scenario: scenario).run(replications: 12, seed: 5)
      let metric = try #require(results.layout.index(ofScenarioMetric: name))
      let ratioOfSums = results.summary(metric).mean
      let meanOfRatios = Summary(results.column(metric)).mean
      #expect(abs(meanOfRatios - ratioOfSums) > 1e-9 * abs(ratioOfSums), "\(name): the two estimates coincide here; the test cannot tell them apart")
      #expect(abs(Summary(values).mean - ratioOfSums) <= 1e-12 * abs(ratioOfSums), "\(name)")
      #expect(abs(Summary(Objective(name).values(results)).mean - ratioOfSums) <= 1e-12 * abs(ratioOfSums), "\(name)")
    }
  }

  @Test("a path only the variant has is varied in the variant alone, and said so; --variant-only keeps it there")
  func variantOnly() throws {
    let base = try TwoTeams.write(busy: 6)
    let variant = base.replacingOccurrences(of: ".yaml", with: "-split.yaml")
    try """
      extends: \(base)
      name: split
      changes:
        - split_team: {team: Busy, into: [{name: B1, share: 0.5, reps: 3}, {name: B2, share: 0.5, reps: 3}]}
      """.write(toFile: variant, atomically: true, encoding: .utf8)
    defer { for file in [base, variant] { try? FileManager.default.removeItem(atPath: file) } }
    var setting = Threshold.Setting(objective: .contribution, points: 3, replications: 4, seed: 1, resamples: 100)
    let outcome = try Threshold.run(baseline: base, variant: variant, ranges: [InputRange(path: "teams.B1.cost_per_rep_year", low: 0, high: 1000)], setting: setting)
    #expect(outcome.lines[0].variedInBaseline == false)
    #expect(outcome.lines[0].baselineNote?.contains("it has no such parameter") == true)
    setting.variantOnly = true
    let kept = try Threshold.run(baseline: base, variant: base, ranges: [InputRange(path: "teams.Busy.cost_per_rep_year", low: 0, high: 1000)], setting: setting)
    #expect(kept.lines[0].variedInBaseline == false)
    // The same file varied alone: its cost rises with c from the baseline's (c = 0), so the
    // threshold is exactly 0, where the designs coincide.
    #expect(kept.lines[0].curve.roots.first?.exact == true)
    #expect(kept.lines[0].curve.roots.first?.value == 0)
  }

  @Test("a path the variant does not have is refused with set's did-you-mean")
  func unknownPath() throws {
    let base = try TwoTeams.write(busy: 6)
    defer { try? FileManager.default.removeItem(atPath: base) }
    let setting = Threshold.Setting(objective: .contribution, points: 3, replications: 2, seed: 1, resamples: 100)
    #expect {
      try Threshold.run(baseline: base, variant: base, ranges: [InputRange(path: "teams.Busy.cost_per_rep_yr", low: 0, high: 1)], setting: setting)
    } throws: { error in
      "\(error)".contains("did you mean \"cost_per_rep_year\"")
    }
  }

  @Test("a parameter that takes whole numbers is varied over whole numbers; a range holding fewer than 3 is refused")
  func wholeNumbers() throws {
    #expect(InputRange(path: "x", low: 8, high: 16).wholeGrid(points: 7) == [8, 9, 11, 12, 13, 15, 16])
    #expect(InputRange(path: "x", low: 7.5, high: 10.2).wholeGrid(points: 7) == [8, 9, 10])
    let base = try TwoTeams.write(busy: 6)
    defer { try? FileManager.default.removeItem(atPath: base) }
    let setting = Threshold.Setting(objective: .contribution, points: 7, replications: 2, seed: 1, resamples: 50)
    let outcome = try Threshold.run(baseline: base, variant: base, ranges: [InputRange(path: "teams.Busy.reps", low: 4, high: 8)], setting: setting)
    #expect(outcome.lines[0].curve.grid == [4, 5, 6, 7, 8])
    #expect {
      try Threshold.run(baseline: base, variant: base, ranges: [InputRange(path: "teams.Busy.reps", low: 4.5, high: 6.5)], setting: setting)
    } throws: { error in
      "\(error)".contains("takes whole numbers, and 4.5..6.5 holds 2 of them")
    }
  }
}
