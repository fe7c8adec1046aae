import Experiments
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

  @Test("a metric's unit is what its name and formation say: weeks, days, hours, shares and rates, money, counts")
  func unitsFollowNames() {
    for m in MetricDescriptor.all {
      let name = m.name
      let expected: MetricDescriptor.Unit? =
        if name.hasPrefix("weeks_") { .weeks }
        else if name.contains("days") || name.contains("wait") { .days }
        else if name.contains("hours") { .hours }
        else if name.hasSuffix("_share") || name.hasSuffix("_rate") || ["coverage", "utilization", "quota_attainment"].contains(name) { .rate }
        else if m.formation == "count" || name == "headcount" { .count }
        else { nil }
      if let expected { #expect(m.unit == expected, "\(m.group) \(name): \(m.unit), by its name \(expected)") }
    }
    #expect(MetricUnit(metric: "weeks_late_mean") == .weeks)
    #expect(MetricUnit.weeks.format(1.5) == "1.50 wk")
    #expect(MetricUnit.weeks.formatDifference(-0.25) == "-0.25 wk")
    #expect(MetricUnit(metric: "selling_hours").format(1234) == "1,234 h")
  }
}

@Suite("Targets")
struct TargetTests {
  @Test("targets parse with units and comparisons, and unknown metrics or numbers are refused")
  func parse() throws {
    let t = try Target.parse("bookings>=85M").get()
    #expect(t.metric == "bookings" && t.comparison == .atLeast && t.value == 85e6)
    #expect(try Target.parse("win_rate > 25%").get().value == 0.25)
    #expect(try Target.parse("cost<=1.5B").get().comparison == .atMost)
    #expect(try Target.parse("blocked<800").get().isMet(by: 799))
    #expect(!(try Target.parse("blocked<800").get().isMet(by: .nan)))
    if case .success = Target.parse("bookingz>=1") { Issue.record("unknown metric accepted") }
    if case .success = Target.parse("bookings>=lots") { Issue.record("bad number accepted") }
    if case .success = Target.parse("bookings=1") { Issue.record("missing comparison accepted") }
  }
}
