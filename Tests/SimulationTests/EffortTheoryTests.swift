import CoverageModel
import Estimation
import Foundation
import Randomness
import Testing

@testable import Simulation

/// A team with reps' time: one segment, one motion of `stages`, `reps` reps selling
/// `hoursPerWeek` hours a week all year (52 weeks, all of it selling).
private func timedScenario(
  arrivalsPerDay: Double, reps: Int, hoursPerWeek: Double, stages: [Stage], horizon: Double = 730, warmup: Double = 100
) -> Scenario {
  var s = singleTeamScenario(arrivalsPerDay: arrivalsPerDay, stages: stages, horizon: horizon, warmup: warmup)
  s.teams[0].reps = reps
  var time = WorkingTime(hoursPerWeek: hoursPerWeek, sellingShare: 1, weeksPerYear: 52)
  time.coverageVisitShare = 0
  s.teams[0].time = time
  return s
}

private func effortColumn(_ results: SimulationResults, _ metric: String, team: Int = 0) -> [Double] {
  results.column(results.layout.effortIndex(team, MetricLayout.effortMetrics.firstIndex(of: metric)!))
}

/// The effort model against theory (docs/validation.md, "Reps' time"): processor sharing, travel,
/// the response, and a team in hours that cannot be told from a team of slots. 4 standard errors,
/// fixed seeds; each check prints a `theory check` line.
@Suite("Engine against theory: reps' time, travel and the response")
struct EffortTheoryTests {
  @Test(
    "one rep, Poisson work, no customer days: a stage takes E[S] / (1 - rho) (M/G/1 processor sharing, whatever the work's distribution)",
    arguments: [("exponential", Distribution.exponential(mean: 4)), ("gamma shape 0.5", Distribution.gamma(shape: 0.5, scale: 8))])
  func processorSharing(name: String, work: Distribution) {
    // 40 hours a week, 52 weeks: 40 x 52 / 364 = 5.714 hours a day; E[S] = 4 / 5.714 = 0.7 days.
    let rate = 40.0 * 52 / 364
    let service = 4 / rate
    let rho = 0.6
    var stage = Stage(name: "work", days: .constant(0), advance: 1)
    stage.effortHours = work
    let s = timedScenario(arrivalsPerDay: rho / service, reps: 1, hoursPerWeek: 40, stages: [stage], horizon: 1460, warmup: 100)
    let results = Simulator(scenario: s).run(replications: 40, seed: 2027)
    let (mean, se) = estimate(results, "cycle_days_won")
    checkAgainstTheory("M/G/1-PS, rho 0.6, work \(name) of mean 4 h: mean stage days", simulated: mean, se: se, expected: service / (1 - rho))
  }

  @Test("travel per visit is 2 x circuity x 0.376 sqrt(ground) / speed; a quarter of the ground halves it")
  func travelPerVisit() {
    var stage = Stage(name: "visit", days: .constant(5), advance: 1)
    stage.visits = 1
    var s = timedScenario(arrivalsPerDay: 2, reps: 5, hoursPerWeek: 40, stages: [stage], horizon: 365, warmup: 0)
    s.regionAreas = ["R": 40_000]
    let formula = 2 * 1.3 * 0.376 * 200 / 60
    for (area, expected) in [(40_000.0, formula), (10_000.0, formula / 2)] {
      s.regionAreas = ["R": area]
      let plan = SimulationPlan(s)
      #expect(abs(plan.effort!.teams[0].travelPerVisit - expected) < 1e-12)
      let results = Simulator(scenario: s).run(replications: 10, seed: 5)
      // Every stage has one visit: travel hours / stages worked is the travel per visit (the
      // last days' visits still under way at the horizon aside).
      let travel = effortColumn(results, "travel_hours").reduce(0, +)
      let stages = results.column(results.layout.index(ofScenarioMetric: "accepted")!).reduce(0, +)
      print("theory check | travel per visit, ground \(Int(area)) km2 | expected \(expected) | simulated \(travel / stages)")
      #expect(abs(travel / stages - expected) / expected < 0.01)
    }
  }

  @Test("with coverage hours held at h, the opportunity rate is base x (h / h0)^elasticity", arguments: [0.5, 2.0])
  func responseCurve(ratio: Double) {
    // No work on deals: every selling hour covers the accounts, h = reps x hours a year / accounts.
    var s = timedScenario(arrivalsPerDay: 10, reps: 10, hoursPerWeek: 40, stages: [Stage(name: "close", days: .constant(3), advance: 0.5)], horizon: 365, warmup: 0)
    // Hours accrue 40 x 52 / 364 a day, so a year of 365 days has 365/364 of 52 weeks' hours.
    let h = 10 * 40.0 * 52 / 364 * 365 / 3650
    s.segments[0].response = DemandResponse(elasticity: 0.34, referenceHoursPerAccountYear: h / ratio, maxFactor: 3)
    let results = Simulator(scenario: s).run(replications: 40, seed: 11)
    let (mean, se) = estimate(results, "arrivals")
    checkAgainstTheory("response e = 0.34, h / h0 = \(ratio): arrivals a year", simulated: mean, se: se, expected: 10 * 365 * pow(ratio, 0.34))
    let factor = Summary(results.column(results.layout.responseIndex(0, 0))).mean
    #expect(abs(factor - pow(ratio, 0.34)) < 1e-9, "response_factor \(factor)")
  }

  @Test("a team in hours with one hour a stage and ample time wins exactly what the same team of slots wins")
  func hoursMatchSlots() {
    let stages = [
      Stage(name: "qualify", days: .uniform(min: 2, max: 15), advance: 0.7), Stage(name: "close", days: .uniform(min: 3, max: 20), advance: 0.6),
    ]
    let slots = singleTeamScenario(arrivalsPerDay: 2, stages: stages, horizon: 365, warmup: 60)
    var hours = slots
    hours.motions[0].stages = stages.map { stage in
      var stage = stage
      stage.effortHours = .constant(1)
      return stage
    }
    hours.teams[0].reps = 20
    hours.teams[0].time = WorkingTime(hoursPerWeek: 100, sellingShare: 1, weeksPerYear: 52)
    let a = Simulator(scenario: slots).run(replications: 20, seed: 3)
    let b = Simulator(scenario: hours).run(replications: 20, seed: 3)
    for metric in ["arrivals", "accepted", "wins", "losses", "bookings"] {
      let x = a.column(a.layout.index(ofScenarioMetric: metric)!)
      let y = b.column(b.layout.index(ofScenarioMetric: metric)!)
      #expect(x == y, "\(metric): slots \(x.prefix(3)) hours \(y.prefix(3))")
    }
    #expect(effortColumn(b, "late_stages").allSatisfy { $0 == 0 })
  }

  @Test("hours balance: selling hours are deal hours, travel and coverage; the hours a year are reps x hours a week x weeks")
  func hoursBalance() {
    var stage = Stage(name: "work", days: .constant(2), advance: 0.5)
    stage.effortHours = .exponential(mean: 6)
    stage.visits = 1
    var s = timedScenario(arrivalsPerDay: 3, reps: 4, hoursPerWeek: 40, stages: [stage], horizon: 365, warmup: 30)
    s.regionAreas = ["R": 20_000]
    s.teams[0].time?.coverageVisitShare = 0.3
    let results = Simulator(scenario: s).run(replications: 5, seed: 9)
    for r in 0..<5 {
      let selling = effortColumn(results, "selling_hours")[r]
      let parts = ["deal_hours", "travel_hours", "coverage_hours"].map { effortColumn(results, $0)[r] }
      #expect(abs(selling - 4 * 40 * 52 / 364 * 365) < 1e-6 * selling, "selling \(selling)")
      // Coverage hours include their visits' travel, which travel_hours counts too.
      #expect(parts[0] + parts[1] <= selling + 1e-6 && parts[0] + parts[2] <= selling + 1e-6)
    }
  }
}
