import CoverageModel
import Foundation
import Randomness

/// What the engine needs of the effort model (docs/model.md, "Effort"), compiled from a scenario:
/// the teams with `time`, their reps' hours and travel, each stage's work, and the segments whose
/// demand responds to coverage.
struct EffortPlan: Sendable {
  struct TeamEffort: Sendable {
    var timed = false
    /// Selling hours a rep accrues per calendar day.
    var hoursPerDay = 0.0
    /// Hours of travel a visit costs one of its reps.
    var travelPerVisit = 0.0
    var visitShare = 0.0
    var byValue = false
    var repTerritories = false
    /// Pending hours above which a rep takes no new deal (infinity: never).
    var backlogHours = Double.infinity
    /// Accounts the team owns (for coverage hours per account-year).
    var accounts = 0.0
    /// The team's reps in `EffortState.reps` (a team of people: one a seat, planned hires' too).
    var firstRep = 0
    var reps = 0
    /// Reps at the start (without planned hires).
    var initialReps = 0
    /// A team of people: its first seat in `SimulationPlan.seats` (rep k is seat `seatStart + k`),
    /// whose occupant's hours follow headcount and ramp; -1: reps always in post, fully ramped.
    var seatStart = -1
  }
  struct StageEffort: Sendable {
    var hours: Sampler?
    var visits = 0.0
  }
  /// A segment whose opportunity rate follows its owners' coverage.
  struct Response: Sendable {
    var segment: Int
    var rule: DemandResponse
    /// (team, share of the segment's accounts it owns).
    var owners: [(team: Int, share: Double)]
  }

  var teams: [TeamEffort] = []
  /// Per stage of `SimulationPlan.stages`.
  var stages: [StageEffort] = []
  /// Per team and segment (`team * segments + segment`).
  var effortFactor: [Double] = []
  var lateFactorPerWeek = 1.0
  var responses: [Response] = []
  var repCount = 0
  var timedTeams: [Int] = []
  /// Their names (tallies follow a team across a transition by name).
  var teamNames: [String] = []

  /// The stream attribute of a stage's effort hours: a range of its own, so no existing draw moves.
  static func effortAttribute(_ stage: Int) -> UInt64 { 0x4546_0000_0000 + UInt64(stage) }

  /// No team with `time` (an organisation before or after a switch that has none).
  init() {}

  init(_ s: Scenario, tables: inout SamplerTables) {
    lateFactorPerWeek = s.lateWinFactorPerWeek
    var seen = Set<String>()
    for motion in s.motions where seen.insert(motion.name).inserted {
      for stage in motion.stages {
        stages.append(StageEffort(hours: stage.effortHours.map { tables.compile($0) }, visits: stage.visits))
      }
    }
    let territories = s.territories()
    for (t, team) in s.teams.enumerated() {
      var entry = TeamEffort()
      if let time = team.time, team.kind.ownsAccounts {
        entry.timed = true
        entry.hoursPerDay = time.sellingHoursPerDay
        entry.travelPerVisit = s.travelHoursPerVisit(team: team)
        entry.visitShare = time.coverageVisitShare
        entry.byValue = time.triage == .value
        entry.repTerritories = time.repTerritories
        entry.backlogHours = time.backlogWeeks.map { $0 * time.sellingHoursPerWeek } ?? .infinity
        entry.firstRep = repCount
        entry.reps = team.people?.seats(reps: team.reps) ?? team.reps
        entry.initialReps = team.reps
        repCount += entry.reps
        timedTeams.append(t)
        teamNames.append(team.name)
        for (segment, slices) in zip(s.segments, territories) {
          for slice in slices { if case .team(let owner) = slice.owner, owner == t { entry.accounts += (slice.upper - slice.lower) * Double(segment.accounts) } }
        }
      }
      teams.append(entry)
      for segment in s.segments { effortFactor.append(s.fit(teamKind: team.kind, tier: segment.tier).effortFactor) }
    }
    for (index, segment) in s.segments.enumerated() {
      guard let rule = segment.response else { continue }
      var owners: [(team: Int, share: Double)] = []
      for slice in territories[index] {
        guard case .team(let t) = slice.owner else { continue }
        if let k = owners.firstIndex(where: { $0.team == t }) { owners[k].share += slice.upper - slice.lower } else { owners.append((t, slice.upper - slice.lower)) }
      }
      responses.append(Response(segment: index, rule: rule, owners: owners))
    }
  }

  /// The customer-facing coverage hours per account-year a team gives when its reps spend
  /// `hours` selling hours a year on coverage: visits take their hour plus the travel to them.
  func coverageHoursPerAccountYear(team t: Int, coverageHoursPerYear hours: Double) -> Double {
    let team = teams[t]
    guard team.accounts > 0 else { return 0 }
    return hours / (1 + team.visitShare * team.travelPerVisit) / team.accounts
  }
}
