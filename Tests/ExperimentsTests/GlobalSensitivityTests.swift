import Estimation
import Experiments
import Foundation
import ScenarioFiles
import Simulation
import TestSupport
import Testing

/// The estimators on pure functions with closed-form answers (no simulator).
@Suite("Global sensitivity estimators")
struct GlobalSensitivityTests {
  /// Ishigami and Homma's function on [-pi, pi]^3 with a = 7, b = 0.1.
  static func ishigami(_ x: [Double]) -> Double {
    sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0])
  }

  /// The analytic indices: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
  /// V2 = a^2/8, V3 = 0, VT3 = 8 b^2 pi^8 / 225.
  static let ishigamiFirst: [Double] = {
    let (a, b, pi) = (7.0, 0.1, Double.pi)
    let v = a * a / 8 + b * pow(pi, 4) / 5 + b * b * pow(pi, 8) / 18 + 0.5
    return [pow(1 + b * pow(pi, 4) / 5, 2) / 2 / v, a * a / 8 / v, 0]
  }()
  static let ishigamiTotal: [Double] = {
    let (a, b, pi) = (7.0, 0.1, Double.pi)
    let v = a * a / 8 + b * pow(pi, 4) / 5 + b * b * pow(pi, 8) / 18 + 0.5
    let vt3 = 8 * b * b * pow(pi, 8) / 225
    return [(pow(1 + b * pow(pi, 4) / 5, 2) / 2 + vt3) / v, a * a / 8 / v, vt3 / v]
  }()

  @Test("Sobol indices of the Ishigami function match the analytic values within 4 bootstrap standard errors")
  func ishigami() throws {
    // The published values the closed forms give.
    #expect(abs(Self.ishigamiFirst[0] - 0.3139) < 1e-4 && abs(Self.ishigamiFirst[1] - 0.4424) < 1e-4)
    #expect(abs(Self.ishigamiTotal[0] - 0.5576) < 1e-4 && abs(Self.ishigamiTotal[2] - 0.2437) < 1e-4)
    let n = 4096
    let design = try #require(SobolIndices.design(factors: 3, samples: n))
    #expect(design.points.count == n * 5)
    let outputs = design.points.map { u in Self.ishigami(u.map { -Double.pi + 2 * Double.pi * $0 }) }
    let estimate = SobolIndices.estimate(outputs: outputs, factors: 3, samples: n, bootstrap: 300, seed: 11)
    for i in 0..<3 {
      let index = estimate.indices[i]
      print(
        "theory check | Sobol Ishigami x\(i + 1) | S1 expected \(Self.ishigamiFirst[i]) computed \(index.first) ± \(index.firstSE) | ST expected \(Self.ishigamiTotal[i]) computed \(index.total) ± \(index.totalSE)"
      )
      #expect(abs(index.first - Self.ishigamiFirst[i]) <= 4 * index.firstSE, "S\(i + 1)")
      #expect(abs(index.total - Self.ishigamiTotal[i]) <= 4 * index.totalSE, "ST\(i + 1)")
      #expect(index.firstLow <= index.first && index.first <= index.firstHigh)
      #expect(index.totalSE > 0 && index.totalSE < 0.05)
    }
  }

  @Test("the Sobol design is A, B and each AB_i, from GSL's quasi-random sequence, in the unit cube")
  func sobolDesign() throws {
    let design = try #require(SobolIndices.design(factors: 2, samples: 8))
    let a = Array(design.points[0..<8])
    let b = Array(design.points[8..<16])
    for j in 0..<8 {
      #expect(design.points[16 + j] == [b[j][0], a[j][1]])
      #expect(design.points[24 + j] == [a[j][0], b[j][1]])
    }
    #expect(design.points.allSatisfy { $0.allSatisfy { (0..<1).contains($0) } })
    // A low-discrepancy sequence: each quarter of [0, 1) holds exactly 2 of the first 8 points.
    for quarter in 0..<4 { #expect(a.filter { Int($0[0] * 4) == quarter }.count == 2) }
    #expect(SobolIndices.design(factors: 21, samples: 8) == nil)
  }

  @Test("Morris on a linear model: mu* is |coefficient| x range, sigma is 0, factors rank by it")
  func morrisLinear() {
    let coefficients = [3.0, -0.5, 0.0, 12.0, 1.5]
    let ranges: [(Double, Double)] = [(0, 1), (10, 30), (-2, 2), (0.2, 0.3), (5, 9)]
    let design = Morris.design(factors: 5, trajectories: 20, levels: 4, seed: 3)
    #expect(design.points.count == 20 * 6)
    let values = design.points.map { u in zip(u, ranges).map { $1.0 + $0 * ($1.1 - $1.0) } }
    let outputs = values.map { x in zip(coefficients, x).map { $0 * $1 }.reduce(7, +) }
    let effects = Morris.effects(design: design, outputs: outputs, values: values, ranges: ranges.map { $0.1 - $0.0 })
    for (i, effect) in effects.enumerated() {
      let expected = abs(coefficients[i]) * (ranges[i].1 - ranges[i].0)
      print("theory check | Morris linear x\(i + 1) | mu* expected \(expected) computed \(effect.muStar) sigma \(effect.sigma)")
      #expect(abs(effect.muStar - expected) <= 1e-9 * max(1, expected))
      #expect(abs(effect.mu - coefficients[i] * (ranges[i].1 - ranges[i].0)) <= 1e-9 * max(1, expected))
      #expect(effect.sigma <= 1e-9 * max(1, expected))
      #expect(effect.effects.count == 20)
    }
    let ranked = effects.indices.sorted { effects[$0].muStar > effects[$1].muStar }
    #expect(ranked == [1, 4, 0, 3, 2])  // mu* = 10, 6, 3, 1.2, 0
  }

  @Test("Morris trajectories move one factor by Delta per step on the p-level grid; the design is a function of its seed")
  func morrisDesign() {
    let design = Morris.design(factors: 4, trajectories: 10, levels: 6, seed: 5)
    let delta = 6.0 / (2 * 5)
    for t in 0..<10 {
      #expect(Set(design.moved[t]) == Set(0..<4))
      for step in 0..<4 {
        let a = design.points[t * 5 + step]
        let b = design.points[t * 5 + step + 1]
        let changed = (0..<4).filter { a[$0] != b[$0] }
        #expect(changed == [design.moved[t][step]])
        #expect(abs(abs(b[changed[0]] - a[changed[0]]) - delta) < 1e-12)
        #expect(b.allSatisfy { (0...1).contains($0) && abs($0 * 5 - ($0 * 5).rounded()) < 1e-9 })
      }
    }
    #expect(Morris.design(factors: 4, trajectories: 10, levels: 6, seed: 5).points == design.points)
    #expect(Morris.design(factors: 4, trajectories: 10, levels: 6, seed: 6).points != design.points)
  }

  @Test("whole-number ranges take each whole value equally often")
  func wholeRanges() {
    let range = InputRange(path: "teams.T.reps", low: 9, high: 13)
    let counts = (0..<1000).reduce(into: [Double: Int]()) { counts, j in counts[range.value(at: (Double(j) + 0.5) / 1000), default: 0] += 1 }
    #expect(counts == [9: 200, 10: 200, 11: 200, 12: 200, 13: 200])
    #expect(InputRange(path: "x", low: 0.2, high: 0.3).value(at: 0.5) == 0.25)
  }
}

/// A study beyond the exact bound keeps each point's mean, not its rows.
@Suite("Global sensitivity beyond the exact bound")
struct GlobalSensitivityStreamedTests {
  @Test("beyond the exact bound each point's mean comes from moments combined block by block: the mean of every row up to rounding, for a plain and a ratio objective")
  func meansFromMoments() throws {
    // Ten days of arrivals a replication: 10,001 replications (beyond the bound of 10,000) stay quick.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-gsa-\(UUID().uuidString).yaml").path
    try TwoTeams.yaml().replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 40").write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let base = try ScenarioLoader().load(path: path)
    let replications = 10_001
    #expect(replications > ReplicationBlocks.exactBound(width: Simulator(scenario: base).layout.count))
    for name in ["wins", "win_rate"] {
      let objective = try Objective.parse(name).get()
      let study = GlobalSensitivityStudy(
        base: base, file: path, vary: ["teams.Busy.reps=4..8"], method: .morris(trajectories: 1, levels: 4), objective: objective, seed: 2)
      let outcome = study.run(try study.design(), replications: replications)
      let rows = Simulator(scenario: base).run(replications: replications, seed: 2)
      #expect(rows.hasRows)
      let exact = Summary(objective.values(rows)).mean
      #expect(exact.isFinite && exact > 0)
      #expect(abs(outcome.baseMean - exact) <= 1e-12 * abs(exact), "\(name): \(outcome.baseMean) against \(exact)")
    }
  }
}
