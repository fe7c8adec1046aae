import Foundation
import Randomness
import Testing

@testable import Estimation

/// The KLL sketch as Karnin, Lang and Liberty state it, one array a level: the specification the
/// sketch's single buffer must reproduce value for value.
private struct ReferenceSketch {
  var levels: [[Double]] = [[]]
  var count = 0
  var minimum = Double.infinity
  var maximum = -Double.infinity
  let key: UInt64
  var compactions: UInt64 = 0

  init(key: UInt64) { self.key = key }

  var retained: Int { levels.reduce(0) { $0 + $1.count } }

  mutating func add(_ x: Double) {
    guard x.isFinite else { return }
    count += 1
    if x < minimum { minimum = x }
    if x > maximum { maximum = x }
    levels[0].append(x)
    if retained > QuantileSketch.capacity(levels: levels.count) { compress() }
  }

  mutating func combine(_ other: ReferenceSketch) {
    guard other.count > 0 else { return }
    count += other.count
    minimum = min(minimum, other.minimum)
    maximum = max(maximum, other.maximum)
    while levels.count < other.levels.count { levels.append([]) }
    for (h, values) in other.levels.enumerated() { levels[h] += values }
    while retained > QuantileSketch.capacity(levels: levels.count) { compress() }
  }

  mutating func compress() {
    let height = levels.count
    guard let h = (0..<height).first(where: { levels[$0].count >= QuantileSketch.capacity(level: $0, levels: height) }) else { return }
    if h + 1 == levels.count { levels.append([]) }
    var values = levels[h].sorted()
    let kept: Double? = values.count % 2 == 1 ? values.removeLast() : nil
    let offset = Int(QuantileSketch.coin(key: key, number: compactions))
    compactions += 1
    levels[h + 1] += stride(from: offset, to: values.count, by: 2).map { values[$0] }
    levels[h] = kept.map { [$0] } ?? []
  }

  func quantiles(_ qs: [Double]) -> [Double] {
    guard count > 0 else { return qs.map { _ in .nan } }
    var all: [(value: Double, weight: Int)] = []
    for (h, values) in levels.enumerated() { for v in values { all.append((v, 1 << h)) } }
    all.sort { $0.value < $1.value }
    return qs.map { q in
      if q <= 0 { return minimum }
      if q >= 1 { return maximum }
      var cumulative = 0
      for item in all {
        cumulative += item.weight
        if Double(cumulative) >= q * Double(count) { return item.value }
      }
      return maximum
    }
  }
}

@Suite("The KLL sketch's single buffer")
struct QuantileSketchTests {
  static let levels = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]

  static func draws(_ name: String) -> RandomGenerator {
    let g = RandomGenerator(kind: .philox)
    g.select(key: StreamKey.mix(35), attribute: StreamKey.name(name))
    return g
  }

  /// Values of one of several shapes: continuous, heavy ties, signed zeros, heavy tail with NaN.
  static func value(_ shape: Int, _ g: RandomGenerator) -> Double {
    switch shape {
    case 0: g.uniform()
    case 1: Double(Int(g.uniform() * 5))
    case 2: g.uniform() < 0.5 ? 0.0 : -0.0
    default: g.uniform() < 0.1 ? .nan : g.logNormal(median: 1, sigma: 2)
    }
  }

  @Test("adding and combining give the quantiles, bit for bit, and the retained count of the sketch kept one array a level")
  func matchesReference() {
    let g = Self.draws("reference")
    for trial in 0..<32 {
      let shape = trial % 4
      let n = [1, 150, 201, 999, 2_500, 10_000, 37_000, 120_000][trial % 8]
      var sketch = QuantileSketch(key: UInt64(trial))
      var reference = ReferenceSketch(key: UInt64(trial))
      var other = QuantileSketch(key: 99)
      var otherReference = ReferenceSketch(key: 99)
      for i in 0..<n {
        let x = Self.value(shape, g)
        sketch.add(x)
        reference.add(x)
        if i % 3 == 0 {
          other.add(x)
          otherReference.add(x)
        }
      }
      #expect(sketch.quantiles(Self.levels).map(\.bitPattern) == reference.quantiles(Self.levels).map(\.bitPattern), "trial \(trial)")
      #expect(sketch.retainedCount == reference.retained)
      sketch.combine(other)
      reference.combine(otherReference)
      for _ in 0..<(n / 2) {
        let x = Self.value(shape, g)
        sketch.add(x)
        reference.add(x)
      }
      #expect(sketch.quantiles(Self.levels).map(\.bitPattern) == reference.quantiles(Self.levels).map(\.bitPattern), "trial \(trial), combined")
      #expect(sketch.retainedCount == reference.retained && sketch.count == reference.count)
    }
  }

  @Test("room for at most the capacity and one value more (about 3k = 600 values, 4.8 KB), from 1,000 to a million values")
  func storage() {
    let g = Self.draws("storage")
    var sketch = QuantileSketch(key: 5)
    let marks: Set = [1_000, 2_000, 10_000, 30_000, 100_000, 1_000_000]
    for n in 1...1_000_000 {
      sketch.add(g.uniform())
      if marks.contains(n) {
        #expect(sketch.storedCount <= 3 * QuantileSketch.k + 10, "\(n) values: room for \(sketch.storedCount)")
        #expect(sketch.retainedCount <= sketch.storedCount)
      }
    }
  }
}
