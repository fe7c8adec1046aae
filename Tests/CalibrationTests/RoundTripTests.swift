import CoverageModel
import Foundation
import Randomness
import Testing

@testable import Calibration

/// A synthetic CRM export drawn from known parameters (GSL, fixed seeds), read back through a
/// mapping and fitted: every interval should cover its true value at about its nominal rate.
@Suite("Round trip on a known truth")
struct RoundTripTests {
  static let mapping = """
    opportunities: {id: id, owner: owner, stage: stage, engaged: engaged, closed: closed, amount: amount}
    stages: {won: [Won], lost: [Lost], open: [Open]}
    scenario: {bootstrap: 60, seed: 3}
    """

  /// Poisson arrivals (3 a day over 2021), win probability 0.6, wins after gamma(2, mean 40) days,
  /// losses after gamma(1.5, mean 25), won amounts lognormal(median 5000, sigma 0.7); the cut-off
  /// is 2021-12-31, so deals engaged late are open.
  static func export(seed: UInt64) -> String {
    let g = RandomGenerator()
    g.select(key: seed, attribute: 11)
    let first = Day(CalendarDate(year: 2021, month: 1, day: 1))
    let until = Day(CalendarDate(year: 2021, month: 12, day: 31))
    var lines = ["id,owner,stage,engaged,closed,amount"]
    var n = 0
    for day in first...until {
      for _ in 0..<g.poisson(mean: 3) {
        n += 1
        let win = g.uniform() < 0.6
        let cycle = win ? g.gamma(shape: 2, scale: 20) : g.gamma(shape: 1.5, scale: 25 / 1.5)
        let closed = day.advanced(by: Int(cycle.rounded(.down)))
        let owner = "rep\(g.uniformIndex(below: 8))"
        if closed > until {
          lines.append("o\(n),\(owner),Open,\(day),,")
        } else {
          let amount = win ? String(format: "%.2f", g.logNormal(median: 5000, sigma: 0.7)) : "0"
          lines.append("o\(n),\(owner),\(win ? "Won" : "Lost"),\(day),\(closed),\(amount)")
        }
      }
    }
    return lines.joined(separator: "\n")
  }

  @Test("the 95% intervals of the arrival rate, win probability, cycle and deal-size parameters cover the truth over 8 seeds")
  func coverage() throws {
    let m = try Mapping.parse(Self.mapping, file: "map.yaml")
    var covered = 0
    var total = 0
    var misses: [String] = []
    func check(_ name: String, _ interval: ClosedRange<Double>, _ truth: Double, _ seed: UInt64) {
      total += 1
      if interval.contains(truth) { covered += 1 } else { misses.append("seed \(seed) \(name): \(interval) misses \(truth)") }
    }
    for seed in UInt64(1)...8 {
      let export = try Export.read(try CSVTable.parse(Self.export(seed: seed), file: "synthetic.csv"), mapping: m)
      let fit = try Calibrator.fit(export, mapping: m, until: Day(CalendarDate(year: 2021, month: 12, day: 31)))
      let s = try #require(fit.segments.first)
      check("rate", s.rateInterval, 3, seed)
      check("win probability", s.winProbabilityInterval, 0.6, seed)
      // Cycle days are whole days (rounded down), so the truth is the gamma's mean less about half a day.
      if let win = s.winCycle, let family = win.writtenFamily, family.family == .gamma {
        check("cycle shape", win.intervals[0], 2, seed)
        check("cycle mean", win.intervals[1], 39.5, seed)
      }
      if let size = s.dealSize, let family = size.writtenFamily, family.family == .lognormal {
        check("size median", size.intervals[0], 5000, seed)
        check("size sigma", size.intervals[1], 0.7, seed)
      }
    }
    // 95% nominal: at least 95% - 4 binomial SE of the intervals cover.
    let floor = 0.95 * Double(total) - 4 * (Double(total) * 0.95 * 0.05).squareRoot()
    #expect(total >= 40, "only \(total) intervals checked: the written families were not gamma and lognormal")
    #expect(Double(covered) >= floor, "\(covered) of \(total) covered: \(misses)")
  }
}
