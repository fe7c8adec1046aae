import CoverageModel
import Foundation
import Randomness

/// One opportunity's work at its rep in the current stage (teams with `time`).
struct EffortJob {
  /// The opportunity this entry belongs to (its slot is reused by later ones).
  var key: UInt64 = .max
  var rep: Int32 = -1
  /// Hours of the stage's work not yet done, and the share of it that is travel.
  var left = 0.0
  var travelShare = 0.0
  /// The order of `triage: value` (higher first).
  var priority = 0.0
  /// Work pending at the rep; the customer days over while it is.
  var active = false
  var daysDone = false
  var daysEnd = 0.0
  /// The stage's outcome draw and advance probability, for a stage that ends late.
  var outcome = 0.0
  var advance = 0.0
  /// A stale deal (docs/model.md, "Stale deals"): it takes its share of the rep's hours until its
  /// stale days are over, its work never done (`left` is infinite).
  var stale = false
}

/// A rep of a team with `time`: selling hours accrue at `rate` a day and are shared among the
/// pending work of its open deals; hours without work cover the team's accounts.
struct EffortRep {
  var team: Int32 = -1
  /// Its team's place among the teams with `time` (its tallies), and the team's terms.
  var tally = 0
  var byValue = false
  /// Travel per customer-facing coverage hour (visits' share x travel per visit).
  var visitTravel = 0.0
  var rate = 0.0
  /// When the shares below were last brought up to date.
  var last = 0.0
  /// Hours pending over its jobs as of `last` (stale deals' none).
  var pending = 0.0
  /// The share of its hours that goes to pending work (the rest to stale deals), as of its last
  /// completion scheduled.
  var drain = 1.0
  var jobs: [Int32] = []
  /// The sequence of its pending completion event (a later change makes it stale).
  var token: UInt64 = .max
  /// A team of people: its seat, whose occupant's hours follow headcount and ramp (-1: none).
  var seat: Int32 = -1
}

/// Hours of one team in one period (or the whole measured horizon).
struct EffortTally {
  var selling = 0.0
  var deals = 0.0
  var travel = 0.0
  var coverage = 0.0
  var facing = 0.0
  /// Account-years of the team's accounts (for coverage hours per account-year).
  var accountYears = 0.0
  var stages = 0.0
  var lateStages = 0.0
  var weeksLate = 0.0
  static func + (a: Self, b: Self) -> Self {
    EffortTally(
      selling: a.selling + b.selling, deals: a.deals + b.deals, travel: a.travel + b.travel, coverage: a.coverage + b.coverage,
      facing: a.facing + b.facing, accountYears: a.accountYears + b.accountYears, stages: a.stages + b.stages,
      lateStages: a.lateStages + b.lateStages, weeksLate: a.weeksLate + b.weeksLate)
  }
}

/// The effort model's state in one replication.
struct EffortState {
  var jobs: [EffortJob] = []
  var reps: [EffortRep] = []
  /// Per team: this clock month's coverage hours (for the response).
  var monthCoverage: [Double] = []
  /// Per timed team (in `EffortPlan.timedTeams` order): the horizon's tally and each period month's.
  var total: [EffortTally] = []
  var months: [[EffortTally]] = []
  /// Per response: its factor now, and factor-days over the horizon and each period month.
  var factors: [Double] = []
  var factorDays: [Double] = []
  var monthFactorDays: [[Double]] = []
  /// The segments' base rates (the response scales them).
  var baseInterarrival: [Double] = []
  var baseSeasonRates: [Double] = []
  var monthStart = 0.0
  /// The plan's effort tables the event handlers read, kept here (reading them through the plan's
  /// optional copies the whole `EffortPlan` at every event); `tally[t]`: team t's place among the
  /// teams with time, -1 without.
  var teams: [EffortPlan.TeamEffort] = []
  var stages: [EffortPlan.StageEffort] = []
  var effortFactor: [Double] = []
  var tally: [Int] = []
  var lateFactor = 1.0
  /// Jobs a rep's completion event finds done (kept to reuse its storage).
  var finished: [Int32] = []

  /// Whether team `t` works by hours.
  @inline(__always)
  func isTimed(_ t: Int) -> Bool { t < teams.count && teams[t].timed }

  /// Copies the tables of `plan` (a replication's start, a transition's switch).
  mutating func cache(_ plan: EffortPlan?) {
    teams = plan?.teams ?? []
    stages = plan?.stages ?? []
    effortFactor = plan?.effortFactor ?? []
    lateFactor = plan?.lateFactorPerWeek ?? 1
    tally = Array(repeating: -1, count: teams.count)
    for (m, t) in (plan?.timedTeams ?? []).enumerated() { tally[t] = m }
  }

  /// The reps of a plan's teams with `time`, starting at `time`.
  static func reps(_ plan: EffortPlan, at time: Double) -> [EffortRep] {
    var reps: [EffortRep] = []
    for (m, t) in plan.timedTeams.enumerated() {
      let team = plan.teams[t]
      var rep = EffortRep(
        team: Int32(t), tally: m, byValue: team.byValue, visitTravel: team.visitShare * team.travelPerVisit, rate: team.hoursPerDay, last: time)
      for k in 0..<team.reps {
        if team.seatStart >= 0 { rep.seat = Int32(team.seatStart + k) }
        reps.append(rep)
      }
    }
    return reps
  }
}

extension Replication {
  // MARK: - Start

  /// Sets up the reps and, for segments with a response, the first month's rates (the coverage
  /// the owners give with no open deals), before the first arrivals are drawn.
  mutating func startEffort(at start: Double) {
    let empty = EffortPlan()
    let plan = self.plan.effort ?? empty
    effort.cache(self.plan.effort)
    effort.baseInterarrival = initial.segments.map(\.meanInterarrival)
    effort.baseSeasonRates = initial.seasonRates
    effort.jobs.removeAll(keepingCapacity: true)
    effort.reps = EffortState.reps(plan, at: start)
    effort.monthCoverage = Array(repeating: 0, count: plan.teams.count)
    let periods = self.plan.periods?.months.count ?? 0
    effort.total = Array(repeating: EffortTally(), count: plan.timedTeams.count)
    effort.months = Array(repeating: Array(repeating: EffortTally(), count: plan.timedTeams.count), count: periods)
    let responses = max(plan.responses.count, transition?.after.effort?.responses.count ?? 0)
    effort.factorDays = Array(repeating: 0, count: responses)
    effort.monthFactorDays = Array(repeating: Array(repeating: 0, count: responses), count: periods)
    effort.monthStart = start
    // The first month: the hours each owner would give with no open deals.
    let idle = plan.teams.map { $0.hoursPerDay * Double($0.initialReps) * 365 }
    effort.factors = plan.responses.map { response in responseFactor(response, hours: idle, plan: plan) }
    for s in self.plan.segments.indices { self.plan.segments[s].meanInterarrival = effort.baseInterarrival[s] }
    self.plan.seasonRates = effort.baseSeasonRates
    for (k, response) in plan.responses.enumerated() { scaleRate(segment: response.segment, by: effort.factors[k]) }
    calendar.schedule(.monthStart, at: self.plan.clock.month(at: start).end)
  }

  // MARK: - Admission

  /// Whether a team with `time` declines an arrival: every rep holds more than `backlog_weeks` of work.
  mutating func effortDeclines(team: Int) -> Bool {
    guard effort.isTimed(team), effort.teams[team].backlogHours.isFinite else { return false }
    let team = effort.teams[team]
    for r in team.firstRep..<(team.firstRep + team.reps) where pendingNow(rep: r) <= team.backlogHours { return false }
    return true
  }

  /// A rep's pending hours now (no job finishes before its completion event).
  @inline(__always)
  private func pendingNow(rep r: Int) -> Double {
    let rep = effort.reps[r]
    guard !rep.jobs.isEmpty else { return 0 }
    return max(0, rep.pending - (rep.seat < 0 ? rep.rate * rep.drain * (now - rep.last) : accrued(rep: r, from: rep.last, to: now) * rep.drain))
  }

  /// The team's rep with the least pending work (the first on ties); in a team of people, among
  /// the reps in post whose ramp gives them hours (any rep when none has: the first).
  @inline(__always)
  func leastPendingRep(team t: Int, excluding excluded: Int = -1) -> Int {
    let team = effort.teams[t]
    var best = team.firstRep
    var least = Double.infinity
    for r in team.firstRep..<(team.firstRep + team.reps) where r != excluded {
      if team.seatStart >= 0, !working(rep: r) { continue }
      let pending = pendingNow(rep: r)
      if pending < least {
        least = pending
        best = r
      }
    }
    return best
  }

  // MARK: - Stages

  /// A stage of a deal in a team with `time`: its customer days and outcome are drawn as for any
  /// stage (one stage at a time: its end depends on the rep's other work), its work (hours x the
  /// fit's effort factor, plus travel per visit) joins the rep's; the stage ends when both are done.
  mutating func scheduleEffortStage(_ index: Int32, elapsed: Double) {
    let i = Int(index)
    if effort.jobs.count <= i { effort.jobs += Array(repeating: EffortJob(), count: i + 1 - effort.jobs.count) }
    let key = opportunities[i].key
    let t = Int(opportunities[i].team)
    let s = Int(opportunities[i].segment)
    if effort.jobs[i].key != key {
      effort.jobs[i] = EffortJob()
      effort.jobs[i].key = key
      if let rep = seatRep(opportunities[i].rep, team: t) {
        effort.jobs[i].rep = Int32(rep)
      } else {
        effort.jobs[i].rep = Int32(effort.teams[t].repTerritories ? territoryRep(key: key, segment: s, team: t) : leastPendingRep(team: t))
      }
    }
    let daysFactor = self.daysFactor(index)
    let stages = opportunities[i].stages
    let k = Int(opportunities[i].stage)
    let stage = Int(stages.start) + k
    let last = Int(stages.end) - 1
    var ending = DynamicStageEnding()
    if plan.stageDynamics {
      // Outcome-specific days, stale deals and the quarter-end pull end the customer's part.
      ending = drawDynamicStage(
        stage: stage, k: k, last: last, key: key, winFactor: opportunities[i].winFactor, daysFactor: daysFactor, start: now, since: elapsed / daysFactor)
    } else {
      let outcome = generator.select(key: key, attribute: StreamAttribute.stageDays(k), drawingOnce: StreamAttribute.stageOutcome(k))
      let days =
        elapsed > 0
        ? generator.sampleBeyond(plan.stages[stage].days, elapsed: elapsed / daysFactor, from: plan.samplerTables) * daysFactor
        : generator.sample(plan.stages[stage].days, from: plan.samplerTables) * daysFactor
      let end = now + days
      var p = plan.stages[stage].advance
      if stage == last {
        let winFactor = opportunities[i].winFactor
        let push = plan.pushDays >= 0 && plan.clock.quarterEnd(at: end) - end <= plan.pushDays
        p = min(1, push ? p * winFactor * plan.pushFactor : p * winFactor)
        ending.push = push ? plan.pushFactor : 1
      }
      ending = DynamicStageEnding(end: end, advances: outcome < p, stale: false, outcome: outcome, probability: p, push: ending.push)
    }
    if trace != nil, stage == last, !ending.stale {
      traceDecision(index, stage: k, draw: ending.outcome, advance: plan.stages[stage].advance, push: ending.push)
    }
    opportunities[i].advances = ending.advances
    opportunities[i].stale = ending.stale
    effort.jobs[i].outcome = ending.outcome
    effort.jobs[i].advance = ending.probability
    effort.jobs[i].daysDone = false
    effort.jobs[i].stale = ending.stale
    calendar.schedule(.stageDone(opportunity: index), at: ending.end)
    // The work: the stage's hours (their own stream) and the travel to its visits.
    var hours = 0.0
    if let sampler = effort.stages[stage].hours {
      generator.select(key: key, attribute: EffortPlan.effortAttribute(k))
      hours = generator.sample(sampler, from: plan.samplerTables) * effort.effortFactor[t * plan.segments.count + s]
    }
    let travel = effort.stages[stage].visits * effort.teams[t].travelPerVisit
    let work = hours + travel
    if now >= 0, effort.tally[t] >= 0 { addTally(effort.tally[t], at: now) { $0.stages += 1 } }
    guard work > 0 else { return }
    let r = Int(effort.jobs[i].rep)
    flush(rep: r)
    // A stale deal asking for work holds its share of the rep's hours for its stale days, as it
    // would hold a slot: the rep works a deal that will not close until it is given up.
    effort.jobs[i].left = ending.stale ? .infinity : work
    effort.jobs[i].travelShare = travel / work
    effort.jobs[i].active = true
    if effort.teams[t].byValue {
      var remaining = 1.0
      for later in stage...last { remaining *= plan.stages[later].advance }
      let grades = Double(plan.gradeMinimums.count)
      effort.jobs[i].priority = (grades - Double(opportunities[i].grade)) * 1e18 + opportunities[i].value * remaining * opportunities[i].winFactor
    }
    effort.reps[r].jobs.append(index)
    if !ending.stale { effort.reps[r].pending += work }
    scheduleCompletion(rep: r)
  }

  /// The rep who owns the deal's account (`rep_territories`): a team's accounts are dealt to its
  /// reps in turn, by their ordinal among the team's own accounts (`Scenario.accountOrdinals`).
  private mutating func territoryRep(key: UInt64, segment s: Int, team t: Int) -> Int {
    let team = effort.teams[t]
    generator.select(key: key, attribute: StreamAttribute.account)
    let u = generator.uniform()
    let segment = plan.segments[s]
    let account = segment.potential.isEmpty ? Int(u * segment.accounts) : plan.account(at: u, of: segment)
    // A deal of an account nobody owns (an opening pipeline's) goes by its rank.
    let owned = s < plan.ordinalStart.count ? Int(plan.accountOrdinals[plan.ordinalStart[s] + account]) : -1
    return team.firstRep + (owned >= 0 ? owned : account) % max(team.reps, 1)
  }

  /// Whether a stage's end must wait for its rep's work (called when its customer days are over).
  /// A stale deal's days are its stale days: it leaves its rep's desk and is given up.
  mutating func effortHolds(_ index: Int32) -> Bool {
    let i = Int(index)
    guard i < effort.jobs.count, effort.jobs[i].key == opportunities[i].key, effort.jobs[i].active else { return false }
    if effort.jobs[i].stale {
      let r = Int(effort.jobs[i].rep)
      flush(rep: r)
      effort.jobs[i].active = false
      effort.reps[r].jobs.removeAll { $0 == index }
      scheduleCompletion(rep: r)
      return false
    }
    effort.jobs[i].daysDone = true
    effort.jobs[i].daysEnd = now
    return true
  }

  /// The rep's work on a stage is done: the stage ends now if its customer days are over (late:
  /// its advance probability x late_win_factor_per_week per week), else with them.
  private mutating func finishWork(_ index: Int32, late: Bool) {
    effort.jobs[Int(index)].active = false
    if late { completeStage(index) }
  }

  mutating func completeStage(_ index: Int32) {
    let i = Int(index)
    let weeks = (now - effort.jobs[i].daysEnd) / 7
    let factor = effort.lateFactor
    if weeks > 0 {
      if factor != 1 {
        opportunities[i].advances = effort.jobs[i].outcome < effort.jobs[i].advance * Foundation.pow(factor, weeks)
        if trace != nil, opportunities[i].stages.start + opportunities[i].stage == opportunities[i].stages.end - 1 {
          traceFactor(index, .lateness, Foundation.pow(factor, weeks))
        }
      }
      let t = Int(opportunities[i].team)
      let m = t < effort.tally.count ? effort.tally[t] : -1
      if now >= 0, m >= 0 {
        addTally(m, at: now) {
          $0.lateStages += 1
          $0.weeksLate += weeks
        }
      }
    }
    finishStage(index)
  }

  // MARK: - Sharing the hours

  /// Brings a rep's work up to now: its hours since `last` shared equally among its jobs (or all
  /// to the most valuable with triage by value), or, with no work, spent covering accounts.
  mutating func flush(rep r: Int) {
    let dt = now - effort.reps[r].last
    guard dt > 0 else { return }
    let rep = effort.reps[r]
    let hours = rep.seat < 0 ? rep.rate * dt : accrued(rep: r, from: rep.last, to: now)
    // A vacant seat, or a ramp at 0: no hours.
    if rep.seat >= 0, !(hours > 0) {
      effort.reps[r].last = now
      return
    }
    var travel = 0.0
    if rep.jobs.isEmpty {
      if Int(rep.team) < effort.monthCoverage.count { effort.monthCoverage[Int(rep.team)] += hours }
    } else if rep.byValue {
      let top = rep.jobs.max { effort.jobs[Int($0)].priority < effort.jobs[Int($1)].priority }!
      effort.jobs[Int(top)].left -= hours
      travel = hours * effort.jobs[Int(top)].travelShare
    } else {
      let share = hours / Double(rep.jobs.count)
      for j in rep.jobs {
        effort.jobs[Int(j)].left -= share
        travel += share * effort.jobs[Int(j)].travelShare
      }
    }
    if !rep.jobs.isEmpty { effort.reps[r].pending = max(0, rep.pending - hours * rep.drain) }
    effort.reps[r].last = now
    // The measured part of the interval, in the month it lies in (month ends flush every rep).
    let from = max(rep.last, 0)
    guard now > from else { return }
    let measured = rep.seat < 0 ? hours * (now - from) / dt : accrued(rep: r, from: from, to: now)
    let dealTravel = measured * (travel / hours)
    addTally(rep.tally, at: from) {
      $0.selling += measured
      if rep.jobs.isEmpty {
        $0.coverage += measured
        $0.facing += measured / (1 + rep.visitTravel)
        $0.travel += measured * rep.visitTravel / (1 + rep.visitTravel)
      } else {
        $0.deals += measured - dealTravel
        $0.travel += dealTravel
      }
    }
  }

  private mutating func addTally(_ m: Int, at time: Double, _ change: (inout EffortTally) -> Void) {
    change(&effort.total[m])
    if let month = periodMonth(at: time) { change(&effort.months[month][m]) }
  }

  /// Schedules a rep's next completion: the job with the least work left under sharing (each
  /// advances at rate / jobs), the most valuable under triage by value.
  mutating func scheduleCompletion(rep r: Int) {
    let rep = effort.reps[r]
    guard !rep.jobs.isEmpty, rep.rate > 0 else {
      effort.reps[r].token = .max
      return
    }
    let due: Double
    if rep.byValue {
      let top = rep.jobs.max { effort.jobs[Int($0)].priority < effort.jobs[Int($1)].priority }!
      due = rep.seat < 0 ? max(0, effort.jobs[Int(top)].left) / rep.rate : accrual(rep: r, hours: max(0, effort.jobs[Int(top)].left)) - now
      effort.reps[r].drain = effort.jobs[Int(top)].left.isFinite ? 1 : 0
    } else {
      var least = Double.infinity
      var stale = 0
      for j in rep.jobs {
        least = min(least, effort.jobs[Int(j)].left)
        if effort.jobs[Int(j)].stale { stale += 1 }
      }
      due = rep.seat < 0 ? max(0, least) * Double(rep.jobs.count) / rep.rate : accrual(rep: r, hours: max(0, least) * Double(rep.jobs.count)) - now
      effort.reps[r].drain = Double(rep.jobs.count - stale) / Double(rep.jobs.count)
    }
    // Only stale deals (or the one worked first): no work ends before one of them is given up.
    guard due.isFinite else {
      effort.reps[r].token = .max
      return
    }
    let token = calendar.newToken()
    effort.reps[r].token = token
    calendar.schedule(.workDone(rep: Int32(r), token: token), at: now + due)
  }

  /// A rep's completion event: the jobs whose work is done leave its desk; their stages end now
  /// if their customer days are over.
  mutating func workDone(rep r: Int, token: UInt64) {
    guard r >= 0, r < effort.reps.count, effort.reps[r].token == token else { return }
    flush(rep: r)
    let tolerance = 1e-9 * max(1, effort.reps[r].rate)
    // The jobs done leave the rep's list (the others keep their order).
    effort.finished.removeAll(keepingCapacity: true)
    var kept = 0
    for k in effort.reps[r].jobs.indices {
      let j = effort.reps[r].jobs[k]
      if effort.jobs[Int(j)].left <= tolerance {
        effort.finished.append(j)
      } else {
        effort.reps[r].jobs[kept] = j
        kept += 1
      }
    }
    if kept < effort.reps[r].jobs.count { effort.reps[r].jobs.removeLast(effort.reps[r].jobs.count - kept) }
    if effort.reps[r].jobs.isEmpty { effort.reps[r].pending = 0 }
    scheduleCompletion(rep: r)
    let count = effort.finished.count
    for k in 0..<count {
      let index = effort.finished[k]
      finishWork(index, late: effort.jobs[Int(index)].daysDone)
    }
  }

  // MARK: - Results

  /// Writes each timed team's hours and each responding segment's factor, for the horizon and
  /// every period.
  func writeEffort(into out: UnsafeMutableBufferPointer<Double>) {
    guard let effortPlan = plan.effort else { return }
    let layout = plan.layout
    func write(at offset: Int, tallies: [EffortTally], days: Double, factors: [Double]) {
      for (m, t) in effortPlan.timedTeams.enumerated() {
        let tally = tallies[m]
        let metrics = layout.effort(m, in: out, offset: offset)
        metrics[.sellingHours] = tally.selling
        metrics[.dealHours] = tally.deals
        metrics[.travelHours] = tally.travel
        metrics[.coverageHours] = tally.coverage
        metrics.setRatio(.coverageHoursPerAccountYear, tally.facing, effortPlan.teams[t].accounts * days / 365)
        metrics[.lateStages] = tally.lateStages
        metrics.setRatio(.weeksLateMean, tally.weeksLate, tally.lateStages)
      }
      for k in effortPlan.responses.indices { layout.response(k, in: out, offset: offset)[.responseFactor] = days > 0 ? factors[k] / days : .nan }
    }
    write(at: 0, tallies: effort.total, days: plan.horizon, factors: effort.factorDays)
    guard let periods = plan.periods else { return }
    for (p, month) in periods.months.enumerated() {
      write(at: layout.index(period: p, of: .month, metric: 0), tallies: effort.months[p], days: month.days, factors: effort.monthFactorDays[p])
    }
    for (q, quarter) in periods.quarters.enumerated() {
      let tallies = effortPlan.timedTeams.indices.map { m in quarter.months.reduce(EffortTally()) { $0 + effort.months[$1][m] } }
      let factors = effortPlan.responses.indices.map { k in quarter.months.reduce(0.0) { $0 + effort.monthFactorDays[$1][k] } }
      write(at: layout.index(period: q, of: .quarter, metric: 0), tallies: tallies, days: quarter.days, factors: factors)
    }
  }

  /// Closes the books at the horizon: every rep's hours and the responses' last factor-days.
  mutating func closeEffort() {
    now = plan.horizon
    for r in effort.reps.indices { flush(rep: r) }
    recordFactors(upTo: plan.horizon)
  }
}
