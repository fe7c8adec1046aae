import CoverageModel

/// The names and positions of the numbers one replication produces (MODEL.md §7 and §11).
///
/// A replication's result is one flat `[Double]` in this order: the scenario metrics, then four per
/// team, four per segment and two per pool. A value is NaN where it is undefined (a win rate with
/// no closed opportunity); summaries skip NaNs.
public struct MetricLayout: Hashable, Sendable {
  public static let scenarioMetrics = names(.scenario)
  public static let teamMetrics = names(.team)
  public static let segmentMetrics = names(.segment)
  public static let poolMetrics = names(.pool)
  private static func names(_ group: MetricGroup) -> [String] { MetricDescriptor.all.filter { $0.group == group }.map(\.name) }

  public let teams: [String]
  public let segments: [String]
  public let pools: [String]

  public init(scenario: Scenario) {
    teams = scenario.teams.map(\.name)
    segments = scenario.segments.map(\.name)
    pools = scenario.pools.map(\.name)
  }

  public init(teams: [String], segments: [String], pools: [String]) {
    self.teams = teams
    self.segments = segments
    self.pools = pools
  }

  public var count: Int {
    Self.scenarioMetrics.count + teams.count * Self.teamMetrics.count + segments.count * Self.segmentMetrics.count
      + pools.count * Self.poolMetrics.count
  }

  public func index(ofScenarioMetric name: String) -> Int? { Self.scenarioMetrics.firstIndex(of: name) }

  var teamBase: Int { Self.scenarioMetrics.count }
  var segmentBase: Int { teamBase + teams.count * Self.teamMetrics.count }
  var poolBase: Int { segmentBase + segments.count * Self.segmentMetrics.count }

  func teamIndex(_ team: Int, _ metric: Int) -> Int { teamBase + team * Self.teamMetrics.count + metric }
  func segmentIndex(_ segment: Int, _ metric: Int) -> Int { segmentBase + segment * Self.segmentMetrics.count + metric }
  func poolIndex(_ pool: Int, _ metric: Int) -> Int { poolBase + pool * Self.poolMetrics.count + metric }

  /// Where each group's metrics are: (group, entity name, metric name) for every position.
  public var entries: [(group: MetricGroup, entity: String, metric: String)] {
    var result = Self.scenarioMetrics.map { (MetricGroup.scenario, "", $0) }
    for team in teams { result += Self.teamMetrics.map { (.team, team, $0) } }
    for segment in segments { result += Self.segmentMetrics.map { (.segment, segment, $0) } }
    for pool in pools { result += Self.poolMetrics.map { (.pool, pool, $0) } }
    return result
  }
}

public enum MetricGroup: String, Hashable, Sendable {
  case scenario, team, segment, pool
}
