import CoverageModel
import Foundation
import Testing

@testable import Calibration

/// The fit's window (`since`) limits the arrivals alone: deals open when it starts are observed
/// from their age then (delayed entry), and a rolling back-test ends where the export does.
@Suite("The window and the export's end")
struct WindowTests {
  @Test("Aalen-Johansen with delayed entry: a deal is at risk only at ages above its entry")
  func delayedEntryByHand() {
    // Ages 2 won, 4 won, 6 lost, 8 open; entered at 0, 3, 0, 5. At 2: two at risk (the others
    // not yet entered), a win: CIF_w 1/2, S 1/2. At 4: entered 3, left 1, two at risk, a win:
    // CIF_w 1/2 + 1/2 x 1/2 = 3/4, S 1/4. At 6: entered 4, left 2, two at risk, a loss: CIF_l
    // 1/4 x 1/2 = 1/8, S 1/8.
    let r = CompetingRisks(ages: [2, 4, 6, 8], endings: [.won, .won, .lost, .open], entries: [0, 3, 0, 5])
    #expect(r.ages == [2, 4, 6])
    #expect(r.wonIncidence == [0.5, 0.75, 0.75])
    #expect(r.lostIncidence == [0, 0, 0.125])
    #expect(r.stillOpen == [0.5, 0.25, 0.125])
    #expect(abs(r.winProbability - 6.0 / 7) < 1e-15)
  }

  @Test("entries of 0 change nothing")
  func zeroEntries() {
    let ages: [Double] = [1, 3, 3, 5, 9, 12, 12, 20]
    let endings: [Ending] = [.won, .lost, .open, .won, .open, .won, .lost, .open]
    let plain = CompetingRisks(ages: ages, endings: endings)
    let entered = CompetingRisks(ages: ages, endings: endings, entries: ages.map { _ in 0 })
    #expect(plain.ages == entered.ages && plain.wonIncidence == entered.wonIncidence && plain.stillOpen == entered.stillOpen)
  }

  @Test("maximum likelihood under left truncation: the exponential's mean is the time after entry over the events")
  func truncatedExponential() throws {
    // Memoryless: given survival to e, the time after e is exponential with the same mean, so the
    // MLE is sum(x - e) / events = ((5 - 3) + (7 - 0) + (4 - 0)) / 3 = 13 / 3.
    let sample = CensoredSample(events: [5, 7, 4], eventEntries: [3, 0, 0])
    let fit = try #require(MaximumLikelihood.fit(.exponential, sample))
    #expect(abs(fit.parameters[0] - 13.0 / 3) < 1e-4)
    // A censored value after entry adds its time after entry to the exposure: (13 + (10 - 6)) / 3.
    let censored = CensoredSample(events: [5, 7, 4], censored: [10], eventEntries: [3, 0, 0], censoredEntries: [6])
    #expect(abs(try #require(MaximumLikelihood.fit(.exponential, censored)).parameters[0] - 17.0 / 3) < 1e-4)
  }

  /// One owner; deals engaged from 2024-01-01, `perDay` a day, each closing (won) `cycle` days
  /// later, and an `open` share never closing; no deal engaged after `lastEngaged`.
  static func export(cycle: Int, lastEngaged: Day, perDay: (Day) -> Int = { _ in 2 }) throws -> Export {
    var lines = ["id,owner,stage,engaged,closed,amount"]
    var index = 0
    var day = Day(CalendarDate(year: 2024, month: 1, day: 1))
    while day <= lastEngaged {
      for _ in 0..<perDay(day) {
        lines.append("d\(index),Ann,Won,\(day),\(day.advanced(by: cycle)),1000")
        index += 1
      }
      day = day.advanced(by: 1)
    }
    let mapping = try Mapping.parse(goodMapping + "\nscenario: {bootstrap: 0}\n", file: "map.yaml")
    return try Export.read(try CSVTable.parse(lines.joined(separator: "\n"), file: "export.csv"), mapping: mapping)
  }

  @Test("since limits the arrivals: deals open at its start count for outcomes and the open pipeline, those closed before it do not")
  func sinceLimitsArrivals() throws {
    let export = try Self.export(cycle: 40, lastEngaged: Day(CalendarDate(year: 2024, month: 6, day: 30)))
    var mapping = try Mapping.parse(goodMapping + "\nscenario: {bootstrap: 0, since: 2024-03-01}\n", file: "map.yaml")
    mapping.dynamics = []
    let until = Day(CalendarDate(year: 2024, month: 3, day: 31))
    let fit = try Calibrator.fit(export, mapping: mapping, until: until)
    // Engaged 2024-01-21 .. 02-29 (40 days, 2 a day) were open on 03-01; the 40 engaged earlier had closed.
    #expect(fit.counts.openAtWindowStart == 80)
    #expect(fit.counts.engagedBeforeWindow == 40)
    // Arrivals: the window's 31 days only, 2 a day.
    #expect(fit.segments[0].arrivals == 62)
    // Every closed deal (the earlier deals closed in March at 40 days) took 40 days: nothing is stale.
    #expect(fit.longestCycle == 40)
    let open = OpenPipeline(export, fit: fit, mapping: mapping)
    // Open on 03-31: engaged 02-21 .. 03-31, 2 a day, 40 days: 80 deals, 18 of them from before the window.
    #expect(open.deals.count == 80 && open.stale == 0)
    #expect(open.deals.filter { $0.daysInStage > 30 }.count == 18)
  }

  @Test("the export's own end: the first month from which every month to the last has under half the median month before it")
  func exportEnd() throws {
    // The last deal closes on 12-31.
    let last = Day(CalendarDate(year: 2024, month: 12, day: 26))
    // Two a day to September, then one every third day (October 11, November 10, December 11).
    let export = try Self.export(cycle: 5, lastEngaged: last) { day in day.date.month >= 10 ? (day.date.day % 3 == 0 ? 1 : 0) : 2 }
    let end = try #require(RollingBacktest.dataEnd(export, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 1))))
    #expect(end.day == Day(CalendarDate(year: 2024, month: 10, day: 1)))
    #expect(end.months.map(\.month) == ["2024-10", "2024-11", "2024-12"])
    // No cut-off is scored past the end.
    let plan = RollingBacktest.cutoffs(export, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 1)), earliest: nil, latest: nil, horizonMonths: 3)
    #expect(plan.last?.until == Day(CalendarDate(year: 2024, month: 8, day: 31)))
    #expect(plan.allSatisfy { $0.through < end.day })
    // A fall that recovers before the export ends is the business, not its end.
    let dip = try Self.export(cycle: 5, lastEngaged: last) { day in day.date.month == 10 ? 0 : 2 }
    #expect(RollingBacktest.dataEnd(dip, windowStart: Day(CalendarDate(year: 2024, month: 1, day: 1))) == nil)
  }
}
