import CoverageModel
import Estimation
import Foundation
import Randomness
import Simulation
import Testing

/// The opportunity trace (`Simulator.traces`) and the start from an open pipeline (`pipeline:`).
@Suite("Opportunity trace and starting pipeline")
struct TraceAndPipelineTests {
  static func scenario() -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: 6, capacity: 40,
      stages: [
        Stage(name: "qualify", days: .gamma(shape: 2, scale: 4), advance: 0.6),
        Stage(name: "close", days: .weibull(shape: 1.5, scale: 20), advance: 0.5),
      ], dealSize: .logNormal(median: 20_000, sigma: 0.6), horizon: 365, warmup: 60)
    s.startDate = CalendarDate(year: 2027, month: 1, day: 1)
    return s
  }

  @Test("a trace holds what the run counts: arrivals, wins, losses and bookings of the measured year, replication by replication")
  func traceMatchesMetrics() throws {
    let simulator = Simulator(scenario: Self.scenario())
    let results = simulator.run(replications: 4, seed: 7, threads: 1)
    let traces = simulator.traces(replications: 0..<4, seed: 7, threads: 2)
    let layout = results.layout
    for r in 0..<4 {
      func metric(_ name: String) throws -> Double { results.values[r * layout.count + (try #require(layout.index(ofScenarioMetric: name)))] }
      let trace = traces[r]
      #expect(Double(trace.filter { $0.created >= 0 }.count) <= (try metric("arrivals")))
      #expect(Double(trace.filter { $0.outcome == .won && ($0.closed ?? -1) >= 0 }.count) == (try metric("wins")))
      #expect(Double(trace.filter { $0.outcome == .lost && ($0.closed ?? -1) >= 0 }.count) == (try metric("losses")))
      let bookings = trace.filter { $0.outcome == .won && ($0.closed ?? -1) >= 0 }.reduce(0) { $0 + $1.value }
      #expect(abs(bookings - (try metric("bookings"))) <= 1e-6 * bookings)
      for o in trace {
        if let closed = o.closed { #expect(closed >= o.created) } else { #expect(o.outcome == .open) }
      }
    }
    // Threads do not change a replication's trace.
    #expect(simulator.traces(replications: 2..<3, seed: 7, threads: 1)[0] == traces[2])
  }

  /// 4,000 deals open on day 0, each 30 days into a Weibull(1.5, 20) close stage that advances with
  /// probability 0.5; no new arrivals that matter (a tiny rate). Their closing days have the mean
  /// E[X - 30 | X > 30] and half of them are won.
  @Test("pipeline deals close after the remaining time given their days in stage, and win at the stage's rate")
  func pipelineConditionalClose() throws {
    var s = singleTeamScenario(
      arrivalsPerDay: 0.001, capacity: 100_000, stages: [Stage(name: "close", days: .weibull(shape: 1.5, scale: 20), advance: 0.5)], horizon: 2000)
    s.pipeline = (0..<4000).map { PipelineDeal(id: "D\($0)", segment: "S", account: "A\($0 % 50)", team: "T", stage: "close", daysInStage: 30, dealSize: 1000) }
    let trace = try #require(Simulator(scenario: s).traces(replications: 0..<1, seed: 3, threads: 1).first)
    let deals = trace.filter { $0.pipelineRow >= 0 }
    #expect(deals.count == 4000)
    let closes = deals.compactMap(\.closed)
    #expect(closes.count == 4000)
    let n = Double(closes.count)
    let mean = closes.reduce(0, +) / n
    let sd = (closes.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let z = pow(30.0 / 20, 1.5)
    let expected = 20 / 1.5 * exp(SpecialFunctions.logGamma(1 / 1.5)) * SpecialFunctions.upperIncompleteGamma(1 / 1.5, z) * exp(z)
    #expect(abs(mean - expected) < 4 * sd / n.squareRoot(), "mean close day \(mean) against \(expected)")
    // Without conditioning the mean would be the Weibull's, 20 Gamma(1 + 1/1.5) = 18.05: far off.
    #expect(abs(mean - 18.05) > 8 * sd / n.squareRoot())
    let won = Double(deals.filter { $0.outcome == .won }.count)
    #expect(abs(won / n - 0.5) < 4 * (0.25 / n).squareRoot())
    #expect(deals.allSatisfy { $0.created == -30 && $0.value == 1000 })
  }

  @Test("a pipeline deal's draws are its own: adding another deal or another segment's arrivals does not change them")
  func pipelineCommonRandomNumbers() throws {
    var s = singleTeamScenario(arrivalsPerDay: 2, stages: [Stage(name: "close", days: .gamma(shape: 2, scale: 10), advance: 0.5)], horizon: 400)
    s.pipeline = [PipelineDeal(id: "A", segment: "S", account: "x", team: "T", stage: "close", daysInStage: 12)]
    var more = s
    more.pipeline.append(PipelineDeal(id: "B", segment: "S", account: "y", team: "T", stage: "close", daysInStage: 3))
    more.segments[0].opportunitiesPerAccountYear *= 2
    let one = try #require(Simulator(scenario: s).traces(replications: 5..<6, seed: 9, threads: 1).first?.first { $0.pipelineRow == 0 })
    let two = try #require(Simulator(scenario: more).traces(replications: 5..<6, seed: 9, threads: 1).first?.first { $0.pipelineRow == 0 })
    #expect(one == two)
  }
}
