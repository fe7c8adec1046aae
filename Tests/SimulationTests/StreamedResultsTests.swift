import CoverageModel
import Estimation
import Testing

@testable import Simulation

/// Beyond the exact bound a run keeps statistics, not rows; they depend on the replications only.
@Suite("Streamed results")
struct StreamedResultsTests {
  static let scenario = PeopleTests.scenario(arrivalsPerDay: 2, reps: 3, slots: 3, people: People())

  /// Every statistic's bits: count, mean, M2 and the sketch's quantiles of every metric.
  static func bits(_ results: SimulationResults) -> [UInt64] {
    guard let streamed = results.streamed else { return [] }
    var all: [UInt64] = [UInt64(streamed.replications)]
    for (m, s) in zip(streamed.moments, streamed.sketches) {
      all += [UInt64(m.count), m.mean.bitPattern, m.m2.bitPattern] + s.quantiles([0.05, 0.5, 0.95]).map(\.bitPattern)
    }
    return all
  }

  @Test("blocks cut at multiples of 500 counted from replication 0; rows kept up to at least 1,000 replications")
  func blocks() {
    #expect(ReplicationBlocks.ranges(0..<1200) == [0..<500, 500..<1000, 1000..<1200])
    #expect(ReplicationBlocks.ranges(499..<501) == [499..<500, 500..<501])
    #expect(ReplicationBlocks.ranges(5..<5).isEmpty)
    #expect(ReplicationBlocks.exactBound(width: 100) == 10_000)
    #expect(ReplicationBlocks.exactBound(width: 1_000) == 4_194)
    #expect(ReplicationBlocks.exactBound(width: 100_000) == 1_000)
  }

  @Test("beyond the bound: the same statistics bit for bit on 1 or 2 threads and from any split of the replications into pieces")
  func deterministic() {
    let simulator = Simulator(scenario: Self.scenario)
    let one = simulator.run(replications: 2_300, seed: 9, threads: 1, exactBound: 1_000)
    let two = simulator.run(replications: 2_300, seed: 9, threads: 2, exactBound: 1_000)
    #expect(!one.hasRows && one.replications == 2_300)
    #expect(Self.bits(one) == Self.bits(two))
    // Shards: rows of 0..<700, 700..<1850 and 1850..<2300 given in order, as merge gives them.
    var pieces = StreamedResults(layout: simulator.layout, first: 0)
    for range in [0..<700, 700..<1850, 1850..<2300] {
      let rows = simulator.run(replications: range.count, seed: 9, first: range.lowerBound, threads: 2)
      rows.values.withUnsafeBufferPointer { pieces.append($0) }
    }
    let merged = SimulationResults(scenario: one.scenario, layout: one.layout, seed: 9, streamed: pieces.finish())
    #expect(Self.bits(merged) == Self.bits(one))
  }

  @Test("beyond the bound: means and standard deviations those of the rows up to rounding, percentiles within the sketch's rank error")
  func againstRows() {
    let simulator = Simulator(scenario: Self.scenario)
    let streamed = simulator.run(replications: 3_000, seed: 2, threads: 2, exactBound: 1_000)
    let rows = simulator.run(replications: 3_000, seed: 2, threads: 2)
    for m in 0..<rows.layout.count {
      let exact = rows.summary(m)
      let approximate = streamed.summary(m)
      #expect(exact.count == approximate.count)
      guard exact.count > 0 else { continue }
      #expect(abs(exact.mean - approximate.mean) <= 1e-9 * max(1, abs(exact.mean)))
      #expect(abs(exact.sd - approximate.sd) <= 1e-7 * max(1, exact.sd))
      // A denominator keeps no sketch (its percentiles are never reported).
      guard m < rows.layout.metricCount else { continue }
      let sorted = rows.column(m).filter(\.isFinite).sorted()
      for (q, x) in zip([0.05, 0.5, 0.95], [approximate.p05, approximate.p50, approximate.p95]) {
        // x's rank interval among the rows must come within the bound of q.
        let below = Double(sorted.filter { $0 < x }.count) / Double(sorted.count)
        let atOrBelow = Double(sorted.filter { $0 <= x }.count) / Double(sorted.count)
        #expect(q >= below - QuantileSketch.rankError && q <= atOrBelow + QuantileSketch.rankError, "metric \(m): p\(q) = \(x), rank \(below)...\(atOrBelow)")
      }
    }
  }

  @Test("only metrics keep a sketch: a ratio's denominator, whose percentiles no report reads, keeps its moments and no sketch")
  func denominatorsKeepNoSketch() {
    let simulator = Simulator(scenario: Self.scenario)
    let layout = simulator.layout
    let results = simulator.run(replications: 1_200, seed: 4, threads: 1, exactBound: 1_000)
    guard let streamed = results.streamed else {
      Issue.record("no statistics beyond the bound")
      return
    }
    #expect(layout.count > layout.metricCount)
    #expect(streamed.moments.count == layout.count && streamed.sketches.count == layout.metricCount)
    #expect(streamed.sketch(layout.count - 1).count == 0 && streamed.moments[layout.count - 1].count > 0)
    #expect(streamed.sketch(0).count == streamed.moments[0].count)
  }

  @Test("a last short block summarised where it is given (its end known) gives the statistics of one copied to wait for more rows")
  func knownEnd() {
    let simulator = Simulator(scenario: Self.scenario)
    let rows = simulator.run(replications: 1_700, seed: 5, threads: 2)
    var known = StreamedResults(layout: simulator.layout, first: 0, end: 1_700)
    var unknown = StreamedResults(layout: simulator.layout, first: 0)
    rows.values.withUnsafeBufferPointer { buffer in
      known.append(buffer)
      unknown.append(buffer)
    }
    func results(_ statistics: inout StreamedResults) -> SimulationResults {
      SimulationResults(scenario: rows.scenario, layout: rows.layout, seed: 5, streamed: statistics.finish())
    }
    #expect(Self.bits(results(&known)) == Self.bits(results(&unknown)))
    #expect(Self.bits(results(&known)).first == 1_700)
  }
}
