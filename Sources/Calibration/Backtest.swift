import Foundation
import Randomness

/// A back-test's scores: each month's (and team-month's) predicted distribution of new
/// opportunities, wins, losses and bookings (a simulation's replications) against what happened
/// (`Actuals`), beside the naive forecasts made from the same history (`NaiveForecast`). Built
/// from predicted samples, so it does not depend on how they were simulated.
public struct BacktestScore: Sendable {
  /// The quantities scored, as `Actuals` counts them.
  public static let quantities = ["engaged", "won", "lost", "bookings"]
  public static let levels = [0.5, 0.8, 0.95]
  /// The normal quantile of the PIT mean's test: 5% over the verdict's four tests (three interval
  /// levels and the PIT's mean; Bonferroni), so a calibrated forecast is called calibrated 95% of
  /// the time.
  public static let verdictZ = 2.5
  /// The size of each of the verdict's four tests (5% over four, Bonferroni); a level's coverage
  /// test is two-sided, `verdictAlpha / 2` in each binomial tail.
  public static let verdictAlpha = 0.05 / 4
  /// The month label of a cell that totals the window (all its months).
  public static let total = "total"

  public struct Cell: Sendable {
    public var month: String
    public var team: String?
    public var quantity: String
    public var actual: Double
    public var median: Double
    /// The 50%, 80% and 95% prediction intervals.
    public var intervals: [ClosedRange<Double>]
    public var pit: Double
    public var crps: Double
    /// The pipeline forecast's median, 95% interval and CRPS, where there is one.
    public var naiveMedian: Double?
    public var naiveInterval: ClosedRange<Double>?
    public var naiveCRPS: Double?
    /// The seasonal naive value and its absolute error (its CRPS, a point forecast's), where the
    /// history has the month it repeats.
    public var seasonal: Double?
    public var seasonalError: Double?
  }

  /// Coverage of one interval level: covered cells of all, tested against Binomial(total, level),
  /// what a calibrated forecast's count is when the cells are independent (the company's months).
  public struct Coverage: Sendable {
    public var covered: Int
    public var total: Int
    public var level: Double
    /// The counts a calibrated forecast gives, both binomial tails at least `alpha / 2` beyond them.
    public var expected: ClosedRange<Double>
    /// P(X <= covered) and P(X >= covered) for X ~ Binomial(total, level): the p-values of "too
    /// narrow" (too few covered) and "too wide" (too many).
    public var belowP: Double
    public var aboveP: Double
    public var tooNarrow: Bool
    public var tooWide: Bool

    public init(covered: Int, total: Int, level: Double, alpha: Double = BacktestScore.verdictAlpha) {
      self.covered = covered
      self.total = total
      self.level = level
      func below(_ k: Int) -> Double { Probability.binomialCDF(k, p: level, trials: total) }
      func above(_ k: Int) -> Double { 1 - below(k - 1) }
      belowP = below(covered)
      aboveP = above(covered)
      tooNarrow = belowP < alpha / 2
      tooWide = aboveP < alpha / 2
      let low = (0...total).first { below($0) >= alpha / 2 } ?? 0
      let high = (0...total).last { above($0) >= alpha / 2 } ?? total
      expected = Double(low)...Double(high)
    }

    /// "95% (15 of 21, binomial p 0.0004)": the level, the count and the failing tail's p (below
    /// 0.0001 in two significant digits, "4.8e-07").
    public var failure: String {
      let p = tooNarrow ? belowP : aboveP
      return "\(Int((level * 100).rounded()))% (\(covered) of \(total), binomial p \(String(format: p < 0.0001 ? "%.2g" : "%.4f", p)))"
    }
  }

  /// Skill of the model against a benchmark over a set of cells: 1 - sum CRPS_model / sum CRPS_benchmark
  /// (positive when the model is closer), over the cells where the benchmark has a forecast.
  public struct Skill: Sendable {
    public var cells: Int
    public var model: Double
    public var benchmark: Double
    public var skill: Double { benchmark > 0 ? 1 - model / benchmark : .nan }

    public init(_ pairs: [(model: Double, benchmark: Double?)]) {
      let kept = pairs.compactMap { p in p.benchmark.map { (p.model, $0) } }
      cells = kept.count
      model = kept.isEmpty ? .nan : kept.map(\.0).reduce(0, +) / Double(kept.count)
      benchmark = kept.isEmpty ? .nan : kept.map(\.1).reduce(0, +) / Double(kept.count)
    }
  }

  public struct Summary: Sendable {
    public var quantity: String
    /// The cells counted as evidence: the company's (all teams') months. The teams' months add up
    /// to them and share each month's shocks (seasons, dispersion, the quarter end), so they are not
    /// independent evidence: counting them would judge one month several times.
    public var cells: Int
    /// Covered evidence cells at 50, 80 and 95%.
    public var coverage: [Coverage]
    /// Covered team-months at 50, 80 and 95%: shown, not counted as evidence (empty without teams).
    public var teamCoverage: [Coverage]
    public var pitHistogram: [Int]
    public var pitMean: Double
    /// Mean CRPS over the company's months.
    public var meanCRPS: Double
    /// Evidence cells whose actual is above the predicted median, of all.
    public var aboveMedian: Int
    /// "calibrated", "too narrow", "too wide" or "too narrow and too wide" (from the coverage at
    /// every level), with "biased high" or "biased low" from the PIT's mean.
    public var verdict: String
    /// Skill against the pipeline forecast and the seasonal naive one: the company's months and the
    /// window's total.
    public var naiveSkill: Skill
    public var seasonalSkill: Skill
    public var totalNaiveSkill: Skill
  }

  public var cells: [Cell] = []
  /// The window's total per quantity, all teams then per team (month `BacktestScore.total`).
  public var totals: [Cell] = []
  public var summaries: [Summary] = []

  /// Scores `predicted` (month -> quantity -> samples, and optionally team too; a sample index is
  /// a replication in every month) against `actuals`, beside `naive`. A month or team without
  /// actuals counts as zero of everything.
  public init(
    predicted: [String: [String: [Double]]], teamPredicted: [String: [String: [String: [Double]]]] = [:], actuals: Actuals, naive: NaiveForecast? = nil
  ) {
    func value(_ m: Actuals.Month?, _ quantity: String) -> Double {
      guard let m else { return 0 }
      switch quantity {
      case "engaged": return Double(m.engaged)
      case "won": return Double(m.won)
      case "lost": return Double(m.lost)
      default: return m.bookings
      }
    }
    func cell(_ month: String, _ team: String?, _ quantity: String, _ samples: [Double], _ actual: Double, naive: [Double]?, seasonal: Double?) -> Cell {
      Cell(
        month: month, team: team, quantity: quantity, actual: actual, median: ForecastScore.interval(samples, level: 0).lowerBound,
        intervals: Self.levels.map { ForecastScore.interval(samples, level: $0) }, pit: ForecastScore.pit(samples, actual: actual),
        crps: ForecastScore.crps(samples, actual: actual), naiveMedian: naive.map { ForecastScore.interval($0, level: 0).lowerBound },
        naiveInterval: naive.map { ForecastScore.interval($0, level: 0.95) }, naiveCRPS: naive.map { ForecastScore.crps($0, actual: actual) },
        seasonal: seasonal, seasonalError: seasonal.map { abs($0 - actual) })
    }
    func sum(_ a: [Double]?, _ b: [Double]?) -> [Double]? {
      guard let b else { return a }
      guard let a else { return b }
      return a.count == b.count ? zip(a, b).map(+) : nil
    }
    // One series (all teams, or one team) of a quantity: its month cells, then its window total
    // (the naive totals only where every month has one).
    func series(_ team: String?, _ quantity: String, months: [String], samples: (String) -> [Double]?, actual: (String) -> Actuals.Month?) {
      var total: (samples: [Double]?, naive: [Double]?, seasonal: Double?, actual: Double) = (nil, nil, 0, 0)
      var complete = (naive: true, seasonal: true)
      for month in months {
        guard let samples = samples(month), !samples.isEmpty else { continue }
        let a = actual(month)
        let n = team.map { naive?.teamPredicted[month]?[$0]?[quantity] } ?? naive?.predicted[month]?[quantity]
        let s = team.map { naive?.teamSeasonal[month]?[$0]?[quantity] } ?? naive?.seasonal[month]?[quantity]
        cells.append(cell(month, team, quantity, samples, value(a, quantity), naive: n, seasonal: s))
        total.samples = sum(total.samples, samples)
        total.naive = sum(total.naive, n)
        if n == nil { complete.naive = false }
        if let s { total.seasonal = (total.seasonal ?? 0) + s } else { complete.seasonal = false }
        total.actual += value(a, quantity)
      }
      if let samples = total.samples {
        totals.append(cell(Self.total, team, quantity, samples, total.actual, naive: complete.naive ? total.naive : nil, seasonal: complete.seasonal ? total.seasonal : nil))
      }
    }
    for quantity in Self.quantities {
      series(nil, quantity, months: predicted.keys.sorted(), samples: { predicted[$0]?[quantity] }, actual: { m in actuals.months.first { $0.month == m } })
    }
    let teams = Set(teamPredicted.values.flatMap(\.keys)).sorted()
    for team in teams {
      for quantity in Self.quantities {
        series(
          team, quantity, months: teamPredicted.keys.sorted(), samples: { teamPredicted[$0]?[team]?[quantity] },
          actual: { m in actuals.teamMonths.first { $0.month == m && $0.team == team } })
      }
    }
    // All teams' cells first, then the teams', month by month (team by team within a month).
    cells.sort { a, b in
      if (a.team == nil) != (b.team == nil) { return a.team == nil }
      if a.month != b.month { return a.month < b.month }
      if (a.team ?? "") != (b.team ?? "") { return (a.team ?? "") < (b.team ?? "") }
      return (Self.quantities.firstIndex(of: a.quantity) ?? 0) < (Self.quantities.firstIndex(of: b.quantity) ?? 0)
    }
    for quantity in Self.quantities {
      let company = cells.filter { $0.quantity == quantity && $0.team == nil }
      let teamCells = cells.filter { $0.quantity == quantity && $0.team != nil }
      guard !company.isEmpty else { continue }
      summaries.append(Self.summary(quantity, company: company, teams: teamCells, totals: totals.filter { $0.quantity == quantity && $0.team == nil }))
    }
  }

  /// The summary of a quantity's company months (the evidence), with its team-months shown beside
  /// them and skill on the window totals `totals`.
  public static func summary(_ quantity: String, company: [Cell], teams: [Cell], totals: [Cell]) -> Summary {
    let judged = judge(company)
    return Summary(
      quantity: quantity, cells: company.count, coverage: judged.coverage, teamCoverage: teams.isEmpty ? [] : coverage(teams),
      pitHistogram: ForecastScore.histogram(company.map(\.pit)), pitMean: judged.pitMean,
      meanCRPS: company.isEmpty ? .nan : company.map(\.crps).reduce(0, +) / Double(company.count), aboveMedian: company.filter { $0.actual > $0.median }.count,
      verdict: judged.verdict, naiveSkill: Skill(company.map { ($0.crps, $0.naiveCRPS) }), seasonalSkill: Skill(company.map { ($0.crps, $0.seasonalError) }),
      totalNaiveSkill: Skill(totals.map { ($0.crps, $0.naiveCRPS) }))
  }

  /// The coverage of `cells` at each level.
  public static func coverage(_ cells: [Cell]) -> [Coverage] {
    levels.enumerated().map { i, level in Coverage(covered: cells.filter { $0.intervals[i].contains($0.actual) }.count, total: cells.count, level: level) }
  }

  /// A verdict from the coverage at every level and the PIT's mean: "too narrow at 95% (15 of 21,
  /// binomial p 0.0004)" naming each level whose binomial test finds too few cells covered, "too
  /// wide at ..." too many (both when levels disagree), "calibrated" when no level fails;
  /// "biased low (actuals above the median)" when the mean PIT is above 1/2 by more than
  /// `verdictZ` standard errors (sqrt(1 / (12 n)) for uniform PITs), "biased high" below.
  public static func judge(_ cells: [Cell]) -> (coverage: [Coverage], pitMean: Double, verdict: String) {
    let coverage = coverage(cells)
    func failing(_ fails: (Coverage) -> Bool) -> String? {
      let levels = coverage.filter(fails).map(\.failure)
      return levels.isEmpty ? nil : levels.joined(separator: " and ")
    }
    let parts = [failing(\.tooNarrow).map { "too narrow at " + $0 }, failing(\.tooWide).map { "too wide at " + $0 }].compactMap { $0 }
    var verdict = parts.isEmpty ? "calibrated" : parts.joined(separator: "; ")
    let pits = cells.map(\.pit).filter(\.isFinite)
    let mean = pits.isEmpty ? .nan : pits.reduce(0, +) / Double(pits.count)
    let bound = verdictZ * (1 / (12 * Double(max(pits.count, 1)))).squareRoot()
    if mean > 0.5 + bound { verdict += ", biased low (actuals above the median)" }
    if mean < 0.5 - bound { verdict += ", biased high (actuals below the median)" }
    return (coverage, mean, verdict)
  }
}
