import CoverageModel
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import Calibration

/// The engine's own opportunities, exported as a CRM would (`SimulatedExport`, what `cccm export`
/// writes), read back through the mapping written with them and fitted: every 95% interval should
/// cover the scenario's true value at about its nominal rate.
@Suite("Round trip through the engine: simulate, export, fit")
struct SimulatedRoundTripTests {
  /// Arrivals 400 x 2.5 / 365 = 2.74 a day, win probability 0.6, the stage gamma(shape 2, mean 40)
  /// days for wins and losses alike, deal sizes lognormal(median 8000, sigma 0.7); one year.
  static let truth = """
    name: truth
    start_date: 2025-01-01
    horizon_days: 365
    regions: [North]
    segments:
      - {name: SMB, tier: smb, region: North, accounts: 400, opportunities_per_account_year: 2.5, deal_size: {lognormal: {median: 8000, sigma: 0.7}}}
    motions:
      - name: smb
        stages:
          - {name: close, days: {gamma: {shape: 2, mean: 40}}, advance: 0.6}
    teams:
      - {name: North, kind: regional, reps: 10, slots_per_rep: 100, motion: smb, covers: {segments: SMB}}
    """

  /// Writes replication 0 under `seed` as an export with its mapping and tables in `directory`.
  static func write(_ scenario: Scenario, seed: UInt64, to directory: URL) throws -> (export: String, mapping: String) {
    let trace = Simulator(scenario: scenario).traces(replications: 0..<1, seed: seed, threads: 1)[0]
    let export = SimulatedExport(trace, scenario: scenario)
    let files = (export: directory.appendingPathComponent("opps.csv"), mapping: directory.appendingPathComponent("map.yaml"))
    try export.opportunities.write(to: files.export, atomically: true, encoding: .utf8)
    try export.owners.write(to: directory.appendingPathComponent("owners.csv"), atomically: true, encoding: .utf8)
    try export.accounts.write(to: directory.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
    // Fewer bootstrap resamples than the written 200, to keep the test short.
    let mapping = SimulatedExport.mapping(scenario: scenario, ownersFile: "owners.csv", accountsFile: "accounts.csv").replacingOccurrences(of: "bootstrap: 200", with: "bootstrap: 60")
    try mapping.write(to: files.mapping, atomically: true, encoding: .utf8)
    return (files.export.path, files.mapping.path)
  }

  @Test("arrival rate, win probability, cycle and deal-size intervals cover the truth over 8 seeds at about 95%")
  func coverage() throws {
    let scenario = try ScenarioLoader().load(yaml: Self.truth, file: "truth.yaml")
    let directory = try scratchFolder("roundtrip")
    defer { try? FileManager.default.removeItem(at: directory) }
    var covered = 0
    var total = 0
    var misses: [String] = []
    var byParameter: [String: (Int, Int)] = [:]
    func check(_ name: String, _ interval: ClosedRange<Double>, _ truth: Double, _ seed: UInt64) {
      total += 1
      let hit = interval.contains(truth)
      byParameter[name, default: (0, 0)].0 += hit ? 1 : 0
      byParameter[name, default: (0, 0)].1 += 1
      if hit { covered += 1 } else { misses.append("seed \(seed) \(name): \(interval) misses \(truth)") }
    }
    for seed in UInt64(1)...8 {
      let files = try Self.write(scenario, seed: seed, to: directory)
      let mapping = try Mapping.load(path: files.mapping)
      let export = try Export.load(path: files.export, mapping: mapping)
      // Every row is read back: the export's rows are the trace's opportunities.
      #expect(export.opportunities.count == Simulator(scenario: scenario).traces(replications: 0..<1, seed: seed, threads: 1)[0].count)
      let fit = try Calibrator.fit(export, mapping: mapping, until: Day(CalendarDate(year: 2025, month: 12, day: 31)))
      let s = try #require(fit.segments.first { $0.name == "SMB" })
      check("arrival rate", s.rateInterval, 400 * 2.5 / 365, seed)
      check("win probability", s.winProbabilityInterval, 0.6, seed)
      if let win = s.winCycle, let family = win.writtenFamily, family.family == .gamma {
        check("cycle shape", win.intervals[0], 2, seed)
        check("cycle mean", win.intervals[1], 40, seed)
      }
      if let size = s.dealSize, let family = size.writtenFamily, family.family == .lognormal {
        check("size median", size.intervals[0], 8000, seed)
        check("size sigma", size.intervals[1], 0.7, seed)
      }
    }
    let floor = 0.95 * Double(total) - 4 * (Double(total) * 0.95 * 0.05).squareRoot()
    let summary = byParameter.keys.sorted().map { "\($0) \(byParameter[$0]?.0 ?? 0)/\(byParameter[$0]?.1 ?? 0)" }.joined(separator: ", ")
    print("round trip through the engine: \(covered) of \(total) 95% intervals cover the truth (\(summary))")
    #expect(total >= 40, "only \(total) intervals checked: the written families were not gamma and lognormal")
    #expect(Double(covered) >= floor, "\(covered) of \(total) covered: \(misses)")
  }

  @Test("a back-test never uses what happened after the cut-off: changing every later row changes the actuals, not the prediction")
  func backtestSeesNothingAfterCutoff() throws {
    var scenario = try ScenarioLoader().load(yaml: Self.truth, file: "truth.yaml")
    scenario.horizonDays = 540
    let directory = try scratchFolder("roundtrip")
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try Self.write(scenario, seed: 4, to: directory)
    let mapping = try Mapping.load(path: files.mapping)
    let export = try Export.load(path: files.export, mapping: mapping)
    let until = Day(CalendarDate(year: 2025, month: 12, day: 31))
    let through = Day(CalendarDate(year: 2026, month: 3, day: 31))
    // The future rewritten: later engagements dropped, every later close turned into a loss a day later.
    var rewritten = export
    rewritten.opportunities = export.opportunities.compactMap { o in
      guard let engaged = o.engaged, engaged <= until else { return nil }
      var o = o
      if let closed = o.closed, closed > until {
        o.stage = .lost
        o.closed = closed.advanced(by: 1)
        o.amount = 0
      }
      return o
    }
    let a = try Backtest.run(export, mapping: mapping, mappingFile: files.mapping, until: until, through: through, replications: 40, seed: 2, threads: 1)
    let b = try Backtest.run(rewritten, mapping: mapping, mappingFile: files.mapping, until: until, through: through, replications: 40, seed: 2, threads: 1)
    #expect(a.scenario == b.scenario)
    #expect(a.predicted == b.predicted)
    // The naive forecasts are made from the same history: they do not move either.
    #expect(a.naive.predicted == b.naive.predicted && a.naive.teamPredicted == b.naive.teamPredicted)
    #expect(a.naive.seasonal == b.naive.seasonal && a.naive.recentRate == b.naive.recentRate)
    #expect(a.months == ["2026-01", "2026-02", "2026-03"])
    #expect(a.actuals.months.map(\.engaged) != b.actuals.months.map(\.engaged))
    // The pipeline started from is the deals open at the cut-off, none of them closed by then.
    #expect(a.pipeline.deals.count == export.opportunities.filter { o in
      guard let engaged = o.engaged, engaged <= until else { return false }
      return o.closed.map { $0 > until } ?? true
    }.count - a.pipeline.stale)
  }
}
