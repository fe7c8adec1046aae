import CGSL

/// Ordinary least squares through GSL's `gsl_multifit_linear`, which solves by singular values, so
/// a column that does not vary (or repeats another) is harmless rather than fatal.
public enum LeastSquares {
  /// The fitted values of `y` regressed on an intercept and the columns of `x` (one row of `x` per
  /// value of `y`); nil with no more rows than coefficients, rows of unequal length, or when GSL
  /// cannot solve.
  public static func fitted(_ y: [Double], on x: [[Double]]) -> [Double]? {
    let k = y.count
    let p = (x.first?.count ?? 0) + 1
    guard k > p, x.count == k, x.allSatisfy({ $0.count == p - 1 }) else { return nil }
    cccm_gsl_quiet()
    guard let design = gsl_matrix_alloc(k, p), let response = gsl_vector_alloc(k), let coefficients = gsl_vector_alloc(p),
      let covariance = gsl_matrix_alloc(p, p), let work = gsl_multifit_linear_alloc(k, p)
    else { return nil }
    defer {
      gsl_matrix_free(design)
      gsl_vector_free(response)
      gsl_vector_free(coefficients)
      gsl_matrix_free(covariance)
      gsl_multifit_linear_free(work)
    }
    for row in 0..<k {
      gsl_matrix_set(design, row, 0, 1)
      for (column, value) in x[row].enumerated() { gsl_matrix_set(design, row, column + 1, value) }
      gsl_vector_set(response, row, y[row])
    }
    var chiSquared = 0.0
    guard gsl_multifit_linear(design, response, coefficients, covariance, &chiSquared, work) == 0 else { return nil }
    return (0..<k).map { row in (0..<p).reduce(0) { $0 + gsl_matrix_get(design, row, $1) * gsl_vector_get(coefficients, $1) } }
  }
}
