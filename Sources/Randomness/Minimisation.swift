import CGSL

/// Unconstrained minimisation of a function of a few variables with GSL's Nelder-Mead simplex
/// (`gsl_multimin_fminimizer_nmsimplex2`): no derivatives needed, which suits likelihoods whose
/// gradients involve special functions (the gamma's incomplete gamma function).
public enum Minimisation {
  /// The result of a minimisation.
  public struct Result: Sendable {
    /// The point found.
    public var point: [Double]
    /// The function's value there.
    public var value: Double
    /// Whether the simplex shrank below the tolerance within the iterations allowed.
    public var converged: Bool
    /// Iterations used.
    public var iterations: Int
  }

  /// Minimises `f` from `start`, with initial simplex steps `step` (one per variable), until the
  /// simplex's size (`gsl_multimin_test_size`) is below `tolerance` or `maxIterations` pass.
  /// Where `f` is not finite (outside its domain) the simplex treats it as +infinity.
  public static func minimise(
    start: [Double], step: [Double], tolerance: Double = 1e-9, maxIterations: Int = 10_000, _ f: ([Double]) -> Double
  ) -> Result {
    precondition(!start.isEmpty && start.count == step.count, "Minimisation: \(start.count) start values, \(step.count) steps")
    cccm_gsl_quiet()
    return withoutActuallyEscaping(f) { escapable in
      let box = FunctionBox(escapable, dimension: start.count)
      let n = start.count
      guard let x = gsl_vector_alloc(n), let steps = gsl_vector_alloc(n),
        let minimiser = gsl_multimin_fminimizer_alloc(cccm_nmsimplex2_type(), n)
      else { preconditionFailure("Minimisation: GSL could not allocate \(n) variables (out of memory)") }
      defer {
        gsl_vector_free(x)
        gsl_vector_free(steps)
        gsl_multimin_fminimizer_free(minimiser)
      }
      for i in 0..<n {
        gsl_vector_set(x, i, start[i])
        gsl_vector_set(steps, i, step[i])
      }
      // GSL keeps the function's address and calls it on every iterate: the struct lives on the
      // heap until the minimiser is freed, and the box it points to is kept alive as long (an
      // unretained reference alone would let the optimiser release it after its last use here).
      let function = UnsafeMutablePointer<gsl_multimin_function>.allocate(capacity: 1)
      defer { function.deallocate() }
      function.initialize(
        to: gsl_multimin_function(
          f: { vector, params in
            guard let vector, let params else { return .infinity }
            let box = Unmanaged<FunctionBox>.fromOpaque(params).takeUnretainedValue()
            let point = (0..<box.dimension).map { gsl_vector_get(vector, $0) }
            let value = box.function(point)
            return value.isFinite ? value : .greatestFiniteMagnitude
          }, n: n, params: Unmanaged.passUnretained(box).toOpaque()))
      return withExtendedLifetime(box) {
        gsl_multimin_fminimizer_set(minimiser, function, x, steps)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
          iterations += 1
          if gsl_multimin_fminimizer_iterate(minimiser) != GSL_SUCCESS { break }
          let size = gsl_multimin_fminimizer_size(minimiser)
          if gsl_multimin_test_size(size, tolerance) == GSL_SUCCESS {
            converged = true
            break
          }
        }
        let best = minimiser.pointee.x!
        let point = (0..<n).map { gsl_vector_get(best, $0) }
        return Result(point: point, value: minimiser.pointee.fval, converged: converged, iterations: iterations)
      }
    }
  }

  private final class FunctionBox {
    let function: ([Double]) -> Double
    let dimension: Int
    init(_ function: @escaping ([Double]) -> Double, dimension: Int) {
      self.function = function
      self.dimension = dimension
    }
  }
}
