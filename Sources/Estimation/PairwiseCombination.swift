/// A summary of values that combines with another by Chan, Golub and LeVeque's pairwise rule.
///
/// The rule is written once, here: a side without values changes nothing (or is replaced), the
/// counts add, and each moment type only says which of its sums pair with which means
/// (`addMoments`), with the terms `PairwiseWeights` evaluates. Floating-point sums depend on the
/// order of their terms, so every type evaluates each term in this one order.
protocol PairwiseCombinable {
  /// The values (or rows) summarised.
  var count: Int { get set }

  /// Adds the means and sums of deviations of `other` to these, both sides holding values; the
  /// count is added afterwards.
  mutating func addMoments(of other: Self, _ weights: PairwiseWeights)
}

extension PairwiseCombinable {
  /// Adds the values `other` summarises: the result is that of the union of both sets of values,
  /// up to rounding.
  mutating func combinePairwise(_ other: Self) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    addMoments(of: other, PairwiseWeights(count, other.count))
    count += other.count
  }
}

/// The terms of the pairwise rule for summaries a and b of na and nb values, n = na + nb, and
/// δ = mean_b - mean_a for each variable (Chan, Golub and LeVeque 1979; Pébay 2008 for the third
/// order):
/// mean += δ nb / n;
/// C_ij += Cb_ij + δ_i δ_j na nb / n;
/// T_ijl += Tb_ijl + δ_i δ_j δ_l na nb (na - nb) / n² + (na B_ijl - nb A_ijl) / n, with A (B) the
/// sum δ_i C_jl + δ_j C_il + δ_l C_ij over side a's (b's) second-order sums.
struct PairwiseWeights {
  let na: Double
  let nb: Double
  let n: Double

  init(_ a: Int, _ b: Int) {
    (na, nb) = (Double(a), Double(b))
    n = na + nb
  }

  /// mean += δ nb / n.
  @inline(__always) func addMean(_ mean: inout Double, _ delta: Double) {
    mean += delta * nb / n
  }

  /// C += Cb + δ_i δ_j na nb / n, for a sum of products of deviations of variables i and j.
  @inline(__always) func addSecond(_ sum: inout Double, _ other: Double, _ deltaI: Double, _ deltaJ: Double) {
    sum += other + deltaI * deltaJ * na * nb / n
  }

  /// T += Tb + δ_i δ_j δ_l na nb (na - nb) / n² + scale (na b - nb a) / n, for a sum of products
  /// of deviations of variables i, j and l: `a` and `b` are A and B, `scale` 1. For one variable A
  /// is 3 δ M2a, and the term is evaluated as 3 δ (na M2b - nb M2a) / n: `scale` 3 δ, `a` M2a and
  /// `b` M2b.
  @inline(__always) func addThird(_ sum: inout Double, _ other: Double, _ deltaI: Double, _ deltaJ: Double, _ deltaL: Double, a: Double, b: Double, scale: Double = 1) {
    sum += other + deltaI * deltaJ * deltaL * na * nb * (na - nb) / (n * n) + scale * (na * b - nb * a) / n
  }
}
