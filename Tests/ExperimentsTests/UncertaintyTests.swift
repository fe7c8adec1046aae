import CoverageModel
import Estimation
import Experiments
import Foundation
import ScenarioFiles
import TestSupport
import Testing

/// Input uncertainty against closed forms: arrivals in a year are Poisson(A λ) given the uncertain
/// rate λ ~ U[0.4, 0.8] per account, so Var(E[Y | λ]) = A² (0.8 - 0.4)² / 12 and the simulation
/// noise E[Var(Y | λ)] = E[A λ] = 0.6 A.
@Suite("Input uncertainty")
struct UncertaintyTests {
  static let accounts = 1000.0
  static let base = """
    name: uncertain-rate
    horizon_days: 365
    warmup_days: 0
    regions: [R]
    segments:
      - {name: S, tier: smb, region: R, accounts: 1000, opportunities_per_account_year: {uncertain: {uniform: {min: 0.4, max: 0.8}}}, deal_size: 1000, motion: m}
    motions:
      - {name: m, stages: [{name: a, days: {exponential: {mean: 2}}, advance: 0.5}]}
    teams:
      - {name: T, kind: regional, reps: 20, covers: {region: R}}
    """

  static func files() throws -> (URL, URL, URL) {
    let directory = try scratchFolder("uncertainty")
    let base = directory.appendingPathComponent("base.yaml")
    try Self.base.write(to: base, atomically: true, encoding: .utf8)
    let variant = directory.appendingPathComponent("fixed.yaml")
    try "extends: base.yaml\nname: fixed\nchanges:\n  - set: {path: segments.S.opportunities_per_account_year, value: 0.5}\n"
      .write(to: variant, atomically: true, encoding: .utf8)
    return (directory, base, variant)
  }

  @Test("parameter sets are independent draws: each input's values follow its distribution, the same seed gives the same sets")
  func simpleRandomSample() throws {
    let (directory, base, _) = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let study = UncertaintyStudy(files: [base.path], inputs: try ScenarioLoader().load(path: base.path).uncertain)
    let sets = study.parameterSets(count: 2000, seed: 4)
    #expect(study.parameterSets(count: 2000, seed: 4) == sets)
    let values = sets.map { $0[0] }
    #expect(values.allSatisfy { $0 > 0.4 && $0 < 0.8 })
    // Uniform on [0.4, 0.8]: mean 0.6, variance 0.16 / 12; within 4 standard errors.
    let summary = Summary(values)
    #expect(abs(summary.mean - 0.6) < 4 * (0.16 / 12 / 2000).squareRoot())
    #expect(abs(summary.sd * summary.sd - 0.16 / 12) < 4 * 0.16 / 12 * (0.8 / 2000).squareRoot())
  }

  @Test("P(beats) from the metamodel recovers P(E[D | θ] > 0) where counting the sets' noisy means is pulled toward 1/2")
  func modelledSuperiority() {
    // E[D | θ] = θ, θ ~ U(-1, 3): P(E[D | θ] > 0) = 0.75. Each set's 3 replications add noise of sd 6.
    let experiments = 200
    let draws = SeededDraws(seed: 11, purpose: "modelled")
    var (modelled, counted) = (0.0, 0.0)
    for _ in 0..<experiments {
      let thetas = (0..<40).map { _ in -1 + 4 * draws.uniform() }
      let baseline = thetas.map { _ in [0.0, 0.0, 0.0] }
      let variant = thetas.map { theta in (0..<3).map { _ in theta + 6 * draws.gaussian() } }
      let s = Superiority(differences: zip(baseline, variant).map(SetDifference.init), inputs: thetas.map { [$0] }, largerIsBetter: true)
      modelled += s.modelled.estimate / Double(experiments)
      counted += s.probability.estimate / Double(experiments)
    }
    // The counted share estimates P(θ + noise of sd 6/sqrt(3) > 0), about 0.63.
    print("theory check | uncertainty: P(E[D | θ] > 0), E[D | θ] = θ ~ U(-1, 3), noise sd 3.5 per set mean | expected 0.75 | metamodel \(modelled), counting set means \(counted)")
    #expect(abs(modelled - 0.75) < 0.03)
    #expect(counted < 0.68)
  }

  @Test("Poisson arrivals at an uncertain rate: the decomposition finds A² Var(λ) from the inputs and E[A λ] from the noise; P(beating a fixed rate) is P(λ below it)")
  func closedForm() throws {
    let (directory, base, variant) = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenarios = try [base, variant].map { try ScenarioLoader().load(path: $0.path) }
    #expect(scenarios[0].uncertain.count == 1 && scenarios[1].uncertain.isEmpty && scenarios[1].fixedUncertain == ["segments.S.opportunities_per_account_year"])
    let study = UncertaintyStudy(files: [base.path, variant.path], inputs: scenarios[0].uncertain)
    let k = 60
    let sets = study.parameterSets(count: k, seed: 8)
    let statistics = try study.run(sets: sets, inner: 6, seed: 8, objective: Objective.parse("arrivals").get())
    let decomposition = VarianceDecomposition(statistics.map { $0.designs[0] }, replications: 6)
    let inputs = Self.accounts * Self.accounts * 0.16 / 12
    let noise = 0.6 * Self.accounts
    print("theory check | uncertainty: Poisson arrivals, λ ~ U[0.4, 0.8], A = 1000 | inputs' variance expected \(inputs) computed \(decomposition.inputs) ± \(decomposition.inputsSE) | noise expected \(noise) computed \(decomposition.noise) ± \(decomposition.noiseSE) | share expected \(inputs / (inputs + noise)) computed \(decomposition.inputShare)")
    #expect(abs(decomposition.inputs - inputs) <= 4 * decomposition.inputsSE)
    #expect(abs(decomposition.noise - noise) <= 4 * decomposition.noiseSE)
    #expect(abs(decomposition.mean - 0.6 * Self.accounts) <= 4 * (decomposition.setMeans / Double(k)).squareRoot())
    // The variant keeps the rate at 0.5: it brings more arrivals exactly when λ < 0.5, P = 0.25.
    let superiority = Superiority(differences: statistics.map { $0.differences[0] }, inputs: sets, largerIsBetter: true)
    let below = sets.filter { $0[0] < 0.5 }.count
    print("theory check | uncertainty: P(fixed 0.5 beats λ ~ U[0.4, 0.8]) expected 0.25 (sets below 0.5: \(below) of \(k)) metamodel \(superiority.modelled.estimate) [\(superiority.modelled.low), \(superiority.modelled.high)]")
    #expect(superiority.modelled.low <= 0.25 && 0.25 <= superiority.modelled.high)
    #expect(abs(superiority.modelled.estimate * Double(k) - Double(below)) <= 2)
  }

  @Test("a variant that changes something else takes every set's values: its arrivals equal the baseline's in every set")
  func variantsTakeTheSets() throws {
    let (directory, base, _) = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let more = directory.appendingPathComponent("more.yaml")
    try "extends: base.yaml\nname: more\nchanges:\n  - set: {path: teams.T.reps, value: 25}\n".write(to: more, atomically: true, encoding: .utf8)
    let scenarios = try [base, more].map { try ScenarioLoader().load(path: $0.path) }
    let study = UncertaintyStudy(files: [base.path, more.path], inputs: scenarios[0].uncertain)
    let statistics = try study.run(sets: study.parameterSets(count: 5, seed: 1), inner: 3, seed: 1, objective: Objective.parse("arrivals").get())
    let superiority = Superiority(differences: statistics.map { $0.differences[0] }, inputs: study.parameterSets(count: 5, seed: 1), largerIsBetter: true)
    #expect(superiority.ties == 5 && superiority.better == 0 && superiority.difference.mean == 0)
    // And the sets differ from each other: the values were applied.
    #expect(Set(statistics.map { $0.designs[1].mean }).count == 5)
  }

  @Test("the outcome splits each design's variance and counts, set by set, where a variant beats the baseline and by how much")
  func outcome() {
    // Three sets of two replications. The variant is 1 better in set 1, equal in set 2, 2 worse in set 3.
    let baseline: [[Double]] = [[10, 12], [20, 22], [30, 32]]
    let variant: [[Double]] = [[11, 13], [20, 22], [28, 30]]
    let statistics = zip(baseline, variant).map { UncertaintySet(values: [$0, $1]) }
    let larger = UncertaintyOutcome(names: ["base", "variant"], statistics: statistics, inputs: baseline.indices.map { [Double($0)] }, replications: 2, largerIsBetter: true)
    #expect(larger.designs.map(\.name) == ["base", "variant"])
    #expect(larger.designs[0].versusBaseline == nil && larger.designs[0].difference == nil)
    #expect(larger.designs[0].decomposition.mean == 21 && abs(larger.designs[1].decomposition.mean - 62.0 / 3) < 1e-12)
    let versus = larger.designs[1].versusBaseline
    #expect(versus?.better == 1 && versus?.ties == 1 && versus?.worse == 1)
    // The paired differences are 1, 0 and -2 in every replication: no noise, all from the inputs.
    let difference = larger.designs[1].difference
    #expect(difference?.mean == -1.0 / 3 && difference?.noise == 0)
    // Smaller is better: the same sets count the other way.
    let smaller = UncertaintyOutcome(names: ["base", "variant"], statistics: statistics, inputs: baseline.indices.map { [Double($0)] }, replications: 2, largerIsBetter: false)
    #expect(smaller.designs[1].versusBaseline?.better == 1 && smaller.designs[1].versusBaseline?.worse == 1)
    // What the chart shows: each design's mean and each variant's mean difference, set by set.
    #expect(smaller.setMeans == [[11, 21, 31], [12, 21, 29]] && smaller.setDifferences == [[1, 0, -2]])
  }

  @Test("a neutral regrouping of teams with uncertain uplifts stays neutral at every parameter set: merged and embedded teams carry the set's value")
  func neutralRegroupingUnderUncertainty() throws {
    let directory = try scratchFolder("uncertain-regroup")
    defer { try? FileManager.default.removeItem(at: directory) }
    let northwind = repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path
    let base = directory.appendingPathComponent("base.yaml").path
    let relabel = directory.appendingPathComponent("relabel.yaml").path
    try """
      extends: \(northwind)
      name: base
      changes:
        - set: {path: teams.Analytics-Team.solutions.Analytics.win_uplift, value: {uncertain: {uniform: {min: 1.0, max: 1.4}}}}
        - set: {path: teams.Platform-Team.solutions.Platform.deal_uplift, value: {uncertain: {uniform: {min: 1.1, max: 1.4}}}}
      """.write(toFile: base, atomically: true, encoding: .utf8)
    try """
      extends: base.yaml
      name: relabel
      changes:
        - merge_into_product_group: {teams: [Platform-Team, Analytics-Team], name: Product-Group, engage_probability: 1}
      """.write(toFile: relabel, atomically: true, encoding: .utf8)
    let inputs = try ScenarioLoader().load(path: base).uncertain
    #expect(inputs.map(\.path) == ["teams.Analytics-Team.solutions.Analytics.win_uplift", "teams.Platform-Team.solutions.Platform.deal_uplift"])
    let study = UncertaintyStudy(files: [base, relabel], inputs: inputs)
    let sets = study.parameterSets(count: 3, seed: 5)
    let statistics = try study.run(sets: sets, inner: 2, seed: 5, objective: .contribution)
    #expect(statistics.map { $0.designs[1] } == statistics.map { $0.designs[0] }, "the relabel differs from the base at some set: \(statistics)")
    // And the sets matter: the base's objective moves with its uplifts.
    #expect(Set(statistics.map { $0.designs[0].mean }).count == 3)
  }

  @Test("beyond the exact bound a set's statistics come from moments combined a block at a time, and agree with the exact ones within rounding, on a count and on a ratio objective, with the same bits on any thread count")
  func streamedAgreesWithExact() throws {
    let (directory, base, variant) = try Self.files()
    defer { try? FileManager.default.removeItem(at: directory) }
    let study = UncertaintyStudy(files: [base.path, variant.path], inputs: try ScenarioLoader().load(path: base.path).uncertain)
    // 34 sets of 30 replications: set 33 runs replications 990 ..< 1020, across a block boundary.
    let sets = study.parameterSets(count: 34, seed: 3)
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
    for name in ["arrivals", "win_rate"] {
      let objective = try Objective.parse(name).get()
      let exact = try study.run(sets: sets, inner: 30, seed: 3, objective: objective)
      // A bound of 10 replications: every set's 30 are kept as moments.
      let streamed = try study.run(sets: sets, inner: 30, seed: 3, objective: objective, exactBound: 10)
      #expect(exact != streamed, "\(name): the streamed path was not taken")
      // Blocks combine in replication order whatever the threads: the same bits on two.
      #expect(try study.run(sets: sets, inner: 30, seed: 3, threads: 2, objective: objective, exactBound: 10) == streamed)
      for (e, s) in zip(exact, streamed) {
        for (a, b) in zip(e.designs, s.designs) {
          #expect(a.count == b.count && close(a.mean, b.mean) && close(a.variance, b.variance), "\(name): \(a) against \(b)")
        }
        for (a, b) in zip(e.differences, s.differences) {
          #expect(a.moments.count == b.moments.count && close(a.moments.mean, b.moments.mean) && close(a.moments.variance, b.moments.variance), "\(name): \(a) against \(b)")
          #expect(a.paired.count == b.paired.count && close(a.paired.mean, b.paired.mean) && close(a.paired.ciLow, b.paired.ciLow) && close(a.paired.ciHigh, b.paired.ciHigh))
        }
      }
      let outcomes = [exact, streamed].map {
        UncertaintyOutcome(names: ["base", "fixed"], statistics: $0, inputs: sets, replications: 30, largerIsBetter: objective.largerIsBetter)
      }
      for (a, b) in zip(outcomes[0].designs, outcomes[1].designs) {
        #expect(close(a.decomposition.mean, b.decomposition.mean) && close(a.decomposition.inputs, b.decomposition.inputs) && close(a.decomposition.noise, b.decomposition.noise))
        #expect(close(a.decomposition.inputsSE, b.decomposition.inputsSE) && close(a.decomposition.noiseSE, b.decomposition.noiseSE))
        #expect(a.versusBaseline?.better == b.versusBaseline?.better && a.versusBaseline?.significantlyBetter == b.versusBaseline?.significantlyBetter)
        #expect(a.versusBaseline?.modelled.estimate == b.versusBaseline?.modelled.estimate)
      }
    }
  }
}
