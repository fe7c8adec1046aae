import Foundation
import Simulation
import TestSupport
import Testing



private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) { try runCCCM(arguments) }

private func json(_ text: String) throws -> [String: Any] {
  try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("cccm compare", .serialized)
struct CompareTests {
  let baseline = "scenarios/northwind/baseline.yaml"
  let seed999 = "Tests/CCCMCommandsTests/Fixtures/baseline-seed-999.yaml"

  @Test("every scenario runs on the baseline's seed: a variant that only sets seed 999 differs by exactly 0 on every metric, with a note")
  func variantSeedIgnored() throws {
    let metrics = MetricLayout.scenarioMetrics
    let result = try run(["compare", baseline, seed999, "-r", "4", "--teams", "--format", "json", "--metrics"] + metrics)
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.contains("note: \(seed999) sets seed 999; compared on the baseline's seed 2026 so replications stay paired"), "\(result.err)")
    #expect(result.err.split(separator: "\n").count == 1, "one line: \(result.err)")
    let object = try json(result.out)
    let differences = try #require(object["differences"] as? [[String: Any]])
    #expect(differences.count == metrics.count)
    for d in differences {
      // NaN (a metric undefined in every replication) is null, and would be null on both sides.
      guard !(d["mean"] is NSNull) else { continue }
      #expect(d["mean"] as? Double == 0, "\(d)")
      #expect(d["ci_low"] as? Double == 0, "\(d)")
      #expect(d["ci_high"] as? Double == 0, "\(d)")
    }
    let teams = try #require(object["team_differences"] as? [[String: Any]])
    #expect(!teams.isEmpty)
    for d in teams { #expect(d["mean"] as? Double == 0, "\(d)") }
    let scenarios = try #require(object["scenarios"] as? [[String: Any]])
    #expect(scenarios.map { $0["seed"] as? Int } == [2026, 2026])
  }

  @Test("--teams shows every team of any scenario: teams only the split variant has get rows, with null (or -) for the baseline")
  func teamsUnion() throws {
    let arguments = ["compare", baseline, "scenarios/northwind/variants/split-west.yaml", "-r", "3", "--teams", "--metrics", "bookings"]
    let result = try run(arguments + ["--format", "json"])
    #expect(result.status == 0, "\(result.err)")
    let rows = try #require(try json(result.out)["team_differences"] as? [[String: Any]])
    let teams = rows.compactMap { $0["team"] as? String }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    #expect(teams.first == "North")
    #expect(Array(teams.suffix(2)) == ["West-Coast", "West-Inland"], "first-appearance order: the baseline's teams, then the variant's new ones")
    for team in ["West-Coast", "West-Inland"] {
      let wins = try #require(rows.first { $0["team"] as? String == team && $0["metric"] as? String == "wins" })
      #expect(wins["baseline_mean"] is NSNull && wins["mean"] is NSNull)
      #expect((wins["variant_mean"] as? Double ?? 0) > 0)
    }
    let west = try #require(rows.first { $0["team"] as? String == "West" && $0["metric"] as? String == "wins" })
    #expect((west["baseline_mean"] as? Double ?? 0) > 0 && west["variant_mean"] is NSNull && west["mean"] is NSNull)
    let north = try #require(rows.first { $0["team"] as? String == "North" && $0["metric"] as? String == "wins" })
    #expect(north["mean"] is Double)
    let table = try run(arguments).out.split(separator: "\n")
    let coast = try #require(table.first { $0.hasPrefix("West-Coast") && $0.contains("wins") })
    #expect(coast.split(separator: " ").prefix(3) == ["West-Coast", "wins", "-"], "\(coast)")
  }

  @Test("--seed overrides every scenario's seed, without a note")
  func commandLineSeed() throws {
    let result = try run(["compare", baseline, seed999, "-r", "3", "--seed", "7", "--format", "json", "--metrics", "bookings", "wins"])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.isEmpty, "\(result.err)")
    let object = try json(result.out)
    #expect((object["scenarios"] as? [[String: Any]])?.map { $0["seed"] as? Int } == [7, 7])
    for d in try #require(object["differences"] as? [[String: Any]]) { #expect(d["mean"] as? Double == 0, "\(d)") }
    // The baseline on seed 7 is what `run --seed 7` gives.
    let alone = try json(try run(["run", baseline, "-r", "3", "--seed", "7", "--format", "json"]).out)
    let mean = { (o: [String: Any]) in ((o["metrics"] as? [String: Any])?["bookings"] as? [String: Any])?["mean"] as? Double }
    #expect(mean(alone) != nil && mean(alone) == (object["scenarios"] as? [[String: Any]])?.first.flatMap(mean))
  }

  @Test("the objective is the adjusted family (Bonferroni, or Dunnett's narrower max-t); other metrics and teams are 95% each, as the header says")
  func confirmatoryFamily() throws {
    let variants = ["presales-plus-2", "presales-minus-2", "split-west"].map { "scenarios/northwind/variants/\($0).yaml" }
    let common = ["compare", baseline] + variants + ["-r", "8", "--metrics", "bookings", "contribution", "--teams"]
    var levels: [String: Double] = [:]
    for adjust in ["bonferroni", "dunnett"] {
      let result = try run(common + ["--format", "json", "--adjust", adjust])
      #expect(result.status == 0, "\(result.err)")
      let object = try json(result.out)
      let family = try #require(object["family"] as? [String: Any])
      #expect(family["adjustment"] as? String == adjust && family["comparisons"] as? Int == 3 && family["family_level"] as? Double == 0.95)
      let level = try #require(family["ci_level"] as? Double)
      levels[adjust] = level
      for d in try #require(object["differences"] as? [[String: Any]]) {
        #expect(d["ci_level"] as? Double == (d["metric"] as? String == "contribution" ? level : 0.95), "\(d)")
      }
      for d in try #require(object["team_differences"] as? [[String: Any]]) { #expect(d["ci_level"] as? Double == 0.95) }
    }
    #expect(abs((levels["bonferroni"] ?? 0) - (1 - 0.05 / 3)) < 1e-12)
    let dunnett = try #require(levels["dunnett"])
    #expect(dunnett > 0.95 && dunnett < 1 - 0.05 / 3, "Dunnett between one interval and Bonferroni: \(dunnett)")
    let table = try run(common).out
    #expect(table.contains("Intervals on contribution, the objective, are 98.33% each (Bonferroni for 3 variants): together they hold with 95%."))
    #expect(table.contains("  diff (98.33% CI)") && table.contains("  diff (95% CI)"))
    #expect(try run(common + ["--adjust", "tukey"]).status == 64)
  }
}
