import Estimation
import Experiments
import Simulation

/// The JSON shapes of `run` and `compare` (`--format json`), as Encodable values. Undefined
/// numbers (NaN, infinities) are written as null.

/// A number that is null when not finite.
struct JSONNumber: Encodable, Sendable {
  let value: Double
  init(_ value: Double) { self.value = value }
  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
  }
}

/// One metric over replications: mean, sd, 95% interval, percentiles.
struct SummaryJSON: Encodable, Sendable {
  let mean, sd, ci95_low, ci95_high, p05, p50, p95: JSONNumber
  init(_ s: Summary) {
    (mean, sd, ci95_low, ci95_high) = (JSONNumber(s.mean), JSONNumber(s.sd), JSONNumber(s.ci95Low), JSONNumber(s.ci95High))
    (p05, p50, p95) = (JSONNumber(s.p05), JSONNumber(s.p50), JSONNumber(s.p95))
  }
}

/// `run --format json`, and each scenario of `compare --format json`.
struct RunJSON: Encodable, Sendable {
  struct PeriodJSON: Encodable, Sendable {
    let period: String
    let metrics: [String: SummaryJSON]
    let teams: [String: [String: SummaryJSON]]
    let segments: [String: [String: SummaryJSON]]
    let pools: [String: [String: SummaryJSON]]
    /// Teams whose reps are people; absent without them.
    let people: [String: [String: SummaryJSON]]?
  }
  struct PeriodsJSON: Encodable, Sendable {
    let months: [PeriodJSON]
    let quarters: [PeriodJSON]
  }
  let scenario: String
  let seed: UInt64
  let replications: Int
  let metrics: [String: SummaryJSON]
  let teams: [String: [String: SummaryJSON]]
  let segments: [String: [String: SummaryJSON]]
  let pools: [String: [String: SummaryJSON]]
  /// Teams whose reps are people; absent without them.
  let people: [String: [String: SummaryJSON]]?
  /// Teams with reps' time and segments with a response; absent without them.
  let effort: [String: [String: SummaryJSON]]?
  let response: [String: [String: SummaryJSON]]?
  let periods: PeriodsJSON?

  init(_ run: RunSummary) {
    func metrics(_ list: [(String, Summary)]) -> [String: SummaryJSON] {
      Dictionary(list.map { ($0.0, SummaryJSON($0.1)) }, uniquingKeysWith: { a, _ in a })
    }
    func nested(_ g: MetricGroup) -> [String: [String: SummaryJSON]] {
      Dictionary(run.group(g).map { ($0.entity, metrics($0.metrics)) }, uniquingKeysWith: { a, _ in a })
    }
    scenario = run.scenario
    seed = run.seed
    replications = run.replications
    self.metrics = metrics(run.group(.scenario).first?.metrics ?? [])
    teams = nested(.team)
    segments = nested(.segment)
    pools = nested(.pool)
    people = run.layout.people.isEmpty ? nil : nested(.people)
    effort = run.layout.effort.isEmpty ? nil : nested(.effort)
    response = run.layout.response.isEmpty ? nil : nested(.response)
    let layout = run.layout
    func periods(_ kind: PeriodKind) -> [PeriodJSON] {
      layout.labels(kind).enumerated().map { p, label in
        // Every period repeats the totals' layout: the same entries, shifted.
        func at(_ index: Int) -> SummaryJSON { SummaryJSON(run.summaries[layout.index(period: p, of: kind, metric: index)]) }
        var scenario: [String: SummaryJSON] = [:]
        var entities: [MetricGroup: [String: [String: SummaryJSON]]] = [:]
        for (index, entry) in layout.entries.enumerated() {
          if entry.group == .scenario { scenario[entry.metric] = at(index) } else { entities[entry.group, default: [:]][entry.entity, default: [:]][entry.metric] = at(index) }
        }
        return PeriodJSON(period: label, metrics: scenario, teams: entities[.team] ?? [:], segments: entities[.segment] ?? [:], pools: entities[.pool] ?? [:],
          people: layout.people.isEmpty ? nil : entities[.people] ?? [:])
      }
    }
    self.periods = layout.months.isEmpty ? nil : PeriodsJSON(months: periods(.month), quarters: periods(.quarter))
  }
}

/// `compare --format json`.
struct ComparisonJSON: Encodable, Sendable {
  /// A paired difference: its interval and the interval's level (the objective's adjusted for the
  /// family, every other 95%).
  struct Difference: Encodable, Sendable {
    let scenario, metric: String
    let mean, ci_low, ci_high: JSONNumber
    let ci_level: Double
    let relative: JSONNumber
    let significant: Bool
    let variance_reduction: JSONNumber
    let replications: Int
  }
  /// A team metric; null where a scenario lacks the team.
  struct TeamDifference: Encodable, Sendable {
    let scenario, team, metric: String
    let baseline_mean, variant_mean, mean, ci_low, ci_high: JSONNumber?
    let ci_level: Double
    let relative: JSONNumber?
    func encode(to encoder: any Encoder) throws {
      enum Key: String, CodingKey { case scenario, team, metric, baseline_mean, variant_mean, mean, ci_low, ci_high, ci_level, relative }
      var container = encoder.container(keyedBy: Key.self)
      try container.encode(scenario, forKey: .scenario)
      try container.encode(team, forKey: .team)
      try container.encode(metric, forKey: .metric)
      for (key, value) in [(Key.baseline_mean, baseline_mean), (.variant_mean, variant_mean), (.mean, mean), (.ci_low, ci_low), (.ci_high, ci_high)] {
        try container.encode(value, forKey: key)
      }
      try container.encode(ci_level, forKey: .ci_level)
      try container.encode(relative, forKey: .relative)
    }
  }
  /// The confirmatory family: the objective's differences, adjusted together.
  struct Family: Encodable, Sendable {
    let metric: String
    let adjustment: String
    let comparisons: Int
    let ci_level: Double
    let family_level: Double
  }
  struct Rank: Encodable, Sendable {
    let scenario: String
    let mean: JSONNumber
    let rank: Int
    let tied_with: [String]
  }
  let baseline: String
  let scenarios: [RunJSON]
  let differences: [Difference]
  let team_differences: [TeamDifference]?
  let family: Family
  let objective: String
  let ranking: [Rank]
  let ranking_ci_level: Double
  let note: String?

  init(_ c: Comparison, note: String?) {
    baseline = c.baseline.scenario
    scenarios = ([c.baseline] + c.variants).map(RunJSON.init)
    var differences: [Difference] = []
    for (variant, row) in zip(c.variants, c.differences) {
      for (metric, d) in zip(c.metrics, row) {
        differences.append(
          Difference(
            scenario: variant.scenario, metric: metric, mean: JSONNumber(d.mean), ci_low: JSONNumber(d.ciLow), ci_high: JSONNumber(d.ciHigh),
            ci_level: d.confidence, relative: JSONNumber(d.relative), significant: d.isSignificant, variance_reduction: JSONNumber(d.varianceReduction),
            replications: d.count))
      }
    }
    self.differences = differences
    var teams: [TeamDifference] = []
    for (variant, rows) in zip(c.variants, c.teamDifferences) {
      for row in rows {
        let d = row.difference
        teams.append(
          TeamDifference(
            scenario: variant.scenario, team: row.team, metric: row.metric, baseline_mean: row.baseline.map { JSONNumber($0.mean) },
            variant_mean: row.variant.map { JSONNumber($0.mean) }, mean: d.map { JSONNumber($0.mean) }, ci_low: d.map { JSONNumber($0.ciLow) },
            ci_high: d.map { JSONNumber($0.ciHigh) }, ci_level: Comparison.unadjustedConfidence, relative: d.map { JSONNumber($0.relative) }))
      }
    }
    team_differences = teams.isEmpty ? nil : teams
    family = Family(
      metric: c.objective.name, adjustment: c.variants.count > 1 ? c.family.adjustment.rawValue : "none", comparisons: c.family.comparisons,
      ci_level: c.confidence, family_level: ComparisonFamily.familyConfidence)
    objective = c.objective.name
    ranking = c.ranking.map { Rank(scenario: $0.scenario, mean: JSONNumber($0.mean), rank: $0.rank, tied_with: $0.tiedWith) }
    ranking_ci_level = c.rankingConfidence
    self.note = note
  }
}
