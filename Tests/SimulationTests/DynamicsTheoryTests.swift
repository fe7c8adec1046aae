import CoverageModel
import Foundation
import Simulation
import Testing

/// Theory checks of the dynamics in docs/model.md ("The dynamics real CRM data shows"), on traces
/// of fixed seeds, each within 4 standard errors (docs/validation.md).
@Suite("Dynamics against theory")
struct DynamicsTheoryTests {
  static func within4SE(_ values: [Double], _ expected: Double, _ what: String) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    #expect(abs(mean - expected) < 4 * sd / n.squareRoot(), "\(what): mean \(mean), expected \(expected) +- \(4 * sd / n.squareRoot())")
  }

  @Test("competing risks: won cycles average the won distribution's mean (45), lost the lost's (12); stale deals are a fifth, hold their slots 150 days and are not losses")
  func outcomesAndStale() {
    var stage = Stage(name: "close", days: .gamma(shape: 2, scale: 22.5), advance: 0.6)
    stage.lostDays = .exponential(mean: 12)
    stage.stale = Stale(probability: 0.2, days: .constant(150))
    var s = singleTeamScenario(arrivalsPerDay: 10, stages: [stage], horizon: 730)
    s.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    let traces = Simulator(scenario: s).traces(replications: 0..<4, seed: 11, threads: 1).flatMap { $0 }
    // Deals engaged in the first year, all decided (or stale) within the horizon.
    let early = traces.filter { $0.created < 365 }
    let won = early.filter { $0.outcome == .won }.compactMap { o in o.closed.map { $0 - o.created } }
    let lost = early.filter { $0.outcome == .lost }.compactMap { o in o.closed.map { $0 - o.created } }
    let stale = early.filter { $0.outcome == .stale }
    Self.within4SE(won, 45, "won cycle")
    Self.within4SE(lost, 12, "lost cycle")
    Self.within4SE(early.map { $0.outcome == .stale ? 1 : 0 }, 0.2, "stale share")
    Self.within4SE(early.filter { $0.outcome != .stale }.map { $0.outcome == .won ? 1 : 0 }, 0.6, "win share of decided deals")
    #expect(stale.allSatisfy { o in o.closed.map { abs($0 - o.created - 150) < 1e-6 } ?? false })
    // The metrics: stale deals are neither wins nor losses.
    let results = Simulator(scenario: s).run(replications: 4, seed: 11, threads: 1)
    let all = Simulator(scenario: s).traces(replications: 0..<4, seed: 11, threads: 1)
    let index = results.layout.index(ofScenarioMetric: "losses")!
    for (r, trace) in all.enumerated() {
      let lostInYear = trace.filter { $0.outcome == .lost && ($0.closed ?? -1) >= 0 }.count
      #expect(results.values[r * results.layout.count + index] == Double(lostInYear))
    }
  }

  @Test("quarter-end pull: wins that would close in a quarter's first 31 days close on its eve with probability 0.4")
  func pull() {
    var stage = Stage(name: "close", days: .gamma(shape: 2, scale: 22.5), advance: 0.6)
    stage.lostDays = .exponential(mean: 12)
    var s = singleTeamScenario(arrivalsPerDay: 10, stages: [stage], horizon: 730)
    s.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    var plain = s
    s.quarterEnd = { var q = QuarterEnd(lastDays: 0, advanceFactor: 1); q.hasPush = false; q.pullDays = 31; q.pullProbability = 0.4; return q }()
    func firstMonthShare(_ scenario: Scenario) -> [Double] {
      Simulator(scenario: scenario).traces(replications: 0..<4, seed: 5, threads: 1).map { trace in
        let wins = trace.filter { $0.outcome == .won }.compactMap(\.closed).filter { $0 >= 0 && $0 < 730 }
        // Days 0-30 of each calendar quarter of 2027-2028 from 2027-01-01: Jan, Apr, Jul, Oct.
        let starts: [Double] = [0, 90, 181, 273, 365, 456, 547, 639]
        return Double(wins.filter { w in starts.contains { w >= $0 && w < $0 + 31 } }.count) / Double(wins.count)
      }
    }
    let base = firstMonthShare(plain)
    let pulled = firstMonthShare(s)
    // The pull leaves 0.6 of a first month's wins there, more since a deal engaged after the
    // quarter's eve cannot be pulled back to it (about a sixth of them here): 0.6 to 0.75.
    for (b, p) in zip(base, pulled) { #expect(p / b > 0.6 && p / b < 0.75, "share \(p) against \(b)") }
    plain.quarterEnd = nil
  }

  @Test("arrival dispersion c = 0.4: a month's count has variance m + c^2 m^2")
  func dispersion() {
    var s = singleTeamScenario(arrivalsPerDay: 5, stages: [Stage(name: "close", days: .constant(1), advance: 0.5)], horizon: 365)
    s.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    s.arrivalDispersion = 0.4
    // January's arrivals over 400 replications.
    let counts = Simulator(scenario: s).traces(replications: 0..<400, seed: 3, threads: 2).map { trace in Double(trace.filter { $0.created >= 0 && $0.created < 31 }.count) }
    let m = 5 * 31.0
    let mean = counts.reduce(0, +) / Double(counts.count)
    let variance = counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(counts.count - 1)
    let expected = m + 0.16 * m * m
    // The sample variance's standard error is about variance x sqrt(2 / n) (x a little for the gamma's tail).
    #expect(abs(mean - m) < 4 * (expected / 400).squareRoot(), "mean \(mean)")
    #expect(abs(variance - expected) < 4 * expected * (2.5 / 400).squareRoot(), "variance \(variance), expected \(expected)")
  }
}
