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
