import CoverageModel
import Estimation
import Experiments
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@Suite("Sweeps")
struct SweepTests {
  /// One team of `reps` single-slot reps, one stage of mean 2 days, 5 arrivals a day: 10 erlangs.
  static let base = """
    name: erlang
    horizon_days: 365
    warmup_days: 30
    regions: [R]
    segments:
      - {name: S, tier: smb, region: R, accounts: 3650, opportunities_per_account_year: 0.5, deal_size: 1000, motion: m}
    motions:
      - {name: m, stages: [{name: a, days: {exponential: {mean: 2}}, advance: 1}]}
    teams:
      - {name: T, kind: regional, reps: 10, covers: {region: R}}
    """

  static func baseFile() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-sweep-\(UUID().uuidString).yaml")
    try base.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  @Test("a sweep of a team's slots reproduces Erlang B along the curve")
  func erlangBCurve() throws {
    let file = try Self.baseFile()
    defer { try? FileManager.default.removeItem(at: file) }
    let factor = try Sweep.factor("teams.T.reps=6..14:4").get()
    #expect(factor.values == [6, 10, 14])
    let sweep = Sweep(factors: [factor])
    let scenarios = try sweep.grid.map { try sweep.scenario(at: $0, base: file.path) }
    let results = Experiment(scenarios: scenarios, seed: 4).run(replications: 40)
    for (values, run) in zip(sweep.grid, results) {
      let blocked = run.column(run.layout.index(ofScenarioMetric: "blocked") ?? 0)
      let arrivals = run.column(run.layout.index(ofScenarioMetric: "arrivals") ?? 0)
      let ratios = zip(blocked, arrivals).map { $0 / $1 }
      let s = Summary(ratios)
      let expected = Queueing.erlangB(servers: Int(values[0]), load: 10)
      let z = (s.mean - expected) / (s.sd / Double(s.count).squareRoot())
      print("theory check | sweep: Erlang B c=\(Int(values[0])) a=10 | expected \(expected) | simulated \(s.mean) ± \(s.sd / Double(s.count).squareRoot()) (z = \(String(format: "%+.2f", z)))")
      #expect(abs(z) < 4, "c=\(values[0]): \(s.mean) against \(expected)")
    }
  }

  @Test("a factor that changes nothing the engine sees gives zero differences at every point")
  func identityFactor() throws {
    let file = try Self.baseFile()
    defer { try? FileManager.default.removeItem(at: file) }
    let sweep = Sweep(factors: [try Sweep.factor("replications=5,50,500").get()])
    let base = try ScenarioFiles_load(file.path)
    let scenarios = [base] + (try sweep.grid.map { try sweep.scenario(at: $0, base: file.path) })
    let results = Experiment(scenarios: scenarios, seed: 9).run(replications: 6)
    for run in results.dropFirst() {
      let d = PairedDifference(baseline: results[0].column(0), variant: run.column(0))
      #expect(d.mean == 0 && d.ciLow == 0 && d.ciHigh == 0)
      #expect(run.values.map(\.bitPattern) == results[0].values.map(\.bitPattern))
    }
  }

  @Test("a point keeps its base's transition: the point at the base's own value runs exactly as the base, bit for bit")
  func pointKeepsTheTransition() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-sweep-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.base.write(to: directory.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
    // T grows from 10 to 12 reps on day 100, and some accounts change owner to a new team.
    let variant = """
      extends: base.yaml
      name: grow
      transition: {effective_day: 100, handover_loss: 0.2, one_off_cost: 5000}
      changes:
        - set: {path: teams.T.reps, value: 12}
        - split_team: {team: T, into: [{name: T1, share: 0.5, reps: 6}, {name: T2, share: 0.5, reps: 6}]}
      """
    let file = directory.appendingPathComponent("grow.yaml")
    try variant.write(to: file, atomically: true, encoding: .utf8)
    let grow = try ScenarioLoader().load(path: file.path)
    let sweep = Sweep(factors: [try Sweep.factor("teams.T1.reps=6,8").get()])
    let points = try sweep.grid.map { try sweep.scenario(at: $0, base: file.path) }
    #expect(points.allSatisfy { $0.transition == grow.transition && $0.origins["T1"] == [TeamOrigin(team: "T", share: 0.5)] })
    let results = Experiment(scenarios: [grow] + points, seed: 12).run(replications: 6)
    #expect(results[1].values.map(\.bitPattern) == results[0].values.map(\.bitPattern))
    #expect(results[2].values.map(\.bitPattern) != results[0].values.map(\.bitPattern))
  }

  @Test("values parse as ranges, stepped ranges and lists; nonsense is refused with the reason")
  func parsing() throws {
    #expect(try Sweep.factor("teams.West.reps=9..11").get().values == [9, 10, 11])
    #expect(try Sweep.factor("presales.P.served_win_factor=1..1.2:0.1").get().values == [1, 1.1, 1.2])
    #expect(try Sweep.factor("a.b=3,1,2").get().values == [3, 1, 2])
    #expect(Sweep(factors: [try Sweep.factor("a=1,2").get(), try Sweep.factor("b=5,6,7").get()]).grid.count == 6)
    for bad in ["teams.West.reps", "x=", "=1..2", "x=3..1", "x=1..5:0", "x=1,two", "x=0..5000", "x=inf"] {
      if case .success = Sweep.factor(bad) { Issue.record("\(bad) was accepted") }
    }
  }
}

private func ScenarioFiles_load(_ path: String) throws -> Scenario {
  try Sweep(factors: []).scenario(at: [], base: path)
}

@Suite("Sweep points are built with the encoder's quoting")
struct SweepQuotingTests {
  @Test("teams named with a quote, a backslash, a colon or a line break are set by their names")
  func awkwardTeamNames() throws {
    for name in ["Team \"A\"", "EMEA\\North", "a: b", "x\ny", "#c", "\u{202E}r"] {
      let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-sweep-\(UUID().uuidString).yaml")
      defer { try? FileManager.default.removeItem(at: url) }
      let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
      try SweepTests.base.replacingOccurrences(of: "{name: T,", with: "{name: \(quoted),").write(to: url, atomically: true, encoding: .utf8)
      let sweep = Sweep(factors: [Sweep.Factor(path: "teams.\(name).reps", values: [12])])
      let scenario = try sweep.scenario(at: [12], base: url.path)
      #expect(scenario.teams.map(\.name) == [name] && scenario.teams[0].reps == 12, "\(name)")
    }
  }
}
