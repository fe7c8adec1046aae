import CoverageModel
import Estimation
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import Experiments

/// A scenario for the bridge's tests: one team with room for every deal (nothing is blocked), two
/// stages, the first asking a presales pool with patience for a demo (served deals win more,
/// deals that gave up less), constant deals at the scenario's gross margin, a commission.
private func presalesScenario(experts: Int, dealSize: Double = 1000, name: String = "bridge") throws -> Scenario {
  try ScenarioLoader().load(
    yaml: """
      name: \(name)
      horizon_days: 365
      warmup_days: 200
      seed: 7
      replications: 40
      gross_margin: 0.7
      regions: [R1]
      segments:
        - {name: S1, tier: smb, region: R1, accounts: 2000, opportunities_per_account_year: 0.5, deal_size: \(dealSize), motion: m}
      motions:
        - name: m
          stages:
            - {name: demo, days: {exponential: {mean: 10}}, advance: 0.8, presales: P}
            - {name: close, days: {exponential: {mean: 10}}, advance: 0.5}
      presales:
        - {name: P, experts: \(experts), service_days: {exponential: {mean: 1}}, patience_days: 3, no_presales_win_factor: 0.6, served_win_factor: 1.2, cost_per_expert_year: 100000}
      teams:
        - {name: T, kind: regional, reps: 1, slots_per_rep: 100000, cost_per_rep_year: 500000, overhead_cost_year: 50000, commission_rate: 0.05, covers: {region: R1}}
      """, file: "\(name).yaml")
}

/// Whether each step of `mechanisms` is exactly 0: its mean and both ends of its interval.
private func zero(_ bridge: Bridge, except moving: Set<Bridge.Mechanism> = []) -> [Bridge.Mechanism] {
  bridge.steps.filter { !moving.contains($0.mechanism) && ($0.mean != 0 || $0.ciLow != 0 || $0.ciHigh != 0) }.map(\.mechanism)
}

/// The steps added in order (the bridge's rule: this is the difference to the bit).
private func sum(_ bridge: Bridge) -> Double { bridge.steps.reduce(0) { $0 + $1.mean } }

@Suite("The bridge: contribution's difference, step by mechanism (docs/statistics.md)")
struct BridgeTests {
  @Test("a variant that changes nothing has every step exactly 0, rounding included")
  func neutralVariant() throws {
    let base = try presalesScenario(experts: 2)
    let bridge = Bridge.run(baseline: base, variants: [try presalesScenario(experts: 2, name: "same")], seed: 7, replications: 12)[0]
    #expect(bridge.total.mean == 0)
    #expect(zero(bridge).isEmpty, "steps not 0: \(zero(bridge))")
    #expect(bridge.steps.map(\.mechanism) == Bridge.Mechanism.allCases)
  }

  @Test("a variant that only adds presales experts moves only presales steps and cost lines (experts, commissions); the rest is exactly 0")
  func presalesOnly() throws {
    let bridge = Bridge.run(baseline: try presalesScenario(experts: 2), variants: [try presalesScenario(experts: 4, name: "plus-2")], seed: 7, replications: 40)[0]
    let moving: Set<Bridge.Mechanism> = [.presalesWaits, .presalesServed, .presalesGaveUp, .experts, .commissions, .rounding]
    #expect(zero(bridge, except: moving).isEmpty, "steps that moved: \(zero(bridge, except: moving))")
    let step = Dictionary(uniqueKeysWithValues: bridge.steps.map { ($0.mechanism, $0) })
    // Two more experts at 100K a year; fewer deals give up, more are served.
    #expect(step[.experts]!.mean == -200_000)
    #expect(step[.presalesGaveUp]!.mean > 0 && step[.presalesGaveUp]!.isSignificant)
    #expect(step[.presalesServed]!.mean > 0 && step[.presalesServed]!.isSignificant)
    #expect(abs(step[.rounding]!.mean) < 1e-6, "rounding \(step[.rounding]!.mean)")
    #expect(sum(bridge) == bridge.total.mean)
  }

  @Test("the steps add up, to the bit, to the difference compare reports on Northwind (split-west, presales-plus-2)")
  func stepsAddUpToCompare() throws {
    let folder = repositoryRoot.appendingPathComponent("scenarios/northwind")
    let files = ["baseline.yaml", "variants/split-west.yaml", "variants/presales-plus-2.yaml"].map { folder.appendingPathComponent($0).path }
    let scenarios = try files.map { try ScenarioLoader().load(path: $0) }
    let bridges = Bridge.run(baseline: scenarios[0], variants: Array(scenarios.dropFirst()), seed: 2026, replications: 8)
    let study = ComparisonStudy(scenarios: scenarios, seed: 2026, replications: 8, precision: nil)
    let results = study.run().results
    let comparison = Comparison(
      baseline: results[0], variants: Array(results.dropFirst()), metrics: ["contribution"], objective: Objective("contribution"), teams: false)
    for (v, bridge) in bridges.enumerated() {
      #expect(sum(bridge) == comparison.differences[v][0].mean, "\(bridge.variant): steps add to \(sum(bridge)), compare says \(comparison.differences[v][0].mean)")
      #expect(bridge.baselineMean == comparison.baseline.summary("contribution")!.mean)
      // The rounding step is rounding: far below a unit of money.
      #expect(abs(bridge.steps.last!.mean) < 1e-3)
    }
  }

  /// docs/validation.md, "The bridge's deal-size step": with every deal k times larger and
  /// nothing else changed, the same deals are won, so the deal-size step is (k - 1) x deal x
  /// gross margin per win: (k - 1) d g lambda T p in expectation (lambda T arrivals a year, p the
  /// chance of a win), and the commission line takes its rate of the extra bookings.
  @Test("theory: deals 1.2 times larger move only deal size (and commissions) by the closed form, within 4 SE")
  func dealSizeClosedForm() throws {
    let bridge = Bridge.run(baseline: try presalesScenario(experts: 50), variants: [try presalesScenario(experts: 50, dealSize: 1200, name: "bigger")], seed: 7, replications: 40)[0]
    #expect(zero(bridge, except: [.dealSize, .commissions, .rounding]).isEmpty, "steps that moved: \(zero(bridge, except: [.dealSize, .commissions, .rounding]))")
    let step = Dictionary(uniqueKeysWithValues: bridge.steps.map { ($0.mechanism, $0) })
    // 50 experts serve every demo at once: p = 0.8 x 0.5 x 1.2 (served).
    let arrivals = 2000 * 0.5
    let p = 0.8 * 0.5 * 1.2
    let expected = 0.2 * 1000 * 0.7 * arrivals * p
    let size = step[.dealSize]!
    let se = size.standardError
    #expect(abs(size.mean - expected) < 4 * se, "deal size step \(size.mean), closed form \(expected), SE \(se)")
    print("bridge theory: deal-size step, deals x1.2: expected \(expected), simulated \(size.mean) ± \(se), z \((size.mean - expected) / se)")
    // Commissions: 5% of the extra bookings, which are the deal-size step over the gross margin.
    #expect(abs(step[.commissions]!.mean + 0.05 * size.mean / 0.7) < 1e-6 * size.mean)
    #expect(sum(bridge) == bridge.total.mean)
  }
}
