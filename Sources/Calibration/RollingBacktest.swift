import CoverageModel
import Foundation

/// A back-test from every month-end cut-off (`cccm backtest --every month`, rolling origin): each
/// cut-off A is fitted on what was known at A and forecasts the `horizonMonths` months after it,
/// and each horizon month (1, 2, 3 months ahead) is scored across the cut-offs.
public struct RollingBacktest: Sendable {
  /// One scored horizon: the company's cells `horizon` months after their cut-off, across cut-offs
  /// (0: every horizon), summarised as a back-test's quantity is.
  public struct Horizon: Sendable {
    public var horizon: Int
    public var summary: BacktestScore.Summary
  }

  public var runs: [Backtest]
  public var horizonMonths: Int
  /// Where the export stops recording the business: no month from it on is scored.
  public var dataEnd: DataEnd?
  public var horizons: [Horizon]
  /// The company's monthly cells of every cut-off, per quantity: coverage, verdict and skill.
  public var overall: [Horizon]

  /// The fit window needs at least this many whole calendar months before a cut-off.
  public static let minimumMonths = 2

  /// Where the export stops recording the business (an extract that ends, not a business that
  /// does): the first month from which every month to the export's last has fewer than half the
  /// new opportunities of the median whole month before it, counting from the window's first
  /// whole month and needing `minimumMonths` of them before it. A fall that recovers before the
  /// export ends is the business; one that lasts to the end cannot be told from an extract that
  /// stops engaging deals, and a forecast of the business cannot be judged against it.
  public struct DataEnd: Sendable, Equatable {
    /// The first day not fully observed (the first day of the month the fall starts).
    public var day: Day
    /// The median month's new opportunities before it, and each later month's.
    public var median: Double
    public var months: [(month: String, count: Int)]

    public static func == (a: DataEnd, b: DataEnd) -> Bool {
      a.day == b.day && a.median == b.median && a.months.map(\.month) == b.months.map(\.month) && a.months.map(\.count) == b.months.map(\.count)
    }
  }

  /// The export's own end (`DataEnd`), or nil when every month to its last date is observed.
  public static func dataEnd(_ export: Export, windowStart: Day) -> DataEnd? {
    let dates = export.opportunities.flatMap { o in [o.engaged, o.closed].compactMap { $0 } }
    guard let last = dates.max() else { return nil }
    var first = windowStart.date.day == 1 ? windowStart : monthEnd(windowStart).advanced(by: 1)
    var counts: [(month: String, start: Day, count: Int)] = []
    var byMonth: [String: Int] = [:]
    for o in export.opportunities where o.stage != .notEngaged {
      if let engaged = o.engaged, engaged >= first { byMonth[engaged.monthLabel, default: 0] += 1 }
    }
    while first <= last {
      counts.append((first.monthLabel, first, byMonth[first.monthLabel] ?? 0))
      first = monthEnd(first).advanced(by: 1)
    }
    guard counts.count > minimumMonths else { return nil }
    for k in minimumMonths..<counts.count {
      let before = counts[..<k].map { Double($0.count) }.sorted()
      let median = before.count % 2 == 1 ? before[before.count / 2] : (before[before.count / 2 - 1] + before[before.count / 2]) / 2
      if counts[k...].allSatisfy({ Double($0.count) < median / 2 }) {
        return DataEnd(day: counts[k].start, median: median, months: counts[k...].map { ($0.month, $0.count) })
      }
    }
    return nil
  }

  /// The last day of the month of `day`.
  public static func monthEnd(_ day: Day) -> Day {
    let d = day.date
    let next = d.month == 12 ? CalendarDate(year: d.year + 1, month: 1, day: 1) : CalendarDate(year: d.year, month: d.month + 1, day: 1)
    return Day(next).advanced(by: -1)
  }

  /// The cut-offs and the last day each is scored through: every month end from the first with
  /// `minimumMonths` whole months of window (or `earliest`, if later) while the month after it is
  /// in the export (its last engage or close date, or the day before its own end, `dataEnd`) and
  /// on or before `latest`; each scored through `horizonMonths` month ends later, or that last
  /// day, or `latest`, whichever is first.
  public static func cutoffs(_ export: Export, windowStart: Day, earliest: Day?, latest: Day?, horizonMonths: Int) -> [(until: Day, through: Day)] {
    let dates = export.opportunities.flatMap { o in [o.engaged, o.closed].compactMap { $0 } }
    guard let last = dates.max() else { return [] }
    var end = min(last, latest ?? last)
    if let dataEnd = dataEnd(export, windowStart: windowStart) { end = min(end, dataEnd.day.advanced(by: -1)) }
    // The first whole month of the window.
    var firstMonth = windowStart.date.day == 1 ? windowStart : monthEnd(windowStart).advanced(by: 1)
    for _ in 0..<(minimumMonths - 1) { firstMonth = monthEnd(firstMonth).advanced(by: 1) }
    var cutoff = monthEnd(firstMonth)
    if let earliest { cutoff = max(cutoff, monthEnd(earliest) == earliest ? earliest : earliest.advanced(by: -earliest.date.day)) }
    var result: [(Day, Day)] = []
    while monthEnd(cutoff.advanced(by: 1)) <= end {
      var through = cutoff
      for _ in 0..<horizonMonths { through = monthEnd(through.advanced(by: 1)) }
      result.append((cutoff, min(through, end)))
      cutoff = monthEnd(cutoff.advanced(by: 1))
    }
    return result
  }

  /// Back-tests every cut-off of `cutoffs(...)` with `replications` replications each.
  public static func run(
    _ export: Export, mapping: Mapping, mappingFile: String, earliest: Day?, latest: Day?, since: Day? = nil, horizonMonths: Int, replications: Int, seed: UInt64,
    threads: Int = 0, resamples: Int = 0
  ) throws(CalibrationError) -> RollingBacktest {
    let engaged = export.opportunities.compactMap { $0.stage == .notEngaged ? nil : $0.engaged }
    guard let firstEngaged = engaged.min() else { throw .export(["\(export.file): error: no engaged opportunity to back-test"]) }
    let windowStart = since ?? mapping.since ?? firstEngaged
    let plan = cutoffs(export, windowStart: windowStart, earliest: earliest, latest: latest, horizonMonths: horizonMonths)
    guard !plan.isEmpty else {
      throw .export(["\(export.file): error: no month-end cut-off has \(minimumMonths) whole months of history from \(windowStart) and a month after it in the export; choose another --since or --until"])
    }
    var runs: [Backtest] = []
    for (until, through) in plan {
      runs.append(try Backtest.run(export, mapping: mapping, mappingFile: mappingFile, until: until, through: through, since: since, replications: replications, seed: seed, threads: threads,
        resamples: resamples))
    }
    return RollingBacktest(runs: runs, horizonMonths: horizonMonths, dataEnd: dataEnd(export, windowStart: windowStart))
  }

  public init(runs: [Backtest], horizonMonths: Int, dataEnd: DataEnd? = nil) {
    self.runs = runs
    self.horizonMonths = horizonMonths
    self.dataEnd = dataEnd
    func summary(_ horizon: Int, _ quantity: String, _ cells: [BacktestScore.Cell]) -> Horizon {
      Horizon(horizon: horizon, summary: BacktestScore.summary(quantity, company: cells, teams: [], totals: []))
    }
    var horizons: [Horizon] = []
    var overall: [Horizon] = []
    for quantity in BacktestScore.quantities {
      var all: [BacktestScore.Cell] = []
      for h in 1...max(horizonMonths, 1) {
        let cells = runs.compactMap { run -> BacktestScore.Cell? in
          let months = run.months
          guard months.count >= h else { return nil }
          return run.score.cells.first { $0.team == nil && $0.quantity == quantity && $0.month == months[h - 1] }
        }
        guard !cells.isEmpty else { continue }
        all += cells
        horizons.append(summary(h, quantity, cells))
      }
      if !all.isEmpty { overall.append(summary(0, quantity, all)) }
    }
    self.horizons = horizons
    self.overall = overall
  }
}
