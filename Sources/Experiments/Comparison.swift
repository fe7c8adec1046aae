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
  /// Confidence of each difference interval: 95%, Bonferroni-adjusted to 1 - 0.05/k for k variants.
  public let confidence: Double
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

  /// The paired differences of every variant from the baseline on `metrics` (and, with `teams`,
  /// on every team metric), at 95% or Bonferroni-adjusted for several variants.
  public init(baseline: SimulationResults, variants: [SimulationResults], metrics: [String], objective: Objective, teams: Bool) {
    self.baseline = RunSummary(baseline)
    self.variants = variants.map(RunSummary.init)
    self.metrics = metrics
    self.objective = objective
    let confidence = PairedDifference.bonferroniConfidence(comparisons: variants.count)
    self.confidence = confidence
    differences = variants.map { variant in
      metrics.compactMap { metric in
        guard let a = baseline.layout.index(ofScenarioMetric: metric), let b = variant.layout.index(ofScenarioMetric: metric) else { return nil }
        return PairedDifference(baseline: baseline.column(a), variant: variant.column(b), confidence: confidence)
      }
    }
    let objectiveColumns = (baseline.layout.index(ofScenarioMetric: objective.name), variants.map { $0.layout.index(ofScenarioMetric: objective.name) })
    skewedObjective = zip(variants, objectiveColumns.1).map { variant, column in
      guard let a = objectiveColumns.0, let column else { return nil }
      return SkewedDifference(baseline: baseline.column(a), variant: variant.column(column), confidence: confidence)
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
          if let a, let b { difference = PairedDifference(baseline: baseline.column(a), variant: variant.column(b), confidence: confidence) }
          return TeamDifference(
            team: team, metric: metric, baseline: a.map { base.summaries[$0] }, variant: b.map { variantSummary.summaries[$0] }, difference: difference)
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

  /// Scenarios from best to worst on the objective.
  public var ranking: [(scenario: String, mean: Double)] {
    let all = [baseline] + variants
    let means = all.map { $0.summary(objective.name)?.mean ?? .nan }
    return PairedDifference.ranking(means, lowerIsBetter: !objective.largerIsBetter).map { (all[$0].scenario, means[$0]) }
  }
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
  public let robust: BootstrapTInterval

  /// nil when the differences pass the rule.
  public init?(baseline: [Double], variant: [Double], confidence: Double) {
    let differences = zip(baseline, variant).compactMap { x, y in x.isFinite && y.isFinite ? y - x : nil }
    let check = SkewnessCheck(differences)
    guard !check.isReliable, differences.count >= 2 else { return nil }
    self.check = check
    robust = BootstrapTInterval(differences, confidence: confidence)
  }
}
