import CoverageModel
import Foundation

/// `cccm territories FILE`: who covers which account and how evenly the work is spread (MODEL
/// §15), for a scenario or, for a variant, after its changes with each account's owner before.
public struct TerritoryAssessment: Sendable {
  public var scenario: Scenario
  /// The scenario a variant extends, whose assignment "before" is read from (nil: not a variant).
  public var baseline: Scenario?
  public var teams: [TerritoryMeasure]
  /// Named accounts in segment and rank order (only those whose owner changed with
  /// `changesOnly`), each with its owner in the baseline when there is one.
  public var accounts: [(account: AccountMeasure, before: String?)]
  /// Balance across reps of each per-rep quantity (a team's reps share its territory equally).
  public var balance: [(quantity: String, balance: Balance)]
  /// The files read (the scenario and what it extends): an output must not overwrite them.
  public var files: [String]
  /// The list columns beyond name, potential, area_share and owner, in first-seen order.
  public var attributeColumns: [String]

  /// Loads `path` and measures its territories; `changesOnly` keeps the accounts whose owner
  /// differs from the baseline's (all of them for a scenario that extends nothing).
  public static func assess(path: String, changesOnly: Bool = false) throws(ScenarioLoadError) -> TerritoryAssessment {
    let loaded = try ScenarioLoader().loadRecordingFiles(path: path)
    let scenario = loaded.scenario
    let baseline = loaded.files.count >= 2 ? try ScenarioLoader().load(path: loaded.files[loaded.files.count - 2]) : nil
    let teams = scenario.territoryMeasures()
    let before = Dictionary((baseline?.accountMeasures() ?? []).map { ("\($0.segment)\u{0}\($0.name)", $0.owner ?? "(uncovered)") }, uniquingKeysWith: { a, _ in a })
    var accounts: [(AccountMeasure, String?)] = []
    for account in scenario.accountMeasures() {
      let previous = baseline == nil ? nil : before["\(account.segment)\u{0}\(account.name)"]
      if changesOnly, baseline != nil, previous == (account.owner ?? "(uncovered)") { continue }
      accounts.append((account, previous))
    }
    func perRep(_ name: String, _ value: (TerritoryMeasure) -> Double) -> (String, Balance)? {
      let values = teams.flatMap { team in Array(repeating: team.reps > 0 ? value(team) / Double(team.reps) : 0, count: max(team.reps, 0)) }
      return Balance(values).map { (name, $0) }
    }
    let balance = [
      perRep("accounts per rep", \.accounts), perRep("potential per rep", \.potential),
      perRep("expected opportunities per rep", \.opportunities), perRep("expected bookings per rep", \.bookings),
      perRep("workload per rep (deal-days)", \.dealDays),
    ].compactMap { $0 }
    let reserved = Set(AccountList.reservedColumns + ["owner"])
    let columns = scenario.segments.compactMap(\.accountList).flatMap(\.columns).filter { !reserved.contains($0) }.uniqued()
    return TerritoryAssessment(
      scenario: scenario, baseline: baseline, teams: teams, accounts: accounts, balance: balance, files: loaded.files, attributeColumns: columns)
  }

  /// The assignment as CSV rows (header first): segment, name, team (and the team before, for a
  /// variant), potential, expected opportunities and bookings a year, and the lists' attributes.
  /// Cells are raw text: the writer makes them safe.
  public var assignmentRows: [[String]] {
    var header = ["segment", "name", "team"]
    if baseline != nil { header.append("previous_team") }
    header += ["potential", "expected_opportunities_year", "expected_bookings_year"] + attributeColumns
    var rows = [header]
    for (account, before) in accounts {
      var row = [account.segment, account.name, account.owner ?? "(uncovered)"]
      if baseline != nil { row.append(before ?? "(none)") }
      row += [account.potential.map { "\($0)" } ?? "", "\(account.opportunities)", "\(account.bookings)"]
      row += attributeColumns.map { account.attributes[$0] ?? "" }
      rows.append(row)
    }
    return rows
  }
}
