import CoverageModel
import Randomness

/// Fixed places of an opportunity's attributes in its random stream (MODEL.md §9): a value's draw
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

/// One opportunity being worked.
struct Opportunity {
  var key: UInt64 = 0
  var segment: Int32 = 0
  var team: Int32 = 0
  var specialist: Int32 = -1
  /// Its motion's stages in `plan.stages`, and the current one (0 is the first).
  var stages = SimulationPlan.Span(start: 0, end: 0)
  var stage: Int32 = 0
  var pool: Int32 = -1
  var grade: Int32 = 0
  var arrival: Double = 0
  var value: Double = 0
  var winFactor: Double = 1
  var requestTime: Double = 0
  var token: UInt32 = 0
  var waiting = false
  /// Whether the stage its pending `stageDone` ends advances (drawn when the stage started).
  var advances = false
}

/// Simulates replications of one plan. Owns its generators and buffers and reuses them from one
/// replication to the next; one per worker thread.
struct Replication: ~Copyable {
  let plan: SimulationPlan
  let generator: RandomGenerator
  let arrivalGenerators: [RandomGenerator]
  var calendar: EventCalendar
  var opportunities = PlainArray<Opportunity>(capacity: 1024)
  var freeOpportunities = PlainArray<Int32>(capacity: 1024)
  var teamBusy: PlainArray<Int32>
  var poolBusy: PlainArray<Int32>
  /// Pool p's queues (one per grade when tiered) are `queues[queueStart[p]...]`.
  var queues: [PresalesQueue]
  let queueStart: [Int]
  var nextToken: UInt32 = 0
  var now = 0.0
  var arrivalIndex: PlainArray<Int>
  /// Per segment, the key its opportunities' keys derive from in this replication.
  var segmentKeys: PlainArray<UInt64>
  var metrics: ReplicationMetrics

  init(plan: SimulationPlan, generatorKind: GeneratorKind) {
    self.plan = plan
    generator = RandomGenerator(kind: generatorKind)
    calendar = EventCalendar(segments: plan.segments.count)
    arrivalGenerators = plan.segments.map { _ in RandomGenerator(kind: generatorKind) }
    teamBusy = PlainArray(repeating: 0, count: plan.teams.count)
    poolBusy = PlainArray(repeating: 0, count: plan.pools.count)
    queueStart = plan.pools.indices.reduce(into: [0]) { starts, p in starts.append(starts[p] + plan.queueCount(pool: p)) }
    queues = Array(repeating: PresalesQueue(), count: queueStart.last ?? 0)
    arrivalIndex = PlainArray(repeating: 0, count: plan.segments.count)
    segmentKeys = PlainArray(repeating: 0, count: plan.segments.count)
    metrics = ReplicationMetrics(plan: plan)
  }

  /// Runs replication `replication` under `seed` and writes its metrics into `output`.
  mutating func run(seed: UInt64, replication: Int, into output: UnsafeMutableBufferPointer<Double>) {
    reset()
    let replicationKey = StreamKey.replication(seed: seed, replication: replication)
    let start = -plan.warmup
    for index in plan.segments.indices {
      let segment = plan.segments[index]
      segmentKeys[index] = StreamKey.segment(replicationKey: replicationKey, segment: segment.nameKey)
      arrivalGenerators[index].select(key: StreamKey.arrivals(replicationKey: replicationKey, segment: segment.nameKey), attribute: 0)
      calendar.schedule(.arrival(segment: Int32(index)), at: start + arrivalGenerators[index].exponential(mean: segment.meanInterarrival))
    }
    while let item = calendar.next(before: plan.horizon) {
      now = item.time
      switch item.event {
      case .arrival(let segment): arrive(segment: Int(segment))
      case .presalesDone(let opportunity): finishPresales(opportunity)
      case .stageDone(let opportunity): finishStage(opportunity)
      case .patienceOut(let opportunity, let token): runOutOfPatience(opportunity, token: token)
      }
    }
    metrics.close(at: plan.horizon, teamBusy: teamBusy, poolBusy: poolBusy)
    metrics.write(into: output, plan: plan)
  }

  private mutating func reset() {
    calendar.reset()
    opportunities.removeAll()
    freeOpportunities.removeAll()
    teamBusy.fill(with: 0)
    poolBusy.fill(with: 0)
    for q in queues.indices { queues[q].removeAll() }
    arrivalIndex.fill(with: 0)
    nextToken = 0
    now = -plan.warmup
    metrics.reset(start: -plan.warmup)
  }

  // MARK: - Arrivals and coverage (MODEL.md §2, §4)

  private mutating func arrive(segment s: Int) {
    let segment = plan.segments[s]
    let index = arrivalIndex[s]
    arrivalIndex[s] += 1
    calendar.schedule(.arrival(segment: Int32(s)), at: now + arrivalGenerators[s].exponential(mean: segment.meanInterarrival))
    let counted = now >= 0
    if counted { metrics.arrival(segment: s) }

    // The opportunity's key, made when first needed: a blocked arrival in a one-owner segment never needs it.
    var key: UInt64?
    var slice = Int(segment.slices.start)
    if slice < Int(segment.slices.end) - 1 {
      // Which account, hence whose territory; a segment with one owner needs no draw (and skipping it
      // changes no other draw: every attribute has its own stream).
      let accountKey = StreamKey.opportunity(segmentKey: segmentKeys[s], index: index)
      key = accountKey
      generator.select(key: accountKey, attribute: Attribute.account)
      let account = Double(Int(generator.uniform() * segment.accounts)) / segment.accounts
      while slice < Int(segment.slices.end) - 1, account >= plan.slices[slice].upper { slice += 1 }
    }
    let owner = plan.slices[slice].owner
    guard owner >= 0 else {
      if counted { metrics.uncovered() }
      return
    }
    var team = owner
    if teamBusy[Int(owner)] >= plan.teams[Int(owner)].capacity {
      let overflow = plan.teams[Int(owner)].overflow
      if overflow >= 0, teamBusy[Int(overflow)] < plan.teams[Int(overflow)].capacity {
        team = overflow
      } else {
        if counted { metrics.blocked(team: Int(owner)) }
        return
      }
    }
    accept(segment: s, team: Int(team), key: key ?? StreamKey.opportunity(segmentKey: segmentKeys[s], index: index), counted: counted)
  }

  private mutating func accept(segment s: Int, team t: Int, key: UInt64, counted: Bool) {
    let segment = plan.segments[s]
    let team = plan.teams[t]
    if counted { metrics.accepted(segment: s) }
    occupyTeam(t, by: 1)

    var opportunity = Opportunity()
    opportunity.key = key
    opportunity.segment = Int32(s)
    opportunity.team = Int32(t)
    opportunity.stages = team.stages
    opportunity.arrival = now

    generator.select(key: key, attribute: Attribute.dealSize)
    var value = generator.sample(segment.dealSize, from: plan.samplerTables)
    var grade = 0
    while grade < plan.gradeMinimums.count - 1, value < plan.gradeMinimums[grade] { grade += 1 }
    opportunity.grade = Int32(grade)
    var factor = 1.0

    if team.newHireShare > 0 {
      generator.select(key: key, attribute: Attribute.newHire)
      if generator.uniform() < team.newHireShare { factor *= team.newHireWinFactor }
    }
    if let coverage = team.relationshipCoverage {
      var decisionMakers = 1
      if let sampler = segment.decisionMakers {
        generator.select(key: key, attribute: Attribute.decisionMakers)
        decisionMakers = max(1, Int(generator.sample(sampler, from: plan.samplerTables).rounded()))
      }
      generator.select(key: key, attribute: Attribute.relationshipCoverage)
      let share = min(1, max(0, generator.sample(coverage, from: plan.samplerTables)))
      generator.select(key: key, attribute: Attribute.reached)
      let reached = generator.binomial(p: share, trials: decisionMakers)
      factor *= team.espFloor + (1 - team.espFloor) * Double(reached) / Double(decisionMakers)
    }
    if !segment.needs.isEmpty {
      generator.select(key: key, attribute: Attribute.solution)
      let u = generator.uniform()
      if let need = segment.needs.range.first(where: { u < plan.needs[$0].cumulative }) {
        let solution = plan.needs[need].solution
        if let skill = team.embedded.range.first(where: { plan.embedded[$0].solution == solution }) {
          factor *= plan.embedded[skill].winUplift
          value *= plan.embedded[skill].dealUplift
        } else if let specialist = engageSpecialist(for: Int(solution), key: key) {
          opportunity.specialist = specialist
          factor *= plan.teams[Int(specialist)].winUplift
          value *= plan.teams[Int(specialist)].dealUplift
        } else {
          factor *= plan.solutions[Int(solution)].unsupportedWinFactor
        }
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
    }
    beginStage(index)
  }

  /// The first specialist team for the solution with a free slot that engages (a product group
  /// only with its engage probability; its k-th candidate uses draw k of the engagement stream).
  private mutating func engageSpecialist(for solution: Int, key: UInt64) -> Int32? {
    var drawn = 0
    var u = 0.0
    for candidate in plan.specialists[plan.solutions[solution].specialists.range] {
      let team = plan.teams[Int(candidate)]
      guard teamBusy[Int(candidate)] < team.capacity else { continue }
      if team.engageProbability < 1 {
        if drawn == 0 { generator.select(key: key, attribute: Attribute.engagement) }
        u = generator.uniform()
        drawn += 1
        guard u < team.engageProbability else { continue }
      }
      occupyTeam(Int(candidate), by: 1)
      return candidate
    }
    return nil
  }

  // MARK: - Stages and presales (MODEL.md §3, §5)

  private mutating func beginStage(_ index: Int32) {
    let opportunity = opportunities[Int(index)]
    let stage = plan.stages[Int(opportunity.stages.start + opportunity.stage)]
    let override = plan.teams[Int(opportunity.team)].poolOverride
    let pool = stage.pool >= 0 && override >= 0 ? override : stage.pool
    guard pool >= 0 else { return scheduleStageEnd(index) }
    opportunities[Int(index)].pool = pool
    opportunities[Int(index)].requestTime = now
    if now >= 0 { metrics.request() }
    if poolBusy[Int(pool)] < plan.pools[Int(pool)].experts {
      startService(index, pool: Int(pool))
    } else {
      nextToken &+= 1
      opportunities[Int(index)].token = nextToken
      opportunities[Int(index)].waiting = true
      let queue = queueStart[Int(pool)] + (plan.pools[Int(pool)].tiered ? Int(opportunity.grade) : 0)
      queues[queue].append(index, token: nextToken)
      if let patience = plan.pools[Int(pool)].patience {
        calendar.schedule(.patienceOut(opportunity: index, token: nextToken), at: now + patience)
      }
    }
  }

  private mutating func startService(_ index: Int32, pool: Int) {
    let opportunity = opportunities[Int(index)]
    opportunities[Int(index)].waiting = false
    occupyPool(pool, by: 1)
    recordWait(opportunity, pool: pool)
    generator.select(key: opportunity.key, attribute: Attribute.presalesService(Int(opportunity.stage)))
    calendar.schedule(.presalesDone(opportunity: index), at: now + generator.sample(plan.pools[pool].service, from: plan.samplerTables))
  }

  private mutating func recordWait(_ opportunity: Opportunity, pool: Int) {
    if opportunity.requestTime >= 0 { metrics.wait(now - opportunity.requestTime, pool: pool, segment: Int(opportunity.segment)) }
  }

  private mutating func finishPresales(_ index: Int32) {
    let pool = Int(opportunities[Int(index)].pool)
    occupyPool(pool, by: -1)
    while let (next, token) = nextWaiting(pool: pool) {
      if opportunities[Int(next)].waiting, opportunities[Int(next)].token == token {
        startService(next, pool: pool)
        break
      }
    }
    scheduleStageEnd(index)
  }

  private mutating func nextWaiting(pool: Int) -> (Int32, UInt32)? {
    for queue in queueStart[pool]..<queueStart[pool + 1] {
      if let entry = queues[queue].popFirst() { return entry }
    }
    return nil
  }

  private mutating func runOutOfPatience(_ index: Int32, token: UInt32) {
    let opportunity = opportunities[Int(index)]
    guard opportunity.waiting, opportunity.token == token else { return }
    let pool = Int(opportunity.pool)
    opportunities[Int(index)].waiting = false
    opportunities[Int(index)].winFactor *= plan.pools[pool].noPresalesWinFactor
    recordWait(opportunity, pool: pool)
    if opportunity.requestTime >= 0 { metrics.gaveUp() }
    scheduleStageEnd(index)
  }

  /// Draws how the current stage ends (its days and whether it advances) and schedules that end.
  /// Stages that follow without a presales request are drawn straight on, and only the end of the
  /// run is scheduled: nothing happens between them, and every draw has its own stream, so the
  /// results are those of one event per stage, with fewer events.
  private mutating func scheduleStageEnd(_ index: Int32) {
    let opportunity = opportunities[Int(index)]
    let first = Int(opportunity.stages.start)
    let last = Int(opportunity.stages.end) - 1
    var k = Int(opportunity.stage)
    var end = now
    var advances: Bool
    while true {
      let stage = plan.stages[first + k]
      generator.select(key: opportunity.key, attribute: Attribute.stageDays(k))
      end += generator.sample(stage.days, from: plan.samplerTables)
      let p = first + k == last ? min(1, stage.advance * opportunity.winFactor) : stage.advance
      generator.select(key: opportunity.key, attribute: Attribute.stageOutcome(k))
      advances = generator.uniform() < p
      guard advances, first + k < last, plan.stages[first + k + 1].pool < 0 else { break }
      k += 1
    }
    opportunities[Int(index)].stage = Int32(k)
    opportunities[Int(index)].advances = advances
    calendar.schedule(.stageDone(opportunity: index), at: end)
  }

  private mutating func finishStage(_ index: Int32) {
    let opportunity = opportunities[Int(index)]
    let advances = opportunity.advances
    if advances && opportunity.stages.start + opportunity.stage < opportunity.stages.end - 1 {
      opportunities[Int(index)].stage += 1
      return beginStage(index)
    }
    if now >= 0 {
      if advances {
        let team = plan.teams[Int(opportunity.team)]
        metrics.won(
          value: opportunity.value, cycleDays: now - opportunity.arrival, segment: Int(opportunity.segment),
          team: Int(opportunity.team), specialist: Int(opportunity.specialist), margin: team.margin)
      } else {
        metrics.lost(segment: Int(opportunity.segment))
      }
    }
    occupyTeam(Int(opportunity.team), by: -1)
    if opportunity.specialist >= 0 { occupyTeam(Int(opportunity.specialist), by: -1) }
    freeOpportunities.append(index)
  }

  // MARK: - Busy-time bookkeeping

  private mutating func occupyTeam(_ team: Int, by change: Int32) {
    metrics.teamBusyChanged(team, busy: teamBusy[team], at: now)
    teamBusy[team] += change
  }

  private mutating func occupyPool(_ pool: Int, by change: Int32) {
    metrics.poolBusyChanged(pool, busy: poolBusy[pool], at: now)
    poolBusy[pool] += change
  }
}

/// A FIFO of waiting requests (opportunity, token), with stale entries skipped by the reader.
struct PresalesQueue {
  private var items: [(Int32, UInt32)] = []
  private var head = 0

  mutating func append(_ opportunity: Int32, token: UInt32) { items.append((opportunity, token)) }

  mutating func popFirst() -> (Int32, UInt32)? {
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
