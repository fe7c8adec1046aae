import CGSL

/// GSL's quasi-random Sobol sequence (`gsl_qrng_sobol`, Antonov-Saleev variant): points of the unit
/// cube that fill it more evenly than random ones, for sampling designs such as Sobol indices.
/// Owns its `gsl_qrng`; not thread-safe.
public final class SobolSequence {
  /// The most dimensions GSL's Sobol generator supports.
  public static let maximumDimension = 40

  private let q: UnsafeMutablePointer<gsl_qrng>
  public let dimension: Int

  /// Nil when `dimension` is outside 1...`maximumDimension`.
  public init?(dimension: Int) {
    cccm_gsl_quiet()
    guard (1...Self.maximumDimension).contains(dimension), let q = gsl_qrng_alloc(cccm_qrng_sobol_type(), UInt32(dimension)) else { return nil }
    self.q = q
    self.dimension = dimension
  }

  deinit { gsl_qrng_free(q) }

  /// The next point, each coordinate in [0, 1).
  public func next() -> [Double] {
    var point = [Double](repeating: 0, count: dimension)
    point.withUnsafeMutableBufferPointer { _ = gsl_qrng_get(q, $0.baseAddress) }
    return point
  }
}
