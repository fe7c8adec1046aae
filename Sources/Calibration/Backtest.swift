import Foundation

/// A back-test's scores: each month's (and team-month's) predicted distribution of new
/// opportunities, wins, losses and bookings (a simulation's replications) against what happened
/// (`Actuals`). Built from predicted samples, so it does not depend on how they were simulated.
public struct BacktestScore: Sendable {
  /// The quantities scored, as `Actuals` counts them.
  public static let quantities = ["engaged", "won", "lost", "bookings"]
  public static let levels = [0.5, 0.8, 0.95]

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
  }

  public struct Summary: Sendable {
    public var quantity: String
    public var cells: Int
    /// Covered cells at 50, 80 and 95%, and the range a calibrated forecast gives 95% of the time.
    public var coverage: [(covered: Int, total: Int, expected: ClosedRange<Double>)]
    public var pitHistogram: [Int]
    public var meanCRPS: Double
    /// Cells whose actual is above the predicted median, of all.
    public var aboveMedian: Int
    /// "calibrated", "too narrow" or "too wide" (from the 80% coverage), with "biased high" or
    /// "biased low" when more than three quarters of the actuals fall below or above the median.
    public var verdict: String
  }

  public var cells: [Cell] = []
  public var summaries: [Summary] = []

  /// Scores `predicted` (month -> quantity -> samples, and optionally team too) against `actuals`.
  /// A month or team without actuals counts as zero of everything.
  public init(predicted: [String: [String: [Double]]], teamPredicted: [String: [String: [String: [Double]]]] = [:], actuals: Actuals) {
    func value(_ m: Actuals.Month?, _ quantity: String) -> Double {
      guard let m else { return 0 }
      switch quantity {
      case "engaged": return Double(m.engaged)
      case "won": return Double(m.won)
      case "lost": return Double(m.lost)
      default: return m.bookings
      }
    }
    func cell(_ month: String, _ team: String?, _ quantity: String, _ samples: [Double], _ actual: Double) -> Cell {
      Cell(
        month: month, team: team, quantity: quantity, actual: actual, median: ForecastScore.interval(samples, level: 0).lowerBound,
        intervals: Self.levels.map { ForecastScore.interval(samples, level: $0) }, pit: ForecastScore.pit(samples, actual: actual),
        crps: ForecastScore.crps(samples, actual: actual))
    }
    for month in predicted.keys.sorted() {
      let actual = actuals.months.first { $0.month == month }
      for quantity in Self.quantities {
        guard let samples = predicted[month]?[quantity], !samples.isEmpty else { continue }
        cells.append(cell(month, nil, quantity, samples, value(actual, quantity)))
      }
    }
    for month in teamPredicted.keys.sorted() {
      for team in (teamPredicted[month] ?? [:]).keys.sorted() {
        let actual = actuals.teamMonths.first { $0.month == month && $0.team == team }
        for quantity in Self.quantities {
          guard let samples = teamPredicted[month]?[team]?[quantity], !samples.isEmpty else { continue }
          cells.append(cell(month, team, quantity, samples, value(actual, quantity)))
        }
      }
    }
    for quantity in Self.quantities {
      let mine = cells.filter { $0.quantity == quantity }
      guard !mine.isEmpty else { continue }
      let coverage = Self.levels.enumerated().map { i, level in
        let covered = mine.filter { $0.intervals[i].contains($0.actual) }.count
        let n = Double(mine.count)
        let spread = 1.96 * (n * level * (1 - level)).squareRoot() + 0.5
        return (covered, mine.count, max(0, level * n - spread)...min(n, level * n + spread))
      }
      let above = mine.filter { $0.actual > $0.median }.count
      var verdict = ForecastScore.verdict(coverage[1])
      if Double(above) > 0.75 * Double(mine.count) { verdict += ", biased low (actuals above the median)" }
      if Double(mine.filter({ $0.actual < $0.median }).count) > 0.75 * Double(mine.count) { verdict += ", biased high (actuals below the median)" }
      summaries.append(
        Summary(
          quantity: quantity, cells: mine.count, coverage: coverage, pitHistogram: ForecastScore.histogram(mine.map(\.pit)),
          meanCRPS: mine.map(\.crps).reduce(0, +) / Double(mine.count), aboveMedian: above, verdict: verdict))
    }
  }
}
