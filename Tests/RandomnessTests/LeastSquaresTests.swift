import Randomness
import Testing

@Suite("Least squares through GSL")
struct LeastSquaresTests {
  @Test("a noiseless linear relation is fitted exactly; a constant column is harmless")
  func exactFit() throws {
    let x: [[Double]] = (0..<8).map { i in [Double(i), Double(i * i % 5), 7] }
    let y = x.map { 2 + 3 * $0[0] - $0[1] }
    let fitted = try #require(LeastSquares.fitted(y, on: x))
    for (a, b) in zip(fitted, y) { #expect(abs(a - b) < 1e-9 * max(1, abs(b))) }
  }

  @Test("the fitted values of noisy data are the projection: residuals sum to zero and are orthogonal to each input")
  func projection() throws {
    let x: [[Double]] = (0..<20).map { i in [Double(i) / 3, Double((i * 7) % 11)] }
    let y = x.enumerated().map { i, row in 1 + row[0] - 0.5 * row[1] + Double((i * 13) % 7) - 3 }
    let fitted = try #require(LeastSquares.fitted(y, on: x))
    let residuals = zip(y, fitted).map { $0 - $1 }
    #expect(abs(residuals.reduce(0, +)) < 1e-9)
    for column in 0..<2 { #expect(abs(zip(residuals, x).map { $0 * $1[column] }.reduce(0, +)) < 1e-8) }
  }

  @Test("no more rows than coefficients, or ragged rows, give nil")
  func refusals() {
    #expect(LeastSquares.fitted([1, 2], on: [[1], [2]]) == nil)
    #expect(LeastSquares.fitted([1, 2, 3, 4], on: [[1], [2, 3], [3], [4]]) == nil)
  }
}
