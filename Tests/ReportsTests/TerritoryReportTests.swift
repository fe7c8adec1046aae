import CoverageModel
import Foundation
import Reports
import Testing

@testable import ScenarioFiles

/// `cccm territories`: the measures of each team, their balance, and the assignment file.
@Suite("Territories report")
struct TerritoryReportTests {
  /// A directory with an account list (a hostile name among them), a baseline and a variant.
  static func fixture() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-territories-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let files = [
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
    ]
    for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return directory
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
}
