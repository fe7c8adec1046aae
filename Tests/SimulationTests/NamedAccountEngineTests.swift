import CoverageModel
import TestSupport
import Testing

@testable import Simulation

/// Named accounts in the engine: a list's owners, interleaved through the ranking, receive the
/// arrivals of their own accounts (in proportion to the potential column), and a list with one
/// owner and no potentials runs exactly as its count.
@Suite("Engine with named accounts")
struct NamedAccountEngineTests {
  /// 200 accounts with potentials 1...200 (largest first), every third owned by team 1.
  func interleaved() -> Scenario {
    var s = singleTeamScenario(arrivalsPerDay: 50, stages: [Stage(name: "close", days: .constant(0.01), advance: 1)])
    let accounts = (0..<200).map { i in Account(name: "A\(i)", attributes: ["country": i % 3 == 0 ? "AT" : "DE"], potential: Double(200 - i), row: i + 2) }
    s.segments[0].accountList = AccountList(file: "a.csv", columns: ["name", "country", "potential"], accounts: accounts)
    s.segments[0].accounts = 200
    s.segments[0].opportunitiesPerAccountYear = 50 * 365 / 200
    var de = Coverage(segments: ["S"])
    de.accounts.attributes = [("country", ["DE"])]
    s.teams[0].covers = [de]
    var alps = s.teams[0]
    alps.name = "Alps"
    var at = Coverage(segments: ["S"])
    at.accounts.attributes = [("country", ["AT"])]
    alps.covers = [at]
    s.teams.append(alps)
    return s
  }

  @Test("each team wins the arrivals of its own accounts, in proportion to their potential")
  func ownersByAttribute() {
    let s = interleaved()
    #expect(s.territories()[0].count == 200 - 66)  // runs of DE, DE alternate with AT ones
    let results = Simulator(scenario: s).run(replications: 20, seed: 97)
    let potentials = (0..<200).map { Double(200 - $0) }
    let expected = stride(from: 0, to: 200, by: 3).reduce(0.0) { $0 + potentials[$1] } / potentials.reduce(0, +)
    let alps = results.column(results.layout.teamIndex(1, 1))
    let all = zip(alps, results.column(results.layout.teamIndex(0, 1))).map { $0 + $1 }
    let n = Double(alps.count)
    let mean = alps.reduce(0, +) / all.reduce(0, +)
    let variance = zip(alps, all).reduce(0) { $0 + ($1.0 - mean * $1.1) * ($1.0 - mean * $1.1) } / (n - 1)
    let se = (variance / n).squareRoot() / (all.reduce(0, +) / n)
    checkAgainstTheory("named accounts: share of wins on every third account of 200 (potential 200 - i)", simulated: mean, se: se, expected: expected)
  }

  @Test("a list with one owner and no potentials gives exactly the results of its count")
  func countEquivalent() {
    var counted = singleTeamScenario(arrivalsPerDay: 5, stages: [Stage(name: "close", days: .constant(3), advance: 0.5)])
    counted.segments[0].accounts = 40
    counted.segments[0].opportunitiesPerAccountYear = 5 * 365 / 40
    var named = counted
    named.segments[0].accountList = AccountList(file: "a.csv", columns: ["name"], accounts: (0..<40).map { Account(name: "A\($0)") })
    let a = Simulator(scenario: counted).run(replications: 8, seed: 5)
    let b = Simulator(scenario: named).run(replications: 8, seed: 5)
    #expect(a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
  }

  @Test("an open deal on a listed account is worked by the account's owner: moving the account moves the deal")
  func pipelineFollowsItsAccount() throws {
    var s = interleaved()
    s.warmupDays = 0
    // A0 is an AT account (Alps'), A1 a DE one; the CRM's team cells say otherwise for A0, and an
    // account not in the list stays with the team its cell names.
    s.pipeline = [
      PipelineDeal(id: "d0", segment: "S", account: "A0", team: s.teams[0].name, stage: "close", daysInStage: 0),
      PipelineDeal(id: "d1", segment: "S", account: "A1", team: s.teams[0].name, stage: "close", daysInStage: 0),
      PipelineDeal(id: "d2", segment: "S", account: "elsewhere", team: "Alps", stage: "close", daysInStage: 0),
    ]
    #expect(s.pipelineTeams() == [1, 0, 1])
    var moved = s
    moved.teams[1].covers[0].accounts.excluded = ["A0"]
    moved.teams[0].covers.append(Coverage(segments: ["S"]))
    moved.teams[0].covers[1].accounts.names = ["A0"]
    #expect(moved.pipelineTeams() == [0, 0, 1])
    let before = try #require(Simulator(scenario: s).traces(replications: 0..<1, seed: 3, threads: 1).first)
    let after = try #require(Simulator(scenario: moved).traces(replications: 0..<1, seed: 3, threads: 1).first)
    #expect(before.filter { $0.pipelineRow >= 0 }.sorted { $0.pipelineRow < $1.pipelineRow }.map(\.team) == [1, 0, 1])
    #expect(after.filter { $0.pipelineRow >= 0 }.sorted { $0.pipelineRow < $1.pipelineRow }.map(\.team) == [0, 0, 1])
  }
}
