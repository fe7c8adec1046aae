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
