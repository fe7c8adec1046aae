import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles
import Simulation

/// One simulated replication written as a CRM export (`cccm export`): the opportunities with the
/// columns the shipped mapping reads, an owners table (rep -> team) and an accounts table
/// (account -> the segment as its sector), and a mapping that reads them back with `cccm fit`,
/// segments grouped by that sector, so a fit can be checked against the scenario it came from.
public struct SimulatedExport: Sendable {
  public static let header = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value"]
  /// Day 0's date when the scenario has no start_date.
  public static let defaultStart = CalendarDate(year: 2027, month: 1, day: 1)

  public var opportunities: String
  public var owners: String
  public var accounts: String
  /// Rows written (opportunities).
  public var rows: Int

  /// The opportunities of one replication's trace, dated from the scenario's start_date: engaged
  /// on the day it arrived, closed on the day it was won or lost (whole days, rounded down).
  public init(_ trace: [TracedOpportunity], scenario: Scenario) {
    let start = Day(scenario.startDate ?? Self.defaultStart)
    func date(_ t: Double) -> String { start.advanced(by: Int(t.rounded(.down))).description }
    var lines = [Self.header.joined(separator: ",")]
    var owners: [String: String] = [:]
    var accounts: [String: String] = [:]
    for o in trace {
      let segment = scenario.segments[o.segment]
      let team = scenario.teams[o.team]
      let id: String
      let account: String
      if o.pipelineRow >= 0 {
        let deal = scenario.pipeline[o.pipelineRow]
        id = deal.id
        account = deal.account.isEmpty ? "\(segment.name)-pipeline" : deal.account
      } else {
        id = "S\(o.segment)-\(o.arrival)"
        account = "\(segment.name)-\(o.account)"
      }
      // Reps: the seat of a team of people, else one of the team's reps by the deal's key.
      let rep = o.rep >= 0 ? o.rep : Int(o.key % UInt64(max(team.reps, 1)))
      let agent = "\(team.name)-\(rep)"
      owners[agent] = team.name
      accounts[account] = segment.name
      let stage: String
      var close = ""
      var value = ""
      switch o.outcome {
      case .won:
        stage = "Won"
        value = String(format: "%.2f", o.value)
      case .lost:
        stage = "Lost"
        value = "0"
      case .open, .stale: stage = "Engaging"
      }
      // A stale deal is what a CRM shows: open, with no close date.
      if let closed = o.closed, o.outcome != .stale { close = date(closed) }
      let product = o.solution >= 0 ? scenario.solutions[o.solution].name : ""
      lines.append([id, agent, product, account, stage, date(o.created), close, value].map(Self.field).joined(separator: ","))
    }
    opportunities = lines.joined(separator: "\n") + "\n"
    self.owners = (["sales_agent,manager"] + owners.keys.sorted().map { "\(Self.field($0)),\(Self.field(owners[$0] ?? ""))" }).joined(separator: "\n") + "\n"
    self.accounts = (["account,sector"] + accounts.keys.sorted().map { "\(Self.field($0)),\(Self.field(accounts[$0] ?? ""))" }).joined(separator: "\n") + "\n"
    rows = trace.count
  }

  /// The mapping that reads the export back: `ownersFile` and `accountsFile` as written beside
  /// it (relative to the mapping), segments by the accounts' sector (the scenario's segments).
  public static func mapping(scenario: Scenario, ownersFile: String, accountsFile: String) -> String {
    let tier = scenario.segments.first?.tier.rawValue ?? "smb"
    return """
      # Written by cccm export: reads the simulated export back with cccm fit (docs/calibration.md).
      opportunities: {id: opportunity_id, owner: sales_agent, account: account, product: product, stage: deal_stage, engaged: engage_date, closed: close_date, amount: close_value}
      date_format: YYYY-MM-DD
      stages: {won: [Won], lost: [Lost], open: [Engaging]}
      owners: {file: \(quoted(ownersFile)), key: sales_agent, team: manager}
      accounts: {file: \(quoted(accountsFile)), key: account, industry: sector}
      segments: {by: [industry]}   # the sector is the simulated segment
      scenario: {name: \(quoted(scenario.name + "-refit")), tier: \(tier), since: \(scenario.startDate ?? defaultStart), bootstrap: 200, seed: 1, account_potential: opportunities}

      """
  }

  static func quoted(_ text: String) -> String { YAMLText.quoted(text) }

  /// A CSV field (`CSV.field`), with a leading `'` where a spreadsheet opening the export would run
  /// a name from the scenario as a formula (`CSV.looksLikeFormula`).
  static func field(_ text: String) -> String { CSV.field(CSV.looksLikeFormula(text) ? "'" + text : text) }

}
