import Randomness

/// Uniform draws in [0, 1) and random choices from GSL, keyed by a seed and a purpose, so a design
/// or a resampling is a pure function of its seed and inputs.
public struct SeededDraws {
  let generator = RandomGenerator(kind: .philox)

  public init(seed: UInt64, purpose: String) {
    generator.select(key: StreamKey.mix(seed), attribute: StreamKey.name(purpose))
  }

  public func uniform() -> Double { generator.uniform() }

  /// A standard normal draw.
  public func gaussian() -> Double { generator.gaussian() }

  /// A chi-squared draw with `degreesOfFreedom`.
  public func chiSquared(degreesOfFreedom: Double) -> Double { generator.chiSquared(degreesOfFreedom: degreesOfFreedom) }

  /// A whole number in 0..<n.
  public func below(_ n: Int) -> Int { min(n - 1, Int(generator.uniform() * Double(n))) }

  /// A random order of 0..<n (Fisher-Yates).
  public func permutation(_ n: Int) -> [Int] {
    var order = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, below(i + 1)) }
    return order
  }
}
