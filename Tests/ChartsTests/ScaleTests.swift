import Foundation
import Testing
import TestSupport

@testable import Charts

@Suite("Scales and nice ticks")
struct ScaleTests {
  @Test("a linear scale maps the domain's ends to the range's, either way round, and the middle to the middle")
  func linearScale() {
    let x = LinearScale(domain: 10...30, range: (100, 500))
    #expect(x(10) == 100)
    #expect(x(30) == 500)
    #expect(x(20) == 300)
    let y = LinearScale(domain: -5...5, range: (400, 0))
    #expect(y(-5) == 400)
    #expect(y(5) == 0)
    #expect(y(0) == 200)
    #expect(y.clamped(50) == 0)
    #expect(y.clamped(-50) == 400)
    // A zero-width domain maps to the middle rather than dividing by zero.
    #expect(LinearScale(domain: 3...3, range: (0, 10))(3) == 5)
  }

  @Test("Heckbert's nice numbers: 1, 2, 5 or 10 times a power of ten")
  func niceNumbers() {
    #expect(NiceTicks.nice(0.7, round: true) == 0.5)
    #expect(NiceTicks.nice(1.4, round: true) == 1)
    #expect(NiceTicks.nice(2.9, round: true) == 2)
    #expect(NiceTicks.nice(6.9, round: true) == 5)
    #expect(NiceTicks.nice(7.1, round: true) == 10)
    #expect(NiceTicks.nice(1.01, round: false) == 2)
    #expect(NiceTicks.nice(2.5, round: false) == 5)
    #expect(NiceTicks.nice(5.5, round: false) == 10)
    #expect(NiceTicks.nice(340, round: true) == 500)
  }

  @Test("known domains: ticks and their labels")
  func knownTicks() {
    let a = NiceTicks(low: 38.2e6, high: 44.7e6, count: 6)
    // Heckbert: the range 6.5M is nice 10M, over 5 intervals a step of 2M, from 38M to 46M.
    #expect(a.step == 2e6)
    #expect(a.values == [38e6, 40e6, 42e6, 44e6, 46e6])
    let b = NiceTicks(low: 0, high: 1, count: 6)
    #expect(b.step == 0.2)
    #expect(b.values.map { TickFormat().label($0, ticks: b) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    let c = NiceTicks(low: -0.3, high: 0.1, count: 5)
    #expect(c.values.map { TickFormat(signed: true).label($0, ticks: c) } == ["-0.3", "-0.2", "-0.1", "0.0", "+0.1"])
    #expect(TickFormat(divisor: 1e6).label(41.5e6, ticks: NiceTicks(low: 40e6, high: 42e6, count: 5)) == "41.5")
    // A single value gets room around it; non-finite data falls back to 0...1.
    let d = NiceTicks(low: 5, high: 5)
    #expect(d.low < 5 && d.high > 5)
    let e = NiceTicks(low: .nan, high: .infinity)
    #expect(e.low == 0 && e.high == 1)
  }

  @Test("property: over 20,000 random domains the ticks cover the data, step 1/2/5 x 10^k, 3 to 15 ticks, exact multiples")
  func ticksProperty() {
    var random = SplitMix64(seed: 16)
    for _ in 0..<20_000 {
      let magnitude = pow(10, Double(random.int(-6...12)))
      let a = (random.unit() * 2 - 1) * magnitude
      let b = random.chance(0.1) ? a : a + random.unit() * magnitude * pow(10, Double(random.int(-3...1)))
      let count = random.int(2...10)
      let ticks = NiceTicks(low: a, high: b, count: count)
      let (low, high) = (min(a, b), max(a, b))
      #expect([1, 2, 5].contains(ticks.mantissa), "mantissa \(ticks.mantissa) for \(a)...\(b)")
      #expect(ticks.low <= low + abs(low) * 1e-12 && ticks.high >= high - abs(high) * 1e-12, "\(ticks.values) do not cover \(low)...\(high)")
      #expect((2...16).contains(ticks.values.count), "\(ticks.values.count) ticks for \(a)...\(b), count \(count)")
      // No tick lies a whole step outside the data (the range is as tight as the step allows).
      if high > low {
        #expect(ticks.low > low - ticks.step * 1.000001 && ticks.high < high + ticks.step * 1.000001)
      }
      // Consecutive ticks are one step apart, to within rounding.
      for (x, y) in zip(ticks.values, ticks.values.dropFirst()) {
        #expect(abs((y - x) - ticks.step) <= ticks.step * 1e-9)
      }
      // Labels are distinct (enough decimals) and never in exponent notation.
      let labels = ticks.values.map { TickFormat().label($0, ticks: ticks) }
      #expect(Set(labels).count == labels.count || ticks.decimals > 6, "labels \(labels)")
      #expect(!labels.contains { $0.contains("e") })
    }
  }

  @Test("SVG numbers: two decimals at most, no -0, no exponent, non-finite as 0")
  func numbers() {
    #expect(svgNumber(1) == "1")
    #expect(svgNumber(1.5) == "1.5")
    #expect(svgNumber(1.256) == "1.26")
    #expect(svgNumber(-0.001) == "0")
    #expect(svgNumber(1e-20) == "0")
    #expect(svgNumber(123456789) == "123456789")
    #expect(svgNumber(.nan) == "0")
    #expect(svgNumber(.infinity) == "0")
    #expect(svgNumber(0.1 + 0.2) == "0.3")
  }

  @Test("text is escaped for XML: markup and control characters cannot break out of an element")
  func escaping() {
    #expect(xmlEscaped("<script>&\"'") == "&lt;script&gt;&amp;&quot;&#39;")
    #expect(xmlEscaped("a\u{1B}[31mb\u{0}") == "a [31mb ")
    #expect(SVGCanvas.fitted("abcdefghijklmnopqrstuvwxyz", width: 60, size: 10) == "abcdefghi\u{2026}")
  }
}
