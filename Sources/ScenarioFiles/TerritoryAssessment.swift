import CCCMSupport
import CoverageModel
import Foundation

/// `cccm territories FILE`: who covers which account and how evenly the work is spread (MODEL
/// §15), for a scenario or, for a variant, after its changes with each account's owner before.
public struct TerritoryAssessment: Sendable {
  public var scenario: Scenario
  /// The scenario a variant extends, whose assignment "before" is read from (nil: not a variant).
  public var baseline: Scenario?
  public var teams: [TerritoryMeasure]
  /// Each rep of the teams with `rep_territories` (MODEL §14), team by team.
  public var reps: [RepMeasure]
  /// Named accounts in segment and rank order (only those whose owner changed with
  /// `changesOnly`), each with its owner in the baseline when there is one.
  public var accounts: [(account: AccountMeasure, before: String?)]
  /// How evenly each quantity is spread across reps and across teams.
  public var balance: [BalanceRow]
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
    let measures = scenario.territoryAndRepMeasures()
    let before = Dictionary((baseline?.accountMeasures() ?? []).map { ("\($0.segment)\u{0}\($0.name)", $0.owner ?? "(uncovered)") }, uniquingKeysWith: { a, _ in a })
    var accounts: [(AccountMeasure, String?)] = []
    for account in scenario.accountMeasures() {
      let previous = baseline == nil ? nil : before["\(account.segment)\u{0}\(account.name)"]
      if changesOnly, baseline != nil, previous == (account.owner ?? "(uncovered)") { continue }
      accounts.append((account, previous))
    }
    let balance = BalanceRow.rows(teams: measures.teams, reps: measures.reps)
    let reserved = Set(AccountList.reservedColumns + ["owner"])
    let columns = scenario.segments.compactMap(\.accountList).flatMap(\.columns).filter { !reserved.contains($0) }.uniqued()
    return TerritoryAssessment(
      scenario: scenario, baseline: baseline, teams: measures.teams, reps: measures.reps, accounts: accounts, balance: balance, files: loaded.files, attributeColumns: columns)
  }

  /// Whether an account's rep is part of its assignment (some team has `rep_territories`).
  public var assignsReps: Bool { !reps.isEmpty }

  /// The assignment as CSV rows (header first): segment, name, team (and its rep where the team
  /// has `rep_territories`, and the team before, for a variant), potential, expected
  /// opportunities and bookings a year, and the lists' attributes. Cells are raw text: the writer
  /// makes them safe.
  public var assignmentRows: [[String]] {
    var header = ["segment", "name", "team"]
    if assignsReps { header.append("rep") }
    if baseline != nil { header.append("previous_team") }
    header += ["potential", "expected_opportunities_year", "expected_bookings_year"] + attributeColumns
    var rows = [header]
    for (account, before) in accounts {
      var row = [account.segment, account.name, account.owner ?? "(uncovered)"]
      if assignsReps { row.append(account.rep.map { "\(account.owner ?? "")-\($0)" } ?? "") }
      if baseline != nil { row.append(before ?? "(none)") }
      row += [account.potential.map { NumberText.shortest($0) } ?? "", NumberText.shortest(account.opportunities), NumberText.shortest(account.bookings)]
      row += attributeColumns.map { account.attributes[$0] ?? "" }
      rows.append(row)
    }
    return rows
  }
}

/// How evenly one quantity is spread: across reps (each rep of a team with `rep_territories` its
/// own accounts, the reps of any other team an equal share of its territory) or across teams
/// (each team's value per rep).
public struct BalanceRow: Hashable, Sendable {
  public enum Scope: String, Hashable, Sendable {
    case reps
    case teams
  }
  public var quantity: String
  public var across: Scope
  public var balance: Balance
  /// Whether the quantity is money (bookings).
  public var isMoney: Bool

  /// The balance of each quantity across reps, then across teams: accounts, potential, expected
  /// opportunities and bookings, deal-days; and where teams have `time`, their hours of work and
  /// travel (over those teams only).
  static func rows(teams: [TerritoryMeasure], reps: [RepMeasure]) -> [BalanceRow] {
    struct Quantity {
      var name: String
      var money = false
      var timedOnly = false
      var team: (TerritoryMeasure) -> Double
      var rep: (RepMeasure) -> Double
    }
    var quantities = [
      Quantity(name: "accounts per rep", team: \.accounts, rep: \.accounts),
      Quantity(name: "potential per rep", team: \.potential, rep: \.potential),
      Quantity(name: "expected opportunities per rep", team: \.opportunities, rep: \.opportunities),
      Quantity(name: "expected bookings per rep", money: true, team: \.bookings, rep: \.bookings),
      Quantity(name: "workload per rep (deal-days)", team: \.dealDays, rep: \.dealDays),
    ]
    if teams.contains(where: { $0.hours != nil }) {
      quantities.append(Quantity(name: "workload per rep (hours)", timedOnly: true, team: { $0.hours?.work ?? 0 }, rep: \.work))
      quantities.append(Quantity(name: "travel per rep (hours)", timedOnly: true, team: { $0.hours?.travel ?? 0 }, rep: \.travel))
    }
    var rows: [BalanceRow] = []
    for scope in [Scope.reps, .teams] {
      for quantity in quantities {
        var values: [Double] = []
        for team in teams where team.reps > 0 && (!quantity.timedOnly || team.hours != nil) {
          let perRep = quantity.team(team) / Double(team.reps)
          let own = reps.filter { $0.team == team.team }
          switch scope {
          case .reps: values += own.isEmpty ? Array(repeating: perRep, count: team.reps) : own.map(quantity.rep)
          case .teams: values.append(perRep)
          }
        }
        if let balance = Balance(values) { rows.append(BalanceRow(quantity: quantity.name, across: scope, balance: balance, isMoney: quantity.money)) }
      }
    }
    return rows
  }
}
