import CoverageModel
import Randomness

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
  /// Whether it went stale (no decision): its end is a loss counted apart.
  var stale = false
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
///
/// This file holds the state, `run` and the event loop: the model's table of contents. Each
/// behaviour is an extension in a file of its own (docs/model.md):
/// - `Replication+Arrivals.swift`: an arrival's account and owner, admission and acceptance;
/// - `Replication+Specialists.swift`: specialists engaged and released;
/// - `Replication+Stages.swift`: a stage begun, its end drawn, a deal won or lost, its slot freed;
/// - `Replication+Presales.swift`: requests queued, served and given up, patience clocks;
/// - `Replication+People.swift`: a rep leaving, their deals handed over or lost;
/// - `Replication+Transition.swift`: the switch to the organisation after a transition;
/// - `PipelineStart.swift`: the deals in progress at the start; `OpportunityTrace.swift`: records.
/// The queues it keeps are in `Queues.swift`.
struct Replication<Mode: PeriodMode>: ~Copyable {
  /// The organisation in force: the scenario's, or with a transition the former's until its day.
  var plan: SimulationPlan
  let transition: TransitionPlan?
  let generator: RandomGenerator
  let arrivalGenerators: [RandomGenerator]
  /// Drawn per replication when the scenario asks (docs/model.md, "The dynamics real CRM data
  /// shows"): each dispersed segment's monthly rate factors by month from `firstMonth` (0: not
  /// drawn yet), each team's reps' win factors, and the replication's key they are drawn under.
  var monthFactors: [[Double]] = []
  var firstMonth = 0
  var repFactors: [[Double]] = []
  var dynamicsKey: UInt64 = 0
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
  /// Reps' hours, their deals' work and the responses (scenarios with `time`).
  var effort = EffortState()
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
    queueStart = Self.queueStarts(plan)
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
    if plan.hasEffort || transition?.after.hasEffort == true { startEffort(at: start) }
    if plan.dispersed || plan.repFactors { drawDynamics(replicationKey: replicationKey, start: start) }
    for index in plan.segments.indices {
      let segment = plan.segments[index]
      segmentKeys[index] = StreamKey.segment(replicationKey: replicationKey, segment: segment.nameKey)
      arrivalGenerators[index].select(key: StreamKey.arrivals(replicationKey: replicationKey, segment: segment.nameKey), attribute: StreamAttribute.only)
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
    if !plan.pools.isEmpty { censorWaits() }
    if plan.hasEffort || transition != nil { closeEffort() }
    metrics.close(at: plan.horizon, teamBusy: teamBusy, poolBusy: poolBusy)
    if plan.hasPeople {
      workforce.close(plan: plan)
      let salaries = workforce.salaries(plan: plan)
      metrics.total.salaries = salaries.year
      for m in salaries.months.indices { metrics.months[m].salaries = salaries.months[m] }
    }
    let phases = Phases(former: transition == nil ? nil : initial, day: transition?.day ?? -.infinity)
    #if DEBUG
      output.update(repeating: MetricLayout.unwritten)
    #endif
    metrics.write(into: output, plan: plan, phases: phases)
    if plan.hasPeople { workforce.write(into: output, plan: plan, phases: phases) }
    if plan.hasEffort { writeEffort(into: output) }
    if let trace, trace.keepsCosts { trace.costs = costLines(phases: phases) }
    #if DEBUG
      let unwritten = plan.layout.unwrittenSlots(output)
      assert(unwritten.isEmpty, "metrics no writer wrote: \(unwritten.prefix(5))")
    #endif
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
      case .seatFilled(let seat): if seat >= 0 { fillSeat(Int(seat)) }
      case .workDone(let rep, let token): workDone(rep: Int(rep), token: token)
      case .monthStart: effortMonthEnds()
      }
    }
  }

  /// Back to the organisation before a transition's switch, for the next replication.
  private mutating func restart() {
    plan = initial
    queueStart = Self.queueStarts(plan)
    queues = Array(repeating: PresalesQueue(), count: queueStart.last ?? 0)
  }

  /// Where each pool's queues start in `queues` (one queue per grade when tiered), and after the
  /// last pool's their count.
  static func queueStarts(_ plan: SimulationPlan) -> [Int] {
    plan.pools.indices.reduce(into: [0]) { starts, p in starts.append(starts[p] + plan.queueCount(pool: p)) }
  }

  /// Empties the state for the next replication (buffers keep their storage).
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

  // MARK: - Busy-time bookkeeping

  mutating func occupyTeam(_ team: Int, by change: Int32) {
    metrics.teamBusyChanged(team, busy: teamBusy[team], at: now)
    teamBusy[team] += change
  }

  mutating func occupyPool(_ pool: Int, by change: Int32) {
    metrics.poolBusyChanged(pool, busy: poolBusy[pool], at: now)
    poolBusy[pool] += change
  }
}
