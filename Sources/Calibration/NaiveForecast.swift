import CoverageModel
import Foundation
import Randomness

/// The forecasts a back-test's model has to beat, made from the same history with no simulation of
/// the business (docs/calibration.md, "Against naive forecasts").
///
/// The **pipeline forecast** is what a sales-operations analyst computes: each deal open at the
/// cut-off A wins (or is lost) in a month with the chance that a deal of its age did so, from the
/// Aalen-Johansen cumulative incidences of the deals engaged in the fit's window as of A:
/// P(won at an age in (u, v] | open at age a) = (CIF_won(v) - CIF_won(u)) / S(a). New deals
/// arrive per team at the team's rate over the 91 days before A (a Poisson process) and close
/// alike from age 0; a win's amount is drawn from the amounts won in the window. Its predictive
/// distribution is sampled (independent deals), so it is scored exactly as the model is.
///
/// The **seasonal naive** forecast repeats the same month a year earlier when the window holds
/// it, else a quarter earlier (or two quarters for months 4 to 6 ahead, and so on), as known at
/// A: a point forecast, whose CRPS is its absolute error.
public struct NaiveForecast: Sendable {
  /// Month label -> quantity -> one value per sample, all teams together; and per team.
  public var predicted: [String: [String: [Double]]] = [:]
  public var teamPredicted: [String: [String: [String: [Double]]]] = [:]
  /// Month label -> quantity -> the seasonal naive value, all teams together; and per team.
  public var seasonal: [String: [String: Double]] = [:]
  public var teamSeasonal: [String: [String: [String: Double]]] = [:]
  /// Month label -> the month the seasonal naive value repeats.
  public var seasonalSource: [String: String] = [:]
  /// New deals per day at the recent rate, all teams together, and the first day it is counted from.
  public var recentRate: Double = 0
  public var recentFrom: Day

  /// Days before the cut-off over which the recent arrival rate is counted.
  public static let recentDays = 91

  /// Forecasts given month by month (tests; a benchmark made elsewhere).
  public init(
    predicted: [String: [String: [Double]]], teamPredicted: [String: [String: [String: [Double]]]] = [:], seasonal: [String: [String: Double]] = [:],
    teamSeasonal: [String: [String: [String: Double]]] = [:]
  ) {
    self.predicted = predicted
    self.teamPredicted = teamPredicted
    self.seasonal = seasonal
    self.teamSeasonal = teamSeasonal
    recentFrom = Day(number: 0)
  }

  /// The forecasts for the months of [A + 1, `through`] from the history of `export` as known at
  /// A = `fit.until` over the fit's window, starting from `pipeline` (the deals the model starts
  /// from), with `samples` samples of the pipeline forecast from `seed`.
  public init(_ export: Export, fit: FitResult, pipeline: OpenPipeline, through: Day, samples: Int, seed: UInt64) {
    let until = fit.until
    var used: [Opportunity] = []
    var entries: [Double] = []
    for o in export.opportunities {
      guard let entry = Calibrator.entry(of: o, first: fit.first, until: until) else { continue }
      used.append(o)
      entries.append(entry)
    }
    // Endings as of the cut-off, as the fit counts them.
    let endings = used.map { o -> (age: Double, ending: Ending) in
      if o.stage == .won || o.stage == .lost, let closed = o.closed, closed <= until {
        let age = Double(o.engaged!.distance(to: closed))
        return (age > 0 ? age : 0.5, o.stage == .won ? .won : .lost)
      }
      return (Double(o.engaged!.distance(to: until)) + 0.5, .open)
    }
    let risks = CompetingRisks(ages: endings.map(\.age), endings: endings.map(\.ending), entries: entries)
    let amounts = zip(used, endings).compactMap { o, e in e.ending == .won ? o.amount.flatMap { $0 > 0 ? $0 : nil } : nil }

    // The months of the window: label and first and last day as offsets from A (1 = the day after A).
    var months: [(label: String, first: Int, last: Int)] = []
    for offset in 1...max(1, until.distance(to: through)) {
      let label = until.advanced(by: offset).monthLabel
      if months.last?.label == label { months[months.count - 1].last = offset } else { months.append((label, offset, offset)) }
    }
    let horizon = months.last?.last ?? 1
    // The chance of closing won (or lost) at an integer age in (u, v], an age k meaning a close k
    // days after engagement (same-day closes are recorded at 0.5).
    func incidence(_ values: [Double], at k: Int) -> Double {
      let x = Double(k) + 0.5
      var low = 0
      var high = risks.ages.count
      while low < high {
        let mid = (low + high) / 2
        if risks.ages[mid] <= x { low = mid + 1 } else { high = mid }
      }
      return low == 0 ? 0 : values[low - 1]
    }
    func stillOpen(at k: Int) -> Double {
      let x = Double(k) + 0.5
      guard let i = risks.ages.lastIndex(where: { $0 <= x }) else { return 1 }
      return risks.stillOpen[i]
    }
    // Cumulative probabilities over (won in month 0, ..., won in month M-1, lost in month 0, ...),
    // for a deal engaged `engagedOffset` days after A (0 or less: engaged on or before A).
    func categories(engagedOffset e: Int) -> [Double] {
      let ageAtCutoff = -e
      let condition = e <= 0 ? stillOpen(at: ageAtCutoff) : 1
      var cumulative: [Double] = []
      var total = 0.0
      for values in [risks.wonIncidence, risks.lostIncidence] {
        for m in months {
          let lower = max(m.first - 1, e - 1) - e
          let upper = m.last - e
          let p = upper < 0 ? 0 : (incidence(values, at: upper) - (lower < 0 ? 0 : incidence(values, at: lower)))
          total += condition > 1e-12 ? max(p, 0) / condition : 0
          cumulative.append(min(total, 1))
        }
      }
      return cumulative
    }

    // Teams: the model's teams are the export's teams; new deals per team at the recent rate.
    recentFrom = max(fit.first, until.advanced(by: -(Self.recentDays - 1)))
    let recentSpan = Double(recentFrom.distance(to: until) + 1)
    var teams = Array(Set(used.map(\.team)).union(pipeline.deals.map(\.team))).sorted()
    if teams.isEmpty { teams = ["all"] }
    let teamIndex = Dictionary(uniqueKeysWithValues: teams.enumerated().map { ($1, $0) })
    var rates = Array(repeating: 0.0, count: teams.count)
    for o in used where o.engaged! >= recentFrom { rates[teamIndex[o.team] ?? 0] += 1 / recentSpan }
    recentRate = rates.reduce(0, +)
    let pipelineCategories = pipeline.deals.map { (team: teamIndex[$0.team] ?? 0, cumulative: categories(engagedOffset: -$0.daysInStage)) }
    let newCategories = (0...horizon).map { categories(engagedOffset: $0) }

    // Samples: [month][team][quantity][sample].
    let quantities = BacktestScore.quantities
    let n = max(samples, 1)
    let (mCount, tCount, qCount) = (months.count, teams.count, quantities.count)
    var values = [Double](repeating: 0, count: mCount * tCount * qCount * n)
    func add(_ m: Int, _ t: Int, _ q: Int, _ r: Int, _ amount: Double) { values[((m * tCount + t) * qCount + q) * n + r] += amount }
    let generator = RandomGenerator()
    for r in 0..<n {
      generator.select(key: StreamKey.mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(r + 1)), attribute: 0x4E41_4956)
      func close(_ cumulative: [Double], team: Int) {
        let u = generator.uniform()
        guard let c = cumulative.firstIndex(where: { u < $0 }) else { return }
        if c < mCount {
          add(c, team, 1, r, 1)
          if !amounts.isEmpty { add(c, team, 3, r, amounts[generator.uniformIndex(below: amounts.count)]) }
        } else {
          add(c - mCount, team, 2, r, 1)
        }
      }
      for deal in pipelineCategories { close(deal.cumulative, team: deal.team) }
      for (t, rate) in rates.enumerated() where rate > 0 {
        var time = generator.exponential(mean: 1 / rate)
        while time < Double(horizon) {
          let offset = Int(time) + 1
          if let m = months.firstIndex(where: { offset <= $0.last }) { add(m, t, 0, r, 1) }
          close(newCategories[offset], team: t)
          time += generator.exponential(mean: 1 / rate)
        }
      }
    }
    for (m, month) in months.enumerated() {
      for (q, quantity) in quantities.enumerated() {
        var total = [Double](repeating: 0, count: n)
        for (t, team) in teams.enumerated() {
          let start = ((m * tCount + t) * qCount + q) * n
          let slice = Array(values[start..<(start + n)])
          for r in 0..<n { total[r] += slice[r] }
          teamPredicted[month.label, default: [:]][team, default: [:]][quantity] = slice
        }
        predicted[month.label, default: [:]][quantity] = total
      }
    }

    // Seasonal naive: the history as known at A, over the fit's window.
    let history = Actuals(export.opportunities, from: fit.first, through: until)
    func value(_ m: Actuals.Month, _ quantity: String) -> Double {
      switch quantity {
      case "engaged": Double(m.engaged)
      case "won": Double(m.won)
      case "lost": Double(m.lost)
      default: m.bookings
      }
    }
    let firstFull = fit.first.date.day == 1 ? fit.first.monthLabel : fit.first.advanced(by: 32 - fit.first.date.day).monthLabel
    let lastFull = until.advanced(by: 1).date.day == 1 ? until.monthLabel : until.advanced(by: -until.date.day).monthLabel
    for (h, month) in months.enumerated() {
      let parts = month.label.split(separator: "-").compactMap { Int($0) }
      guard parts.count == 2 else { continue }
      func shifted(_ back: Int) -> String {
        let index = parts[0] * 12 + parts[1] - 1 - back
        return String(format: "%04d-%02d", index / 12, index % 12 + 1)
      }
      let candidates = [shifted(12), shifted(3 * ((h + 3) / 3))]
      guard let source = candidates.first(where: { $0 >= firstFull && $0 <= lastFull }) else { continue }
      seasonalSource[month.label] = source
      let all = history.months.first { $0.month == source } ?? Actuals.Month(month: source)
      for quantity in quantities {
        seasonal[month.label, default: [:]][quantity] = value(all, quantity)
        for team in teams {
          let row = history.teamMonths.first { $0.month == source && $0.team == team } ?? Actuals.Month(month: source, team: team)
          teamSeasonal[month.label, default: [:]][team, default: [:]][quantity] = value(row, quantity)
        }
      }
    }
  }
}
