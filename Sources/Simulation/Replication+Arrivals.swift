import CoverageModel
import Randomness

/// Arrivals and coverage (docs/model.md): an arrival's account and owner, admission to a team
/// with room, and acceptance (deal size, grade, win factor, needs).
extension Replication {
  mutating func arrive(segment s: Int) {
    // The segment's fields are read where used (as in `accept`): a copy of its plan is made whole.
    let index = arrivalIndex[s]
    arrivalIndex[s] += 1
    if plan.segments[s].seasons.isEmpty && !plan.dispersed {
      calendar.schedule(.arrival(segment: Int32(s)), at: now + arrivalGenerators[s].exponential(mean: plan.segments[s].meanInterarrival))
    } else {
      calendar.schedule(.arrival(segment: Int32(s)), at: nextArrival(segment: s, after: now))
    }
    let counted = now >= 0
    if counted { metrics.arrival(segment: s) }

    // The opportunity's key, made when first needed: a blocked arrival in a one-owner segment never needs it.
    var key: UInt64?
    let slices = plan.segments[s].slices
    var slice = Int(slices.start)
    var sizeFactor = 1.0
    if plan.segments[s].drawsAccount {
      // Which account, hence whose territory; a segment with one owner needs no draw (and skipping it
      // changes no other draw: every attribute has its own stream).
      let accountKey = StreamKey.opportunity(segmentKey: segmentKeys[s], index: index)
      key = accountKey
      let (position, account) = accountPosition(key: accountKey, in: plan.segments[s])
      if plan.segments[s].sizeElastic { sizeFactor = plan.rankedAccounts[Int(plan.segments[s].potential.start) + account].sizeFactor }
      slice = self.slice(at: position, among: slices, in: plan.slices)
    }
    let owner = plan.slices[slice].owner
    guard owner >= 0 else {
      if counted { metrics.uncovered() }
      return
    }
    if plan.hasEffort, effortDeclines(team: Int(owner)) {
      if counted { metrics.blocked(team: Int(owner)) }
      return
    }
    var team = owner
    var seat: Int32 = -1
    if plan.hasPeople {
      guard let (admitted, rep) = admit(owner) else {
        if counted { metrics.blocked(team: Int(owner)) }
        return
      }
      (team, seat) = (admitted, rep)
    } else if teamBusy[Int(owner)] >= plan.teams[Int(owner)].capacity {
      let overflow = plan.teams[Int(owner)].overflow
      if overflow >= 0, teamBusy[Int(overflow)] < plan.teams[Int(overflow)].capacity {
        team = overflow
      } else {
        if counted { metrics.blocked(team: Int(owner)) }
        return
      }
    }
    let opportunityKey = key ?? StreamKey.opportunity(segmentKey: segmentKeys[s], index: index)
    // After a transition, a key account that changed owner has lost some of its relationships.
    let relationship = now < plan.recoveryEnd ? relationshipRecovery(key: opportunityKey, segment: s, owner: owner) : 1
    accept(segment: s, team: Int(team), seat: seat, key: opportunityKey, sizeFactor: sizeFactor, relationship: relationship, counted: counted)
  }

  /// The position (a fraction) of the account an opportunity falls on, from its own draw, and the
  /// account's rank by potential (0 with equal accounts).
  @inline(__always)
  func accountPosition(key: UInt64, in segment: SimulationPlan.SegmentPlan) -> (Double, Int) {
    generator.select(key: key, attribute: StreamAttribute.account)
    let u = generator.uniform()
    if segment.potential.isEmpty { return (Double(Int(u * segment.accounts)) / segment.accounts, 0) }
    let account = plan.account(at: u, of: segment)
    return (Double(account) / segment.accounts, account)
  }

  /// The territory slice holding an account position.
  @inline(__always)
  func slice(at position: Double, among span: SimulationPlan.Span, in slices: [SimulationPlan.SlicePlan]) -> Int {
    var slice = Int(span.start)
    while slice < Int(span.end) - 1, position >= slices[slice].upper { slice += 1 }
    return slice
  }

  /// The relationship coverage factor of a new opportunity of a key account that changed owner at
  /// the switch: the floor, recovering linearly to 1 (1 for an account that kept its owner).
  private func relationshipRecovery(key: UInt64, segment s: Int, owner: Int32) -> Double {
    guard plan.teams[Int(owner)].relationshipCoverage != nil else { return 1 }
    let (position, _) = accountPosition(key: key, in: plan.segments[s])
    let former = plan.formerSlices[slice(at: position, among: plan.formerSegmentSlices[s], in: plan.formerSlices)].owner
    guard former != owner else { return 1 }
    let recovered = 1 - (plan.recoveryEnd - now) / plan.recoveryDays
    return plan.relationshipFloor + (1 - plan.relationshipFloor) * recovered
  }

  // Helpers that read `self` are inlined, or `mutating` when not: an event handler's call to a
  // non-mutating method that is not inlined copies the whole replication first (docs/performance.md).

  /// With people: the owner, else its overflow team, if it has room, and the rep who takes the
  /// opportunity (-1 for a team that is one pool of slots); nil when both are full.
  @inline(__always)
  private func admit(_ owner: Int32) -> (Int32, Int32)? {
    if let seat = room(in: owner) { return (owner, seat) }
    let overflow = plan.teams[Int(owner)].overflow
    if overflow >= 0, let seat = room(in: overflow) { return (overflow, seat) }
    return nil
  }

  /// The rep with the most free slots, -1 for a team that is one pool with a free slot, nil when full.
  @inline(__always)
  private func room(in team: Int32) -> Int32? {
    let people = plan.teams[Int(team)].people
    if people >= 0 {
      // A team with time takes a deal while a rep in post has hours: the one with the least pending work.
      if plan.hasEffort, effort.isTimed(Int(team)) {
        let rep = leastPendingRep(team: Int(team))
        return working(rep: rep) ? effort.reps[rep].seat : nil
      }
      let seat = workforce.freestSeat(people: Int(people), at: now, plan: plan)
      return seat >= 0 ? seat : nil
    }
    return teamBusy[Int(team)] < plan.teams[Int(team)].capacity ? -1 : nil
  }

  /// The segment's next arrival after `time`: an exponential gap at a constant rate, or with
  /// seasons the same unit-rate draw time-changed through the monthly rates (so variants with the
  /// same seasons meet the same arrivals): the time at which the integrated rate from `time`
  /// reaches that draw.
  @inline(never)
  mutating func nextArrival(segment s: Int, after time: Double) -> Double {
    let segment = plan.segments[s]
    if plan.dispersed, plan.monthFactor[s] != nil { return dispersedArrival(segment: s, after: time, reaching: arrivalGenerators[s].exponential(mean: 1)) }
    guard !segment.seasons.isEmpty else { return time + arrivalGenerators[s].exponential(mean: segment.meanInterarrival) }
    return plan.arrivalTime(segment, after: time, reaching: arrivalGenerators[s].exponential(mean: 1))
  }

  /// With `arrival_dispersion`: the time at which the integrated rate from `time` reaches `mass`,
  /// the rate in each month its seasonal (or constant) rate times the month's gamma factor. The
  /// same unit-rate draws as without it, so months with a factor of 1 meet the same arrivals.
  mutating func dispersedArrival(segment s: Int, after time: Double, reaching mass: Double) -> Double {
    let segment = plan.segments[s]
    var remaining = mass
    var t = time
    while true {
      let (month, end) = plan.clock.month(at: t)
      let base = segment.seasons.isEmpty ? 1 / segment.meanInterarrival : plan.seasonRates[Int(segment.seasons.start) + month]
      let rate = base * monthFactor(segment: s, at: t)
      if rate > 0 {
        let capacity = rate * (end - t)
        if remaining <= capacity { return t + remaining / rate }
        remaining -= capacity
      }
      t = end
    }
  }

  /// The gamma factor of segment `s`'s arrival rate in the month holding `t`: drawn once per
  /// replication and month, from its own place in the segment's arrivals stream.
  mutating func monthFactor(segment s: Int, at t: Double) -> Double {
    guard let sampler = plan.monthFactor[s] else { return 1 }
    let month = plan.clock.absoluteMonth(at: t)
    let i = month - firstMonth
    if i >= 0, i < monthFactors[s].count, monthFactors[s][i] > 0 { return monthFactors[s][i] }
    generator.select(key: StreamKey.arrivals(replicationKey: dynamicsKey, segment: plan.segments[s].nameKey), attribute: StreamAttribute.monthFactor(month))
    let factor = max(generator.sample(sampler, from: plan.samplerTables), .leastNormalMagnitude)
    if i >= 0 {
      if i >= monthFactors[s].count { monthFactors[s] += Array(repeating: 0, count: i + 1 - monthFactors[s].count) }
      monthFactors[s][i] = factor
    }
    return factor
  }

  /// The draws a replication makes up front for section 16's dynamics: its reps' win factors
  /// (each team's, from a stream of its own), and room for its months' arrival factors.
  mutating func drawDynamics(replicationKey: UInt64, start: Double) {
    dynamicsKey = replicationKey
    firstMonth = plan.clock.absoluteMonth(at: start)
    monthFactors = plan.segments.indices.map { _ in [] }
    repFactors = plan.teams.indices.map { t in
      guard let sampler = plan.repWinFactor[t] else { return [] }
      return (0..<max(plan.repCount[t], 1)).map { r in
        generator.select(key: StreamKey.mix(replicationKey ^ plan.repKeys[t]), attribute: UInt64(r))
        return max(0, generator.sample(sampler, from: plan.samplerTables))
      }
    }
  }

  private mutating func accept(segment s: Int, team t: Int, seat: Int32, key: UInt64, sizeFactor: Double, relationship: Double, counted: Bool) {
    // The segment's and team's fields are read where used, never as copies of the two plans (`let
    // segment = plan.segments[s]`): the calls below could change `plan` for all the compiler knows,
    // so such a copy is made whole (docs/performance.md).
    if counted { metrics.accepted(segment: s) }
    occupyTeam(t, by: 1)

    var opportunity = Opportunity()
    opportunity.key = key
    opportunity.segment = Int32(s)
    opportunity.team = Int32(t)
    let motion = plan.segments[s].motion
    opportunity.stages = motion.isEmpty ? plan.teams[t].stages : motion
    opportunity.arrival = now

    // The new-hire draw is made with the deal size's stream selected: their first blocks side by side.
    let newHireShare = plan.teams[t].newHireShare
    var newHireDraw = 1.0
    if newHireShare > 0 {
      newHireDraw = generator.select(key: key, attribute: StreamAttribute.dealSize, drawingOnce: StreamAttribute.newHire)
    } else {
      generator.select(key: key, attribute: StreamAttribute.dealSize)
    }
    // The deal for this account's size; its grade follows from it (before any specialist uplift).
    let value = generator.sample(plan.segments[s].dealSize, from: plan.samplerTables) * sizeFactor
    var grade = 0
    while grade < plan.gradeMinimums.count - 1, value < plan.gradeMinimums[grade] { grade += 1 }
    opportunity.grade = Int32(grade)
    var factor = 1.0
    // The factors by cause, for the bridge's records only (`trace`).
    var causes = WinCauses()
    if plan.usesFit {
      let fit = plan.fit[t * plan.segments.count + s]
      factor = fit.winFactor
      causes[.fit] = fit.winFactor
    }

    if seat >= 0 {
      workforce.take(seat)
      opportunity.rep = seat
      if plan.people[Int(plan.teams[t].people)].rampWin {
        let productivity = workforce.productivity(Int(seat), at: now, plan: plan)
        factor *= productivity
        causes[.ramp] = productivity
      }
    }
    if newHireDraw < newHireShare {
      factor *= plan.teams[t].newHireWinFactor
      causes[.ramp] *= plan.teams[t].newHireWinFactor
    }
    if let coverage = plan.teams[t].relationshipCoverage {
      var decisionMakers = 1
      if let sampler = plan.segments[s].decisionMakers {
        generator.select(key: key, attribute: StreamAttribute.decisionMakers)
        // Rounded, at least 1; a draw beyond a billion (validation keeps distributions finite) is a billion.
        let drawn = generator.sample(sampler, from: plan.samplerTables).rounded()
        decisionMakers = drawn >= 1 ? (drawn < 1e9 ? Int(drawn) : 1_000_000_000) : 1
      }
      generator.select(key: key, attribute: StreamAttribute.relationshipCoverage)
      let share = min(1, max(0, generator.sample(coverage, from: plan.samplerTables))) * relationship
      generator.select(key: key, attribute: StreamAttribute.reached)
      let reached = generator.binomial(p: share, trials: decisionMakers)
      let espFloor = plan.teams[t].espFloor
      let esp = espFloor + (1 - espFloor) * Double(reached) / Double(decisionMakers)
      factor *= esp
      causes[.esp] = esp
    } else if plan.segments[s].decisionMakers != nil {
      // ESP+ belongs to the customer: an owner without a relationship programme reaches none.
      factor *= plan.teams[t].espFloor
      causes[.esp] = plan.teams[t].espFloor
    }
    let needs = plan.segments[s].needs
    if !needs.isEmpty {
      generator.select(key: key, attribute: StreamAttribute.solution)
      let u = generator.uniform()
      if let need = needs.range.first(where: { u < plan.needs[$0].cumulative }) {
        opportunity.solution = plan.needs[need].solution
        opportunity.awaitsSpecialist = true
      }
    }
    if plan.repFactors, !repFactors[t].isEmpty {
      // The rep who owns it: its seat in a team of people, else one of the team's reps by its key.
      let count = repFactors[t].count
      let rep = seat >= 0 ? Int(seat - plan.people[Int(plan.teams[t].people)].seats.start) : Int(key % UInt64(count))
      factor *= repFactors[t][min(max(rep, 0), count - 1)]
      causes[.other] = repFactors[t][min(max(rep, 0), count - 1)]
    }
    opportunity.value = value
    opportunity.winFactor = factor

    let index: Int32
    if let free = freeOpportunities.popLast() {
      index = free
      opportunities[Int(free)] = opportunity
    } else {
      index = Int32(opportunities.count)
      opportunities.append(opportunity)
      for _ in 0..<plan.identityPools { lastExpert.append(-1) }
      if plan.servesWinFactor { servedPools.append(0) }
    }
    if plan.servesWinFactor { servedPools[Int(index)] = 0 }
    if plan.identityPools > 0 {
      for p in 0..<plan.identityPools { lastExpert[Int(index) * plan.identityPools + p] = -1 }
    }
    if trace != nil { traceOpened(index, arrival: arrivalIndex[s] - 1, causes: causes) }
    // Without `specialist` stages, the specialist engages at acceptance (and stays to the end).
    if opportunity.awaitsSpecialist, !plan.stages[Int(opportunity.stages.start)].engagesSpecialist,
      !motionHasSpecialistStage(opportunity.stages)
    {
      engage(index)
    }
    beginStage(index)
  }
}
