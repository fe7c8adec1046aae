import Foundation
import Randomness

/// Kim and Nelson's fully sequential procedure (KN, 2001) for selecting the best of k designs
/// sampled on common random numbers: with probability at least `confidence` it selects the best
/// design, or one within `delta` of it, when the best is at least `delta` better than the rest.
///
/// First stage: n0 replications of every design; the variance S²_il of each pair's differences.
/// With η = ((2α/(k-1))^(-2/(n0-1)) - 1) / 2 and h² = 2η(n0 - 1), after each replication r a design
/// i is eliminated when some surviving l has X̄_l(r) - X̄_i(r) > W_il(r) = max(0, δ/(2r) (h² S²_il/δ² - r)).
/// The procedure stops when one design is left, or at `maximum` replications with the survivors
/// (the designs that could still be best).
public struct KimNelson: Sendable {
  public let designs: Int
  public let delta: Double
  public let confidence: Double
  public let firstStage: Int
  public let maximum: Int
  /// Larger is better (contribution, bookings); false for cost-like objectives.
  public let larger: Bool

  public init(designs: Int, delta: Double, confidence: Double = 0.95, firstStage: Int = 20, maximum: Int = 1000, larger: Bool = true) {
    self.designs = designs
    self.delta = delta
    self.confidence = confidence
    self.firstStage = firstStage
    self.maximum = max(maximum, firstStage)
    self.larger = larger
  }

  /// η of the procedure's boundary.
  public var eta: Double {
    let alpha = 1 - confidence
    return 0.5 * (pow(2 * alpha / Double(max(designs - 1, 1)), -2 / Double(firstStage - 1)) - 1)
  }

  /// h² = 2η(n0 - 1).
  public var hSquared: Double { 2 * eta * Double(firstStage - 1) }

  public struct Outcome: Sendable {
    /// The design selected, or nil when several survive at the maximum.
    public var chosen: Int?
    /// The designs still in contention when the procedure stopped (one when it selected).
    public var survivors: [Int]
    /// Replications of each design the procedure used: the stage at which it was eliminated, or
    /// the last stage for survivors.
    public var used: [Int]
    /// Mean of each design over the replications it used.
    public var means: [Double]
    /// The last stage reached.
    public var stages: Int
    /// Replications per design that the fixed-sample Bonferroni procedure needs for the same
    /// guarantee: max over pairs of ceil((t S_il / δ)²), t the 1 - α/(k-1) quantile of Student's t
    /// with n0 - 1 degrees of freedom, at least n0.
    public var fixedSample: Int
    /// The first-stage variances of the pairs' differences (S²_il).
    public var pairVariances: [[Double]]
  }

  /// Runs the procedure. `sample(designs, first, count)` returns, for each design listed, its
  /// outputs at replications first ..< first + count (common random numbers: replication j of
  /// every design meets the same luck). After the first stage it is asked for `batch` replications
  /// at a time of the surviving designs; elimination is checked after every replication.
  public func run(batch: Int = 1, sample: ([Int], Int, Int) -> [[Double]]) -> Outcome {
    let k = designs
    let sign = larger ? 1.0 : -1.0
    var outputs = [[Double]](repeating: [], count: k)
    let first = sample(Array(0..<k), 0, firstStage)
    for i in 0..<k { outputs[i] = first[i].map { sign * $0 } }
    let n0 = Double(firstStage)
    var s2 = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for i in 0..<k {
      for l in 0..<k where l != i {
        let d = (0..<firstStage).map { outputs[i][$0] - outputs[l][$0] }
        let m = d.reduce(0, +) / n0
        s2[i][l] = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n0 - 1)
      }
    }
    let h2 = hSquared
    let t = Probability.studentTQuantile(1 - (1 - confidence) / Double(max(k - 1, 1)), degreesOfFreedom: n0 - 1)
    let fixed = max(firstStage, s2.flatMap { $0 }.map { Int((t * t * $0 / (delta * delta)).rounded(.up)) }.max() ?? firstStage)
    var sums = outputs.map { $0.reduce(0, +) }
    var alive = Array(0..<k)
    var used = [Int](repeating: firstStage, count: k)
    var r = firstStage
    func screen() {
      let previous = alive
      let rr = Double(r)
      alive = previous.filter { i in
        previous.allSatisfy { l in
          guard l != i else { return true }
          let w = max(0, delta / (2 * rr) * (h2 * s2[i][l] / (delta * delta) - rr))
          return sums[i] / rr >= sums[l] / rr - w
        }
      }
      for i in previous where !alive.contains(i) { used[i] = r }
    }
    func horizon() -> Double {
      alive.flatMap { i in alive.filter { $0 != i }.map { l in (h2 * s2[i][l] / (delta * delta)).rounded(.down) } }.max() ?? 0
    }
    screen()
    while alive.count > 1, r < maximum, Double(r) <= horizon() {
      let count = min(batch, maximum - r)
      let more = sample(alive, r, count)
      var pending = Dictionary(uniqueKeysWithValues: zip(alive, more.map { $0.map { sign * $0 } }))
      for step in 0..<count {
        r += 1
        for i in alive {
          let x = pending[i]?[step] ?? .nan
          sums[i] += x
          outputs[i].append(x)
        }
        screen()
        if alive.count <= 1 || Double(r) > horizon() { break }
      }
      pending.removeAll()
    }
    for i in alive { used[i] = r }
    // Past N_il = floor(h² S²_il / δ²) for every surviving pair, W is 0 and the best mean is selected
    // (Kim and Nelson's stopping rule; it matters when designs never differ, S² = 0).
    if alive.count > 1, Double(r) > horizon(), let best = alive.max(by: { sums[$0] < sums[$1] || (sums[$0] == sums[$1] && $0 > $1) }) {
      alive = [best]
    }
    let means = (0..<k).map { sign * sums[$0] / Double(used[$0]) }
    return Outcome(
      chosen: alive.count == 1 ? alive[0] : nil, survivors: alive, used: used, means: means, stages: r, fixedSample: fixed, pairVariances: s2)
  }
}
