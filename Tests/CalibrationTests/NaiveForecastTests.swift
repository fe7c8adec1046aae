import CoverageModel
import Foundation
import Testing

@testable import Calibration

/// The naive forecasts a back-test judges the model against, and the scores that compare them.
@Suite("Naive forecasts and skill")
struct NaiveForecastTests {
  /// Three deals engaged a day from 2024-01-01 to 2024-06-30, each closing exactly 20 days later,
  /// won in three of every five: one owner, one team.
  static func export() throws -> (Export, Mapping) {
    var lines = ["id,owner,stage,engaged,closed,amount"]
    var index = 0
    let start = Day(CalendarDate(year: 2024, month: 1, day: 1))
    for d in 0..<182 {
      for _ in 0..<3 {
        let won = index % 5 < 3
        lines.append("d\(index),Ann,\(won ? "Won" : "Lost"),\(start.advanced(by: d)),\(start.advanced(by: d + 20)),\(won ? 1000 + index % 7 * 100 : 0)")
        index += 1
      }
    }
    let mapping = try Mapping.parse(goodMapping + "\nscenario: {bootstrap: 0}\n", file: "map.yaml")
    return (try Export.read(try CSVTable.parse(lines.joined(separator: "\n"), file: "export.csv"), mapping: mapping), mapping)
  }

  @Test("the pipeline forecast wins each open deal with the chance a deal of its age won, and new deals at the recent rate")
  func pipelineForecast() throws {
    let (export, mapping) = try Self.export()
    let until = Day(CalendarDate(year: 2024, month: 4, day: 30))
    let through = Day(CalendarDate(year: 2024, month: 5, day: 31))
    let fit = try Calibrator.fit(export, mapping: mapping, until: until)
    let open = OpenPipeline(export, fit: fit, mapping: mapping)
    // Engaged 2024-04-11 to 04-30: ages 0 to 19 at the cut-off, every one closing in May.
    #expect(open.deals.count == 60 && open.stale == 0)
    let closed = export.opportunities.filter { $0.closed! <= until }
    let p = Double(closed.filter { $0.stage == .won }.count) / Double(closed.count)
    let naive = NaiveForecast(export, fit: fit, pipeline: open, through: through, samples: 2000, seed: 7)
    #expect(abs(naive.recentRate - 3) < 1e-9)
    // 60 open deals, and new deals engaged on May 1 to 11 (3 a day) close by May 31: 93 chances at p.
    func check(_ quantity: String, mean expected: Double, variance: Double) {
      let samples = naive.predicted["2024-05"]?[quantity] ?? []
      let mean = samples.reduce(0, +) / Double(max(samples.count, 1))
      let se = (variance / Double(samples.count)).squareRoot()
      #expect(samples.count == 2000 && abs(mean - expected) < 4 * se, "\(quantity): mean \(mean), expected \(expected) +- \(4 * se)")
    }
    check("won", mean: 93 * p, variance: 60 * p * (1 - p) + 33 * p)
    check("lost", mean: 93 * (1 - p), variance: 60 * p * (1 - p) + 33 * (1 - p))
    check("engaged", mean: 93, variance: 93)
    // The team's forecast is the company's (one team).
    #expect(naive.teamPredicted["2024-05"]?["Ann"]?["won"] == naive.predicted["2024-05"]?["won"])
    // Seasonal naive: May repeats February (a year earlier is before the history).
    #expect(naive.seasonalSource == ["2024-05": "2024-02"])
    let februaryWins = export.opportunities.filter { $0.stage == .won && $0.closed!.monthLabel == "2024-02" }.count
    #expect(naive.seasonal["2024-05"]?["won"] == Double(februaryWins))
  }

  static func cells(_ center: Double, spread: Double, count: Int = 400) -> [Double] {
    (0..<count).map { center + spread * (Double($0) / Double(count - 1) - 0.5) }
  }

  @Test("skill is positive when the model is closer than the naive forecast, negative when it is further")
  func skillSign() throws {
    let actuals = Actuals(months: [Actuals.Month(month: "2024-05", team: nil, engaged: 100, won: 50, lost: 30, bookings: 50_000)])
    let close = ["won": Self.cells(51, spread: 10)]
    let far = ["won": Self.cells(70, spread: 10)]
    let naiveFar = NaiveForecast(predicted: ["2024-05": far])
    let better = BacktestScore(predicted: ["2024-05": close], actuals: actuals, naive: naiveFar)
    let s = try #require(better.summaries.first { $0.quantity == "won" })
    #expect(s.naiveSkill.cells == 1 && s.naiveSkill.skill > 0.5)
    let naiveClose = NaiveForecast(predicted: ["2024-05": close], seasonal: ["2024-05": ["won": 50]])
    let worse = BacktestScore(predicted: ["2024-05": far], actuals: actuals, naive: naiveClose)
    let w = try #require(worse.summaries.first { $0.quantity == "won" })
    #expect(w.naiveSkill.skill < -0.5)
    // A seasonal naive that is exactly right scores 0: any model's skill against it is -infinity or worse than 0.
    #expect(w.seasonalSkill.benchmark == 0 && !(w.seasonalSkill.skill > 0))
    // The window's total sums each replication's months.
    #expect(worse.totals.first { $0.quantity == "won" && $0.team == nil }?.median == ForecastScore.interval(far["won"]!, level: 0).lowerBound)
  }

  @Test("the company's months are the evidence; the team-months, which add up to them, are shown beside")
  func evidenceCells() throws {
    var teamPredicted: [String: [String: [String: [Double]]]] = [:]
    var predicted: [String: [String: [Double]]] = [:]
    var teamMonths: [Actuals.Month] = []
    var months: [Actuals.Month] = []
    for m in 1...3 {
      let label = "2024-0\(m)"
      predicted[label] = ["won": Self.cells(40, spread: 20)]
      for team in ["A", "B"] {
        teamPredicted[label, default: [:]][team] = ["won": Self.cells(20, spread: 10)]
        teamMonths.append(Actuals.Month(month: label, team: team, engaged: 0, won: 20, lost: 0, bookings: 0))
      }
      months.append(Actuals.Month(month: label, team: nil, engaged: 0, won: 40, lost: 0, bookings: 0))
    }
    let score = BacktestScore(predicted: predicted, teamPredicted: teamPredicted, actuals: Actuals(months: months, teamMonths: teamMonths))
    let s = try #require(score.summaries.first { $0.quantity == "won" })
    #expect(s.cells == 3 && s.coverage[2].total == 3 && s.teamCoverage[2].total == 6)
    #expect(score.totals.filter { $0.quantity == "won" }.count == 3)
  }

  @Test("rolling origin: every month end with two whole months of history while the month after it is in the export")
  func rollingCutoffs() throws {
    let (export, _) = try Self.export()
    // The last close is 2024-07-20 (engaged 06-30, 20 days), but no deal is engaged in July: the
    // export's own end is 07-01, and nothing after 06-30 is scored.
    #expect(RollingBacktest.dataEnd(export, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 1)))?.day == Day(CalendarDate(year: 2024, month: 7, day: 1)))
    let plan = RollingBacktest.cutoffs(export, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 1)), earliest: nil, latest: nil, horizonMonths: 3)
    #expect(plan.map { "\($0.until)..\($0.through)" } == ["2024-02-29..2024-05-31", "2024-03-31..2024-06-30", "2024-04-30..2024-06-30", "2024-05-31..2024-06-30"])
    let later = RollingBacktest.cutoffs(export, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 15)), earliest: Day(CalendarDate(year: 2024, month: 4, day: 10)), latest: nil, horizonMonths: 1)
    #expect(later.map { "\($0.until)..\($0.through)" } == ["2024-03-31..2024-04-30", "2024-04-30..2024-05-31", "2024-05-31..2024-06-30"])
  }
}
