import CoverageModel
import Foundation
import Testing

@testable import ScenarioFiles

/// A directory holding a scenario and its account list, made fresh for one test.
struct AccountFixture {
  let directory: URL

  init(_ files: [String: String]) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-accounts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
  }

  func load(_ name: String = "s.yaml") throws(ScenarioLoadError) -> Scenario {
    try ScenarioLoader().load(path: directory.appendingPathComponent(name).path)
  }

  /// The messages of a scenario that must not load, without the directory.
  func errors(_ name: String = "s.yaml") -> [String] {
    do {
      _ = try load(name)
      return []
    } catch .invalid(let error) {
      return error.diagnostics.map { $0.description.replacingOccurrences(of: directory.path + "/", with: "") }
    } catch {
      return ["\(error)"]
    }
  }

  static let accounts = """
    name,country,industry,potential,area_share,owner
    Siemens,DE,Manufacturing,50,0.3,
    Bosch,DE,Manufacturing,30,0.2,
    Allianz,DE,Finance,40,0.1,
    Voestalpine,AT,Manufacturing,10,0.15,
    Erste,AT,Finance,8,0.05,
    Nestle,CH,Manufacturing,45,0.1,
    UBS,CH,Finance,35,0.1,
    """

  /// A scenario over `accounts.csv` whose teams are `teams` (YAML flow mappings, one a line).
  static func scenario(teams: [String], extra: String = "") -> String {
    """
    name: dach
    regions: [DACH]
    industries: [Manufacturing, Finance]
    segments:
      - {name: Key-DACH, tier: key, region: DACH, accounts: {file: accounts.csv}, opportunities_per_account_year: 2,
         deal_size: {lognormal: {median: 200000, sigma: 0.8}}, motion: key}
    motions:
      - {name: key, stages: [{name: qualify, days: 30, advance: 0.7}, {name: close, days: 60, advance: 0.5}]}
    teams:
    \(teams.map { "  - " + $0 }.joined(separator: "\n"))
    \(extra)
    """
  }
}

@Suite("Named accounts")
struct NamedAccountTests {
  @Test("a list ranks its accounts by potential, the largest first, and counts them")
  func ranking() throws {
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "s.yaml": AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
    ])
    let scenario = try fixture.load()
    let segment = try #require(scenario.segments.first)
    #expect(segment.accounts == 7)
    #expect(segment.accountList?.accounts.map(\.name) == ["Siemens", "Nestle", "Allianz", "UBS", "Bosch", "Voestalpine", "Erste"])
    #expect(scenario.territories()[0] == [Territory(lower: 0, upper: 1, owner: .team(0))])
  }

  @Test("covers selects accounts by an attribute: each team owns its countries' accounts, at their ranks")
  func byAttribute() throws {
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "s.yaml": AccountFixture.scenario(teams: [
        "{name: DE, kind: key_account, reps: 2, covers: {segments: Key-DACH, country: DE}}",
        "{name: Alps, kind: key_account, reps: 2, covers: {segments: Key-DACH, country: [AT, CH]}}",
      ]),
    ])
    let scenario = try fixture.load()
    let owners = scenario.accountOwners(segment: 0).map(\.owner)
    // Siemens, Nestle, Allianz, UBS, Bosch, Voestalpine, Erste
    #expect(owners == [.team(0), .team(1), .team(0), .team(1), .team(0), .team(1), .team(1)])
    let slices = scenario.territories()[0]
    #expect(slices.count == 6)
    #expect(slices.first == Territory(lower: 0, upper: 1.0 / 7, owner: .team(0)))
    #expect(slices.last == Territory(lower: 5.0 / 7, upper: 1, owner: .team(1)))
  }

  @Test("the owner column is the assignment teams start from; a rule naming accounts takes them whatever it says")
  func ownerColumn() throws {
    let list = """
      name,owner
      A,North
      B,South
      C,
      D,North
      """
    let fixture = try AccountFixture([
      "accounts.csv": list,
      "s.yaml": AccountFixture.scenario(teams: [
        "{name: North, kind: key_account, reps: 2, covers: {segments: Key-DACH, except: [D]}}",
        "{name: South, kind: key_account, reps: 2, covers: [{segments: Key-DACH, share: 0.5}, {segments: Key-DACH, accounts: [D]}]}",
      ]).replacingOccurrences(of: "region: DACH, ", with: ""),
    ])
    let scenario = try fixture.load()
    // A: owner cell North (though in South's range); B: owner cell South; C: no owner cell, only in
    // North's range; D: North leaves it out, South names it.
    #expect(scenario.accountOwners(segment: 0).map(\.owner) == [.team(0), .team(1), .team(0), .team(1)])
  }

  @Test("bad lists are refused at their file, row and column, with a fix")
  func badLists() throws {
    let bad = """
      name,country,industry,potential,area_share,owner
      Siemens,DE,Manufacturing,50,0.3,
      Siemens,DE,Manufacturing,30,0.2,
      Erste,AT,Finance,-1,0.05,
      """
    let fixture = try AccountFixture([
      "accounts.csv": bad, "s.yaml": AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
    ])
    #expect(
      fixture.errors() == [
        "accounts.csv:3:1: error: segments.Key-DACH.accounts[1].name: duplicate account \"Siemens\" (first on row 2); account names must be unique in a list",
        "accounts.csv:4:4: error: segments.Key-DACH.accounts[1].potential: \"-1\" is not a potential of at least 0; give every account a size (any scale: revenue, employees, opportunities a year)",
      ])
  }

  @Test("an account no team covers, or two cover, names its row; a value no rule names offers the rule's nearest")
  func owners() throws {
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "s.yaml": AccountFixture.scenario(teams: [
        "{name: DE, kind: key_account, reps: 2, covers: {segments: Key-DACH, country: [DE, AT]}}",
        "{name: Alps, kind: key_account, reps: 2, covers: {segments: Key-DACH, country: [AT, CHE]}}",
      ]),
    ])
    let errors = fixture.errors()
    #expect(errors.contains("accounts.csv:5:1: error: segments.Key-DACH.accounts.Voestalpine: account \"Voestalpine\" is covered by \"DE\" or \"Alps\"; every account needs exactly one owner: narrow a rule (by an attribute, accounts: [...] or share and offset) or set its owner column"))
    #expect(errors.contains("accounts.csv:7:2: error: segments.Key-DACH.accounts.Nestle.country: no team covers account \"Nestle\"; no rule names its country \"CH\" (a rule names \"CHE\": a misspelling in the file or in the rule?); name it in a rule or declare it under uncovered"))
    #expect(errors.contains { $0.hasPrefix("s.yaml:") && $0.hasSuffix("teams.Alps.covers.country: no account has country \"CHE\"; did you mean \"CH\"?") })
  }

  @Test("cells must name the scenario's industries and account teams; area shares add up to 1 per region")
  func cellsAndAreas() throws {
    let bad = """
      name,industry,area_share,owner
      A,Finanz,0.5,
      B,Finance,0.4,Nord
      """
    let fixture = try AccountFixture([
      "accounts.csv": bad, "s.yaml": AccountFixture.scenario(teams: ["{name: Nord-Ost, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
    ])
    #expect(
      fixture.errors() == [
        "accounts.csv:2:2: error: segments.Key-DACH.accounts.A.industry: no industry \"Finanz\" in industries; did you mean \"Finance\"?",
        "accounts.csv:3:4: error: segments.Key-DACH.accounts.B.owner: no account team \"Nord\"; account teams: Nord-Ost",
        "accounts.csv:2:3: error: regions.DACH.area_share: the area shares of region \"DACH\" add up to 0.9 over 2 accounts; they must add up to 1 (each account's share of the region's ground)",
      ])
  }

  @Test("a list without potentials or attributes is the same scenario as its count: one owner, equal accounts")
  func countEquivalent() throws {
    let fixture = try AccountFixture([
      "accounts.csv": "name\nA\nB\nC\n",
      "s.yaml": AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
    ])
    let named = try fixture.load()
    var counted = named
    counted.segments[0].accountList = nil
    #expect(named.territories() == counted.territories())
    #expect(named.segments[0].accountPotentials().isEmpty && named.segments[0].accounts == 3)
  }

  @Test("a set change over a scenario with account lists reads them from the file that named them, wherever the variant is")
  func setKeepsLists() throws {
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "s.yaml": AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"]),
    ])
    let variants = fixture.directory.appendingPathComponent("variants")
    try FileManager.default.createDirectory(at: variants, withIntermediateDirectories: true)
    let text = "extends: ../s.yaml\nname: v\nchanges:\n  - set: {path: travel, value: {speed_kmh: 80}}\n  - set: {path: segments.Key-DACH.opportunities_per_account_year, value: 3}\n"
    try text.write(to: variants.appendingPathComponent("v.yaml"), atomically: true, encoding: .utf8)
    #expect(fixture.errors("variants/v.yaml") == [])
    let scenario = try fixture.load("variants/v.yaml")
    #expect(scenario.segments[0].accountList?.file == "accounts.csv" && scenario.segments[0].accountList?.accounts.count == 7)
    #expect(scenario.travel.speedKmh == 80 && scenario.segments[0].opportunitiesPerAccountYear == 3)
  }

  @Test("a starting pipeline's deals on listed accounts follow them: a split team's name in the file still loads, the deal goes to its account's part")
  func pipelineFollowsAccounts() throws {
    let base = AccountFixture.scenario(teams: ["{name: DACH, kind: key_account, reps: 4, covers: {segments: Key-DACH}}"], extra: "warmup_days: 0\npipeline: open.csv")
    let fixture = try AccountFixture([
      "accounts.csv": AccountFixture.accounts,
      "open.csv": "id,segment,account,team,stage,days_in_stage\n1,Key-DACH,Nestle,DACH,close,10\n2,Key-DACH,Bosch,DACH,qualify,5\n",
      "s.yaml": base,
      "v.yaml": "extends: s.yaml\nname: v\nchanges:\n  - split_team: {team: DACH, by: {country: [[DE], [AT, CH]]}, into: [{name: DE, reps: 2}, {name: Alps, reps: 2}]}\n",
    ])
    #expect(try fixture.load().pipelineTeams() == [0, 0])
    #expect(fixture.errors("v.yaml") == [])
    let split = try fixture.load("v.yaml")
    #expect(split.pipelineTeams().map { $0.map { split.teams[$0].name } } == ["Alps", "DE"])
  }
}
