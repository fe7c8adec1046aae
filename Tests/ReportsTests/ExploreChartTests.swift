import Charts
import Estimation
import Experiments
import Foundation
import SnapshotTesting
import Testing

@testable import Calibration
@testable import Reports

/// Charts of select, fit, Morris, Sobol, uncertainty and allocate from made-up results (no
/// engine), so their golden files change only when the layout does. Re-record with
/// SNAPSHOT_TESTING_RECORD=all and read the diff.
enum MadeUp {
  /// Values around `level` with a fixed, smooth pattern of noise (no generator).
  static func values(_ level: Double, count: Int, spread: Double = 2e6, phase: Double = 0) -> [Double] {
    (0..<count).map { level + spread * sin(Double($0) * 1.7 + phase) }
  }

  static let setting = SelectionReport.Setting(
    objective: "contribution", largerIsBetter: true, delta: 0.4e6, deltaText: "1% of the baseline's first-stage mean", confidence: 0.95, firstStage: 20,
    maximum: 1000, stages: 35, simulated: 140, fixedSample: 120, seed: 7)

  /// Common noise for every design (common random numbers), so paired differences are tight.
  static let designs: [SelectionReport.Design] = [
    SelectionReport.Design(name: "baseline", mean: 41e6, used: 20, status: .eliminated, values: values(41e6, count: 20)),
    SelectionReport.Design(name: "grow <west>", mean: 44.2e6, used: 35, status: .selected, values: values(44.2e6, count: 35)),
    SelectionReport.Design(name: "split", mean: 43.1e6, used: 35, status: .eliminated, values: values(43.1e6, count: 35).enumerated().map { $1 + 0.3e6 * cos(Double($0)) }),
    SelectionReport.Design(name: "partners", mean: 40e6, used: 20, status: .eliminated, values: values(40e6, count: 20)),
  ]

  static let sensitivity = GlobalSensitivityReport.Setting(objective: "contribution", points: 50, replications: 10, seed: 7, baseMean: 41e6)
  static let factors = [
    GlobalSensitivityReport.Factor(path: "presales.Presales.experts", low: 10, high: 14, whole: true),
    GlobalSensitivityReport.Factor(path: "teams.West.reps", low: 9, high: 13, whole: true),
    GlobalSensitivityReport.Factor(path: "segments.SMB-West.opportunities_per_account_year", low: 0.4, high: 0.6, whole: false),
  ]

  /// Deal sizes: the gamma(2, mean 3000) quantiles at (i - 0.5) / n (GSL's CDF inverted by
  /// bisection), so the fit is close and the families ranked as for real data.
  static let amounts: [Double] = (1...60).map { i in
    let p = (Double(i) - 0.5) / 60
    var (low, high) = (0.0, 100_000.0)
    for _ in 0..<80 {
      let mid = (low + high) / 2
      if LifetimeFamily.gamma.cdf(mid, [2, 3000]) < p { low = mid } else { high = mid }
    }
    return ((low + high) / 2).rounded()
  }

  static func sizeFit() -> DistributionFit {
    let ranked = MaximumLikelihood.ranked(CensoredSample(events: amounts), rankBy: .andersonDarling)
    let sorted = amounts.sorted()
    var fit = DistributionFit(
      ranked: ranked, ranking: .andersonDarling, written: .exponential(mean: 3000), writtenFamily: ranked.first, intervals: [],
      events: amounts.count, censoredWeight: 0, distance: ranked[0].kolmogorovSmirnov ?? 0, threshold: 0, note: "", mean: 3000)
    for (i, value) in sorted.enumerated() where i + 1 == sorted.count || sorted[i + 1] != value {
      fit.empiricalX.append(value)
      fit.empiricalP.append(Double(i + 1) / Double(sorted.count))
    }
    return fit
  }
}

@Suite("Charts of select, fit, Morris, Sobol, uncertainty and allocate")
struct ExploreChartTests {
  @Test("select: designs with intervals and the indifference zone, paired differences from the selected, replications used (golden)")
  func selectGolden() throws {
    let charts = ReportCharts.selection(setting: MadeUp.setting, designs: MadeUp.designs)
    #expect(charts.map(\.id) == ["select-contribution", "select-contribution-paired", "select-replications"])
    for chart in charts { assertSnapshot(of: chart.svg(standalone: true), as: .lines, named: chart.id) }
    // The selected design first, the zone from its mean down by delta, and each design's interval
    // over the replications it used.
    let means = try #require(charts[0] as? IntervalChart)
    #expect(means.rows.first?.label == "grow <west>" && means.reference == 44.2e6)
    #expect(means.zone == (44.2e6 - 0.4e6)...44.2e6)
    let split = try #require(means.rows.first { $0.label == "split" })
    let s = Summary(MadeUp.designs[2].values)
    #expect(split.low == s.ci95Low && split.high == s.ci95High)
    // Paired over the replications both ran: the common noise cancels, so split's interval is far
    // narrower than its own.
    let paired = try #require(charts[1] as? IntervalChart)
    let d = try #require(paired.rows.first { $0.label == "split" })
    let expected = PairedDifference(baseline: MadeUp.designs[1].values, variant: MadeUp.designs[2].values)
    #expect(abs(d.estimate - expected.mean) < 1e-6 && d.low == expected.ciLow && d.high == expected.ciHigh)
    #expect(d.high - d.low < (split.high - split.low) / 5)
    #expect(d.marked, "split is significantly worse than the selected design")
    let stages = try #require(charts[2] as? IntervalChart)
    #expect(stages.rows.map(\.estimate) == [35, 35, 20, 20, 120])
    #expect(charts[2].description.contains("110 replications in all, against 120 per design (480 in all)"))
  }

  @Test("select with no single design selected: no zone, contenders drawn filled, the caption says so")
  func selectUndecided() throws {
    let designs = MadeUp.designs.map {
      SelectionReport.Design(name: $0.name, mean: $0.mean, used: $0.used, status: $0.status == .selected ? .contender : $0.status, values: $0.values)
    }
    let charts = ReportCharts.selection(setting: MadeUp.setting, designs: designs)
    let means = try #require(charts[0] as? IntervalChart)
    #expect(means.zone == nil)
    #expect(charts.count == 2, "no paired chart without a selected design")
    #expect(means.description.contains("No single design selected"))
    #expect(!means.svg(standalone: false).contains(">selected<"))
  }

  @Test("fit: the CDF against the chosen and runner-up families (GSL's CDFs), and a P-P plot whose largest gap is the KS distance at the steps (golden)")
  func fitGolden() throws {
    let fit = MadeUp.sizeFit()
    let cdf = try #require(ReportCharts.fitCDF(fit, segment: "East", what: "deal size"))
    let pp = try #require(ReportCharts.fitPP(fit, segment: "East", what: "deal size"))
    assertSnapshot(of: cdf.svg(standalone: true), as: .lines, named: "cdf")
    assertSnapshot(of: pp.svg(standalone: true), as: .lines, named: "pp")
    let chosen = try #require(fit.writtenFamily)
    // The fitted curve is the family's CDF on the grid.
    guard case .line(let xs, let ps, _, _) = cdf.layers[1] else {
      Issue.record("the second layer is not the fitted curve")
      return
    }
    for (x, p) in zip(xs, ps) { #expect(p == chosen.family.cdf(x, chosen.parameters)) }
    #expect(cdf.legend.count == 3, "empirical, chosen, runner-up")
    // The P-P plot's largest gap is the KS distance taken at the steps: at most D, and at least D - 1/n.
    guard case .points(let empirical, let fitted, _, _) = pp.layers[1] else {
      Issue.record("the P-P plot has no points")
      return
    }
    let gap = zip(empirical, fitted).map { abs($0 - $1) }.max() ?? 0
    let d = GoodnessOfFit.kolmogorovSmirnov(MadeUp.amounts) { chosen.family.cdf($0, chosen.parameters) }
    #expect(gap <= d + 1e-12 && gap >= d - 1.0 / Double(MadeUp.amounts.count), "gap \(gap), D \(d)")
    #expect(pp.description.contains("Largest gap \(FitReport.show(gap))"))
  }

  @Test("fit: arrivals by month against the seasonal profile, with the months outside the Poisson range named")
  func arrivalsChart() throws {
    let months = [
      MonthlyArrivals(month: "2017-03", observed: 100, expected: 95, low: 79, high: 111, flat: 90),
      MonthlyArrivals(month: "2017-04", observed: 140, expected: 100, low: 84, high: 117, flat: 90),
    ]
    let chart = try #require(ReportCharts.monthlyArrivals(months))
    assertSnapshot(of: chart.svg(standalone: true), as: .lines, named: "arrivals")
    #expect(chart.description.contains("1 of 2 months are outside their 90% range (2017-04)"))
    #expect(ReportCharts.monthlyArrivals([]) == nil)
  }

  @Test("Morris: mu* against sigma with the line sigma = mu*; Sobol: first-order and total bars with intervals (golden)")
  func globalGolden() throws {
    let morris = ReportCharts.morris(
      setting: MadeUp.sensitivity,
      rows: zip(MadeUp.factors, [(6.5e6, 1.0e6), (0.6e6, 0.9e6), (0.5e6, 0.2e6)]).map {
        GlobalSensitivityReport.MorrisRow(factor: $0, muStar: $1.0, muStarSE: $1.0 / 10, mu: $1.0, sigma: $1.1, effects: 10)
      })
    let sobol = ReportCharts.sobol(
      setting: MadeUp.sensitivity,
      rows: zip(MadeUp.factors, [(0.7, 0.8), (0.05, 0.12), (-0.01, 0.02)]).map {
        GlobalSensitivityReport.SobolRow(factor: $0, first: $1.0, firstLow: $1.0 - 0.08, firstHigh: $1.0 + 0.08, total: $1.1, totalLow: $1.1 - 0.05, totalHigh: $1.1 + 0.05)
      })
    assertSnapshot(of: morris.svg(standalone: true), as: .lines, named: "morris")
    assertSnapshot(of: sobol.svg(standalone: true), as: .lines, named: "sobol")
    #expect(morris.xAxis.title == "mu*, mean absolute effect (millions)" && morris.yAxis.title == "sigma, spread (millions)")
    // Largest first; a bar is solid only when its interval excludes 0.
    #expect(sobol.rows.filter(\.isHeading).map(\.label) == MadeUp.factors.map(\.path))
    #expect(sobol.rows.filter { !$0.isHeading }.map(\.marked) == [true, true, false, true, false, false])
  }

  @Test("uncertainty: set means per design and paired differences per set, with the share of sets above zero; allocation gains per step (golden)")
  func uncertaintyAndAllocation() throws {
    let setting = UncertaintyReport.Setting(objective: "contribution", largerIsBetter: true, sets: 4, replications: 3, seed: 7)
    let base: [[Double]] = [[40e6, 41e6, 42e6], [38e6, 39e6, 40e6], [43e6, 44e6, 45e6], [41e6, 41e6, 41e6]]
    let variant = base.enumerated().map { s, set in set.map { $0 + (s == 3 ? -0.5e6 : 2e6) } }
    let statistics = zip(base, variant).map { UncertaintySet(values: [$0, $1]) }
    let charts = ReportCharts.uncertainty(
      setting: setting, names: ["baseline", "grow"], setMeans: [statistics.map(\.designs[0].mean), statistics.map(\.designs[1].mean)],
      setDifferences: [statistics.map(\.differences[0].moments.mean)])
    #expect(charts.count == 2)
    for chart in charts { assertSnapshot(of: chart.svg(standalone: true), as: .lines, named: chart.id) }
    let levels = try #require(charts[0] as? DistributionChart)
    #expect(levels.series[0].values == [41e6, 39e6, 44e6, 41e6])
    let differences = try #require(charts[1] as? DistributionChart)
    #expect(differences.series[0].values == [2e6, 2e6, 2e6, -0.5e6])
    #expect(differences.series[0].valueLabel.hasSuffix("better in 3/4"))
    let gain = PairedDifference(baseline: [40e6, 41e6, 42e6, 43e6], variant: [40.1e6, 40.9e6, 42.3e6, 42.8e6])
    let allocation = ReportCharts.allocation(
      objective: "contribution",
      steps: [
        AllocationReport.Step(path: "presales.Presales.experts", objectiveAfter: 44e6, gain: PairedDifference(baseline: [1e6, 2e6, 3e6], variant: [3.9e6, 5.1e6, 5.8e6]), runnerUp: nil),
        AllocationReport.Step(path: "teams.West.reps", objectiveAfter: 43.9e6, gain: gain, runnerUp: "presales.Presales.experts"),
      ])
    assertSnapshot(of: allocation.svg(standalone: true), as: .lines, named: "allocation")
    #expect(allocation.rows.map(\.label) == ["1: +1 presales.Presales.experts", "2: +1 teams.West.reps"])
    #expect(allocation.rows[0].marked && !allocation.rows[1].marked)
  }

  @Test("a select page (golden): what was run, the selection's table, its charts; nothing outside the page")
  func selectPage() {
    var document = SelectionReport.document(setting: MadeUp.setting, designs: MadeUp.designs)
    document.title = "cccm select: made up"
    document.provenance = Provenance(
      command: "cccm select a.yaml b.yaml --delta 1% --format html", version: "0.0-test", seed: 7, replications: 1000, generator: "philox",
      scenarios: [Provenance.ScenarioEntry(name: "baseline", file: "a.yaml", hash: "0123456789abcdef")])
    document.charts = ReportCharts.selection(setting: MadeUp.setting, designs: MadeUp.designs)
    let page = document.render(.html)
    assertSnapshot(of: page, as: .lines)
    #expect(!page.contains("http") && !page.contains("<script") && !page.contains("grow <west>"))
  }

  @Test("a page of a command that does not simulate shows its details instead of seed and replications")
  func detailsPage() {
    var document = ReportDocument()
    document.provenance = Provenance(
      command: "cccm fit x.csv --map m.yaml --until 2017-12-31", version: "0.0-test",
      details: [Provenance.Detail("export", "x.csv", code: true), Provenance.Detail("cut-off", "2017-12-31")],
      scenarios: [Provenance.ScenarioEntry(name: "fitted", file: "f.yaml", hash: "00ff")])
    let page = document.render(.html)
    #expect(page.contains("<tr><th>export</th><td><code>x.csv</code></td></tr>") && page.contains("<tr><th>cut-off</th><td>2017-12-31</td></tr>"))
    #expect(!page.contains("<th>seed</th>") && !page.contains("<th>replications</th>"))
    #expect(page.contains("<td><code>00ff</code></td>"))
  }
}
