import Foundation
import TestSupport
import Testing

@Suite("cccm sensitivity --method morris and sobol", .serialized)
struct GlobalSensitivityCommandTests {
  static let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path

  static func json(_ result: (status: Int32, out: String, err: String)) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
  }

  @Test("Morris ranks a factor that matters above one the engine never sees, whose effects are exactly zero on common random numbers")
  func morris() throws {
    let result = try runCCCM([
      "sensitivity", Self.scenario, "--method", "morris", "--trajectories", "3", "--vary", "replications=10..20", "--vary", "teams.Region-R01.reps=3..8",
      "-r", "3", "-q", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try Self.json(result)
    #expect(object["points"] as? Int == 9 && object["method"] as? String == "morris")
    let factors = try #require(object["factors"] as? [[String: Any]])
    #expect(factors.map { $0["factor"] as? String } == ["teams.Region-R01.reps", "replications"])
    #expect((factors[0]["mu_star"] as? Double ?? 0) > 0)
    #expect(factors[1]["mu_star"] as? Double == 0 && factors[1]["sigma"] as? Double == 0)
    let table = try runCCCM(["sensitivity", Self.scenario, "--method", "morris", "--trajectories", "2", "--vary", "replications=10..20", "-r", "2", "-q"])
    #expect(table.out.contains("Assumptions: independent inputs, each uniform over its range"), "\(table.out)")
  }

  @Test("Sobol gives a factor the engine never sees zero indices, prints its assumptions, and refuses what it cannot sample")
  func sobol() throws {
    let result = try runCCCM([
      "sensitivity", Self.scenario, "--method", "sobol", "--samples", "8", "--bootstrap", "100", "--vary", "replications=10..20", "--vary",
      "teams.Region-R01.reps=3..8", "-r", "3", "-q", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try Self.json(result)
    #expect(object["points"] as? Int == 32 && object["samples"] as? Int == 8)
    let factors = try #require(object["factors"] as? [[String: Any]])
    let identity = try #require(factors.first { $0["factor"] as? String == "replications" })
    #expect(identity["first_order"] as? Double == 0 && identity["total"] as? Double == 0)
    let reps = try #require(factors.first { $0["factor"] as? String == "teams.Region-R01.reps" })
    #expect((reps["total"] as? Double ?? 0) > 0.1)
    let table = try runCCCM([
      "sensitivity", Self.scenario, "--method", "sobol", "--samples", "8", "--bootstrap", "100", "--vary", "replications=10..20", "-r", "2", "-q",
    ])
    #expect(table.out.contains("Assumptions: independent inputs") && table.out.contains("8 quasi-random base samples"), "\(table.out)")
    let many = (0..<21).flatMap { ["--vary", "replications=\($0 + 2)..\($0 + 30)"] }
    let refused = try runCCCM(["sensitivity", Self.scenario, "--method", "sobol", "-r", "2", "-q"] + many)
    #expect(refused.status == 64 && refused.err.contains("at most 20 factors"), "\(refused.err)")
    #expect(try runCCCM(["sensitivity", Self.scenario, "--method", "sobol", "--samples", "2", "--vary", "replications=2..3"]).status == 64)
    #expect(try runCCCM(["sensitivity", Self.scenario, "--method", "morris", "--levels", "3", "--vary", "replications=2..3"]).status == 64)
  }

  @Test("a bad path in a Morris or Sobol factor gets the located, did-you-mean message of set")
  func badPath() throws {
    for method in ["morris", "sobol"] {
      let bad = try runCCCM(["sensitivity", Self.scenario, "--method", method, "--vary", "teams.Region-R01.rep=4..5", "-r", "2", "-q"])
      #expect(bad.status == 1, "\(bad.err)")
      #expect(bad.err.contains("--vary teams.Region-R01.rep=4..5") && bad.err.contains("did you mean"), "\(bad.err)")
    }
  }
}

@Suite("cccm select", .serialized)
struct SelectCommandTests {
  static let northwind = repositoryRoot.appendingPathComponent("scenarios/northwind").path

  @Test("on Northwind variants it selects a design that a fixed-sample comparison on other replications finds best or within delta")
  func northwindAgreement() throws {
    let files = ["baseline.yaml", "variants/west-plus-3-reps.yaml", "variants/presales-plus-2.yaml"].map { "\(Self.northwind)/\($0)" }
    let selected = try runCCCM(["select"] + files + ["--delta", "1%", "-r", "200", "-q", "--format", "json"])
    #expect(selected.status == 0, "\(selected.err)")
    let selection = try GlobalSensitivityCommandTests.json(selected)
    let chosen = try #require(selection["selected"] as? String)
    let delta = try #require(selection["delta"] as? Double)
    let used = try #require(selection["replications_used"] as? Int)
    let fixed = try #require(selection["bonferroni_replications"] as? Int)
    #expect(used <= fixed)
    // The fixed-sample comparison on replications the selection never saw (another seed).
    let compared = try runCCCM(["compare"] + files + ["-r", "30", "--seed", "77", "-q", "--format", "json", "--metrics", "contribution"])
    #expect(compared.status == 0, "\(compared.err)")
    let ranking = try #require(try GlobalSensitivityCommandTests.json(compared)["ranking"] as? [[String: Any]])
    let best = try #require(ranking.first?["mean"] as? Double)
    let mine = try #require(ranking.first { $0["scenario"] as? String == chosen }?["mean"] as? Double)
    #expect(best - mine <= delta, "selected \(chosen) at \(mine); compare's best \(ranking.first?["scenario"] ?? "") at \(best); delta \(delta)")
  }

  @Test("a design and its copy never differ: the first is selected after the first stage; the report says what it guarantees")
  func identical() throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let result = try runCCCM(["select", scenario, scenario, "--delta", "1%", "--first-stage", "5", "-r", "20", "-q"])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.contains("Guarantee: with probability at least 95%"), "\(result.out)")
    #expect(result.out.contains("Selected: R1, after 5 stages."), "\(result.out)")
  }

  @Test("bad options are refused with the reason (exit 64); a bad scenario exits 1")
  func refusals() throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    for (arguments, words) in [
      (["--delta", "0%"], "--delta"), (["--delta", "abc"], "--delta"), (["--delta", "1%", "--objective", "contributon"], "did you mean"),
      (["--delta", "1%", "--first-stage", "2"], "--first-stage"), (["--delta", "1%", "--first-stage", "30", "-r", "10"], "--replications"),
    ] {
      let result = try runCCCM(["select", scenario, scenario, "-q"] + arguments)
      #expect(result.status == 64 && result.err.contains(words), "\(arguments): \(result.err)")
    }
    #expect(try runCCCM(["select", scenario, "--delta", "1%"]).status == 64)
    let missing = try runCCCM(["select", scenario, "no-such-file.yaml", "--delta", "1%", "-q"])
    #expect(missing.status == 2, "\(missing.err)")
  }
}

@Suite("cccm uncertainty", .serialized)
struct UncertaintyCommandTests {
  static let base = """
    name: uncertain-rate
    horizon_days: 365
    regions: [R]
    segments:
      - {name: S, tier: smb, region: R, accounts: 500, opportunities_per_account_year: {uncertain: {uniform: {min: 0.4, max: 0.8}}}, deal_size: 1000, motion: m}
    motions:
      - {name: m, stages: [{name: a, days: {exponential: {mean: 2}}, advance: 0.5}]}
    teams:
      - {name: T, kind: regional, reps: 20, covers: {region: R}}
    """

  static func directory() throws -> URL {
    let directory = try scratchFolder("uncertainty-cli")
    try base.write(to: directory.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
    try "extends: base.yaml\nname: more-reps\nchanges:\n  - set: {path: teams.T.reps, value: 30}\n"
      .write(to: directory.appendingPathComponent("more.yaml"), atomically: true, encoding: .utf8)
    try base.replacingOccurrences(of: "{uncertain: {uniform: {min: 0.4, max: 0.8}}}", with: "0.6")
      .write(to: directory.appendingPathComponent("certain.yaml"), atomically: true, encoding: .utf8)
    return directory
  }

  @Test("it lists the uncertain values where they were written, splits the variance and gives P(beats baseline); a variant that changes nothing the metric sees ties every set")
  func study() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = try runCCCM(["uncertainty", "base.yaml", "more.yaml", "--outer", "6", "--inner", "3", "--objective", "arrivals", "-q"], in: directory)
    #expect(table.status == 0, "\(table.err)")
    #expect(table.out.contains("base.yaml:5:") && table.out.contains("{uniform: {min: 0.4, max: 0.8}}"), "\(table.out)")
    #expect(table.out.contains("Where the variance comes from") && table.out.contains("P(beats baseline)"), "\(table.out)")
    let json = try runCCCM(["uncertainty", "base.yaml", "more.yaml", "--outer", "6", "-r", "3", "--objective", "arrivals", "-q", "--format", "json"], in: directory)
    #expect(json.status == 0, "\(json.err)")
    let object = try GlobalSensitivityCommandTests.json(json)
    let designs = try #require(object["designs"] as? [[String: Any]])
    #expect(designs.count == 2 && object["sets"] as? Int == 6 && object["replications"] as? Int == 3)
    #expect(designs[1]["sets_tied"] as? Int == 6 && designs[1]["p_beats_baseline"] as? Double == 0)
    // Arrivals at a rate uniform on [0.4, 0.8]: most of their variance comes from the rate.
    #expect((designs[0]["inputs_share"] as? Double ?? 0) > 0.5)
    // The same seed and sizes give the same report on any number of threads.
    let again = try runCCCM(["uncertainty", "base.yaml", "more.yaml", "--outer", "6", "-r", "3", "--objective", "arrivals", "-q", "--format", "json", "--threads", "1"], in: directory)
    #expect(again.out == json.out)
  }

  @Test("a scenario without uncertain values, bad sizes and a bad metric are refused with the reason")
  func refusals() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let certain = try runCCCM(["uncertainty", "certain.yaml", "-q"], in: directory)
    #expect(certain.status == 1 && certain.err.contains("no uncertain values") && certain.err.contains("{uncertain:"), "\(certain.err)")
    #expect(try runCCCM(["uncertainty", "base.yaml", "--outer", "1"], in: directory).status == 64)
    #expect(try runCCCM(["uncertainty", "base.yaml", "--inner", "1"], in: directory).status == 64)
    #expect(try runCCCM(["uncertainty", "base.yaml", "--inner", "3", "-r", "4"], in: directory).status == 64)
    let metric = try runCCCM(["uncertainty", "base.yaml", "--objective", "arrivls"], in: directory)
    #expect(metric.status == 64 && metric.err.contains("did you mean"), "\(metric.err)")
  }
}

@Suite("cccm allocate", .serialized)
struct AllocateCommandTests {
  /// TwoTeams: Busy meets 10 erlangs on 4 reps (most opportunities blocked), Idle 2 erlangs on 20
  /// reps (none blocked). Every won deal brings 1,000; reps cost nothing.
  static let scenario = TwoTeams.yaml(busy: 4, idle: 20)

  @Test("every unit goes where one more adds most: the overloaded team, not the idle one; the finalists are compared by selection")
  func allocation() throws {
    let directory = try scratchFolder("allocate")
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.scenario.write(to: directory.appendingPathComponent("two.yaml"), atomically: true, encoding: .utf8)
    let result = try runCCCM(["allocate", "two.yaml", "--budget", "2", "--over", "teams.*.reps", "-r", "5", "-q", "--format", "json", "--finalists", "2"], in: directory)
    #expect(result.status == 0, "\(result.err)")
    let object = try GlobalSensitivityCommandTests.json(result)
    let steps = try #require(object["steps"] as? [[String: Any]])
    #expect(steps.map { $0["added_to"] as? String } == ["teams.Busy.reps", "teams.Busy.reps"])
    #expect(steps.allSatisfy { ($0["gain_ci95_low"] as? Double ?? 0) > 0 })
    let allocation = try #require(object["allocation"] as? [[String: Any]])
    #expect(allocation.map { $0["added"] as? Int } == [2, 0])
    #expect(object["chosen"] as? String == "+2 teams.Busy.reps")
    let selection = try #require(object["selection"] as? [String: Any])
    #expect(selection["selected"] as? String == "+2 teams.Busy.reps")
    let table = try runCCCM(["allocate", "two.yaml", "--budget", "1", "--over", "teams.Busy.reps,teams.Idle.reps", "-r", "3", "-q"], in: directory)
    #expect(table.status == 0 && table.out.contains("Unit by unit") && table.out.contains("Selection among the last step's best allocations"), "\(table.err)")
  }

  @Test("--over names are checked with a did-you-mean; bad budgets are refused")
  func refusals() throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let typo = try runCCCM(["allocate", scenario, "--budget", "1", "--over", "teams.Region-R1.reps", "-q"])
    #expect(typo.status == 64 && typo.err.contains("did you mean"), "\(typo.err)")
    let shape = try runCCCM(["allocate", scenario, "--budget", "1", "--over", "teams.*.slots", "-q"])
    #expect(shape.status == 64 && shape.err.contains("teams.NAME.reps or presales.NAME.experts"), "\(shape.err)")
    #expect(try runCCCM(["allocate", scenario, "--budget", "0", "--over", "teams.*.reps"]).status == 64)
    #expect(try runCCCM(["allocate", scenario, "--budget", "1", "--over", "teams.*.reps", "--finalists", "1"]).status == 64)
  }
}
