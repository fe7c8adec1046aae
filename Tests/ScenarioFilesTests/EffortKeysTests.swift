import CoverageModel
import Foundation
import Testing

@testable import ScenarioFiles

// docs/scenario-format.md, "Reps' time, travel and coverage": the keys, their defaults, the travel
// formula, and the messages for what is wrong.

private let effortScenario = """
  name: effort
  regions: [{name: West, area_km2: 40000}, East]
  travel: {speed_kmh: 50, circuity: 1.2}
  late_win_factor_per_week: 0.97
  segments:
    - {name: W, tier: smb, region: West, accounts: 400, opportunities_per_account_year: 0.5, deal_size: 20000, motion: smb,
       response: {reference_hours_per_account_year: 6}}
    - {name: E, tier: smb, region: East, accounts: 100, opportunities_per_account_year: 0.5, deal_size: 20000, motion: smb}
  motions:
    - name: smb
      stages:
        - {name: qualify, days: 7, advance: 0.6, effort_hours: {gamma: {shape: 2, mean: 3}}, visits: 1}
        - {name: close, days: 10, advance: 0.5}
  fit:
    - {team_kind: regional, tier: smb, effort_factor: 1.2}
  teams:
    - {name: West, kind: regional, reps: 4, motion: smb, covers: [{segments: W}, {segments: E}],
       time: {hours_per_week: 40}, rep_territories: true, triage: value, backlog_weeks: 3, coverage_visit_share: 0.3}

  """

private func problems(_ yaml: String) -> String {
  do {
    _ = try ScenarioLoader().load(yaml: yaml, file: "s.yaml")
    return ""
  } catch {
    return error.description
  }
}

@Suite("Effort keys: time, travel, work, visits and the response (docs/scenario-format.md)")
struct EffortKeysTests {
  @Test("every key decodes, with the documented defaults for what is left out")
  func decodes() throws {
    let s = try ScenarioLoader().load(yaml: effortScenario, file: "s.yaml")
    #expect(s.regions == ["West", "East"] && s.regionAreas == ["West": 40000])
    #expect(s.travel == Travel(speedKmh: 50, circuity: 1.2) && s.lateWinFactorPerWeek == 0.97)
    let time = try #require(s.teams[0].time)
    #expect(time.hoursPerWeek == 40 && time.sellingShare == 0.6 && time.weeksPerYear == 46)
    #expect(time.repTerritories && time.triage == .value && time.backlogWeeks == 3 && time.coverageVisitShare == 0.3)
    #expect(abs(time.sellingHoursPerDay - 40 * 0.6 * 46 / 364) < 1e-12)
    #expect(s.motions[0].stages[0].effortHours?.mean == 3 && s.motions[0].stages[0].visits == 1)
    #expect(s.motions[0].stages[1].effortHours == nil && s.motions[0].stages[1].visits == 0)
    #expect(s.fit(teamKind: .regional, tier: .smb).effortFactor == 1.2)
    #expect(s.segments[0].response == DemandResponse(elasticity: 0.34, referenceHoursPerAccountYear: 6, maxFactor: 3))
  }

  @Test("show writes the keys so that they load back to the same scenario")
  func roundTrips() throws {
    let s = try ScenarioLoader().load(yaml: effortScenario, file: "s.yaml")
    let again = try ScenarioLoader().load(yaml: ScenarioEncoder.yaml(s), file: "shown.yaml")
    #expect(again == s)
  }

  @Test("travel per visit is 2 x circuity x 0.376 sqrt(ground) / speed; a quarter of the ground halves it")
  func travelFormula() throws {
    let travel = Travel(speedKmh: 60, circuity: 1.3)
    #expect(abs(travel.hoursPerVisit(groundKm2: 10_000) - 2 * 1.3 * 37.6 / 60) < 1e-12)
    #expect(abs(travel.hoursPerVisit(groundKm2: 2_500) * 2 - travel.hoursPerVisit(groundKm2: 10_000)) < 1e-12)
    #expect(travel.hoursPerVisit(groundKm2: 0) == 0)
    // A team's ground counts each region once (West's two segments lie on the same ground), a
    // region without an area has none, and rep territories divide it by the reps.
    let s = try ScenarioLoader().load(yaml: effortScenario, file: "s.yaml")
    #expect(s.ground(ofTeam: s.teams[0]) == 40000 && s.repGround(ofTeam: s.teams[0]) == 10000)
    #expect(abs(s.travelHoursPerVisit(team: s.teams[0]) - Travel(speedKmh: 50, circuity: 1.2).hoursPerVisit(groundKm2: 10000)) < 1e-12)
  }

  @Test("the response is (h / h0)^elasticity, capped at max_factor")
  func responseCurve() {
    let r = DemandResponse(elasticity: 0.34, referenceHoursPerAccountYear: 6, maxFactor: 3)
    #expect(r.factor(hoursPerAccountYear: 6) == 1)
    #expect(abs(r.factor(hoursPerAccountYear: 12) - pow(2, 0.34)) < 1e-12)
    #expect(r.factor(hoursPerAccountYear: 6e6) == 3)
    #expect(r.factor(hoursPerAccountYear: 0) == 0)
  }

  @Test("ground intervals unite: halves make the whole, overlaps count once")
  func unionOfGround() {
    #expect(Scenario.unionLength([(0, 0.5), (0.5, 1)]) == 1)
    #expect(Scenario.unionLength([(0, 0.5), (0, 0.5)]) == 0.5)
    #expect(Scenario.unionLength([(0.25, 0.75), (0, 0.5), (0.9, 1)]) == 0.85)
  }

  @Test(
    "what is wrong is named by file, line, column and key path, with the fix",
    arguments: [
      ("time: {hours_per_week: 40}, rep_territories: true", "backlog_weeks: 3", "s.yaml:14:", ""),
      ("backlog_weeks: 3", "", "teams.West.backlog_weeks: \"backlog_weeks\" says how reps spend their hours; give the team time", ""),
      ("time: {hours_per_week: 400}", "", "teams.West.time.hours_per_week: 400 is out of range: expected hours from 1 to 100 a week", ""),
      ("time: {selling: 0.5}", "", "teams.West.time.selling: unknown key \"selling\"; known keys: hours_per_week, selling_share, weeks_per_year", ""),
      ("time: {}, triage: fifo", "", "teams.West.triage: unknown value \"fifo\"", ""),
    ] as [(String, String, String, String)])
  func teamMessages(keys: String, more: String, message: String, unused: String) {
    let yaml = """
      name: t
      regions: [{name: West, area_km2: 100}]
      segments:
        - {name: W, tier: smb, region: West, accounts: 10, opportunities_per_account_year: 1, deal_size: 1000}
      motions:
        - {name: m, stages: [{name: s, days: 1, advance: 0.5}]}
      teams:
        - {name: West, kind: regional, reps: 1, motion: m, covers: {segments: W}, \(keys)\(more.isEmpty ? "" : ", \(more)")}

      """
    let found = problems(yaml)
    if message.hasPrefix("s.yaml:14:") {
      #expect(found.isEmpty, "\(found)")
    } else {
      #expect(found.contains(message), "\(found)")
      #expect(found.contains("s.yaml:8:"), "\(found)")
    }
  }

  @Test("other mistakes: a region's area, travel, a response whose owner has no time, a ground past the region")
  func otherMessages() {
    let base = effortScenario
    #expect(problems(base.replacingOccurrences(of: "area_km2: 40000", with: "area_km2: -5")).contains("regions[0].area_km2: -5 is out of range: expected a number greater than 0"))
    #expect(problems(base.replacingOccurrences(of: "circuity: 1.2", with: "circuity: 0.5")).contains("travel.circuity: 0.5 is out of range: expected a road-to-straight-line ratio from 1 to 3"))
    #expect(problems(base.replacingOccurrences(of: "response: {reference_hours_per_account_year: 6}", with: "response: {elasticity: 0.3}")).contains("segments.W.response: missing required key \"reference_hours_per_account_year\""))
    let noTime = base.replacingOccurrences(of: "time: {hours_per_week: 40}, rep_territories: true, triage: value, backlog_weeks: 3, coverage_visit_share: 0.3", with: "slots_per_rep: 5")
    #expect(problems(noTime).contains("s.yaml:7:16: error: segments.W.response: the response follows the coverage hours its owners give, and \"West\" has no time"), "\(problems(noTime))")
    let past = base.replacingOccurrences(of: "{segments: E}", with: "{segments: E, area_share: 0.5, area_offset: 0.75}")
    #expect(problems(past).contains("area_offset 0.75 + area_share 0.5 goes past 1"), "\(problems(past))")
    #expect(problems(base.replacingOccurrences(of: "visits: 1", with: "visits: -1")).contains("motions.smb.stages.qualify.visits: -1 is out of range"))
  }
}
