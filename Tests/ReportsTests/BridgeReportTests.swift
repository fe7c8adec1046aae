import Experiments
import Foundation
import ScenarioFiles
import SnapshotTesting
import TestSupport
import Testing

@testable import Reports

/// `cccm explain`'s report of Northwind's split-west and presales-plus-2 against the baseline, as
/// golden files: the text table and the waterfall chart.
@Suite("explain's bridge report (golden files in __Snapshots__)")
struct BridgeReportTests {
  static func bridges() throws -> [Bridge] {
    let folder = repositoryRoot.appendingPathComponent("scenarios/northwind")
    let scenarios = try ["baseline.yaml", "variants/split-west.yaml", "variants/presales-plus-2.yaml"].map {
      try ScenarioLoader().load(path: folder.appendingPathComponent($0).path)
    }
    return Bridge.run(baseline: scenarios[0], variants: Array(scenarios.dropFirst()), seed: 2026, replications: 6)
  }

  @Test("the text table: the baseline, each step that moved with its interval, the difference and the variant")
  func explainText() throws {
    let document = BridgeReport.document(try Self.bridges(), seed: 2026)
    assertSnapshot(of: document.render(.table), as: .lines, named: "table")
    assertSnapshot(of: document.charts.map { $0.svg(standalone: true) }.joined(separator: "\n"), as: .lines, named: "waterfalls")
  }

  @Test("every format renders the same bridge: CSV and JSON hold every step, the charts one waterfall per variant")
  func formats() throws {
    let bridges = try Self.bridges()
    let document = BridgeReport.document(bridges, seed: 2026)
    let csv = document.render(.csv)
    #expect(csv.split(separator: "\n").count == 1 + bridges.count * (Bridge.Mechanism.allCases.count + 3))
    let json = try JSONSerialization.jsonObject(with: Data(document.render(.json).utf8)) as? [String: Any]
    #expect((json?["bridges"] as? [Any])?.count == 2)
    #expect(document.charts.count == 2)
    #expect(document.render(.markdown).contains("| step |"))
    #expect(document.render(.html).contains("<svg"))
  }
}
