import Experiments
import Foundation
import Testing

@testable import Reports
@testable import Simulation

/// Made-up results of a scenario with the given teams: every team metric of team t in replication
/// r is 100 * (t + 1) + r, the same in every scenario, so paired differences are 0.
private func results(_ name: String, teams: [String]) -> SimulationResults {
  let layout = MetricLayout(teams: teams, segments: [], pools: [])
  var values: [Double] = []
  for r in 0..<5 {
    for entry in layout.entries {
      let team = teams.firstIndex(of: entry.entity).map(Double.init) ?? 0
      values.append(entry.group == .team ? 100 * (team + 1) + Double(r) : 1_000 + Double(r))
    }
    values += [Double](repeating: 1, count: layout.count - layout.metricCount)
  }
  return SimulationResults(scenario: name, layout: layout, seed: 1, values: values)
}

@Suite("compare --teams: the union of every scenario's teams")
struct TeamUnionTests {
  let comparison = Comparison(
    baseline: results("baseline", teams: ["North", "West", "KA"]),
    variants: [results("split", teams: ["North", "West-Coast", "West-Inland", "KA"]), results("extra", teams: ["North", "West", "KA", "Extra"])],
    metrics: ["bookings"], objective: Objective("bookings"), teams: true)

  @Test("every team of any scenario, in first-appearance order, with a row in every variant's table")
  func union() {
    #expect(comparison.teamNames == ["North", "West", "KA", "West-Coast", "West-Inland", "Extra"])
    for rows in comparison.teamDifferences {
      #expect(rows.map(\.team) == comparison.teamNames.flatMap { Array(repeating: $0, count: MetricLayout.teamMetrics.count) })
    }
  }

  @Test("paired differences only where the baseline and the variant both have the team; the missing side is nil")
  func pairedOnlyWhereBothHaveIt() throws {
    let split = comparison.teamDifferences[0]
    let north = try #require(split.first { $0.team == "North" && $0.metric == "wins" })
    #expect(north.baseline != nil && north.variant != nil && north.difference?.mean == 0)
    let west = try #require(split.first { $0.team == "West" && $0.metric == "wins" })
    #expect(west.baseline?.mean == 202 && west.variant == nil && west.difference == nil)
    let coast = try #require(split.first { $0.team == "West-Coast" && $0.metric == "wins" })
    #expect(coast.baseline == nil && coast.variant?.mean == 202 && coast.difference == nil)
    let extra = try #require(split.first { $0.team == "Extra" && $0.metric == "wins" })
    #expect(extra.baseline == nil && extra.variant == nil && extra.difference == nil)
    // KA is the third team of the baseline and the fourth of the split: matched by name, not position.
    let ka = try #require(split.first { $0.team == "KA" && $0.metric == "credited_bookings" })
    #expect(ka.baseline?.mean == 302 && ka.variant?.mean == 402 && ka.difference?.mean == 100)
  }

  @Test("the table shows a dash where a scenario lacks the team; JSON has null; CSV has only the differences that exist")
  func renderings() throws {
    let table = ComparisonReport.render(comparison, format: .table)
    let coast = try #require(table.split(separator: "\n").first { $0.hasPrefix("West-Coast") && $0.contains("wins") })
    #expect(coast.split(separator: " ", omittingEmptySubsequences: true) == ["West-Coast", "wins", "-", "202", "-"], "\(coast)")
    let markdown = ComparisonReport.render(comparison, format: .markdown)
    #expect(markdown.contains("| West | wins | 202 | - | - |"), "\(markdown)")

    let object = try #require(try JSONSerialization.jsonObject(with: Data(ComparisonReport.render(comparison, format: .json).utf8)) as? [String: Any])
    let rows = try #require(object["team_differences"] as? [[String: Any]])
    let west = try #require(rows.first { $0["scenario"] as? String == "split" && $0["team"] as? String == "West" && $0["metric"] as? String == "wins" })
    #expect(west["baseline_mean"] as? Double == 202)
    #expect(west["variant_mean"] is NSNull && west["mean"] is NSNull && west["ci_low"] is NSNull)
    let north = try #require(rows.first { $0["scenario"] as? String == "split" && $0["team"] as? String == "North" && $0["metric"] as? String == "wins" })
    #expect(north["mean"] as? Double == 0)

    let csv = ComparisonReport.render(comparison, format: .csv).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(csv.contains(["split", "teams.West-Coast.wins", "mean", "202.0"]))
    #expect(csv.contains(["baseline", "teams.West.wins", "mean", "202.0"]))
    #expect(!csv.contains { $0[0] == "split" && $0[1] == "teams.West-Coast.wins" && $0[2] == "diff_mean" })
    #expect(csv.contains(["split", "teams.North.wins", "diff_mean", "0.0"]))
  }
}
