import CoverageModel
import Randomness

/// Transitions (docs/model.md, "Transitions"): the switch, on the transition's day, from the
/// organisation before it to the one after it.
extension Replication {
  /// The switch to the organisation after a transition, at `now`: reps carried, released and
  /// hired; each open opportunity re-derived from its account, moved to the new owner if that
  /// changed (lost with the handover loss), its specialist kept where the desk still exists;
  /// requests re-queued by the new pools' policies; arrivals re-timed where a rate changed.
  mutating func reorganise(_ transition: TransitionPlan, replicationKey: UInt64) {
    let before = plan
    let after = transition.after
    if metrics.byPeriod { metrics.advance(to: now, teamBusy: teamBusy, poolBusy: poolBusy) }
    // Every waiting patience clock into the calendar: the lanes start again with the new pools.
    for lane in patienceLanes.indices {
      while let clock = patienceLanes[lane].popFirst() {
        calendar.schedule(.patienceOut(opportunity: clock.opportunity, token: clock.token), at: clock.due)
      }
      patienceLanes[lane].removeAll()
    }
    if before.hasPeople || after.hasPeople {
      workforce.reorganise(
        transition, at: now, before: before, replicationKey: replicationKey, calendar: &calendar, generator: generator)
    }
    var free = [Bool](repeating: false, count: opportunities.count)
    for index in freeOpportunities.indices { free[Int(freeOpportunities[index])] = true }
    var waiting: [[(token: UInt64, opportunity: Int32)]] = Array(repeating: [], count: after.pools.count)
    var needsRep: [Int] = []
    var withdrawn: [Int] = []
    plan = after
    for i in opportunities.indices where !free[i] && !opportunities[i].abandoned {
      var opportunity = opportunities[i]
      let segment = before.segments[Int(opportunity.segment)]
      let (position, _) = accountPosition(key: opportunity.key, in: segment)
      let formerOwner = before.slices[slice(at: position, among: segment.slices, in: before.slices)].owner
      let owner = after.slices[slice(at: position, among: after.segments[Int(opportunity.segment)].slices, in: after.slices)].owner
      if opportunity.desk >= 0 {
        // The specialists stay if their group (or embedded entry) does, credited to its team now.
        opportunity.desk = transition.deskMap[Int(opportunity.desk)]
        if opportunity.desk >= 0, after.desks[Int(opportunity.desk)].team >= 0 { opportunity.specialist = after.desks[Int(opportunity.desk)].team }
      }
      if opportunity.rep >= 0 {
        opportunity.rep = transition.seatMap[Int(opportunity.rep)]
        // A rep whose seat went to another team (a split whose first part is listed before the
        // one keeping the name) no longer works the deal: its team gives it a rep of its own.
        if opportunity.rep >= 0, after.seats[Int(opportunity.rep)].people != after.teams[Int(opportunity.team)].people { opportunity.rep = -1 }
      }
      var lost = false
      if owner != formerOwner || !transition.continues[Int(opportunity.team)] {
        // The account changed hands (or its team is gone): the new owner takes the deal, or loses it.
        if owner < 0 {
          lost = true
        } else {
          if transition.handoverLoss > 0 {
            generator.select(key: opportunity.key, attribute: StreamAttribute.switchHandover)
            lost = generator.uniform() < transition.handoverLoss
          }
          opportunity.team = owner
          opportunity.rep = -1
        }
      }
      let people = Int(after.teams[Int(opportunity.team)].people)
      if people < 0 { opportunity.rep = -1 } else if !lost, opportunity.rep < 0 { needsRep.append(i) }
      opportunities[i] = opportunity
      if lost {
        if now >= 0 {
          metrics.lost(segment: Int(opportunity.segment))
          metrics.lostAtSwitch(value: opportunity.value)
        }
        opportunities[i].desk = -1
        opportunities[i].rep = -1
        opportunities[i].abandoned = true
        if opportunity.waiting {
          recordWait(Int32(i))
          opportunities[i].waiting = false
          if !opportunity.patienceClock { freeSlot(Int32(i)) }
        } else {
          opportunities[i].token = calendar.newToken()
        }
      } else if opportunity.waiting, !transition.poolContinues[Int(opportunity.pool)] {
        // Its pool is disbanded: the request is withdrawn and the deal goes on without presales,
        // as the motion does after the switch (no win factor: the step is gone, not missed).
        recordWait(Int32(i))
        opportunities[i].waiting = false
        opportunities[i].patienceClock = false
        opportunities[i].token = calendar.newToken()
        withdrawn.append(i)
      } else if opportunity.waiting {
        waiting[Int(opportunity.pool)].append((opportunity.token, Int32(i)))
      }
    }
    recount(after)
    for i in needsRep {
      // A new owner, or a rep released: the rep with the most free slots takes it (over capacity if need be).
      let seat = workforce.freestSeat(people: Int(after.teams[Int(opportunities[i].team)].people), at: now, plan: after, handingOver: Int.max)
      opportunities[i].rep = seat
      if seat >= 0 { workforce.take(seat) }
    }
    requeue(waiting, plan: after)
    if before.hasEffort || after.hasEffort { rebuildEffort(before: before) }
    for i in withdrawn { scheduleStageEnd(Int32(i)) }
    retimeArrivals(from: before)
    if after.servesWinFactor, servedPools.count < opportunities.count {
      for _ in servedPools.count..<opportunities.count { servedPools.append(0) }
    }
    metrics.switchCost(transition.switchCost)
  }

  /// Team, desk and rep loads counted afresh from the open opportunities (after a switch).
  private mutating func recount(_ after: SimulationPlan) {
    var teams = [Int32](repeating: 0, count: teamBusy.count)
    deskBusy.fill(with: 0)
    workforce.clearLoads()
    var free = [Bool](repeating: false, count: opportunities.count)
    for index in freeOpportunities.indices { free[Int(freeOpportunities[index])] = true }
    for i in opportunities.indices where !free[i] && !opportunities[i].abandoned {
      let opportunity = opportunities[i]
      teams[Int(opportunity.team)] += 1
      if opportunity.desk >= 0 {
        deskBusy[Int(opportunity.desk)] += 1
        let team = after.desks[Int(opportunity.desk)].team
        if team >= 0 { teams[Int(team)] += 1 }
      }
      if opportunity.rep >= 0 { workforce.take(opportunity.rep) }
    }
    for t in teams.indices where teams[t] != teamBusy[t] { occupyTeam(t, by: teams[t] - teamBusy[t]) }
  }

  /// The waiting requests put in the queues of the pools after a switch (their policies may
  /// differ), in the order they were made; pools with more experts now start serving at once.
  private mutating func requeue(_ waiting: [[(token: UInt64, opportunity: Int32)]], plan after: SimulationPlan) {
    // Pools whose experts are tracked one by one are the same on both sides: their queues stay.
    let tracked = after.pools.indices.filter { after.pools[$0].identity >= 0 }.map { ($0, queues[queueStart[$0]..<queueStart[$0 + 1]]) }
    queueStart = Self.queueStarts(after)
    queues = Array(repeating: PresalesQueue(), count: queueStart.last ?? 0)
    for (pool, kept) in tracked { queues.replaceSubrange(queueStart[pool]..<queueStart[pool + 1], with: kept) }
    for (pool, requests) in waiting.enumerated() where after.pools[pool].identity < 0 {
      for (token, index) in requests.sorted(by: { $0.token < $1.token }) {
        queues[queueStart[pool] + (after.pools[pool].tiered ? Int(opportunities[Int(index)].grade) : 0)].append(index, token: token)
      }
      while poolBusy[pool] < after.pools[pool].experts, let next = nextWaiting(pool: pool) { startService(next, pool: pool) }
    }
  }

  /// Each segment's pending arrival re-timed to the rates after a switch: the same unit-rate
  /// draw, so a segment whose rate did not change keeps its arrival.
  private mutating func retimeArrivals(from before: SimulationPlan) {
    for s in plan.segments.indices {
      let old = before.segments[s]
      let new = plan.segments[s]
      let oldRates = old.seasons.range.map { before.seasonRates[$0] }
      let newRates = new.seasons.range.map { plan.seasonRates[$0] }
      guard old.meanInterarrival != new.meanInterarrival || oldRates != newRates else { continue }
      let pending = calendar.pendingArrival(segment: s)
      guard pending.isFinite else { continue }
      let mass = before.expectedArrivals(old, from: now, to: pending)
      calendar.schedule(.arrival(segment: Int32(s)), at: plan.arrivalTime(new, after: now, reaching: mass))
    }
  }

  // MARK: - Reps' work across the switch

  /// After a transition's switch (deals already with their new teams): the reps of the new
  /// organisation, each open deal's pending work given to a rep of its team now (a team without
  /// `time` drops it: the stage ends with its days), the tallies carried over by team name.
  mutating func rebuildEffort(before: SimulationPlan) {
    for r in effort.reps.indices { flush(rep: r) }
    let names = before.effort?.teamNames ?? []
    let oldTotal = effort.total
    let oldMonths = effort.months
    let effortPlan = plan.effort
    let newNames = effortPlan?.teamNames ?? []
    effort.reps = effortPlan.map { EffortState.reps($0, at: now) } ?? []
    effort.cache(effortPlan)
    effort.total = Array(repeating: EffortTally(), count: newNames.count)
    effort.months = oldMonths.map { _ in Array(repeating: EffortTally(), count: newNames.count) }
    for (m, name) in names.enumerated() {
      guard let k = newNames.firstIndex(of: name) else { continue }
      effort.total[k] = effort.total[k] + oldTotal[m]
      for p in oldMonths.indices { effort.months[p][k] = effort.months[p][k] + oldMonths[p][m] }
    }
    if let effortPlan, effort.monthCoverage.count < effortPlan.teams.count {
      effort.monthCoverage += Array(repeating: 0, count: effortPlan.teams.count - effort.monthCoverage.count)
    }
    carryMonthCoverage(before: before)
    var orphans: [Int32] = []
    for i in effort.jobs.indices where effort.jobs[i].active {
      let index = Int32(i)
      let team = Int(opportunities[i].team)
      guard !opportunities[i].abandoned, let effortPlan, effortPlan.teams[team].timed else {
        effort.jobs[i].active = false
        // A deal lost at the switch whose days were over has no event left to free it.
        if opportunities[i].abandoned { if effort.jobs[i].daysDone { freeSlot(index) } } else { orphans.append(index) }
        continue
      }
      let rep = seatRep(opportunities[i].rep, team: team) ?? leastPendingRep(team: team)
      effort.jobs[i].rep = Int32(rep)
      effort.reps[rep].jobs.append(index)
      if !effort.jobs[i].stale { effort.reps[rep].pending += effort.jobs[i].left }
    }
    for r in effort.reps.indices { scheduleCompletion(rep: r) }
    // The responses go on in the new organisation's rates.
    effort.baseInterarrival = plan.segments.map(\.meanInterarrival)
    effort.baseSeasonRates = plan.seasonRates
    if let effortPlan, effort.factors.count == effortPlan.responses.count {
      for (k, response) in effortPlan.responses.enumerated() { scaleRate(segment: response.segment, by: effort.factors[k]) }
    }
    for index in orphans where effort.jobs[Int(index)].daysDone { completeStage(index) }
  }

  /// The coverage the month has given so far, in the new organisation's terms: an account keeps
  /// the customer-facing hours its former owner gave it (the former owner's, evenly per account;
  /// an owner without `time` gave the reference hours), now counted for its new owner. A team
  /// that owns the same accounts on the same terms keeps its hours as they are.
  private mutating func carryMonthCoverage(before: SimulationPlan) {
    guard let after = plan.effort else { return }
    let former = before.effort ?? EffortPlan()
    let days = max(0, now - effort.monthStart)
    /// Per team, its (segment, lower, upper) account ranges.
    func ranges(_ p: SimulationPlan) -> [[(segment: Int, lower: Double, upper: Double)]] {
      var out = Array(repeating: [(segment: Int, lower: Double, upper: Double)](), count: p.teams.count)
      for (s, segment) in p.segments.enumerated() {
        var lower = 0.0
        for slice in p.slices[segment.slices.range] {
          if slice.owner >= 0 { out[Int(slice.owner)].append((s, lower, slice.upper)) }
          lower = slice.upper
        }
      }
      return out
    }
    let old = ranges(before)
    let new = ranges(plan)
    func travelFactor(_ team: EffortPlan.TeamEffort) -> Double { 1 + team.visitShare * team.travelPerVisit }
    func unchanged(_ t: Int) -> Bool {
      guard t < old.count, t < former.teams.count, former.teams[t].timed == after.teams[t].timed else { return false }
      let (a, b) = (former.teams[t], after.teams[t])
      return old[t].elementsEqual(new[t]) { $0 == $1 } && a.accounts == b.accounts && travelFactor(a) == travelFactor(b)
    }
    // Customer-facing hours per account each former owner has given this month.
    let perAccount = before.teams.indices.map { o -> Double in
      if o < former.teams.count, former.teams[o].timed {
        return former.teams[o].accounts > 0 ? effort.monthCoverage[o] / travelFactor(former.teams[o]) / former.teams[o].accounts : 0
      }
      return .nan
    }
    var carried = Array(repeating: 0.0, count: after.teams.count)
    for (t, team) in after.teams.enumerated() where team.timed && !unchanged(t) {
      var facing = 0.0
      for range in new[t] {
        let accounts = plan.segments[range.segment].accounts
        let reference = after.responses.first { $0.segment == range.segment }?.rule.referenceHoursPerAccountYear ?? 0
        for (o, ownerRanges) in old.enumerated() {
          for formerRange in ownerRanges where formerRange.segment == range.segment {
            let overlap = min(range.upper, formerRange.upper) - max(range.lower, formerRange.lower)
            guard overlap > 0 else { continue }
            let given = perAccount[o].isNaN ? reference * days / 365 : perAccount[o]
            facing += overlap * accounts * given
          }
        }
      }
      carried[t] = facing * travelFactor(team)
    }
    for t in carried.indices where after.teams[t].timed && !unchanged(t) { effort.monthCoverage[t] = carried[t] }
  }
}
