import CoverageModel
import Foundation
import Randomness

/// A validated scenario compiled for the event loop: names resolved to indices once, distributions
/// compiled to samplers, territories sorted. Immutable and shared by every worker thread.
///
/// Every element type here is a plain value (`BitwiseCopyable`): lists an entity owns (a segment's
/// territory slices, a motion's stages, a solution's specialist teams) are spans of one flat array
/// each, so the event loop reads the plan without reference counting.
struct SimulationPlan: Sendable {
  /// Positions `start ..< end` of one of the plan's flat arrays.
  struct Span: Sendable, BitwiseCopyable {
    var start: Int32
    var end: Int32
    var isEmpty: Bool { start == end }
    var range: Range<Int> { Int(start)..<Int(end) }
  }
  struct SegmentPlan: Sendable, BitwiseCopyable {
    var nameKey: UInt64
    var meanInterarrival: Double
    var accounts: Double
    var dealSize: Sampler
    var decisionMakers: Sampler?
    /// Its solution needs (in `needs`) and territory slices (in `slices`).
    var needs: Span
    var slices: Span
    /// The customer's own motion (its stages in `stages`), or empty: the team's.
    var motion: Span
    /// Accounts ranked by potential (in `rankedAccounts`), or empty: equal accounts; and their
    /// guide table (in `accountGuide`, one entry more than it has buckets).
    var potential: Span
    var guide: Span
    /// Whether deal sizes follow account potential (an account is drawn even with one owner).
    var sizeElastic: Bool
    /// Whether an arrival draws its account: several owners, or deal sizes that follow potential.
    var drawsAccount: Bool
    /// Arrival rates per day by month of the year (in `seasonRates`), or empty: a constant rate.
    var seasons: Span
  }
  /// An account of a segment whose accounts differ in potential, in rank order: the cumulative
  /// share of potential up to and including it, and the factor on its deal sizes (together: the
  /// draw of an arrival's account reads one cache line).
  struct AccountPlan: Sendable, BitwiseCopyable {
    var cumulative: Double
    var sizeFactor: Double
  }
  /// A solution need: the cumulative probability up to and including it, and the solution.
  struct NeedPlan: Sendable, BitwiseCopyable {
    var cumulative: Double
    var solution: Int32
  }
  /// A territory slice: accounts below `upper` (as a fraction) and owner (-1 for uncovered).
  struct SlicePlan: Sendable, BitwiseCopyable {
    var upper: Double
    var owner: Int32
  }
  struct StagePlan: Sendable, BitwiseCopyable {
    var days: Sampler
    var advance: Double
    var pool: Int32
    /// The motion's first `specialist` stage: a specialist engages when it begins.
    var engagesSpecialist: Bool = false
    /// The motion's last `specialist` stage: the specialist leaves when it ends.
    var releasesSpecialist: Bool = false
    /// Whether a run of stages drawn at once stops after this one: something happens when it ends
    /// (a specialist leaves) or when the next begins (a presales request, an engagement).
    var endsRun: Bool = false
  }
  struct TeamPlan: Sendable, BitwiseCopyable {
    var capacity: Int32
    /// The stages of its motion (in `stages`), empty for specialist teams.
    var stages: Span
    var poolOverride: Int32
    var overflow: Int32
    var newHireShare: Double
    var newHireWinFactor: Double
    var margin: Double
    var relationshipCoverage: Sampler?
    var espFloor: Double
    /// Specialists embedded in this team (in `embedded`).
    var embedded: Span
    var yearlyCost: Double
    var commissionRate: Double
    /// Its reps as people (in `people`), or -1: one pool of `capacity` slots.
    var people: Int32 = -1
  }
  /// A team whose reps are people (docs/model.md, "People"): its seats are `seats` of the
  /// replication's seat states, its ramp `ramp` of `rampValues`.
  struct PeoplePlan: Sendable, BitwiseCopyable {
    var team: Int32
    var nameKey: UInt64
    var seats: Span
    /// Seats filled at the start (the rest open on their planned hire day).
    var initialSeats: Int32
    var slotsPerRep: Int32
    var ramp: Span
    var rampCapacity: Bool
    var rampWin: Bool
    var tenureMonths: Sampler?
    /// Leavers per rep per day (0: nobody leaves).
    var attritionPerDay: Double
    var backfill: Sampler
    var handoverLoss: Double
    /// Quota per rep-year, 0 without one.
    var quota: Double
    var costPerRepYear: Double
    var costPerHire: Double
  }
  /// A seat's planned hire day (-infinity for the seats filled at the start).
  struct SeatPlan: Sendable, BitwiseCopyable {
    var people: Int32
    var opens: Double
  }
  /// Specialists for `solution` working inside an account team; `desk` -1: skill without capacity.
  struct EmbeddedPlan: Sendable, BitwiseCopyable {
    var solution: Int32
    var desk: Int32
    var winUplift: Double
    var dealUplift: Double
  }
  /// Specialists with slots of their own: a specialist team's group or an embedded entry.
  struct DeskPlan: Sendable, BitwiseCopyable {
    var capacity: Int32
    /// The specialist team it belongs to (busy time and credit), or -1 when embedded.
    var team: Int32
  }
  /// An overlay specialist group able to engage an opportunity needing a solution.
  struct CandidatePlan: Sendable, BitwiseCopyable {
    var desk: Int32
    var team: Int32
    var winUplift: Double
    var dealUplift: Double
    var engageProbability: Double
  }
  /// How well a team sells to a segment: fit (team kind x tier) and industry breadth.
  struct FitPlan: Sendable, BitwiseCopyable {
    var winFactor: Double
    var daysFactor: Double
  }
  struct PoolPlan: Sendable, BitwiseCopyable {
    var experts: Int32
    var service: Sampler
    var tiered: Bool
    var patience: Double?
    var noPresalesWinFactor: Double
    var servedWinFactor: Double
    var handoffWinFactor: Double
    var coordinate: Bool
    /// Experts tracked one by one (coordinate or hand-offs): their states start at
    /// `expertStart`, and `identity` is the pool's place among such pools (-1: counted only).
    var identity: Int32
    var expertStart: Int32
    var yearlyCost: Double
    /// Whether serving a request can change the win factor (hand-offs or a served factor).
    var affectsWinFactor: Bool { identity >= 0 || servedWinFactor != 1 }
  }
  struct SolutionPlan: Sendable, BitwiseCopyable {
    var unsupportedWinFactor: Double
    var grossMargin: Double
    /// Overlay specialist groups for this solution, in scenario order (in `candidates`).
    var specialists: Span
  }

  var horizon: Double
  var warmup: Double
  var segments: [SegmentPlan] = []
  var teams: [TeamPlan] = []
  /// Per team, its overheads a year (part of `TeamPlan.yearlyCost`) and whether it is a
  /// specialist team (solution or product group): the bridge's cost lines.
  var teamOverheads: [Double] = []
  var specialistTeams: [Bool] = []
  var pools: [PoolPlan] = []
  var solutions: [SolutionPlan] = []
  var gradeMinimums: [Double]
  var layout: MetricLayout
  var grossMargin: Double
  /// Months and quarters when results are kept by period.
  var periods: PeriodCalendar?
  /// Whether any team and segment pair has a fit or breadth factor other than 1.
  var usesFit = false
  /// The calendar of months and quarters, for seasons and the quarter-end push.
  var clock: YearClock
  var seasonRates: [Double] = []
  /// Whether any segment has seasons.
  var seasonal = false
  /// Whether any pool has a served_win_factor.
  var servesWinFactor = false
  /// The quarter-end push: its last days (-1: no push) and factor.
  var pushDays = -1.0
  var pushFactor = 1.0
  // The dynamics of docs/model.md's "The dynamics real CRM data shows"; off without their keys.
  /// Whether any stage has days per outcome or stale deals, or the pull is on: stage ends are then
  /// drawn by `scheduleDynamicStageEnd`.
  var stageDynamics = false
  /// Per stage (as `stages`): the days to a loss (nil: one duration), the stale share and days.
  var lostDays: [Sampler?] = []
  var staleProbability: [Double] = []
  var staleDays: [Sampler?] = []
  /// The quarter-end pull: days after a quarter's end (-1: none) and its probability.
  var pullDays = -1.0
  var pullProbability = 0.0
  /// Per segment: the gamma factor of its monthly arrival rate (nil: Poisson); `dispersed` when any.
  var monthFactor: [Sampler?] = []
  var dispersed = false
  /// Per team: its reps' win factor (nil: reps alike), and how many reps draw one; `repFactors` when any.
  var repWinFactor: [Sampler?] = []
  var repCount: [Int] = []
  /// Per team: its name's key, for its reps' win factors' stream.
  var repKeys: [UInt64] = []
  var repFactors = false
  var desks: [DeskPlan] = []
  /// Teams whose reps are people, their seats and ramps; `hasPeople` when there is any.
  var people: [PeoplePlan] = []
  var seats: [SeatPlan] = []
  var rampValues: [Double] = []
  var hasPeople = false
  /// Per team and segment (`team * segments.count + segment`).
  var fit: [FitPlan] = []
  /// Pools whose experts are tracked one by one, and their experts in all.
  var identityPools = 0
  var identityExperts = 0
  /// The flat arrays the spans point into.
  var needs: [NeedPlan] = []
  var slices: [SlicePlan] = []
  var stages: [StagePlan] = []
  var embedded: [EmbeddedPlan] = []
  var candidates: [CandidatePlan] = []
  var rankedAccounts: [AccountPlan] = []
  var accountGuide: [Int32] = []
  var samplerTables = SamplerTables()
  /// Each desk's identity across organisations ("group NAME", or "embedded TEAM SOLUTION").
  var deskNames: [String] = []
  /// Whether an opportunity can be lost while an event of its is pending (reps who leave, a
  /// transition's hand-overs): such events then check `abandoned`.
  var mayAbandon = false
  /// After a transition's switch: key accounts that changed owner have their relationship
  /// coverage x `relationshipFloor`, recovering linearly until `recoveryEnd` (-infinity: none);
  /// the former territories tell which moved.
  var recoveryEnd = -Double.infinity
  var relationshipFloor = 1.0
  var recoveryDays = 0.0
  var formerSlices: [SlicePlan] = []
  var formerSegmentSlices: [Span] = []
  /// The deals open on day 0 (`pipeline:`), empty without one.
  var pipeline: [PipelinePlan] = []
  /// Reps' time (teams with `time`), nil without: such teams work by hours, not slots.
  var effort: EffortPlan?
  var hasEffort = false
  /// With `rep_territories`: each account's ordinal among its owner team's accounts
  /// (`Scenario.accountOrdinals`, the rule the territories view shows), segment `s`'s ranks from
  /// `ordinalStart[s]`; empty without.
  var accountOrdinals: [Int32] = []
  var ordinalStart: [Int] = []

  init(_ s: Scenario, byPeriod: Bool = false) {
    horizon = s.horizonDays
    warmup = s.warmupDays
    periods = byPeriod ? PeriodCalendar(horizon: s.horizonDays, startDate: s.startDate) : nil
    clock = YearClock(startDate: s.startDate)
    if let push = s.quarterEnd {
      if push.hasPush {
        pushDays = push.lastDays
        pushFactor = push.advanceFactor
      }
      if let days = push.pullDays, let p = push.pullProbability {
        pullDays = days
        pullProbability = p
        stageDynamics = true
      }
    }
    layout = MetricLayout(scenario: s, periods: periods)
    gradeMinimums = s.grades.map(\.minDealSize)
    grossMargin = s.grossMargin
    let poolIndex = Dictionary(s.pools.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let solutionIndex = Dictionary(s.solutions.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let teamIndex = Dictionary(s.teams.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })

    var motionStages: [String: Span] = [:]
    for motion in s.motions where motionStages[motion.name] == nil {
      let start = Int32(stages.count)
      let first = motion.stages.firstIndex(where: \.specialist)
      let last = motion.stages.lastIndex(where: \.specialist)
      for (k, stage) in motion.stages.enumerated() {
        stages.append(
          StagePlan(
            days: samplerTables.compile(stage.days), advance: stage.advance, pool: stage.presales.flatMap { poolIndex[$0] } ?? -1,
            engagesSpecialist: k == first, releasesSpecialist: k == last))
        lostDays.append(stage.lostDays.map { samplerTables.compile($0) })
        staleProbability.append(stage.stale?.probability ?? 0)
        staleDays.append(stage.stale.map { samplerTables.compile($0.days) })
        if stage.lostDays != nil || stage.stale != nil { stageDynamics = true }
      }
      for k in Int(start)..<stages.count {
        let next = k + 1 < stages.count ? stages[k + 1] : nil
        stages[k].endsRun = stages[k].releasesSpecialist || next.map { $0.pool >= 0 || $0.engagesSpecialist } ?? true
      }
      motionStages[motion.name] = Span(start: start, end: Int32(stages.count))
    }

    for (segment, territory) in zip(s.segments, s.territories()) {
      let needStart = Int32(needs.count)
      var total = 0.0
      for need in segment.solutionMix {
        total += need.probability
        needs.append(NeedPlan(cumulative: total, solution: solutionIndex[need.solution] ?? -1))
      }
      let sliceStart = Int32(slices.count)
      for slice in territory {
        switch slice.owner {
        case .team(let index): slices.append(SlicePlan(upper: slice.upper, owner: Int32(index)))
        case .uncovered: slices.append(SlicePlan(upper: slice.upper, owner: -1))
        }
      }
      let potentialStart = Int32(rankedAccounts.count)
      let potentials = segment.accountPotentials()
      if !potentials.isEmpty {
        let sum = potentials.reduce(0, +)
        let mean = sum / Double(potentials.count)
        var running = 0.0
        for value in potentials {
          running += value
          rankedAccounts.append(
            AccountPlan(
              cumulative: running / sum,
              sizeFactor: segment.sizeElasticity == 0 || mean <= 0 ? 1 : Foundation.pow(value / mean, segment.sizeElasticity)))
        }
      }
      let potential = Span(start: potentialStart, end: Int32(rankedAccounts.count))
      let guideStart = Int32(accountGuide.count)
      if !potential.isEmpty { addGuide(potential) }
      let seasonStart = Int32(seasonRates.count)
      if let factors = segment.seasonality ?? s.seasonality {
        let mean = factors.reduce(0, +) / 12
        seasonRates += factors.map { segment.arrivalsPerDay * $0 / mean }
        seasonal = true
      }
      if let c = segment.arrivalDispersion ?? s.arrivalDispersion, c > 0 {
        monthFactor.append(samplerTables.compile(.gamma(shape: 1 / (c * c), scale: c * c)))
        dispersed = true
      } else {
        monthFactor.append(nil)
      }
      segments.append(
        SegmentPlan(
          nameKey: StreamKey.name(segment.name), meanInterarrival: 1 / segment.arrivalsPerDay, accounts: Double(segment.accounts),
          dealSize: samplerTables.compile(segment.dealSize), decisionMakers: segment.decisionMakers.map { samplerTables.compile($0) },
          needs: Span(start: needStart, end: Int32(needs.count)), slices: Span(start: sliceStart, end: Int32(slices.count)),
          motion: segment.motion.flatMap { motionStages[$0] } ?? Span(start: 0, end: 0),
          potential: potential, guide: Span(start: guideStart, end: Int32(accountGuide.count)),
          sizeElastic: !potential.isEmpty && segment.sizeElasticity != 0,
          drawsAccount: slices.count - Int(sliceStart) > 1 || (!potential.isEmpty && segment.sizeElasticity != 0),
          seasons: Span(start: seasonStart, end: Int32(seasonRates.count))))
    }

    for (index, team) in s.teams.enumerated() {
      let embeddedStart = Int32(embedded.count)
      for skill in team.embedded {
        guard let index = solutionIndex[skill.solution] else { continue }
        var desk: Int32 = -1
        if let capacity = skill.capacity {
          guard capacity > 0 else { continue }  // no specialists: nothing
          desk = Int32(desks.count)
          desks.append(DeskPlan(capacity: Int32(capacity), team: -1))
          deskNames.append("embedded \(team.name) \(skill.solution)")
        }
        embedded.append(EmbeddedPlan(solution: index, desk: desk, winUplift: skill.winUplift, dealUplift: skill.dealUplift))
      }
      repWinFactor.append(team.repWinFactor.map { samplerTables.compile($0) })
      repCount.append(team.people.map { $0.seats(reps: team.reps) } ?? team.reps)
      repKeys.append(team.repWinFactor == nil ? 0 : StreamKey.name("rep win factor " + team.name))
      if team.repWinFactor != nil { repFactors = true }
      teams.append(
        TeamPlan(
          capacity: Int32(team.capacity),
          stages: team.motion.flatMap { motionStages[$0] } ?? Span(start: 0, end: 0),
          poolOverride: team.presales.flatMap { poolIndex[$0] } ?? -1, overflow: team.overflow.flatMap { teamIndex[$0] } ?? -1,
          newHireShare: team.newHireShare, newHireWinFactor: team.newHireWinFactor, margin: team.margin,
          relationshipCoverage: team.kind == .keyAccount ? team.relationshipCoverage.map { samplerTables.compile($0) } : nil,
          espFloor: team.espFloor, embedded: Span(start: embeddedStart, end: Int32(embedded.count)),
          // A team of people pays its reps for the days they are employed (the workforce adds that).
          yearlyCost: team.peopleCostYear + team.overheadCostYear - (team.people == nil ? 0 : Double(team.reps) * team.costPerRepYear),
          commissionRate: team.commissionRate, people: team.people == nil ? -1 : Int32(people.count)))
      teamOverheads.append(team.overheadCostYear)
      specialistTeams.append(!team.kind.ownsAccounts)
      if let p = team.people { addPeople(p, team: team, index: index) }
    }
    hasPeople = !people.isEmpty
    mayAbandon = hasPeople
    if s.usesEffort {
      var effort = EffortPlan(s, tables: &samplerTables)
      for t in effort.timedTeams { teams[t].capacity = Int32(Scenario.maximumSlots) }
      for t in effort.timedTeams where teams[t].people >= 0 { effort.teams[t].seatStart = Int(people[Int(teams[t].people)].seats.start) }
      self.effort = effort
      hasEffort = true
    }
    if s.usesRepTerritories {
      for ordinals in s.accountOrdinals() {
        ordinalStart.append(accountOrdinals.count)
        accountOrdinals += ordinals
      }
    }

    for team in s.teams {
      let industries = Set(s.segments.filter { segment in team.covers.contains { $0.matches(segment) } }.compactMap(\.industry))
      let breadth = industries.count > 1 ? Foundation.pow(team.industryBreadthFactor, Double(industries.count - 1)) : 1
      for segment in s.segments {
        let rule = s.fit(teamKind: team.kind, tier: segment.tier)
        let entry = FitPlan(winFactor: rule.winFactor * (segment.industry == nil ? 1 : breadth), daysFactor: rule.daysFactor)
        if entry.winFactor != 1 || entry.daysFactor != 1 { usesFit = true }
        fit.append(entry)
      }
    }

    var expertCount = 0
    for pool in s.pools {
      let tracked = pool.coordinate || pool.handoffWinFactor != 1
      pools.append(
        PoolPlan(
          experts: Int32(pool.experts), service: samplerTables.compile(pool.serviceDays), tiered: pool.policy == .tiered,
          patience: pool.patienceDays, noPresalesWinFactor: pool.noPresalesWinFactor, servedWinFactor: pool.servedWinFactor,
          handoffWinFactor: pool.handoffWinFactor, coordinate: pool.coordinate, identity: tracked ? Int32(identityPools) : -1,
          expertStart: Int32(expertCount), yearlyCost: Double(pool.experts) * pool.costPerExpertYear))
      if pool.servedWinFactor != 1 { servesWinFactor = true }
      if tracked {
        identityPools += 1
        expertCount += pool.experts
      }
    }
    identityExperts = expertCount
    pipeline = PipelinePlan.compile(s, plan: self)

    for solution in s.solutions {
      let start = Int32(candidates.count)
      for (index, team) in s.teams.enumerated() where !team.kind.ownsAccounts {
        for group in team.specialistGroups {
          guard let skill = group.solutions.first(where: { $0.name == solution.name }) else { continue }
          candidates.append(
            CandidatePlan(
              desk: deskIndex(team: index, group: group.name, in: s), team: Int32(index), winUplift: skill.winUplift ?? team.winUplift,
              dealUplift: skill.dealUplift ?? team.dealUplift, engageProbability: team.kind == .productGroup ? team.engageProbability : 1))
        }
      }
      solutions.append(
        SolutionPlan(
          unsupportedWinFactor: solution.unsupportedWinFactor, grossMargin: solution.grossMargin ?? s.grossMargin,
          specialists: Span(start: start, end: Int32(candidates.count))))
    }
  }

  private mutating func addPeople(_ p: People, team: Team, index: Int) {
    let seatStart = Int32(seats.count)
    let number = Int32(people.count)
    for _ in 0..<team.reps { seats.append(SeatPlan(people: number, opens: -.infinity)) }
    for hire in p.hires.sorted(by: { $0.day < $1.day }) {
      for _ in 0..<hire.reps { seats.append(SeatPlan(people: number, opens: hire.day)) }
    }
    let rampStart = Int32(rampValues.count)
    rampValues += p.ramp
    people.append(
      PeoplePlan(
        team: Int32(index), nameKey: StreamKey.name(team.name), seats: Span(start: seatStart, end: Int32(seats.count)),
        initialSeats: Int32(team.reps), slotsPerRep: Int32(team.slotsPerRep), ramp: Span(start: rampStart, end: Int32(rampValues.count)),
        rampCapacity: p.rampAppliesTo.contains(.capacity), rampWin: p.rampAppliesTo.contains(.win),
        tenureMonths: p.tenureMonths.map { samplerTables.compile($0) }, attritionPerDay: p.attritionRateYear / 365,
        backfill: samplerTables.compile(p.backfillDays), handoverLoss: p.handoverLoss, quota: p.quotaPerRepYear ?? 0,
        costPerRepYear: team.costPerRepYear, costPerHire: p.costPerHire))
  }

  /// The guide table of a segment's ranked accounts (Chen and Asau's index table): with m buckets
  /// (twice the accounts), entry k is the first account whose cumulative share times m reaches k,
  /// or the last account. A draw u falls in bucket `Int(u * m)`; rounding is monotone, so every
  /// account whose share exceeds u has its share times m at or above that bucket, and the first
  /// of them is at or after the entry: a scan from there finds it in one or two steps on average
  /// (a binary search over all of them takes a dozen unpredictable ones), the same account for
  /// every u. (Shares that are not numbers, from potentials that are all 0, end every scan at
  /// the last account.)
  private mutating func addGuide(_ potential: Span) {
    let buckets = 2 * potential.range.count
    let last = Int(potential.end) - 1
    var i = Int(potential.start)
    for k in 0...buckets {
      while i < last, !(rankedAccounts[i].cumulative * Double(buckets) >= Double(k)) { i += 1 }
      accountGuide.append(Int32(i))
    }
  }

  /// The account (its rank) an arrival of a segment with ranked accounts falls on, from its draw
  /// `u` in [0, 1): with probability proportional to its potential, the first whose cumulative
  /// share exceeds u (the last if none does), found from the guide table (`addGuide`).
  @inline(__always)
  func account(at u: Double, of segment: SegmentPlan) -> Int {
    let buckets = Int(segment.guide.end - segment.guide.start) - 1
    var i = Int(accountGuide[Int(segment.guide.start) + Int(u * Double(buckets))])
    let last = Int(segment.potential.end) - 1
    while i < last, !(rankedAccounts[i].cumulative > u) { i += 1 }
    return i - Int(segment.potential.start)
  }

  /// The desk of a specialist team's group, made on first use so every solution of a group shares it.
  private mutating func deskIndex(team: Int, group: String, in s: Scenario) -> Int32 {
    if let found = deskKeys.firstIndex(where: { $0.team == team && $0.group == group }) { return deskKeys[found].desk }
    let capacity = s.teams[team].specialistGroups.first { $0.name == group }?.capacity ?? 0
    let desk = Int32(desks.count)
    desks.append(DeskPlan(capacity: Int32(clamping: capacity), team: Int32(team)))
    deskNames.append("group \(group)")
    deskKeys.append((team, group, desk))
    return desk
  }
  private var deskKeys: [(team: Int, group: String, desk: Int32)] = []

  /// The expected arrivals of a segment over [from, to): its rate, or its monthly rates, integrated.
  func expectedArrivals(_ segment: SegmentPlan, from: Double, to: Double) -> Double {
    guard !segment.seasons.isEmpty else { return (to - from) / segment.meanInterarrival }
    var total = 0.0
    var t = from
    while t < to {
      let (month, end) = clock.month(at: t)
      total += seasonRates[Int(segment.seasons.start) + month] * (min(end, to) - t)
      t = end
    }
    return total
  }

  /// When the expected arrivals of a segment from `start` reach `mass`: a unit-rate exponential
  /// draw time-changed through the rates gives the next arrival (variants with the same rates
  /// meet the same arrivals).
  @inline(__always)
  func arrivalTime(_ segment: SegmentPlan, after start: Double, reaching mass: Double) -> Double {
    guard !segment.seasons.isEmpty else { return start + mass * segment.meanInterarrival }
    var remaining = mass
    var t = start
    while true {
      let (month, end) = clock.month(at: t)
      let rate = seasonRates[Int(segment.seasons.start) + month]
      if rate > 0 {
        let capacity = rate * (end - t)
        if remaining <= capacity { return t + remaining / rate }
        remaining -= capacity
      }
      t = end
    }
  }

  /// How many FIFO queues pool `pool` keeps: one per grade when tiered, else one.
  func queueCount(pool: Int) -> Int { pools[pool].tiered ? max(gradeMinimums.count, 1) : 1 }
}
