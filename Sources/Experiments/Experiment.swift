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
    var streamed = StreamedComparison(layouts: simulators.map(\.layout), objective: objective, targets: targets)
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { index in
        var perScenario: (@Sendable (Int) -> Void)?
        if let progress { perScenario = { done in progress(index, range.lowerBound + done) } }
        return simulators[index].run(replications: range.count, seed: seed, first: range.lowerBound, threads: threads, progress: perScenario).values
      }
    }
    return (streamed.results(scenarios: simulators.map(\.scenario.name), seed: seed), streamed)
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

  /// The outcome of sequential precision: the results, the widest half-width as a share of the
  /// baseline mean, and whether it reached the target.
  public struct PrecisionOutcome: Sendable {
    public var results: [SimulationResults]
    public var widestShare: Double
    public var reached: Bool
  }

  /// The widest paired 95% half-width on `objective` among the variants (`results[1...]`
  /// against `results[0]`), as a share of the baseline's mean.
  public static func widestShare(_ results: [SimulationResults], objective: Objective) -> Double {
    let metric = objective.metric
    let base = results[0].column(metric)
    let scale = abs(Summary(base).mean)
    let half = results.dropFirst().map { PairedDifference(baseline: base, variant: $0.column(metric), confidence: 0.95).halfWidth }.max() ?? 0
    return scale > 0 ? half / scale : (half == 0 ? 0 : .infinity)
  }

  /// `--precision`: a share strictly between 0% and 100%, written `1%` or `0.01`; nil otherwise.
  public static func precisionShare(_ text: String) -> Double? {
    let share: Double? = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
    guard let share, share.isFinite, share > 0, share < 1 else { return nil }
    return share
  }

  /// Whether sequential precision stops after `done` replications: the target is reached or the maximum is.
  public static func precisionStops(widestShare: Double, share: Double, done: Int, maximum: Int) -> Bool {
    widestShare <= share || done >= maximum
  }

  /// The replications of wave `wave` (from 1) of sequential precision in batches of `batch` up to `maximum`.
  public static func wave(_ wave: Int, batch: Int, maximum: Int) -> Range<Int> {
    let start = (wave - 1) * batch
    return start..<min(start + batch, maximum)
  }

  /// Adds replications in batches of `batch` until every variant's paired 95% half-width on
  /// `objective` is within `share` of the baseline's mean, or `maximum` replications are reached.
  /// The first scenario is the baseline. Results are those of one run of the final size. Wave K
  /// is `wave(K, batch:, maximum:)`: sharded waves (`compare --precision --wave K --shard I/N`)
  /// merge to the same results and stop at the same wave.
  public func runToPrecision(
    objective: Objective, share: Double, batch: Int, maximum: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> PrecisionOutcome {
    var results = run(replications: min(batch, maximum), progress: progress)
    var current = Self.widestShare(results, objective: objective)
    while !Self.precisionStops(widestShare: current, share: share, done: results[0].replications, maximum: maximum) {
      let range = Self.wave(results[0].replications / batch + 1, batch: batch, maximum: maximum)
      let next = run(replications: range.count, first: range.lowerBound, progress: progress)
      for i in results.indices { results[i].append(next[i]) }
      current = Self.widestShare(results, objective: objective)
    }
    return PrecisionOutcome(results: results, widestShare: current, reached: current <= share)
  }

  /// Sequential precision over results already simulated wave by wave (merged shards): the
  /// outcome after the first wave at which `runToPrecision` stops, or nil with the next wave's
  /// number when it would go on past the last wave given. `waveEnds` holds the replication count
  /// after each wave.
  public static func precisionOutcome(
    _ results: [SimulationResults], waveEnds: [Int], objective: Objective, share: Double, maximum: Int
  ) -> (outcome: PrecisionOutcome?, nextWave: Int, widestShare: Double) {
    var current = Double.infinity
    for (index, end) in waveEnds.enumerated() {
      let prefix = results.map { $0.prefix(end) }
      current = widestShare(prefix, objective: objective)
      if precisionStops(widestShare: current, share: share, done: end, maximum: maximum) {
        return (PrecisionOutcome(results: prefix, widestShare: current, reached: current <= share), index + 2, current)
      }
    }
    return (nil, waveEnds.count + 1, current)
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
}
