import CoverageModel
import Randomness

/// A validated scenario compiled for the event loop: names resolved to indices once, distributions
/// compiled to samplers, territories sorted. Immutable and shared by every worker thread.
struct SimulationPlan: Sendable {
  struct SegmentPlan: Sendable {
    var nameKey: UInt64
    var meanInterarrival: Double
    var accounts: Int
    var dealSize: Sampler
    /// Cumulative need probabilities and the solution each stands for.
    var solutionCumulative: [Double]
    var solutionIndex: [Int32]
    var decisionMakers: Sampler?
    /// Territory upper bounds (as account fractions) and owners (-1 for uncovered).
    var territoryUpper: [Double]
    var territoryOwner: [Int32]
  }
  struct StagePlan: Sendable {
    var days: Sampler
    var advance: Double
    var pool: Int32
  }
  struct TeamPlan: Sendable {
    var kind: TeamKind
    var capacity: Int32
    var motion: Int32
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
    /// Per solution index: (win uplift, deal uplift) of specialists embedded in this team.
    var embedded: [Int32: (win: Double, deal: Double)]
    var yearlyCost: Double
  }
  struct PoolPlan: Sendable {
    var experts: Int32
    var service: Sampler
    var tiered: Bool
    var patience: Double?
    var noPresalesWinFactor: Double
    var yearlyCost: Double
  }
  struct SolutionPlan: Sendable {
    var unsupportedWinFactor: Double
    /// Solution teams and product groups for this solution, in scenario order.
    var specialists: [Int32]
  }

  var horizon: Double
  var warmup: Double
  var segments: [SegmentPlan]
  var motions: [[StagePlan]]
  var teams: [TeamPlan]
  var pools: [PoolPlan]
  var solutions: [SolutionPlan]
  var gradeMinimums: [Double]
  var layout: MetricLayout

  init(_ s: Scenario) {
    horizon = s.horizonDays
    warmup = s.warmupDays
    layout = MetricLayout(scenario: s)
    let poolIndex = Dictionary(s.pools.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let solutionIndex = Dictionary(s.solutions.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let teamIndex = Dictionary(s.teams.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let motionIndex = Dictionary(s.motions.enumerated().map { ($1.name, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let territories = s.territories()
    segments = zip(s.segments, territories).map { segment, slices in
      var cumulative: [Double] = []
      var total = 0.0
      for need in segment.solutionMix {
        total += need.probability
        cumulative.append(total)
      }
      return SegmentPlan(
        nameKey: StreamKey.name(segment.name),
        meanInterarrival: 1 / segment.arrivalsPerDay,
        accounts: segment.accounts,
        dealSize: Sampler(segment.dealSize),
        solutionCumulative: cumulative,
        solutionIndex: segment.solutionMix.map { solutionIndex[$0.solution] ?? -1 },
        decisionMakers: segment.decisionMakers.map(Sampler.init),
        territoryUpper: slices.map(\.upper),
        territoryOwner: slices.map {
          switch $0.owner {
          case .team(let index): Int32(index)
          case .uncovered: -1
          }
        })
    }
    motions = s.motions.map { motion in
      motion.stages.map { StagePlan(days: Sampler($0.days), advance: $0.advance, pool: $0.presales.flatMap { poolIndex[$0] } ?? -1) }
    }
    teams = s.teams.map { team in
      var embedded: [Int32: (win: Double, deal: Double)] = [:]
      for skill in team.embedded {
        if let index = solutionIndex[skill.solution] { embedded[index] = (skill.winUplift, skill.dealUplift) }
      }
      return TeamPlan(
        kind: team.kind, capacity: Int32(team.capacity), motion: team.motion.flatMap { motionIndex[$0] } ?? -1,
        poolOverride: team.presales.flatMap { poolIndex[$0] } ?? -1, overflow: team.overflow.flatMap { teamIndex[$0] } ?? -1,
        newHireShare: team.newHireShare, newHireWinFactor: team.newHireWinFactor, margin: team.margin,
        winUplift: team.winUplift, dealUplift: team.dealUplift, engageProbability: team.kind == .productGroup ? team.engageProbability : 1,
        relationshipCoverage: team.kind == .keyAccount ? team.relationshipCoverage.map(Sampler.init) : nil,
        espFloor: team.espFloor, embedded: embedded,
        yearlyCost: Double(team.reps) * team.costPerRepYear + team.overheadCostYear)
    }
    pools = s.pools.map {
      PoolPlan(
        experts: Int32($0.experts), service: Sampler($0.serviceDays), tiered: $0.policy == .tiered, patience: $0.patienceDays,
        noPresalesWinFactor: $0.noPresalesWinFactor, yearlyCost: Double($0.experts) * $0.costPerExpertYear)
    }
    solutions = s.solutions.enumerated().map { index, solution in
      SolutionPlan(
        unsupportedWinFactor: solution.unsupportedWinFactor,
        specialists: s.teams.indices.filter { !s.teams[$0].kind.ownsAccounts && s.teams[$0].solutions.contains(solution.name) }.map { Int32($0) })
    }
    gradeMinimums = s.grades.map(\.minDealSize)
  }
}
