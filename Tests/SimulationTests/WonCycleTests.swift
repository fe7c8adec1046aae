import CoverageModel
import Testing

@testable import Simulation

/// The won-cycle by team and by segment (`cycle_days_won`): days from arrival to win over the
/// wins the team (or segment) is credited with.
@Suite("Won cycle by team and segment")
struct WonCycleTests {
  /// Two segments, each owned by its own team with its own motion: a won deal's cycle is the sum
  /// of its motion's stage days (the outcome is drawn apart from the days).
  static func scenario() -> Scenario {
    var s = singleTeamScenario(
      arrivalsPerDay: 6,
      stages: [Stage(name: "a", days: .exponential(mean: 4), advance: 0.7), Stage(name: "b", days: .exponential(mean: 6), advance: 0.6)],
      warmup: 60)
    var segment = s.segments[0]
    segment.name = "S2"
    s.segments.append(segment)
    s.motions.append(
      Motion(name: "M2", stages: [Stage(name: "a", days: .uniform(min: 10, max: 30), advance: 0.8), Stage(name: "b", days: .gamma(shape: 2, scale: 5), advance: 0.5)]))
    var team = s.teams[0]
    team.name = "T2"
    team.motion = "M2"
    team.covers = [Coverage(segments: ["S2"])]
    s.teams.append(team)
    return s
  }

  @Test("each team's and each segment's mean won cycle is the sum of its motion's mean stage days", arguments: [(0, 4.0 + 6), (1, 20.0 + 10)])
  func byTeamAndSegment(entity: Int, expected: Double) throws {
    let results = Simulator(scenario: Self.scenario()).run(replications: 30, seed: 31)
    let layout = results.layout
    func teamColumn(_ name: String) throws -> [Double] {
      results.column(layout.teamIndex(entity, try #require(MetricLayout.teamMetrics.firstIndex(of: name))))
    }
    func segmentColumn(_ name: String) throws -> [Double] {
      results.column(layout.segmentIndex(entity, try #require(MetricLayout.segmentMetrics.firstIndex(of: name))))
    }
    let teamWins = try teamColumn("wins")
    let team = pooledRatio(zip(try teamColumn("cycle_days_won"), teamWins).map { $0 * $1 }, teamWins)
    checkAgainstTheory("team \(entity + 1): mean won cycle, the sum of its motion's stage means (days)", simulated: team.mean, se: team.se, expected: expected)
    // Every deal is worth 1,000: a segment's wins are its bookings / 1,000.
    let segmentWins = try segmentColumn("bookings").map { $0 / 1000 }
    let segment = pooledRatio(zip(try segmentColumn("cycle_days_won"), segmentWins).map { $0 * $1 }, segmentWins)
    checkAgainstTheory(
      "segment \(entity + 1): mean won cycle, the sum of its owner's stage means (days)", simulated: segment.mean, se: segment.se, expected: expected)
  }
}
