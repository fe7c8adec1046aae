import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

/// `{uncertain: DISTRIBUTION}` values: the mean in the scenario, the distribution and where it was
/// written recorded; every value it can take checked like a written one.
@Suite("Uncertain values")
struct UncertainValueTests {
  static let yaml = """
    name: u
    regions: [R]
    segments:
      - name: S
        tier: smb
        region: R
        accounts: 1000
        opportunities_per_account_year: {uncertain: {uniform: {min: 0.4, max: 0.8}}}
        deal_size: 1000
        motion: m
    motions:
      - {name: m, stages: [{name: a, days: 2, advance: {uncertain: {triangular: {min: 0.2, mode: 0.3, max: 0.7}}}}]}
    teams:
      - {name: T, kind: regional, reps: 10, covers: {region: R}}
    """

  @Test("the scenario holds the mean; the distribution, key path and location are recorded")
  func decoded() throws {
    let s = try ScenarioLoader().load(yaml: Self.yaml, file: "u.yaml")
    #expect(abs(s.segments[0].opportunitiesPerAccountYear - 0.6) < 1e-12)
    #expect(abs(s.motions[0].stages[0].advance - 0.4) < 1e-12)
    #expect(s.uncertain.map(\.path).sorted() == ["motions.m.stages.a.advance", "segments.S.opportunities_per_account_year"])
    let rate = try #require(s.uncertain.first { $0.path.hasPrefix("segments") })
    #expect(rate.distribution == .uniform(min: 0.4, max: 0.8))
    #expect(rate.location == "u.yaml:8:37")
  }

  @Test("a mean is held as a written number (uniform(1.15, 1.45) is 1.3), so diff does not show it as a change from 1.3")
  func meanAsWritten() throws {
    let written = Self.yaml.replacingOccurrences(of: "{uncertain: {uniform: {min: 0.4, max: 0.8}}}", with: "1.3")
    let uncertain = Self.yaml.replacingOccurrences(of: "{uncertain: {uniform: {min: 0.4, max: 0.8}}}", with: "{uncertain: {uniform: {min: 1.15, max: 1.45}}}")
    let (a, b) = (try ScenarioLoader().load(yaml: written, file: "a.yaml"), try ScenarioLoader().load(yaml: uncertain, file: "b.yaml"))
    #expect(b.segments[0].opportunitiesPerAccountYear == 1.3)
    #expect(ScenarioDiff(from: a, to: b).segments.isEmpty, "\(ScenarioDiff(from: a, to: b).report)")
    // An uncertain solution uplift inside a team's list is reachable by name.
    let team = Self.yaml.replacingOccurrences(of: "covers: {region: R}", with: "covers: {region: R}}\n  - {name: X, kind: solution, reps: 2, solutions: [{name: P, win_uplift: {uncertain: {uniform: {min: 1, max: 1.2}}}}]")
      .replacingOccurrences(of: "motions:", with: "solutions: [{name: P}]\nmotions:")
    let decoded = try ScenarioLoader().load(yaml: team, file: "t.yaml")
    #expect(decoded.uncertain.contains { $0.path == "teams.X.solutions.P.win_uplift" })
  }

  @Test("a distribution reaching outside the key's range, a whole-number key and a list position are refused at their place")
  func refused() throws {
    let cases: [(String, String, String)] = [
      ("advance: {uncertain: {triangular: {min: 0.2, mode: 0.3, max: 0.7}}}", "advance: {uncertain: {uniform: {min: 0.5, max: 1.2}}}", "u.yaml:12:"),
      ("accounts: 1000", "accounts: {uncertain: {uniform: {min: 900, max: 1100}}}", "segments.S.accounts: expected a whole number"),
      ("{uncertain: {uniform: {min: 0.4, max: 0.8}}}", "{uncertain: {uniform: {min: 0.8, max: 0.4}}}", "segments.S.opportunities_per_account_year.uncertain.uniform"),
      ("{uncertain: {uniform: {min: 0.4, max: 0.8}}}", "{uncertain: {unifrom: {min: 0.4, max: 0.8}}}", "did you mean \"uniform\""),
      ("covers: {region: R}", "covers: [{region: R, share: {uncertain: {uniform: {min: 0.5, max: 1}}}}]", "teams.T.covers[0].share: {uncertain: ...} must be at a key path `set` can reach"),
    ]
    for (from, to, expected) in cases {
      let text = Self.yaml.replacingOccurrences(of: from, with: to)
      #expect(text != Self.yaml)
      do {
        _ = try ScenarioLoader().load(yaml: text, file: "u.yaml")
        Issue.record("accepted: \(to)")
      } catch {
        #expect(error.description.contains(expected), "\(to): \(error.description)")
      }
    }
    let outOfRange = Self.yaml.replacingOccurrences(of: "advance: {uncertain: {triangular: {min: 0.2, mode: 0.3, max: 0.7}}}", with: "advance: {uncertain: {uniform: {min: 0.5, max: 1.2}}}")
    do {
      _ = try ScenarioLoader().load(yaml: outOfRange, file: "u.yaml")
    } catch {
      #expect(error.description.contains("motions.m.stages.a.advance.uncertain: the distribution reaches 1.2, out of range: expected a probability in [0, 1]"), "\(error.description)")
    }
  }

  @Test("a variant's change fixes an uncertain value; set with {uncertain: ...} makes one, checked like a written one")
  func variants() throws {
    let directory = try scratchFolder("uncertain")
    defer { try? FileManager.default.removeItem(at: directory) }
    let base = directory.appendingPathComponent("base.yaml")
    try Self.yaml.write(to: base, atomically: true, encoding: .utf8)
    let fixed = try ScenarioLoader().load(
      yaml: "extends: \(base.path)\nname: v\nchanges:\n  - set: {path: segments.S.opportunities_per_account_year, value: 0.5}\n", file: "v.yaml")
    #expect(fixed.uncertain.map(\.path) == ["motions.m.stages.a.advance"])
    #expect(fixed.fixedUncertain == ["segments.S.opportunities_per_account_year"])
    #expect(fixed.segments[0].opportunitiesPerAccountYear == 0.5)
    let kept = try ScenarioLoader().load(yaml: "extends: \(base.path)\nname: v\nchanges:\n  - set: {path: teams.T.reps, value: 12}\n", file: "v.yaml")
    #expect(kept.uncertain.count == 2)
    let made = try ScenarioLoader().load(
      yaml: "extends: \(base.path)\nname: v\nchanges:\n  - set: {path: teams.T.cost_per_rep_year, value: {uncertain: {uniform: {min: 100000, max: 200000}}}}\n", file: "v.yaml")
    let uplift = try #require(made.uncertain.first { $0.path == "teams.T.cost_per_rep_year" })
    #expect(uplift.distribution == .uniform(min: 100_000, max: 200_000) && uplift.location.hasPrefix("v.yaml:4:"))
    #expect(made.teams[0].costPerRepYear == 150_000 && made.uncertain.count == 3)
    do {
      _ = try ScenarioLoader().load(
        yaml: "extends: \(base.path)\nname: v\nchanges:\n  - set: {path: motions.m.stages.a.advance, value: {uncertain: {uniform: {min: 0.5, max: 2}}}}\n", file: "v.yaml")
      Issue.record("set accepted a probability that can reach 2")
    } catch {
      #expect(error.description.contains("v.yaml:4:") && error.description.contains("the distribution reaches 2"), "\(error.description)")
    }
  }
}
