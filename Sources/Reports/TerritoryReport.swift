import Charts
import CoverageModel
import Foundation
import ScenarioFiles

/// `cccm territories`' report: each account team's accounts, potential, expected opportunities,
/// bookings and workload (hours of work for a team with `time`, else deal-days, against its
/// capacity), the hours and travel of the teams with `time`, each rep of the teams with
/// `rep_territories`, the balance of each per-rep quantity across reps and across teams, and
/// each named account's owner (and rep; with the owner before, for a variant). `--format html`
/// adds charts of workload and opportunities per rep.
public enum TerritoryReport {
  struct HoursJSON: Encodable, Sendable {
    let selling_hours_year: Double
    let work_hours_year: Double
    let travel_hours_year: Double
    let travel_hours_per_visit: Double
    let rep_ground_km2: Double
    let ground_km2: Double
    let coverage_hours_per_account_year: Double
    let rep_territories: Bool
  }
  struct TeamJSON: Encodable, Sendable {
    let team: String
    let reps: Int
    let slots: Int
    let accounts: Double
    let potential: Double
    let expected_opportunities_year: Double
    let expected_bookings_year: Double
    let workload_year: Double
    let workload_unit: String
    let workload_deal_days_year: Double
    let open_deals: Double
    let load: Double
    let hours: HoursJSON?
  }
  struct RepJSON: Encodable, Sendable {
    let team: String
    let rep: String
    let accounts: Double
    let potential: Double
    let expected_opportunities_year: Double
    let expected_bookings_year: Double
    let workload_deal_days_year: Double
    let work_hours_year: Double
    let travel_hours_year: Double
    let selling_hours_year: Double
    let load: Double
  }
  struct BalanceJSON: Encodable, Sendable {
    let quantity: String
    let across: String
    let coefficient_of_variation: Double
    let largest: Double
    let smallest: Double
    let largest_over_smallest: Double?
  }
  struct AccountJSON: Encodable, Sendable {
    let segment: String
    let name: String
    let team: String
    let rep: String?
    let previous_team: String?
    let potential: Double?
    let expected_opportunities_year: Double
    let expected_bookings_year: Double
    let work_hours_year: Double?
    let attributes: [String: String]
  }
  struct TerritoriesJSON: Encodable, Sendable {
    let scenario: String
    let baseline: String?
    let teams: [TeamJSON]
    let reps: [RepJSON]
    let balance: [BalanceJSON]
    let accounts: [AccountJSON]
  }

  static let money = MetricUnit.money

  static func number(_ x: Double) -> String {
    guard x.isFinite else { return "-" }
    return abs(x) >= 100 ? MetricUnit.count.format(x.rounded()) : String(format: "%.1f", x)
  }
  static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
  static func whole(_ x: Double) -> String { MetricUnit.count.format(x.rounded()).replacingOccurrences(of: ".00", with: "") }

  public static func document(_ a: TerritoryAssessment, changesOnly: Bool = false) -> ReportDocument {
    var doc = ReportDocument()
    doc.title = "Territories: \(a.scenario.name)"
    let timed = a.teams.contains { $0.hours != nil }
    doc.add(.title("Territories of \(a.scenario.name)\(a.baseline.map { " (after the changes to \($0.name))" } ?? "")", gap: true))
    doc.add(.text(
      "Expected a year from the scenario alone (no simulation): opportunities from the accounts' potentials, bookings at the\n"
        + "team's stage advance rates and fit (before capacity, presales and specialists), workload as deal-days (opportunities x\n"
        + "the expected days a deal is open) against slots (load = deal-days / 365 / slots)"
        + (timed
          ? ", or for a team\nwith time as hours of work (each stage's effort hours and its visits' travel, weighted by the chance of reaching it)\nagainst its reps' selling hours.\n\n"
          : ".\n\n")))
    var table = TextTable(header: ["team", "reps", "accounts", "potential", "opportunities", "bookings", "workload", "unit", "per rep", "load", "of"], textColumns: 1)
    for t in a.teams {
      let capacity = t.hours.map { "\(whole($0.selling)) h" } ?? "\(t.capacity) slots"
      table.add([
        t.team, "\(t.reps)", whole(t.accounts), number(t.potential), number(t.opportunities), money.format(t.bookings), number(t.workload), t.workloadUnit.rawValue,
        number(t.reps > 0 ? t.workload / Double(t.reps) : 0), percent(t.workloadLoad), capacity,
      ])
    }
    doc.add(.table(table, coloured: false))
    if timed {
      doc.add(.text("\n"))
      doc.add(.title("Hours of the teams with time (a year; travel from the ground a rep covers)", gap: true))
      var hours = TextTable(
        header: ["team", "selling h", "work h", "of which travel", "spare h", "travel/visit", "ground km2", "rep ground km2", "coverage h/account"], textColumns: 1)
      for t in a.teams {
        guard let h = t.hours else { continue }
        hours.add([
          t.team, whole(h.selling), whole(h.work), whole(h.travel), whole(max(0, h.selling - h.work)), String(format: "%.2f h", h.travelPerVisit), whole(h.ground),
          whole(h.repGround), String(format: "%.2f", h.coverageHoursPerAccountYear(accounts: t.accounts)),
        ])
      }
      doc.add(.table(hours, coloured: false))
    }
    if !a.reps.isEmpty {
      doc.add(.text("\n"))
      doc.add(.title("Reps (teams with rep_territories: each rep works the accounts dealt to it)", gap: true))
      var reps = TextTable(header: ["team", "rep", "accounts", "potential", "opportunities", "bookings", "deal-days", "work h", "travel h", "load"], textColumns: 2)
      for r in a.reps {
        reps.add([
          r.team, r.name, whole(r.accounts), number(r.potential), number(r.opportunities), money.format(r.bookings), number(r.dealDays), number(r.work), number(r.travel),
          percent(r.load),
        ])
      }
      doc.add(.table(reps, coloured: false))
    }
    doc.add(.text("\n"))
    doc.add(.title(
      a.reps.isEmpty
        ? "Balance across reps (each team's reps share its territory equally) and across teams (each team's value per rep)"
        : "Balance across reps (a rep with its own territory its own accounts, other teams' reps an equal share) and across teams (per rep)", gap: true))
    var balance = TextTable(header: ["per rep", "across", "coefficient of variation", "largest", "smallest", "largest / smallest"], textColumns: 2)
    for row in a.balance {
      let b = row.balance
      let largest = row.isMoney ? money.format(b.largest) : number(b.largest)
      let smallest = row.isMoney ? money.format(b.smallest) : number(b.smallest)
      let ratio = b.ratio.isFinite ? String(format: "%.2f", b.ratio) : "-"
      balance.add([row.quantity, row.across.rawValue, String(format: "%.2f", b.coefficientOfVariation), largest, smallest, ratio])
    }
    doc.add(.table(balance, coloured: false))
    if !a.accounts.isEmpty || changesOnly {
      doc.add(.text("\n"))
      let heading = changesOnly && a.baseline != nil ? "Accounts that change owner (\(a.accounts.count))" : "Accounts (\(a.accounts.count))"
      doc.add(.title(heading, gap: true))
      var header = ["segment", "account", "team"]
      if a.assignsReps { header.append("rep") }
      if a.baseline != nil { header.append("before") }
      header += ["potential", "opportunities", "bookings"] + a.attributeColumns
      var accounts = TextTable(header: header, textColumns: header.count - a.attributeColumns.count - 3)
      for (account, before) in a.accounts {
        var row = [account.segment, account.name, account.owner ?? "(uncovered)"]
        if a.assignsReps { row.append(account.rep.map { "\(account.owner ?? "")-\($0)" } ?? "") }
        if a.baseline != nil { row.append(before ?? "(none)") }
        row += [account.potential.map(number) ?? "-", String(format: "%.2f", account.opportunities), money.format(account.bookings)]
        row += a.attributeColumns.map { account.attributes[$0] ?? "" }
        accounts.add(row)
      }
      doc.add(.table(accounts, coloured: false))
    }
    doc.csvHeader = [
      "team", "reps", "slots", "accounts", "potential", "expected_opportunities_year", "expected_bookings_year", "workload_year", "workload_unit",
      "workload_deal_days_year", "open_deals", "selling_hours_year", "travel_hours_year", "travel_hours_per_visit", "ground_km2", "load",
    ]
    doc.csvRows = a.teams.map { t in
      func hours(_ value: (TerritoryHours) -> Double) -> ReportDocument.CSVCell { t.hours.map { .shortest(value($0)) } ?? .text("") }
      return [
        .text(t.team), .shortest(Double(t.reps)), .shortest(Double(t.capacity)), .shortest(t.accounts), .shortest(t.potential), .shortest(t.opportunities),
        .shortest(t.bookings), .shortest(t.workload), .text(t.workloadUnit.rawValue), .shortest(t.dealDays), .shortest(t.openDeals), hours(\.selling), hours(\.travel),
        hours(\.travelPerVisit), hours(\.ground), .shortest(t.workloadLoad),
      ]
    }
    doc.json = TerritoriesJSON(
      scenario: a.scenario.name, baseline: a.baseline?.name,
      teams: a.teams.map { t in
        TeamJSON(
          team: t.team, reps: t.reps, slots: t.capacity, accounts: t.accounts, potential: t.potential, expected_opportunities_year: t.opportunities,
          expected_bookings_year: t.bookings, workload_year: t.workload, workload_unit: t.workloadUnit.rawValue, workload_deal_days_year: t.dealDays,
          open_deals: t.openDeals, load: t.workloadLoad,
          hours: t.hours.map { h in
            HoursJSON(
              selling_hours_year: h.selling, work_hours_year: h.work, travel_hours_year: h.travel, travel_hours_per_visit: h.travelPerVisit, rep_ground_km2: h.repGround,
              ground_km2: h.ground, coverage_hours_per_account_year: h.coverageHoursPerAccountYear(accounts: t.accounts), rep_territories: h.repTerritories)
          })
      },
      reps: a.reps.map { r in
        RepJSON(
          team: r.team, rep: r.name, accounts: r.accounts, potential: r.potential, expected_opportunities_year: r.opportunities, expected_bookings_year: r.bookings,
          workload_deal_days_year: r.dealDays, work_hours_year: r.work, travel_hours_year: r.travel, selling_hours_year: r.selling, load: r.load)
      },
      balance: a.balance.map {
        BalanceJSON(
          quantity: $0.quantity, across: $0.across.rawValue, coefficient_of_variation: $0.balance.coefficientOfVariation, largest: $0.balance.largest,
          smallest: $0.balance.smallest, largest_over_smallest: $0.balance.ratio.isFinite ? $0.balance.ratio : nil)
      },
      accounts: a.accounts.map { account, before in
        AccountJSON(
          segment: account.segment, name: account.name, team: account.owner ?? "(uncovered)", rep: account.rep.map { "\(account.owner ?? "")-\($0)" },
          previous_team: a.baseline == nil ? nil : (before ?? "(none)"), potential: account.potential, expected_opportunities_year: account.opportunities,
          expected_bookings_year: account.bookings, work_hours_year: account.work, attributes: account.attributes)
      })
    doc.charts = charts(a)
    return doc
  }

  /// The assignment as a CSV file, every cell made safe for spreadsheets (names come from the
  /// account lists: third-party data).
  public static func assignmentCSV(_ a: TerritoryAssessment) -> String {
    a.assignmentRows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// Bars of each per-rep quantity that shows balance best, workload and opportunities: a bar per
  /// rep of a team with `rep_territories`, else a bar per team (its value per rep).
  static func charts(_ a: TerritoryAssessment) -> [any Chart] {
    func chart(id: String, title: String, description: String, axisTitle: String, teams: [TerritoryMeasure], team: (TerritoryMeasure) -> Double, rep: (RepMeasure) -> Double) -> IntervalChart {
      var entries: [(label: String, value: Double)] = []
      for t in teams where t.reps > 0 {
        let own = a.reps.filter { $0.team == t.team }
        if own.isEmpty { entries.append((t.team, team(t) / Double(t.reps))) } else { entries += own.map { ($0.name, rep($0)) } }
      }
      let weights = teams.filter { $0.reps > 0 }.flatMap { t in a.reps.contains { $0.team == t.team } ? a.reps.filter { $0.team == t.team }.map { _ in 1.0 } : [Double(t.reps)] }
      let total = weights.reduce(0, +)
      let mean = total > 0 ? zip(entries, weights).reduce(0) { $0 + $1.0.value * $1.1 } / total : 0
      let rows = entries.map { entry in
        IntervalChart.Row(
          label: entry.label, estimate: entry.value, low: entry.value, high: entry.value, marked: true, colour: entry.value > mean * 1.2 ? Palette.vermillion : Palette.blue,
          valueLabel: number(entry.value) + (mean > 0 ? String(format: " (%+.0f%%)", (entry.value / mean - 1) * 100) : ""))
      }
      return IntervalChart(
        id: id, title: title, description: description, axis: Axis(title: axisTitle, includeZero: true), rows: rows, style: .bars,
        legend: [LegendEntry("per rep", colour: Palette.blue, mark: .band, opacity: 1), LegendEntry("more than 20% above the mean", colour: Palette.vermillion, mark: .band, opacity: 1)])
    }
    var charts = [
      chart(
        id: "workload-per-rep", title: "Workload per rep by team (deal-days a year)",
        description: "Expected deal-days a year per rep of each account team (each rep of a team with rep territories), and its difference from the mean over reps.",
        axisTitle: "deal-days a year per rep", teams: a.teams, team: \.dealDays, rep: \.dealDays)
    ]
    let timed = a.teams.filter { $0.hours != nil }
    if !timed.isEmpty {
      charts.append(
        chart(
          id: "hours-per-rep", title: "Hours of work per rep (teams with time, a year)",
          description: "Expected hours of work on deals a year, travel to visits included, per rep of each team with time (each rep of a team with rep territories), and its difference from the mean over reps.",
          axisTitle: "hours a year per rep", teams: timed, team: { $0.hours?.work ?? 0 }, rep: \.work))
    }
    charts.append(
      chart(
        id: "opportunities-per-rep", title: "Expected opportunities per rep by team (a year)",
        description: "Expected opportunities a year per rep of each account team (each rep of a team with rep territories), from the accounts' potentials.",
        axisTitle: "opportunities a year per rep", teams: a.teams, team: \.opportunities, rep: \.opportunities))
    return charts
  }
}
