import CCCMSupport
import CoverageModel
import Estimation
import Randomness
import Simulation

/// Scenarios run on common random numbers: every scenario with one seed and generator, so
/// replication r of each meets the same opportunities with the same luck and differences pair.
public struct Experiment: Sendable {
  public let scenarios: [Scenario]
  public let seed: UInt64
  public let generator: GeneratorKind
  public let byPeriod: Bool
  public let threads: Int

  public init(scenarios: [Scenario], seed: UInt64, generator: GeneratorKind = .philox, byPeriod: Bool = false, threads: Int = 0) {
    self.scenarios = scenarios
    self.seed = seed
    self.generator = generator
    self.byPeriod = byPeriod
    self.threads = threads
  }

  /// Replications `first ..< first + count` of every scenario. `progress(scenario, done)` is
  /// called from worker threads.
  public func run(
    replications count: Int, first: Int = 0, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> [SimulationResults] {
    var results: [SimulationResults] = []
    for (index, scenario) in scenarios.enumerated() {
      var perScenario: (@Sendable (Int) -> Void)?
      if let progress { perScenario = { done in progress(index, done) } }
      let simulator = Simulator(scenario: scenario, generator: generator, byPeriod: byPeriod)
      results.append(simulator.run(replications: count, seed: seed, first: first, threads: threads, progress: perScenario))
    }
    return results
  }

  /// The replications beyond which a comparison of these scenarios keeps statistics instead of
  /// rows: the exact bound of the widest scenario's results (`ReplicationBlocks.exactBound`).
  public var exactBound: Int {
    ReplicationBlocks.exactBound(width: scenarios.map { Simulator(scenario: $0, generator: generator, byPeriod: byPeriod).layout.count }.max() ?? 0)
  }

  /// Replications `0 ..< count` of every scenario kept as paired statistics instead of rows
  /// (`StreamedComparison`): a block of replications at a time, every scenario's block in turn,
  /// so memory holds two scenarios' blocks whatever `count` is. `progress(scenario, done)` is
  /// called from worker threads.
  public func runStreamed(
    replications count: Int, objective: Objective, targets: [Target], progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> (results: [SimulationResults], streamed: StreamedComparison) {
    let simulators = scenarios.map { Simulator(scenario: $0, generator: generator, byPeriod: byPeriod) }
    var streamed = StreamedComparison(layouts: simulators.map(\.layout), objective: objective, targets: targets, end: count)
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { index in
        var perScenario: (@Sendable (Int) -> Void)?
        if let progress { perScenario = { done in progress(index, range.lowerBound + done) } }
        return simulators[index].run(replications: range.count, seed: seed, first: range.lowerBound, threads: threads, progress: perScenario).values
      }
    }
    return (streamed.results(scenarios: simulators.map(\.scenario.name), seed: seed), streamed)
  }

  /// Replications `0 ..< count` of every scenario: every row within the exact bound (`run`),
  /// beyond it the paired statistics instead (`runStreamed`, for `objective`).
  public func runWithinBound(
    replications count: Int, objective: Objective, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> (results: [SimulationResults], streamed: StreamedComparison?) {
    guard count > exactBound else { return (run(replications: count, progress: progress), nil) }
    let (results, streamed) = runStreamed(replications: count, objective: objective, targets: [], progress: progress)
    return (results, streamed)
  }

  /// Replications `ranges[i]` of scenario i (a shard's share, `Shard.ranges`); nil for an empty range.
  public func run(ranges: [Range<Int>], progress: (@Sendable (Int, Int) -> Void)? = nil) -> [SimulationResults?] {
    zip(scenarios.indices, ranges).map { index, range in
      guard !range.isEmpty else { return nil }
      var perScenario: (@Sendable (Int) -> Void)?
      if let progress { perScenario = { done in progress(index, done) } }
      let simulator = Simulator(scenario: scenarios[index], generator: generator, byPeriod: byPeriod)
      return simulator.run(replications: range.count, seed: seed, first: range.lowerBound, threads: threads, progress: perScenario)
    }
  }

  /// The outcome of `--precision`: the results, Stein's interval of each variant's difference on
  /// the objective, the widest half-width as a share of the baseline mean, and whether it reached the target.
  public struct PrecisionOutcome: Sendable {
    public var results: [SimulationResults]
    public var plan: PrecisionPlan
    /// Per variant, Stein's 95% interval of its mean paired difference on the objective.
    public var intervals: [(mean: Double, low: Double, high: Double)]
    public var widestShare: Double { plan.widestShare }
    public var reached: Bool { plan.reached }
  }

  /// `--precision`: a share strictly between 0% and 100%, written `1%` or `0.01`; nil otherwise.
  public static func precisionShare(_ text: String) -> Double? {
    let share: Double? = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
    guard let share, share.isFinite, share > 0, share < 1 else { return nil }
    return share
  }

  /// The replications of wave `wave` (from 1) of `--precision` in waves of `batch` up to `maximum`.
  public static func wave(_ wave: Int, batch: Int, maximum: Int) -> Range<Int> {
    let start = (wave - 1) * batch
    return start..<min(start + batch, maximum)
  }

  /// Stein's two-stage procedure for `objective`: a first stage (`PrecisionPlan.firstStage`),
  /// the total its variances ask for, then the rest in one run; the variants' intervals use the
  /// first stage's variance with t(n0 - 1) (docs/statistics.md, "Precision"). The first scenario
  /// is the baseline. Results are those of one run of the total. Waves of `batch` replications
  /// (`wave(K, batch:, maximum:)`) run in shards merge to the same outcome (`precisionOutcome`).
  public func runToPrecision(
    objective: Objective, share: Double, batch: Int, maximum: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> PrecisionOutcome {
    let n0 = PrecisionPlan.firstStage(batch: batch, maximum: maximum)
    var results = run(replications: n0, progress: progress)
    let plan = PrecisionPlan(firstStage: results, objective: objective, share: share, batch: batch, maximum: maximum)
    if plan.total > n0 {
      let rest = run(replications: plan.total - n0, first: n0, progress: progress)
      for i in results.indices { results[i].append(rest[i]) }
    }
    return plan.outcome(results)
  }

  /// `--precision` over results simulated wave by wave (merged shards; `waveEnds` holds the
  /// replication count after each wave): the outcome and the wave that completes it, or nil
  /// with the plan (once the first stage is in) and the waves still needed.
  public static func precisionOutcome(
    _ results: [SimulationResults], waveEnds: [Int], objective: Objective, share: Double, batch: Int, maximum: Int
  ) -> (outcome: PrecisionOutcome?, plan: PrecisionPlan?, lastWave: Int) {
    let (plan, last) = precisionPlan(waveEnds: waveEnds, objective: objective, share: share, batch: batch, maximum: maximum) { n0 in results.map { $0.prefix(n0) } }
    guard let plan, (waveEnds.last ?? 0) >= plan.total else { return (nil, plan, last) }
    return (plan.outcome(results.map { $0.prefix(plan.total) }), plan, last)
  }

  /// Stein's plan for `--precision` over waves (`waveEnds` as for `precisionOutcome`): nil until
  /// the waves hold the first stage, else the plan from it (`firstStage(n0)`: every scenario's
  /// first n0 replications, asked for only then); and the last wave the plan needs.
  public static func precisionPlan<Failure: Error>(
    waveEnds: [Int], objective: Objective, share: Double, batch: Int, maximum: Int, firstStage: (Int) throws(Failure) -> [SimulationResults]
  ) throws(Failure) -> (plan: PrecisionPlan?, lastWave: Int) {
    let n0 = PrecisionPlan.firstStage(batch: batch, maximum: maximum)
    guard (waveEnds.last ?? 0) >= n0 else { return (nil, (n0 + batch - 1) / batch) }
    let plan = PrecisionPlan(firstStage: try firstStage(n0), objective: objective, share: share, batch: batch, maximum: maximum)
    return (plan, (plan.total + batch - 1) / batch)
  }
}

/// Stein's two-stage plan for `--precision` (Stein 1945): from a first stage of n0 replications,
/// each variant's paired differences on the objective have a standard deviation S0; a 95%
/// half-width h (the share of the first stage's baseline mean) needs N = max(n0, ceil((t S0 /
/// h)²)) replications, t the 97.5% point of t(n0 - 1); the total is the largest N over the
/// variants, in whole waves, at most the maximum. The interval reported is mean_N ± t S0 /
/// sqrt(total): because the total depends on the data only through S0, which is independent of
/// the mean for normal differences, it holds the true difference with exactly 95% (the rule it
/// replaces stopped when a wave's own variance looked small, and covered 0.927).
public struct PrecisionPlan: Sendable {
  /// The least first stage: fewer replications give a variance too unsure to plan with.
  public static let minimumFirstStage = 20
  public static let confidence = 0.95

  /// The first stage: whole waves of `batch` up to at least `minimumFirstStage` replications,
  /// at most `maximum`.
  public static func firstStage(batch: Int, maximum: Int) -> Int {
    min(maximum, (minimumFirstStage + batch - 1) / batch * batch)
  }

  public let firstStage: Int
  /// Per variant, the standard deviation of its first-stage paired differences on the objective.
  public let deviations: [Double]
  /// The half-width asked for: the share of the first stage's baseline mean.
  public let halfWidth: Double
  public let baselineMean: Double
  /// The replications the first stage asks for (the largest N over the variants).
  public let required: Int
  /// The replications run: `required` in whole waves, at most the maximum.
  public let total: Int
  let objective: Objective

  /// The plan from every scenario's first stage (the baseline first).
  public init(firstStage results: [SimulationResults], objective: Objective, share: Double, batch: Int, maximum: Int) {
    self.objective = objective
    let metric = objective.metric
    let base = results[0].estimationColumn(metric)
    firstStage = base.count
    baselineMean = Summary(base).mean
    halfWidth = share * abs(baselineMean)
    deviations = results.dropFirst().map { PairedDifference(baseline: base, variant: $0.estimationColumn(metric)).pairedVariance.squareRoot() }
    let t = Self.multiplier(firstStage: firstStage)
    let (n0, h) = (firstStage, halfWidth)
    let needed =
      deviations.map { s0 -> Int in
        guard s0 > 0 else { return n0 }
        let n = (t * s0 / h) * (t * s0 / h)
        return n.isFinite && n < Double(Scenario.maximumReplications) ? max(n0, Int(n.rounded(.up))) : Int.max / 2
      }.max() ?? n0
    required = needed
    total = max(n0, min(maximum, (min(needed, maximum) + batch - 1) / batch * batch))
  }

  /// t(n0 - 1)'s 97.5% point (0 for a first stage too small to have one).
  static func multiplier(firstStage n0: Int) -> Double {
    n0 > 1 ? Probability.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(n0 - 1)) : 0
  }

  /// Whether the total is what the first stage asked for (not cut at the maximum).
  public var reached: Bool { total >= required }

  /// The widest of the variants' half-widths (t S0 / sqrt(total)) as a share of the baseline mean.
  public var widestShare: Double {
    let half = (deviations.max() ?? 0) * Self.multiplier(firstStage: firstStage) / Double(total).squareRoot()
    let scale = abs(baselineMean)
    return scale > 0 ? half / scale : (half == 0 ? 0 : .infinity)
  }

  /// The outcome for results of `total` replications.
  func outcome(_ results: [SimulationResults]) -> Experiment.PrecisionOutcome {
    let metric = objective.metric
    let base = results[0].estimationColumn(metric)
    let t = Self.multiplier(firstStage: firstStage)
    let intervals = zip(results.dropFirst(), deviations).map { variant, s0 -> (mean: Double, low: Double, high: Double) in
      let mean = PairedDifference(baseline: base, variant: variant.estimationColumn(metric)).mean
      let half = t * s0 / Double(total).squareRoot()
      return (mean, mean - half, mean + half)
    }
    return Experiment.PrecisionOutcome(results: results, plan: self, intervals: intervals)
  }
}

extension SimulationResults {
  /// The first `count` replications.
  func prefix(_ count: Int) -> SimulationResults {
    SimulationResults(scenario: scenario, layout: layout, seed: seed, values: Array(values.prefix(count * layout.count)))
  }
}

extension Experiment {
  /// Why `scenarios` cannot be compared replication by replication, or nil: designs compared on
  /// common random numbers must simulate the same days (horizon, warm-up and start date), or a
  /// difference would measure the calendar rather than the design (a 730-day variant against a
  /// 365-day baseline "wins" every metric that adds up). `files[i]` names scenario i.
  public static func clockMismatch(_ scenarios: [Scenario], files: [String]) -> String? {
    guard let base = scenarios.first, let baseFile = files.first else { return nil }
    func date(_ d: CalendarDate?) -> String { d.map(\.description) ?? "none (days from 0)" }
    func number(_ value: Double) -> String { NumberText.shortest(value) }
    for (scenario, file) in zip(scenarios, files).dropFirst() {
      let keys: [(key: String, base: String, other: String)] = [
        ("horizon_days", number(base.horizonDays), number(scenario.horizonDays)),
        ("warmup_days", number(base.warmupDays), number(scenario.warmupDays)),
        ("start_date", date(base.startDate), date(scenario.startDate)),
      ]
      for k in keys where k.base != k.other {
        return "\(file): error: \(k.key) is \(k.other) here but \(k.base) in the baseline \(baseFile); designs compared on common random numbers must simulate the same days: give both the same \(k.key) (set it in the variant, or extend the same file)"
      }
    }
    return nil
  }

  /// A note for each variant whose transition starts from an organisation other than the
  /// baseline's: a variant switches from the organisation of the file it extends, so when that is
  /// not the baseline, its difference from the baseline also holds how that file's organisation
  /// differs from the baseline's before the switch. `files[i]` names scenario i and `extended[i]`
  /// the file it extends (nil for none).
  public static func transitionOrigins(_ scenarios: [Scenario], files: [String], extended: [String?]) -> [String] {
    guard var baseline = scenarios.first, let baseFile = files.first else { return [] }
    (baseline.transition, baseline.origins) = (nil, [:])
    var notes: [String] = []
    for i in scenarios.indices.dropFirst() {
      guard let transition = scenarios[i].transition, transition.former.scenario != baseline, let origin = extended[i] else { continue }
      notes.append(
        "note: \(files[i]) switches on day \(NumberText.shortest(transition.effectiveDay)) from the organisation of \(origin) (the file it extends), "
          + "not from the baseline \(baseFile): its difference from the baseline also holds how that organisation differs from the baseline's")
    }
    return notes
  }
}
