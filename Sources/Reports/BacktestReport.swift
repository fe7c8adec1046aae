import Calibration
import Charts
import CoverageModel
import Estimation
import Foundation

/// `cccm backtest`'s report: the fit window, the pipeline started from, month by month the
/// predicted median and intervals against the actual (all teams, then per team), the coverage of
/// the 50/80/95% intervals against their nominal levels, the PIT histogram, CRPS and a verdict per
/// quantity. `--format html` adds a fan per quantity (predicted bands, actual points by month).
public enum BacktestReport {
  struct CellJSON: Encodable, Sendable {
    let month: String
    let team: String?
    let quantity: String
    let actual: Double
    let median: Double
    let p50: [Double]
    let p80: [Double]
    let p95: [Double]
    let pit: Double
    let crps: Double
    let naive_median: Double?
    let naive_p95: [Double]?
    let naive_crps: Double?
    let seasonal: Double?
    let seasonal_error: Double?

    init(_ c: BacktestScore.Cell) {
      month = c.month
      team = c.team
      quantity = c.quantity
      actual = c.actual
      median = c.median
      p50 = [c.intervals[0].lowerBound, c.intervals[0].upperBound]
      p80 = [c.intervals[1].lowerBound, c.intervals[1].upperBound]
      p95 = [c.intervals[2].lowerBound, c.intervals[2].upperBound]
      pit = c.pit
      crps = c.crps
      naive_median = c.naiveMedian
      naive_p95 = c.naiveInterval.map { [$0.lowerBound, $0.upperBound] }
      naive_crps = c.naiveCRPS
      seasonal = c.seasonal
      seasonal_error = c.seasonalError
    }
  }
  struct SkillJSON: Encodable, Sendable {
    let cells: Int
    let model_crps: Double?
    let benchmark_crps: Double?
    let skill: Double?
    init(_ s: BacktestScore.Skill) {
      cells = s.cells
      model_crps = finite(s.model)
      benchmark_crps = finite(s.benchmark)
      skill = finite(s.skill)
    }
  }
  static func coverageJSON(_ coverage: [BacktestScore.Coverage]) -> [String: [String: Double]] {
    Dictionary(uniqueKeysWithValues: zip(BacktestScore.levels, coverage).map { level, c in
      ("\(Int(level * 100))%", ["covered": Double(c.covered), "total": Double(c.total), "expected_low": c.expected.lowerBound, "expected_high": c.expected.upperBound])
    })
  }
  struct SummaryJSON: Encodable, Sendable {
    let quantity: String
    let cells: Int
    let coverage: [String: [String: Double]]
    let team_coverage: [String: [String: Double]]?
    let pit_histogram: [Int]
    let pit_mean: Double?
    let mean_crps: Double?
    let verdict: String
    let skill_vs_pipeline: SkillJSON
    let skill_vs_seasonal: SkillJSON
    let total_skill_vs_pipeline: SkillJSON
    init(_ s: BacktestScore.Summary) {
      quantity = s.quantity
      cells = s.cells
      coverage = BacktestReport.coverageJSON(s.coverage)
      team_coverage = s.teamCoverage.isEmpty ? nil : BacktestReport.coverageJSON(s.teamCoverage)
      pit_histogram = s.pitHistogram
      pit_mean = finite(s.pitMean)
      mean_crps = finite(s.meanCRPS)
      verdict = s.verdict
      skill_vs_pipeline = SkillJSON(s.naiveSkill)
      skill_vs_seasonal = SkillJSON(s.seasonalSkill)
      total_skill_vs_pipeline = SkillJSON(s.totalNaiveSkill)
    }
  }
  struct BacktestJSON: Encodable, Sendable {
    let export: String
    let window_from: String
    let until: String
    let through: String
    let replications: Int
    let seed: UInt64
    let parameter_sets: Int
    let pipeline_deals: Int
    let stale_left_out: Int
    let recent_arrivals_per_day: Double
    let seasonal_sources: [String: String]
    let summaries: [SummaryJSON]
    let totals: [CellJSON]
    let cells: [CellJSON]
    init(_ b: Backtest) {
      export = b.fit.export
      window_from = b.fit.first.description
      until = b.fit.until.description
      through = b.through.description
      replications = b.replications
      seed = b.seed
      parameter_sets = b.resamples
      pipeline_deals = b.pipeline.deals.count
      stale_left_out = b.pipeline.stale
      recent_arrivals_per_day = b.naive.recentRate
      seasonal_sources = b.naive.seasonalSource
      summaries = b.score.summaries.map(SummaryJSON.init)
      totals = b.score.totals.map(CellJSON.init)
      cells = b.score.cells.map(CellJSON.init)
    }
  }

  static let names = ["engaged": "new opportunities", "won": "wins", "lost": "losses", "bookings": "bookings"]
  static let csvHeader = [
    "month", "team", "quantity", "actual", "median", "p50_low", "p50_high", "p80_low", "p80_high", "p95_low", "p95_high", "pit", "crps", "naive_median", "naive_crps",
    "seasonal", "seasonal_error",
  ]

  static func csvRow(_ c: BacktestScore.Cell) -> [ReportDocument.CSVCell] {
    [.text(c.month), .text(c.team ?? ""), .text(c.quantity), .number(c.actual), .number(c.median)] + c.intervals.flatMap { [.number($0.lowerBound), .number($0.upperBound)] }
      + [.number(c.pit), .number(c.crps), .number(c.naiveMedian ?? .nan), .number(c.naiveCRPS ?? .nan), .number(c.seasonal ?? .nan), .number(c.seasonalError ?? .nan)]
  }

  public static func document(_ b: Backtest) -> ReportDocument {
    var doc = ReportDocument()
    doc.title = "Back-test: fitted up to \(b.fit.until), simulated \(b.from) to \(b.through)"
    doc.csvHeader = csvHeader
    let sources = b.naive.seasonalSource.sorted { $0.key < $1.key }.map { "\($0.key) repeats \($0.value)" }
    doc.add(.text(
      "Fitted on \(b.fit.export) over \(b.fit.first)..\(b.fit.until) (nothing after \(b.fit.until) is used); simulated \(b.from) through \(b.through),\n"
        + "\(b.replications) replications (seed \(b.seed))\(predictive(b.resamples)), starting from the \(b.pipeline.deals.count) deals open at the cut-off (\(b.pipeline.stale) open past the longest cycle left out).\n"
        + "\(dynamics(b.fit.dynamics))\n"
        + "Actuals: new opportunities by engage month; wins, losses and bookings by close month. An interval covers a month when the actual lies in it.\n"
        + "Naive forecasts from the same history: the pipeline forecast (each open deal wins or is lost in a month with the chance a deal of its age did, new deals at the rate of the last \(NaiveForecast.recentDays) days, \(show(b.naive.recentRate)) a day)"
        + " and the seasonal naive (\(sources.isEmpty ? "no month of the window has its month a year or a quarter earlier in the history" : sources.joined(separator: ", "))).\n\n"))

    doc.add(.title("Verdict per quantity (evidence: the company's months, at every interval level and the PIT's mean; the team-months add up to them and share their shocks, so they are shown, not counted)", gap: true))
    var verdicts = TextTable(
      header: ["quantity", "months", "50% covered", "80% covered", "95% covered", "PIT mean", "above median", "mean CRPS", "verdict", "team-months 95%"], textColumns: 1)
    for s in b.score.summaries {
      verdicts.add([
        names[s.quantity] ?? s.quantity, String(s.cells), covered(s.coverage[0]), covered(s.coverage[1]), covered(s.coverage[2]), String(format: "%.2f", s.pitMean),
        "\(s.aboveMedian)/\(s.cells)", show(s.meanCRPS), s.verdict, s.teamCoverage.count > 2 ? "\(s.teamCoverage[2].covered)/\(s.teamCoverage[2].total)" : "-",
      ])
    }
    doc.add(.table(verdicts, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("Against naive forecasts (CRPS of the company's months and of the window's total; skill 1 - model / naive, above 0 when the model is closer)", gap: true))
    var skills = TextTable(
      header: ["quantity", "model CRPS", "pipeline CRPS", "skill vs pipeline", "seasonal error", "skill vs seasonal", "total: model CRPS", "total: pipeline CRPS", "total: skill"],
      textColumns: 1)
    for s in b.score.summaries {
      skills.add([
        names[s.quantity] ?? s.quantity, show(s.naiveSkill.model), show(s.naiveSkill.benchmark), signed(s.naiveSkill.skill), show(s.seasonalSkill.benchmark),
        signed(s.seasonalSkill.skill), show(s.totalNaiveSkill.model), show(s.totalNaiveSkill.benchmark), signed(s.totalNaiveSkill.skill),
      ])
    }
    doc.add(.table(skills, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("The window's total (\(b.from) to \(b.through)): predicted against actual", gap: true))
    var totals = TextTable(header: ["team", "quantity", "actual", "median", "error", "95% interval", "pipeline median", "error", "pipeline 95%", "seasonal naive", "error"], textColumns: 2)
    for c in b.score.totals {
      totals.add([
        c.team ?? "all", names[c.quantity] ?? c.quantity, show(c.actual), show(c.median), relative(c.median, c.actual), range(c.intervals[2]),
        c.naiveMedian.map(show) ?? "-", c.naiveMedian.map { relative($0, c.actual) } ?? "-", c.naiveInterval.map(range) ?? "-", c.seasonal.map(show) ?? "-",
        c.seasonal.map { relative($0, c.actual) } ?? "-",
      ])
    }
    doc.add(.table(totals, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("PIT histogram of the company's months (where each actual falls among the replications, in tenths: flat when calibrated, U-shaped when too narrow, humped when too wide)", gap: true))
    var pit = TextTable(header: ["quantity"] + (0..<10).map { "\($0 * 10)-\($0 * 10 + 10)%" }, textColumns: 1)
    for s in b.score.summaries { pit.add([names[s.quantity] ?? s.quantity] + s.pitHistogram.map(String.init)) }
    doc.add(.table(pit, coloured: false))
    doc.add(.text("\n"))

    for team in [nil] + teamNames(b) {
      let cells = b.score.cells.filter { $0.team == team }
      guard !cells.isEmpty else { continue }
      doc.add(.title(team.map { "Team \($0): predicted against actual by month" } ?? "All teams: predicted against actual by month", gap: true))
      var table = TextTable(
        header: ["month", "quantity", "actual", "median", "50% interval", "80% interval", "95% interval", "PIT", "pipeline median", "seasonal naive"], textColumns: 2)
      for c in cells {
        table.add(
          [c.month, names[c.quantity] ?? c.quantity, show(c.actual), show(c.median)] + c.intervals.map(range)
            + [String(format: "%.2f", c.pit), c.naiveMedian.map(show) ?? "-", c.seasonal.map(show) ?? "-"])
      }
      doc.add(.table(table, coloured: false))
      doc.add(.text("\n"))
    }
    for c in b.score.cells + b.score.totals { doc.csvRows.append(csvRow(c)) }
    doc.json = BacktestJSON(b)
    doc.charts = charts(b)
    return doc
  }

  struct RollingRunJSON: Encodable, Sendable {
    let until: String
    let through: String
    let pipeline_deals: Int
    let stale_left_out: Int
    let summaries: [SummaryJSON]
    let totals: [CellJSON]
    let cells: [CellJSON]
  }
  /// A horizon's summary as a back-test's, with the horizon (none: every horizon).
  struct HorizonJSON: Encodable, Sendable {
    let horizon: Int?
    let summary: SummaryJSON
    init(_ h: RollingBacktest.Horizon) {
      horizon = h.horizon > 0 ? h.horizon : nil
      summary = SummaryJSON(h.summary)
    }
    enum Keys: String, CodingKey { case horizon }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      try container.encodeIfPresent(horizon, forKey: .horizon)
      try summary.encode(to: encoder)
    }
  }
  struct RollingJSON: Encodable, Sendable {
    let export: String
    let replications: Int
    let seed: UInt64
    let parameter_sets: Int
    let horizon_months: Int
    /// The first day the export no longer records the business (nil: it records every month).
    let data_end: String?
    let cutoffs: [RollingRunJSON]
    let horizons: [HorizonJSON]
    let overall: [HorizonJSON]
  }

  /// `cccm backtest --every month`: per cut-off the window's totals against the naive forecasts
  /// and the scores, then per horizon month across the cut-offs, then all the company's months.
  public static func document(_ r: RollingBacktest) -> ReportDocument {
    var doc = ReportDocument()
    let first = r.runs.first
    doc.title = "Rolling back-test: \(r.runs.count) month-end cut-offs, \(r.horizonMonths) months ahead"
    doc.csvHeader = ["until"] + csvHeader
    doc.add(.text(
      "Fitted on \(first?.fit.export ?? "") from \(first?.fit.first.description ?? "") up to each month end \(r.runs.first?.fit.until.description ?? "")..\(r.runs.last?.fit.until.description ?? "") (nothing after a cut-off reaches its fit),"
        + " each simulated \(r.horizonMonths) months ahead (or to the export's end) from the deals open then, \(first?.replications ?? 0) replications (seed \(first?.seed ?? 0))\(predictive(first?.resamples ?? 0)).\n"
        + "\(dynamics(first?.fit.dynamics ?? []))\n"
        + "Benchmarks from the same history: the pipeline forecast (open deals by age, new deals at the rate of the last \(NaiveForecast.recentDays) days) and the seasonal naive (the month a year or a quarter earlier).\n"
        + (r.dataEnd.map(dataEndText) ?? "") + "\n"))

    doc.add(.title("The window's total per cut-off: model and naive medians against the actual", gap: true))
    var totals = TextTable(
      header: ["cut-off", "through", "quantity", "actual", "model median", "error", "pipeline median", "error", "seasonal naive", "error", "closer"], textColumns: 3)
    for run in r.runs {
      for c in run.score.totals where c.team == nil {
        let modelError = abs(c.median - c.actual)
        let naiveError = c.naiveMedian.map { abs($0 - c.actual) }
        totals.add([
          run.fit.until.description, run.through.description, names[c.quantity] ?? c.quantity, show(c.actual), show(c.median), relative(c.median, c.actual),
          c.naiveMedian.map(show) ?? "-", c.naiveMedian.map { relative($0, c.actual) } ?? "-", c.seasonal.map(show) ?? "-", c.seasonal.map { relative($0, c.actual) } ?? "-",
          naiveError.map { modelError <= $0 ? "model" : "pipeline" } ?? "-",
        ])
      }
    }
    doc.add(.table(totals, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("Scores per cut-off (company months: CRPS skill against each naive forecast, coverage at every level and the verdict; team-months shown)", gap: true))
    var scores = TextTable(
      header: ["cut-off", "quantity", "months", "skill vs pipeline", "skill vs seasonal", "total: skill vs pipeline", "50% covered", "80% covered", "95% covered", "PIT mean", "verdict", "team-months 95%"],
      textColumns: 2)
    for run in r.runs {
      for s in run.score.summaries {
        scores.add([
          run.fit.until.description, names[s.quantity] ?? s.quantity, String(s.cells), signed(s.naiveSkill.skill), signed(s.seasonalSkill.skill),
          signed(s.totalNaiveSkill.skill), "\(s.coverage[0].covered)/\(s.coverage[0].total)", "\(s.coverage[1].covered)/\(s.coverage[1].total)",
          "\(s.coverage[2].covered)/\(s.coverage[2].total)", String(format: "%.2f", s.pitMean), s.verdict,
          s.teamCoverage.count > 2 ? "\(s.teamCoverage[2].covered)/\(s.teamCoverage[2].total)" : "-",
        ])
      }
    }
    doc.add(.table(scores, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("Per horizon month across cut-offs (the company's months; coverage against the range a calibrated forecast gives)", gap: true))
    var horizons = TextTable(
      header: ["months ahead", "quantity", "cells", "50% covered", "80% covered", "95% covered", "PIT mean", "skill vs pipeline", "skill vs seasonal", "verdict"], textColumns: 2)
    for h in r.horizons + r.overall {
      let s = h.summary
      horizons.add([
        h.horizon > 0 ? String(h.horizon) : "all", names[s.quantity] ?? s.quantity, String(s.cells), covered(s.coverage[0]), covered(s.coverage[1]), covered(s.coverage[2]),
        String(format: "%.2f", s.pitMean), signed(s.naiveSkill.skill), signed(s.seasonalSkill.skill), s.verdict,
      ])
    }
    doc.add(.table(horizons, coloured: false))
    doc.add(.text("\n"))

    for run in r.runs {
      for c in run.score.cells + run.score.totals { doc.csvRows.append([.text(run.fit.until.description)] + csvRow(c)) }
    }
    doc.json = RollingJSON(
      export: first?.fit.export ?? "", replications: first?.replications ?? 0, seed: first?.seed ?? 0, parameter_sets: first?.resamples ?? 0, horizon_months: r.horizonMonths,
      data_end: r.dataEnd?.day.description, cutoffs: r.runs.map { b in
        RollingRunJSON(
          until: b.fit.until.description, through: b.through.description, pipeline_deals: b.pipeline.deals.count, stale_left_out: b.pipeline.stale,
          summaries: b.score.summaries.map(SummaryJSON.init), totals: b.score.totals.map(CellJSON.init), cells: b.score.cells.map(CellJSON.init))
      }, horizons: r.horizons.map(HorizonJSON.init), overall: r.overall.map(HorizonJSON.init))
    return doc
  }

  /// Where the export stops recording the business, and why no month from it on is scored.
  static func dataEndText(_ end: RollingBacktest.DataEnd) -> String {
    let months = end.months.map { "\($0.month) \($0.count)" }.joined(separator: ", ")
    return "The export's own end: new opportunities fall from \(show(end.median)) in the median month before \(end.day.monthLabel) to \(months) and stay below half of it to the export's last day,"
      + " so the extract stops recording the business on \(end.day); no month from it on is scored (no cut-off after it is run, and each is scored through \(end.day.advanced(by: -1)) at the latest).\n"
  }

  /// The dynamics the fit wrote (MODEL.md section 16), in the mapping's order.
  static func dynamics(_ set: Set<Mapping.Dynamic>) -> String {
    let names = Mapping.Dynamic.allCases.filter(set.contains).map(\.rawValue)
    return "Dynamics fitted: \(names.isEmpty ? "none (one duration per stage, no stale deals, no pull, Poisson arrivals, reps alike)" : names.joined(separator: ", "))."
  }

  /// How a run's parameters were drawn, for the report's first lines (nothing for point estimates).
  static func predictive(_ resamples: Int) -> String {
    resamples > 0 ? ", each drawing one of \(resamples) parameter sets fitted on bootstrap resamples of the history (a predictive run)" : ""
  }

  static func covered(_ c: BacktestScore.Coverage) -> String {
    "\(c.covered)/\(c.total) (\(Int(c.expected.lowerBound.rounded(.up)))-\(Int(c.expected.upperBound.rounded(.down))))"
  }
  static func range(_ r: ClosedRange<Double>) -> String { "\(show(r.lowerBound))-\(show(r.upperBound))" }
  static func signed(_ x: Double) -> String { x.isFinite ? String(format: "%+.2f", x) : "-" }
  static func relative(_ value: Double, _ actual: Double) -> String { actual != 0 ? String(format: "%+.0f%%", (value / actual - 1) * 100) : "-" }

  static func teamNames(_ b: Backtest) -> [String] {
    Array(Set(b.score.cells.compactMap(\.team))).sorted()
  }

  /// Per quantity, all teams together: the predicted 5-95% and 25-75% bands and median by month,
  /// the actual as points.
  static func charts(_ b: Backtest) -> [any Chart] {
    BacktestScore.quantities.compactMap { quantity -> (any Chart)? in
      let cells = b.score.cells.filter { $0.team == nil && $0.quantity == quantity }
      guard !cells.isEmpty else { return nil }
      let samples = cells.map { b.predicted[$0.month]?[quantity] ?? [] }
      func q(_ p: Double) -> [Double] { samples.map { quantile($0, p) } }
      let title = "\((names[quantity] ?? quantity).capitalizedFirst) by month: predicted against actual"
      return XYChart.fan(
        id: "backtest-\(quantity)", title: title,
        description: "\(title), fitted up to \(b.fit.until): the median of \(b.replications) replications as a line, the 50% and 90% bands shaded, the actual month as a point.",
        periods: cells.map(\.month), axis: Axis(title: quantity == "bookings" ? "bookings" : names[quantity] ?? quantity), p05: q(0.05), p25: q(0.25), p50: q(0.5),
        p75: q(0.75), p95: q(0.95), actual: cells.map(\.actual))
    }
  }

  /// The p-quantile of samples (the value at rank ceil(p n)).
  static func quantile(_ samples: [Double], _ p: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let sorted = samples.sorted()
    return sorted[Summary.nearestRankIndex(count: sorted.count, p)]
  }

  static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
  static func show(_ value: Double) -> String { FitReport.show(value) }
}

/// A number for JSON, which has no NaN or infinity: nil when not finite.
private func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
