import Foundation
import Testing

@testable import Experiments

/// `run --save` beyond the exact bound writes its values as they come; they must read as `json()` writes them.
@Suite("Results written as they come")
struct StreamedSaveTests {
  @Test("a value is written as the results file's JSON encoder writes it: whole numbers, shortest forms, exponents, NaN and infinities")
  func numbersAsEncoded() throws {
    var values: [Double] = [0, 1, -1, 9923, 0.2521767522855899, 94496557.6540879, 1e-7, 1.5e-300, 123456789012345, 1e15, 1e16, 1e22, -2.5e21, Double.leastNonzeroMagnitude, .nan, .infinity, -.infinity]
    var state: UInt64 = 34
    for _ in 0..<5000 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let bits = state >> 11
      let scale = pow(10, Double(Int(state % 40)) - 20)
      values.append((Double(bits) / Double(1 << 53) - 0.3) * scale)
      values.append((Double(bits % 100_000) - 50_000))
    }
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let encoded = String(decoding: try encoder.encode(values), as: UTF8.self).dropFirst().dropLast().split(separator: ",").map(String.init)
    let written = values.map(SavedResults.jsonNumber)
    let differing = zip(encoded, written).filter { $0 != $1 }
    #expect(encoded.count == written.count && differing.isEmpty, "first differences (encoder, written): \(differing.prefix(5))")
  }
}
