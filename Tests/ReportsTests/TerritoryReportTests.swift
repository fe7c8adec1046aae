import CoverageModel
import Foundation
import Reports
import TestSupport
import Testing

@testable import ScenarioFiles

/// `cccm territories`: the measures of each team, their balance, and the assignment file.
@Suite("Territories report")
struct TerritoryReportTests {
  /// A new scratch folder holding `files` (name: text).
  static func folder(_ files: [String: String]) throws -> URL {
    let directory = try scratchFolder("territories")
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return directory
  }

  /// A directory with an account list (a hostile name among them), a baseline and a variant.
  static func fixture() throws -> URL {
    try folder([
      "accounts.csv": "name,country,potential\nSiemens,DE,50\n\"=HYPERLINK(\"\"x\"\")\",DE,30\nNestle,CH,45\nErste,AT,8\n",
      "base.yaml": """
        name: base
        segments:
          - {name: S, tier: key, accounts: {file: accounts.csv}, opportunities_per_account_year: 2, deal_size: 100000, motion: m}
        motions:
          - {name: m, stages: [{name: a, days: 30, advance: 0.5}, {name: b, days: 60, advance: 0.5}]}
        teams:
          - {name: DE, kind: key_account, reps: 2, covers: {segments: S, country: DE}}
          - {name: Alps, kind: key_account, reps: 1, covers: {segments: S, country: [AT, CH]}}
        """,
      "move.yaml": "extends: base.yaml\nname: move\nchanges:\n  - move_accounts: {from: Alps, to: DE, accounts: [Nestle]}\n",
    ])
  }

  @Test("each team's accounts, potential, opportunities, bookings and deal-days follow from the list and the motion")
  func measures() throws {
    let directory = try Self.fixture()
    let a = try TerritoryAssessment.assess(path: directory.appendingPathComponent("base.yaml").path)
    let de = try #require(a.teams.first { $0.team == "DE" })
    // 4 accounts x 2 a year = 8 opportunities; DE holds potential 80 of 133.
    #expect(de.accounts == 2 && de.potential == 80)
    #expect(abs(de.opportunities - 8 * 80 / 133) < 1e-9)
    // Win 0.25, deal 100000; days open 30 + 0.5 x 60 = 60.
    #expect(abs(de.bookings - de.opportunities * 0.25 * 100_000) < 1e-6)
    #expect(abs(de.dealDays - de.opportunities * 60) < 1e-9)
    // Per rep: DE 40 potential a rep, Alps 53: the balance reads those.
    let potential = try #require(a.balance.first { $0.quantity == "potential per rep" }?.balance)
    #expect(potential.largest == 53 && potential.smallest == 40)
  }

  @Test("a variant's assignment names each account's owner before; --changes-only keeps the moved; the file is safe for spreadsheets")
  func assignment() throws {
    let directory = try Self.fixture()
    let all = try TerritoryAssessment.assess(path: directory.appendingPathComponent("move.yaml").path)
    #expect(all.accounts.count == 4)
    let changed = try TerritoryAssessment.assess(path: directory.appendingPathComponent("move.yaml").path, changesOnly: true)
    #expect(changed.accounts.map(\.account.name) == ["Nestle"])
    #expect(changed.accounts.first?.before == "Alps" && changed.accounts.first?.account.owner == "DE")
    let csv = TerritoryReport.assignmentCSV(all)
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines[0] == "segment,name,team,previous_team,potential,expected_opportunities_year,expected_bookings_year,country")
    // The formula-looking name is neutralised (a leading quote) and quoted.
    #expect(lines.contains { $0.hasPrefix("S,\"'=HYPERLINK(\"\"x\"\")\",DE,DE,") })
    let html = TerritoryReport.document(changed, changesOnly: true).render(.html)
    #expect(html.contains("Workload per rep by team") && html.contains("Accounts that change owner (1)"))
  }

  /// Two teams working by hours on one region of 10,000 km2: DE (two reps, each its own accounts)
  /// holds A and B, a quarter of the ground each; Alps (one rep) holds C and D.
  static func hoursFixture() throws -> URL {
    try folder([
      "accounts.csv": "name,region,country,potential,area_share\nA,R,DE,50,0.25\nB,R,DE,45,0.25\nC,R,AT,30,0.3\nD,R,AT,8,0.2\n",
      "base.yaml": """
        name: hours
        regions: [{name: R, area_km2: 10000}]
        segments:
          - {name: S, tier: key, accounts: {file: accounts.csv}, opportunities_per_account_year: 2, deal_size: 100000, motion: m}
        motions:
          - {name: m, stages: [{name: a, days: 30, advance: 0.5, effort_hours: 10, visits: 1}, {name: b, days: 60, advance: 0.5, effort_hours: 20, visits: 2}]}
        teams:
          - {name: DE, kind: key_account, reps: 2, covers: {segments: S, country: DE}, time: {hours_per_week: 40, selling_share: 0.5, weeks_per_year: 46}, rep_territories: true}
          - {name: Alps, kind: key_account, reps: 1, covers: {segments: S, country: [AT]}, time: {hours_per_week: 40, selling_share: 0.5, weeks_per_year: 46}}
        """,
    ])
  }

  @Test("a team with time: hours of work from each stage's effort and its visits' travel, on the ground its accounts' area_share give")
  func hours() throws {
    let a = try TerritoryAssessment.assess(path: try Self.hoursFixture().appendingPathComponent("base.yaml").path)
    let de = try #require(a.teams.first { $0.team == "DE" })
    let hours = try #require(de.hours)
    // DE's accounts stand for half the region: 5,000 km2, 2,500 a rep with rep territories.
    #expect(abs(hours.ground - 5000) < 1e-6 && abs(hours.repGround - 2500) < 1e-6)
    let travel = 2 * 1.3 * 0.376 * 2500.0.squareRoot() / 60
    #expect(abs(hours.travelPerVisit - travel) < 1e-12)
    // A deal asks 10 h and a visit, then with probability 0.5 another 20 h and two visits.
    #expect(abs(hours.work - de.opportunities * (20 + 2 * travel)) < 1e-9)
    #expect(abs(hours.travel - de.opportunities * 2 * travel) < 1e-9)
    #expect(abs(hours.selling - 2 * 40 * 0.5 * 46) < 1e-9)
    #expect(de.workloadUnit == .hours && de.workload == hours.work && de.workloadLoad == hours.load)
    // Alps pools its work: one rep on the whole of its ground (half the region).
    let alps = try #require(a.teams.first { $0.team == "Alps" }?.hours)
    #expect(!alps.repTerritories && abs(alps.repGround - 5000) < 1e-6)
  }

  @Test("with rep_territories each rep has its accounts (dealt in turn, as the engine deals them); balance reads each rep's own")
  func reps() throws {
    let a = try TerritoryAssessment.assess(path: try Self.hoursFixture().appendingPathComponent("base.yaml").path)
    #expect(a.reps.map(\.name) == ["DE-1", "DE-2"])
    #expect(a.reps.map(\.potential) == [50, 45] && a.reps.map(\.accounts) == [1, 1])
    #expect(abs(a.reps.reduce(0) { $0 + $1.work } - (a.teams.first { $0.team == "DE" }?.hours?.work ?? 0)) < 1e-9)
    // Across reps: DE-1 50, DE-2 45, and Alps' one rep 38; across teams: DE 47.5 a rep, Alps 38.
    let potential = try #require(a.balance.first { $0.quantity == "potential per rep" && $0.across == .reps }?.balance)
    #expect(potential.largest == 50 && potential.smallest == 38)
    let teams = try #require(a.balance.first { $0.quantity == "potential per rep" && $0.across == .teams }?.balance)
    #expect(teams.largest == 47.5 && teams.smallest == 38)
    #expect(a.balance.contains { $0.quantity == "workload per rep (hours)" })
    // The assignment names each account's rep; whole numbers are written without a fraction.
    let lines = TerritoryReport.assignmentCSV(a).split(separator: "\n").map(String.init)
    #expect(lines[0] == "segment,name,team,rep,potential,expected_opportunities_year,expected_bookings_year,region,country")
    #expect(lines[1].hasPrefix("S,A,DE,DE-1,50,") && lines[2].hasPrefix("S,B,DE,DE-2,45,") && lines[3].hasPrefix("S,C,Alps,,30,"))
    let csv = TerritoryReport.document(a).render(.csv).split(separator: "\n").map(String.init)
    #expect(csv[1].hasPrefix("DE,2,") && csv[1].contains(",2,95,") && csv[1].contains(",hours,"))
    let html = TerritoryReport.document(a).render(.html)
    #expect(html.contains("Hours of work per rep") && html.contains("DE-2"))
  }

  @Test("a team owning scattered ranks (a split by attribute) deals its own accounts to its reps in turn: each rep holds them to within one")
  func scatteredRanks() throws {
    // DE owns ranks 0, 2 and 4; by rank modulo its two reps, all three would be DE-1's.
    let directory = try Self.folder([
      "accounts.csv": "name,region,country,potential\nA,R,DE,60\nB,R,AT,50\nC,R,DE,40\nD,R,AT,30\nE,R,DE,20\nF,R,AT,10\n",
      "base.yaml": """
        name: scattered
        regions: [{name: R, area_km2: 10000}]
        segments:
          - {name: S, tier: key, accounts: {file: accounts.csv}, opportunities_per_account_year: 2, deal_size: 100000, motion: m}
        motions:
          - {name: m, stages: [{name: a, days: 30, advance: 0.5, effort_hours: 10}]}
        teams:
          - {name: DE, kind: key_account, reps: 2, covers: {segments: S, country: DE}, time: {hours_per_week: 40}, rep_territories: true}
          - {name: Alps, kind: key_account, reps: 2, covers: {segments: S, country: AT}, time: {hours_per_week: 40}, rep_territories: true}
        """,
    ])
    let a = try TerritoryAssessment.assess(path: directory.appendingPathComponent("base.yaml").path)
    #expect(a.reps.map(\.name) == ["DE-1", "DE-2", "Alps-1", "Alps-2"])
    #expect(a.reps.map(\.accounts) == [2, 1, 2, 1])
    #expect(a.reps.map(\.potential) == [80, 40, 60, 30])
    // The assignment names the same reps.
    #expect(a.accounts.map { $0.account.rep } == [1, 1, 2, 2, 1, 1])
  }
}
