import Experiments
import Foundation
import Reports
import TestSupport
import Testing

/// `cccm threshold`: the command parses, runs `Threshold.run` and prints its report; bad input is
/// refused as other commands refuse it.
@Suite("cccm threshold", .serialized)
struct ThresholdCommandTests {
  @Test("cccm threshold prints Threshold.run's outcome")
  func printsOutcome() throws {
    let base = try TwoTeams.write(busy: 6)
    let variant = base.replacingOccurrences(of: ".yaml", with: "-plus-1.yaml")
    try "extends: \(base)\nname: busy-plus-1\nchanges:\n  - resize: {team: Busy, by: 1}\n".write(toFile: variant, atomically: true, encoding: .utf8)
    defer { for file in [base, variant] { try? FileManager.default.removeItem(atPath: file) } }
    let printed = try runCCCM([
      "threshold", base, variant, "--vary", "teams.Busy.cost_per_rep_year=0..300000", "--points", "4", "--resamples", "200", "-r", "10", "-q", "--format", "json",
    ])
    #expect(printed.status == 0, "\(printed.err)")
    let setting = Threshold.Setting(objective: .contribution, points: 4, replications: 10, seed: 11, resamples: 200)
    let outcome = try Threshold.run(
      baseline: base, variant: variant, ranges: [InputRange(path: "teams.Busy.cost_per_rep_year", low: 0, high: 300_000)], setting: setting)
    #expect(printed.out == ThresholdReport.document(outcome).render(.json))
  }

  @Test("bad ranges, numbers and paths are refused with a clear message and the usual exit status")
  func refusals() throws {
    let base = try TwoTeams.write(busy: 6)
    defer { try? FileManager.default.removeItem(atPath: base) }
    let cases: [(arguments: [String], status: Int32, message: String)] = [
      (["--vary", "teams.Busy.cost_per_rep_year=5..1"], 64, "LOW must be below HIGH"),
      (["--vary", "teams.Busy.cost_per_rep_year=1..1"], 64, "LOW must be below HIGH"),
      (["--vary", "teams.Busy.cost_per_rep_year=cheap..1"], 64, "\"cheap\" is not a number"),
      (["--vary", "teams.Busy.cost_per_rep_year"], 64, "needs PATH=LOW..HIGH"),
      ([], 64, "give at least one --vary"),
      (["--vary", "teams.Busy.cost_per_rep_year=0..1", "--points", "2"], 64, "--points must be 3 to 41"),
      (["--vary", "teams.Busy.cost_per_rep_year=0..1", "--objective", "contributon"], 64, "did you mean"),
      (["--vary", "teams.Busy.cost_per_rep_yr=0..1"], 1, "did you mean \"cost_per_rep_year\""),
      (["--vary", "teams.Bussy.cost_per_rep_year=0..1"], 1, "no \"Bussy\" under \"teams\""),
      (["--vary", "teams.Busy.reps=-5..1"], 1, "--vary"),
    ]
    for c in cases {
      let printed = try runCCCM(["threshold", base, base, "-r", "2", "-q"] + c.arguments)
      #expect(printed.status == c.status, "\(c.arguments): \(printed.err)")
      #expect(printed.err.contains(c.message), "\(c.arguments): \(printed.err)")
      #expect(printed.out.isEmpty)
    }
  }
}
