import CoverageModel
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
    var winUplift: Double
    var dealUplift: Double
    var engageProbability: Double
    var relationshipCoverage: Sampler?
    var espFloor: Double
    /// Specialists embedded in this team (in `embedded`).
    var embedded: Span
    var yearlyCost: Double
  }
  /// Specialists for `solution` working inside an account team.
  struct EmbeddedPlan: Sendable, BitwiseCopyable {
    var solution: Int32
    var winUplift: Double
    var dealUplift: Double
  }
  struct PoolPlan: Sendable, BitwiseCopyable {
    var experts: Int32
    var service: Sampler
    var tiered: Bool
    var patience: Double?
    var noPresalesWinFactor: Double
    var yearlyCost: Double
  }
  struct SolutionPlan: Sendable, BitwiseCopyable {
    var unsupportedWinFactor: Double
    /// Solution teams and product groups for this solution, in scenario order (in `specialists`).
    var specialists: Span
  }

  var horizon: Double
  var warmup: Double
  var segments: [SegmentPlan] = []
  var teams: [TeamPlan] = []
  var pools: [PoolPlan] = []
  var solutions: [SolutionPlan] = []
  var gradeMinimums: [Double]
  var layout: MetricLayout
  /// The flat arrays the spans point into.
  var needs: [NeedPlan] = []
  var slices: [SlicePlan] = []
  var stages: [StagePlan] = []
  var embedded: [EmbeddedPlan] = []
  var specialists: [Int32] = []
  var samplerTables = SamplerTables()

  init(_ s: Scenario) {
    horizon = s.horizonDays
    warmup = s.warmupDays
    layout = MetricLayout(scenario: s)
    gradeMinimums = s.grades.map(\.minDealSize)
    let poolIndex = Dictionary(s.pools.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let solutionIndex = Dictionary(s.solutions.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let teamIndex = Dictionary(s.teams.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })

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
      segments.append(
        SegmentPlan(
          nameKey: StreamKey.name(segment.name), meanInterarrival: 1 / segment.arrivalsPerDay, accounts: Double(segment.accounts),
          dealSize: samplerTables.compile(segment.dealSize), decisionMakers: segment.decisionMakers.map { samplerTables.compile($0) },
          needs: Span(start: needStart, end: Int32(needs.count)), slices: Span(start: sliceStart, end: Int32(slices.count))))
    }

    var motionStages: [String: Span] = [:]
    for motion in s.motions where motionStages[motion.name] == nil {
      let start = Int32(stages.count)
      for stage in motion.stages {
        stages.append(
          StagePlan(days: samplerTables.compile(stage.days), advance: stage.advance, pool: stage.presales.flatMap { poolIndex[$0] } ?? -1))
      }
      motionStages[motion.name] = Span(start: start, end: Int32(stages.count))
    }

    for team in s.teams {
      let embeddedStart = Int32(embedded.count)
      for skill in team.embedded {
        if let index = solutionIndex[skill.solution] {
          embedded.append(EmbeddedPlan(solution: index, winUplift: skill.winUplift, dealUplift: skill.dealUplift))
        }
      }
      teams.append(
        TeamPlan(
          capacity: Int32(team.capacity),
          stages: team.motion.flatMap { motionStages[$0] } ?? Span(start: 0, end: 0),
          poolOverride: team.presales.flatMap { poolIndex[$0] } ?? -1, overflow: team.overflow.flatMap { teamIndex[$0] } ?? -1,
          newHireShare: team.newHireShare, newHireWinFactor: team.newHireWinFactor, margin: team.margin,
          winUplift: team.winUplift, dealUplift: team.dealUplift,
          engageProbability: team.kind == .productGroup ? team.engageProbability : 1,
          relationshipCoverage: team.kind == .keyAccount ? team.relationshipCoverage.map { samplerTables.compile($0) } : nil,
          espFloor: team.espFloor, embedded: Span(start: embeddedStart, end: Int32(embedded.count)),
          yearlyCost: Double(team.reps) * team.costPerRepYear + team.overheadCostYear))
    }

    for pool in s.pools {
      pools.append(
        PoolPlan(
          experts: Int32(pool.experts), service: samplerTables.compile(pool.serviceDays), tiered: pool.policy == .tiered,
          patience: pool.patienceDays, noPresalesWinFactor: pool.noPresalesWinFactor,
          yearlyCost: Double(pool.experts) * pool.costPerExpertYear))
    }

    for solution in s.solutions {
      let start = Int32(specialists.count)
      for (index, team) in s.teams.enumerated() where !team.kind.ownsAccounts && team.solutions.contains(solution.name) {
        specialists.append(Int32(index))
      }
      solutions.append(SolutionPlan(unsupportedWinFactor: solution.unsupportedWinFactor, specialists: Span(start: start, end: Int32(specialists.count))))
    }
  }

  /// How many FIFO queues pool `pool` keeps: one per grade when tiered, else one.
  func queueCount(pool: Int) -> Int { pools[pool].tiered ? max(gradeMinimums.count, 1) : 1 }
}
