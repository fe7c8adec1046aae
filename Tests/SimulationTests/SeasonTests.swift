import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// Seasons of arrivals and the quarter-end push, against their expected values.
@Suite("Seasons and quarter ends")
struct SeasonTests {
  static let factors: [Double] = [2, 1, 1, 0.5, 1, 1, 1, 1, 1, 1, 1.5, 1]

  @Test("expected arrivals in month m = rate x days in m x factor m (factors normalised to mean 1), calendar months")
  func arrivalsFollowSeasons() throws {
    var s = singleTeamScenario(arrivalsPerDay: 10, stages: [Stage(name: "a", days: .constant(1), advance: 0.5)], warmup: 20)
    s.seasonality = Self.factors
    s.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 40, seed: 31)
    let arrivals = try #require(MetricLayout.scenarioMetrics.firstIndex(of: "arrivals"))
    let mean = Self.factors.reduce(0, +) / 12
    for (m, days) in [(0, 31.0), (1, 28.0), (3, 30.0), (10, 30.0)] {
      let summary = Summary(results.column(results.layout.index(period: m, of: .month, metric: arrivals)))
      checkAgainstTheory(
        "seasonal arrivals in \(results.layout.months[m]) (factor \(Self.factors[m]))", simulated: summary.mean,
        se: summary.sd / Double(summary.count).squareRoot(), expected: 10 * days * Self.factors[m] / mean)
    }
  }

  @Test("a variant that changes only the organisation meets the same seasonal arrivals")
  func seasonsKeepCommonRandomNumbers() throws {
    var s = singleTeamScenario(arrivalsPerDay: 5, capacity: 30, stages: [Stage(name: "a", days: .exponential(mean: 4), advance: 0.5)])
    s.seasonality = Self.factors
    var variant = s
    variant.teams[0].reps = 50
    let a = Simulator(scenario: s).run(replications: 5, seed: 2)
    let b = Simulator(scenario: variant).run(replications: 5, seed: 2)
    let arrivals = try #require(a.layout.index(ofScenarioMetric: "arrivals"))
    #expect(a.column(arrivals) == b.column(arrivals))
    #expect(a.column(a.layout.index(ofScenarioMetric: "blocked") ?? 0) != b.column(b.layout.index(ofScenarioMetric: "blocked") ?? 0))
  }

  @Test("the quarter-end push: win rate = p (1 - s) + min(1, p f) s, s the share of closes in a quarter's last d days")
  func quarterEndPush() throws {
    // One stage of random length: closes fall uniformly over the year in steady state, so the share
    // in the last d days of a quarter of 365/4 days is d / (365/4).
    var s = singleTeamScenario(arrivalsPerDay: 30, stages: [Stage(name: "a", days: .exponential(mean: 10), advance: 0.4)], warmup: 120)
    s.quarterEnd = QuarterEnd(lastDays: 10, advanceFactor: 1.5)
    let results = Simulator(scenario: s).run(replications: 40, seed: 17)
    let share = 10 / (365.0 / 4)
    let expected = 0.4 * (1 - share) + min(1, 0.4 * 1.5) * share
    let (mean, se) = ratioEstimate(results, "wins", "accepted")
    checkAgainstTheory("quarter-end push, 10 days x1.5 on p 0.4", simulated: mean, se: se, expected: expected)
  }

  @Test("calendar months and quarter ends for any time, warm-up and leap years included")
  func clock() {
    let plain = YearClock(startDate: nil)
    #expect(plain.month(at: 0).index == 0)
    #expect(plain.month(at: -1).index == 11)
    #expect(abs(plain.month(at: 40).end - 2 * 365.0 / 12) < 1e-9)
    #expect(abs(plain.quarterEnd(at: 100) - 2 * 365.0 / 4) < 1e-9)
    let calendar = YearClock(startDate: CalendarDate(year: 2028, month: 2, day: 15))
    #expect(calendar.month(at: 0).index == 1)
    #expect(calendar.month(at: 0).end == 15)  // 2028-02 has 29 days: 15th to 1 March is 15 days
    #expect(calendar.month(at: -20).index == 0)  // late January
    #expect(calendar.quarterEnd(at: 0) == 15 + 31)  // 1 April
    let leapDay = CalendarDate(year: 2000, month: 2, day: 29)
    #expect(CalendarDate(daysSinceEpoch: leapDay.daysSinceEpoch) == leapDay)
    #expect(leapDay.quarter == 1 && leapDay.nextQuarterStart == CalendarDate(year: 2000, month: 4, day: 1))
    #expect(CalendarDate(year: 2027, month: 12, day: 5).nextMonthStart == CalendarDate(year: 2028, month: 1, day: 1))
    #expect(CalendarDate(year: 2027, month: 11, day: 5).nextQuarterStart == CalendarDate(year: 2028, month: 1, day: 1))
    #expect(CalendarDate(year: 2027, month: 3, day: 5).monthLabel == "2027-03")
  }
}
