import Foundation
import Reports
import Simulation
import Testing

@Suite("The metric catalogue")
struct MetricCatalogTests {
  @Test("docs/metrics.md is the catalogue's Markdown (regenerate with `cccm metrics --markdown > docs/metrics.md`)")
  func documentIsCurrent() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let stored = try String(contentsOf: root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
    #expect(stored == MetricDescriptor.markdown)
  }

  @Test("every metric in a replication's results has a descriptor, and directions drive the ranking")
  func descriptorsCoverTheLayout() {
    for group in [MetricGroup.scenario, .team, .segment, .pool] {
      let names = MetricDescriptor.all.filter { $0.group == group }.map(\.name)
      #expect(Set(names).count == names.count, "a metric defined twice in \(group)")
    }
    #expect(MetricLayout.scenarioMetrics.contains("contribution"))
    #expect(Comparison.lowerIsBetter("cost"))
    #expect(!Comparison.lowerIsBetter("contribution"))
    #expect(MetricUnit(metric: "contribution") == .money)
    #expect(MetricUnit(metric: "win_rate") == .rate)
  }
}
