import Calibration
import Charts
import CoverageModel
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
  }
  struct SummaryJSON: Encodable, Sendable {
    let quantity: String
    let cells: Int
    let coverage: [String: [String: Double]]
    let pit_histogram: [Int]
    let mean_crps: Double
    let verdict: String
  }
  struct BacktestJSON: Encodable, Sendable {
    let export: String
    let window_from: String
    let until: String
    let through: String
    let replications: Int
    let seed: UInt64
    let pipeline_deals: Int
    let stale_left_out: Int
    let summaries: [SummaryJSON]
    let cells: [CellJSON]
  }

  static let names = ["engaged": "new opportunities", "won": "wins", "lost": "losses", "bookings": "bookings"]

  public static func document(_ b: Backtest) -> ReportDocument {
    var doc = ReportDocument()
    doc.title = "Back-test: fitted up to \(b.fit.until), simulated \(b.from) to \(b.through)"
    doc.csvHeader = ["month", "team", "quantity", "actual", "median", "p50_low", "p50_high", "p80_low", "p80_high", "p95_low", "p95_high", "pit", "crps"]
    doc.add(.text(
      "Fitted on \(b.fit.export) over \(b.fit.first)..\(b.fit.until) (nothing after \(b.fit.until) is used); simulated \(b.from) through \(b.through),\n"
        + "\(b.replications) replications (seed \(b.seed)), starting from the \(b.pipeline.deals.count) deals open at the cut-off (\(b.pipeline.stale) open past the longest cycle left out).\n"
        + "Actuals: new opportunities by engage month; wins, losses and bookings by close month. An interval covers a month when the actual lies in it.\n\n"))

    doc.add(.title("Verdict per quantity (all months and team-months; coverage of the 50/80/95% prediction intervals)", gap: true))
    var verdicts = TextTable(
      header: ["quantity", "cells", "50% covered", "80% covered", "95% covered", "95% expected range", "above median", "mean CRPS", "verdict"], textColumns: 1)
    for s in b.score.summaries {
      func share(_ i: Int) -> String { "\(s.coverage[i].covered)/\(s.coverage[i].total) (\(percent(Double(s.coverage[i].covered) / Double(max(s.coverage[i].total, 1)))))" }
      let e = s.coverage[2].expected
      verdicts.add([
        names[s.quantity] ?? s.quantity, String(s.cells), share(0), share(1), share(2), "\(Int(e.lowerBound.rounded(.up)))-\(Int(e.upperBound.rounded(.down)))",
        "\(s.aboveMedian)/\(s.cells)", show(s.meanCRPS), s.verdict,
      ])
    }
    doc.add(.table(verdicts, coloured: false))
    doc.add(.text("\n"))

    doc.add(.title("PIT histogram (where each actual falls among the replications, in tenths: flat when calibrated, U-shaped when too narrow, humped when too wide)", gap: true))
    var pit = TextTable(header: ["quantity"] + (0..<10).map { "\($0 * 10)-\($0 * 10 + 10)%" }, textColumns: 1)
    for s in b.score.summaries { pit.add([names[s.quantity] ?? s.quantity] + s.pitHistogram.map(String.init)) }
    doc.add(.table(pit, coloured: false))
    doc.add(.text("\n"))

    for team in [nil] + teamNames(b) {
      let cells = b.score.cells.filter { $0.team == team }
      guard !cells.isEmpty else { continue }
      doc.add(.title(team.map { "Team \($0): predicted against actual by month" } ?? "All teams: predicted against actual by month", gap: true))
      var table = TextTable(header: ["month", "quantity", "actual", "median", "50% interval", "80% interval", "95% interval", "PIT"], textColumns: 2)
      for c in cells {
        table.add([c.month, names[c.quantity] ?? c.quantity, show(c.actual), show(c.median)] + c.intervals.map { "\(show($0.lowerBound))-\(show($0.upperBound))" } + [String(format: "%.2f", c.pit)])
      }
      doc.add(.table(table, coloured: false))
      doc.add(.text("\n"))
    }
    for c in b.score.cells {
      doc.csvRows.append(
        [.text(c.month), .text(c.team ?? ""), .text(c.quantity), .number(c.actual), .number(c.median)] + c.intervals.flatMap { [.number($0.lowerBound), .number($0.upperBound)] }
          + [.number(c.pit), .number(c.crps)])
    }
    doc.json = BacktestJSON(
      export: b.fit.export, window_from: b.fit.first.description, until: b.fit.until.description, through: b.through.description, replications: b.replications,
      seed: b.seed, pipeline_deals: b.pipeline.deals.count, stale_left_out: b.pipeline.stale,
      summaries: b.score.summaries.map { s in
        SummaryJSON(
          quantity: s.quantity, cells: s.cells,
          coverage: Dictionary(uniqueKeysWithValues: zip(BacktestScore.levels, s.coverage).map { level, c in
            ("\(Int(level * 100))%", ["covered": Double(c.covered), "total": Double(c.total), "expected_low": c.expected.lowerBound, "expected_high": c.expected.upperBound])
          }), pit_histogram: s.pitHistogram, mean_crps: s.meanCRPS, verdict: s.verdict)
      },
      cells: b.score.cells.map { c in
        CellJSON(
          month: c.month, team: c.team, quantity: c.quantity, actual: c.actual, median: c.median, p50: [c.intervals[0].lowerBound, c.intervals[0].upperBound],
          p80: [c.intervals[1].lowerBound, c.intervals[1].upperBound], p95: [c.intervals[2].lowerBound, c.intervals[2].upperBound], pit: c.pit, crps: c.crps)
      })
    doc.charts = charts(b)
    return doc
  }

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
    return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
  }

  static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
  static func show(_ value: Double) -> String { FitReport.show(value) }
}
