import CoverageModel
import Estimation
import Experiments
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

/// `TestSupport.TwoTeams`, loaded.
extension TwoTeams {
  /// The scenario written to a scratch file (studies build variants of a file), and loaded.
  static func file(busy: Int = 6, idle: Int = 10) throws -> (path: String, scenario: Scenario) {
    let path = try write(busy: busy, idle: idle)
    return (path, try ScenarioLoader().load(path: path))
  }

  static func objective(_ name: String) throws -> Objective { try Objective.parse(name).get() }
}

@Suite("Studies: allocation, selection, global sensitivity, pairing")
struct StudyTests {
  @Test("allocation puts each unit where a scenario built for it has the largest paired gain, and the final selection picks among the last step's best")
  func allocationFollowsTheLargestPairedGain() throws {
    let (path, base) = try TwoTeams.file()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let slots = try Allocation.slots("teams.*.reps", in: base).get()
    #expect(slots.map(\.path) == ["teams.Busy.reps", "teams.Idle.reps"] && slots.map(\.base) == [6, 10])
    let allocation = Allocation(slots: slots)
    let wins = try TwoTeams.objective("wins")
    let study = Allocation.Study(
      base: base, file: path, allocation: allocation, objective: wins, budget: 2, finalists: 2, delta: .amount(5), replications: 8, seed: 3)
    let outcome = try study.run()

    // The first step, worked out independently: each candidate built and run on the study's
    // replications, paired with the base.
    let candidates = try [[1, 0], [0, 1]].map { try allocation.scenario(added: $0, base: path) }
    let runs = Experiment(scenarios: [base] + candidates, seed: 3).run(replications: 8).map { $0.column(wins.metric) }
    let gains = runs.dropFirst().map { PairedDifference(baseline: runs[0], variant: $0).mean }
    #expect(gains[0] > gains[1] + 10, "Busy's extra rep wins more: \(gains)")
    #expect(outcome.steps.count == 2)
    #expect(outcome.steps[0].path == "teams.Busy.reps" && outcome.steps[0].runnerUp == "teams.Idle.reps")
    #expect(outcome.steps[0].gain.mean == gains[0])
    #expect(outcome.steps[0].objectiveAfter == Summary(runs[1]).mean)
    #expect(outcome.steps[1].path == "teams.Busy.reps")
    #expect(outcome.finalists == [[2, 0], [1, 1]])
    #expect(outcome.chosen == [2, 0] && allocation.label(outcome.chosen) == "+2 teams.Busy.reps")
    // The finalists ran on replications after the search's: their values are not the search's.
    #expect(outcome.selection.names == ["+2 teams.Busy.reps", "+1 teams.Busy.reps, +1 teams.Idle.reps"])
    #expect(outcome.selection.result.tally.moments[0].count == outcome.selection.result.used[0] && outcome.selection.result.used[0] >= Allocation.Study.firstStage)
  }

  @Test("an allocation whose scenario does not load is refused with its label")
  func allocationRefusal() throws {
    let (path, base) = try TwoTeams.file()
    defer { try? FileManager.default.removeItem(atPath: path) }
    // A pool the scenario lacks is no slot; a slot of a team it lacks cannot load.
    if case .success = Allocation.slots("presales.*.experts", in: base) { Issue.record("no pools, yet slots") }
    let allocation = Allocation(slots: [Allocation.Slot(path: "teams.Nobody.reps", base: 1)])
    #expect {
      try Allocation.Study(
        base: base, file: path, allocation: allocation, objective: .contribution, budget: 1, finalists: 2, delta: .share(0.01), replications: 2, seed: 1
      ).run()
    } throws: { error in
      (error as? AllocationError)?.allocation == "+1 teams.Nobody.reps"
    }
  }

  @Test("selection picks the design with the most reps for wins, and refuses a share of a baseline mean of 0")
  func selection() throws {
    let files = try [6, 9, 7].map { try TwoTeams.file(busy: $0) }
    defer { for file in files { try? FileManager.default.removeItem(atPath: file.path) } }
    let study = SelectionStudy(
      scenarios: files.map(\.scenario), objective: try TwoTeams.objective("wins"), delta: .amount(5), firstStage: 10, maximum: 200, seed: 5)
    let outcome = try study.run()
    #expect(outcome.result.chosen == 1 && outcome.best == 1)
    #expect(outcome.names == ["two-teams-6", "two-teams-9", "two-teams-7"])
    #expect(outcome.result.used.indices.allSatisfy { outcome.result.tally.moments[$0].count == outcome.result.used[$0] })
    #expect(outcome.simulated >= outcome.result.used.reduce(0, +))
    // Every arrival is covered, so `uncovered` is 0 in every replication: 1% of it is no zone.
    var none = study
    none.objective = try TwoTeams.objective("uncovered")
    none.delta = .share(0.01)
    #expect(throws: SelectionError.self) { try none.run() }
  }

  @Test("the indifference zone reads a share or an amount, and refuses the rest")
  func indifferenceZone() {
    #expect(IndifferenceZone.parse("1%") == .share(0.01))
    #expect(IndifferenceZone.parse("250000") == .amount(250_000))
    #expect(IndifferenceZone.parse("2%")?.amount(reference: -300) == 6)
    for bad in ["0%", "100%", "-1", "0", "abc", "nan", "inf%"] { #expect(IndifferenceZone.parse(bad) == nil, "\(bad)") }
  }

  @Test("Morris screening ranks the busy team's reps above the idle team's, and a bad factor is named against its --vary")
  func morris() throws {
    let (path, base) = try TwoTeams.file()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let study = GlobalSensitivityStudy(
      base: base, file: path, vary: ["teams.Busy.reps=4..8", "teams.Idle.reps=8..12"], method: .morris(trajectories: 3, levels: 4),
      objective: try TwoTeams.objective("wins"), seed: 2)
    let design = try study.design()
    #expect(design.values.count == 3 * 3 && design.scenarios.count == 1 + design.values.count)
    let outcome = study.run(design, replications: 3)
    guard case .morris(_, _, let effects) = outcome.estimate else {
      Issue.record("not Morris")
      return
    }
    #expect(effects.count == 2 && effects[0].muStar > 10 * max(effects[1].muStar, 1))
    #expect(outcome.points == 9 && outcome.ranges.map(\.path) == ["teams.Busy.reps", "teams.Idle.reps"])

    var bad = study
    bad.vary = ["teams.Nobody.reps=1..2"]
    #expect {
      try bad.design()
    } throws: { error in
      guard case .factor(let text, _) = error as? VaryError else { return false }
      return text == "teams.Nobody.reps=1..2"
    }
  }

  @Test("saved results pair only with the same seed, generator and replications")
  func pairing() throws {
    let (path, base) = try TwoTeams.file()
    defer { try? FileManager.default.removeItem(atPath: path) }
    func saved(seed: UInt64, first: Int = 0, generator: String = "philox") -> SavedResults {
      let results = Simulator(scenario: base).run(replications: 2, seed: seed, first: first)
      return SavedResults(results: results, scenario: base, generator: generator, version: "test", firstReplication: first)
    }
    #expect(SavedResults.pairingProblem([saved(seed: 1), saved(seed: 1)]) == nil)
    let seed = try #require(SavedResults.pairingProblem([saved(seed: 1), saved(seed: 1), saved(seed: 2)]))
    #expect(seed.variant == 2 && seed.what == "seed" && seed.variantValue == "2" && seed.baselineValue == "1")
    #expect(seed.message(variantFile: "b.json", baselineFile: "a.json").hasPrefix("b.json: error: saved with seed 2, but a.json with 1; paired comparisons need the same seed"))
    #expect(SavedResults.pairingProblem([saved(seed: 1), saved(seed: 1, first: 2)])?.what == "replications")
    #expect(SavedResults.pairingProblem([saved(seed: 1), saved(seed: 1, generator: "mt19937")])?.what == "generator")
  }

  @Test("an objective knows its column and direction, and an unknown one gets a did-you-mean")
  func objective() throws {
    let cost = try TwoTeams.objective("cost")
    #expect(cost.metric == MetricLayout.scenarioMetrics.firstIndex(of: "cost") && !cost.largerIsBetter && cost.isBetter(1, than: 2))
    #expect(Objective.contribution.largerIsBetter && Objective.contribution.name == "contribution")
    guard case .failure(let unknown) = Objective.parse("contributon") else {
      Issue.record("accepted")
      return
    }
    #expect(unknown.description.contains("did you mean \"contribution\"?"), "\(unknown)")
    #expect((try? Objective.parse("arrivals").get()) != nil)
    guard case .failure(let neither) = Objective.parse("arrivals", choosingBy: "select") else {
      Issue.record("accepted")
      return
    }
    #expect(neither.description.hasPrefix("arrivals has no better direction"))
  }
  @Test("a study's column run a block at a time gives every replication's value as the whole run does, a ratio metric's pseudo-values too, across a block's edge")
  func estimationColumnsAcrossBlocks() throws {
    let (path, base) = try TwoTeams.file()
    defer { try? FileManager.default.removeItem(atPath: path) }
    var other = base
    other.name = "other"
    let experiment = Experiment(scenarios: [base, other], seed: 11, threads: 2)
    // Replications 985 ..< 1,015 cross the block boundary at 1,000 (`ReplicationBlocks.size`).
    let first = ReplicationBlocks.size - 15
    let whole = experiment.run(replications: 30, first: first)
    for name in ["wins", "win_rate"] {
      let metric = try #require(MetricLayout.scenarioMetrics.firstIndex(of: name))
      let columns = experiment.estimationColumns(metric, replications: 30, first: first)
      #expect(columns.count == 2)
      for (column, results) in zip(columns, whole) {
        #expect(column.count == 30)
        #expect(column.map(\.bitPattern) == results.estimationColumn(metric).map(\.bitPattern))
      }
    }
    let rate = try #require(MetricLayout.scenarioMetrics.firstIndex(of: "win_rate"))
    #expect(whole[0].layout.denominatorIndex(of: rate) != nil, "win_rate is a ratio metric, so its pseudo-values are checked")
  }
}
