import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// Results by month and quarter: they add up to the totals, keep the totals bit for bit, follow
/// the calendar, and match the arrival rate month by month.
@Suite("Results by period")
struct PeriodTests {
  static func scenario(startDate: CalendarDate? = nil) -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: 12, capacity: 40,
      stages: [
        Stage(name: "a", days: .exponential(mean: 5), advance: 0.6, presales: "P"), Stage(name: "b", days: .gamma(shape: 2, scale: 3), advance: 0.5),
      ], dealSize: .logNormal(median: 10_000, sigma: 0.8), warmup: 60)
    s.pools = [PresalesPool(name: "P", experts: 3, serviceDays: .exponential(mean: 0.5))]
    s.teams[0].costPerRepYear = 1000
    s.teams[0].commissionRate = 0.05
    s.grossMargin = 0.7
    s.startDate = startDate
    return s
  }

  @Test("keeping results by period leaves every total bit-identical")
  func totalsUnchanged() {
    let s = Self.scenario()
    let plain = Simulator(scenario: s).run(replications: 6, seed: 3)
    let byPeriod = Simulator(scenario: s, byPeriod: true).run(replications: 6, seed: 3)
    let width = plain.layout.metricCount
    #expect(byPeriod.layout.metricCount == width * (1 + 12 + 4))
    #expect(byPeriod.layout.count - byPeriod.layout.metricCount == (plain.layout.count - width) * (1 + 12 + 4))
    for r in 0..<6 {
      for m in 0..<width {
        let a = plain.values[r * plain.layout.count + m]
        let b = byPeriod.values[r * byPeriod.layout.count + m]
        #expect(a == b || (a.isNaN && b.isNaN), "replication \(r) metric \(m)")
        if let d = plain.layout.denominatorIndex(of: m), let e = byPeriod.layout.denominatorIndex(of: m) {
          #expect(plain.values[r * plain.layout.count + d] == byPeriod.values[r * byPeriod.layout.count + e], "replication \(r) denominator of \(m)")
        }
      }
    }
  }

  @Test("counts and sums add up over months to the total; quarters are their months; ratios come from parts")
  func periodsAddUp() throws {
    let results = Simulator(scenario: Self.scenario(), byPeriod: true).run(replications: 5, seed: 9)
    let layout = results.layout
    let metrics = MetricLayout.scenarioMetrics
    for r in 0..<5 {
      func value(_ index: Int) -> Double { results.values[r * layout.count + index] }
      for (m, name) in metrics.enumerated() {
        guard let descriptor = MetricDescriptor.named(name), descriptor.isAdditive else { continue }
        let total = value(m)
        let months = (0..<12).reduce(0.0) { $0 + value(layout.index(period: $1, of: .month, metric: m)) }
        let quarters = (0..<4).reduce(0.0) { $0 + value(layout.index(period: $1, of: .quarter, metric: m)) }
        #expect(abs(months - total) <= 1e-9 * max(1, abs(total)), "\(name): months \(months) vs total \(total)")
        #expect(abs(quarters - total) <= 1e-9 * max(1, abs(total)), "\(name): quarters \(quarters) vs total \(total)")
      }
      // A quarter's win rate is its wins over its closed opportunities, not a mean of monthly rates.
      let wins = try #require(metrics.firstIndex(of: "wins"))
      let losses = try #require(metrics.firstIndex(of: "losses"))
      let rate = try #require(metrics.firstIndex(of: "win_rate"))
      let w = value(layout.index(period: 1, of: .quarter, metric: wins))
      let l = value(layout.index(period: 1, of: .quarter, metric: losses))
      #expect(value(layout.index(period: 1, of: .quarter, metric: rate)) == w / (w + l))
    }
  }

  @Test("teams, segments and pools by period: counts add up, utilization is the days-weighted mean of the months'")
  func entitiesByPeriod() {
    let results = Simulator(scenario: Self.scenario(), byPeriod: true).run(replications: 4, seed: 5)
    let layout = results.layout
    let periods = PeriodCalendar(horizon: 365, startDate: nil)
    for r in 0..<4 {
      func value(_ index: Int) -> Double { results.values[r * layout.count + index] }
      let counts = [
        layout.teamIndex(0, TeamMetric.wins.rawValue), layout.teamIndex(0, TeamMetric.blocked.rawValue),
        layout.segmentIndex(0, SegmentMetric.arrivals.rawValue), layout.segmentIndex(0, SegmentMetric.bookings.rawValue),
      ]
      for metric in counts {
        let months = (0..<12).reduce(0.0) { $0 + value(layout.index(period: $1, of: .month, metric: metric)) }
        #expect(abs(months - value(metric)) <= 1e-9 * max(1, abs(value(metric))))
      }
      for metric in [layout.teamIndex(0, TeamMetric.utilization.rawValue), layout.poolIndex(0, PoolMetric.utilization.rawValue)] {
        let weighted = (0..<12).reduce(0.0) { $0 + value(layout.index(period: $1, of: .month, metric: metric)) * periods.months[$1].days } / 365
        #expect(abs(weighted - value(metric)) < 1e-9, "utilization: months \(weighted) vs year \(value(metric))")
        let quarter = (0..<3).reduce(0.0) { $0 + value(layout.index(period: $1, of: .month, metric: metric)) * periods.months[$1].days } / periods.quarters[0].days
        #expect(abs(quarter - value(layout.index(period: 0, of: .quarter, metric: metric))) < 1e-9)
      }
    }
  }

  @Test("calendar months and quarters from a start date, leap years included")
  func calendar() {
    let periods = PeriodCalendar(horizon: 366, startDate: CalendarDate(year: 2028, month: 1, day: 1))
    #expect(periods.months.map(\.label).first == "2028-01")
    #expect(periods.months.map(\.days) == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    #expect(periods.quarters.map(\.label) == ["2028-Q1", "2028-Q2", "2028-Q3", "2028-Q4"])
    #expect(periods.quarters.map(\.days) == [91, 91, 92, 92])
    let midMonth = PeriodCalendar(horizon: 100, startDate: CalendarDate(year: 2027, month: 11, day: 20))
    #expect(midMonth.months.map(\.label) == ["2027-11", "2027-12", "2028-01", "2028-02"])
    #expect(midMonth.months.map(\.days) == [11, 31, 31, 27])
    #expect(midMonth.quarters.map(\.label) == ["2027-Q4", "2028-Q1"])
    let plain = PeriodCalendar(horizon: 730, startDate: nil)
    #expect(plain.months.count == 24)
    #expect(plain.quarters.count == 8)
    #expect(abs(plain.months[5].days - 365.0 / 12) < 1e-9)
  }

  @Test("expected arrivals in a month = rate x days in the month")
  func arrivalsByMonth() throws {
    let s = Self.scenario(startDate: CalendarDate(year: 2027, month: 1, day: 1))
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 60, seed: 21)
    let arrivals = try #require(MetricLayout.scenarioMetrics.firstIndex(of: "arrivals"))
    for (p, days) in [(1, 28.0), (6, 31.0)] {
      let summary = Summary(results.column(results.layout.index(period: p, of: .month, metric: arrivals)))
      checkAgainstTheory(
        "arrivals in \(results.layout.months[p]) (12 a day)", simulated: summary.mean, se: summary.sd / Double(summary.count).squareRoot(),
        expected: 12 * days)
    }
  }
}

@Suite("Hostile draws")
struct HostileDrawTests {
  @Test("a huge decision-maker draw (1e300) does not trap converting to a count")
  func hugeDecisionMakers() {
    var s = singleTeamScenario(arrivalsPerDay: 2, stages: [Stage(name: "a", days: .constant(2), advance: 0.5)])
    s.teams[0].kind = .keyAccount
    s.segments[0].tier = .key
    s.teams[0].relationshipCoverage = .beta(alpha: 2, beta: 2)
    s.segments[0].decisionMakers = .constant(1e300)
    let results = Simulator(scenario: s).run(replications: 2, seed: 1)
    let wins = results.column(results.layout.index(ofScenarioMetric: "wins") ?? 0)
    #expect(wins.allSatisfy { $0.isFinite && $0 > 0 })
  }
}

@Suite("Metrics by name")
struct MetricsByNameTests {
  @Test("every replication's values agree with how the catalogue says they are formed, read by name")
  func formedFromParts() throws {
    var s = PeriodTests.scenario()
    s.teams[0].reps = 20
    let results = Simulator(scenario: s).run(replications: 5, seed: 12)
    func column(_ name: String) throws -> [Double] { results.column(try #require(results.layout.index(ofScenarioMetric: name))) }
    let (arrivals, uncovered, blocked, accepted) = (try column("arrivals"), try column("uncovered"), try column("blocked"), try column("accepted"))
    let (wins, losses, winRate) = (try column("wins"), try column("losses"), try column("win_rate"))
    let (bookings, cost, efficiency) = (try column("bookings"), try column("cost"), try column("efficiency"))
    let (gross, contribution) = (try column("gross_profit"), try column("contribution"))
    for r in 0..<5 {
      #expect(arrivals[r] == uncovered[r] + blocked[r] + accepted[r])
      #expect(winRate[r] == wins[r] / (wins[r] + losses[r]))
      #expect(efficiency[r] == bookings[r] / cost[r])
      #expect(contribution[r] == gross[r] - cost[r])
      #expect(abs(gross[r] - 0.7 * bookings[r]) <= 1e-9 * bookings[r])
    }
  }
}
