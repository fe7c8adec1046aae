import CoverageModel
import Foundation
import Randomness

/// One simulated opportunity as a CRM records it: who worked it, when it was engaged and closed,
/// how it ended and for how much. `cccm export` writes these as a CRM-like export.
public struct TracedOpportunity: Sendable, Hashable {
  /// Stale: it went stale and was lost after its stale days, counted apart from losses.
  public enum Outcome: String, Sendable { case won, lost, open, stale }
  /// Its segment (index in the scenario's segments) and its place among the segment's arrivals in
  /// the replication (its stream key derives from it, so it is the same in every variant); -1 for
  /// a deal of the starting pipeline.
  public var segment: Int
  public var arrival: Int
  /// The pipeline row it started from (0-based), or -1 for a simulated arrival.
  public var pipelineRow: Int
  /// The account's place in the segment's ranking by potential (0 is the largest); -1 for a
  /// pipeline deal (its account is the file's).
  public var account: Int
  public var team: Int
  /// The seat of the rep who held it (teams whose reps are people), else -1.
  public var rep: Int
  /// Day of engagement (negative in the warm-up; a pipeline deal's is day 0 less its days in stage).
  public var created: Double
  /// Day it was won or lost; nil while open at the horizon.
  public var closed: Double?
  public var outcome: Outcome
  /// The deal's value (deal size x size factor x specialist uplift).
  public var value: Double
  /// The solution it needs (index in the scenario's solutions), or -1.
  public var solution: Int
  /// Its stream key.
  public var key: UInt64
  /// The gross margin its bookings earn (its solution's, else the scenario's).
  public var grossMargin = 0.0
  /// Its win factor by cause (the bridge's records).
  public var causes = WinCauses()
  /// Its last stage's decision, if it reached one.
  public var decision: TracedDecision?
  /// Days its presales requests took, from each request to its service's end or its giving up.
  public var presalesDays = 0.0
}

/// The opportunities of one replication, recorded as they open and close. Only made when asked
/// for (`Simulator.traces`): the engine checks one optional and otherwise does nothing.
final class OpportunityTrace {
  var records: [TracedOpportunity] = []
  /// Per opportunity slot of the replication, the record it holds.
  var recordOfSlot: [Int] = []
  /// Whether the replication's cost lines are wanted (`costs`, the bridge's).
  var keepsCosts = false
  var costs = CostLines()

  func open(_ record: TracedOpportunity, slot: Int32) {
    let slot = Int(slot)
    if slot >= recordOfSlot.count { recordOfSlot += Array(repeating: -1, count: slot + 1 - recordOfSlot.count) }
    recordOfSlot[slot] = records.count
    records.append(record)
  }

  /// Changes the record an open slot holds.
  func update(slot: Int32, _ change: (inout TracedOpportunity) -> Void) {
    let slot = Int(slot)
    guard slot < recordOfSlot.count, recordOfSlot[slot] >= 0 else { return }
    change(&records[recordOfSlot[slot]])
  }

  func close(slot: Int32, won: Bool, stale: Bool = false, value: Double, at time: Double) {
    let index = recordOfSlot[Int(slot)]
    guard index >= 0 else { return }
    records[index].closed = time
    records[index].outcome = won ? .won : stale ? .stale : .lost
    records[index].value = value
    recordOfSlot[Int(slot)] = -1
  }
}

extension Replication {
  /// Records a newly accepted arrival (its account drawn again from its own stream: the same draw).
  @inline(never)
  mutating func traceOpened(_ slot: Int32, arrival: Int, causes: WinCauses) {
    guard let trace else { return }
    let opportunity = opportunities[Int(slot)]
    let segment = plan.segments[Int(opportunity.segment)]
    generator.select(key: opportunity.key, attribute: StreamAttribute.account)
    let u = generator.uniform()
    let account = segment.potential.isEmpty ? min(Int(u * segment.accounts), Int(segment.accounts) - 1) : plan.account(at: u, of: segment)
    trace.open(
      TracedOpportunity(
        segment: Int(opportunity.segment), arrival: arrival, pipelineRow: -1, account: account, team: Int(opportunity.team),
        rep: Int(opportunity.rep), created: opportunity.arrival, closed: nil, outcome: .open, value: opportunity.value,
        solution: Int(opportunity.solution), key: opportunity.key, grossMargin: grossMargin(opportunity), causes: causes),
      slot: slot)
  }

  /// The gross margin of an opportunity's bookings: its solution's, else the scenario's.
  func grossMargin(_ opportunity: Opportunity) -> Double {
    opportunity.solution >= 0 ? plan.solutions[Int(opportunity.solution)].grossMargin : plan.grossMargin
  }

  @inline(never)
  mutating func traceClosed(_ slot: Int32, won: Bool, stale: Bool = false) {
    trace?.close(slot: slot, won: won, stale: stale, value: opportunities[Int(slot)].value, at: now)
  }
}

extension Simulator {
  /// Replications `replications` with every opportunity recorded: one list per replication, in
  /// the order the opportunities were engaged. Each is the replication `run` simulates (same
  /// seed and number, same results), on `threads` threads (0: one per core).
  public func traces(replications: Range<Int>, seed: UInt64, threads: Int = 0) -> [[TracedOpportunity]] {
    guard !replications.isEmpty else { return [] }
    let results = TracedResults<[TracedOpportunity]>(count: replications.count)
    onWorkers(
      count: replications.count, threads: threads, first: replications.lowerBound, seed: seed,
      TracingJob(results: results, width: plan.layout.count, seed: seed, first: replications.lowerBound) { trace, _ in trace.records })
    return results.values
  }
}

/// Replication `first + number` with a fresh trace of its opportunities (and its cost lines with
/// `keepsCosts`); `record` makes what `results` keeps for it from the trace and its row of metrics.
struct TracingJob<Value: Sendable>: ReplicationJob {
  let results: TracedResults<Value>
  let width: Int
  let seed: UInt64
  let first: Int
  var keepsCosts = false
  let record: @Sendable (OpportunityTrace, [Double]) -> Value

  func run<Mode: PeriodMode>(_ replication: inout Replication<Mode>, number r: Int) {
    let trace = OpportunityTrace()
    trace.keepsCosts = keepsCosts
    replication.trace = trace
    var row = [Double](repeating: 0, count: width)
    row.withUnsafeMutableBufferPointer { replication.run(seed: seed, replication: first + r, into: $0) }
    replication.trace = nil
    results.set(r, record(trace, row))
  }
}

/// What the workers of a traced run keep, one value a replication, in replication order.
final class TracedResults<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [Value?]
  init(count: Int) { stored = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: Value) {
    lock.lock()
    stored[index] = value
    lock.unlock()
  }
  /// Every replication's value (each replication has set its own).
  var values: [Value] {
    lock.lock()
    defer { lock.unlock() }
    return stored.map { $0! }
  }
}
