import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@testable import Simulation

// docs/model.md: a change that only renames or regroups gives bit-identical results. Every event
// metric must match bit for bit; `cost` and what is computed from it (efficiency, contribution) sum
// the teams' yearly costs in another grouping, so they may differ in the last bits: 1e-9 relative.

private let northwind = repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path

/// Scenario metrics that sum the teams' yearly costs.
private let costDerived: Set<String> = ["cost", "efficiency", "contribution"]

/// The scenario with these changes applied to the file at `base`.
private func variant(of base: String, _ changes: String...) throws -> Scenario {
  // Steady states: a variant of a model with people would otherwise switch on day 0 (a transition).
  try ScenarioLoader().load(yaml: "extends: \(base)\nname: v\ntransition: none\nchanges:\n" + changes.map { "  - \($0)\n" }.joined(), file: "variant.yaml")
}

/// Expects every metric of `b` present in `a` (scenario metrics; teams, segments and pools by name)
/// to be bit-identical to it, but cost-derived ones within 1e-9 relative; returns the number compared.
@discardableResult
private func expectNeutral(_ a: SimulationResults, _ b: SimulationResults, _ context: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
  #expect(a.replications == b.replications, sourceLocation: sourceLocation)
  var compared = 0
  func compare(_ i: Int, _ j: Int, _ what: String, costDerived: Bool = false) {
    let x = a.column(i)
    let y = b.column(j)
    compared += 1
    if costDerived {
      let close = zip(x, y).allSatisfy { abs($0 - $1) <= 1e-9 * max(abs($0), abs($1)) }
      #expect(close, "\(context): \(what) \(x) -> \(y)", sourceLocation: sourceLocation)
    } else {
      #expect(x.elementsEqual(y) { $0.bitPattern == $1.bitPattern }, "\(context): \(what) \(x) -> \(y)", sourceLocation: sourceLocation)
    }
  }
  for (i, name) in MetricLayout.scenarioMetrics.enumerated() { compare(i, i, name, costDerived: costDerived.contains(name)) }
  let (la, lb) = (a.layout, b.layout)
  for (t, team) in lb.teams.enumerated() {
    guard let s = la.teams.firstIndex(of: team) else { continue }
    for (m, metric) in MetricLayout.teamMetrics.enumerated() { compare(la.teamIndex(s, m), lb.teamIndex(t, m), "\(team) \(metric)") }
  }
  #expect(la.segments == lb.segments && la.pools == lb.pools, sourceLocation: sourceLocation)
  for s in lb.segments.indices {
    for (m, metric) in MetricLayout.segmentMetrics.enumerated() { compare(la.segmentIndex(s, m), lb.segmentIndex(s, m), "\(lb.segments[s]) \(metric)") }
  }
  for p in lb.pools.indices {
    for (m, metric) in MetricLayout.poolMetrics.enumerated() { compare(la.poolIndex(p, m), lb.poolIndex(p, m), "\(lb.pools[p]) \(metric)") }
  }
  return compared
}

/// Writes generated scenarios (product groups that always engage, no specialist commissions) to a
/// directory removed afterwards, and runs `body` on each file.
private func withGeneratedScenarios(_ seeds: [UInt64], _ body: (UInt64, String, Scenario) throws -> Void) throws {
  let directory = try scratchFolder("neutrality")
  defer { try? FileManager.default.removeItem(at: directory) }
  for seed in seeds {
    let path = directory.appendingPathComponent("gen-\(seed).yaml").path
    try randomScenarioYAML(seed: seed, neutralSpecialists: true).write(toFile: path, atomically: true, encoding: .utf8)
    try body(seed, path, try ScenarioLoader().load(path: path))
  }
}

/// All specialist teams, in scenario order, merged into one product group that always engages.
private func regroupAllSpecialists(_ s: Scenario) -> String {
  "merge_into_product_group: {teams: [\(s.teams.filter { !$0.kind.ownsAccounts }.map(\.name).joined(separator: ", "))], name: All-Specialists, engage_probability: 1}"
}

/// `team` split in two halves, which then merge back under its name.
private func splitAndMergeBack(_ team: Team, in s: Scenario) -> [String] {
  let overflowTo = s.teams.contains { $0.overflow == team.name } ? ", overflow_to: \(team.name)-a" : ""
  return [
    "split_team: {team: \(team.name), into: [{name: \(team.name)-a, share: 0.5}, {name: \(team.name)-b, share: 0.5}]\(overflowTo)}",
    "merge_teams: {teams: [\(team.name)-a, \(team.name)-b], name: \(team.name)}",
  ]
}

@Suite("Neutrality: regrouping changes no result (docs/model.md)")
struct NeutralityTests {
  @Test("Northwind: the solution teams as one product group engaging every time give the same results")
  func northwindProductGroup() throws {
    let base = try ScenarioLoader().load(path: northwind)
    let regrouped = try variant(of: northwind, regroupAllSpecialists(base))
    #expect(regrouped.teams.count == base.teams.count - 1)
    let a = Simulator(scenario: base).run(replications: 8, seed: 2026)
    let b = Simulator(scenario: regrouped).run(replications: 8, seed: 2026)
    #expect(a.column(0).allSatisfy { $0 > 0 })
    expectNeutral(a, b, "Northwind as a product group")
  }

  @Test("Northwind: a team split in two halves that merge back gives the same results", arguments: ["West", "KA-Finance"])
  func northwindSplitAndMerge(team: String) throws {
    let base = try ScenarioLoader().load(path: northwind)
    let changes = splitAndMergeBack(try #require(base.team(named: team)), in: base)
    let back = try variant(of: northwind, changes[0], changes[1])
    #expect(back.team(named: team)?.covers.count == 2 * (base.team(named: team)?.covers.count ?? 0), "the merged team owns both halves")
    let a = Simulator(scenario: base).run(replications: 8, seed: 2026)
    let b = Simulator(scenario: back).run(replications: 8, seed: 2026)
    expectNeutral(a, b, "Northwind, \(team) split and merged back")
  }

  @Test("generated scenarios: regrouping every specialist team into one product group changes no result")
  func generatedProductGroup() throws {
    try withGeneratedScenarios(Array(1...6)) { seed, path, base in
      let regrouped = try variant(of: path, regroupAllSpecialists(base))
      let a = Simulator(scenario: base).run(replications: 8, seed: seed)
      let b = Simulator(scenario: regrouped).run(replications: 8, seed: seed)
      expectNeutral(a, b, "generated \(seed) as a product group")
    }
  }

  @Test("generated scenarios: an account team split in two halves that merge back changes no result")
  func generatedSplitAndMerge() throws {
    var checked = 0
    try withGeneratedScenarios(Array(11...20)) { seed, path, base in
      guard let team = base.teams.first(where: { $0.kind.ownsAccounts && $0.reps >= 2 }) else { return }
      let changes = splitAndMergeBack(team, in: base)
      let back = try variant(of: path, changes[0], changes[1])
      let a = Simulator(scenario: base).run(replications: 8, seed: seed)
      let b = Simulator(scenario: back).run(replications: 8, seed: seed)
      expectNeutral(a, b, "generated \(seed), \(team.name) split and merged back")
      checked += 1
    }
    #expect(checked >= 6)
  }
}
