import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif
import SnapshotTesting
import Testing

@testable import Charts

/// Charts from made-up numbers (no engine), so their golden files in __Snapshots__ change only when
/// the drawing does. Re-record with SNAPSHOT_TESTING_RECORD=all and read the diff.
@Suite("Chart layouts (golden SVG files)")
struct ChartGoldenTests {
  static let months = ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12"]

  static var fan: XYChart {
    let m = (0..<12).map { 3.0e6 + 0.2e6 * Double($0 % 4) }
    return XYChart.fan(
      id: "fan", title: "Bookings by month, with actuals", description: "A made-up fan with actual values.", periods: months,
      axis: Axis(title: "bookings (millions)", format: TickFormat(divisor: 1e6)), p05: m.map { $0 - 1.2e6 }, p25: m.map { $0 - 0.5e6 }, p50: m,
      p75: m.map { $0 + 0.5e6 }, p95: m.map { $0 + 1.4e6 }, actual: m.enumerated().map { $1 + ($0 % 3 == 0 ? 0.7e6 : -0.3e6) })
  }

  static var cdf: XYChart {
    let observations = (1...30).map { -log(1 - Double($0) / 31) * 20 }
    let curve = stride(from: 0.0, through: 100, by: 5).map { (x: $0, p: 1 - exp(-$0 / 20)) }
    return XYChart.empiricalCDF(
      id: "cdf", title: "Sales cycle: empirical CDF against a fitted exponential", description: "Made-up observations.",
      axis: Axis(title: "cycle (days)"), observations: observations, fitted: curve, fittedLabel: "exponential, mean 20 d")
  }

  static var pp: XYChart {
    let empirical = (1...20).map { Double($0) / 21 }
    return XYChart.probabilityPlot(id: "pp", title: "P-P plot", description: "Made-up.", empirical: empirical, fitted: empirical.map { $0 * $0 * 0.3 + $0 * 0.7 })
  }

  static var cumulative: XYChart {
    let xs = (0..<12).map(Double.init)
    let means = xs.map { -0.4e6 + 0.15e6 * $0 }
    return XYChart(
      id: "cumulative", title: "Cumulative contribution difference", description: "Made-up.", xAxis: Axis(title: "month", categories: months),
      yAxis: Axis(title: "cumulative difference (millions)", format: TickFormat(divisor: 1e6, signed: true), includeZero: true),
      layers: [
        .band(x: xs, low: means.map { $0 - 0.3e6 }, high: means.map { $0 + 0.3e6 }, colour: Palette.blue, opacity: 0.25),
        .line(x: xs, y: means, colour: Palette.blue, dashed: false), .verticalMarker(x: 3, label: "break-even: M4", interval: 2...5, colour: Palette.vermillion),
      ])
  }

  static var tornado: IntervalChart {
    IntervalChart(
      id: "tornado", title: "What moves contribution", description: "Made-up.", axis: Axis(title: "swing (millions)", format: TickFormat(divisor: 1e6, signed: true), includeZero: true),
      rows: [
        IntervalChart.Row(label: "presales.Presales.experts 10\u{2192}14", estimate: 6.4e6, low: 6.0e6, high: 6.8e6, marked: true, colour: Palette.blue, valueLabel: "+6.40M [+6.00M, +6.80M]"),
        IntervalChart.Row(label: "teams.West.reps 9\u{2192}13", estimate: -0.4e6, low: -0.75e6, high: -0.05e6, marked: true, colour: Palette.vermillion, valueLabel: "-400.0K"),
        IntervalChart.Row(label: "a <very> long & awkward factor name that must be cut short somewhere", estimate: 0.1e6, low: -0.3e6, high: 0.5e6, marked: false, colour: Palette.blue, valueLabel: "+100.0K"),
      ], style: .bars)
  }

  static var forest: IntervalChart {
    IntervalChart(
      id: "forest", title: "Paired differences", description: "Made-up.", axis: Axis(title: "difference (% of baseline)", format: TickFormat(signed: true), includeZero: true),
      rows: [
        .heading("contribution"), IntervalChart.Row(label: "split", estimate: -1, low: -3, high: 1, marked: false, colour: Palette.blue, valueLabel: "-1%"),
        IntervalChart.Row(label: "grow", estimate: 4, low: 2.5, high: 5.5, marked: true, colour: Palette.bluishGreen, valueLabel: "+4%"),
      ], style: .points, legend: [LegendEntry("significant", colour: Palette.bluishGreen, mark: .diamond)])
  }

  /// A forest in panels: each metric on its own axis.
  static var panels: PanelChart {
    PanelChart(
      id: "forest-panels", title: "Paired differences from baseline", caption: "Made up.", description: "Made-up: a panel per metric.",
      panels: [
        PanelChart.Panel(
          title: "contribution (the objective)", axis: Axis(title: "contribution difference (millions)", format: TickFormat(divisor: 1e6, signed: true), includeZero: true),
          rows: [
            IntervalChart.Row(label: "baseline", estimate: 0, low: .nan, high: .nan, marked: false, colour: Palette.muted, valueLabel: "the reference, rank 2="),
            IntervalChart.Row(label: "split", estimate: -0.1e6, low: -0.7e6, high: 0.5e6, marked: false, colour: Palette.blue, valueLabel: "-100.0K, rank 2="),
            IntervalChart.Row(label: "grow", estimate: 3.4e6, low: 2.5e6, high: 4.3e6, marked: true, colour: Palette.bluishGreen, valueLabel: "+3.40M, rank 1"),
          ]),
        PanelChart.Panel(
          title: "presales wait mean", axis: Axis(title: "presales wait mean difference (days)", format: TickFormat(signed: true), includeZero: true),
          rows: [
            IntervalChart.Row(label: "split", estimate: 1.5, low: 1.4, high: 1.6, marked: true, colour: Palette.vermillion, valueLabel: "+1.50 d"),
            IntervalChart.Row(label: "grow", estimate: -4.8, low: -5, high: -4.6, marked: true, colour: Palette.bluishGreen, valueLabel: "-4.80 d"),
          ]),
      ],
      legend: [LegendEntry("better, significant", colour: Palette.bluishGreen, mark: .diamond), LegendEntry("not significant", colour: Palette.blue, mark: .hollowPoint)])
  }

  static var distribution: DistributionChart {
    func values(_ centre: Double) -> [Double] {
      (0..<50).map { (i: Int) -> Double in
        let wave: Double = sin(Double(i) * 1.7) * cos(Double(i) * 0.3)
        return centre + 4e6 * wave
      }
    }
    return DistributionChart(
      id: "distribution", title: "Contribution over 50 replications", description: "Made-up.", axis: Axis(title: "contribution (millions)", format: TickFormat(divisor: 1e6)),
      series: [
        DistributionChart.Series(name: "baseline", values: values(41e6), mean: 41e6, low: 40.2e6, high: 41.8e6, p05: 37e6, p95: 45e6, valueLabel: "41.00M [40.20M, 41.80M]"),
        DistributionChart.Series(name: "variant", values: values(44e6), mean: 44e6, low: 43.1e6, high: 44.9e6, p05: 40e6, p95: 48e6, valueLabel: "44.00M"),
      ])
  }

  static let all: [any Chart] = [fan, cdf, pp, cumulative, tornado, forest, panels, distribution]

  @Test("fan chart with actuals (a back-test's predicted bands against actual)") func fanGolden() { assertSnapshot(of: Self.fan.svg(standalone: true), as: .lines) }
  @Test("empirical CDF against a fitted curve") func cdfGolden() { assertSnapshot(of: Self.cdf.svg(standalone: true), as: .lines) }
  @Test("P-P plot") func ppGolden() { assertSnapshot(of: Self.pp.svg(standalone: true), as: .lines) }
  @Test("cumulative difference with a break-even month and its interval") func cumulativeGolden() { assertSnapshot(of: Self.cumulative.svg(standalone: true), as: .lines) }
  @Test("tornado bars") func tornadoGolden() { assertSnapshot(of: Self.tornado.svg(standalone: true), as: .lines) }
  @Test("forest plot") func forestGolden() { assertSnapshot(of: Self.forest.svg(standalone: true), as: .lines) }
  @Test("forest plot in panels, each on its own axis") func panelsGolden() { assertSnapshot(of: Self.panels.svg(standalone: true), as: .lines) }
  @Test("a caption is the text alternative's first sentence") func captions() {
    #expect(Self.forest.caption == "Made-up.")
    #expect(Self.panels.caption == "Made up.")
    #expect(IntervalChart.firstSentence("Mean 1.23M over 12.5 d. Then more.") == "Mean 1.23M over 12.5 d.")
    #expect(IntervalChart.firstSentence("Mean of each design (a; b: c), best first: x 1.2M; y 1.3M.") == "Mean of each design (a; b: c), best first.")
    #expect(IntervalChart.firstSentence("Short: then a longer sentence goes on.") == "Short: then a longer sentence goes on.")
    #expect(IntervalChart.firstSentence("No full stop") == "No full stop")
  }
  @Test("distributions") func distributionGolden() { assertSnapshot(of: Self.distribution.svg(standalone: true), as: .lines) }

  @Test("every chart: the same bytes twice, a title and a description, every text escaped, no number with an exponent")
  func wellFormed() throws {
    for chart in Self.all {
      let svg = chart.svg(standalone: true)
      #expect(svg == chart.svg(standalone: true))
      #expect(svg.contains("<title id=\"\(chart.id)-title\">\(xmlEscaped(chart.title))</title>"))
      #expect(svg.contains("<desc id=\"\(chart.id)-desc\">"))
      #expect(svg.contains("aria-label=\"\(xmlEscaped(chart.title))\""))
      #expect(!svg.contains("<very>"))
      #expect(svg.range(of: #"="[-0-9.]*e[-+0-9]"#, options: .regularExpression) == nil)
      // Parsed as XML: well-formed (every element closed, every entity known).
      let parser = XMLParser(data: Data(svg.utf8))
      #expect(parser.parse(), "\(chart.id): not well-formed XML: \(String(describing: parser.parserError))")
      // Inline (in HTML) the SVG names no namespace URL, so the page refers to nothing outside.
      #expect(!chart.svg(standalone: false).contains("http"))
    }
  }

  @Test("every drawn coordinate stays inside the canvas")
  func insideCanvas() throws {
    for chart in Self.all {
      let svg = chart.svg(standalone: true)
      guard let box = svg.firstMatch(#"viewBox="0 0 ([0-9.]+) ([0-9.]+)""#) else { Issue.record("no viewBox"); continue }
      let (width, height) = (Double(box[0]) ?? 0, Double(box[1]) ?? 0)
      for match in svg.allMatches(#" (x|x1|x2|cx)="(-?[0-9.]+)""#) {
        let value = Double(match[1]) ?? -1
        #expect(value >= 0 && value <= width, "\(chart.id): \(match[0]) = \(value) outside 0...\(width)")
      }
      for match in svg.allMatches(#" (y|y1|y2|cy)="(-?[0-9.]+)""#) {
        let value = Double(match[1]) ?? -1
        #expect(value >= 0 && value <= height, "\(chart.id): \(match[0]) = \(value) outside 0...\(height)")
      }
    }
  }
}

extension String {
  /// The capture groups of the first match of a regular expression.
  func firstMatch(_ pattern: String) -> [String]? { allMatches(pattern).first }

  func allMatches(_ pattern: String) -> [[String]] {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
    let text = self as NSString
    return regex.matches(in: self, range: NSRange(location: 0, length: text.length)).map { match in
      (1..<match.numberOfRanges).map { text.substring(with: match.range(at: $0)) }
    }
  }
}
