import Estimation
import Experiments
import Foundation
import Simulation
import Testing

@testable import Reports

/// Beyond the exact bound `sweep` and `sensitivity` keep paired statistics instead of rows: what its report pairs
/// and their reports' tables must be what the rows give, to rounding.
@Suite("Sweep and sensitivity beyond the exact bound")
struct SweepStreamedTests {
  static let layout = MetricLayout(teams: ["A", "B"], segments: ["S"], pools: [], months: [], quarters: [])

  /// Random rows of the base (0) and three points: a shared lognormal luck per replication and
  /// column (common random numbers), each point's own shift and noise, now and then a NaN.
  static func rows(_ scenario: Int, replications: Int) -> [Double] {
    let shared = SeededDraws(seed: 11, purpose: "shared")
    let own = SeededDraws(seed: 12 + UInt64(scenario), purpose: "own")
    var values: [Double] = []
    for _ in 0..<replications {
      for _ in 0..<layout.count {
        var value = exp(shared.gaussian()) * 1_000 * (1 + 0.05 * Double(scenario)) + 80 * own.gaussian()
        if own.below(700) == 0 { value = .nan }
        values.append(value)
      }
    }
    return values
  }

  static func close(_ a: Double, _ b: Double) -> Bool {
    (a.isNaN && b.isNaN) || a == b || abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
  }

  @Test("each point's summary, its difference from the base and the difference between any two points equal the rows' to rounding, either way round")
  func pairingAgainstRows() throws {
    let count = 2_500
    let all = (0..<4).map { Self.rows($0, replications: count) }
    let exact = (0..<4).map { SimulationResults(scenario: "s\($0)", layout: Self.layout, seed: 1, values: all[$0]) }
    var streamed = StreamedComparison(layouts: Array(repeating: Self.layout, count: 4), objective: try Objective.parse("bookings").get(), targets: [])
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layout.count)..<(range.upperBound * Self.layout.count)]) }
    }
    let kept = streamed.results(scenarios: exact.map(\.scenario), seed: 1)
    #expect(kept.allSatisfy { !$0.hasRows && $0.replications == count })
    func points(_ results: [SimulationResults]) -> [SweepReport.Point] {
      results.dropFirst().enumerated().map { SweepReport.Point(label: "p\($0)", values: [Double($0)], results: $1) }
    }
    let rows = SweepReport.Pairing(base: exact[0], points: points(exact), objective: "bookings", streamed: nil)
    let moments = SweepReport.Pairing(base: kept[0], points: points(kept), objective: "bookings", streamed: streamed)
    for i in 0..<3 {
      for metric in ["bookings", "cost", "wins"] {
        let (a, b) = (rows.summary(i, metric), moments.summary(i, metric))
        #expect(a.count == b.count && Self.close(a.mean, b.mean) && Self.close(a.ci95Low, b.ci95Low) && Self.close(a.ci95High, b.ci95High), "\(metric) at \(i)")
        let (d, e) = (rows.fromBase(i, metric), moments.fromBase(i, metric))
        #expect(d.count == e.count && Self.close(d.mean, e.mean) && Self.close(d.ciLow, e.ciLow) && Self.close(d.ciHigh, e.ciHigh), "\(metric) at \(i)")
      }
      for j in 0..<3 where j != i {
        let (d, e) = (rows.between(i, j), moments.between(i, j))
        #expect(d.count == e.count && Self.close(d.mean, e.mean) && Self.close(d.ciLow, e.ciLow) && Self.close(d.ciHigh, e.ciHigh), "\(i) to \(j)")
        #expect(Self.close(d.relative, e.relative) && d.isSignificant == e.isSignificant, "\(i) to \(j)")
      }
    }
  }

  @Test("the report beyond the bound says how its statistics were made, and ranks and pairs as from rows")
  func reportNote() throws {
    let count = 2_500
    let all = (0..<4).map { Self.rows($0, replications: count) }
    var streamed = StreamedComparison(layouts: Array(repeating: Self.layout, count: 4), objective: try Objective.parse("bookings").get(), targets: [])
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layout.count)..<(range.upperBound * Self.layout.count)]) }
    }
    let kept = streamed.results(scenarios: ["base", "a", "b", "c"], seed: 1)
    let exact = (0..<4).map { SimulationResults(scenario: kept[$0].scenario, layout: Self.layout, seed: 1, values: all[$0]) }
    var record = ReportRecord()
    (record.objective, record.vary) = ("bookings", ["teams.A.reps=1..3"])
    let fromRows = SweepReport.document(for: exact, base: "base", record: record).render(.table)
    let fromMoments = SweepReport.document(for: kept, base: "base", record: record, streamed: streamed).render(.table)
    #expect(fromMoments.contains("Beyond the exact bound of"))
    #expect(!fromRows.contains("Beyond the exact bound"))
    // The best point and its verdict against the runner-up read the same.
    let best = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("Best point") }.map(String.init) }
    #expect(best(fromRows) != nil)
    #expect(best(fromRows)?.prefix(40) == best(fromMoments)?.prefix(40))
  }

  @Test("each tornado bar's swing, high minus low, and the means at its ends equal the rows' to rounding; the table reads the same")
  func tornadoAgainstRows() throws {
    let count = 2_500
    let all = (0..<5).map { Self.rows($0, replications: count) }
    let exact = (0..<5).map { SimulationResults(scenario: "s\($0)", layout: Self.layout, seed: 1, values: all[$0]) }
    var streamed = StreamedComparison(layouts: Array(repeating: Self.layout, count: 5), objective: try Objective.parse("bookings").get(), targets: [])
    for range in ReplicationBlocks.ranges(0..<count) {
      streamed.addBlock(count: range.count) { s in Array(all[s][(range.lowerBound * Self.layout.count)..<(range.upperBound * Self.layout.count)]) }
    }
    let kept = streamed.results(scenarios: exact.map(\.scenario), seed: 1)
    func bars(_ results: [SimulationResults]) -> [TornadoReport.Bar] {
      (0..<2).map { TornadoReport.Bar(factor: "f\($0)", low: 1, high: 2, lowResults: results[1 + 2 * $0], highResults: results[2 + 2 * $0]) }
    }
    for (i, (a, b)) in zip(bars(exact), bars(kept)).enumerated() {
      let (d, e) = (TornadoReport.swing(i, of: a, objective: "bookings", streamed: nil), TornadoReport.swing(i, of: b, objective: "bookings", streamed: streamed))
      #expect(d.count == e.count && Self.close(d.mean, e.mean) && Self.close(d.ciLow, e.ciLow) && Self.close(d.ciHigh, e.ciHigh), "bar \(i)")
    }
    var record = ReportRecord()
    (record.objective, record.vary) = ("bookings", ["teams.A.reps=1..2", "teams.B.reps=1..2"])
    let fromRows = TornadoReport.document(for: exact, base: "s0", record: record).render(.table)
    let fromMoments = TornadoReport.document(for: kept, base: "s0", record: record, streamed: streamed).render(.table)
    #expect(fromMoments.hasPrefix(fromRows.trimmingCharacters(in: .newlines)), "\(fromRows)\n---\n\(fromMoments)")
    #expect(fromMoments.contains("Beyond the exact bound of"))
  }
}
