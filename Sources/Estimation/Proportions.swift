import Foundation
import Randomness

/// A share of replications that meet a condition, with its Wilson score interval.
///
/// Wilson (1927): the interval of p whose score test at level `confidence` does not reject; unlike
/// the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1.
public struct Proportion: Hashable, Sendable {
  public var successes: Int
  public var count: Int
  public var estimate: Double
  public var low: Double
  public var high: Double

  public init(successes: Int, count: Int, confidence: Double = 0.95) {
    self.successes = successes
    self.count = count
    guard count > 0 else {
      (estimate, low, high) = (.nan, .nan, .nan)
      return
    }
    let n = Double(count)
    let p = Double(successes) / n
    let z = Probability.normalQuantile(1 - (1 - confidence) / 2)
    let denominator = 1 + z * z / n
    let centre = (p + z * z / (2 * n)) / denominator
    let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
    estimate = p
    low = max(0, centre - half)
    high = min(1, centre + half)
  }
}

/// The difference between two shares measured on the same replications (variant - baseline), with
/// Newcombe's interval for paired proportions (Newcombe 1998, method 10): Wilson intervals of each
/// share combined with the correlation of the pairs.
public struct PairedProportionDifference: Hashable, Sendable {
  public var difference: Double
  public var low: Double
  public var high: Double
  public var baseline: Proportion
  public var variant: Proportion

  public init(baseline b: [Bool], variant v: [Bool], confidence: Double = 0.95) {
    let n = min(b.count, v.count)
    var both = 0, onlyBaseline = 0, onlyVariant = 0, neither = 0
    for i in 0..<n {
      switch (b[i], v[i]) {
      case (true, true): both += 1
      case (true, false): onlyBaseline += 1
      case (false, true): onlyVariant += 1
      case (false, false): neither += 1
      }
    }
    self.init(both: both, onlyBaseline: onlyBaseline, onlyVariant: onlyVariant, neither: neither, confidence: confidence)
  }

  /// From the counts of replications where both, only the baseline, only the variant or neither meet it.
  public init(both: Int, onlyBaseline: Int, onlyVariant: Int, neither: Int, confidence: Double = 0.95) {
    let n = both + onlyBaseline + onlyVariant + neither
    baseline = Proportion(successes: both + onlyBaseline, count: n, confidence: confidence)
    variant = Proportion(successes: both + onlyVariant, count: n, confidence: confidence)
    guard n > 0 else {
      (difference, low, high) = (.nan, .nan, .nan)
      return
    }
    let p1 = baseline.estimate
    let p2 = variant.estimate
    difference = p2 - p1
    let (a, bb, c, d) = (Double(both), Double(onlyBaseline), Double(onlyVariant), Double(neither))
    let margins = (a + bb) * (c + d) * (a + c) * (bb + d)
    var phi = 0.0
    if margins > 0 {
      let cross = a * d - bb * c
      // Newcombe's continuity-corrected correlation: |ad - bc| reduced by n/2, never past 0.
      let corrected = cross > 0 ? max(cross - Double(n) / 2, 0) : cross
      phi = corrected / margins.squareRoot()
    }
    let down = (p2 - variant.low) * (p2 - variant.low) - 2 * phi * (p2 - variant.low) * (baseline.high - p1) + (baseline.high - p1) * (baseline.high - p1)
    let up = (variant.high - p2) * (variant.high - p2) - 2 * phi * (variant.high - p2) * (p1 - baseline.low) + (p1 - baseline.low) * (p1 - baseline.low)
    low = max(-1, difference - max(0, down).squareRoot())
    high = min(1, difference + max(0, up).squareRoot())
  }

  /// Whether the interval excludes 0.
  public var isSignificant: Bool { low > 0 || high < 0 }
}
