import Charts
import Estimation
import Experiments
import Foundation
import SnapshotTesting
import Testing

@testable import Reports
@testable import Simulation

/// Made-up results by month (no engine): replication r's month m of each metric is the base level
/// over 12 with shared noise, so the report's charts and page change only when the layout does.
func madeUpMonthlyResults(_ name: String, seed: UInt64 = 1, scale: [String: Double] = [:], replications: Int = 12) -> SimulationResults {
  let months = (1...12).map { "M\($0)" }
  let layout = MetricLayout(teams: ["North"], segments: ["SMB"], pools: ["MCI"], months: months, quarters: ["Q1", "Q2", "Q3", "Q4"])
  let totals = madeUpResults(name, seed: seed, scale: scale, replications: replications)
  let totalLayout = totals.layout
  var values: [Double] = []
  for r in 0..<replications {
    var row = [Double](repeating: 0, count: layout.metricCount) + [Double](repeating: 1, count: layout.count - layout.metricCount)
    for (index, entry) in layout.entries.enumerated() {
      let source = totalLayout.entries.firstIndex { $0.group == entry.group && $0.metric == entry.metric } ?? 0
      row[index] = totals.values[r * totalLayout.count + source]
    }
    for (p, _) in months.enumerated() {
      for m in 0..<MetricLayout.scenarioMetrics.count {
        let wave = 1 + 0.3 * sin(Double(p) * 0.9 + Double(r) * 1.3 + Double(seed))
        row[layout.index(period: p, of: .month, metric: m)] = row[m] / 12 * wave
      }
    }
    for q in 0..<4 {
      for m in 0..<MetricLayout.scenarioMetrics.count { row[layout.index(period: q, of: .quarter, metric: m)] = row[m] / 4 }
    }
    values += row
  }
  return SimulationResults(scenario: name, layout: layout, seed: 42, values: values)
}

private let provenance = Provenance(
  command: "cccm compare baseline.yaml grow.yaml --by month --format html", version: "0.0-test", seed: 42, replications: 12, generator: "philox",
  scenarios: [
    Provenance.ScenarioEntry(name: "baseline", file: "baseline.yaml", hash: "0123456789abcdef"),
    Provenance.ScenarioEntry(name: "grow <&>", file: "grow.yaml", hash: "fedcba9876543210"),
  ])

private func madeUpPage() -> String {
  let baseline = madeUpMonthlyResults("baseline")
  let variant = madeUpMonthlyResults("grow <&>", seed: 2, scale: ["contribution": 1.05, "bookings": 1.04])
  let c = Comparison(baseline: baseline, variants: [variant], metrics: ["bookings", "contribution", "cost"], objective: Objective("contribution"), teams: false)
  var document = ComparisonReport.document(c)
  document.append(PeriodReport.comparisonDocument(baseline: baseline, variants: [variant], by: .month, metrics: ["contribution"], confidence: 0.95))
  document.title = "cccm compare: made up"
  document.provenance = provenance
  document.charts = ReportCharts.compare(c, baseline: baseline, variants: [variant], by: .month)
  return document.render(.html)
}

@Suite("Report charts and HTML pages")
struct ReportChartTests {
  @Test("the forest for slides: a panel per metric on its own axis, the objective first, every colour in the legend, ties ranked equal")
  func forestPanels() {
    let baseline = madeUpResults("baseline")
    let same = madeUpResults("same", seed: 2)
    let grow = madeUpResults("grow", seed: 3, scale: ["contribution": 1.2, "credited_bookings": 1.1, "presales_wait_mean": 3])
    let c = Comparison(
      baseline: baseline, variants: [same, grow], metrics: ["bookings", "credited_bookings", "presales_wait_mean", "contribution"], objective: Objective("contribution"),
      teams: false)
    let forest = ReportCharts.forest(c)
    #expect(forest.panels.map(\.title).first?.hasPrefix("contribution (the objective") == true)
    #expect(forest.panels.count == 4)
    for (panel, metric) in zip(forest.panels, ["contribution", "bookings", "credited bookings", "presales wait mean"]) {
      #expect(panel.title.hasPrefix(metric) && panel.axis.title.hasPrefix("\(metric) difference ("), "\(panel.axis.title)")
    }
    #expect(forest.panels[3].axis.title == "presales wait mean difference (days)")
    // Every colour a row is drawn in is in the legend (credited bookings has no better direction).
    let legend = Set(forest.legend.map(\.colour))
    for panel in forest.panels { for row in panel.rows where row.marked { #expect(legend.contains(row.colour), "\(panel.title): \(row.label)") } }
    #expect(forest.legend.contains { $0.label.contains("no better direction") })
    // The baseline and the variant it is not separated from share a rank.
    let objective = forest.panels[0].rows
    #expect(objective.map(\.label) == ["baseline", "same", "grow"])
    #expect(objective[0].valueLabel.hasSuffix("rank 2=") && objective[1].valueLabel.hasSuffix("rank 2=") && objective[2].valueLabel.hasSuffix("rank 1"))
    #expect(forest.caption.hasSuffix(".") && !forest.caption.dropLast().contains(". "))
  }

  @Test("compare as an HTML page (golden): what was run, the summary, the charts")
  func compareHTML() {
    assertSnapshot(of: madeUpPage(), as: .lines)
  }

  @Test("the page opens with what was run, then the summary, then every chart with its title and axis titles")
  func pageOrder() throws {
    let page = madeUpPage()
    let run = try #require(page.range(of: "<h2>What was run</h2>"))
    let summary = try #require(page.range(of: "<h2>Summary</h2>"))
    let charts = try #require(page.range(of: "<h2>Charts</h2>"))
    #expect(run.lowerBound < summary.lowerBound && summary.lowerBound < charts.lowerBound)
    for text in ["0123456789abcdef", "fedcba9876543210", "<td>42</td>", "<td>12</td>", "0.0-test", "cccm compare baseline.yaml grow.yaml"] {
      #expect(page.contains(text), "missing \(text)")
    }
    // Scenario names are escaped everywhere (no raw markup from a name).
    #expect(!page.contains("grow <&>"))
    #expect(page.contains("grow &lt;&amp;&gt;"))
    for title in [
      "Contribution over 12 replications", "Paired differences from baseline", "Contribution by month, baseline", "Cumulative contribution difference",
      "contribution (money)", "cumulative difference (money)",
    ] {
      #expect(page.contains(title), "missing \(title)")
    }
  }

  @Test("the page refers to nothing outside itself: no http(s), no src or href out, no @import, no url() but data:")
  func selfContained() {
    let page = madeUpPage()
    for forbidden in ["http:", "https:", "@import", "<script", "<link", "<img", "<iframe", "<object", "<embed"] {
      #expect(!page.lowercased().contains(forbidden), "the page contains \(forbidden)")
    }
    for attribute in page.allMatches(#"(?i)\b(src|href|xlink:href)\s*=\s*"([^"]*)""#) {
      #expect(attribute[1].hasPrefix("#") || attribute[1].hasPrefix("data:"), "\(attribute[0]) refers outside: \(attribute[1])")
    }
    for url in page.allMatches(#"(?i)url\(\s*['"]?([^'")]*)"#) {
      #expect(url[0].hasPrefix("data:"), "url(\(url[0])) refers outside")
    }
  }

  @Test("a page is the same bytes every time, and charts in it have ids unique on the page")
  func stable() {
    let page = madeUpPage()
    #expect(page == madeUpPage())
    let ids = page.allMatches(#" id="([^"]+)""#).map { $0[0] }
    #expect(Set(ids).count == ids.count, "duplicate ids: \(ids)")
  }

  @Test("the break-even mark: the mean's period, shaded from the earliest to the latest (the last period when later than the horizon), none without a mean")
  func breakEvenMark() throws {
    // Replications' cumulative differences by period: the mean turns positive at period 1 for good.
    let cumulative: [[Double]] = [[-3, -1, -2], [1, 2, 0.5], [2, 3, 1], [3, 5, 2]]
    let b = BreakEven(cumulative: cumulative)
    let mark = try #require(ReportCharts.BreakEvenMark(b, periods: 4))
    #expect(mark.period == b.mean && mark.period == 1)
    #expect(mark.interval == (b.earliest ?? 1)...(b.latest ?? 3))
    let never = BreakEven(cumulative: [[1, 2], [-1, -2]])
    #expect(ReportCharts.BreakEvenMark(never, periods: 2) == nil)
  }

  @Test("the cumulative chart marks the break-even month the table reports, with its interval, or the one given")
  func breakEvenChart() throws {
    let baseline = madeUpMonthlyResults("baseline")
    let variant = madeUpMonthlyResults("grow", seed: 2, scale: ["contribution": 1.05])
    let found = try #require(ReportCharts.cumulativeDifference(baseline: baseline, variant: variant, metric: "contribution", by: .month))
    // The month the comparison's table reports (PeriodReport.breakEven), with its interval.
    let m = try #require(baseline.layout.index(ofScenarioMetric: "contribution"))
    let b = PeriodReport.breakEven(baseline: baseline, variant: variant, kind: .month, metric: m, confidence: 0.95)
    let mean = try #require(b.mean)
    #expect(found.description.contains("stays above zero from M\(mean + 1) (95% interval M\((b.earliest ?? mean) + 1) to M\((b.latest ?? 11) + 1))"), "\(found.description)")
    let given = try #require(
      ReportCharts.cumulativeDifference(
        baseline: baseline, variant: variant, metric: "contribution", by: .month, breakEven: ReportCharts.BreakEvenMark(period: 4, interval: 3...6)))
    #expect(given.svg(standalone: false).contains("break-even: M5"))
    #expect(given.description.contains("from M5 (95% interval M4 to M7)"))
    // A metric that does not add up over months has no cumulative chart.
    #expect(ReportCharts.cumulativeDifference(baseline: baseline, variant: variant, metric: "win_rate", by: .month) == nil)
  }

  @Test("axes carry the metric's unit: money scaled to its size, rates in %, differences of rates in percentage points")
  func axisUnits() {
    #expect(ReportCharts.axis("contribution", values: [41e6]).title == "contribution (millions)")
    #expect(ReportCharts.axis("cost", values: [400e3]).title == "cost (thousands)")
    #expect(ReportCharts.axis("win_rate", values: [0.25]).title == "win rate (%)")
    #expect(ReportCharts.axis("win_rate", values: [0.01], difference: true).title == "win rate difference (percentage points)")
    #expect(ReportCharts.axis("cycle_days_won", values: [20]).title == "cycle days won (days)")
    #expect(ReportCharts.axis("contribution", values: [1e6], difference: true).includeZero)
  }
}

extension String {
  func allMatches(_ pattern: String) -> [[String]] {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let text = self as NSString
    return regex.matches(in: self, range: NSRange(location: 0, length: text.length)).map { match in
      (1..<match.numberOfRanges).map { text.substring(with: match.range(at: $0)) }
    }
  }
}

@Suite("HTML table cells")
struct HTMLCellTests {
  @Test("a terminal text bar becomes a drawn bar of the same length; anything else stays text")
  func textBars() {
    #expect(HTMLReport.textBar("+#### *") == "<span class=\"bar\" style=\"width: 20px; background: #0072B2\"></span> *")
    #expect(HTMLReport.textBar("-##") == "<span class=\"bar\" style=\"width: 10px; background: #D55E00\"></span>")
    for text in ["+", "-", "+1.2M", "-#x", "#", "+## **", ""] { #expect(HTMLReport.textBar(text) == nil, "\(text)") }
  }
}
