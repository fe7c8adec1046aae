import Estimation

extension SimulationResults {
  /// The values whose mean estimates metric `metric` and whose paired differences compare it:
  /// the metric's column, or for a ratio metric ("ratio: A / B") the pseudo-values of the ratio of
  /// sums (`RatioOfSums.pseudoValues`), so that a t-interval from them is the delta-method one.
  public func estimationColumn(_ metric: Int) -> [Double] {
    guard hasRows, let denominator = layout.denominatorIndex(of: metric) else { return column(metric) }
    return RatioOfSums(ratios: column(metric), denominators: column(denominator)).pseudoValues
  }

  /// The summary of a ratio metric from the rows (the ratio of sums), nil for another metric.
  func ratioSummary(_ metric: Int) -> Summary? {
    guard hasRows, let denominator = layout.denominatorIndex(of: metric) else { return nil }
    return Summary(ratios: column(metric), denominators: column(denominator))
  }
}
