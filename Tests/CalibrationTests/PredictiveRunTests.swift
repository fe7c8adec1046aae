import CoverageModel
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import Calibration

/// Predictive runs: parameter sets from the fit's bootstrap (`FitResamples`), a scenario's
/// `parameter_sets:` file, and the engine drawing one set per replication.
@Suite("Predictive runs: parameter sets from the bootstrap, one per replication")
struct PredictiveRunTests {
  /// The engine's own export of `SimulatedRoundTripTests.truth` under `seed`, fitted up to the
  /// year's end, with `count` parameter sets.
  static func fitted(seed: UInt64, count: Int, in directory: URL) throws -> (fit: FitResult, scenario: Scenario, sets: [ParameterSet]) {
    let truth = try ScenarioLoader().load(yaml: SimulatedRoundTripTests.truth, file: "truth.yaml")
    let files = try SimulatedRoundTripTests.write(truth, seed: seed, to: directory)
    var mapping = try Mapping.load(path: files.mapping)
    mapping.bootstrap = 0
    let export = try Export.load(path: files.export, mapping: mapping)
    let until = Day(CalendarDate(year: 2025, month: 12, day: 31))
    let fit = try Calibrator.fit(export, mapping: mapping, until: until)
    let scenario = try ScenarioLoader().load(yaml: ScenarioWriting.yaml(fit, mapping: files.mapping), file: "fitted.yaml")
    let sets = try FitResamples.sets(export, mapping: mapping, mappingFile: files.mapping, until: until, since: nil, base: scenario, count: count, seed: seed)
    return (fit, scenario, sets)
  }

  static func number(_ set: ParameterSet, _ path: String) -> Double? {
    for entry in set.entries where entry.path == path {
      if case .number(let v) = entry.value { return v }
    }
    return nil
  }

  @Test("the sets' 95% range of the win probability and the arrival rate covers the truth in most of 6 exports")
  func coverage() throws {
    let directory = try scratchFolder("predictive-coverage")
    defer { try? FileManager.default.removeItem(at: directory) }
    var covered = 0
    var total = 0
    var misses: [String] = []
    for seed in UInt64(1)...6 {
      let (fit, scenario, sets) = try Self.fitted(seed: seed, count: 40, in: directory)
      let segment = try #require(scenario.segments.first)
      let rates = sets.compactMap { Self.number($0, "segments.SMB.opportunities_per_account_year") }.map { $0 * Double(segment.accounts) / 365 }.sorted()
      let advances = sets.compactMap { Self.number($0, "motions.SMB.stages.close.advance") }.sorted()
      #expect(rates.count == 40 && advances.count == 40)
      for (name, values, truth) in [("arrival rate", rates, 400 * 2.5 / 365), ("win probability", advances, 0.6)] {
        let range = ForecastScore.interval(values, level: 0.95)
        total += 1
        if range.contains(truth) { covered += 1 } else { misses.append("seed \(seed) \(name): \(range) misses \(truth)") }
      }
      // The sets scatter around the point estimate.
      let mean = advances.reduce(0, +) / Double(advances.count)
      #expect(abs(mean - fit.segments[0].outcomes.winProbability) < 0.03)
    }
    // 12 intervals at 95%: 10 or more covered holds with probability 0.98.
    #expect(covered >= 10, "covered \(covered) of \(total): \(misses)")
  }

  @Test("with parameter sets the predictive spread of wins is at least the plug-in one")
  func spread() throws {
    let directory = try scratchFolder("predictive-spread")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (_, scenario, sets) = try Self.fitted(seed: 3, count: 40, in: directory)
    var predictive = scenario
    predictive.parameterSets = sets
    func deviation(_ s: Scenario) throws -> Double {
      let results = Simulator(scenario: s).run(replications: 200, seed: 5, threads: 2)
      let wins = results.column(try #require(results.layout.index(ofScenarioMetric: "wins")))
      let mean = wins.reduce(0, +) / Double(wins.count)
      return (wins.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(wins.count - 1)).squareRoot()
    }
    let plugIn = try deviation(scenario)
    let withSets = try deviation(predictive)
    #expect(withSets >= plugIn, "predictive sd \(withSets), plug-in \(plugIn)")
  }

  @Test("a predictive run is the same on any thread count and shard split, and each set is used equally")
  func determinism() throws {
    let directory = try scratchFolder("predictive-threads")
    defer { try? FileManager.default.removeItem(at: directory) }
    var (_, scenario, sets) = try Self.fitted(seed: 2, count: 7, in: directory)
    scenario.parameterSets = sets
    let simulator = Simulator(scenario: scenario)
    let one = simulator.run(replications: 30, seed: 11, threads: 1)
    let three = simulator.run(replications: 30, seed: 11, threads: 3)
    // NaN is not equal to itself: compare the bits.
    #expect(one.values.map(\.bitPattern) == three.values.map(\.bitPattern))
    let shard = simulator.run(replications: 20, seed: 11, first: 10, threads: 2)
    #expect(one.values[(10 * one.layout.count)...].map(\.bitPattern) == shard.values.map(\.bitPattern))
    let counts = (0..<28).reduce(into: [Int](repeating: 0, count: 7)) { $0[ParameterSet.index(replication: $1, seed: 11, count: 7)] += 1 }
    #expect(counts == [4, 4, 4, 4, 4, 4, 4])
    // Different sets give different replications: the run is not the plug-in one.
    var plugIn = scenario
    plugIn.parameterSets = []
    #expect(Simulator(scenario: plugIn).run(replications: 30, seed: 11, threads: 1).values.map(\.bitPattern) != one.values.map(\.bitPattern))
  }

  @Test("parameter sets written by fit read back through a scenario's parameter_sets: file")
  func file() throws {
    let directory = try scratchFolder("predictive-file")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (fit, scenario, sets) = try Self.fitted(seed: 4, count: 3, in: directory)
    let setsPath = directory.appendingPathComponent("fitted.sets.yaml")
    try ScenarioWriting.parameterSetsYAML(fit, sets: sets, mapping: "map.yaml").write(to: setsPath, atomically: true, encoding: .utf8)
    let yaml = ScenarioWriting.yaml(fit, mapping: "map.yaml") + ScenarioWriting.parameterSetsLine(file: setsPath.path, count: 3, seed: 4)
    let scenarioPath = directory.appendingPathComponent("fitted.yaml")
    try yaml.write(to: scenarioPath, atomically: true, encoding: .utf8)
    let loaded = try ScenarioLoader().load(path: scenarioPath.path)
    #expect(loaded.parameterSets.count == 3)
    // Numbers are written at full precision except the distributions' own rounding: the same values.
    for (read, written) in zip(loaded.parameterSets, sets) {
      #expect(read.entries.map(\.path) == written.entries.map(\.path))
      #expect(Self.number(read, "motions.SMB.stages.close.advance") == Self.number(written, "motions.SMB.stages.close.advance"))
    }
    var withoutSets = loaded
    withoutSets.parameterSets = []
    withoutSets.parameterSetsFile = nil
    #expect(withoutSets == scenario)
    #expect(ScenarioEncoder.yaml(loaded).contains("# parameter_sets: fitted.sets.yaml, 3 sets, fingerprint "))
    #expect(!ScenarioEncoder.yaml(scenario).contains("parameter_sets"))
  }

  @Test("a key a set cannot give, and a value out of range in one set, are refused with the set named")
  func refused() throws {
    let directory = try scratchFolder("predictive-refused")
    defer { try? FileManager.default.removeItem(at: directory) }
    let base = SimulatedRoundTripTests.truth + "\nparameter_sets: sets.yaml\n"
    try base.write(to: directory.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
    try "- {teams.North.reps: 12}\n".write(to: directory.appendingPathComponent("sets.yaml"), atomically: true, encoding: .utf8)
    #expect(throws: ScenarioLoadError.self) { try ScenarioLoader().load(path: directory.appendingPathComponent("s.yaml").path) }
    do {
      _ = try ScenarioLoader().load(path: directory.appendingPathComponent("s.yaml").path)
    } catch {
      #expect(error.description.contains("sets.yaml:1:4: error: parameter_sets[0].teams.North.reps: \"teams.North.reps\" is not a key a parameter set gives"))
    }
    try "- {motions.smb.stages.close.advance: 0.5}\n- {motions.smb.stages.close.advance: 1.5}\n".write(
      to: directory.appendingPathComponent("sets.yaml"), atomically: true, encoding: .utf8)
    do {
      _ = try ScenarioLoader().load(path: directory.appendingPathComponent("s.yaml").path)
      Issue.record("a probability of 1.5 was accepted")
    } catch {
      #expect(error.description.contains("parameter_sets[1].motions.smb.stages.close.advance"))
    }
  }
}
