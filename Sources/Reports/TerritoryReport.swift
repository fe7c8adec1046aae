import Charts
import CoverageModel
import Foundation
import ScenarioFiles

/// `cccm territories`' report: each account team's accounts, potential, expected opportunities,
/// bookings and workload (deal-days a year, and open deals against its slots), the balance of
/// each per-rep quantity across reps, and each named account's owner (with the owner before, for
/// a variant). `--format html` adds a chart of workload and opportunities per rep by team.
public enum TerritoryReport {
  struct TeamJSON: Encodable, Sendable {
    let team: String
    let reps: Int
    let slots: Int
    let accounts: Double
    let potential: Double
    let expected_opportunities_year: Double
    let expected_bookings_year: Double
    let workload_deal_days_year: Double
    let open_deals: Double
    let load: Double
  }
  struct BalanceJSON: Encodable, Sendable {
    let quantity: String
    let coefficient_of_variation: Double
    let largest: Double
    let smallest: Double
    let largest_over_smallest: Double?
  }
  struct AccountJSON: Encodable, Sendable {
    let segment: String
    let name: String
    let team: String
    let previous_team: String?
    let potential: Double?
    let expected_opportunities_year: Double
    let expected_bookings_year: Double
    let attributes: [String: String]
  }
  struct TerritoriesJSON: Encodable, Sendable {
    let scenario: String
    let baseline: String?
    let teams: [TeamJSON]
    let balance: [BalanceJSON]
    let accounts: [AccountJSON]
  }

  static let money = MetricUnit.money

  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return abs(x) >= 100 ? MetricUnit.count.format(x.rounded()) : String(format: "%.1f", x)
  }

  public static func document(_ a: TerritoryAssessment, changesOnly: Bool = false) -> ReportDocument {
    var doc = ReportDocument()
    doc.title = "Territories: \(a.scenario.name)"
    doc.add(.title("Territories of \(a.scenario.name)\(a.baseline.map { " (after the changes to \($0.name))" } ?? "")", gap: true))
    doc.add(.text(
      "Expected a year from the scenario alone (no simulation): opportunities from the accounts' potentials, bookings at the\n"
        + "team's stage advance rates and fit (before capacity, presales and specialists), workload as deal-days (opportunities x\n"
        + "the expected days a deal is open); open deals = deal-days / 365, load = open deals / slots.\n\n"))
    var table = TextTable(header: ["team", "reps", "accounts", "potential", "opportunities", "bookings", "deal-days", "per rep", "open deals", "slots", "load"], textColumns: 1)
    for t in a.teams {
      table.add([
        t.team, "\(t.reps)", MetricUnit.count.format(t.accounts.rounded()).replacingOccurrences(of: ".00", with: ""), number(t.potential), number(t.opportunities), money.format(t.bookings), number(t.dealDays),
        number(t.reps > 0 ? t.dealDays / Double(t.reps) : 0), number(t.openDeals), "\(t.capacity)", String(format: "%.0f%%", t.load * 100),
      ])
    }
    doc.add(.table(table, coloured: false))
    doc.add(.text("\n"))
    doc.add(.title("Balance across reps (each team's reps share its territory equally)", gap: true))
    var balance = TextTable(header: ["per rep", "coefficient of variation", "largest", "smallest", "largest / smallest"], textColumns: 1)
    for (quantity, b) in a.balance {
      let isMoney = quantity.contains("bookings")
      let largest = isMoney ? money.format(b.largest) : number(b.largest)
      let smallest = isMoney ? money.format(b.smallest) : number(b.smallest)
      let ratio = b.ratio.isFinite ? String(format: "%.2f", b.ratio) : "-"
      balance.add([quantity, String(format: "%.2f", b.coefficientOfVariation), largest, smallest, ratio])
    }
    doc.add(.table(balance, coloured: false))
    if !a.accounts.isEmpty || changesOnly {
      doc.add(.text("\n"))
      let heading = changesOnly && a.baseline != nil ? "Accounts that change owner (\(a.accounts.count))" : "Accounts (\(a.accounts.count))"
      doc.add(.title(heading, gap: true))
      var header = ["segment", "account", "team"]
      if a.baseline != nil { header.append("before") }
      header += ["potential", "opportunities", "bookings"] + a.attributeColumns
      var accounts = TextTable(header: header, textColumns: a.baseline != nil ? 4 : 3)
      for (account, before) in a.accounts {
        var row = [account.segment, account.name, account.owner ?? "(uncovered)"]
        if a.baseline != nil { row.append(before ?? "(none)") }
        row += [account.potential.map(number) ?? "-", String(format: "%.2f", account.opportunities), money.format(account.bookings)]
        row += a.attributeColumns.map { account.attributes[$0] ?? "" }
        accounts.add(row)
      }
      doc.add(.table(accounts, coloured: false))
    }
    doc.csvHeader = ["team", "reps", "slots", "accounts", "potential", "expected_opportunities_year", "expected_bookings_year", "workload_deal_days_year", "open_deals", "load"]
    doc.csvRows = a.teams.map { t in
      [.text(t.team), .number(Double(t.reps)), .number(Double(t.capacity)), .number(t.accounts), .number(t.potential), .number(t.opportunities), .number(t.bookings), .number(t.dealDays), .number(t.openDeals), .number(t.load)]
    }
    doc.json = TerritoriesJSON(
      scenario: a.scenario.name, baseline: a.baseline?.name,
      teams: a.teams.map {
        TeamJSON(
          team: $0.team, reps: $0.reps, slots: $0.capacity, accounts: $0.accounts, potential: $0.potential, expected_opportunities_year: $0.opportunities,
          expected_bookings_year: $0.bookings, workload_deal_days_year: $0.dealDays, open_deals: $0.openDeals, load: $0.load)
      },
      balance: a.balance.map {
        BalanceJSON(quantity: $0.quantity, coefficient_of_variation: $0.balance.coefficientOfVariation, largest: $0.balance.largest, smallest: $0.balance.smallest, largest_over_smallest: $0.balance.ratio.isFinite ? $0.balance.ratio : nil)
      },
      accounts: a.accounts.map { account, before in
        AccountJSON(
          segment: account.segment, name: account.name, team: account.owner ?? "(uncovered)", previous_team: a.baseline == nil ? nil : (before ?? "(none)"),
          potential: account.potential, expected_opportunities_year: account.opportunities, expected_bookings_year: account.bookings, attributes: account.attributes)
      })
    doc.charts = charts(a)
    return doc
  }

  /// The assignment as a CSV file, every cell made safe for spreadsheets (names come from the
  /// account lists: third-party data).
  public static func assignmentCSV(_ a: TerritoryAssessment) -> String {
    a.assignmentRows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// Bars per team of each per-rep quantity that shows balance best: workload and opportunities.
  static func charts(_ a: TerritoryAssessment) -> [any Chart] {
    func chart(id: String, title: String, description: String, axisTitle: String, value: (TerritoryMeasure) -> Double) -> IntervalChart {
      let values = a.teams.map { $0.reps > 0 ? value($0) / Double($0.reps) : 0 }
      let repsTotal = a.teams.reduce(0) { $0 + $1.reps }
      let mean = repsTotal > 0 ? zip(a.teams, values).reduce(0) { $0 + Double($1.0.reps) * $1.1 } / Double(repsTotal) : 0
      let rows = zip(a.teams, values).enumerated().map { i, pair in
        IntervalChart.Row(
          label: pair.0.team, estimate: pair.1, low: pair.1, high: pair.1, marked: true, colour: pair.1 > mean * 1.2 ? Palette.vermillion : Palette.blue,
          valueLabel: number(pair.1) + (mean > 0 ? String(format: " (%+.0f%%)", (pair.1 / mean - 1) * 100) : ""))
      }
      return IntervalChart(
        id: id, title: title, description: description, axis: Axis(title: axisTitle, includeZero: true), rows: rows, style: .bars,
        legend: [LegendEntry("per rep", colour: Palette.blue, mark: .band, opacity: 1), LegendEntry("more than 20% above the mean", colour: Palette.vermillion, mark: .band, opacity: 1)])
    }
    return [
      chart(
        id: "workload-per-rep", title: "Workload per rep by team (deal-days a year)",
        description: "Expected deal-days a year per rep of each account team, and its difference from the rep-weighted mean.",
        axisTitle: "deal-days a year per rep", value: \.dealDays),
      chart(
        id: "opportunities-per-rep", title: "Expected opportunities per rep by team (a year)",
        description: "Expected opportunities a year per rep of each account team, from the accounts' potentials.",
        axisTitle: "opportunities a year per rep", value: \.opportunities),
    ]
  }
}
