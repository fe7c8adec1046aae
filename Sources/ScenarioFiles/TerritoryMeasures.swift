import CoverageModel
import Foundation
import Randomness

/// What an account team's territory holds and asks, in expectation a year, from the scenario
/// alone (no simulation): its accounts and their potential, the opportunities they bring, the
/// bookings those would give at the team's stage advance rates and fit (before capacity,
/// presales and specialists), and the deal-days its reps spend working them (opportunities x the
/// expected days a deal is open, each stage weighted by the chance of reaching it).
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

  /// Deals open at once on average (Little's law), and that against its slots.
  public var openDeals: Double { dealDays / 365 }
  public var load: Double { capacity > 0 ? openDeals / Double(capacity) : 0 }
}

/// One named account: where it sits, who owns it and what it brings a year in expectation.
public struct AccountMeasure: Hashable, Sendable {
  public var segment: String
  public var name: String
  public var rank: Int
  /// The owner team's name, or nil when the account is declared uncovered.
  public var owner: String?
  public var potential: Double?
  public var areaShare: Double?
  public var opportunities: Double
  public var bookings: Double
  public var dealDays: Double
  public var attributes: [String: String]
}

extension Scenario {
  /// Per segment and account team: the chance an opportunity is won, and its expected days open.
  func expectedDeal(segment: Segment, team: Team) -> (win: Double, days: Double) {
    guard let name = motionName(segment: segment, team: team), let motion = motion(named: name) else { return (0, 0) }
    let fit = fit(teamKind: team.kind, tier: segment.tier)
    var reach = 1.0
    var days = 0.0
    for stage in motion.stages {
      days += reach * stage.days.mean * fit.daysFactor
      reach *= stage.advance
    }
    return (min(1, reach * fit.winFactor), days)
  }

  /// Each account of each named segment with its owner and expected work, in rank order.
  public func accountMeasures() -> [AccountMeasure] {
    var rows: [AccountMeasure] = []
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
          row.owner = teams[t].name
          let deal = expectedDeal(segment: segment, team: teams[t])
          row.bookings = rate * weights.value[entry.rank] * segment.dealSize.mean * deal.win
          row.dealDays = row.opportunities * deal.days
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
  public func territoryMeasures() -> [TerritoryMeasure] {
    var measures = teams.map { TerritoryMeasure(team: $0.name, reps: $0.reps, capacity: $0.capacity) }
    for (segment, slices) in zip(segments, territories()) {
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
      }
    }
    return zip(teams, measures).filter { $0.0.kind.ownsAccounts }.map(\.1)
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
