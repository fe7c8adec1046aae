import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

// The four rules of what-if operations (docs/what-if.md) on random named-account scenarios: a
// split by attribute or names and a move by names conserve reps, slots and cost and give every
// account exactly one owner; they do not depend on the order parts, values or names are given
// in; diff names every account that changed owner; a split whose parts merge again is neutral.

private let namedScenarioCount = 60
private let countries = ["DE", "AT", "CH", "FR", "IT"]
private let sectors = ["retail", "finance", "software", "medical"]

/// A random scenario of one segment of 5-40 named accounts over 2-4 teams that own them by
/// country (a rule per team) or by the owner column, with a directory for variants.
private struct NamedGenerated {
  let directory: URL
  let scenario: Scenario
  let names: [String]

  init(seed: UInt64, in parent: URL) throws {
    var dice = SplitMix64(seed: seed)
    directory = parent.appendingPathComponent("g\(seed)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let teamCount = dice.int(2...4)
    let byOwner = dice.chance(0.5)
    let accountCount = dice.int(max(5, teamCount * 2)...40)
    let used = Array(countries.prefix(teamCount + dice.int(0...(countries.count - teamCount))))
    // Countries to teams: each team at least one.
    var countryOwner: [String: Int] = [:]
    for (i, country) in used.enumerated() { countryOwner[country] = i < teamCount ? i : dice.below(teamCount) }
    var rows = ["name,country,sector,potential,owner"]
    var names: [String] = []
    for i in 0..<accountCount {
      let name = "Acct-\(seed)-\(i)"
      names.append(name)
      let country = i < used.count ? used[i] : dice.pick(used)
      let potential = dice.chance(0.2) ? 5 : dice.int(1...200)
      rows.append("\(name),\(country),\(dice.pick(sectors)),\(potential),\(byOwner ? "T\(countryOwner[country]!)" : "")")
    }
    self.names = names
    try rows.joined(separator: "\n").write(to: directory.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
    var teams: [String] = []
    for t in 0..<teamCount {
      let mine = used.filter { countryOwner[$0] == t }
      let covers = byOwner ? "{segments: S}" : "{segments: S, country: [\(mine.joined(separator: ", "))]}"
      teams.append("  - {name: T\(t), kind: regional, reps: \(dice.int(2...9)), slots_per_rep: \(dice.int(1...6)), cost_per_rep_year: \(dice.int(50...150) * 1000), overhead_cost_year: \(dice.int(0...3) * 50000), covers: \(covers)}")
    }
    let yaml = """
      name: g\(seed)
      segments:
        - {name: S, tier: smb, accounts: {file: accounts.csv}, opportunities_per_account_year: 1.5, deal_size: {lognormal: {median: 20000, sigma: 0.7}}, size_elasticity: \(dice.chance(0.5) ? "0.5" : "0")}
      motions:
        - {name: m, stages: [{name: a, days: 10, advance: 0.6}, {name: b, days: 20, advance: 0.5}]}
      teams:
        motion_placeholder
      """.replacingOccurrences(of: "  motion_placeholder", with: teams.joined(separator: "\n").replacingOccurrences(of: "kind: regional,", with: "kind: regional, motion: m,"))
    try yaml.write(to: directory.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
    scenario = try ScenarioLoader().load(path: directory.appendingPathComponent("base.yaml").path)
  }

  func variant(_ changes: String...) throws -> Scenario {
    let text = "extends: base.yaml\nname: v\nchanges:\n" + changes.map { "  - \($0)\n" }.joined()
    let path = directory.appendingPathComponent("v-\(UUID().uuidString).yaml")
    try text.write(to: path, atomically: true, encoding: .utf8)
    return try ScenarioLoader().load(path: path.path)
  }
}

private func forEachNamed(_ property: String, _ body: (NamedGenerated, inout SplitMix64) throws -> Void) throws {
  let parent = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-named-\(property)-\(getpid())")
  defer { try? FileManager.default.removeItem(at: parent) }
  for seed in UInt64(1)...UInt64(namedScenarioCount) {
    var dice = SplitMix64(seed: seed &* 7919)
    try body(NamedGenerated(seed: seed, in: parent), &dice)
  }
}

/// Every account's owner by name.
private func owners(_ s: Scenario) -> [String: String] {
  Dictionary(uniqueKeysWithValues: s.accountMeasures().map { ($0.name, $0.owner ?? "-") })
}

private func totals(_ s: Scenario) -> (reps: Int, slots: Int, cost: Double) {
  let teams = s.teams.filter(\.kind.ownsAccounts)
  return (teams.reduce(0) { $0 + $1.reps }, teams.reduce(0) { $0 + $1.capacity }, teams.reduce(0) { $0 + $1.peopleCostYear + $1.overheadCostYear })
}

@Suite("Named-account changes: properties")
struct NamedAccountPropertyTests {
  @Test("a split by country conserves reps, slots and cost, gives each account to the part its country names, and does not depend on order")
  func splitByCountry() throws {
    try forEachNamed("split") { g, dice in
      let team = g.scenario.teams[dice.below(g.scenario.teams.count)]
      let mine = Set(g.scenario.accountMeasures().filter { $0.owner == team.name }.compactMap { $0.attributes["country"] }).sorted()
      guard mine.count >= 2, team.reps >= 2 else { return }
      let cut = dice.int(1...(mine.count - 1))
      let (first, second) = (Array(mine.prefix(cut)), Array(mine.dropFirst(cut)))
      let split = try g.variant("split_team: {team: \(team.name), by: {country: [[\(first.joined(separator: ", "))], [\(second.joined(separator: ", "))]]}, into: [{name: P1}, {name: P2}]}")
      let swapped = try g.variant("split_team: {team: \(team.name), by: {country: [[\(second.reversed().joined(separator: ", "))], [\(first.reversed().joined(separator: ", "))]]}, into: [{name: P2}, {name: P1}]}")
      #expect(totals(split).reps == totals(g.scenario).reps && totals(split).slots == totals(g.scenario).slots)
      #expect(abs(totals(split).cost - totals(g.scenario).cost) < 1e-6 * max(1, totals(g.scenario).cost))
      let before = owners(g.scenario)
      let after = owners(split)
      for measure in split.accountMeasures() {
        if before[measure.name] == team.name {
          #expect(measure.owner == (first.contains(measure.attributes["country"] ?? "") ? "P1" : "P2"))
        } else {
          #expect(measure.owner == before[measure.name])
        }
      }
      #expect(owners(swapped) == after)
      // Visible: diff names every account that changed owner.
      #expect(ScenarioDiff(from: g.scenario, to: split).accountsMoved.count == after.filter { before[$0.key] != $0.value }.count)
    }
  }

  @Test("a split whose parts merge again gives the same territories and capacity: a neutral change")
  func splitThenMerge() throws {
    try forEachNamed("neutral") { g, dice in
      let team = g.scenario.teams[dice.below(g.scenario.teams.count)]
      let mine = g.scenario.accountMeasures().filter { $0.owner == team.name }.map(\.name)
      guard mine.count >= 2, team.reps >= 2 else { return }
      let cut = dice.int(1...(mine.count - 1))
      let parts = "[[\(mine.prefix(cut).joined(separator: ", "))], [\(mine.dropFirst(cut).joined(separator: ", "))]]"
      let merged = try g.variant(
        "split_team: {team: \(team.name), by: {accounts: \(parts)}, into: [{name: P1}, {name: P2}]}",
        "merge_teams: {teams: [P2, P1], name: \(team.name)}")
      #expect(merged.territories() == g.scenario.territories())
      #expect(merged.team(named: team.name)?.capacity == team.capacity)
      #expect(merged.team(named: team.name)?.reps == team.reps)
    }
  }

  @Test("a move by names moves exactly those accounts, in any order of names, and conserves reps and slots")
  func moveByNames() throws {
    try forEachNamed("move") { g, dice in
      let from = g.scenario.teams[dice.below(g.scenario.teams.count)]
      let to = g.scenario.teams.first { $0.name != from.name }!
      let mine = g.scenario.accountMeasures().filter { $0.owner == from.name }.map(\.name)
      guard !mine.isEmpty else { return }
      let picked = dice.sample(mine, dice.int(1...mine.count))
      let moved = try g.variant("move_accounts: {from: \(from.name), to: \(to.name), accounts: [\(picked.joined(separator: ", "))]}")
      let reversed = try g.variant("move_accounts: {from: \(from.name), to: \(to.name), accounts: [\(picked.reversed().joined(separator: ", "))]}")
      let before = owners(g.scenario)
      let after = owners(moved)
      for (name, owner) in after { #expect(owner == (picked.contains(name) ? to.name : before[name])) }
      #expect(owners(reversed) == after)
      #expect(totals(moved).reps == totals(g.scenario).reps && totals(moved).slots == totals(g.scenario).slots)
      #expect(Set(ScenarioDiff(from: g.scenario, to: moved).accountsMoved.map(\.account)) == Set(picked))
      // Moving them back restores the territories.
      let back = try g.variant(
        "move_accounts: {from: \(from.name), to: \(to.name), accounts: [\(picked.joined(separator: ", "))]}",
        "move_accounts: {from: \(to.name), to: \(from.name), accounts: [\(picked.joined(separator: ", "))]}")
      #expect(back.territories() == g.scenario.territories())
    }
  }

  @Test("a split by attribute that leaves an account in no part, or names a value twice, is refused with the account")
  func splitRefusals() throws {
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "s.yaml": AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
      "v.yaml": "extends: s.yaml\nname: v\nchanges:\n  - split_team: {team: DACH, by: {country: [[DE], [AT]]}, into: [{name: DE}, {name: Alps}]}\n",
      "w.yaml": "extends: s.yaml\nname: w\nchanges:\n  - split_team: {team: DACH, by: {country: [[DE, AT], [AT, CH]]}, into: [{name: DE}, {name: Alps}]}\n",
    ])
    #expect(fixture.errors("v.yaml").first?.contains("account \"Nestle\" (country \"CH\") of \"DACH\" is in no part; add \"CH\" to one part's list") == true)
    #expect(fixture.errors("w.yaml").first?.contains("account \"Voestalpine\" (country \"AT\") is in parts 1 and 2; give it to one") == true)
  }
}
