import CoverageModel
import Foundation
import Testing

@testable import ScenarioFiles

/// The keys of MODEL.md section 16: read, checked with file:line:column messages that say the fix,
/// written back by `show`, compared by `diff`.
@Suite("Dynamics keys")
struct DynamicsKeysTests {
  static func scenario(stage: String = "{name: close, days: 10, advance: 0.5}", top: String = "", segment: String = "", team: String = "") -> String {
    """
    name: d
    regions: [North]
    \(top)
    segments:
      - {name: S, tier: smb, region: North, accounts: 10, opportunities_per_account_year: 5, deal_size: 100\(segment)}
    motions:
      - name: m
        stages:
          - \(stage)
    teams:
      - {name: T, kind: regional, reps: 3, slots_per_rep: 5, motion: m, covers: {segments: S}\(team)}
    """
  }

  static func problems(_ yaml: String) -> String {
    do {
      _ = try ScenarioLoader().load(yaml: yaml, file: "d.yaml")
      return ""
    } catch {
      return error.description
    }
  }

  @Test("every key reads, shows and reads back to the same scenario")
  func roundTrip() throws {
    let yaml = Self.scenario(
      stage: "{name: close, days: {won: {gamma: {shape: 2, mean: 45}}, lost: {exponential: {mean: 12}}}, advance: 0.6, stale: {probability: 0.2, days: 150}}",
      top: "arrival_dispersion: 0.3\nquarter_end: {last_days: 14, advance_factor: 1.2, pull_days: 31, pull_probability: 0.4}",
      segment: ", arrival_dispersion: 0.5", team: ", rep_win_factor: {gamma: {shape: 10, mean: 1}}")
    let s = try ScenarioLoader().load(yaml: yaml, file: "d.yaml")
    let stage = s.motions[0].stages[0]
    #expect(stage.days == .gamma(shape: 2, scale: 22.5) && stage.lostDays == .exponential(mean: 12))
    #expect(stage.stale == Stale(probability: 0.2, days: .constant(150)))
    #expect(s.arrivalDispersion == 0.3 && s.segments[0].arrivalDispersion == 0.5)
    #expect(s.quarterEnd?.hasPush == true && s.quarterEnd?.pullDays == 31 && s.quarterEnd?.pullProbability == 0.4)
    #expect(s.teams[0].repWinFactor == .gamma(shape: 10, scale: 0.1))
    let shown = ScenarioEncoder.yaml(s)
    let again = try ScenarioLoader().load(yaml: shown, file: "shown.yaml")
    #expect(again == s)
    #expect(ScenarioEncoder.yaml(again) == shown)
    // The pull alone: no push written back.
    let pullOnly = try ScenarioLoader().load(yaml: Self.scenario(top: "quarter_end: {pull_days: 31, pull_probability: 0.4}"), file: "d.yaml")
    #expect(pullOnly.quarterEnd?.hasPush == false && ScenarioEncoder.yaml(pullOnly).contains("quarter_end: {pull_days: 31, pull_probability: 0.4}\n"))
    // diff names what changed.
    let plain = try ScenarioLoader().load(yaml: Self.scenario(), file: "d.yaml")
    let diff = ScenarioDiff(from: plain, to: s)
    #expect(!diff.isEmpty)
  }

  @Test("a scenario without the keys is the v2 scenario: nothing new is set or written")
  func absent() throws {
    let s = try ScenarioLoader().load(yaml: Self.scenario(top: "quarter_end: {last_days: 14, advance_factor: 1.2}"), file: "d.yaml")
    #expect(s.motions[0].stages[0].lostDays == nil && s.motions[0].stages[0].stale == nil && s.arrivalDispersion == nil)
    #expect(s.segments[0].arrivalDispersion == nil && s.teams[0].repWinFactor == nil && s.quarterEnd?.pullDays == nil)
    let shown = ScenarioEncoder.yaml(s)
    #expect(!shown.contains("stale") && !shown.contains("pull") && !shown.contains("dispersion") && !shown.contains("rep_win_factor") && !shown.contains("won:"))
  }

  @Test("bad values: file:line:column, the key path and the fix")
  func refusals() {
    let lost = Self.problems(Self.scenario(stage: "{name: close, days: {won: 10}, advance: 0.5}"))
    #expect(lost.contains("d.yaml:9:") && lost.contains("motions.m.stages.close.days: missing required key \"lost\""), "\(lost)")
    let unknown = Self.problems(Self.scenario(stage: "{name: close, days: {won: 10, lsot: 5}, advance: 0.5}"))
    #expect(unknown.contains("unknown key \"lsot\"") && unknown.contains("did you mean \"lost\"?"), "\(unknown)")
    let stale = Self.problems(Self.scenario(stage: "{name: close, days: 10, advance: 0.5, stale: {probability: 1, days: 30}}"))
    #expect(stale.contains("motions.m.stages.close.stale.probability:") && stale.contains("a probability in [0, 1)"), "\(stale)")
    let pull = Self.problems(Self.scenario(top: "quarter_end: {pull_days: 31}"))
    #expect(pull.contains("d.yaml:3:") && pull.contains("quarter_end.pull_probability: missing key \"pull_probability\"; pull_days and pull_probability go together"), "\(pull)")
    let dispersion = Self.problems(Self.scenario(segment: ", arrival_dispersion: -1"))
    #expect(dispersion.contains("segments.S.arrival_dispersion:") && dispersion.contains("a coefficient of variation from 0 to 10"), "\(dispersion)")
    let factor = Self.problems(Self.scenario(team: ", rep_win_factor: {gamma: {shape: 10, mean: 1.2}}"))
    #expect(factor.contains("teams.T.rep_win_factor: its mean is 1.2; a rep's win factor is relative to the team's, so give a distribution of mean 1"), "\(factor)")
  }
}
