import CoverageModel
import Foundation
import ScenarioFiles
import Simulation

/// A back-test (`cccm backtest`): fit on the history up to a cut-off A, start from the deals open
/// at A, simulate to B, and score the prediction against what happened between them. The fit sees
/// nothing after A (`Calibrator.fit`); the rows after A are read only as the actuals.
public struct Backtest: Sendable {
  public var fit: FitResult
  /// The fitted scenario as simulated: day 0 the day after A, horizon through B, no warm-up, the
  /// open deals as its pipeline.
  public var scenario: Scenario
  public var pipeline: OpenPipeline
  public var actuals: Actuals
  /// The naive forecasts from the same history, scored beside the model.
  public var naive: NaiveForecast
  public var score: BacktestScore
  /// Month label -> quantity -> one value per replication (all teams together).
  public var predicted: [String: [String: [Double]]]
  public var months: [String]
  public var from: Day
  public var through: Day
  public var replications: Int
  public var seed: UInt64
  /// The parameter sets drawn per replication (0: the point estimates in every replication).
  public var resamples = 0

  /// Fits `export` up to `until`, simulates `replications` replications from `until + 1` through
  /// `through` and scores them against the export's actuals over those days. With `resamples` K
  /// above 0 the run is predictive: each replication draws one of K parameter sets fitted on
  /// bootstrap resamples (`FitResamples`, from the mapping's seed).
  public static func run(
    _ export: Export, mapping: Mapping, mappingFile: String, until: Day, through: Day, since: Day? = nil, replications: Int, seed: UInt64, threads: Int = 0,
    resamples: Int = 0
  ) throws(CalibrationError) -> Backtest {
    let fitted = try FittedScenario.fit(export, mapping: mapping, mappingFile: mappingFile, until: until, since: since)
    let (fit, open) = (fitted.fit, fitted.pipeline)
    var scenario = fitted.scenario
    let from = until.advanced(by: 1)
    scenario.warmupDays = 0
    scenario.horizonDays = Double(from.distance(to: through) + 1)
    scenario.pipeline = open.deals.enumerated().map { i, d in
      PipelineDeal(
        id: d.id, segment: d.segment, account: d.account ?? "", team: d.team, stage: d.stage, daysInStage: Double(d.daysInStage), dealSize: d.dealSize,
        solution: d.solution, row: i + 2)
    }
    if resamples > 0 {
      scenario.parameterSets = try FitResamples.sets(
        export, mapping: mapping, mappingFile: mappingFile, until: until, since: since, base: scenario, count: resamples, seed: mapping.seed)
    }
    let traces = Simulator(scenario: scenario).traces(replications: 0..<replications, seed: seed, threads: threads)
    let (predicted, teamPredicted, months) = Self.tally(traces, scenario: scenario, from: from)
    let actuals = Actuals(export.opportunities, from: from, through: through)
    let naive = NaiveForecast(export, fit: fit, pipeline: open, through: through, samples: replications, seed: seed)
    let score = BacktestScore(predicted: predicted, teamPredicted: teamPredicted, actuals: actuals, naive: naive)
    return Backtest(
      fit: fit, scenario: scenario, pipeline: open, actuals: actuals, naive: naive, score: score, predicted: predicted, months: months, from: from, through: through,
      replications: replications, seed: seed, resamples: resamples)
  }

  /// Per replication, each month's (and team-month's) new opportunities (engaged in the month; the
  /// pipeline's deals are not new), wins, losses and bookings (by close month): one value per
  /// replication in every cell, zeros included.
  static func tally(_ traces: [[TracedOpportunity]], scenario: Scenario, from: Day) -> (
    [String: [String: [Double]]], [String: [String: [String: [Double]]]], [String]
  ) {
    let days = Int(scenario.horizonDays)
    let months = Array(Set((0..<days).map { from.advanced(by: $0).monthLabel })).sorted()
    let monthIndex = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, $0) })
    let quantities = BacktestScore.quantities
    let n = traces.count
    let teams = scenario.teams.count
    // [month][team][quantity][replication]
    var values = [Double](repeating: 0, count: months.count * teams * quantities.count * n)
    func add(_ day: Double, team: Int, quantity: Int, replication: Int, _ amount: Double) {
      guard day >= 0, day < scenario.horizonDays, let m = monthIndex[from.advanced(by: Int(day.rounded(.down))).monthLabel] else { return }
      values[((m * teams + team) * quantities.count + quantity) * n + replication] += amount
    }
    for (r, trace) in traces.enumerated() {
      for o in trace {
        if o.pipelineRow < 0 { add(o.created, team: o.team, quantity: 0, replication: r, 1) }
        guard let closed = o.closed else { continue }
        switch o.outcome {
        case .won:
          add(closed, team: o.team, quantity: 1, replication: r, 1)
          add(closed, team: o.team, quantity: 3, replication: r, o.value)
        case .lost: add(closed, team: o.team, quantity: 2, replication: r, 1)
        case .open, .stale: break
        }
      }
    }
    var predicted: [String: [String: [Double]]] = [:]
    var teamPredicted: [String: [String: [String: [Double]]]] = [:]
    for (m, month) in months.enumerated() {
      for (q, quantity) in quantities.enumerated() {
        var total = [Double](repeating: 0, count: n)
        for t in 0..<teams {
          let start = ((m * teams + t) * quantities.count + q) * n
          let samples = Array(values[start..<(start + n)])
          for r in 0..<n { total[r] += samples[r] }
          if scenario.teams[t].kind.ownsAccounts { teamPredicted[month, default: [:]][scenario.teams[t].name, default: [:]][quantity] = samples }
        }
        predicted[month, default: [:]][quantity] = total
      }
    }
    return (predicted, teamPredicted, months)
  }
}

/// What `cccm backtest` runs: one back-test from a cut-off, or (`every` month) a rolling one from
/// every month-end cut-off. Loads the mapping (with the dynamics `dynamics` chooses, else the
/// mapping's `scenario.dynamics`, else all of them: on the shipped export every month-end cut-off of
/// 2017 scores better with them; docs/calibration.md) and the export, then runs.
public enum BacktestStudy: Sendable {
  case single(Backtest)
  case rolling(RollingBacktest)

  /// The settings of a run; `until` and `through` are required for a single back-test and bound
  /// the cut-offs of a rolling one.
  public struct Setting: Sendable {
    public var export: String
    public var mappingFile: String
    public var dynamics: String?
    public var until: Day?
    public var through: Day?
    public var rolling: Bool
    public var since: Day?
    public var horizonMonths: Int
    public var replications: Int
    public var seed: UInt64
    public var threads: Int
    public var resamples: Int

    public init(
      export: String, mappingFile: String, dynamics: String?, until: Day?, through: Day?, rolling: Bool, since: Day?, horizonMonths: Int, replications: Int,
      seed: UInt64, threads: Int, resamples: Int
    ) {
      (self.export, self.mappingFile, self.dynamics, self.until, self.through, self.rolling) = (export, mappingFile, dynamics, until, through, rolling)
      (self.since, self.horizonMonths, self.replications, self.seed, self.threads, self.resamples) = (since, horizonMonths, replications, seed, threads, resamples)
    }
  }

  public static func run(_ s: Setting) throws(CalibrationError) -> BacktestStudy {
    var mapping = try Mapping.load(path: s.mappingFile)
    mapping.chooseDynamics(s.dynamics)
    let data = try Export.load(path: s.export, mapping: mapping)
    if s.rolling {
      return .rolling(
        try RollingBacktest.run(
          data, mapping: mapping, mappingFile: s.mappingFile, earliest: s.until, latest: s.through, since: s.since, horizonMonths: s.horizonMonths,
          replications: s.replications, seed: s.seed, threads: s.threads, resamples: s.resamples))
    }
    guard let until = s.until, let through = s.through else { preconditionFailure("a single back-test needs --until and --through (the command checks them)") }
    return .single(
      try Backtest.run(
        data, mapping: mapping, mappingFile: s.mappingFile, until: until, through: through, since: s.since, replications: s.replications, seed: s.seed,
        threads: s.threads, resamples: s.resamples))
  }
}
