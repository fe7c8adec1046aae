import CoverageModel
import Estimation
import Randomness
import Simulation

/// A bridge (waterfall) from a baseline's contribution to a variant's: each step a mechanism with
/// its mean over paired replications and 95% interval, the steps adding up to the difference
/// `Comparison` reports, to the last bit (docs/statistics.md, "The bridge").
///
/// The rule, per replication r of the pair (baseline r and variant r meet the same opportunities,
/// matched by their stream key): an opportunity's gross profit is W x v x g (W: won within the
/// measured year, v its value, g its gross margin). Its change goes, in this order, to
/// - `taken on`, all of it, when only one of the two took the opportunity on (blocked, uncovered,
///   or not arising);
/// - a cycle step, all of it, when it was won in the year in one and not closed in the year in the
///   other: `presales waits` when its presales days differ, else `other timing`;
/// - the win-rate causes, (W' - W) v g: the win factors' causes are switched from the baseline's to
///   the variant's one at a time in `WinCauses.Cause` order, the last stage's draw held fixed, and
///   a cause gets v g each time its switch turns the decision (draw < advance x factors, at most
///   1) to a win, -v g to a loss; a change of outcome the factors do not explain (a different
///   path, a hand-over, a stale deal) is `win rate: other`;
/// - `deal size`, W' (v' - v) g, and `gross margin`, W' v' (g' - g).
/// Each cost line's change is a step of its own (less cost is more contribution), and
/// `rounding` is the difference less the other steps: the floating-point remainder of adding the
/// opportunities one by one rather than in the engine's order, and of the mean (it is chosen so
/// that the steps, added in order, give the difference exactly).
public struct Bridge: Sendable {
  /// A mechanism of the bridge, in the order it is shown.
  public enum Mechanism: String, CaseIterable, Sendable, Codable {
    case takenOn = "taken on (blocked, uncovered)"
    case presalesWaits = "cycle: presales waits"
    case otherTiming = "cycle: other timing"
    case fit = "win rate: fit and breadth"
    case ramp = "win rate: ramp and new hires"
    case esp = "win rate: ESP+"
    case specialist = "win rate: specialist support"
    case presalesServed = "win rate: presales served"
    case presalesGaveUp = "win rate: presales given up"
    case lateness = "win rate: lateness"
    case push = "win rate: quarter-end push"
    case winOther = "win rate: other"
    case dealSize = "deal size"
    case grossMargin = "gross margin"
    case people = "cost: people"
    case specialists = "cost: specialists"
    case experts = "cost: experts"
    case overheads = "cost: overheads"
    case commissions = "cost: commissions"
    case partnerMargins = "cost: partner margins"
    case oneOffAndHires = "cost: one-off and hires"
    case rounding = "rounding"

    /// The mechanism a win cause's switch is shown under.
    static func of(_ cause: WinCauses.Cause) -> Mechanism {
      switch cause {
      case .fit: .fit
      case .ramp: .ramp
      case .esp: .esp
      case .specialist: .specialist
      case .presalesServed: .presalesServed
      case .presalesGaveUp: .presalesGaveUp
      case .lateness: .lateness
      case .push: .push
      case .other: .winOther
      }
    }

    /// The mechanism of a cost line.
    static func of(_ line: CostLines.Line) -> Mechanism {
      switch line {
      case .people: .people
      case .specialists: .specialists
      case .experts: .experts
      case .overheads: .overheads
      case .commissions: .commissions
      case .partnerMargins: .partnerMargins
      case .oneOffAndHires: .oneOffAndHires
      }
    }

    /// Whether the step is a change of cost (shown with the cost lines).
    public var isCost: Bool { rawValue.hasPrefix("cost: ") }
  }

  /// One step: its mean over replications, with the 95% t-interval of its per-replication values.
  public struct Step: Sendable {
    public let mechanism: Mechanism
    public let mean: Double
    public let ciLow: Double
    public let ciHigh: Double
    /// The standard error of the mean (sd / sqrt(replications)).
    public let standardError: Double
    public var isSignificant: Bool { ciLow > 0 || ciHigh < 0 }
  }

  public let baseline: String
  public let variant: String
  public let replications: Int
  /// The objective (contribution) of each side, mean over replications.
  public let baselineMean: Double
  public let variantMean: Double
  /// The paired difference of contribution, as `Comparison` computes it.
  public let total: PairedDifference
  /// Every mechanism's step, in `Mechanism` order; added in this order they give `total.mean`.
  public let steps: [Step]

  /// The metric the bridge explains.
  public static let objective = "contribution"

  /// The bridge of replications paired one to one (`baseline[r]` with `variant[r]`).
  public init(baseline: String, variant: String, baselineRuns: [BridgeReplication], variantRuns: [BridgeReplication], layouts: (MetricLayout, MetricLayout)) {
    precondition(baselineRuns.count == variantRuns.count, "a bridge pairs replications one to one")
    let columns = (layouts.0.index(ofScenarioMetric: Self.objective), layouts.1.index(ofScenarioMetric: Self.objective))
    let a = baselineRuns.map { run in columns.0.map { run.row[$0] } ?? .nan }
    let b = variantRuns.map { run in columns.1.map { run.row[$0] } ?? .nan }
    let perReplication = zip(baselineRuns, variantRuns).map { Self.steps($0, $1) }
    self.init(baseline: baseline, variant: variant, objectives: (a, b), perReplication: perReplication)
  }

  /// The bridge of per-replication steps (each in `Mechanism` order but for rounding) and the
  /// two sides' objective by replication.
  init(baseline: String, variant: String, objectives: ([Double], [Double]), perReplication: [[Double]]) {
    self.baseline = baseline
    self.variant = variant
    replications = perReplication.count
    total = PairedDifference(baseline: objectives.0, variant: objectives.1)
    baselineMean = Summary(objectives.0).mean
    variantMean = Summary(objectives.1).mean
    var steps: [Step] = []
    var sum = 0.0
    for (m, mechanism) in Mechanism.allCases.enumerated() where mechanism != .rounding {
      let s = Summary(perReplication.map { $0[m] })
      steps.append(Step(mechanism: mechanism, mean: s.mean, ciLow: s.ci95Low, ciHigh: s.ci95High, standardError: Self.standardError(s)))
      sum += s.mean
    }
    // Rounding: each replication's difference less its other steps, its mean chosen so that the
    // steps added in order give the total to the bit.
    let remainders = zip(zip(objectives.0, objectives.1), perReplication).map { pair, row in (pair.1 - pair.0) - row.reduce(0, +) }
    let spread = Summary(remainders)
    let mean = Self.remainder(after: sum, reaching: total.mean)
    steps.append(Step(mechanism: .rounding, mean: mean, ciLow: mean - spread.halfWidth, ciHigh: mean + spread.halfWidth, standardError: Self.standardError(spread)))
    self.steps = steps
  }

  static func standardError(_ s: Summary) -> Double { s.count > 0 ? s.sd / Double(s.count).squareRoot() : .nan }

  /// The value r nearest `target - sum` with `sum + r == target` in floating point (the last
  /// step of a sum that must come out exact); a target beyond reach keeps the plain difference.
  static func remainder(after sum: Double, reaching target: Double) -> Double {
    guard sum.isFinite, target.isFinite else { return target - sum }
    var r = target - sum
    for _ in 0..<64 where sum + r != target {
      r = sum + r < target ? r.nextUp : r.nextDown
    }
    return r
  }

  /// One replication's steps, in `Mechanism` order (rounding 0: the caller forms it).
  static func steps(_ a: BridgeReplication, _ b: BridgeReplication) -> [Double] {
    var step = [Double](repeating: 0, count: Mechanism.allCases.count)
    func add(_ mechanism: Mechanism, _ value: Double) { step[Mechanism.allCases.firstIndex(of: mechanism)!] += value }
    var inB: [UInt64: Int] = [:]
    for (i, record) in b.opportunities.enumerated() where inB[record.key] == nil { inB[record.key] = i }
    var matched = [Bool](repeating: false, count: b.opportunities.count)
    for x in a.opportunities {
      guard let j = inB[x.key], !matched[j] else {
        add(.takenOn, -grossProfit(x))
        continue
      }
      matched[j] = true
      attribute(x, b.opportunities[j], add)
    }
    for (j, y) in b.opportunities.enumerated() where !matched[j] { add(.takenOn, grossProfit(y)) }
    for line in CostLines.Line.allCases { add(.of(line), -(b.costs[line] - a.costs[line])) }
    return step
  }

  /// Whether a traced opportunity was won within the measured year.
  static func wonInYear(_ x: TracedOpportunity) -> Bool { x.outcome == .won && (x.closed ?? -1) >= 0 }
  static func closedInYear(_ x: TracedOpportunity) -> Bool { x.outcome != .open && (x.closed ?? -1) >= 0 }
  static func grossProfit(_ x: TracedOpportunity) -> Double { wonInYear(x) ? x.value * x.grossMargin : 0 }

  /// An opportunity both took on: its change of gross profit by mechanism (the rule above).
  static func attribute(_ x: TracedOpportunity, _ y: TracedOpportunity, _ add: (Mechanism, Double) -> Void) {
    let (wx, wy) = (wonInYear(x), wonInYear(y))
    guard wx || wy else { return }
    if wx != wy, !(closedInYear(x) && closedInYear(y)) {
      add(x.presalesDays != y.presalesDays ? .presalesWaits : .otherTiming, grossProfit(y) - grossProfit(x))
      return
    }
    let unit = x.value * x.grossMargin
    if wx != wy {
      var explained = 0
      if let d = x.decision, let e = y.decision, d == e {
        var causes = x.causes
        var before = wins(d, causes)
        for cause in WinCauses.Cause.allCases where causes[cause] != y.causes[cause] {
          causes[cause] = y.causes[cause]
          let after = wins(d, causes)
          if after != before {
            add(.of(cause), after ? unit : -unit)
            explained += after ? 1 : -1
          }
          before = after
        }
      }
      let unexplained = (wy ? 1 : 0) - (wx ? 1 : 0) - explained
      if unexplained != 0 { add(.winOther, Double(unexplained) * unit) }
    }
    if wy {
      add(.dealSize, (y.value - x.value) * x.grossMargin)
      add(.grossMargin, y.value * (y.grossMargin - x.grossMargin))
    }
  }

  /// Whether a decision is a win under these factors: its draw below advance x the factors (at most 1).
  static func wins(_ d: TracedDecision, _ causes: WinCauses) -> Bool {
    var p = d.advance
    for cause in WinCauses.Cause.allCases { p *= causes[cause] }
    return d.draw < min(1, p)
  }
}

extension Bridge {
  /// Replications recorded at a time (each holds every opportunity of the replication).
  public static let batch = 32

  /// The bridges from `baseline` to each variant on common random numbers: replications
  /// 0 ..< `replications` of each, recorded a batch at a time (their records are large).
  public static func run(
    baseline: Scenario, variants: [Scenario], seed: UInt64, replications: Int, generator: GeneratorKind = .philox, threads: Int = 0,
    progress: (@Sendable () -> Void)? = nil
  ) -> [Bridge] {
    let simulators = ([baseline] + variants).map { Simulator(scenario: $0, generator: generator) }
    var objectives = Array(repeating: [Double](), count: simulators.count)
    var perReplication = Array(repeating: [[Double]](), count: variants.count)
    var first = 0
    while first < replications {
      let range = first..<min(replications, first + batch)
      let base = simulators[0].bridgeRecords(replications: range, seed: seed, threads: threads)
      progress?()
      let column = simulators[0].layout.index(ofScenarioMetric: objective)
      objectives[0] += base.map { run in column.map { run.row[$0] } ?? .nan }
      for v in variants.indices {
        let runs = simulators[v + 1].bridgeRecords(replications: range, seed: seed, threads: threads)
        progress?()
        let column = simulators[v + 1].layout.index(ofScenarioMetric: objective)
        objectives[v + 1] += runs.map { run in column.map { run.row[$0] } ?? .nan }
        perReplication[v] += zip(base, runs).map { steps($0, $1) }
      }
      first = range.upperBound
    }
    return variants.indices.map { v in
      Bridge(baseline: baseline.name, variant: variants[v].name, objectives: (objectives[0], objectives[v + 1]), perReplication: perReplication[v])
    }
  }
}
