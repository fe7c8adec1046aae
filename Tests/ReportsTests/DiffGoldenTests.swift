import Foundation
import ScenarioFiles
import SnapshotTesting
import TestSupport
import Testing

/// `cccm diff` of the reference company's variants, as golden files: every change of reps,
/// capacity, specialists, uplifts, motion, cost and coverage, and the totals a change keeps.
@Suite("diff of the reference company's variants (golden files in __Snapshots__)")
struct DiffGoldenTests {
  static let root = repositoryRoot

  static func diff(_ variant: String) throws -> String {
    let loader = ScenarioLoader()
    let baseline = try loader.load(path: root.appendingPathComponent("scenarios/northwind/baseline.yaml").path)
    let other = try loader.load(path: root.appendingPathComponent("scenarios/northwind/variants/\(variant).yaml").path)
    return ScenarioDiff(from: baseline, to: other).report
  }

  @Test(
    "diff shows what each what-if changes and what it keeps",
    arguments: [
      "solutions-as-product-group", "solutions-relabel", "solutions-embedded", "split-west", "smb-tail-to-partners",
      "merge-key-accounts", "presales-coordinate",
    ])
  func golden(variant: String) throws {
    assertSnapshot(of: try Self.diff(variant), as: .lines, named: variant)
  }

  @Test("a pure relabel keeps every total")
  func relabelKeepsTotals() throws {
    let report = try Self.diff("solutions-relabel")
    let totals = report.components(separatedBy: "totals:\n").last ?? ""
    #expect(!totals.contains("~ "), "\(totals)")
  }
}
