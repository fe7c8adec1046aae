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
