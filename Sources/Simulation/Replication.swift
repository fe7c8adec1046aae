import CoverageModel
import Randomness

/// Fixed places of an opportunity's attributes in its random stream (docs/model.md): a value's draw
/// depends only on (opportunity key, attribute, draw number), never on what else was drawn.
enum Attribute {
  static let account: UInt64 = 0
  static let solution: UInt64 = 1
  static let dealSize: UInt64 = 2
  static let decisionMakers: UInt64 = 3
  static let relationshipCoverage: UInt64 = 4
  static let reached: UInt64 = 5
  static let newHire: UInt64 = 6
  static let engagement: UInt64 = 7
  static func stageDays(_ stage: Int) -> UInt64 { 16 + 4 * UInt64(stage) }
  static func stageOutcome(_ stage: Int) -> UInt64 { 17 + 4 * UInt64(stage) }
  static func presalesService(_ stage: Int) -> UInt64 { 18 + 4 * UInt64(stage) }
}

/// One opportunity being worked. Fields are ordered by size so the struct packs tightly (it is
/// copied on every event).
struct Opportunity {
  var key: UInt64 = 0
  var arrival: Double = 0
  var value: Double = 0
  var winFactor: Double = 1
  var requestTime: Double = 0
  /// Its latest presales request's token (`EventCalendar.newToken()`; none yet: a number no
  /// token has).
  var token: UInt64 = .max
  /// Its motion's stages in `plan.stages`, and the current one (0 is the first).
  var stages = SimulationPlan.Span(start: 0, end: 0)
  var stage: Int32 = 0
  var segment: Int32 = 0
  var team: Int32 = 0
  /// The overlay specialist team credited with the deal (-1: none), and the desk whose slot it holds.
  var specialist: Int32 = -1
  var desk: Int32 = -1
  /// The solution it needs (-1: none).
  var solution: Int32 = -1
  /// The expert serving its current presales request (pools tracked one by one).
  var expert: Int32 = -1
  var pool: Int32 = -1
  var grade: Int32 = 0
  /// Whether a specialist engagement is still to come.
  var awaitsSpecialist = false
  var waiting = false
  /// Whether the stage its pending `stageDone` ends advances (drawn when the stage started).
  var advances = false
  /// Lost in a hand-over: its pending event frees it (teams whose reps are people).
  var abandoned = false
  /// Its latest request started a patience clock (its pool had a patience then), whose event
  /// frees it if it is lost while it waits.
  var patienceClock = false
  /// The seat of the rep working it (teams whose reps are people), else -1.
  var rep: Int32 = -1
  #if DEBUG
    /// Its slot is on the free list (checked so that no slot is freed twice).
    var isFree = false
  #endif
}

/// Simulates replications of one plan. Owns its generators and buffers and reuses them from one
/// replication to the next; one per worker thread.
struct Replication<Mode: PeriodMode>: ~Copyable {
  /// The organisation in force: the scenario's, or with a transition the former's until its day.
  var plan: SimulationPlan
  let transition: TransitionPlan?
  let generator: RandomGenerator
  let arrivalGenerators: [RandomGenerator]
  var calendar: EventCalendar
  var opportunities = PlainArray<Opportunity>(capacity: 1024)
  var freeOpportunities = PlainArray<Int32>(capacity: 1024)
  var teamBusy: PlainArray<Int32>
  var deskBusy: PlainArray<Int32>
  var poolBusy: PlainArray<Int32>
  /// Experts of pools tracked one by one: busy or not, and per opportunity and such pool the
  /// expert who served it last (`opportunity * plan.identityPools + identity`).
  var expertBusy: PlainArray<Bool>
  var lastExpert = PlainArray<Int32>(capacity: 0)
  /// Per opportunity, the pools whose served_win_factor has applied (bit p for pool p < 64); kept
  /// only when a pool has such a factor.
  var servedPools = PlainArray<UInt64>(capacity: 0)
  /// Requests waiting for a given expert (coordinate pools): `expertQueues[expert * grades + grade]`.
  var expertQueues: [PresalesQueue]
  /// Pool p's queues (one per grade when tiered) are `queues[queueStart[p]...]`.
  var queues: [PresalesQueue]
  var queueStart: [Int]
  /// Patience clocks waiting their turn for the calendar, one lane per pool (`PatienceLane`).
  var patienceLanes: [PatienceLane]
  /// False: every patience clock goes straight into the calendar (the tests' reference).
  let usesPatienceLanes: Bool
  var now = 0.0
  var arrivalIndex: PlainArray<Int>
  /// Per segment, the key its opportunities' keys derive from in this replication.
  var segmentKeys: PlainArray<UInt64>
  var metrics: ReplicationMetrics<Mode>
  var workforce: Workforce
  /// Every opportunity recorded as it opens and closes (`Simulator.traces`); nil: nothing recorded.
  var trace: OpportunityTrace?

  init(plan: SimulationPlan, transition: TransitionPlan? = nil, generatorKind: GeneratorKind, usesPatienceLanes: Bool = true) {
    self.plan = plan
    self.usesPatienceLanes = usesPatienceLanes
    self.transition = transition
    generator = RandomGenerator(kind: generatorKind)
    calendar = EventCalendar(segments: plan.segments.count)
    arrivalGenerators = plan.segments.map { _ in RandomGenerator(kind: generatorKind) }
    teamBusy = PlainArray(repeating: 0, count: plan.teams.count)
    deskBusy = PlainArray(repeating: 0, count: max(plan.desks.count, transition?.after.desks.count ?? 0))
    poolBusy = PlainArray(repeating: 0, count: plan.pools.count)
    expertBusy = PlainArray(repeating: false, count: plan.identityExperts)
    expertQueues = Array(repeating: PresalesQueue(), count: plan.identityExperts * max(plan.gradeMinimums.count, 1))
    queueStart = plan.pools.indices.reduce(into: [0]) { starts, p in starts.append(starts[p] + plan.queueCount(pool: p)) }
    queues = Array(repeating: PresalesQueue(), count: queueStart.last ?? 0)
    patienceLanes = Array(repeating: PatienceLane(), count: max(plan.pools.count, transition?.after.pools.count ?? 0))
    arrivalIndex = PlainArray(repeating: 0, count: plan.segments.count)
    segmentKeys = PlainArray(repeating: 0, count: plan.segments.count)
    metrics = ReplicationMetrics(plan: plan)
    workforce = Workforce(plan: plan, seats: max(plan.seats.count, transition?.after.seats.count ?? 0))
    initial = plan
  }

  /// The plan a replication starts with (`plan` changes at a transition's switch).
  let initial: SimulationPlan

  /// Runs replication `replication` under `seed` and writes its metrics into `output`.
  mutating func run(seed: UInt64, replication: Int, into output: UnsafeMutableBufferPointer<Double>) {
    if transition != nil { restart() }
    reset()
    let replicationKey = StreamKey.replication(seed: seed, replication: replication)
    let start = -plan.warmup
    for index in plan.segments.indices {
      let segment = plan.segments[index]
      segmentKeys[index] = StreamKey.segment(replicationKey: replicationKey, segment: segment.nameKey)
      arrivalGenerators[index].select(key: StreamKey.arrivals(replicationKey: replicationKey, segment: segment.nameKey), attribute: 0)
      calendar.schedule(.arrival(segment: Int32(index)), at: nextArrival(segment: index, after: start))
    }
    if plan.hasPeople { workforce.reset(plan: plan, replicationKey: replicationKey, start: start, calendar: &calendar, generator: generator) }
    if !plan.pipeline.isEmpty { startPipeline(replicationKey: replicationKey) }
    if let transition, transition.day < plan.horizon {
      simulate(until: transition.day)
      now = transition.day
      reorganise(transition, replicationKey: replicationKey)
    }
    simulate(until: plan.horizon)
    metrics.close(at: plan.horizon, teamBusy: teamBusy, poolBusy: poolBusy)
    if plan.hasPeople {
      workforce.close(plan: plan)
      let salaries = workforce.salaries(plan: plan)
      metrics.total.salaries = salaries.year
      for m in salaries.months.indices { metrics.months[m].salaries = salaries.months[m] }
    }
    let phases = Phases(former: transition == nil ? nil : initial, day: transition?.day ?? -.infinity)
    metrics.write(into: output, plan: plan, phases: phases)
    if plan.hasPeople { workforce.write(into: output, plan: plan, phases: phases) }
  }

  /// Handles the events due before `limit`.
  private mutating func simulate(until limit: Double) {
    while let item = calendar.next(before: limit) {
      now = item.time
      if metrics.byPeriod { metrics.advance(to: now, teamBusy: teamBusy, poolBusy: poolBusy) }
      switch item.event {
      case .arrival(let segment): arrive(segment: Int(segment))
      case .presalesDone(let opportunity): finishPresales(opportunity)
      case .stageDone(let opportunity): finishStage(opportunity)
      case .patienceOut(let opportunity, let token):
        runOutOfPatience(opportunity, token: token)
        if let lane = patienceLanes.firstIndex(where: { $0.scheduled == token }) { scheduleNextPatience(lane: lane) }
      case .repLeaves(let seat): if seat >= 0 { repLeaves(Int(seat)) }
      case .seatFilled(let seat): if seat >= 0 { workforce.fill(Int(seat), at: now, plan: plan, calendar: &calendar, generator: generator) }
      }
    }
  }

  /// Back to the organisation before a transition's switch, for the next replication.
  private mutating func restart() {
    plan = initial
    queueStart = plan.pools.indices.reduce(into: [0]) { starts, p in starts.append(starts[p] + plan.queueCount(pool: p)) }
    queues = Array(repeating: PresalesQueue(), count: queueStart.last ?? 0)
  }

  private mutating func reset() {
    calendar.reset()
    opportunities.removeAll()
    freeOpportunities.removeAll()
    teamBusy.fill(with: 0)
    deskBusy.fill(with: 0)
    poolBusy.fill(with: 0)
    expertBusy.fill(with: false)
    lastExpert.removeAll()
    servedPools.removeAll()
    for q in queues.indices { queues[q].removeAll() }
    for q in expertQueues.indices { expertQueues[q].removeAll() }
    for l in patienceLanes.indices { patienceLanes[l].removeAll() }
    arrivalIndex.fill(with: 0)
    now = -plan.warmup
    metrics.reset(start: -plan.warmup)
  }

  // MARK: - Arrivals and coverage (docs/model.md)

  private mutating func arrive(segment s: Int) {
    // The segment's fields are read where used (as in `accept`): a copy of its plan is made whole.
    let index = arrivalIndex[s]
    arrivalIndex[s] += 1
    if plan.segments[s].seasons.isEmpty {
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
  private func accountPosition(key: UInt64, in segment: SimulationPlan.SegmentPlan) -> (Double, Int) {
    generator.select(key: key, attribute: Attribute.account)
    let u = generator.uniform()
    if segment.potential.isEmpty { return (Double(Int(u * segment.accounts)) / segment.accounts, 0) }
    let account = plan.account(at: u, of: segment)
    return (Double(account) / segment.accounts, account)
  }

  /// The territory slice holding an account position.
  @inline(__always)
  private func slice(at position: Double, among span: SimulationPlan.Span, in slices: [SimulationPlan.SlicePlan]) -> Int {
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

  // The helpers below that read `self` are inlined, or `mutating` when not: a call to a
  // non-mutating method from an event handler copied the whole replication (1,264 bytes) first.

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
  private mutating func nextArrival(segment s: Int, after time: Double) -> Double {
    let segment = plan.segments[s]
    guard !segment.seasons.isEmpty else { return time + arrivalGenerators[s].exponential(mean: segment.meanInterarrival) }
    return plan.arrivalTime(segment, after: time, reaching: arrivalGenerators[s].exponential(mean: 1))
  }

  private mutating func accept(segment s: Int, team t: Int, seat: Int32, key: UInt64, sizeFactor: Double, relationship: Double, counted: Bool) {
    // The segment's and team's fields are read where used: copies of the two plans (`let segment =
    // plan.segments[s]`) were made whole, about 80 instructions an acceptance, as the calls below
    // could change `plan` for all the compiler knows.
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
      newHireDraw = generator.select(key: key, attribute: Attribute.dealSize, drawingOnce: Attribute.newHire)
    } else {
      generator.select(key: key, attribute: Attribute.dealSize)
    }
    // The deal for this account's size; its grade follows from it (before any specialist uplift).
    let value = generator.sample(plan.segments[s].dealSize, from: plan.samplerTables) * sizeFactor
    var grade = 0
    while grade < plan.gradeMinimums.count - 1, value < plan.gradeMinimums[grade] { grade += 1 }
    opportunity.grade = Int32(grade)
    var factor = 1.0
    if plan.usesFit {
      let fit = plan.fit[t * plan.segments.count + s]
      factor = fit.winFactor
    }

    if seat >= 0 {
      workforce.take(seat)
      opportunity.rep = seat
      if plan.people[Int(plan.teams[t].people)].rampWin { factor *= workforce.productivity(Int(seat), at: now, plan: plan) }
    }
    if newHireDraw < newHireShare { factor *= plan.teams[t].newHireWinFactor }
    if let coverage = plan.teams[t].relationshipCoverage {
      var decisionMakers = 1
      if let sampler = plan.segments[s].decisionMakers {
        generator.select(key: key, attribute: Attribute.decisionMakers)
        // Rounded, at least 1; a draw beyond a billion (validation keeps distributions finite) is a billion.
        let drawn = generator.sample(sampler, from: plan.samplerTables).rounded()
        decisionMakers = drawn >= 1 ? (drawn < 1e9 ? Int(drawn) : 1_000_000_000) : 1
      }
      generator.select(key: key, attribute: Attribute.relationshipCoverage)
      let share = min(1, max(0, generator.sample(coverage, from: plan.samplerTables))) * relationship
      generator.select(key: key, attribute: Attribute.reached)
      let reached = generator.binomial(p: share, trials: decisionMakers)
      let espFloor = plan.teams[t].espFloor
      factor *= espFloor + (1 - espFloor) * Double(reached) / Double(decisionMakers)
    } else if plan.segments[s].decisionMakers != nil {
      // ESP+ belongs to the customer: an owner without a relationship programme reaches none.
      factor *= plan.teams[t].espFloor
    }
    let needs = plan.segments[s].needs
    if !needs.isEmpty {
      generator.select(key: key, attribute: Attribute.solution)
      let u = generator.uniform()
      if let need = needs.range.first(where: { u < plan.needs[$0].cumulative }) {
        opportunity.solution = plan.needs[need].solution
        opportunity.awaitsSpecialist = true
      }
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
    if trace != nil { traceOpened(index, arrival: arrivalIndex[s] - 1) }
    // Without `specialist` stages, the specialist engages at acceptance (and stays to the end).
    if opportunity.awaitsSpecialist, !plan.stages[Int(opportunity.stages.start)].engagesSpecialist,
      !motionHasSpecialistStage(opportunity.stages)
    {
      engage(index)
    }
    beginStage(index)
  }

  @inline(__always)
  private func motionHasSpecialistStage(_ stages: SimulationPlan.Span) -> Bool {
    for k in stages.range where plan.stages[k].engagesSpecialist { return true }
    return false
  }

  /// The opportunity's specialist: an embedded one of its team with a free slot, else the first
  /// overlay group for its solution with a free slot that engages, else none (unsupported).
  private mutating func engage(_ index: Int32) {
    var opportunity = opportunities[Int(index)]
    opportunity.awaitsSpecialist = false
    let solution = Int(opportunity.solution)
    let team = plan.teams[Int(opportunity.team)]
    var engaged = false
    for k in team.embedded.range where plan.embedded[k].solution == solution {
      let skill = plan.embedded[k]
      if skill.desk >= 0 {
        guard deskBusy[Int(skill.desk)] < plan.desks[Int(skill.desk)].capacity else { break }
        deskBusy[Int(skill.desk)] += 1
        opportunity.desk = skill.desk
      }
      opportunity.winFactor *= skill.winUplift
      opportunity.value *= skill.dealUplift
      engaged = true
      break
    }
    if !engaged, let candidate = engageSpecialist(for: solution, key: opportunity.key) {
      opportunity.specialist = candidate.team
      opportunity.desk = candidate.desk
      opportunity.winFactor *= candidate.winUplift
      opportunity.value *= candidate.dealUplift
      engaged = true
    }
    if !engaged { opportunity.winFactor *= plan.solutions[solution].unsupportedWinFactor }
    opportunities[Int(index)] = opportunity
  }

  /// The first overlay group for the solution with a free slot that engages (a product group
  /// only with its engage probability; its k-th candidate uses draw k of the engagement stream).
  private mutating func engageSpecialist(for solution: Int, key: UInt64) -> SimulationPlan.CandidatePlan? {
    var drawn = 0
    var u = 0.0
    for candidate in plan.candidates[plan.solutions[solution].specialists.range] {
      guard deskBusy[Int(candidate.desk)] < plan.desks[Int(candidate.desk)].capacity else { continue }
      if candidate.engageProbability < 1 {
        if drawn == 0 { generator.select(key: key, attribute: Attribute.engagement) }
        u = generator.uniform()
        drawn += 1
        guard u < candidate.engageProbability else { continue }
      }
      deskBusy[Int(candidate.desk)] += 1
      occupyTeam(Int(candidate.team), by: 1)
      return candidate
    }
    return nil
  }

  /// The specialist leaves: its slot is free again (the credit stays with the deal).
  @inline(__always)
  private mutating func releaseSpecialist(_ index: Int32) {
    let desk = opportunities[Int(index)].desk
    guard desk >= 0 else { return }
    deskBusy[Int(desk)] -= 1
    let team = plan.desks[Int(desk)].team
    if team >= 0 { occupyTeam(Int(team), by: -1) }
    opportunities[Int(index)].desk = -1
  }

  // MARK: - Stages and presales (docs/model.md)

  private mutating func beginStage(_ index: Int32) {
    let current = Int(opportunities[Int(index)].stages.start + opportunities[Int(index)].stage)
    if plan.stages[current].engagesSpecialist, opportunities[Int(index)].awaitsSpecialist { engage(index) }
    let opportunity = opportunities[Int(index)]
    let stage = plan.stages[current]
    let override = plan.teams[Int(opportunity.team)].poolOverride
    let pool = stage.pool >= 0 && override >= 0 ? override : stage.pool
    guard pool >= 0 else { return scheduleStageEnd(index) }
    opportunities[Int(index)].pool = pool
    opportunities[Int(index)].requestTime = now
    if now >= 0 { metrics.request() }
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

  /// Puts a request in a queue and starts its patience clock.
  private mutating func enqueue(_ index: Int32, in queue: Int, pool: Int) {
    let token = calendar.newToken()
    opportunities[Int(index)].token = token
    opportunities[Int(index)].waiting = true
    opportunities[Int(index)].patienceClock = plan.pools[pool].patience != nil
    if queue >= 0 { queues[queue].append(index, token: token) } else { expertQueues[-queue - 1].append(index, token: token) }
    if let patience = plan.pools[pool].patience {
      if !usesPatienceLanes || patienceLanes[pool].add(PatienceLane.Clock(due: now + patience, opportunity: index, token: token)) {
        calendar.schedule(.patienceOut(opportunity: index, token: token), at: now + patience)
      }
    }
  }

  /// The lane's next clock that may still matter, in the calendar; those of requests served or
  /// withdrawn since are dropped (their events would do nothing).
  private mutating func scheduleNextPatience(lane: Int) {
    patienceLanes[lane].scheduled = nil
    while let clock = patienceLanes[lane].popFirst() {
      let opportunity = opportunities[Int(clock.opportunity)]
      // As `runOutOfPatience` decides: a clock matters while its request waits, or frees an
      // opportunity lost in a hand-over. A token never comes back, and a request that is not
      // waiting waits again only under a new token: a clock that does not matter now never will.
      guard opportunity.token == clock.token, opportunity.waiting || opportunity.abandoned else { continue }
      patienceLanes[lane].scheduled = clock.token
      return calendar.schedule(.patienceOut(opportunity: clock.opportunity, token: clock.token), at: clock.due)
    }
  }

  /// A request to a pool whose experts are tracked one by one. With `coordinate`, a later request
  /// of the same opportunity waits for the expert who served its first; otherwise (and for a
  /// first request) the free expert with the lowest index serves it, or it waits for any.
  private mutating func requestExpert(_ index: Int32, pool: Int) {
    let poolPlan = plan.pools[pool]
    let first = Int(poolPlan.expertStart)
    let grade = poolPlan.tiered ? Int(opportunities[Int(index)].grade) : 0
    let assigned = lastExpert[Int(index) * plan.identityPools + Int(poolPlan.identity)]
    if poolPlan.coordinate, assigned >= 0 {
      if !expertBusy[first + Int(assigned)] { return startService(index, pool: pool, expert: assigned) }
      return enqueue(index, in: -(expertQueue(pool: pool, expert: Int(assigned), grade: grade)) - 1, pool: pool)
    }
    for e in 0..<Int(poolPlan.experts) where !expertBusy[first + e] { return startService(index, pool: pool, expert: Int32(e)) }
    enqueue(index, in: queueStart[pool] + grade, pool: pool)
  }

  @inline(__always)
  private func expertQueue(pool: Int, expert: Int, grade: Int) -> Int {
    (Int(plan.pools[pool].expertStart) + expert) * max(plan.gradeMinimums.count, 1) + grade
  }

  private mutating func startService(_ index: Int32, pool: Int, expert: Int32 = -1) {
    let poolPlan = plan.pools[pool]
    opportunities[Int(index)].waiting = false
    occupyPool(pool, by: 1)
    let requestTime = opportunities[Int(index)].requestTime
    if requestTime >= 0 { metrics.wait(now - requestTime, pool: pool, segment: Int(opportunities[Int(index)].segment)) }
    if poolPlan.affectsWinFactor { adjustWinFactor(index, pool: pool, expert: expert) }
    generator.select(key: opportunities[Int(index)].key, attribute: Attribute.presalesService(Int(opportunities[Int(index)].stage)))
    calendar.schedule(.presalesDone(opportunity: index), at: now + generator.sample(poolPlan.service, from: plan.samplerTables))
  }

  /// A served request's effect on the win factor: a hand-off to another expert than the
  /// opportunity's previous one, and the pool's served factor the first time.
  private mutating func adjustWinFactor(_ index: Int32, pool: Int, expert: Int32) {
    let poolPlan = plan.pools[pool]

    if expert >= 0 {
      expertBusy[Int(poolPlan.expertStart) + Int(expert)] = true
      opportunities[Int(index)].expert = expert
      let slot = Int(index) * plan.identityPools + Int(poolPlan.identity)
      let previous = lastExpert[slot]
      if previous >= 0, previous != expert { opportunities[Int(index)].winFactor *= poolPlan.handoffWinFactor }
      lastExpert[slot] = expert
    }
    if poolPlan.servedWinFactor != 1, pool < 64, servedPools[Int(index)] & (1 << UInt64(pool)) == 0 {
      servedPools[Int(index)] |= 1 << UInt64(pool)
      opportunities[Int(index)].winFactor *= poolPlan.servedWinFactor
    }
  }

  private mutating func recordWait(_ opportunity: Opportunity, pool: Int) {
    if opportunity.requestTime >= 0 { metrics.wait(now - opportunity.requestTime, pool: pool, segment: Int(opportunity.segment)) }
  }

  private mutating func finishPresales(_ index: Int32) {
    let pool = Int(opportunities[Int(index)].pool)
    occupyPool(pool, by: -1)
    if plan.pools[pool].identity >= 0 {
      let expert = opportunities[Int(index)].expert
      expertBusy[Int(plan.pools[pool].expertStart) + Int(expert)] = false
      opportunities[Int(index)].expert = -1
      if let next = nextWaiting(pool: pool, expert: Int(expert)) { startService(next, pool: pool, expert: expert) }
    } else if poolBusy[pool] < plan.pools[pool].experts, let next = nextWaiting(pool: pool) {
      // (A pool can have more busy than experts for a while after a transition takes some away.)
      startService(next, pool: pool)
    }
    if plan.mayAbandon, opportunities[Int(index)].abandoned { return freeSlot(index) }
    scheduleStageEnd(index)
  }

  /// Whether a queue entry is a request still waiting (it has not given up, or been served since).
  @inline(__always)
  private func isWaiting(_ entry: (Int32, UInt64)) -> Bool {
    opportunities[Int(entry.0)].waiting && opportunities[Int(entry.0)].token == entry.1
  }

  /// The next request a freed expert of the pool serves, taken off its queue: by grade when
  /// tiered, then first come first served; entries of requests that gave up are dropped.
  @inline(__always)
  private mutating func nextWaiting(pool: Int) -> Int32? {
    for queue in queueStart[pool]..<queueStart[pool + 1] {
      while let entry = queues[queue].popFirst() {
        if isWaiting(entry) { return entry.0 }
      }
    }
    return nil
  }

  /// For a tracked expert: the requests waiting for that expert and those waiting for any, in
  /// policy order (grade, then the earlier request).
  private mutating func nextWaiting(pool: Int, expert: Int) -> Int32? {
    // Each queue is read and popped on its own: one expression choosing between `queues` and
    // `expertQueues` made both unique (two runtime checks) on every read.
    for grade in 0..<(queueStart[pool + 1] - queueStart[pool]) {
      let general = queueStart[pool] + grade
      let own = plan.pools[pool].coordinate ? expertQueue(pool: pool, expert: expert, grade: grade) : -1
      var mine: (Int32, UInt64)?
      if own >= 0 {
        // Entries of requests that gave up are dropped.
        mine = expertQueues[own].first
        while let entry = mine, !isWaiting(entry) {
          _ = expertQueues[own].popFirst()
          mine = expertQueues[own].first
        }
      }
      var any = queues[general].first
      while let entry = any, !isWaiting(entry) {
        _ = queues[general].popFirst()
        any = queues[general].first
      }
      switch (mine, any) {
      case (nil, nil): continue
      case (let m?, let a?) where m.1 < a.1:
        // Tokens count up within a replication: the smaller came first.
        _ = expertQueues[own].popFirst()
        return m.0
      case (_, let a?):
        _ = queues[general].popFirst()
        return a.0
      case (let m?, nil):
        _ = expertQueues[own].popFirst()
        return m.0
      }
    }
    return nil
  }

  private mutating func runOutOfPatience(_ index: Int32, token: UInt64) {
    let opportunity = opportunities[Int(index)]
    if plan.mayAbandon, opportunity.abandoned {
      // Lost in a hand-over while it waited: this was its pending event.
      if opportunity.token == token { freeSlot(index) }
      return
    }
    guard opportunity.waiting, opportunity.token == token else { return }
    let pool = Int(opportunity.pool)
    opportunities[Int(index)].waiting = false
    opportunities[Int(index)].winFactor *= plan.pools[pool].noPresalesWinFactor
    recordWait(opportunity, pool: pool)
    if opportunity.requestTime >= 0 { metrics.gaveUp() }
    scheduleStageEnd(index)
  }

  /// Draws how the current stage ends (its days and whether it advances) and schedules that end.
  /// Stages that follow without a presales request or a specialist coming or going are drawn
  /// straight on, and only the end of the run is scheduled: nothing happens between them, and
  /// every draw has its own stream, so the results are those of one event per stage, with fewer events.
  /// `elapsed`: days the current stage has already lasted (a deal of the starting pipeline).
  mutating func scheduleStageEnd(_ index: Int32, elapsed: Double = 0) {
    // The fields this needs, read once (copying the whole opportunity costs more).
    let key = opportunities[Int(index)].key
    let stages = opportunities[Int(index)].stages
    let winFactor = opportunities[Int(index)].winFactor
    // The fit's factor on every stage's days, for this team and customer.
    let daysFactor =
      plan.usesFit
      ? plan.fit[Int(opportunities[Int(index)].team) * plan.segments.count + Int(opportunities[Int(index)].segment)].daysFactor : 1
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
      let outcome = generator.select(key: key, attribute: Attribute.stageDays(k), drawingOnce: Attribute.stageOutcome(k))
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
      }
      advances = outcome < p
      guard advances, stage < last, !plan.stages[stage].endsRun else { break }
      k += 1
    }
    opportunities[Int(index)].stage = Int32(k)
    opportunities[Int(index)].advances = advances
    calendar.schedule(.stageDone(opportunity: index), at: end)
  }

  private mutating func finishStage(_ index: Int32) {
    if plan.mayAbandon, opportunities[Int(index)].abandoned { return freeSlot(index) }
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
      } else {
        metrics.lost(segment: Int(opportunity.segment))
      }
    }
    if trace != nil { traceClosed(index, won: advances) }
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
  private mutating func freeSlot(_ index: Int32) {
    #if DEBUG
      assert(!opportunities[Int(index)].isFree, "an opportunity's slot freed twice")
      opportunities[Int(index)].isFree = true
    #endif
    freeOpportunities.append(index)
  }

  // MARK: - People (docs/model.md)

  /// Seat `seat`'s rep leaves: the seat is vacant until its backfill, and the rep's open
  /// opportunities pass to the team's rep with the most free slots (over capacity if need be; kept
  /// for the backfill if nobody is in post), each lost with the team's handover_loss.
  private mutating func repLeaves(_ seat: Int) {
    let people = Int(plan.seats[seat].people)
    let loss = plan.people[people].handoverLoss
    for i in opportunities.indices where opportunities[i].rep == Int32(seat) {
      if loss > 0 {
        generator.select(key: workforce.handoverKey(seat: seat, opportunity: opportunities[i].key), attribute: 0)
        if generator.uniform() < loss {
          abandon(Int32(i), people: people)
          continue
        }
      }
      let heir = workforce.freestSeat(people: people, at: now, plan: plan, handingOver: seat)
      guard heir >= 0 else { continue }
      workforce.release(Int32(seat))
      workforce.take(heir)
      opportunities[i].rep = heir
    }
    workforce.leave(seat, at: now, plan: plan, calendar: &calendar, generator: generator)
  }

  /// An open opportunity lost in a hand-over: it counts as lost now and gives back its team slot,
  /// rep and specialist; the event it was waiting for frees it (a request waiting without
  /// patience has none, so is freed here).
  private mutating func abandon(_ index: Int32, people: Int) {
    let opportunity = opportunities[Int(index)]
    if now >= 0 {
      metrics.lost(segment: Int(opportunity.segment))
      workforce.handoverLost(people: people, at: now)
    }
    if trace != nil { traceClosed(index, won: false) }
    occupyTeam(Int(opportunity.team), by: -1)
    releaseSpecialist(index)
    workforce.release(opportunity.rep)
    opportunities[Int(index)].rep = -1
    opportunities[Int(index)].abandoned = true
    if opportunity.waiting {
      opportunities[Int(index)].waiting = false
      if !opportunity.patienceClock { freeSlot(index) }
    } else {
      // A patience clock left over from a request already served must not free it.
      opportunities[Int(index)].token = calendar.newToken()
    }
  }

  // MARK: - Transition (docs/model.md, "Transitions")

  /// The switch to the organisation after a transition, at `now`: reps carried, released and
  /// hired; each open opportunity re-derived from its account, moved to the new owner if that
  /// changed (lost with the handover loss), its specialist kept where the desk still exists;
  /// requests re-queued by the new pools' policies; arrivals re-timed where a rate changed.
  private mutating func reorganise(_ transition: TransitionPlan, replicationKey: UInt64) {
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
            generator.select(key: opportunity.key, attribute: TransitionPlan.handoverAttribute)
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
        if now >= 0 { metrics.lost(segment: Int(opportunity.segment)) }
        opportunities[i].desk = -1
        opportunities[i].rep = -1
        opportunities[i].abandoned = true
        if opportunity.waiting {
          opportunities[i].waiting = false
          if !opportunity.patienceClock { freeSlot(Int32(i)) }
        } else {
          opportunities[i].token = calendar.newToken()
        }
      } else if opportunity.waiting, !transition.poolContinues[Int(opportunity.pool)] {
        // Its pool is disbanded: the request is withdrawn and the deal goes on without presales,
        // as the motion does after the switch (no win factor: the step is gone, not missed).
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
    queueStart = after.pools.indices.reduce(into: [0]) { starts, p in starts.append(starts[p] + after.queueCount(pool: p)) }
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

  // MARK: - Busy-time bookkeeping

  mutating func occupyTeam(_ team: Int, by change: Int32) {
    metrics.teamBusyChanged(team, busy: teamBusy[team], at: now)
    teamBusy[team] += change
  }

  private mutating func occupyPool(_ pool: Int, by change: Int32) {
    metrics.poolBusyChanged(pool, busy: poolBusy[pool], at: now)
    poolBusy[pool] += change
  }
}

/// A first-in, first-out queue that reuses its storage.
struct FIFO<Element> {
  private var items: [Element] = []
  private var head = 0

  mutating func append(_ element: Element) { items.append(element) }

  /// The oldest element, left in place.
  var first: Element? { head < items.count ? items[head] : nil }

  mutating func popFirst() -> Element? {
    guard head < items.count else { return nil }
    let item = items[head]
    head += 1
    if head == items.count {
      items.removeAll(keepingCapacity: true)
      head = 0
    } else if head > 1024, head * 2 > items.count {
      items.removeFirst(head)
      head = 0
    }
    return item
  }

  mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    head = 0
  }
}

/// A FIFO of waiting requests (opportunity, token), with stale entries skipped by the reader.
struct PresalesQueue {
  private var entries = FIFO<(Int32, UInt64)>()

  mutating func append(_ opportunity: Int32, token: UInt64) { entries.append((opportunity, token)) }
  /// The oldest entry, left in place.
  var first: (Int32, UInt64)? { entries.first }
  mutating func popFirst() -> (Int32, UInt64)? { entries.popFirst() }
  mutating func removeAll() { entries.removeAll() }
}

/// A pool's patience clocks, in the order they fall due: one patience for every request of a
/// pool, so clocks started later end later. Only the lane's first clock that may still matter
/// is in the calendar (`scheduled`: its token); most requests are served before their patience
/// runs out, and their clocks are dropped when the lane comes to them, without an event. A clock
/// keeps the sequence number of the moment it started (its token), so the events that happen
/// come in exactly the order of a calendar holding every clock.
struct PatienceLane {
  struct Clock {
    var due: Double
    var opportunity: Int32
    var token: UInt64
  }
  private var clocks = FIFO<Clock>()
  /// The token of the lane's clock in the calendar, if one is.
  var scheduled: UInt64?
  /// When the lane's last clock falls due.
  private var lastDue = -Double.infinity

  /// Takes a new clock; true if it goes into the calendar now: the lane's first (nothing in the
  /// calendar for the lane means nothing queued either), or one due before the lane's last (a
  /// transition shortened the pool's patience), which is the calendar's alone.
  mutating func add(_ clock: Clock) -> Bool {
    if scheduled == nil {
      scheduled = clock.token
      lastDue = clock.due
      return true
    }
    guard clock.due >= lastDue else { return true }
    clocks.append(clock)
    lastDue = clock.due
    return false
  }

  mutating func popFirst() -> Clock? { clocks.popFirst() }

  mutating func removeAll() {
    clocks.removeAll()
    scheduled = nil
    lastDue = -.infinity
  }
}
