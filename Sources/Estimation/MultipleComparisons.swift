import Randomness

/// How the intervals of several variants against one baseline are widened so that they hold
/// together: with 95% confidence every interval of the family covers its true difference.
public enum FamilyAdjustment: String, CaseIterable, Sendable, Codable {
  /// Each of k intervals at 1 - 0.05/k: valid whatever the dependence, wider than it needs to be.
  case bonferroni
  /// Dunnett's comparison with a control: one critical value c for all k intervals, with
  /// P(max |T_v| <= c) = 95% for the paired t statistics T_v, whose correlation is estimated from
  /// the replications (common random numbers make it anything but Dunnett's textbook 0.5).
  case dunnett
}

/// The confirmatory family of a comparison: the objective's paired differences of every variant
/// from the baseline, and the confidence each of their intervals needs for the family to hold at 95%.
public struct ComparisonFamily: Sendable, Equatable {
  /// The level all intervals of the family hold together.
  public static let familyConfidence = 0.95
  public let adjustment: FamilyAdjustment
  /// Variants in the family.
  public let comparisons: Int
  /// The confidence of each interval in the family: 1 - 0.05/k for Bonferroni; for Dunnett the
  /// level whose t multiplier is the max-t critical value (95% for one variant either way).
  public let confidence: Double

  /// The family of `differences[v][r]` (variant v minus the baseline, replication r).
  /// Replications where any difference is not finite are left out of Dunnett's correlation;
  /// with fewer than three left, or with a single variant, Dunnett falls back to Bonferroni's level.
  public init(differences: [[Double]], adjustment: FamilyAdjustment) {
    guard adjustment == .dunnett, differences.count > 1 else {
      self.init(correlation: [], complete: 0, comparisons: differences.count, adjustment: adjustment)
      return
    }
    let complete = (0..<(differences.map(\.count).min() ?? 0)).filter { r in differences.allSatisfy { $0[r].isFinite } }
    let columns = complete.count >= 3 ? differences.map { d in complete.map { d[$0] } } : []
    self.init(correlation: Self.correlation(columns), complete: complete.count, comparisons: differences.count, adjustment: adjustment)
  }

  /// The family of `comparisons` variants whose differences have the correlation `correlation`
  /// over `complete` replications where every difference is finite: Bonferroni's level unless
  /// Dunnett is asked for, there are several variants and at least three complete replications.
  public init(correlation: [[Double]], complete: Int, comparisons: Int, adjustment: FamilyAdjustment) {
    self.adjustment = adjustment
    self.comparisons = comparisons
    let bonferroni = PairedDifference.bonferroniConfidence(comparisons: comparisons)
    guard adjustment == .dunnett, comparisons > 1, complete >= 3 else {
      confidence = bonferroni
      return
    }
    let degrees = Double(complete - 1)
    let critical = Self.maxTCritical(correlation: correlation, degreesOfFreedom: degrees, confidence: Self.familyConfidence)
    // Never wider than Bonferroni (which is valid for any dependence), never narrower than one
    // interval alone: the simulated quantile's own error cannot push it past either bound.
    let widest = Probability.studentTQuantile(1 - (1 - bonferroni) / 2, degreesOfFreedom: degrees)
    let narrowest = Probability.studentTQuantile(1 - (1 - Self.familyConfidence) / 2, degreesOfFreedom: degrees)
    let c = min(widest, max(narrowest, critical))
    confidence = 2 * Probability.studentTCDF(c, degreesOfFreedom: degrees) - 1
  }

  /// The sample correlation matrix of `columns` (a column per variable, equal lengths). A column
  /// that does not vary correlates 0 with the others (its t statistic is 0 or undefined).
  static func correlation(_ columns: [[Double]]) -> [[Double]] {
    let n = Double(columns.first?.count ?? 0)
    let centred = columns.map { c in
      let mean = c.reduce(0, +) / n
      return c.map { $0 - mean }
    }
    let norms = centred.map { c in c.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    return centred.indices.map { i in
      centred.indices.map { j in
        if i == j { return 1 }
        guard norms[i] > 0, norms[j] > 0 else { return 0 }
        return zip(centred[i], centred[j]).reduce(0) { $0 + $1.0 * $1.1 } / (norms[i] * norms[j])
      }
    }
  }

  /// Draws for `maxTCritical`: enough that the simulated 95% point's own error moves the family's
  /// coverage by less than 0.001.
  public static let draws = 100_000

  /// The c with P(max_i |T_i| <= c) = `confidence` for T multivariate t with `degreesOfFreedom`
  /// and correlation matrix `correlation`: T = L z / sqrt(chi2 / df), L L' = correlation,
  /// simulated from a fixed GSL stream (the same inputs give the same c).
  public static func maxTCritical(correlation: [[Double]], degreesOfFreedom: Double, confidence: Double) -> Double {
    let k = correlation.count
    let lower = cholesky(correlation)
    let draws = SeededDraws(seed: 0xD0_4E77, purpose: "max-t")
    var maxima = [Double](repeating: 0, count: Self.draws)
    var z = [Double](repeating: 0, count: k)
    for b in maxima.indices {
      for i in 0..<k { z[i] = draws.gaussian() }
      let scale = (draws.chiSquared(degreesOfFreedom: degreesOfFreedom) / degreesOfFreedom).squareRoot()
      var largest = 0.0
      for i in 0..<k {
        var x = 0.0
        for j in 0...i { x += lower[i][j] * z[j] }
        largest = max(largest, abs(x) / scale)
      }
      maxima[b] = largest
    }
    maxima.sort()
    return maxima[Summary.nearestRankIndex(count: maxima.count, confidence)]
  }

  /// The lower-triangular L with L L' = `matrix` for a correlation matrix, positive semidefinite:
  /// a pivot that is (numerically) zero, as for two variants with identical differences, gives a
  /// zero column, so the dependent variable follows the earlier ones exactly.
  static func cholesky(_ matrix: [[Double]]) -> [[Double]] {
    let k = matrix.count
    var lower = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for j in 0..<k {
      var pivot = matrix[j][j]
      for m in 0..<j { pivot -= lower[j][m] * lower[j][m] }
      guard pivot > 1e-12 else { continue }
      let root = pivot.squareRoot()
      lower[j][j] = root
      for i in (j + 1)..<k {
        var value = matrix[i][j]
        for m in 0..<j { value -= lower[i][m] * lower[j][m] }
        lower[i][j] = value / root
      }
    }
    return lower
  }
}

extension PairedDifference {
  /// The confidence of each of `comparisons` paired intervals that keeps the family-wise level at
  /// 95% (Bonferroni): 1 - 0.05/k for k comparisons, 95% for one.
  public static func bonferroniConfidence(comparisons: Int) -> Double {
    comparisons > 1 ? 1 - 0.05 / Double(comparisons) : 0.95
  }

  /// The indices of `means` from best to worst (the largest first, or the smallest when lower is
  /// better); a mean that is not a number ranks last.
  public static func ranking(_ means: [Double], lowerIsBetter: Bool) -> [Int] {
    means.indices.sorted { a, b in
      if means[a].isNaN { return false }
      if means[b].isNaN { return true }
      return lowerIsBetter ? means[a] < means[b] : means[a] > means[b]
    }
  }
}
