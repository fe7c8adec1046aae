import CoverageModel
import Foundation

/// The causes of an opportunity's win factor (docs/statistics.md, "The bridge"), each the product
/// of the factors of that cause the engine applied to it.
public struct WinCauses: Sendable, Hashable {
  /// The cause of a factor, in the order the bridge walks them.
  public enum Cause: Int, CaseIterable, Sendable {
    /// The team's fit with the segment's tier, and its industry breadth.
    case fit
    /// A rep's ramp-up (tenure) and the share of new hires.
    case ramp
    /// ESP+: decision makers reached by a relationship programme, or the floor without one.
    case esp
    /// A specialist's win uplift, or the unsupported factor when none engaged.
    case specialist
    /// Presales served: the pool's served factor and hand-offs between experts.
    case presalesServed
    /// Presales given up: the no-presales factor after the pool's patience ran out.
    case presalesGaveUp
    /// Late work on the last stage (`late_win_factor_per_week`, teams with time).
    case lateness
    /// The quarter-end push on the last stage.
    case push
    /// Anything else: reps' own win factors (dynamics).
    case other
  }

  private var factors: (Double, Double, Double, Double, Double, Double, Double, Double, Double) = (1, 1, 1, 1, 1, 1, 1, 1, 1)

  public init() {}

  public subscript(cause: Cause) -> Double {
    get {
      switch cause {
      case .fit: factors.0
      case .ramp: factors.1
      case .esp: factors.2
      case .specialist: factors.3
      case .presalesServed: factors.4
      case .presalesGaveUp: factors.5
      case .lateness: factors.6
      case .push: factors.7
      case .other: factors.8
      }
    }
    set {
      switch cause {
      case .fit: factors.0 = newValue
      case .ramp: factors.1 = newValue
      case .esp: factors.2 = newValue
      case .specialist: factors.3 = newValue
      case .presalesServed: factors.4 = newValue
      case .presalesGaveUp: factors.5 = newValue
      case .lateness: factors.6 = newValue
      case .push: factors.7 = newValue
      case .other: factors.8 = newValue
      }
    }
  }

  public static func == (a: Self, b: Self) -> Bool { Cause.allCases.allSatisfy { a[$0] == b[$0] } }
  public func hash(into hasher: inout Hasher) { for cause in Cause.allCases { hasher.combine(self[cause]) } }
}

/// The decision of an opportunity's last stage: its own uniform draw and the stage's advance
/// probability before any factor (it is won when the draw is below advance x the win factors, at most 1).
public struct TracedDecision: Sendable, Hashable {
  /// The stage's index in the opportunity's motion.
  public var stage: Int
  public var draw: Double
  public var advance: Double
}

/// What one replication cost, line by line (docs/statistics.md, "The bridge"); the lines add up
/// to the replication's `cost` but for rounding.
public struct CostLines: Sendable, Hashable {
  /// A cost line, in the order the bridge shows them.
  public enum Line: String, CaseIterable, Sendable {
    case people, specialists, experts, overheads, commissions
    case partnerMargins = "partner margins"
    case oneOffAndHires = "one-off and hires"
  }
  public var people = 0.0, specialists = 0.0, experts = 0.0, overheads = 0.0, commissions = 0.0, partnerMargins = 0.0, oneOffAndHires = 0.0

  public init() {}

  public subscript(line: Line) -> Double {
    switch line {
    case .people: people
    case .specialists: specialists
    case .experts: experts
    case .overheads: overheads
    case .commissions: commissions
    case .partnerMargins: partnerMargins
    case .oneOffAndHires: oneOffAndHires
    }
  }
}

/// One replication as the bridge needs it: every opportunity with its causes and decision, the
/// cost lines, and the replication's row of metrics (`Simulator.layout`).
public struct BridgeReplication: Sendable {
  public var opportunities: [TracedOpportunity]
  public var costs: CostLines
  public var row: [Double]
}

extension Replication {
  /// Multiplies a traced opportunity's factor of `cause` by `factor` (the engine applied it).
  @inline(never)
  mutating func traceFactor(_ slot: Int32, _ cause: WinCauses.Cause, _ factor: Double) {
    trace?.update(slot: slot) { $0.causes[cause] *= factor }
  }

  /// Records a traced opportunity's last-stage decision.
  @inline(never)
  mutating func traceDecision(_ slot: Int32, stage: Int, draw: Double, advance: Double, push: Double) {
    trace?.update(slot: slot) {
      $0.decision = TracedDecision(stage: stage, draw: draw, advance: advance)
      $0.causes[.push] = push
      $0.causes[.lateness] = 1
    }
  }

  /// Adds the days a traced opportunity's presales request took (waiting, and served or given up).
  @inline(never)
  mutating func tracePresales(_ slot: Int32, days: Double) {
    trace?.update(slot: slot) { $0.presalesDays += days }
  }

  /// The replication's cost by line, the organisation over time as `phases` says (called after
  /// the metrics are closed).
  func costLines(phases: Phases) -> CostLines {
    let years = plan.horizon / 365
    func fixed(_ line: (SimulationPlan) -> Double) -> Double { phases.yearly(plan, from: 0, to: plan.horizon, line) * years }
    func teams(specialist: Bool) -> (SimulationPlan) -> Double {
      { p in p.teams.indices.reduce(0) { $0 + (p.specialistTeams[$1] == specialist ? p.teams[$1].yearlyCost - p.teamOverheads[$1] : 0) } }
    }
    var lines = CostLines()
    let hires = plan.hasPeople ? workforce.salaries(plan: plan, pay: false).year : 0
    let pay = plan.hasPeople ? workforce.salaries(plan: plan, hires: false).year : 0
    lines.people = fixed(teams(specialist: false)) + pay
    lines.specialists = fixed(teams(specialist: true))
    lines.overheads = fixed { $0.teamOverheads.reduce(0, +) }
    lines.experts = fixed { $0.pools.reduce(0) { $0 + $1.yearlyCost } }
    lines.commissions = metrics.total.commissions
    lines.partnerMargins = metrics.total.margins
    lines.oneOffAndHires = metrics.total.switchCosts + hires
    return lines
  }
}

extension Phases {
  /// A yearly cost line over [from, to), averaged over the phases as `fixedCostYear` averages them.
  func yearly(_ plan: SimulationPlan, from: Double, to: Double, _ line: (SimulationPlan) -> Double) -> Double {
    guard let former, to > from, line(former) != line(plan) else { return line(plan) }
    let before = max(0, min(to, day) - from)
    if before == 0 { return line(plan) }
    if before == to - from { return line(former) }
    return (line(former) * before + line(plan) * (to - from - before)) / (to - from)
  }
}

extension Simulator {
  /// Replications `replications` as the bridge needs them (`BridgeReplication`), each the
  /// replication `run` simulates (same seed and number, same row), on `threads` threads.
  public func bridgeRecords(replications: Range<Int>, seed: UInt64, threads: Int = 0) -> [BridgeReplication] {
    guard !replications.isEmpty else { return [] }
    let results = TracedResults<BridgeReplication>(count: replications.count)
    onWorkers(
      count: replications.count, threads: threads, first: replications.lowerBound, seed: seed,
      TracingJob(results: results, width: plan.layout.count, seed: seed, first: replications.lowerBound, keepsCosts: true) { trace, row in
        BridgeReplication(opportunities: trace.records, costs: trace.costs, row: row)
      })
    return results.values
  }
}
