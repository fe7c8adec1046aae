import Testing

@testable import Randomness

private func firstDraws(_ generator: RandomGenerator, key: UInt64, attribute: UInt64, count: Int) -> [Double] {
  generator.select(key: key, attribute: attribute)
  return (0..<count).map { _ in generator.uniform() }
}

private func correlation(_ x: [Double], _ y: [Double]) -> Double {
  let n = Double(x.count)
  let mx = x.reduce(0, +) / n
  let my = y.reduce(0, +) / n
  var sxy = 0.0
  var sxx = 0.0
  var syy = 0.0
  for (a, b) in zip(x, y) {
    sxy += (a - mx) * (b - my)
    sxx += (a - mx) * (a - mx)
    syy += (b - my) * (b - my)
  }
  return sxy / (sxx * syy).squareRoot()
}

@Suite("Keyed random streams")
struct StreamTests {
  @Test("the same key and attribute give the same draws, whatever was drawn before", arguments: ["philox", "taus2", "mt19937"])
  func sameKeySameStream(name: String) throws {
    let kind = try #require(GeneratorKind(name: name))
    let generator = RandomGenerator(kind: kind)
    let first = firstDraws(generator, key: 42, attribute: 3, count: 50)
    _ = firstDraws(generator, key: 43, attribute: 1, count: 17)
    let again = firstDraws(generator, key: 42, attribute: 3, count: 50)
    #expect(first == again)
    let other = RandomGenerator(kind: kind)
    #expect(firstDraws(other, key: 42, attribute: 3, count: 50) == first)
  }

  @Test(
    "select(drawingOnce:) gives the once-drawn stream's first draw and leaves the selected stream at draw 0",
    arguments: ["philox", "taus2", "mt19937"])
  func selectDrawingOnce(name: String) throws {
    let kind = try #require(GeneratorKind(name: name))
    let generator = RandomGenerator(kind: kind)
    let expected = RandomGenerator(kind: kind)
    for i in 0..<200 as Range<UInt64> {
      let (key, attribute, once) = (StreamKey.mix(i), StreamKey.mix(i + 1000) % 64, StreamKey.mix(i + 2000) % 64)
      // Whatever was drawn before, and a different stream selected.
      _ = firstDraws(generator, key: StreamKey.mix(i + 3000), attribute: 1, count: Int(i % 3))
      let u = generator.select(key: key, attribute: attribute, drawingOnce: once)
      #expect(u == firstDraws(expected, key: key, attribute: once, count: 1)[0])
      // Uniforms (both words of a Philox block and the next block), then a sampler's draws.
      let after = (0..<5).map { _ in generator.uniform() } + [generator.sample(Sampler(.gamma, 2.5, 1.5), from: SamplerTables())]
      expected.select(key: key, attribute: attribute)
      let plain = (0..<5).map { _ in expected.uniform() } + [expected.sample(Sampler(.gamma, 2.5, 1.5), from: SamplerTables())]
      #expect(after == plain)
    }
  }

  @Test("different keys and attributes give different draws")
  func differentKeysDiffer() {
    let generator = RandomGenerator()
    let a = firstDraws(generator, key: 42, attribute: 3, count: 20)
    #expect(a != firstDraws(generator, key: 43, attribute: 3, count: 20))
    #expect(a != firstDraws(generator, key: 42, attribute: 4, count: 20))
  }

  @Test("streams of neighbouring opportunity keys show no correlation (|r| < 4/sqrt(n))")
  func neighbouringStreamsUncorrelated() {
    let generator = RandomGenerator()
    let replication = StreamKey.replication(seed: 1, replication: 0)
    let n = 20_000
    var x: [Double] = []
    var y: [Double] = []
    var lag: [Double] = []
    for index in 0..<n {
      let key = StreamKey.opportunity(replicationKey: replication, segment: StreamKey.name("North"), index: index)
      let next = StreamKey.opportunity(replicationKey: replication, segment: StreamKey.name("North"), index: index + 1)
      let draws = firstDraws(generator, key: key, attribute: 0, count: 2)
      x.append(draws[0])
      lag.append(draws[1])
      y.append(firstDraws(generator, key: next, attribute: 0, count: 1)[0])
    }
    let bound = 4 / Double(n).squareRoot()
    #expect(abs(correlation(x, y)) < bound)
    #expect(abs(correlation(x, lag)) < bound)
    let mean = x.reduce(0, +) / Double(n)
    #expect(abs(mean - 0.5) < 4 * (1.0 / 12 / Double(n)).squareRoot())
  }

  @Test("seeds and replications name distinct streams")
  func replicationKeysDistinct() {
    var keys = Set<UInt64>()
    for seed in 0..<20 as Range<UInt64> {
      for r in 0..<200 { keys.insert(StreamKey.replication(seed: seed, replication: r)) }
    }
    #expect(keys.count == 20 * 200)
  }

  @Test("GSL generators are selectable by name; unknown names are refused")
  func generatorNames() {
    #expect(GeneratorKind(name: "mt19937") == .gsl("mt19937"))
    #expect(GeneratorKind(name: "philox") == .philox)
    #expect(GeneratorKind(name: "mersenne") == nil)
    #expect(GeneratorKind.availableNames.contains("ranlxd2"))
  }
}

