import CoverageModel

/// The names and positions of the numbers one replication produces (docs/model.md).
///
/// A replication's result is one flat `[Double]` in this order: the scenario metrics, then the
/// metrics of each team, segment and pool, then of each team whose reps are people (none unless
/// the scenario has people keys, so a scenario without them has no people columns). Each group's
/// metrics are in catalogue order (`MetricDescriptor.all`); the engine writes them by name
/// (`MetricSlot`). A value is NaN where it is undefined (a win rate with no closed opportunity);
/// summaries skip NaNs.
public struct MetricLayout: Hashable, Sendable {
  public static let scenarioMetrics = names(.scenario)
  public static let teamMetrics = names(.team)
  public static let segmentMetrics = names(.segment)
  public static let poolMetrics = names(.pool)
  public static let peopleMetrics = names(.people)
  public static let effortMetrics = names(.effort)
  public static let responseMetrics = names(.response)
  static func names(_ group: MetricGroup) -> [String] { MetricDescriptor.all.filter { $0.group == group }.map(\.name) }

  public let teams: [String]
  public let segments: [String]
  public let pools: [String]
  /// Teams whose reps are people (ramp, attrition, hires, quotas), in scenario order.
  public let people: [String]
  /// Teams with reps' time, and segments whose demand responds to coverage (docs/model.md, "Effort").
  public let effort: [String]
  public let response: [String]
  /// Labels of the months and quarters whose scenario metrics follow the totals (empty unless
  /// results are kept by period).
  public let months: [String]
  public let quarters: [String]

  public init(scenario: Scenario, periods: PeriodCalendar? = nil) {
    teams = scenario.teams.map(\.name)
    segments = scenario.segments.map(\.name)
    pools = scenario.pools.map(\.name)
    people = scenario.teams.filter { $0.people != nil }.map(\.name)
    effort = scenario.teams.filter { $0.time != nil && $0.kind.ownsAccounts }.map(\.name)
    response = scenario.segments.filter { $0.response != nil }.map(\.name)
    months = periods?.months.map(\.label) ?? []
    quarters = periods?.quarters.map(\.label) ?? []
    (ratioRanks, ratios) = Self.ratioRanks(
      Self.groupCounts(teams: teams.count, segments: segments.count, pools: pools.count, people: people.count, effort: effort.count, response: response.count))
  }

  public init(
    teams: [String], segments: [String], pools: [String], people: [String] = [], effort: [String] = [], response: [String] = [],
    months: [String] = [], quarters: [String] = []
  ) {
    self.teams = teams
    self.segments = segments
    self.pools = pools
    self.people = people
    self.effort = effort
    self.response = response
    self.months = months
    self.quarters = quarters
    (ratioRanks, ratios) = Self.ratioRanks(
      Self.groupCounts(teams: teams.count, segments: segments.count, pools: pools.count, people: people.count, effort: effort.count, response: response.count))
  }

  /// The width of a row: the metrics of the totals and of every period, then the denominators
  /// of their ratio metrics (`denominatorIndex(of:)`).
  public var count: Int {
    metricCount + ratios * (1 + months.count + quarters.count)
  }

  /// The metrics of the totals and of every period: a row's first `metricCount` values.
  public var metricCount: Int { periodBase * (1 + months.count + quarters.count) }

  /// Each place of the totals' layout: its rank among the ratio metrics ("ratio: A / B" in the
  /// catalogue), -1 for the others; and how many ratios the totals have.
  private let ratioRanks: [Int]
  private let ratios: Int

  private static func ratioRanks(_ counts: [(MetricGroup, Int)]) -> (ranks: [Int], ratios: Int) {
    var ranks: [Int] = []
    var ratios = 0
    for (group, entities) in counts {
      let isRatio = MetricDescriptor.all.filter { $0.group == group }.map { $0.formation.hasPrefix("ratio") }
      for _ in 0..<entities {
        for ratio in isRatio {
          ranks.append(ratio ? ratios : -1)
          if ratio { ratios += 1 }
        }
      }
    }
    return (ranks, ratios)
  }

  private static func groupCounts(teams: Int, segments: Int, pools: Int, people: Int, effort: Int, response: Int) -> [(MetricGroup, Int)] {
    [(.scenario, 1), (.team, teams), (.segment, segments), (.pool, pools), (.people, people), (.effort, effort), (.response, response)]
  }

  /// Where a row keeps the denominator of the ratio metric at `metric` (each replication's B of
  /// "ratio: A / B", 0 where B is 0 or undefined), nil when that metric is not a ratio: estimates
  /// are ratios of sums over replications (docs/statistics.md, "Ratio metrics").
  public func denominatorIndex(of metric: Int) -> Int? {
    guard metric < metricCount else { return nil }
    let rank = ratioRanks[metric % periodBase]
    guard rank >= 0 else { return nil }
    return metricCount + (metric / periodBase) * ratios + rank
  }

  /// Where period `period` of `kind` holds the value the totals hold at `metric`: every period
  /// repeats the whole layout of the totals (organisation, teams, segments, pools).
  public func index(period: Int, of kind: PeriodKind, metric: Int) -> Int {
    periodBase * (1 + (kind == .month ? 0 : months.count) + period) + metric
  }

  public func labels(_ kind: PeriodKind) -> [String] { kind == .month ? months : quarters }

  public func index(ofScenarioMetric name: String) -> Int? { Self.scenarioMetrics.firstIndex(of: name) }

  var teamBase: Int { Self.scenarioMetrics.count }
  var segmentBase: Int { teamBase + teams.count * Self.teamMetrics.count }
  var poolBase: Int { segmentBase + segments.count * Self.segmentMetrics.count }
  var peopleBase: Int { poolBase + pools.count * Self.poolMetrics.count }
  /// The width of the totals, and of each period after them.
  var effortBase: Int { peopleBase + people.count * Self.peopleMetrics.count }
  var responseBase: Int { effortBase + effort.count * Self.effortMetrics.count }
  public var periodBase: Int { responseBase + response.count * Self.responseMetrics.count }

  public func teamIndex(_ team: Int, _ metric: Int) -> Int { teamBase + team * Self.teamMetrics.count + metric }
  public func segmentIndex(_ segment: Int, _ metric: Int) -> Int { segmentBase + segment * Self.segmentMetrics.count + metric }
  public func poolIndex(_ pool: Int, _ metric: Int) -> Int { poolBase + pool * Self.poolMetrics.count + metric }
  public func peopleIndex(_ team: Int, _ metric: Int) -> Int { peopleBase + team * Self.peopleMetrics.count + metric }
  public func effortIndex(_ team: Int, _ metric: Int) -> Int { effortBase + team * Self.effortMetrics.count + metric }
  public func responseIndex(_ segment: Int, _ metric: Int) -> Int { responseBase + segment * Self.responseMetrics.count + metric }

  /// Where each group's metrics are: (group, entity name, metric name) for every position.
  public var entries: [(group: MetricGroup, entity: String, metric: String)] {
    var result = Self.scenarioMetrics.map { (MetricGroup.scenario, "", $0) }
    for team in teams { result += Self.teamMetrics.map { (.team, team, $0) } }
    for segment in segments { result += Self.segmentMetrics.map { (.segment, segment, $0) } }
    for pool in pools { result += Self.poolMetrics.map { (.pool, pool, $0) } }
    for team in people { result += Self.peopleMetrics.map { (.people, team, $0) } }
    for team in effort { result += Self.effortMetrics.map { (.effort, team, $0) } }
    for segment in response { result += Self.responseMetrics.map { (.response, segment, $0) } }
    return result
  }
}

public enum MetricGroup: String, Hashable, Sendable {
  case scenario, team, segment, pool
  /// A team whose reps are people: headcount, vacancies, ramp, leavers, hires, quota attainment.
  case people
  /// A team with reps' time: selling hours, hours on deals, travel, coverage, lateness.
  case effort
  /// A segment whose demand responds to coverage: its factor on the opportunity rate.
  case response
}

/// Results by month or by quarter.
public enum PeriodKind: String, Hashable, Sendable, CaseIterable {
  case month, quarter
}
