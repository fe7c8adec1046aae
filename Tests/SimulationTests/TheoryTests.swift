import CoverageModel
import Estimation
import Foundation
import Testing

@testable import Simulation

/// The engine against theory (docs/validation.md), with tolerances of 4 standard errors and fixed seeds.
@Suite("Engine against theory")
struct TheoryTests {
  @Test("without capacity limits or presales, the win rate is the product of the advance probabilities times F")
  func funnelProduct() {
    var s = singleTeamScenario(
      arrivalsPerDay: 20,
      stages: [
        Stage(name: "a", days: .exponential(mean: 4), advance: 0.6), Stage(name: "b", days: .gamma(shape: 2, scale: 2), advance: 0.5),
        Stage(name: "c", days: .constant(3), advance: 0.55),
      ], warmup: 120)
    s.teams[0].newHireShare = 0.4
    s.teams[0].newHireWinFactor = 0.5
    let results = Simulator(scenario: s).run(replications: 60, seed: 11)
    let expected = 0.6 * 0.5 * 0.55 * (0.4 * 0.5 + 0.6)
    let (mean, se) = ratioEstimate(results, "wins", "accepted")
    checkAgainstTheory("funnel wins/accepted", simulated: mean, se: se, expected: expected)
    let winRate = estimate(results, "win_rate")
    #expect(abs(winRate.mean - expected) < 4 * winRate.se + 0.002, "win_rate \(winRate.mean), theory \(expected)")
    #expect(estimate(results, "blocked").mean == 0)
  }

  @Test(
    "blocking equals Erlang B whatever the stage-duration shape (insensitivity)",
    arguments: [(8, 6.0), (10, 10.0), (12, 16.0)], [Distribution.exponential(mean: 2), .uniform(min: 0, max: 4)])
  func erlangB(system: (servers: Int, load: Double), days: Distribution) {
    let (servers, load) = system
    // Holding time is the single stage's duration (mean 2 days); arrivals load / 2 per day.
    let s = singleTeamScenario(
      arrivalsPerDay: load / 2, capacity: servers, stages: [Stage(name: "only", days: days, advance: 1)], horizon: 365, warmup: 30)
    let results = Simulator(scenario: s).run(replications: 40, seed: 5)
    let expected = Queueing.erlangB(servers: servers, load: load)
    let (mean, se) = ratioEstimate(results, "blocked", "arrivals")
    checkAgainstTheory("Erlang B c=\(servers) a=\(load) \(days)", simulated: mean, se: se, expected: expected)
  }

  @Test("the mean presales wait with exponential service equals the Erlang C (M/M/c) wait", arguments: [(3, 2.4), (5, 4.5)])
  func erlangC(system: (experts: Int, load: Double)) {
    let (experts, load) = system
    let s = mmcPresalesScenario(experts: experts, load: load)
    let results = Simulator(scenario: s).run(replications: 40, seed: 8)
    let expected = Queueing.mmcMeanWait(servers: experts, arrivalRate: load / 1.5, meanService: 1.5)
    let (mean, se) = estimate(results, "presales_wait_mean")
    checkAgainstTheory("Erlang C M/M/\(experts) a=\(load) mean wait (days)", simulated: mean, se: se, expected: expected)
  }

  @Test("the mean won deal under lognormal sizes is median·exp(σ²/2) times the engaged specialist's deal uplift")
  func lognormalMean() {
    var s = singleTeamScenario(
      arrivalsPerDay: 10, stages: [Stage(name: "close", days: .exponential(mean: 5), advance: 0.5)],
      dealSize: .logNormal(median: 50_000, sigma: 0.8))
    s.solutions = [Solution(name: "X")]
    s.segments[0].solutionMix = [SolutionNeed(solution: "X", probability: 1)]
    var specialists = Team(name: "Xperts", kind: .solution, reps: 10_000)
    specialists.solutions = [SolutionSkill(name: "X")]
    specialists.dealUplift = 1.2
    s.teams.append(specialists)
    let results = Simulator(scenario: s).run(replications: 60, seed: 3)
    let expected = 50_000 * exp(0.8 * 0.8 / 2) * 1.2
    let (mean, se) = ratioEstimate(results, "bookings", "wins")
    checkAgainstTheory("lognormal mean won deal with uplift", simulated: mean, se: se, expected: expected)
    let credited = ratioEstimate(results, "credited_bookings", "bookings")
    #expect(abs(credited.mean - 2) < 1e-12, "every win is credited to the owner and the engaged specialist")
  }

  @Test("under load, the tiered policy gives grade A a shorter mean wait than grade C")
  func tieredPolicy() {
    var s = singleTeamScenario(arrivalsPerDay: 1.8, stages: [Stage(name: "demo", days: .constant(1), advance: 1, presales: "P")], warmup: 30)
    s.segments[0].name = "Small"
    s.teams[0].covers = [Coverage(segments: ["Small", "Large"])]
    var large = s.segments[0]
    large.name = "Large"
    large.dealSize = .constant(1_000_000)
    s.segments.append(large)
    var pool = PresalesPool(name: "P", experts: 2, serviceDays: .exponential(mean: 0.5))
    pool.policy = .tiered
    s.pools = [pool]
    let results = Simulator(scenario: s).run(replications: 30, seed: 21)
    let layout = results.layout
    let waitLarge = Summary(results.column(layout.segmentIndex(1, 3)))
    let waitSmall = Summary(results.column(layout.segmentIndex(0, 3)))
    let difference = PairedDifference(baseline: results.column(layout.segmentIndex(0, 3)), variant: results.column(layout.segmentIndex(1, 3)))
    print("theory check | tiered: grade A wait < grade C wait | A \(waitLarge.mean) days, C \(waitSmall.mean) days, paired difference CI [\(difference.ciLow), \(difference.ciHigh)]")
    #expect(waitLarge.mean < waitSmall.mean)
    #expect(difference.ciHigh < 0, "grade A waits less: \(waitLarge.mean) vs \(waitSmall.mean) days")
    s.pools[0].policy = .fifo
    let fifo = Simulator(scenario: s).run(replications: 30, seed: 21)
    let fifoDifference = PairedDifference(baseline: fifo.column(layout.segmentIndex(0, 3)), variant: fifo.column(layout.segmentIndex(1, 3)))
    print("theory check | fifo: grades wait alike | paired difference \(fifoDifference.mean) days, CI [\(fifoDifference.ciLow), \(fifoDifference.ciHigh)]")
    #expect(!fifoDifference.isSignificant, "under fifo both grades wait alike: \(fifoDifference.mean)")
  }

  @Test("with deterministic patience θ in M/M/1, the share giving up is ρ·P0·e^((λ-μ)θ)")
  func patience() {
    let (lambda, mu, theta) = (1.0, 1.25, 1.0)
    var s = singleTeamScenario(arrivalsPerDay: lambda, stages: [Stage(name: "demo", days: .constant(1), advance: 1, presales: "P")], horizon: 1000, warmup: 50)
    var pool = PresalesPool(name: "P", experts: 1, serviceDays: .exponential(mean: 1 / mu))
    pool.patienceDays = theta
    pool.noPresalesWinFactor = 0.5
    s.pools = [pool]
    let results = Simulator(scenario: s).run(replications: 40, seed: 4)
    // Level crossing on the virtual wait V of M/M/1+D: density λ·P0·e^((λ-μ)x) below θ and
    // λ·P0·e^(λθ-μx) above; a request gives up when V ≥ θ (PASTA).
    let growth = exp((lambda - mu) * theta)
    let p0 = 1 / (1 + lambda * (growth - 1) / (lambda - mu) + lambda / mu * growth)
    let expected = lambda / mu * p0 * growth
    let (mean, se) = ratioEstimate(results, "presales_gave_up", "presales_requests")
    checkAgainstTheory("M/M/1+D patience share giving up", simulated: mean, se: se, expected: expected)
  }
}
