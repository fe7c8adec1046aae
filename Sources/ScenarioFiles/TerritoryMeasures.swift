import CoverageModel
import Foundation
import Randomness

/// What an account team's territory holds and asks, in expectation a year, from the scenario
/// alone (no simulation): its accounts and their potential, the opportunities they bring, the
/// bookings those would give at the team's stage advance rates and fit (before capacity,
/// presales and specialists), and the work they ask: deal-days (opportunities x the expected
/// days a deal is open, each stage weighted by the chance of reaching it) and, for a team with
/// `time` (MODEL §14), hours.
public struct TerritoryMeasure: Hashable, Sendable {
  public var team: String
  public var reps: Int
  public var capacity: Int
  public var accounts: Double = 0
  /// The potential of its accounts (a list's `potential` column, or `account_potential`'s
  /// quantiles), counting an account as 1 where all are alike.
  public var potential: Double = 0
  public var opportunities: Double = 0
  public var bookings: Double = 0
  public var dealDays: Double = 0
  /// The hours, for a team with `time` (nil: it works by slots).
  public var hours: TerritoryHours?

  /// Deals open at once on average (Little's law), and that against its slots.
  public var openDeals: Double { dealDays / 365 }
  public var load: Double { capacity > 0 ? openDeals / Double(capacity) : 0 }

  /// The workload the team's capacity is stated in: hours of work for a team with `time`, else
  /// deal-days.
  public var workload: Double { hours?.work ?? dealDays }
  public var workloadUnit: WorkloadUnit { hours == nil ? .dealDays : .hours }
  /// The workload against the capacity: work over selling hours, or open deals over slots.
  public var workloadLoad: Double { hours?.load ?? load }
}

/// The unit of a workload: hours of a rep's work (a team with `time`), or deal-days.
public enum WorkloadUnit: String, Hashable, Sendable {
  case hours
  case dealDays = "deal-days"
}

/// A team with `time`: the hours its territory asks a year against the hours its reps sell.
public struct TerritoryHours: Hashable, Sendable {
  /// Its reps' selling hours a year.
  public var selling: Double
  /// Hours of work on deals a year: each stage's effort hours (x the fit's effort factor) and its
  /// visits' travel, each stage weighted by the chance of reaching it.
  public var work: Double = 0
  /// Of `work`, the travel to the deals' visits.
  public var travel: Double = 0
  /// Hours of travel one visit costs a rep, and the ground (km2) a rep travels and the team covers.
  public var travelPerVisit: Double
  public var repGround: Double
  public var ground: Double
  /// Each account belongs to one rep (`rep_territories`).
  public var repTerritories: Bool
  /// Share of customer-facing coverage hours spent in visits (`coverage_visit_share`).
  public var visitShare: Double

  /// The work against the selling hours.
  public var load: Double { selling > 0 ? work / selling : 0 }
  /// Customer-facing coverage hours per account-year from the hours deals leave (MODEL §14:
  /// visits among them cost their travel), for `accounts` accounts.
  public func coverageHoursPerAccountYear(accounts: Double) -> Double {
    accounts > 0 ? max(0, selling - work) / (1 + visitShare * travelPerVisit) / accounts : 0
  }
}

/// One rep of a team with `rep_territories`: the accounts dealt to it (their ordinal among the
/// team's accounts modulo its reps, `Scenario.accountOrdinals`, as the engine deals them) and what
/// they bring and ask.
public struct RepMeasure: Hashable, Sendable {
  public var team: String
  /// From 1.
  public var rep: Int
  public var accounts: Double = 0
  public var potential: Double = 0
  public var opportunities: Double = 0
  public var bookings: Double = 0
  public var dealDays: Double = 0
  /// Hours of work on its deals a year, and of those the travel to visits (ground: the team's
  /// divided by its reps).
  public var work: Double = 0
  public var travel: Double = 0
  /// Its selling hours a year.
  public var selling: Double = 0

  /// The rep's name in an assignment: the team's name and its number.
  public var name: String { "\(team)-\(rep)" }
  public var load: Double { selling > 0 ? work / selling : 0 }
}

/// One named account: where it sits, who owns it and what it brings a year in expectation.
public struct AccountMeasure: Hashable, Sendable {
  public var segment: String
  public var name: String
  public var rank: Int
  /// The owner team's name, or nil when the account is declared uncovered.
  public var owner: String?
  /// The owner's rep (from 1) when the owner has `rep_territories`.
  public var rep: Int?
  public var potential: Double?
  public var areaShare: Double?
  public var opportunities: Double
  public var bookings: Double
  public var dealDays: Double
  /// Hours of work a year on its deals when the owner has `time`.
  public var work: Double?
  public var attributes: [String: String]
}

/// What an opportunity of a segment asks of an account team, in expectation: the chance it is won,
/// the days it is open, and the rep's effort hours and visits (each stage weighted by the chance of
/// reaching it).
struct ExpectedDeal {
  var win = 0.0
  var days = 0.0
  var effortHours = 0.0
  var visits = 0.0

  /// Hours of a rep's work with `travelPerVisit` hours of travel a visit.
  func work(travelPerVisit: Double) -> Double { effortHours + visits * travelPerVisit }
}

extension Scenario {
  /// Per segment and account team: the chance an opportunity is won, its expected days open, and
  /// its effort hours and visits.
  func expectedDeal(segment: Segment, team: Team) -> ExpectedDeal {
    guard let name = motionName(segment: segment, team: team), let motion = motion(named: name) else { return ExpectedDeal() }
    let fit = fit(teamKind: team.kind, tier: segment.tier)
    var reach = 1.0
    var deal = ExpectedDeal()
    for stage in motion.stages {
      deal.days += reach * stage.days.mean * fit.daysFactor
      deal.effortHours += reach * (stage.effortHours?.mean ?? 0) * fit.effortFactor
      deal.visits += reach * stage.visits
      reach *= stage.advance
    }
    deal.win = min(1, reach * fit.winFactor)
    return deal
  }

  /// Hours of travel a visit costs a rep of each team with `time` (0 for the others).
  func travelPerVisitByTeam() -> [Double] {
    teams.map { $0.time != nil && $0.kind.ownsAccounts ? travelHoursPerVisit(team: $0) : 0 }
  }

  /// Each account of each named segment with its owner (and rep) and expected work, in rank order.
  public func accountMeasures() -> [AccountMeasure] {
    var rows: [AccountMeasure] = []
    let travel = travelPerVisitByTeam()
    let ordinals = usesRepTerritories ? accountOrdinals() : []
    for (s, segment) in segments.enumerated() {
      guard let list = segment.accountList else { continue }
      let weights = accountWeights(segment)
      let rate = segment.arrivalsPerDay * 365
      for entry in accountOwners(segment: s) {
        let account = list.accounts[entry.rank]
        var row = AccountMeasure(
          segment: segment.name, name: account.name, rank: entry.rank, owner: nil, potential: account.potential, areaShare: account.areaShare,
          opportunities: rate * weights.opportunity[entry.rank], bookings: 0, dealDays: 0, attributes: account.attributes)
        if case .team(let t)? = entry.owner {
          let team = teams[t]
          row.owner = team.name
          let deal = expectedDeal(segment: segment, team: team)
          row.bookings = rate * weights.value[entry.rank] * segment.dealSize.mean * deal.win
          row.dealDays = row.opportunities * deal.days
          if let time = team.time {
            row.work = row.opportunities * deal.work(travelPerVisit: travel[t])
            if time.repTerritories, team.reps > 0 { row.rep = max(0, Int(ordinals[s][entry.rank])) % team.reps + 1 }
          }
        }
        rows.append(row)
      }
    }
    return rows
  }

  /// Per account of a segment (rank order): its share of the segment's opportunities and its
  /// share x its deal size factor (so x mean deal size = its expected deal value a year / rate).
  func accountWeights(_ segment: Segment) -> (opportunity: [Double], value: [Double]) {
    let n = segment.accounts
    let potentials = segment.accountPotentials()
    let total = potentials.reduce(0, +)
    guard !potentials.isEmpty, total > 0 else {
      let equal = Array(repeating: 1 / Double(n), count: n)
      return (equal, equal)
    }
    let mean = total / Double(n)
    let shares = potentials.map { $0 / total }
    let values = zip(shares, potentials).map { share, q in
      share * (segment.sizeElasticity == 0 || mean <= 0 ? 1 : Foundation.pow(q / mean, segment.sizeElasticity))
    }
    return (shares, values)
  }

  /// Each account team's territory measures, in scenario order.
  public func territoryMeasures() -> [TerritoryMeasure] { territoryAndRepMeasures().teams }

  /// Each account team's territory measures, in scenario order, and each rep of the teams with
  /// `rep_territories` (team by team, rep by rep).
  public func territoryAndRepMeasures() -> (teams: [TerritoryMeasure], reps: [RepMeasure]) {
    var measures = teams.map { TerritoryMeasure(team: $0.name, reps: $0.reps, capacity: $0.capacity) }
    let travel = travelPerVisitByTeam()
    var reps: [[RepMeasure]] = teams.map { _ in [] }
    let ordinals = usesRepTerritories ? accountOrdinals() : []
    for (t, team) in teams.enumerated() where team.kind.ownsAccounts {
      guard let time = team.time else { continue }
      measures[t].hours = TerritoryHours(
        selling: Double(team.reps) * time.sellingHoursPerYear, travelPerVisit: travel[t], repGround: repGround(ofTeam: team), ground: ground(ofTeam: team),
        repTerritories: time.repTerritories, visitShare: time.coverageVisitShare)
      if time.repTerritories {
        reps[t] = (0..<max(team.reps, 0)).map { RepMeasure(team: team.name, rep: $0 + 1, selling: time.sellingHoursPerYear) }
      }
    }
    for (s, (segment, slices)) in zip(segments, territories()).enumerated() {
      let weights = accountWeights(segment)
      let potentials = segment.accountPotentials()
      let n = Double(segment.accounts)
      let rate = segment.arrivalsPerDay * 365
      for slice in slices {
        guard case .team(let t) = slice.owner else { continue }
        // The accounts at positions rank / N within the slice, as the engine assigns them.
        let first = Int((slice.lower * n - 1e-9).rounded(.up))
        let end = min(segment.accounts, Int((slice.upper * n - 1e-9).rounded(.up)))
        guard first < end else { continue }
        let deal = expectedDeal(segment: segment, team: teams[t])
        let opportunityShare = weights.opportunity[first..<end].reduce(0, +)
        measures[t].accounts += Double(end - first)
        measures[t].potential += potentials.isEmpty ? Double(end - first) : potentials[first..<end].reduce(0, +)
        measures[t].opportunities += rate * opportunityShare
        measures[t].bookings += rate * weights.value[first..<end].reduce(0, +) * segment.dealSize.mean * deal.win
        measures[t].dealDays += rate * opportunityShare * deal.days
        let work = deal.work(travelPerVisit: travel[t])
        let visitTravel = deal.visits * travel[t]
        measures[t].hours?.work += rate * opportunityShare * work
        measures[t].hours?.travel += rate * opportunityShare * visitTravel
        guard !reps[t].isEmpty else { continue }
        // The engine deals the team's accounts to its reps by their ordinal modulo its reps.
        for rank in first..<end {
          let r = max(0, Int(ordinals[s][rank])) % reps[t].count
          let opportunities = rate * weights.opportunity[rank]
          reps[t][r].accounts += 1
          reps[t][r].potential += potentials.isEmpty ? 1 : potentials[rank]
          reps[t][r].opportunities += opportunities
          reps[t][r].bookings += rate * weights.value[rank] * segment.dealSize.mean * deal.win
          reps[t][r].dealDays += opportunities * deal.days
          reps[t][r].work += opportunities * work
          reps[t][r].travel += opportunities * visitTravel
        }
      }
    }
    let owning = teams.indices.filter { teams[$0].kind.ownsAccounts }
    return (owning.map { measures[$0] }, owning.flatMap { reps[$0] })
  }
}

/// How evenly a quantity is spread: the coefficient of variation (sd / mean, population sd) and
/// the largest over the smallest.
public struct Balance: Hashable, Sendable {
  public var coefficientOfVariation: Double
  public var largest: Double
  public var smallest: Double
  public var ratio: Double { smallest > 0 ? largest / smallest : .infinity }

  public init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    coefficientOfVariation = mean > 0 ? variance.squareRoot() / mean : 0
    largest = values.max() ?? 0
    smallest = values.min() ?? 0
  }
}
