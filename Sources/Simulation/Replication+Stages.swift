import CoverageModel
import Randomness

/// Stages (docs/model.md): a stage begins (with its presales request, if any), its end is drawn
/// and scheduled, and a finished opportunity is booked and its slot freed.
extension Replication {
  mutating func beginStage(_ index: Int32) {
    let current = Int(opportunities[Int(index)].stages.start + opportunities[Int(index)].stage)
    if plan.stages[current].engagesSpecialist, opportunities[Int(index)].awaitsSpecialist { engage(index) }
    let opportunity = opportunities[Int(index)]
    let stage = plan.stages[current]
    let override = plan.teams[Int(opportunity.team)].poolOverride
    let pool = stage.pool >= 0 && override >= 0 ? override : stage.pool
    guard pool >= 0 else { return scheduleStageEnd(index) }
    opportunities[Int(index)].pool = pool
    opportunities[Int(index)].requestTime = now
    if now >= 0 { metrics.request(pool: Int(pool), segment: Int(opportunity.segment)) }
    let poolPlan = plan.pools[Int(pool)]
    if poolPlan.identity >= 0 {
      return requestExpert(index, pool: Int(pool))
    }
    if poolBusy[Int(pool)] < poolPlan.experts {
      startService(index, pool: Int(pool))
    } else {
      enqueue(index, in: queueStart[Int(pool)] + (poolPlan.tiered ? Int(opportunity.grade) : 0), pool: Int(pool))
    }
  }

  /// Draws how the current stage ends (its days and whether it advances) and schedules that end.
  /// Stages that follow without a presales request or a specialist coming or going are drawn
  /// straight on, and only the end of the run is scheduled: nothing happens between them, and
  /// every draw has its own stream, so the results are those of one event per stage, with fewer events.
  /// `elapsed`: days the current stage has already lasted (a deal of the starting pipeline).
  mutating func scheduleStageEnd(_ index: Int32, elapsed: Double = 0) {
    if plan.hasEffort, effort.isTimed(Int(opportunities[Int(index)].team)) { return scheduleEffortStage(index, elapsed: elapsed) }
    if plan.stageDynamics { return scheduleDynamicStageEnd(index, elapsed: elapsed) }
    // The fields this needs, read once (copying the whole opportunity costs more).
    let key = opportunities[Int(index)].key
    let stages = opportunities[Int(index)].stages
    let winFactor = opportunities[Int(index)].winFactor
    let daysFactor = self.daysFactor(index)
    let first = Int(stages.start)
    let last = Int(stages.end) - 1
    var k = Int(opportunities[Int(index)].stage)
    var end = now
    let pushDays = plan.pushDays
    var advances: Bool
    var spent = elapsed
    while true {
      // The stage's fields are read where used (a copy of its plan is made whole).
      let stage = first + k
      // The outcome's draw is made with the days' stream selected: their first blocks side by side.
      let outcome = generator.select(key: key, attribute: StreamAttribute.stageDays(k), drawingOnce: StreamAttribute.stageOutcome(k))
      if spent > 0 {
        end += generator.sampleBeyond(plan.stages[stage].days, elapsed: spent / daysFactor, from: plan.samplerTables) * daysFactor
        spent = 0
      } else {
        end += generator.sample(plan.stages[stage].days, from: plan.samplerTables) * daysFactor
      }
      let advance = plan.stages[stage].advance
      var p = advance
      if stage == last {
        // The quarter-end push: a deal closing in a quarter's last days is pulled in more often.
        let push = pushDays >= 0 && plan.clock.quarterEnd(at: end) - end <= pushDays
        p = min(1, push ? advance * winFactor * plan.pushFactor : advance * winFactor)
        if trace != nil { traceDecision(index, stage: k, draw: outcome, advance: advance, push: push ? plan.pushFactor : 1) }
      }
      advances = outcome < p
      guard advances, stage < last, !plan.stages[stage].endsRun else { break }
      k += 1
    }
    opportunities[Int(index)].stage = Int32(k)
    opportunities[Int(index)].advances = advances
    calendar.schedule(.stageDone(opportunity: index), at: end)
  }

  /// `scheduleStageEnd` with the stage dynamics of docs/model.md ("The dynamics real CRM data
  /// shows"): each stage's ending drawn by `drawDynamicStage`, stages that follow drawn straight on.
  @inline(never)
  mutating func scheduleDynamicStageEnd(_ index: Int32, elapsed: Double) {
    let key = opportunities[Int(index)].key
    let stages = opportunities[Int(index)].stages
    let winFactor = opportunities[Int(index)].winFactor
    let daysFactor = self.daysFactor(index)
    let last = Int(stages.end) - 1
    var k = Int(opportunities[Int(index)].stage)
    var end = now
    var ending = DynamicStageEnding()
    var since = elapsed / daysFactor
    while true {
      let stage = Int(stages.start) + k
      ending = drawDynamicStage(stage: stage, k: k, last: last, key: key, winFactor: winFactor, daysFactor: daysFactor, start: end, since: since)
      since = 0
      if trace != nil, stage == last, !ending.stale {
        traceDecision(index, stage: k, draw: ending.outcome, advance: plan.stages[stage].advance, push: ending.push)
      }
      end = ending.end
      guard ending.advances, !ending.stale, stage < last, !plan.stages[stage].endsRun else { break }
      k += 1
    }
    opportunities[Int(index)].stage = Int32(k)
    opportunities[Int(index)].advances = ending.advances
    opportunities[Int(index)].stale = ending.stale
    calendar.schedule(.stageDone(opportunity: index), at: end)
  }

  /// The fit's factor on every stage's days, for the opportunity's team and customer.
  @inline(__always)
  func daysFactor(_ index: Int32) -> Double {
    plan.usesFit ? plan.fit[Int(opportunities[Int(index)].team) * plan.segments.count + Int(opportunities[Int(index)].segment)].daysFactor : 1
  }

  /// How one stage ends under the stage dynamics, the stage starting at `start`: stale deals
  /// (their own draw first, from `StreamAttribute.stale`), outcomes drawn before their own
  /// durations (competing risks), and the quarter-end pull. A deal of the starting pipeline
  /// `since` days (before the fit's factor) into its stage weighs each ending by its chance to
  /// last that long: stale s S_stale(e), won (1 - s) p S_won(e), lost (1 - s)(1 - p) S_lost(e),
  /// normalised. Also gives the outcome's draw and the probability it was held against (a team
  /// with `time` lowers it for late work).
  @inline(__always)
  mutating func drawDynamicStage(
    stage: Int, k: Int, last: Int, key: UInt64, winFactor: Double, daysFactor: Double, start: Double, since: Double
  ) -> DynamicStageEnding {
    let days = plan.stages[stage].days
    let lost = plan.lostDays[stage]
    let advance = plan.stages[stage].advance
    let p = stage == last ? min(1, advance * winFactor) : advance
    func draw(_ sampler: Sampler) -> Double {
      (since > 0 ? generator.sampleBeyond(sampler, elapsed: since, from: plan.samplerTables) : generator.sample(sampler, from: plan.samplerTables)) * daysFactor
    }
    let share = plan.staleProbability[stage]
    if share > 0, let staleDays = plan.staleDays[stage] {
      var chance = share
      if since > 0 {
        let decided = lost.map { p * days.survival(since, from: plan.samplerTables) + (1 - p) * $0.survival(since, from: plan.samplerTables) } ?? days.survival(since, from: plan.samplerTables)
        let weight = share * staleDays.survival(since, from: plan.samplerTables)
        let total = weight + (1 - share) * decided
        if total > 0 { chance = weight / total }
      }
      generator.select(key: key, attribute: StreamAttribute.stale(k))
      if generator.uniform() < chance {
        return DynamicStageEnding(end: start + draw(staleDays), advances: false, stale: true, outcome: 1, probability: 0)
      }
    }
    let outcome = generator.select(key: key, attribute: StreamAttribute.stageDays(k), drawingOnce: StreamAttribute.stageOutcome(k))
    var end = start
    if let lost {
      var chance = p
      if since > 0 {
        let won = p * days.survival(since, from: plan.samplerTables)
        let lostWeight = (1 - p) * lost.survival(since, from: plan.samplerTables)
        if won + lostWeight > 0 { chance = won / (won + lostWeight) }
      }
      let advances = outcome < chance
      end += draw(advances ? days : lost)
      if stage == last, advances { end = pulled(end, key: key, stageStart: start) }
      return DynamicStageEnding(end: end, advances: advances, stale: false, outcome: outcome, probability: chance)
    }
    end += draw(days)
    var q = p
    if stage == last {
      end = pulled(end, key: key, stageStart: start)
      // The quarter-end push: a deal closing in a quarter's last days is won more often.
      if plan.pushDays >= 0 && plan.clock.quarterEnd(at: end) - end <= plan.pushDays {
        q = min(1, advance * winFactor * plan.pushFactor)
        return DynamicStageEnding(end: end, advances: outcome < q, stale: false, outcome: outcome, probability: q, push: plan.pushFactor)
      }
    }
    return DynamicStageEnding(end: end, advances: outcome < q, stale: false, outcome: outcome, probability: q)
  }

  /// The quarter-end pull: a close within `pullDays` after a quarter's end moves, with
  /// `pullProbability` (the deal's own draw), to the middle of the quarter's last day, if the
  /// stage had begun by then.
  mutating func pulled(_ end: Double, key: UInt64, stageStart: Double) -> Double {
    guard plan.pullDays >= 0 else { return end }
    let boundary = plan.clock.quarterStart(at: end)
    let target = boundary - 0.5
    guard end - boundary < plan.pullDays, target >= stageStart else { return end }
    generator.select(key: key, attribute: StreamAttribute.quarterPull)
    return generator.uniform() < plan.pullProbability ? target : end
  }

  mutating func finishStage(_ index: Int32) {
    if plan.mayAbandon, opportunities[Int(index)].abandoned { return freeSlot(index) }
    if plan.hasEffort, effortHolds(index) { return }
    let advances = opportunities[Int(index)].advances
    let current = opportunities[Int(index)].stages.start + opportunities[Int(index)].stage
    if opportunities[Int(index)].desk >= 0, plan.stages[Int(current)].releasesSpecialist { releaseSpecialist(index) }
    if advances && current < opportunities[Int(index)].stages.end - 1 {
      opportunities[Int(index)].stage += 1
      return beginStage(index)
    }
    let opportunity = opportunities[Int(index)]
    if now >= 0 {
      if advances {
        let team = plan.teams[Int(opportunity.team)]
        let solution = Int(opportunity.solution)
        metrics.won(
          value: opportunity.value, cycleDays: now - opportunity.arrival, segment: Int(opportunity.segment),
          team: Int(opportunity.team), specialist: Int(opportunity.specialist), margin: team.margin,
          grossMargin: solution >= 0 ? plan.solutions[solution].grossMargin : plan.grossMargin,
          commission: team.commissionRate + (opportunity.specialist >= 0 ? plan.teams[Int(opportunity.specialist)].commissionRate : 0))
        if opportunity.rep >= 0 {
          assert(plan.seats[Int(opportunity.rep)].people == plan.teams[Int(opportunity.team)].people, "a deal won by another team's rep")
          workforce.credit(opportunity.rep, value: opportunity.value, plan: plan, month: metrics.month)
        }
      } else if !opportunity.stale {
        metrics.lost(segment: Int(opportunity.segment))
      }
    }
    if trace != nil { traceClosed(index, won: advances, stale: opportunity.stale) }
    occupyTeam(Int(opportunity.team), by: -1)
    releaseSpecialist(index)
    if opportunity.rep >= 0 {
      workforce.release(opportunity.rep)
      opportunities[Int(index)].rep = -1
    }
    freeSlot(index)
  }

  /// Puts an opportunity's slot on the free list for a later one (never twice: two opportunities
  /// would share it).
  @inline(__always)
  mutating func freeSlot(_ index: Int32) {
    #if DEBUG
      assert(!opportunities[Int(index)].isFree, "an opportunity's slot freed twice")
      opportunities[Int(index)].isFree = true
    #endif
    freeOpportunities.append(index)
  }
}

/// How a stage ends under the stage dynamics: when its customer days are over, whether it
/// advances or went stale, and the outcome's draw with the probability it was held against.
struct DynamicStageEnding {
  var end = 0.0
  var advances = false
  var stale = false
  var outcome = 1.0
  var probability = 0.0
  /// The quarter-end push's factor on the probability (1: none).
  var push = 1.0
}
