import Estimation
import Foundation
import Simulation

/// Summaries of every metric of one run, by the run's metric layout.
public struct RunSummary: Sendable {
  public let scenario: String
  public let seed: UInt64
  public let replications: Int
  public let layout: MetricLayout
  public let summaries: [Summary]

  public init(_ results: SimulationResults) {
    scenario = results.scenario
    seed = results.seed
    replications = results.replications
    layout = results.layout
    summaries = (0..<results.layout.count).map(results.summary)
  }

  public func summary(_ metric: String) -> Summary? {
    layout.index(ofScenarioMetric: metric).map { summaries[$0] }
  }

  /// Summaries of one group, by entity then metric, in layout order.
  public func group(_ group: MetricGroup) -> [(entity: String, metrics: [(String, Summary)])] {
    var result: [(entity: String, metrics: [(String, Summary)])] = []
    for (index, entry) in layout.entries.enumerated() where entry.group == group {
      if result.last?.entity == entry.entity { result[result.count - 1].metrics.append((entry.metric, summaries[index])) } else {
        result.append((entry.entity, [(entry.metric, summaries[index])]))
      }
    }
    return result
  }
}


/// A baseline and its variants, run on common random numbers, with paired differences.
public struct Comparison: Sendable {
  public let baseline: RunSummary
  public let variants: [RunSummary]
  /// Scenario-level metrics compared, in table order.
  public let metrics: [String]
  /// differences[v][m]: variant v minus baseline on metrics[m].
  public let differences: [[PairedDifference]]
  /// Every team of any scenario, in order of first appearance (baseline, then the variants); empty
  /// unless asked for.
  public let teamNames: [String]
  /// teamDifferences[v]: a row per team of `teams` and team metric, variant v against the baseline
  /// (empty unless asked for).
  public let teamDifferences: [[TeamDifference]]
  /// The confirmatory family: the objective's difference of every variant, its intervals
  /// adjusted (Bonferroni or Dunnett) so that together they hold with 95%.
  public let family: ComparisonFamily
  /// The confidence of each interval of the family (95% for one variant).
  public var confidence: Double { family.confidence }
  public let objective: Objective
  /// Per variant, the objective's paired differences where their skewness makes the t-interval
  /// unreliable (`SkewnessCheck`), with a bootstrap-t interval at `confidence`; nil where it is fine.
  public let skewedObjective: [SkewedDifference?]

  public static let defaultMetrics = [
    "bookings", "credited_bookings", "wins", "win_rate", "blocked", "cycle_days_won", "presales_wait_mean", "cost", "efficiency",
    "contribution",
  ]

  /// Whether less of this metric is better, as the metric catalogue says.
  public static func lowerIsBetter(_ metric: String) -> Bool {
    MetricDescriptor.named(metric)?.direction == .lowerIsBetter
  }

  /// The confidence of an interval outside the family (other metrics, team metrics): 95%, unadjusted.
  public static let unadjustedConfidence = 0.95

  /// The paired differences of every variant from the baseline on `metrics` (and, with `teams`,
  /// on every team metric). The objective's intervals are the confirmatory family, adjusted by
  /// `adjustment` for several variants; every other interval is 95% on its own.
  public init(
    baseline: SimulationResults, variants: [SimulationResults], metrics: [String], objective: Objective, teams: Bool,
    adjustment: FamilyAdjustment = .bonferroni
  ) {
    self.baseline = RunSummary(baseline)
    self.variants = variants.map(RunSummary.init)
    self.metrics = metrics
    self.objective = objective
    let objectiveColumns = (baseline.layout.index(ofScenarioMetric: objective.name), variants.map { $0.layout.index(ofScenarioMetric: objective.name) })
    let objectiveDifferences = zip(variants, objectiveColumns.1).map { variant, column -> [Double] in
      guard let a = objectiveColumns.0, let column else { return [] }
      return zip(baseline.estimationColumn(a), variant.estimationColumn(column)).map { $1 - $0 }
    }
    let family = ComparisonFamily(differences: objectiveDifferences, adjustment: adjustment)
    self.family = family
    differences = variants.map { variant in
      metrics.compactMap { metric in
        guard let a = baseline.layout.index(ofScenarioMetric: metric), let b = variant.layout.index(ofScenarioMetric: metric) else { return nil }
        let confidence = metric == objective.name ? family.confidence : Self.unadjustedConfidence
        return PairedDifference(baseline: baseline.estimationColumn(a), variant: variant.estimationColumn(b), confidence: confidence)
      }
    }
    let objectiveByScenario = ([objectiveColumns.0] + objectiveColumns.1).enumerated().map { index, column -> [Double] in
      guard let column else { return [] }
      return index == 0 ? baseline.estimationColumn(column) : variants[index - 1].estimationColumn(column)
    }
    ranking = Self.rank(scenarios: ([baseline] + variants).map(\.scenario), columns: objectiveByScenario, objective: objective)
    skewedObjective = zip(variants, objectiveColumns.1).map { variant, column in
      guard let a = objectiveColumns.0, let column else { return nil }
      return SkewedDifference(baseline: baseline.estimationColumn(a), variant: variant.estimationColumn(column), confidence: family.confidence)
    }
    // Teams (and their metrics) of all scenarios; a team only some scenarios have gets dashes in
    // the others, and a paired difference only where the baseline and the variant both have it.
    let all = [baseline] + variants
    let columns = all.map(Self.teamColumns)
    var names: [String] = []
    var teamMetrics: [String] = []
    for results in all where teams {
      for entry in results.layout.entries where entry.group == .team {
        if !names.contains(entry.entity) { names.append(entry.entity) }
        if !teamMetrics.contains(entry.metric) { teamMetrics.append(entry.metric) }
      }
    }
    teamNames = names
    let base = self.baseline
    teamDifferences = zip(zip(variants, self.variants), columns.dropFirst()).map { pair, variantColumns in
      let (variant, variantSummary) = pair
      return names.flatMap { team in
        teamMetrics.map { metric in
          let a = columns[0][team]?[metric]
          let b = variantColumns[team]?[metric]
          var difference: PairedDifference?
          if let a, let b {
            difference = PairedDifference(baseline: baseline.estimationColumn(a), variant: variant.estimationColumn(b), confidence: Self.unadjustedConfidence)
          }
          return TeamDifference(
            team: team, metric: metric, baseline: a.map { base.summaries[$0] }, variant: b.map { variantSummary.summaries[$0] }, difference: difference)
        }
      }
    }
  }

  /// The comparison of results kept as statistics (beyond the exact bound): `results` are the
  /// scenarios' (baseline first), `streamed` their paired statistics; the same tables as from
  /// rows, every interval from moments (no bootstrap for skewed differences).
  public init(
    results: [SimulationResults], streamed: StreamedComparison, metrics: [String], objective: Objective, teams: Bool,
    adjustment: FamilyAdjustment = .bonferroni
  ) {
    let summaries = results.map(RunSummary.init)
    baseline = summaries[0]
    variants = Array(summaries.dropFirst())
    self.metrics = metrics
    self.objective = objective
    let layout = results[0].layout
    let family = ComparisonFamily(
      correlation: streamed.familyCorrelation.correlation, complete: streamed.familyCorrelation.complete, comparisons: variants.count, adjustment: adjustment)
    self.family = family
    differences = variants.indices.map { v in
      metrics.compactMap { metric in
        guard let a = layout.index(ofScenarioMetric: metric) else { return nil }
        return streamed.difference(variant: v, column: a, confidence: metric == objective.name ? family.confidence : Self.unadjustedConfidence)
      }
    }
    let column = layout.index(ofScenarioMetric: objective.name)
    ranking = Self.rank(
      scenarios: summaries.map(\.scenario), means: summaries.map { s in column.map { s.summaries[$0].mean } ?? .nan }, objective: objective
    ) { i, j, confidence in streamed.rankingDifference(i, j, confidence: confidence) }
    skewedObjective = streamed.objectiveSkewness.map { SkewedDifference(check: $0) }
    var names: [String] = []
    var teamMetrics: [String] = []
    for results in results where teams {
      for entry in results.layout.entries where entry.group == .team {
        if !names.contains(entry.entity) { names.append(entry.entity) }
        if !teamMetrics.contains(entry.metric) { teamMetrics.append(entry.metric) }
      }
    }
    teamNames = names
    let columns = results.map(Self.teamColumns)
    teamDifferences = variants.indices.map { v in
      names.flatMap { team in
        teamMetrics.map { metric in
          let a = columns[0][team]?[metric]
          let b = columns[v + 1][team]?[metric]
          var difference: PairedDifference?
          if let a, b != nil { difference = streamed.difference(variant: v, column: a, confidence: Self.unadjustedConfidence) }
          return TeamDifference(
            team: team, metric: metric, baseline: a.map { summaries[0].summaries[$0] }, variant: b.map { summaries[v + 1].summaries[$0] }, difference: difference)
        }
      }
    }
  }

  /// Where each team metric is in a run's results: columns[team][metric].
  static func teamColumns(_ results: SimulationResults) -> [String: [String: Int]] {
    var columns: [String: [String: Int]] = [:]
    for (index, entry) in results.layout.entries.enumerated() where entry.group == .team {
      columns[entry.entity, default: [:]][entry.metric] = index
    }
    return columns
  }

  /// Scenarios from best to worst on the objective, with ties: `rank` is one more than the number
  /// of scenarios significantly better (`separatedPairs`), so scenarios no interval separates share
  /// a rank; `tiedWith` names those not separated from it.
  public let ranking: [RankedScenario]

  /// The confidence of each all-pairs interval behind the ranking: Bonferroni over the m pairs of
  /// the baseline and the variants (1 - 0.05/m), so that every separation holds together with 95%.
  public var rankingConfidence: Double { PairedDifference.bonferroniConfidence(comparisons: Self.pairs(all: variants.count + 1)) }

  /// The pairs among `all` scenarios.
  public static func pairs(all: Int) -> Int { all * (all - 1) / 2 }

  /// The ranking of `columns` (a scenario's objective by replication; baseline first) by their
  /// means, with every pair's paired interval at `confidence` deciding which are separated.
  static func rank(scenarios: [String], columns: [[Double]], objective: Objective) -> [RankedScenario] {
    rank(scenarios: scenarios, means: columns.map { Summary($0).mean }, objective: objective) { i, j, confidence in
      PairedDifference(baseline: columns[j], variant: columns[i], confidence: confidence)
    }
  }

  /// The ranking of scenarios with objective means `means` (baseline first); `difference(i, j,
  /// confidence)` is scenario i's paired difference from scenario j (j > i) at `confidence`.
  static func rank(scenarios: [String], means: [Double], objective: Objective, difference: (Int, Int, Double) -> PairedDifference) -> [RankedScenario] {
    let order = PairedDifference.ranking(means, lowerIsBetter: !objective.largerIsBetter)
    let confidence = PairedDifference.bonferroniConfidence(comparisons: pairs(all: means.count))
    // better[i][j]: scenario i is significantly better than j.
    var better = [[Bool]](repeating: [Bool](repeating: false, count: means.count), count: means.count)
    for i in means.indices {
      for j in means.indices where j > i {
        let d = difference(i, j, confidence)
        guard d.isSignificant else { continue }
        if (d.mean > 0) == objective.largerIsBetter { better[i][j] = true } else { better[j][i] = true }
      }
    }
    return order.map { i in
      let rank = 1 + means.indices.filter { better[$0][i] }.count
      let tied = order.filter { $0 != i && !better[$0][i] && !better[i][$0] }.map { scenarios[$0] }
      return RankedScenario(scenario: scenarios[i], mean: means[i], rank: rank, tiedWith: tied)
    }
  }
}

/// A scenario's place in a comparison's ranking on the objective.
public struct RankedScenario: Sendable, Equatable {
  public let scenario: String
  public let mean: Double
  /// One more than the number of scenarios significantly better than this one.
  public let rank: Int
  /// The scenarios that no interval separates from this one, best first.
  public let tiedWith: [String]
}

/// One team metric of a variant against the baseline (`--teams`). A side is nil where that scenario
/// has no such team, and then there is no difference.
public struct TeamDifference: Sendable {
  public let team: String
  public let metric: String
  public let baseline: Summary?
  public let variant: Summary?
  public let difference: PairedDifference?
}

/// A paired difference whose per-replication values are too skewed for the t-interval to be
/// trusted at this many replications (Cochran's rule, `SkewnessCheck`), with the bootstrap-t
/// interval that follows the skew.
public struct SkewedDifference: Sendable {
  public let check: SkewnessCheck
  /// nil beyond the exact bound, where the rows a bootstrap resamples are not kept.
  public let robust: BootstrapTInterval?

  /// nil when the differences pass the rule.
  public init?(baseline: [Double], variant: [Double], confidence: Double) {
    let differences = zip(baseline, variant).compactMap { x, y in x.isFinite && y.isFinite ? y - x : nil }
    let check = SkewnessCheck(differences)
    guard !check.isReliable, differences.count >= 2 else { return nil }
    self.check = check
    robust = BootstrapTInterval(differences, confidence: confidence)
  }

  /// The check of differences kept as moments (beyond the exact bound): nil when they pass the
  /// rule; else the warning without a bootstrap interval.
  public init?(moments: SkewMoments) {
    let check = moments.skewnessCheck
    guard !check.isReliable, check.count >= 2 else { return nil }
    self.check = check
    robust = nil
  }
}
