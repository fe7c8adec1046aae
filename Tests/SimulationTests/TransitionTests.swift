import CoverageModel
import Estimation
import Foundation
import ScenarioFiles
import Testing
import TestSupport

@testable import Simulation

/// Reorganisations that take effect on a day (docs/model.md, "Transitions"): exact identities and
/// closed forms.
@Suite("Transitions")
struct TransitionTests {
  static func same(_ a: SimulationResults, _ b: SimulationResults) -> Bool {
    a.layout == b.layout && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) }
  }

  /// The first value that differs (entity, metric, period), for a failure message.
  static func firstDifference(_ a: SimulationResults, _ b: SimulationResults) -> String? {
    guard a.layout == b.layout else { return "the layouts differ" }
    let entries = a.layout.entries
    for i in a.values.indices where !(a.values[i] == b.values[i] || (a.values[i].isNaN && b.values[i].isNaN)) {
      let position = i % a.layout.count
      let entry = entries[position % a.layout.periodBase]
      return "replication \(i / a.layout.count), period block \(position / a.layout.periodBase), \(entry.group) \(entry.entity) \(entry.metric): \(a.values[i]) vs \(b.values[i])"
    }
    return nil
  }

  static func metric(_ results: SimulationResults, _ name: String, month: Int? = nil) -> [Double] {
    let index = results.layout.index(ofScenarioMetric: name) ?? 0
    return results.column(month.map { results.layout.index(period: $0, of: .month, metric: index) } ?? index)
  }

  /// Generated scenarios (with people in about a quarter of them), loaded from YAML.
  static func generated(_ seeds: ClosedRange<UInt64>) throws -> [(UInt64, Scenario)] {
    let directory = try scratchFolder("transition")
    defer { try? FileManager.default.removeItem(at: directory) }
    return try seeds.map { seed in
      let path = directory.appendingPathComponent("gen-\(seed).yaml").path
      try randomScenarioYAML(seed: seed).write(toFile: path, atomically: true, encoding: .utf8)
      return (seed, try ScenarioLoader().load(path: path))
    }
  }

  @Test("a transition to the same organisation gives every result of the baseline, every month, on generated scenarios")
  func identicalTransition() throws {
    for (seed, s) in try Self.generated(1...24) {
      var dice = SplitMix64(seed: seed &* 7919)
      var t = Transition(former: s)
      t.effectiveDay = dice.unit() * s.horizonDays
      t.handoverLoss = dice.unit()
      t.relationshipFloor = dice.unit()
      t.relationshipRecoveryDays = 30 + dice.unit() * 300
      var v = s
      v.transition = t
      let a = Simulator(scenario: s, byPeriod: true).run(replications: 4, seed: seed)
      let b = Simulator(scenario: v, byPeriod: true).run(replications: 4, seed: seed)
      let differing = Self.firstDifference(a, b)
      #expect(differing == nil, "scenario \(seed), switch on day \(t.effectiveDay): \(differing ?? "")")
    }
  }

  @Test("a transition whose day is at or past the horizon gives the baseline's results, whatever the variant changes")
  func pastTheHorizon() throws {
    for (seed, s) in try Self.generated(31...46) {
      var v = s
      for t in v.teams.indices where v.teams[t].kind.ownsAccounts { v.teams[t].reps += 1 + Int(seed % 3) }
      for p in v.pools.indices where !(v.pools[p].coordinate || v.pools[p].handoffWinFactor != 1) { v.pools[p].experts += 2 }
      var t = Transition(former: s)
      t.effectiveDay = s.horizonDays + Double(seed % 2) * 100
      t.oneOffCost = 1e6
      v.transition = t
      let a = Simulator(scenario: s, byPeriod: true).run(replications: 4, seed: seed)
      let b = Simulator(scenario: v, byPeriod: true).run(replications: 4, seed: seed)
      #expect(Self.same(a, b), "scenario \(seed)")
    }
  }

  @Test("a one-off cost changes the cost and contribution of the switch month by exactly that, and nothing else")
  func oneOffCost() throws {
    let s = singleTeamScenario(arrivalsPerDay: 4, stages: [Stage(name: "work", days: .exponential(mean: 20), advance: 0.5)])
    var t = Transition(former: s)
    t.effectiveDay = 100  // in month 4 (days 91.25 to 121.67)
    t.oneOffCost = 250_000
    var v = s
    v.transition = t
    let a = Simulator(scenario: s, byPeriod: true).run(replications: 6, seed: 3)
    let b = Simulator(scenario: v, byPeriod: true).run(replications: 6, seed: 3)
    let cost = try #require(a.layout.index(ofScenarioMetric: "cost"))
    let contribution = try #require(a.layout.index(ofScenarioMetric: "contribution"))
    let efficiency = try #require(a.layout.index(ofScenarioMetric: "efficiency"))
    for r in 0..<6 {
      for i in 0..<a.layout.count {
        let (x, y) = (a.values[r * a.layout.count + i], b.values[r * a.layout.count + i])
        let switchPeriod = [cost, contribution, efficiency].contains { i == $0 || i == a.layout.index(period: 3, of: .month, metric: $0) || i == a.layout.index(period: 1, of: .quarter, metric: $0) }
        // Efficiency's denominator is the cost: it rises by exactly the one-off cost too.
        let efficiencyDenominator = [efficiency, a.layout.index(period: 3, of: .month, metric: efficiency), a.layout.index(period: 1, of: .quarter, metric: efficiency)]
          .contains { a.layout.denominatorIndex(of: $0) == i }
        if efficiencyDenominator {
          #expect(abs(y - x - 250_000) < 1e-6, "efficiency's denominator \(i)")
        } else if switchPeriod, [efficiency].contains(where: { i % a.layout.periodBase == $0 }) {
          #expect(x.isNaN || y < x, "efficiency falls: \(i)")
        } else if switchPeriod {
          #expect(abs(abs(y - x) - 250_000) < 1e-6, "position \(i)")
        } else {
          #expect(x == y || (x.isNaN && y.isNaN), "position \(i)")
        }
      }
    }
  }

  /// A key-account segment owned by `owner`: one stage whose advance is `advance`, relationship
  /// coverage 1 with one decision maker (so the ESP factor is exactly the relationship share).
  static func keyAccountScenario(owner: String, advance: Double, days: Distribution) -> Scenario {
    var s = singleTeamScenario(arrivalsPerDay: 20, stages: [Stage(name: "close", days: days, advance: advance)], horizon: 365, warmup: 60)
    s.segments[0].tier = .key
    s.segments[0].decisionMakers = .constant(1)
    s.teams[0].kind = .keyAccount
    s.teams[0].relationshipCoverage = .constant(1)
    s.teams[0].espFloor = 0
    s.teams[0].name = "A"
    var b = s.teams[0]
    b.name = "B"
    b.covers = []
    s.teams.append(b)
    if owner == "B" { s.teams.swapAt(0, 1) }
    s.teams[0].covers = [Coverage(segments: ["S"])]
    s.teams[1].covers = []
    return s
  }

  @Test("moved key accounts: win rate by month p x (floor + (1 - floor) x the share of the recovery gone by)")
  func relationshipRecovery() throws {
    let before = Self.keyAccountScenario(owner: "A", advance: 0.6, days: .constant(0.001))
    var after = Self.keyAccountScenario(owner: "B", advance: 0.6, days: .constant(0.001))
    var t = Transition(former: before)
    t.relationshipFloor = 0.4
    t.relationshipRecoveryDays = 365
    after.transition = t
    let results = Simulator(scenario: after, byPeriod: true).run(replications: 40, seed: 17)
    for m in [0, 3, 6, 11] {
      let wins = Self.metric(results, "wins", month: m)
      let losses = Self.metric(results, "losses", month: m)
      let closed = zip(wins, losses).map(+)
      let rate = wins.reduce(0, +) / closed.reduce(0, +)
      let se = (rate * (1 - rate) / closed.reduce(0, +)).squareRoot()
      let share = 0.4 + 0.6 * (Double(m) + 0.5) / 12
      checkAgainstTheory("win rate in month \(m + 1) of a 365-day recovery from floor 0.4", simulated: rate, se: se, expected: 0.6 * share)
    }
  }

  /// Key accounts moved from team A to B on day 120 with handover_loss 0.3: 20 arrivals a day,
  /// one stage of gamma(2, 15) days that every deal passes.
  static func keyAccountsMoved() -> (before: Scenario, after: Scenario) {
    let before = Self.keyAccountScenario(owner: "A", advance: 1, days: .gamma(shape: 2, scale: 15))
    var after = Self.keyAccountScenario(owner: "B", advance: 1, days: .gamma(shape: 2, scale: 15))
    var t = Transition(former: before)
    t.effectiveDay = 120
    t.handoverLoss = 0.3
    after.transition = t
    return (before, after)
  }

  @Test("at the switch each open deal of a moved account is lost with handover_loss: h x lambda x E[days] (M/G/inf)")
  func handoverAtTheSwitch() throws {
    // Every deal advances, so the only losses are the switch's hand-overs.
    let (_, after) = Self.keyAccountsMoved()
    let results = Simulator(scenario: after).run(replications: 60, seed: 23)
    let losses = Self.metric(results, "losses")
    let summary = Summary(losses)
    checkAgainstTheory("deals lost at the switch (h 0.3, 20 a day, 30 days)", simulated: summary.mean, se: summary.sd / Double(max(1, summary.count)).squareRoot(), expected: 0.3 * 20 * 30)
    let untouched = Summary(Self.metric(Simulator(scenario: after, byPeriod: true).run(replications: 10, seed: 23), "losses", month: 2))
    #expect(untouched.mean == 0, "no loss before the switch")
  }

  @Test("deals_lost_at_switch counts the deals the switch loses, value_lost_at_switch their deal values, all in the switch's month")
  func lossesAtTheSwitchAsMetrics() throws {
    // Every deal advances, so every loss is the switch's: h x lambda x E[days] = 0.3 x 20 x 30.
    let (before, after) = Self.keyAccountsMoved()
    let results = Simulator(scenario: after, byPeriod: true).run(replications: 60, seed: 23)
    let lost = Self.metric(results, "deals_lost_at_switch")
    #expect(lost == Self.metric(results, "losses"))
    #expect(Self.metric(results, "value_lost_at_switch") == lost.map { $0 * 1000 }, "every deal is worth 1,000")
    let summary = Summary(lost)
    checkAgainstTheory(
      "deals_lost_at_switch (h 0.3, 20 a day, 30 days)", simulated: summary.mean, se: summary.sd / Double(max(1, summary.count)).squareRoot(),
      expected: 0.3 * 20 * 30)
    let byMonth = results.layout.months.indices.map { Self.metric(results, "deals_lost_at_switch", month: $0) }
    let switchMonth = try #require(byMonth.firstIndex { $0.contains { $0 > 0 } })
    #expect(byMonth[switchMonth] == lost, "the switch's month holds them all")
    let baseline = Simulator(scenario: before).run(replications: 5, seed: 23)
    #expect(Self.metric(baseline, "deals_lost_at_switch").allSatisfy { $0 == 0 }, "no transition, no deal lost at a switch")
    #expect(Self.metric(baseline, "value_lost_at_switch").allSatisfy { $0 == 0 })
  }

  @Test("arrivals follow the former rate before the switch and the new one after (the same draws, time-changed)")
  func arrivalsRetimed() throws {
    let s = singleTeamScenario(arrivalsPerDay: 10, stages: [Stage(name: "work", days: .exponential(mean: 5), advance: 0.5)])
    var v = s
    v.segments[0].opportunitiesPerAccountYear *= 1.5
    var t = Transition(former: s)
    t.effectiveDay = 365.0 / 2
    v.transition = t
    let results = Simulator(scenario: v, byPeriod: true).run(replications: 40, seed: 29)
    for (m, rate) in [(1, 10.0), (4, 10.0), (7, 15.0), (10, 15.0)] {
      let arrivals = Summary(Self.metric(results, "arrivals", month: m))
      checkAgainstTheory("arrivals in month \(m + 1), switch at mid-year", simulated: arrivals.mean, se: arrivals.sd / Double(max(1, arrivals.count)).squareRoot(), expected: rate * 365 / 12)
    }
  }

  @Test("a split team's parts take its reps by share, hire the rest at the switch, and pay cost_per_hire for each")
  func splitCarriesReps() throws {
    var people = People()
    people.costPerHire = 10_000
    var s = PeopleTests.scenario(arrivalsPerDay: 6, reps: 10, slots: 3, people: people)
    s.teams[0].costPerRepYear = 0
    var v = s
    var coast = v.teams[0]
    coast.name = "Coast"
    coast.reps = 7
    coast.covers = [Coverage(segments: ["S"], share: 0.3)]
    var inland = v.teams[0]
    inland.name = "Inland"
    inland.reps = 5
    inland.covers = [Coverage(segments: ["S"], share: 0.7, offset: 0.3)]
    v.teams = [coast, inland]
    v.origins = ["Coast": [TeamOrigin(team: "T", share: 0.3)], "Inland": [TeamOrigin(team: "T", share: 0.7)]]
    var t = Transition(former: s)
    t.effectiveDay = 365.0 / 4
    t.costPerHire = 5_000
    v.transition = t
    // 10 reps: 3 to Coast and 7 to Inland by share; Inland needs 5, so 2 pass to Coast, which hires 2.
    let claims = t.seatClaims(variant: v)
    #expect(claims == [Transition.SeatClaim(former: "T", seats: 10, takers: [.init(team: "Coast", seats: 5), .init(team: "Inland", seats: 5)])])
    let results = Simulator(scenario: v, byPeriod: true).run(replications: 5, seed: 31)
    let layout = results.layout
    let coastIndex = try #require(layout.people.firstIndex(of: "Coast"))
    let inlandIndex = try #require(layout.people.firstIndex(of: "Inland"))
    let formerIndex = try #require(layout.people.firstIndex(of: "T"))
    let headcount = try #require(MetricLayout.peopleMetrics.firstIndex(of: "headcount"))
    let hires = try #require(MetricLayout.peopleMetrics.firstIndex(of: "hires"))
    let cost = try #require(layout.index(ofScenarioMetric: "cost"))
    for r in 0..<5 {
      func value(_ i: Int, month: Int? = nil) -> Double { results.values[r * layout.count + (month.map { layout.index(period: $0, of: .month, metric: i) } ?? i)] }
      #expect(value(layout.peopleIndex(formerIndex, headcount), month: 1) == 10)
      #expect(value(layout.peopleIndex(coastIndex, headcount), month: 1) == 0)
      #expect(value(layout.peopleIndex(coastIndex, headcount), month: 6) == 7)
      #expect(value(layout.peopleIndex(inlandIndex, headcount), month: 6) == 5)
      #expect(value(layout.peopleIndex(formerIndex, headcount), month: 6) == 0)
      #expect(value(layout.peopleIndex(coastIndex, hires)) == 2)
      // Pay is 0 a rep-year here: the cost is the hires' (the team's 10,000 each) and the switch's 5,000 each.
      #expect(abs(value(cost) - 2 * 15_000) < 1e-6)
    }
  }

  @Test("a carried rep's departure follows the new attrition rate from the switch (the same draw, re-timed)")
  func attritionRetimed() throws {
    var people = People()
    people.attritionRateYear = 1.5
    let s = PeopleTests.scenario(arrivalsPerDay: 2, reps: 20, slots: 2, people: people, warmup: 120)
    var v = s
    v.teams[0].people?.attritionRateYear = 0.25
    var t = Transition(former: s)
    t.effectiveDay = 0
    v.transition = t
    let results = Simulator(scenario: v).run(replications: 40, seed: 37)
    let leavers = PeopleTests.people(results, "leavers")
    let headcount = PeopleTests.people(results, "headcount")
    // Backfill is instant, so rep-years are 20 a year; leavers per rep-year are the new rate.
    let perRepYear = zip(leavers, headcount).map { $0 / $1 }
    let summary = Summary(perRepYear)
    checkAgainstTheory(
      "leavers per rep-year after attrition 1.5 -> 0.25 at the switch", simulated: summary.mean,
      se: summary.sd / Double(summary.count).squareRoot(), expected: 0.25)
  }

  @Test("transition results are bit-identical on any number of threads")
  func threads() throws {
    var people = People()
    people.attritionRateYear = 0.5
    people.backfillDays = .constant(20)
    people.handoverLoss = 0.2
    let s = PeopleTests.scenario(arrivalsPerDay: 6, reps: 8, slots: 3, people: people)
    var v = s
    v.teams[0].reps = 6
    var t = Transition(former: s)
    t.effectiveDay = 50
    t.handoverLoss = 0.2
    t.oneOffCost = 1000
    v.transition = t
    let one = Simulator(scenario: v, byPeriod: true).run(replications: 12, seed: 8, threads: 1)
    let four = Simulator(scenario: v, byPeriod: true).run(replications: 12, seed: 8, threads: 4)
    #expect(Self.same(one, four))
    let leavers = try #require(MetricLayout.peopleMetrics.firstIndex(of: "leavers"))
    #expect(Summary(one.column(one.layout.peopleIndex(0, leavers))).mean >= 2, "the two released reps count as leavers")
  }

  @Test("patience clocks kept in lanes give every result of a calendar holding every clock, with and without transitions that change patience")
  func patienceLanes() throws {
    var withPatience = 0
    var gaveUp = 0
    for (seed, s) in try Self.generated(1...30) {
      var dice = SplitMix64(seed: seed &* 104_729)
      var v = s
      // Give most pools a patience, so that most scenarios exercise the lanes.
      for p in v.pools.indices where v.pools[p].patienceDays == nil && dice.chance(0.7) { v.pools[p].patienceDays = Double(dice.int(1...12)) }
      if v.pools.contains(where: { $0.patienceDays != nil }) { withPatience += 1 }
      var scenarios = [v]
      // After a switch: patience shortened (clocks due before the lane's last), lengthened, removed or added.
      var t = Transition(former: v)
      t.effectiveDay = dice.unit() * v.horizonDays
      t.handoverLoss = dice.unit() * 0.5
      var after = v
      for p in after.pools.indices {
        switch dice.below(4) {
        case 0: after.pools[p].patienceDays = after.pools[p].patienceDays.map { $0 * 0.3 }
        case 1: after.pools[p].patienceDays = after.pools[p].patienceDays.map { $0 * 2 }
        case 2: after.pools[p].patienceDays = nil
        default: after.pools[p].patienceDays = Double(dice.int(1...8))
        }
      }
      after.transition = t
      scenarios.append(after)
      for scenario in scenarios {
        let lanes = Simulator(scenario: scenario, byPeriod: true)
        var reference = lanes
        reference.usesPatienceLanes = false
        let a = lanes.run(replications: 3, seed: seed, threads: 1)
        let b = reference.run(replications: 3, seed: seed, threads: 1)
        let difference = Self.firstDifference(a, b)
        #expect(difference == nil, "seed \(seed)\(scenario.transition == nil ? "" : " with a transition"): \(difference ?? "")")
        if Self.metric(a, "presales_gave_up").contains(where: { $0 > 0 }) { gaveUp += 1 }
      }
    }
    // Most scenarios have a pool with patience, and in many some requests run out of it.
    #expect(withPatience >= 20 && gaveUp >= 10, "\(withPatience) scenarios with patience, \(gaveUp) runs where requests gave up")
  }

  /// A request lost at a switch while it waited has its slot freed once: by its patience clock if
  /// it has one, at once if not. Here every moved deal is lost and the pools lose their patience
  /// at the switch, so the requests waiting then have clocks from before it. (A slot freed twice
  /// would be shared by two later opportunities; debug builds check every free.)
  @Test("requests lost at a switch while they waited are freed once, whether or not their pool still has patience")
  func lostWaitingRequests() throws {
    let base = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/people/split-west.yaml").path)
    for (removePatience, day) in [(true, 60.0), (false, 60.0), (true, 200.0)] {
      var s = base
      s.transition?.handoverLoss = 1
      s.transition?.effectiveDay = day
      if removePatience { for p in s.pools.indices { s.pools[p].patienceDays = nil } }
      var one = Simulator(scenario: s)
      one.usesPatienceLanes = false
      let a = Simulator(scenario: s).run(replications: 3, seed: 11, threads: 1)
      let b = one.run(replications: 3, seed: 11, threads: 1)
      let difference = Self.firstDifference(a, b)
      #expect(difference == nil, "\(difference ?? "")")
    }
  }

  /// West split so that the part listed second keeps West's name: West's reps are shared out seat by
  /// seat, the first seats to the part listed first. A deal that stays with West keeps its rep only
  /// if the rep stays in West; otherwise West gives it one of its own reps (debug builds check
  /// that every win is credited to a rep of the deal's team).
  /// Scenario files (name, text) written to a fresh temporary folder, and the one named `main` loaded.
  static func load(_ files: [(name: String, text: String)], main: String) throws -> Scenario {
    let directory = try scratchFolder("transition")
    defer { try? FileManager.default.removeItem(at: directory) }
    for file in files { try file.text.write(to: directory.appendingPathComponent(file.name), atomically: true, encoding: .utf8) }
    return try ScenarioLoader().load(path: directory.appendingPathComponent(main).path)
  }

  @Test("after a split that keeps the team's name, its deals are worked and credited by its own reps")
  func splitKeepingTheName() throws {
    let baseline = repositoryRoot.appendingPathComponent("scenarios/northwind/people/baseline.yaml").path
    let yaml = """
      extends: \(baseline)
      name: split-west-keeps-name
      transition: {effective_day: 0, handover_loss: 0}
      changes:
        - split_team:
            team: West
            into:
              - {name: West-Coast, share: 0.25, reps: 6}
              - {name: West, share: 0.75, reps: 5}

      """
    let s = try Self.load([("split.yaml", yaml)], main: "split.yaml")
    let results = Simulator(scenario: s).run(replications: 4, seed: 3, threads: 1)
    // Both parts win deals and credit them to their reps.
    for team in ["West-Coast", "West"] {
      let t = try #require(results.layout.people.firstIndex(of: team))
      let attainment = PeopleTests.people(results, "quota_attainment", team: t)
      #expect(attainment.allSatisfy { $0 > 0 }, "\(team): \(attainment)")
    }
  }

  /// A pool disbanded at the switch (its motion goes on without presales): the requests waiting
  /// then are withdrawn and their deals go on, instead of waiting for experts who are gone. The
  /// pool is overloaded (one expert, service 10 days, a request every 5 days), so many wait.
  @Test("requests waiting at a pool the variant disbands go on without presales at the switch; traces follow the transition")
  func disbandedPool() throws {
    let baseline = """
      name: with-pool
      horizon_days: 365
      warmup_days: 60
      regions: [R1]
      presales:
        - {name: P1, experts: 1, service_days: 10, policy: fifo}
      motions:
        - name: M1
          stages:
            - {name: qualify, days: 5, advance: 1, presales: P1}
            - {name: close, days: 5, advance: 0.5}
      segments:
        - {name: G1, tier: smb, region: R1, accounts: 100, opportunities_per_account_year: 0.73, deal_size: 1000}
      teams:
        - {name: A1, kind: regional, reps: 10, slots_per_rep: 2, motion: M1, covers: {region: R1}}

      """
    let variant = """
      extends: baseline.yaml
      name: disbanded
      transition: {effective_day: 100}
      presales: []
      motions:
        - name: M1
          stages:
            - {name: qualify, days: 5, advance: 1}
            - {name: close, days: 5, advance: 0.5}

      """
    let s = try Self.load([("baseline.yaml", baseline), ("disbanded.yaml", variant)], main: "disbanded.yaml")
    let traces = Simulator(scenario: s).traces(replications: 0..<4, seed: 5, threads: 1)
    for trace in traces {
      // Waiting at day 100: created before it and still open then (the queue was long).
      let waitingAtSwitch = trace.filter { $0.created < 100 && ($0.closed ?? .infinity) > 100 }
      #expect(waitingAtSwitch.count >= 5)
      // After the switch nothing waits: every later deal closes within its two 5-day stages; one
      // engaged before it within those of the switch, or, if its service was under way, within the
      // 10 days of service left and the stages.
      for deal in trace where deal.created < 355 {
        let closed = try #require(deal.closed, "a deal engaged on day \(deal.created) never closed")
        let bound = deal.created >= 100 ? deal.created + 10 : 120
        #expect(closed <= bound + 1e-9, "engaged \(deal.created), closed \(closed)")
      }
    }
  }
}
