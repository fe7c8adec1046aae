import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// Reps as people (ramp, attrition and backfill, hand-overs, hires, quotas) against closed forms.
@Suite("People")
struct PeopleTests {
  /// A team of `reps` reps with `slots` each, working one exponential stage of mean `days` that always
  /// advances, under `arrivalsPerDay`; its reps are people with `people`.
  static func scenario(
    arrivalsPerDay: Double, reps: Int, slots: Int, days: Double = 5, people: People = People(), horizon: Double = 365,
    warmup: Double = 0
  ) -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: arrivalsPerDay, stages: [Stage(name: "work", days: .exponential(mean: days), advance: 1)], horizon: horizon,
      warmup: warmup)
    s.teams[0].reps = reps
    s.teams[0].slotsPerRep = slots
    s.teams[0].people = people
    return s
  }

  static func people(_ results: SimulationResults, _ metric: String, team: Int = 0, period: Int? = nil) -> [Double] {
    let m = MetricLayout.peopleMetrics.firstIndex(of: metric)!
    let index = results.layout.peopleIndex(team, m)
    return results.column(period.map { results.layout.index(period: $0, of: .month, metric: index) } ?? index)
  }

  @Test("reps who are people but never ramp or leave give exactly the results of one pool of slots (so Erlang B holds)")
  func individualsEqualPool() throws {
    let pooled = Self.scenario(arrivalsPerDay: 3, reps: 4, slots: 2, days: 2)
    var people = People()
    people.quotaPerRepYear = 100_000
    var individual = pooled
    individual.teams[0].people = people
    individual.teams[0].people = people
    var pooledScenario = pooled
    pooledScenario.teams[0].people = nil
    let a = Simulator(scenario: pooledScenario).run(replications: 40, seed: 5)
    let b = Simulator(scenario: individual).run(replications: 40, seed: 5)
    for (i, name) in MetricLayout.scenarioMetrics.enumerated() {
      let (x, y) = (a.column(i), b.column(i))
      if name == "cost" || name == "contribution" || name == "efficiency" { continue }  // cost_per_rep_year is 0 here anyway
      #expect(x.elementsEqual(y) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(name)")
    }
    let (mean, se) = ratioEstimate(b, "blocked", "arrivals")
    checkAgainstTheory("Erlang B c=8 a=6 with rep-level assignment", simulated: mean, se: se, expected: Queueing.erlangB(servers: 8, load: 6))
  }

  @Test("a starting pipeline takes its reps' slots: people who never ramp or leave still give one pool's results")
  func pipelineIndividualsEqualPool() throws {
    var pooled = Self.scenario(arrivalsPerDay: 3, reps: 4, slots: 2, days: 2, horizon: 120)
    pooled.motions[0].stages[0].days = .exponential(mean: 20)
    // Six deals in eight slots: the team starts with room for two (no rep beyond their slots, where
    // reps and one pool would differ).
    pooled.pipeline = (0..<6).map { PipelineDeal(id: "D\($0)", segment: "S", account: "A\($0)", team: "T", stage: "work", daysInStage: 1, dealSize: 1000) }
    var individual = pooled
    pooled.teams[0].people = nil
    var people = People()
    people.quotaPerRepYear = 100_000
    individual.teams[0].people = people
    let a = Simulator(scenario: pooled).run(replications: 20, seed: 9)
    let b = Simulator(scenario: individual).run(replications: 20, seed: 9)
    for (i, name) in MetricLayout.scenarioMetrics.enumerated() where !["cost", "contribution", "efficiency"].contains(name) {
      let (x, y) = (a.column(i), b.column(i))
      #expect(x.elementsEqual(y) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(name)")
    }
    // The pipeline's wins are credited to the reps who hold them (every deal is won: advance 1).
    let attainment = Self.people(b, "quota_attainment")
    #expect(attainment.allSatisfy { $0 > 0 }, "\(attainment)")
  }

  @Test("a team hired at day 0 has month-m slots reps x ceil(ramp_m x slots), and takes on what they free")
  func rampByMonth() throws {
    var people = People()
    people.ramp = [0.25, 0.5, 0.75]
    people.tenureMonths = .constant(0)
    // Far more arrivals than slots: the team is always full, so it accepts what it frees plus its new slots.
    let s = Self.scenario(arrivalsPerDay: 200, reps: 6, slots: 4, days: 5, people: people, horizon: 365 / 2)
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 30, seed: 11)
    let slots = [1, 2, 3, 4, 4, 4].map { Double(6 * $0) }  // ceil(0.25 x 4) = 1, ceil(0.5 x 4) = 2, ...
    let accepted = try #require(MetricLayout.scenarioMetrics.firstIndex(of: "accepted"))
    let days = 365.0 / 12
    for m in 0..<6 {
      let share = Self.people(results, "capacity_share", period: m)
      #expect(share.allSatisfy { abs($0 - slots[m] / 24) < 1e-9 }, "month \(m + 1): \(share[0]) against \(slots[m] / 24)")
      // Departures from a full team at rate slots / mean days, plus the slots added at the month's start.
      let summary = Summary(results.column(results.layout.index(period: m, of: .month, metric: accepted)))
      let expected = slots[m] * days / 5 + slots[m] - (m == 0 ? 0 : slots[m - 1])
      checkAgainstTheory(
        "month \(m + 1) of a team hired at day 0: accepted = slots x days / 5 + new slots", simulated: summary.mean,
        se: summary.sd / Double(summary.count).squareRoot(), expected: expected)
    }
  }

  @Test("long-run vacant share = a d/365 / (1 + a d/365) whatever the backfill delay's distribution", arguments: [
    Distribution.constant(60), .exponential(mean: 60), .uniform(min: 0, max: 120),
  ])
  func vacantShare(backfill: Distribution) throws {
    var people = People()
    people.attritionRateYear = 0.5
    people.backfillDays = backfill
    let s = Self.scenario(arrivalsPerDay: 1, reps: 20, slots: 5, people: people, horizon: 3 * 365, warmup: 2 * 365)
    let results = Simulator(scenario: s).run(replications: 40, seed: 21)
    let vacant = Summary(Self.people(results, "vacant_share"))
    let x = 0.5 * 60 / 365
    checkAgainstTheory(
      "vacant share, attrition 0.5/yr, backfill \(backfill.family) mean 60 d", simulated: vacant.mean,
      se: vacant.sd / Double(vacant.count).squareRoot(), expected: x / (1 + x))
    // Leavers come at the attrition rate per rep-year employed.
    let leavers = Self.people(results, "leavers")
    let repYears = Self.people(results, "headcount").map { $0 * 3 }
    let rate = leavers.reduce(0, +) / repYears.reduce(0, +)
    let se = rate / leavers.reduce(0, +).squareRoot()  // Poisson count
    checkAgainstTheory("leavers per rep-year employed", simulated: rate, se: se, expected: 0.5)
  }

  @Test("with handover_loss 1 and instant backfill, an opportunity is lost when its rep leaves first: P = r / (r + 1/h)")
  func handoverLoss() throws {
    var people = People()
    people.attritionRateYear = 3
    people.handoverLoss = 1
    let s = Self.scenario(arrivalsPerDay: 4, reps: 10, slots: 100, days: 10, people: people, horizon: 730, warmup: 60)
    let results = Simulator(scenario: s).run(replications: 30, seed: 4)
    let lost = Self.people(results, "handover_losses")
    let accepted = results.column(try #require(results.layout.index(ofScenarioMetric: "accepted")))
    let rate = 3.0 / 365
    let share = lost.reduce(0, +) / accepted.reduce(0, +)
    let se = (share * (1 - share) / accepted.reduce(0, +)).squareRoot() * 2  // hand-overs come in batches: allow for clustering
    checkAgainstTheory("hand-over losses / accepted, attrition 3/yr, stage 10 d", simulated: share, se: se, expected: rate / (rate + 0.1))
  }

  @Test("quota attainment is credited bookings over quota x rep-years; pay follows days employed; hires add seats")
  func quotaAndPay() throws {
    var people = People()
    people.quotaPerRepYear = 50_000
    people.attritionRateYear = 0.4
    people.backfillDays = .constant(30)
    people.hires = [Hire(day: 100, reps: 3)]
    var s = Self.scenario(arrivalsPerDay: 2, reps: 5, slots: 4, people: people)
    s.teams[0].costPerRepYear = 120_000
    let results = Simulator(scenario: s).run(replications: 20, seed: 9)
    let credited = results.column(results.layout.teamIndex(0, MetricLayout.teamMetrics.firstIndex(of: "credited_bookings")!))
    let cost = results.column(try #require(results.layout.index(ofScenarioMetric: "cost")))
    let headcount = Self.people(results, "headcount")
    let attainment = Self.people(results, "quota_attainment")
    let atQuota = Self.people(results, "at_quota_share")
    let hires = Self.people(results, "hires")
    let leavers = Self.people(results, "leavers")
    for r in 0..<20 {
      #expect(abs(attainment[r] * 50_000 * headcount[r] - credited[r]) < 1e-6 * credited[r])
      #expect(abs(cost[r] - 120_000 * headcount[r]) < 1e-6 * cost[r])
      #expect((0...1).contains(atQuota[r]))
      // Every leaver's seat is filled again within 30 days unless the year ends first; plus 3 planned hires.
      #expect(hires[r] >= 3 && hires[r] <= leavers[r] + 3)
      #expect(headcount[r] <= 8)
    }
    #expect(Summary(headcount).mean > 5.5)  // 5 all year, 3 more for 265 days, less vacancies
  }

  @Test("a variant that leaves a team's people alone gives it the same leavers and hires")
  func commonRandomNumbersForPeople() throws {
    var people = People()
    people.attritionRateYear = 0.6
    people.backfillDays = .exponential(mean: 45)
    var s = Self.scenario(arrivalsPerDay: 3, reps: 8, slots: 3, people: people)
    var east = s.teams[0]
    east.name = "East"
    east.covers = []
    s.teams.append(east)
    var variant = s
    variant.teams[1].reps = 12
    variant.teams[1].people?.attritionRateYear = 0.2
    let a = Simulator(scenario: s).run(replications: 10, seed: 3)
    let b = Simulator(scenario: variant).run(replications: 10, seed: 3)
    for metric in ["leavers", "hires", "vacant_share"] {
      #expect(Self.people(a, metric, team: 0) == Self.people(b, metric, team: 0), "\(metric)")
    }
    #expect(Self.people(a, "leavers", team: 1) != Self.people(b, "leavers", team: 1))
  }

  @Test("people results are bit-identical on any number of threads")
  func threads() {
    var people = People()
    people.ramp = [0.3, 0.6]
    people.tenureMonths = .uniform(min: 0, max: 6)
    people.attritionRateYear = 0.5
    people.backfillDays = .constant(20)
    people.handoverLoss = 0.3
    people.quotaPerRepYear = 80_000
    let s = Self.scenario(arrivalsPerDay: 6, reps: 7, slots: 3, people: people)
    let one = Simulator(scenario: s, byPeriod: true).run(replications: 12, seed: 8, threads: 1)
    let four = Simulator(scenario: s, byPeriod: true).run(replications: 12, seed: 8, threads: 4)
    #expect(one.values.elementsEqual(four.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
  }
}
