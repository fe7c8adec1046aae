import CoverageModel
import Foundation
import Randomness
import ScenarioFiles
import TestSupport
import Testing

@testable import Calibration

/// The estimators behind `scenario.dynamics`, each on data whose truth is known.
@Suite("Fitted dynamics")
struct DynamicsFitTests {
  @Test("arrival dispersion by moments recovers a gamma-mixed Poisson's c (0.5) from 300 weeks")
  func dispersion() {
    let g = generator(2100)
    let start = Day(CalendarDate(year: 2020, month: 1, day: 1))
    var days: [Day] = []
    for w in 0..<300 {
      // A gamma factor of shape 4 (mean 1, c = 0.5) as the sum of four exponentials of mean 1/4.
      let factor = (0..<4).reduce(0.0) { s, _ in s + g.exponential(mean: 0.25) }
      for _ in 0..<g.poisson(mean: 70 * factor) { days.append(start.advanced(by: 7 * w + g.uniformIndex(below: 7))) }
    }
    let c = Arrivals.gammaCV(days, from: start, through: start.advanced(by: 7 * 300 - 1), factors: Array(repeating: 1, count: 12))
    // The moment estimator's standard error here is about 0.03.
    #expect(abs(c - 0.5) < 0.12, "c \(c)")
    // Poisson counts: c near 0.
    var plain: [Day] = []
    for w in 0..<300 { for _ in 0..<g.poisson(mean: 70) { plain.append(start.advanced(by: 7 * w + g.uniformIndex(below: 7))) } }
    #expect(Arrivals.gammaCV(plain, from: start, through: start.advanced(by: 7 * 300 - 1), factors: Array(repeating: 1, count: 12)) < 0.06)
  }

  @Test("rep win factors: clear differences kept, chance differences shrunk to 1, small samples shrunk most")
  func repFactors() {
    let clear = RepWinFactors.shrunk([("a", 300, 1000), ("b", 600, 1000), ("c", 450, 1000)])
    #expect(clear.tau2 > 0)
    let f = clear.factors.map(\.factor)
    #expect(abs(f.reduce(0, +) / 3 - 1) < 1e-12)
    #expect(abs(f[0] - 300.0 / 450) < 0.02 && abs(f[1] - 600.0 / 450) < 0.02, "\(f)")
    let alike = RepWinFactors.shrunk([("a", 50, 100), ("b", 51, 100), ("c", 49, 100)])
    #expect(alike.tau2 == 0 && alike.factors.allSatisfy { abs($0.factor - 1) < 1e-12 })
    // Rep d wins 9 of 10: far above the others, but on 10 deals it is pulled most of the way back.
    let small = RepWinFactors.shrunk([("a", 300, 1000), ("b", 600, 1000), ("c", 450, 1000), ("d", 9, 10)])
    let d = small.factors[3].factor
    #expect(d < 0.9 / 0.45 && d > 1, "\(d)")
  }

  @Test("quarter-end pull: wins thinned by 40% in the first 31 days of every quarter are found as a 31-day pull of about 0.4")
  func pull() {
    let start = Day(CalendarDate(year: 2020, month: 1, day: 1))
    let end = Day(CalendarDate(year: 2021, month: 12, day: 31))
    var wins: [Day] = []
    for d in 0...start.distance(to: end) {
      let day = start.advanced(by: d)
      let count = QuarterPullFit.inside(day, days: 31) ? 6 : 10
      wins += Array(repeating: day, count: count)
    }
    let fit = QuarterPullFit.fit(wins: wins, from: start, through: end)
    #expect(fit?.days == 31 && fit.map { abs($0.probability - 0.4) < 0.01 } == true && fit?.isSignificant == true, "\(String(describing: fit))")
    // Flat wins: no pull.
    let flat = QuarterPullFit.fit(wins: (0...start.distance(to: end)).flatMap { Array(repeating: start.advanced(by: $0), count: 10) }, from: start, through: end)
    #expect(flat == nil || flat?.isSignificant == false)
  }

  @Test("fit with every dynamic writes a scenario that validates and carries each key; without, the v2 scenario")
  func writesKeys() throws {
    let folder = repositoryRoot.appendingPathComponent("data/crm-sales-opportunities").path
    var mapping = try Mapping.load(path: folder + "/mapping.yaml")
    mapping.bootstrap = 0
    let export = try Export.load(path: folder + "/sales_pipeline.csv", mapping: mapping)
    let until = Day(CalendarDate(year: 2017, month: 9, day: 30))
    let plain = ScenarioWriting.yaml(try Calibrator.fit(export, mapping: mapping, until: until), mapping: "mapping.yaml")
    mapping.dynamics = Set(Mapping.Dynamic.allCases)
    let fit = try Calibrator.fit(export, mapping: mapping, until: until)
    let yaml = ScenarioWriting.yaml(fit, mapping: "mapping.yaml")
    let scenario = try ScenarioLoader().load(yaml: yaml, file: "fitted.yaml")
    #expect(scenario.motions.allSatisfy { $0.stages[0].lostDays != nil && $0.stages[0].stale != nil })
    #expect(scenario.quarterEnd?.hasPush == false && scenario.quarterEnd?.pullDays == 31)
    #expect(scenario.segments.contains { $0.arrivalDispersion != nil } && scenario.teams.contains { $0.repWinFactor != nil })
    // Stale shares below a half, and a fifth or so where the export's never-closed deals sit.
    let stale = scenario.motions.compactMap { $0.stages[0].stale?.probability }
    #expect(stale.count == 3 && stale.allSatisfy { $0 < 0.5 } && stale.contains { $0 > 0.15 }, "\(stale)")
    let v2 = try ScenarioLoader().load(yaml: plain, file: "fitted.yaml")
    #expect(v2.motions.allSatisfy { $0.stages[0].lostDays == nil && $0.stages[0].stale == nil } && v2.quarterEnd?.pullDays == nil)
    #expect(v2.segments.allSatisfy { $0.arrivalDispersion == nil } && v2.teams.allSatisfy { $0.repWinFactor == nil })
  }
}
