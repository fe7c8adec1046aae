import CoverageModel
import Testing

@testable import Simulation

/// The engine writes each metric by name, and the catalogue (`MetricDescriptor.all`) decides where
/// it goes in a replication's row.
@Suite("Metric names")
struct MetricSlotTests {
  @Test("every metric the engine writes is named as the catalogue names its place, and every catalogue metric is written")
  func writersMatchCatalogue() {
    #expect(MetricLayout.slotMismatches.isEmpty, "\(MetricLayout.slotMismatches)")
  }

  @Test("a metric's name is its case's name in snake case")
  func snakeCaseNames() {
    #expect(ScenarioMetric.presalesWaitP90.name == "presales_wait_p90")
    #expect(TeamMetric.creditedBookings.name == "credited_bookings")
    #expect(PeopleMetric.atQuotaShare.name == "at_quota_share")
    #expect(PoolMetric.utilization.name == "utilization")
  }

  @Test("a replication writes every slot of its row: the organisation, teams, segments, pools and people, by month and quarter")
  func everySlotWritten() {
    var people = People()
    people.attritionRateYear = 0.3
    people.backfillDays = .constant(30)
    people.quotaPerRepYear = 100_000
    let s = PeopleTests.scenario(arrivalsPerDay: 5, reps: 5, slots: 4, people: people)
    let results = Simulator(scenario: s, byPeriod: true).run(replications: 2, seed: 4, threads: 1)
    // Debug builds stop at a slot no writer wrote (`MetricLayout.unwritten`); every slot is a number or NaN.
    #expect(results.layout.people == ["T"])
    #expect(results.values.count == 2 * results.layout.count)
    #expect(!results.values.contains { $0.bitPattern == 0x7FFC_C0DE_C0DE_C0DE })
  }
}
