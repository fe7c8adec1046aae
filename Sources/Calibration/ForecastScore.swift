import Estimation
import Foundation
import Randomness

/// Scores of a probabilistic forecast against what happened, from the forecast's samples (a
/// simulation's replications): prediction intervals and their coverage, the probability integral
/// transform (PIT) and the continuous ranked probability score (CRPS). What a back-test reports
/// for each month and quantity (docs/calibration.md).
public enum ForecastScore {
  /// The central prediction interval at `level` (e.g. 0.8): the samples' (1 - level)/2 and
  /// (1 + level)/2 quantiles (type 7).
  public static func interval(_ samples: [Double], level: Double) -> ClosedRange<Double> {
    let sorted = samples.sorted()
    let low = Summary.quantile(sorted, (1 - level) / 2)
    let high = Summary.quantile(sorted, (1 + level) / 2)
    return min(low, high)...max(low, high)
  }

  /// How many actual values fall inside their forecast's interval at `level`, of how many, and the
  /// range of counts a calibrated forecast gives 95% of the time (binomial quantiles from GSL's
  /// normal approximation with continuity correction: level x n +- 1.96 sqrt(n level (1 - level))).
  public static func coverage(_ cells: [(samples: [Double], actual: Double)], level: Double) -> (covered: Int, total: Int, expected: ClosedRange<Double>) {
    let covered = cells.filter { interval($0.samples, level: level).contains($0.actual) }.count
    let n = Double(cells.count)
    let spread = 1.96 * (n * level * (1 - level)).squareRoot() + 0.5
    return (covered, cells.count, max(0, level * n - spread)...min(n, level * n + spread))
  }

  /// The PIT of an actual value: the share of samples below it, counting ties as half, so a
  /// calibrated forecast gives values spread evenly over (0, 1).
  public static func pit(_ samples: [Double], actual: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let below = samples.filter { $0 < actual }.count
    let equal = samples.filter { $0 == actual }.count
    return (Double(below) + 0.5 * Double(equal)) / Double(samples.count)
  }

  /// PIT values counted in `bins` equal bins of [0, 1].
  public static func histogram(_ pits: [Double], bins: Int = 10) -> [Int] {
    var counts = Array(repeating: 0, count: bins)
    for p in pits where p.isFinite { counts[min(bins - 1, max(0, Int(p * Double(bins))))] += 1 }
    return counts
  }

  /// The CRPS of the samples' distribution at the actual value, in the energy form
  /// E|X - y| - E|X - X'| / 2 (Gneiting and Raftery 2007), exact for the empirical distribution:
  /// with the samples sorted, E|X - X'| = 2/n^2 sum (2i - n + 1) x_(i).
  public static func crps(_ samples: [Double], actual: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let x = samples.sorted()
    let n = Double(x.count)
    let spread = x.enumerated().reduce(0.0) { $0 + (2 * Double($1.offset) - n + 1) * $1.element } * 2 / (n * n)
    let distance = x.reduce(0.0) { $0 + abs($1 - actual) } / n
    return distance - spread / 2
  }
}
