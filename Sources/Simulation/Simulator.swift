import CoverageModel
import Dispatch
import Estimation
import Foundation
import Randomness

/// The results of a run: one row of metric values per replication, or, beyond the exact bound
/// (`ReplicationBlocks.exactBound`), every metric's moments and quantile sketch without rows.
public struct SimulationResults: Sendable {
  public let scenario: String
  public let layout: MetricLayout
  public let seed: UInt64
  /// Row-major: replication r's metric m is `values[r * layout.count + m]`. Empty when streamed.
  public private(set) var values: [Double]
  /// Beyond the exact bound: the statistics kept instead of the rows.
  public private(set) var streamed: StreamedStatistics?

  public init(scenario: String, layout: MetricLayout, seed: UInt64, values: [Double]) {
    self.scenario = scenario
    self.layout = layout
    self.seed = seed
    self.values = values
    streamed = nil
  }

  /// Results kept as statistics only (a run beyond the exact bound).
  public init(scenario: String, layout: MetricLayout, seed: UInt64, streamed: StreamedStatistics) {
    self.scenario = scenario
    self.layout = layout
    self.seed = seed
    values = []
    self.streamed = streamed
  }

  public var replications: Int { streamed?.replications ?? (layout.count == 0 ? 0 : values.count / layout.count) }

  /// Whether the rows are kept (false beyond the exact bound: statistics only).
  public var hasRows: Bool { streamed == nil }

  /// Every replication's value of metric `metric`, in replication order (empty when streamed).
  public func column(_ metric: Int) -> [Double] {
    stride(from: metric, to: values.count, by: layout.count).map { values[$0] }
  }

  /// The summary of metric `metric`: from the rows when kept (exact), else from its moments and sketch.
  public func summary(_ metric: Int) -> Summary {
    guard let streamed else { return ratioSummary(metric) ?? Summary(column(metric)) }
    if let d = layout.denominatorIndex(of: metric) {
      return Summary(ratio: streamed.ratios[d - layout.metricCount], sketch: streamed.sketches[metric], ratios: streamed.moments[metric])
    }
    return Summary(moments: streamed.moments[metric], sketch: streamed.sketch(metric))
  }

  /// Quantiles of metric `metric` at `levels`: type 7 of the sorted finite rows when kept, else the sketch's.
  public func quantiles(_ metric: Int, _ levels: [Double]) -> [Double] {
    guard let streamed else {
      let sorted = column(metric).filter(\.isFinite).sorted()
      return levels.map { Summary.quantile(sorted, $0) }
    }
    return streamed.sketch(metric).quantiles(levels)
  }

  /// Adds the rows of a later batch (replications continue where these stop).
  public mutating func append(_ other: SimulationResults) {
    precondition(other.layout == layout && other.seed == seed, "appending results of another scenario or seed")
    precondition(hasRows && other.hasRows, "appending results kept as statistics")
    values += other.values
  }
}

/// Runs replications of a scenario in parallel. Replication r depends only on (scenario, seed, r):
/// results are bit-identical for any thread count and any order of completion (docs/model.md).
public struct Simulator: Sendable {
  let plan: SimulationPlan
  /// The reorganisation the scenario makes on a day, if it has one.
  let transition: TransitionPlan?
  /// A predictive run's plans, one per parameter set (`Scenario.parameterSets`; empty: none): a
  /// replication runs the set `ParameterSet.index` gives it.
  let parameterPlans: [(plan: SimulationPlan, transition: TransitionPlan?)]
  public let scenario: Scenario
  public let generator: GeneratorKind
  /// False: every patience clock goes straight into the calendar (tests compare both ways).
  var usesPatienceLanes = true

  /// `scenario` must have passed validation (`ScenarioLoader` guarantees it). `byPeriod` keeps
  /// every scenario metric per month and per quarter too (`MetricLayout.months`, `.quarters`).
  public init(scenario: Scenario, generator: GeneratorKind = .philox, byPeriod: Bool = false) {
    self.scenario = scenario
    (plan, transition) = Self.compile(scenario, byPeriod: byPeriod)
    parameterPlans = scenario.parameterSets.map { Self.compile(scenario.applying($0), byPeriod: byPeriod) }
    self.generator = generator
    assert(parameterPlans.allSatisfy { $0.plan.layout == plan.layout }, "a parameter set changed the scenario's metrics")
    assert(MetricLayout.slotMismatches.isEmpty, "the engine's metric names are not the catalogue's: \(MetricLayout.slotMismatches)")
  }

  public var layout: MetricLayout { plan.layout }

  /// The plan of `scenario`, with its transition's if it has one.
  static func compile(_ scenario: Scenario, byPeriod: Bool) -> (SimulationPlan, TransitionPlan?) {
    guard let transition = scenario.transition else { return (SimulationPlan(scenario, byPeriod: byPeriod), nil) }
    return TransitionPlan.compile(scenario, transition: transition, byPeriod: byPeriod)
  }

  /// Runs replications `first ..< first + count` on `threads` threads (0: one per core).
  /// `progress` is called with the number finished so far, from worker threads. Beyond
  /// `exactBound` replications (nil: no bound, every row kept; `run` gives
  /// `ReplicationBlocks.exactBound`) the rows are not kept: replications run a block at a time and
  /// each block goes into the statistics (`StreamedResults`) and, in order, to `rows` (`run
  /// --save`) before the next one runs.
  public func run(
    replications count: Int, seed: UInt64, first: Int = 0, threads: Int = 0,
    progress: (@Sendable (Int) -> Void)? = nil, exactBound: Int? = nil, rows: ((Range<Int>, UnsafeBufferPointer<Double>) -> Void)? = nil
  ) -> SimulationResults {
    let width = plan.layout.count
    guard let exactBound, count > exactBound else {
      var values = [Double](repeating: .nan, count: count * width)
      values.withUnsafeMutableBufferPointer { buffer in
        onWorkers(count: count, threads: threads, first: first, seed: seed, progress: progress, RowJob(output: SharedBuffer(buffer), width: width, seed: seed, first: first))
      }
      if let rows { values.withUnsafeBufferPointer { rows(first..<(first + count), $0) } }
      return SimulationResults(scenario: scenario.name, layout: plan.layout, seed: seed, values: values)
    }
    var statistics = StreamedResults(layout: plan.layout, first: first, end: first + count)
    var block = [Double](repeating: .nan, count: min(count, ReplicationBlocks.size) * width)
    for range in ReplicationBlocks.ranges(first..<(first + count)) {
      let done = range.lowerBound - first
      var inBlock: (@Sendable (Int) -> Void)?
      if let progress { inBlock = { progress(done + $0) } }
      block.withUnsafeMutableBufferPointer { buffer in
        onWorkers(
          count: range.count, threads: threads, first: range.lowerBound, seed: seed, progress: inBlock,
          RowJob(output: SharedBuffer(buffer), width: width, seed: seed, first: range.lowerBound))
      }
      block.withUnsafeBufferPointer { buffer in
        let filled = UnsafeBufferPointer(rebasing: buffer[0..<(range.count * width)])
        rows?(range, filled)
        statistics.append(filled)
      }
    }
    return SimulationResults(scenario: scenario.name, layout: plan.layout, seed: seed, streamed: statistics.finish())
  }

  /// The worker pool of every run of this simulator (`run`, `traces`): `threads` workers (0: one
  /// per core, never more than `count`), each with its own engine for the simulator's plan and
  /// transition, specialised for its period mode (no period code when none is kept), take the
  /// numbers 0..<count in turn and do `job` with each on their engine. A replication depends only
  /// on (scenario, seed, its number), so which worker runs it changes nothing. `progress` is
  /// called with the number finished so far, from worker threads. A predictive run's number
  /// `first + r` (the replication's) and `seed` choose its parameter set.
  func onWorkers(count: Int, threads: Int, first: Int, seed: UInt64, progress: (@Sendable (Int) -> Void)? = nil, _ job: some ReplicationJob) {
    func work<Mode: PeriodMode>(_: Mode.Type) {
      let workers = max(1, min(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount, count))
      let counter = WorkCounter()
      guard !parameterPlans.isEmpty else {
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
          var replication = Replication<Mode>(plan: plan, transition: transition, generatorKind: generator, usesPatienceLanes: usesPatienceLanes)
          while let r = counter.take(below: count) {
            job.run(&replication, number: r)
            if let progress { progress(counter.finish()) }
          }
        }
        return
      }
      // Replications handed out in the order of their sets, so a worker builds an engine only when
      // the set changes.
      let sets = (0..<count).map { ParameterSet.index(replication: first + $0, seed: seed, count: parameterPlans.count) }
      let order = (0..<count).sorted { (sets[$0], $0) < (sets[$1], $1) }
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        var next = counter.take(below: count)
        while let start = next {
          let set = sets[order[start]]
          let chosen = parameterPlans[set]
          var replication = Replication<Mode>(plan: chosen.plan, transition: chosen.transition, generatorKind: generator, usesPatienceLanes: usesPatienceLanes)
          next = start
          while let i = next, sets[order[i]] == set {
            job.run(&replication, number: order[i])
            if let progress { progress(counter.finish()) }
            next = counter.take(below: count)
          }
        }
      }
    }
    if plan.periods == nil { work(WithoutPeriods.self) } else { work(WithPeriods.self) }
  }
}

/// What a worker of `Simulator.onWorkers` does with one replication number (0-based in the batch)
/// on its engine.
protocol ReplicationJob: Sendable {
  func run<Mode: PeriodMode>(_ replication: inout Replication<Mode>, number: Int)
}

/// Replication `first + number` written to row `number` of a shared buffer of rows of `width`.
private struct RowJob: ReplicationJob {
  let output: SharedBuffer
  let width: Int
  let seed: UInt64
  let first: Int

  func run<Mode: PeriodMode>(_ replication: inout Replication<Mode>, number r: Int) {
    replication.run(seed: seed, replication: first + r, into: UnsafeMutableBufferPointer(rebasing: output.buffer[(r * width)..<((r + 1) * width)]))
  }
}

/// A buffer whose disjoint rows are written by different threads.
private struct SharedBuffer: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Double>
  init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
}

/// Hands out replication numbers to workers and counts finished ones.
final class WorkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0
  private var finished = 0

  func take(below limit: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < limit else { return nil }
    next += 1
    return next - 1
  }

  func finish() -> Int {
    lock.lock()
    defer { lock.unlock() }
    finished += 1
    return finished
  }
}
