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
    let (_, b) = sameOutcomesWithAmpleHours(slots, stages: stages)
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

/// Reps' time with the dynamics of docs/model.md ("The dynamics real CRM data shows"): a stage
/// ends when both its outcome's customer days and its work are done; a stale deal holds its
/// share of its rep's hours for its stale days (docs/validation.md, "Reps' time").
@Suite("Engine against theory: reps' time with outcome days, stale deals and the quarter-end pull")
struct EffortDynamicsTheoryTests {
  @Test("with outcome days, stale deals and the pull, a team in hours with ample time wins exactly what the same team of slots wins")
  func ampleHoursMatchSlotsWithDynamics() {
    var qualify = Stage(name: "qualify", days: .uniform(min: 2, max: 15), advance: 0.7)
    qualify.stale = Stale(probability: 0.2, days: .constant(40))
    var close = Stage(name: "close", days: .uniform(min: 5, max: 60), advance: 0.6)
    close.lostDays = .uniform(min: 1, max: 20)
    var slots = singleTeamScenario(arrivalsPerDay: 2, stages: [qualify, close], horizon: 365, warmup: 60)
    slots.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    slots.quarterEnd = {
      var q = QuarterEnd(lastDays: 0, advanceFactor: 1)
      q.hasPush = false
      q.pullDays = 31
      q.pullProbability = 0.4
      return q
    }()
    let (a, b) = sameOutcomesWithAmpleHours(slots, stages: [qualify, close])
    // A deal pulled to the quarter's eve just after its stage began waits for its hour of work:
    // the few such wins close a fraction of a day later.
    let x = a.column(a.layout.index(ofScenarioMetric: "cycle_days_won")!)
    let y = b.column(b.layout.index(ofScenarioMetric: "cycle_days_won")!)
    #expect(zip(x, y).allSatisfy { abs($0 - $1) < 0.01 }, "cycle_days_won: slots \(x.prefix(3)) hours \(y.prefix(3))")
    #expect(Summary(effortColumn(b, "late_stages")).mean < 5)
  }

  @Test("one rep, every deal stale for D days: the share of hours on deals is 1 - exp(-lambda D) (stale deals held as in M/G/infinity)")
  func staleDealsHoldHours() {
    var stage = Stage(name: "stall", days: .constant(5), advance: 0.5)
    stage.stale = Stale(probability: 1, days: .uniform(min: 1, max: 3))
    stage.effortHours = .constant(1)
    let lambda = 0.6
    let s = timedScenario(arrivalsPerDay: lambda, reps: 1, hoursPerWeek: 40, stages: [stage], horizon: 730, warmup: 60)
    let results = Simulator(scenario: s).run(replications: 40, seed: 17)
    let share = zip(effortColumn(results, "deal_hours"), effortColumn(results, "selling_hours")).map { $0 / $1 }
    let summary = Summary(share)
    // Stale deals held: Poisson with mean lambda x E[D] = 1.2; the rep works on deals when it holds any.
    checkAgainstTheory(
      "stale deals, lambda 0.6 a day, stale days uniform 1-3: share of hours on deals", simulated: summary.mean,
      se: summary.sd / Double(summary.count).squareRoot(), expected: 1 - exp(-lambda * 2))
    #expect(estimate(results, "wins").mean == 0 && estimate(results, "losses").mean == 0)
  }

  @Test("one rep, won deals without customer days and lost ones of 30 days: a won stage takes E[S] / (1 - rho) (the outcome's days leave the sharing alone)")
  func outcomeDaysUnderSharing() {
    let rate = 40.0 * 52 / 364
    let service = 4 / rate
    let rho = 0.6
    var stage = Stage(name: "work", days: .constant(0), advance: 0.5)
    stage.lostDays = .constant(30)
    stage.effortHours = .exponential(mean: 4)
    let s = timedScenario(arrivalsPerDay: rho / service, reps: 1, hoursPerWeek: 40, stages: [stage], horizon: 1460, warmup: 100)
    let results = Simulator(scenario: s).run(replications: 40, seed: 2028)
    let (mean, se) = estimate(results, "cycle_days_won")
    checkAgainstTheory("M/G/1-PS with outcome days (won 0, lost 30), rho 0.6: mean won stage days", simulated: mean, se: se, expected: service / (1 - rho))
  }
}

/// Reps' time across a transition's switch (docs/model.md, "Effort").
@Suite("Reps' time at a transition's switch")
struct EffortSwitchTests {
  /// One team of 10 reps with time covering a segment whose demand responds, deals asking no
  /// work (every hour covers the accounts); `split`: the same reps as two teams of 5, each owning
  /// half the accounts, from a switch on `day`.
  static func scenario(split: Bool, day: Double) -> Scenario {
    var s = timedScenario(arrivalsPerDay: 10, reps: 10, hoursPerWeek: 40, stages: [Stage(name: "close", days: .constant(3), advance: 0.5)], horizon: 365, warmup: 60)
    s.segments[0].response = DemandResponse(elasticity: 0.34, referenceHoursPerAccountYear: 100, maxFactor: 3)
    guard split else { return s }
    var v = s
    var north = s.teams[0]
    north.name = "T-North"
    north.reps = 5
    north.covers = [Coverage(segments: ["S"])]
    north.covers[0].share = 0.5
    var south = north
    south.name = "T-South"
    south.covers[0].offset = 0.5
    v.teams = [north, south]
    var t = Transition(former: s)
    t.effectiveDay = day
    v.transition = t
    return v
  }

  @Test(
    "a split that gives every account the hours it had keeps the response factor of every month, the switch's month included",
    arguments: [0.0, 45.5])
  func splitKeepsCoverage(day: Double) {
    let base = Simulator(scenario: Self.scenario(split: false, day: day), byPeriod: true).run(replications: 4, seed: 8)
    let split = Simulator(scenario: Self.scenario(split: true, day: day), byPeriod: true).run(replications: 4, seed: 8)
    for month in 0..<12 {
      let index = base.layout.index(period: month, of: .month, metric: base.layout.responseIndex(0, 0))
      let a = base.column(index)
      let b = split.column(split.layout.index(period: month, of: .month, metric: split.layout.responseIndex(0, 0)))
      #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 }, "month \(month + 1): response factor \(a.prefix(2)) without the split, \(b.prefix(2)) with it")
    }
  }
}

/// Admission and lateness of a team with time against closed forms (docs/validation.md, "Reps' time").
@Suite("Engine against theory: backlog and late work")
struct EffortAdmissionTheoryTests {
  @Test("backlog_weeks 0, one rep, no customer days: an arrival finding work pending is declined, Erlang B with one server, a / (1 + a)")
  func backlogZeroIsErlangLoss() {
    let rate = 40.0 * 52 / 364
    var stage = Stage(name: "work", days: .constant(0), advance: 1)
    stage.effortHours = .exponential(mean: 8)
    let a = 0.8
    var s = timedScenario(arrivalsPerDay: a / (8 / rate), reps: 1, hoursPerWeek: 40, stages: [stage], horizon: 1460, warmup: 30)
    s.teams[0].time?.backlogWeeks = 0
    let results = Simulator(scenario: s).run(replications: 20, seed: 31)
    let (mean, se) = ratioEstimate(results, "blocked", "arrivals")
    checkAgainstTheory("backlog 0 weeks, one rep, offered load 0.8: share declined (Erlang B, one server)", simulated: mean, se: se, expected: a / (1 + a))
  }

  @Test("work a week late, late_win_factor_per_week 0.5: a stage advances with probability advance x 0.5")
  func lateWorkLowersTheAdvance() {
    // 40 hours at 40 x 52 / 364 hours a day take exactly 7 days; enough reps that none shares.
    var stage = Stage(name: "work", days: .constant(0), advance: 0.8)
    stage.effortHours = .constant(40)
    var s = timedScenario(arrivalsPerDay: 0.5, reps: 60, hoursPerWeek: 40, stages: [stage], horizon: 730, warmup: 30)
    s.lateWinFactorPerWeek = 0.5
    let results = Simulator(scenario: s).run(replications: 20, seed: 13)
    let (mean, se) = ratioEstimate(results, "wins", "accepted")
    checkAgainstTheory("one week late, factor 0.5 a week, advance 0.8: win rate", simulated: mean, se: se, expected: 0.4)
    let weeks = Summary(effortColumn(results, "weeks_late_mean")).mean
    #expect(abs(weeks - 1) < 1e-9, "weeks late \(weeks)")
  }
}

/// `slots` again as a team of 20 reps with ample hours (100 a week, all selling) and one hour of
/// work per stage of `stages`: both run 20 replications on one seed, and the hours team must give
/// the same arrivals, acceptances, wins, losses and bookings, bit for bit. Returns both results.
private func sameOutcomesWithAmpleHours(_ slots: Scenario, stages: [Stage]) -> (SimulationResults, SimulationResults) {
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
  return (a, b)
}

/// Rep territories after a split by attribute (docs/validation.md, "Reps' time").
@Suite("Engine against theory: rep territories")
struct RepTerritoryTheoryTests {
  @Test(
    "two teams of two reps own alternate accounts (a split by attribute): each rep holds half its team's accounts, so a stage takes E[S] / (1 - rho) at each rep's own load"
  )
  func scatteredAccountsAreDealtEvenly() {
    // 40 hours a week, 52 weeks: 5.714 hours a day; 4 hours of work are E[S] = 0.7 days. Four reps
    // at load 0.4 each; dealt by rank modulo reps, one rep of each team would carry 0.8.
    let rate = 40.0 * 52 / 364
    let service = 4 / rate
    let rho = 0.4
    var stage = Stage(name: "work", days: .constant(0), advance: 1)
    stage.effortHours = .exponential(mean: 4)
    var s = timedScenario(arrivalsPerDay: 4 * rho / service, reps: 2, hoursPerWeek: 40, stages: [stage], horizon: 1460, warmup: 100)
    let accounts = (0..<20).map { i in Account(name: "A\(i)", attributes: ["country": i % 2 == 0 ? "AT" : "DE"], row: i + 2) }
    s.segments[0].accountList = AccountList(file: "a.csv", columns: ["name", "country"], accounts: accounts)
    s.segments[0].accounts = 20
    s.segments[0].opportunitiesPerAccountYear = 4 * rho / service * 365 / 20
    s.teams[0].time?.repTerritories = true
    var de = Coverage(segments: ["S"])
    de.accounts.attributes = [("country", ["DE"])]
    s.teams[0].covers = [de]
    var alps = s.teams[0]
    alps.name = "Alps"
    var at = Coverage(segments: ["S"])
    at.accounts.attributes = [("country", ["AT"])]
    alps.covers = [at]
    s.teams.append(alps)
    // Each team numbers its own accounts 0...9, whatever their ranks: 5 to each rep.
    #expect(s.accountOrdinals() == [(0..<20).map { Int32($0 / 2) }])
    let results = Simulator(scenario: s).run(replications: 40, seed: 2029)
    let (mean, se) = estimate(results, "cycle_days_won")
    checkAgainstTheory("rep territories split by attribute, 2 x 2 reps at rho 0.4: mean stage days", simulated: mean, se: se, expected: service / (1 - rho))
  }
}

private func peopleColumn(_ results: SimulationResults, _ metric: String, team: Int = 0) -> [Double] {
  results.column(results.layout.peopleIndex(team, MetricLayout.peopleMetrics.firstIndex(of: metric)!))
}

/// A team with time whose reps are people (docs/validation.md, "Reps' time"): its hours follow
/// headcount and ramp.
@Suite("Engine against theory: reps' time as people")
struct EffortPeopleTheoryTests {
  /// A team with `reps` reps of 40 hours a week, all selling, with `people`; its deals (`arrivals`
  /// a day, won after 5 days) ask `work` hours each.
  func team(reps: Int, people: People, horizon: Double, warmup: Double, arrivals: Double = 0.5, work: Distribution? = nil) -> Scenario {
    var stage = Stage(name: "close", days: .constant(5), advance: 1)
    stage.effortHours = work
    var s = timedScenario(arrivalsPerDay: arrivals, reps: reps, hoursPerWeek: 40, stages: [stage], horizon: horizon, warmup: warmup)
    s.teams[0].people = people
    return s
  }

  @Test("a hire on day 30 with a ramp of 0.25, 0.5, 0.75: the year's selling hours are rate x (365 + (0.25 + 0.5 + 0.75) x 365/12 + 365 - 30 - 3 x 365/12)")
  func hireRampsItsHours() {
    var people = People()
    people.ramp = [0.25, 0.5, 0.75]
    people.hires = [Hire(day: 30, reps: 1)]
    let s = team(reps: 1, people: people, horizon: 365, warmup: 0)
    let results = Simulator(scenario: s).run(replications: 3, seed: 4)
    let rate = 40.0 * 52 / 364
    let month = 365.0 / 12
    let expected = rate * (365 + 1.5 * month + (365 - 30 - 3 * month))
    for hours in effortColumn(results, "selling_hours") {
      #expect(abs(hours - expected) < 1e-9 * expected, "selling hours \(hours) against \(expected)")
    }
    print("theory check | hire on day 30, ramp 0.25/0.5/0.75: selling hours a year (exact) | expected \(expected) | simulated \(effortColumn(results, "selling_hours")[0])")
  }

  @Test("attrition 2 a rep-year, backfill 60 days, 20 seats: the share of hours sold is the share of seats in post, (365/2) / (365/2 + 60); no deal is lost in the hand-overs")
  func attritionScalesHoursWithHeadcount() {
    var people = People()
    people.attritionRateYear = 2
    people.backfillDays = .constant(60)
    // Deals ask 20 hours each, 2.5 a day: about 60% of the hours in post, so leavers hold work.
    let s = team(reps: 20, people: people, horizon: 730, warmup: 730, arrivals: 2.5, work: .exponential(mean: 20))
    let results = Simulator(scenario: s).run(replications: 40, seed: 41)
    let rate = 40.0 * 52 / 364
    let shares = effortColumn(results, "selling_hours").map { $0 / (rate * 730 * 20) }
    let summary = Summary(shares)
    let expected = (365.0 / 2) / (365.0 / 2 + 60)
    checkAgainstTheory(
      "attrition 2/yr, backfill 60 d: share of selling hours (seats in post)", simulated: summary.mean, se: summary.sd / Double(summary.count).squareRoot(),
      expected: expected)
    // Hours are the headcount's: selling hours = rate x headcount x days, replication by replication.
    for (hours, headcount) in zip(effortColumn(results, "selling_hours"), peopleColumn(results, "headcount")) {
      #expect(abs(hours - rate * headcount * 730) < 1e-6 * hours)
    }
    let leavers = Summary(peopleColumn(results, "leavers")).mean
    #expect(leavers > 50)
    // A leaver's work passes to the rep with the least pending work: nothing is lost, and every deal
    // accepted is won but those still open at the horizon.
    #expect(Summary(results.column(results.layout.index(ofScenarioMetric: "losses")!)).mean == 0)
    let wins = Summary(results.column(results.layout.index(ofScenarioMetric: "wins")!)).mean
    let accepted = Summary(results.column(results.layout.index(ofScenarioMetric: "accepted")!)).mean
    #expect(wins > 0.99 * accepted && wins <= accepted + 100, "wins \(wins) of \(accepted) accepted")
  }
}

/// `triage: value` against the preemptive priority queue (docs/validation.md, "Reps' time").
@Suite("Engine against theory: triage by value")
struct TriageTheoryTests {
  @Test("one rep, triage by value, two grades each at rho 0.3, exponential work: the top grade waits as if alone, E[S] / (1 - rho1); the other E[S] / (1 - rho1) + rho E[S] / ((1 - rho1)(1 - rho)) (M/M/1 preemptive priority)")
  func preemptivePriority() {
    // 40 hours a week, 52 weeks: 5.714 hours a day; 4 hours of work are E[S] = 0.7 days.
    let rate = 40.0 * 52 / 364
    let service = 4 / rate
    let (rho1, rho) = (0.3, 0.6)
    var stage = Stage(name: "work", days: .constant(0), advance: 1)
    stage.effortHours = .exponential(mean: 4)
    var s = timedScenario(arrivalsPerDay: rho1 / service, reps: 1, hoursPerWeek: 40, stages: [stage], horizon: 1460, warmup: 100)
    s.teams[0].time?.triage = .value
    // Grade A deals (1M) and grade C deals (1,000), each half the load, from two segments.
    var large = s.segments[0]
    large.name = "L"
    large.dealSize = .constant(1_000_000)
    s.segments.append(large)
    s.teams[0].covers = [Coverage(segments: ["S", "L"])]
    let traces = Simulator(scenario: s).traces(replications: 0..<80, seed: 2030, threads: 0)
    func sojourn(_ segment: Int) -> (Double, Double) {
      let means = traces.map { run -> Double in
        let times = run.filter { $0.segment == segment && $0.created >= 0 && $0.closed != nil }.map { $0.closed! - $0.created }
        return times.reduce(0, +) / Double(times.count)
      }
      let summary = Summary(means)
      return (summary.mean, summary.sd / Double(summary.count).squareRoot())
    }
    let (top, topSE) = sojourn(1)
    checkAgainstTheory("triage by value, top grade at rho1 0.3 of rho 0.6: mean stage days", simulated: top, se: topSE, expected: service / (1 - rho1))
    let (low, lowSE) = sojourn(0)
    checkAgainstTheory(
      "triage by value, lower grade: mean stage days", simulated: low, se: lowSE, expected: service / (1 - rho1) + rho * service / ((1 - rho1) * (1 - rho)))
  }
}
