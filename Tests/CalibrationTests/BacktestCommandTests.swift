import Foundation
import TestSupport
import Testing

/// `cccm export`, `cccm fit --pipeline` read back as a scenario's `pipeline:`, and `cccm backtest`,
/// as a user runs them (child processes), with their refusals and exit statuses.
@Suite("export and backtest commands")
struct BacktestCommandTests {
  static let truth = """
    name: truth
    start_date: 2025-01-01
    horizon_days: 540
    regions: [North]
    segments:
      - {name: SMB, tier: smb, region: North, accounts: 300, opportunities_per_account_year: 2, deal_size: {lognormal: {median: 8000, sigma: 0.7}}}
    motions:
      - name: smb
        stages:
          - {name: close, days: {gamma: {shape: 2, mean: 40}}, advance: 0.6}
    teams:
      - {name: North, kind: regional, reps: 8, slots_per_rep: 100, motion: smb, covers: {segments: SMB}}
    """

  @Test("export writes a CRM-like export that fit reads back; fit --pipeline is a pipeline a scenario starts from; backtest scores it")
  func exportFitPipelineBacktest() throws {
    let dir = try scratchFolder("backtest")
    defer { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    try Self.truth.write(toFile: path("truth.yaml"), atomically: true, encoding: .utf8)

    let export = try runCCCM(["export", path("truth.yaml"), "--replication", "3", "--seed", "11", "-o", path("opps.csv"), "--map-out", path("map.yaml")])
    #expect(export.status == 0, "\(export.err)")
    let csv = try String(contentsOfFile: path("opps.csv"), encoding: .utf8)
    #expect(csv.hasPrefix("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"))
    #expect(csv.contains(",Won,2025-") && csv.contains(",Lost,2025-") && csv.contains(",Engaging,2026-"))
    #expect(export.out.contains("opportunities written to"))
    #expect(FileManager.default.fileExists(atPath: path("opps-owners.csv")) && FileManager.default.fileExists(atPath: path("opps-accounts.csv")))
    // The same replication and seed write the same export.
    #expect(try runCCCM(["export", path("truth.yaml"), "--replication", "3", "--seed", "11", "-o", path("again.csv")]).status == 0)
    #expect(try String(contentsOfFile: path("again.csv"), encoding: .utf8) == csv)
    let mapping = try String(contentsOfFile: path("map.yaml"), encoding: .utf8).replacingOccurrences(of: "bootstrap: 200", with: "bootstrap: 20")
    try mapping.write(toFile: path("map.yaml"), atomically: true, encoding: .utf8)

    let fit = try runCCCM(["fit", path("opps.csv"), "--map", path("map.yaml"), "--until", "2025-12-31", "-o", path("fitted.yaml"), "--pipeline", path("open.csv"), "--quiet"])
    #expect(fit.status == 0 && fit.out.isEmpty, "\(fit.err)")
    let variant = "extends: fitted.yaml\nname: from-pipeline\nwarmup_days: 0\nhorizon_days: 90\npipeline: open.csv\n"
    try variant.write(toFile: path("from.yaml"), atomically: true, encoding: .utf8)
    let validate = try runCCCM(["validate", path("from.yaml")])
    #expect(validate.status == 0, "\(validate.err)")
    let run = try runCCCM(["run", path("from.yaml"), "-r", "3", "-q", "--format", "csv"])
    #expect(run.status == 0, "\(run.err)")
    // With warm-up the pipeline is refused, naming the fix.
    try variant.replacingOccurrences(of: "warmup_days: 0", with: "warmup_days: 30").write(toFile: path("warm.yaml"), atomically: true, encoding: .utf8)
    let warm = try runCCCM(["validate", path("warm.yaml")])
    #expect(warm.status == 1 && warm.err.contains("pipeline: a simulation that starts from a pipeline needs no warm-up; set warmup_days: 0"))

    let json = try runCCCM(["backtest", path("opps.csv"), "--map", path("map.yaml"), "--until", "2025-12-31", "--through", "2026-03-31", "-r", "40", "--format", "json"])
    #expect(json.status == 0, "\(json.err)")
    let value = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    let cells = try #require(value["cells"] as? [[String: Any]])
    // 3 months x 4 quantities, all teams and the one team.
    #expect(cells.count == 24)
    #expect((value["summaries"] as? [[String: Any]])?.count == 4)
    let summaries = try #require(value["summaries"] as? [[String: Any]])
    #expect(summaries.allSatisfy { ($0["skill_vs_pipeline"] as? [String: Any])?["cells"] as? Int == 3 })
    // Rolling origin: every month end from --until while the month after it is before --through.
    let rolling = try runCCCM([
      "backtest", path("opps.csv"), "--map", path("map.yaml"), "--every", "month", "--until", "2026-01-31", "--through", "2026-04-30", "-r", "10", "--format", "json",
    ])
    #expect(rolling.status == 0, "\(rolling.err)")
    let plan = try #require(try JSONSerialization.jsonObject(with: Data(rolling.out.utf8)) as? [String: Any])
    let cutoffs = try #require(plan["cutoffs"] as? [[String: Any]])
    #expect(cutoffs.map { "\($0["until"] ?? "")..\($0["through"] ?? "")" } == ["2026-01-31..2026-04-30", "2026-02-28..2026-04-30", "2026-03-31..2026-04-30"])
    // Horizons 1, 2, 3 months ahead for each of the 4 quantities: 3, 2 and 1 cut-offs reach them.
    #expect((plan["horizons"] as? [[String: Any]])?.compactMap { $0["cells"] as? Int } == [3, 2, 1, 3, 2, 1, 3, 2, 1, 3, 2, 1])
    #expect(try runCCCM(["backtest", path("opps.csv"), "--map", path("map.yaml"), "--every", "week"]).status == 64)
    #expect(try runCCCM(["backtest", path("opps.csv"), "--map", path("map.yaml"), "--until", "2025-12-31"]).status == 64)
    let html = try runCCCM(["backtest", path("opps.csv"), "--map", path("map.yaml"), "--until", "2025-12-31", "--through", "2026-03-31", "-r", "20", "--format", "html"])
    #expect(html.status == 0 && html.out.contains("<svg") && html.out.contains("predicted against actual"))
  }

  @Test("bad input: the right exit status and message")
  func refusals() throws {
    let folder = "data/crm-sales-opportunities"
    let backwards = try runCCCM(["backtest", "\(folder)/sales_pipeline.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-09-30", "--through", "2017-06-30"])
    #expect(backwards.status == 64 && backwards.err.contains("--through 2017-06-30 must come after --until 2017-09-30"))
    #expect(try runCCCM(["backtest", "\(folder)/sales_pipeline.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-02-30", "--through", "2017-06-30"]).status == 64)
    let export = try runCCCM(["backtest", "\(folder)/sales_teams.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-06-30", "--through", "2017-09-30"])
    #expect(export.status == 9 && export.err.contains("no column \"opportunity_id\""))
    #expect(try runCCCM(["backtest", "missing.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-06-30", "--through", "2017-09-30"]).status == 2)
    // export: a scenario cannot be overwritten by its own export; a negative replication is a usage error.
    let scenario = "scenarios/bench/r1.yaml"
    #expect(try runCCCM(["export", scenario, "--replication", "0", "-o", scenario]).status == 2)
    #expect(try runCCCM(["export", scenario, "--replication", "-1", "-o", "/tmp/x.csv"]).status == 64)
    #expect(try runCCCM(["export", "missing.yaml", "--replication", "0", "-o", "/tmp/x.csv"]).status == 2)
  }
}
