import Experiments
import Foundation
import SnapshotTesting
import Testing

@testable import Reports
@testable import Simulation

/// Results made up for layout tests: independent of the engine, so the golden files change only
/// when the layout does. Replication r's noise is shared by all scenarios (like common random
/// numbers), plus a little of each scenario's own.
func madeUpResults(_ name: String, seed: UInt64 = 1, scale: [String: Double] = [:], replications: Int = 12) -> SimulationResults {
  let layout = MetricLayout(teams: ["North", "South", "Solutions"], segments: ["SMB-North", "Key-Finance"], pools: ["MCI"])
  let base: [String: Double] = [
    "arrivals": 9_000, "uncovered": 0, "blocked": 420, "accepted": 8_580, "wins": 810, "losses": 7_300, "win_rate": 0.1, "bookings": 61e6,
    "credited_bookings": 74e6, "cycle_days_won": 21.5, "presales_requests": 3_100, "presales_wait_mean": 0.31, "presales_wait_p90": 1.02,
    "presales_gave_up": 0, "cost": 21e6, "efficiency": 2.9, "utilization": 0.87, "coverage": 0.95, "wait_mean": 0.3,
  ]
  func noise(_ a: UInt64, _ b: UInt64) -> Double {
    var z = a &* 0x9E37_79B9_7F4A_7C15 &+ b &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 29)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 32
    return Double(z % 10_000) / 10_000 - 0.5
  }
  var values: [Double] = []
  for r in 0..<replications {
    for (index, entry) in layout.entries.enumerated() {
      let level = (base[entry.metric] ?? 100) * (scale[entry.metric] ?? 1)
      let shared = 1 + 0.08 * noise(UInt64(r), UInt64(index))
      let own = 1 + 0.01 * noise(seed &+ UInt64(r) &* 7919, UInt64(index))
      values.append(entry.metric == "presales_gave_up" || entry.metric == "uncovered" ? 0 : level * shared * own)
    }
    // Every ratio's denominator 1: its ratio of sums is the mean of the made-up ratios.
    values += [Double](repeating: 1, count: layout.count - layout.metricCount)
  }
  return SimulationResults(scenario: name, layout: layout, seed: 42, values: values)
}

private func madeUpComparison(teams: Bool = true) -> Comparison {
  Comparison(
    baseline: madeUpResults("baseline"),
    variants: [
      madeUpResults("product-group", seed: 2, scale: ["bookings": 1.06, "credited_bookings": 0.9, "cost": 0.97, "efficiency": 1.09]),
      madeUpResults("embedded", seed: 3, scale: ["presales_wait_mean": 1.4, "blocked": 1.001]),
    ],
    metrics: Comparison.defaultMetrics, objective: Objective("efficiency"), teams: teams)
}

@Suite("Report layouts (golden files in __Snapshots__)")
struct ReportLayoutTests {
  @Test("run: terminal table")
  func runTable() {
    assertSnapshot(of: RunReport.render(RunSummary(madeUpResults("baseline")), format: .table), as: .lines)
  }

  @Test("run: Markdown")
  func runMarkdown() {
    assertSnapshot(of: RunReport.render(RunSummary(madeUpResults("baseline")), format: .markdown), as: .lines)
  }

  @Test("compare: a column per scenario, Bonferroni note, per-team differences, ranking and variance ratios")
  func compareTable() {
    assertSnapshot(of: ComparisonReport.render(madeUpComparison(), format: .table, verbose: true), as: .lines)
  }

  @Test("compare: a row per scenario (the layout for many variants)")
  func compareRows() {
    assertSnapshot(of: ComparisonReport.render(madeUpComparison(teams: false), format: .table, layout: .rows), as: .lines)
  }

  @Test("compare: Markdown, columns and rows")
  func compareMarkdown() {
    let c = madeUpComparison(teams: false)
    assertSnapshot(of: ComparisonReport.render(c, format: .markdown) + "\n" + ComparisonReport.render(c, format: .markdown, layout: .rows), as: .lines)
  }

  @Test("CSV is long form: scenario summaries, differences, and per-team differences named as `run` names them")
  func csv() throws {
    let c = madeUpComparison()
    let rows = ComparisonReport.render(c, format: .csv).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(rows.first == ["scenario", "metric", "statistic", "value"])
    #expect(rows.dropFirst().allSatisfy { $0.count == 4 })
    let team = try #require(c.teamDifferences[0].first { $0.team == "South" && $0.metric == "wins" })
    let cell = try #require(rows.first { $0[0] == "product-group" && $0[1] == "teams.South.wins" && $0[2] == "diff_mean" })
    #expect(Double(cell[3]) == team.difference?.mean)
    let bookings = try #require(rows.first { $0[0] == "embedded" && $0[1] == "bookings" && $0[2] == "variance_reduction" })
    #expect(Double(bookings[3]) == c.differences[1][0].varianceReduction)
  }

  @Test("the automatic layout uses columns up to three variants and rows beyond")
  func automaticLayout() {
    #expect(ComparisonLayout.automatic.usesColumns(variants: 3))
    #expect(!ComparisonLayout.automatic.usesColumns(variants: 4))
    let many = Comparison(
      baseline: madeUpResults("baseline"), variants: (1...4).map { madeUpResults("v\($0)", seed: UInt64($0)) }, metrics: ["bookings"],
      objective: Objective("bookings"), teams: false)
    let header = ComparisonReport.render(many, format: .table).split(separator: "\n").first { $0.hasPrefix("metric") }
    #expect(header?.contains("scenario") == true)
  }

  @Test("compare: one variant says 95% paired-t, not Bonferroni")
  func oneVariant() {
    let c = Comparison(
      baseline: madeUpResults("baseline"), variants: [madeUpResults("v", seed: 5, scale: ["bookings": 1.1])], metrics: ["bookings"],
      objective: Objective("bookings"), teams: false)
    let text = ComparisonReport.render(c, format: .table)
    #expect(text.contains("95% paired-t") && !text.contains("Bonferroni"))
    #expect(c.confidence == 0.95)
    #expect(abs(madeUpComparison().confidence - (1 - 0.05 / 2)) < 1e-15)
  }

  @Test("colour marks only significant differences, green for better and red for worse, and keeps the alignment")
  func colour() throws {
    let c = madeUpComparison(teams: false)
    let plain = ComparisonReport.render(c, format: .table, layout: .rows)
    let coloured = ComparisonReport.render(c, format: .table, colour: true, layout: .rows)
    let stripped = coloured.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression)
    #expect(stripped == plain)
    let lines = coloured.split(separator: "\n")
    // Bookings up 6% and efficiency up 9% are better (green); a 40% longer presales wait is worse (red).
    let bookings = try #require(lines.first { $0.contains("product-group") && $0.contains("M") })
    #expect(bookings.contains("\u{1B}[32m"))
    let wait = try #require(lines.first { $0.contains("embedded") && $0.contains(" d ") && $0.contains("+") && $0.contains("*") })
    #expect(wait.contains("\u{1B}[31m"))
    for line in lines where line.contains("\u{1B}[") { #expect(line.contains("*"), "only significant rows are coloured: \(line)") }
    // In columns, too, colour leaves the alignment as it was.
    let columns = ComparisonReport.render(c, format: .table, colour: true)
    #expect(columns.contains("\u{1B}[32m") && columns.contains("\u{1B}[31m"))
    #expect(columns.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression) == ComparisonReport.render(c, format: .table))
  }
}
