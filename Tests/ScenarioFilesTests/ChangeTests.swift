import CoverageModel
import Foundation
import Testing

@testable import ScenarioFiles

/// Loads a variant of Tests/ScenarioFilesTests/valid.yaml with these changes.
private func variant(_ changes: String) throws -> Scenario {
  let base = testDirectory.appendingPathComponent("valid.yaml").path
  return try ScenarioLoader().load(yaml: "extends: \(base)\nname: v\nchanges:\n\(changes)", file: "variant.yaml")
}

private func base() throws -> Scenario { try ScenarioLoader().load(path: testDirectory.appendingPathComponent("valid.yaml").path) }

@Suite("What-if changes")
struct ChangeTests {
  @Test("merge_into_product_group: specialists move with their slots and uplifts, engagement becomes probabilistic")
  func mergeIntoProductGroup() throws {
    let s = try variant("  - merge_into_product_group: {teams: [Platform-Team], name: PG, engage_probability: 0.4}")
    let group = try #require(s.team(named: "PG"))
    #expect(group.kind == .productGroup)
    #expect(group.reps == 2)
    #expect(group.capacity == 2)
    #expect(group.engageProbability == 0.4)
    #expect(group.groups.first?.solutions.first?.winUplift == 1.2)
    #expect(s.team(named: "Platform-Team") == nil)
  }

  @Test("embed_solution_team: specialists become embedded specialists of the hosts needing them, reps of the hosts unchanged")
  func embed() throws {
    let s = try variant("  - embed_solution_team: {team: Platform-Team, into: [North], keep_uplift: 0.5}")
    #expect(s.team(named: "Platform-Team") == nil)
    let north = try #require(s.team(named: "North"))
    #expect(north.reps == 3)
    let skill = try #require(north.embedded.first)
    #expect(skill.solution == "Platform")
    #expect(skill.specialists == 2)
    #expect(abs(skill.winUplift - 1.1) < 1e-12)
  }

  @Test("embed_solution_team: a host that needs none of the solutions is an error")
  func embedIntoNonNeedingHost() throws {
    #expect(throws: (any Error).self) { try variant("  - embed_solution_team: {team: Platform-Team, into: [North, Finance]}") }
  }

  @Test("split_team: shares of every slice, reps apportioned, overflow redirected")
  func split() throws {
    let s = try variant("  - split_team: {team: North, into: [{name: N1, share: 0.25}, {name: N2, share: 0.75}], slots_per_rep: 6}")
    let n1 = try #require(s.team(named: "N1"))
    let n2 = try #require(s.team(named: "N2"))
    #expect(n1.covers == [Coverage(segments: ["SMB-North"], share: 0.25, offset: 0)])
    #expect(n2.covers == [Coverage(segments: ["SMB-North"], share: 0.75, offset: 0.25)])
    #expect(n1.reps + n2.reps == 3)
    #expect(n1.slotsPerRep == 6)
  }

  @Test("merge_teams: one team owns all the merged teams owned")
  func mergeTeams() throws {
    let s = try variant("  - merge_teams: {teams: [North, Finance], name: Direct, kind: regional}")
    let team = try #require(s.team(named: "Direct"))
    #expect(team.reps == 5)
    #expect(team.covers.count == 2)
    #expect(s.teams.count == 2)
  }

  @Test("move_accounts: the top share of a team's slice moves to another team")
  func moveAccounts() throws {
    let s = try variant("  - move_accounts: {from: North, to: Finance, segments: SMB-North, share: 0.3}")
    #expect(s.team(named: "North")?.covers == [Coverage(segments: ["SMB-North"], share: 0.7, offset: 0)])
    #expect(s.team(named: "Finance")?.covers.last == Coverage(segments: ["SMB-North"], share: 0.3, offset: 0.7))
  }

  @Test("resize: a team by reps, a pool by experts or by a change")
  func resize() throws {
    let s = try variant("  - resize: {team: North, reps: 9}\n  - resize: {pool: P, by: 3}")
    #expect(s.team(named: "North")?.reps == 9)
    #expect(s.pool(named: "P")?.experts == 5)
  }

  @Test("set_policy switches a pool's policy")
  func setPolicy() throws {
    #expect(try base().pool(named: "P")?.policy == .tiered)
    #expect(try variant("  - set_policy: {pool: P, policy: fifo}").pool(named: "P")?.policy == .fifo)
  }

  @Test("set: any parameter by key path, including distributions and keys left at their default")
  func set() throws {
    let s = try variant(
      """
        - set: {path: teams.North.slots_per_rep, value: 7}
        - set: {path: motions.smb.stages.close.days, value: {gamma: {shape: 2, mean: 8}}}
        - set: {path: teams.North.new_hire_share, value: 0.3}
        - set: {path: horizon_days, value: 180}
      """)
    #expect(s.team(named: "North")?.slotsPerRep == 7)
    #expect(s.motion(named: "smb")?.stages[1].days == .gamma(shape: 2, scale: 4))
    #expect(s.team(named: "North")?.newHireShare == 0.3)
    #expect(s.horizonDays == 180)
  }

  @Test("add_team and remove_team")
  func addAndRemove() throws {
    let s = try variant(
      """
        - remove_team: Platform-Team
        - add_team: {name: Platform-2, kind: solution, reps: 4, solutions: [Platform], win_uplift: 1.4}
      """
    )
    #expect(s.team(named: "Platform-Team") == nil)
    #expect(s.team(named: "Platform-2")?.winUplift == 1.4)
  }

  @Test("changes apply in order: a later change sees an earlier one's teams")
  func order() throws {
    let s = try variant(
      "  - split_team: {team: North, into: [{name: N1, share: 0.5}, {name: N2, share: 0.5}]}\n  - resize: {team: N2, reps: 4}")
    #expect(s.team(named: "N2")?.reps == 4)
  }
}

@Suite("What-if changes on hostile sizes")
struct HostileChangeTests {
  @Test("a resize by a huge number is refused, not overflowed, and a split after large resizes does not trap")
  func hugeResizes() throws {
    #expect(throws: (any Error).self) { try variant("  - resize: {team: North, by: 999999999999999}") }
    var changes = ""
    for _ in 0..<20 { changes += "  - resize: {team: North, by: 800000}\n" }
    #expect(throws: (any Error).self) { try variant(changes) }
    let s = try variant("  - resize: {team: North, by: 1000000}\n  - split_team: {team: North, into: [{name: N1, share: 0.3}, {name: N2, share: 0.7}]}")
    #expect((s.team(named: "N1")?.reps ?? 0) + (s.team(named: "N2")?.reps ?? 0) == 1_000_003)
  }

  @Test("many `set` changes on a scenario of many segments apply one by one, each to its own segment")
  func manySets() throws {
    var segments = ""
    for i in 0..<1000 {
      segments += "  - {name: S\(i), tier: smb, region: R, accounts: 10, opportunities_per_account_year: 0.1, deal_size: 1000, motion: m}\n"
    }
    let base = "name: big\nregions: [R]\nsegments:\n\(segments)motions:\n  - {name: m, stages: [{name: a, days: 1, advance: 0.5}]}\nteams:\n  - {name: T, kind: regional, reps: 1, covers: {region: R}}\n"
    let baseURL = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-big-\(UUID().uuidString).yaml")
    try base.write(to: baseURL, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: baseURL) }
    var changes = ""
    for i in stride(from: 0, to: 1000, by: 20) { changes += "  - set: {path: segments.S\(i).accounts, value: \(100 + i)}\n" }
    let s = try ScenarioLoader().load(yaml: "extends: \(baseURL.path)\nname: v\nchanges:\n\(changes)", file: "v.yaml")
    #expect(s.segments.count == 1000)
    for (i, segment) in s.segments.enumerated() {
      #expect(segment.accounts == (i % 20 == 0 ? 100 + i : 10), "\(segment.name)")
    }
  }

  @Test("`show` of names with control characters loads back to the same scenario")
  func showEscapes() throws {
    var s = try base()
    s.teams[0].name = "North\u{1B}[2J\u{7}\r"
    s.teams[1].overflow = nil
    let yaml = ScenarioEncoder.yaml(s)
    #expect(!yaml.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    let again = try ScenarioLoader().load(yaml: yaml, file: "shown.yaml")
    #expect(again.teams[0].name == s.teams[0].name)
  }
}
