import Estimation
import Simulation

extension Experiment {
  /// One metric's values in replications `first ..< first + count` of every scenario, as
  /// estimation reads them (`SimulationResults.estimationColumn`: a ratio metric's pseudo-values,
  /// linearised at the ratio of sums), for studies that need every replication's value but not
  /// its other metrics (`allocate`, `threshold`).
  ///
  /// The replications run a block at a time (`ReplicationBlocks.size`) and each block is reduced
  /// to the metric's column (and its denominator's) before the next runs, so memory holds one
  /// block of rows and one or two numbers a replication, however many replications there are.
  /// The values are the ones `run(replications:first:)` gives: a replication draws from its own
  /// stream, whatever block it runs in. `metric` is a column of the scenarios' layout; a layout
  /// without it gives no values. `progress(scenario, done)` is called from worker threads.
  public func estimationColumns(
    _ metric: Int, replications count: Int, first: Int = 0, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> [[Double]] {
    scenarios.indices.map { index in
      let simulator = Simulator(scenario: scenarios[index], generator: generator, byPeriod: byPeriod)
      guard metric < simulator.layout.count else { return [] }
      let denominator = simulator.layout.denominatorIndex(of: metric)
      var values: [Double] = []
      var denominators: [Double] = []
      values.reserveCapacity(count)
      if denominator != nil { denominators.reserveCapacity(count) }
      for range in ReplicationBlocks.ranges(first..<(first + count)) {
        var inBlock: (@Sendable (Int) -> Void)?
        let done = range.lowerBound - first
        if let progress { inBlock = { progress(index, done + $0) } }
        let block = simulator.run(replications: range.count, seed: seed, first: range.lowerBound, threads: threads, progress: inBlock)
        values += block.column(metric)
        if let denominator { denominators += block.column(denominator) }
      }
      guard denominator != nil else { return values }
      return RatioOfSums(ratios: values, denominators: denominators).pseudoValues
    }
  }
}
