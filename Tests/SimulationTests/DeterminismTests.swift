import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@testable import Simulation


@Suite("Reproducibility and common random numbers")
struct DeterminismTests {
  func benchmark() throws -> Scenario {
    try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path)
  }

  @Test("results are bit-identical on 1, 2 and 4 threads")
  func threadCountDoesNotMatter() throws {
    let simulator = Simulator(scenario: try benchmark())
    let one = simulator.run(replications: 8, seed: 99, threads: 1)
    for threads in [2, 4] {
      let other = simulator.run(replications: 8, seed: 99, threads: threads)
      #expect(one.values.elementsEqual(other.values) { $0.bitPattern == $1.bitPattern })
    }
  }

  @Test("a replication's results do not depend on which batch ran it")
  func batchesAgree() throws {
    let simulator = Simulator(scenario: try benchmark())
    let whole = simulator.run(replications: 6, seed: 7)
    var pieces = simulator.run(replications: 2, seed: 7)
    pieces.append(simulator.run(replications: 4, seed: 7, first: 2))
    #expect(whole.values.elementsEqual(pieces.values) { $0.bitPattern == $1.bitPattern })
  }

  @Test("different seeds give different results")
  func seedsMatter() throws {
    let simulator = Simulator(scenario: try benchmark())
    #expect(simulator.run(replications: 2, seed: 1).values != simulator.run(replications: 2, seed: 2).values)
  }

  @Test("a variant whose changes are no-ops gives identical results")
  func noOpVariant() throws {
    let directory = try scratchFolder("noop")
    defer { try? FileManager.default.removeItem(at: directory) }
    let base = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let variant = directory.appendingPathComponent("noop.yaml").path
    try """
      extends: \(base)
      changes:
        - resize: {pool: P, by: 0}
        - set: {path: teams.Region-R01.slots_per_rep, value: 4}
        - set_policy: {pool: P, policy: fifo}
      """.write(toFile: variant, atomically: true, encoding: .utf8)
    let a = Simulator(scenario: try benchmark()).run(replications: 4, seed: 3)
    let b = Simulator(scenario: try ScenarioLoader().load(path: variant)).run(replications: 4, seed: 3)
    #expect(a.values.elementsEqual(b.values) { $0.bitPattern == $1.bitPattern })
  }

  @Test("an organisation-only change meets the same market: arrivals are identical")
  func commonRandomNumbers() throws {
    var scenario = try benchmark()
    let base = Simulator(scenario: scenario).run(replications: 4, seed: 3)
    scenario.pools[0].experts = 10
    scenario.teams[0].reps = 3
    let changed = Simulator(scenario: scenario).run(replications: 4, seed: 3)
    let arrivals = base.layout.index(ofScenarioMetric: "arrivals")!
    #expect(base.column(arrivals) == changed.column(arrivals))
    let blocked = base.layout.index(ofScenarioMetric: "blocked")!
    #expect(base.column(blocked) != changed.column(blocked))
  }
}
