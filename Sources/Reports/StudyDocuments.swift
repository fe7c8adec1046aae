import Charts
import Experiments
import Foundation

// The reports of the studies in Experiments, each from its outcome value alone.

extension SelectionReport {
  /// A selection's setting and designs as the report shows them; `reference` names what a share
  /// δ was taken of.
  static func parts(_ outcome: SelectionOutcome, reference: String) -> (setting: Setting, designs: [Design]) {
    let result = outcome.result
    let designs = outcome.names.indices.map { i in
      Design(
        name: outcome.names[i], mean: result.means[i], used: result.used[i],
        status: result.chosen == i ? .selected : result.survivors.contains(i) ? .contender : .eliminated, interval: result.tally.interval(i),
        fromSelected: result.chosen.flatMap { $0 == i ? nil : result.tally.difference(i, from: $0) })
    }
    let setting = Setting(
      objective: outcome.objective.name, largerIsBetter: outcome.objective.largerIsBetter, delta: outcome.delta,
      deltaText: outcome.zone.share.map { String(format: "%g%%", $0 * 100) + " of " + reference } ?? "given", confidence: outcome.procedure.confidence,
      firstStage: outcome.procedure.firstStage, maximum: outcome.procedure.maximum, stages: result.stages, simulated: outcome.simulated,
      fixedSample: result.fixedSample, seed: outcome.seed, ratio: result.tally.ratio)
    return (setting, designs)
  }

  /// What δ of `cccm select` is a share of.
  static let baselineReference = "the baseline's first-stage mean"

  /// `cccm select`'s report.
  public static func document(for outcome: SelectionOutcome) -> ReportDocument {
    let (setting, designs) = parts(outcome, reference: baselineReference)
    return document(setting: setting, designs: designs)
  }
}

extension AllocationReport {
  /// What δ of the final selection is a share of.
  static let greedyReference = "the greedy allocation's mean"

  /// `cccm allocate`'s report: the steps, the allocation chosen and the final selection.
  public static func document(for outcome: AllocationOutcome) -> ReportDocument {
    let (setting, designs) = SelectionReport.parts(outcome.selection, reference: greedyReference)
    let slots = outcome.allocation.slots
    let chosen = outcome.chosen
    let places = slots.indices.map { Place(path: slots[$0].path, today: slots[$0].base, added: chosen[$0]) }
    return document(
      objective: outcome.objective.name, budget: outcome.budget, replications: outcome.replications, seed: outcome.seed, steps: steps(outcome),
      allocation: places,
      chosen: outcome.allocation.label(chosen) + (outcome.selected ? "" : " (the best mean among those that could still be best)"),
      selection: SelectionReport.document(setting: setting, designs: designs))
  }

  static func steps(_ outcome: AllocationOutcome) -> [Step] {
    outcome.steps.map { Step(path: $0.path, objectiveAfter: $0.objectiveAfter, gain: $0.gain, runnerUp: $0.runnerUp) }
  }
}

extension GlobalSensitivityReport {
  /// `cccm sensitivity --method morris|sobol`'s report and its chart.
  public static func document(for outcome: GlobalSensitivityOutcome) -> (document: ReportDocument, chart: any Chart) {
    let setting = Setting(
      objective: outcome.objective.name, points: outcome.points, replications: outcome.replications, seed: outcome.seed, baseMean: outcome.baseMean)
    let factors = outcome.ranges.map { Factor(path: $0.path, low: $0.low, high: $0.high, whole: $0.isWhole) }
    switch outcome.estimate {
    case .morris(let trajectories, let levels, let effects):
      let rows = zip(factors, effects).map {
        MorrisRow(factor: $0, muStar: $1.muStar, muStarSE: $1.muStarSE, mu: $1.mu, sigma: $1.sigma, effects: $1.effects.count)
      }
      return (morris(setting: setting, rows: rows, trajectories: trajectories, levels: levels), ReportCharts.morris(setting: setting, rows: rows))
    case .sobol(let samples, let bootstrap, let estimate):
      let rows = zip(factors, estimate.indices).map {
        SobolRow(factor: $0, first: $1.first, firstLow: $1.firstLow, firstHigh: $1.firstHigh, total: $1.total, totalLow: $1.totalLow, totalHigh: $1.totalHigh)
      }
      return (
        sobol(setting: setting, rows: rows, samples: samples, bootstrap: bootstrap, variance: estimate.variance), ReportCharts.sobol(setting: setting, rows: rows)
      )
    }
  }
}

extension ReportCharts {
  /// `cccm select`'s charts.
  public static func selection(_ outcome: SelectionOutcome) -> [any Chart] {
    let (setting, designs) = SelectionReport.parts(outcome, reference: SelectionReport.baselineReference)
    return selection(setting: setting, designs: designs)
  }

  /// `cccm allocate`'s charts: the steps, then the finalists' selection.
  public static func allocation(_ outcome: AllocationOutcome) -> [any Chart] {
    let (setting, designs) = SelectionReport.parts(outcome.selection, reference: AllocationReport.greedyReference)
    return [allocation(objective: outcome.objective.name, steps: AllocationReport.steps(outcome))]
      + selection(setting: setting, designs: designs, idPrefix: "finalists-")
  }
}
