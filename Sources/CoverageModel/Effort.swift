import Foundation

/// A team's working time: the hours its reps sell, from which deals, travel and coverage are paid.
///
/// A team with `time` states its capacity in hours instead of slots (docs/model.md, "Effort").
public struct WorkingTime: Hashable, Sendable {
  public var hoursPerWeek: Double = 40
  /// Share of the working week spent selling (the rest: administration, training, internal work).
  public var sellingShare: Double = 0.6
  public var weeksPerYear: Double = 46
  /// Each account belongs to one rep, the only one who works it; a rep's ground is the team's
  /// divided by its reps (false: every rep travels the team's whole ground).
  public var repTerritories = false
  /// How a rep orders its pending work.
  public var triage: Triage = .shared
  /// An arrival is declined when every rep holds more than this many weeks of pending work (nil: never).
  public var backlogWeeks: Double?
  /// Share of customer-facing coverage hours spent in visits (each one hour plus the travel to it).
  public var coverageVisitShare: Double = 0

  public init(hoursPerWeek: Double = 40, sellingShare: Double = 0.6, weeksPerYear: Double = 46) {
    self.hoursPerWeek = hoursPerWeek
    self.sellingShare = sellingShare
    self.weeksPerYear = weeksPerYear
  }

  /// Selling hours a rep has in a working week.
  public var sellingHoursPerWeek: Double { hoursPerWeek * sellingShare }
  /// Selling hours a rep has in a year.
  public var sellingHoursPerYear: Double { sellingHoursPerWeek * weeksPerYear }
  /// Selling hours accruing per calendar day (evenly: no weekday structure).
  public var sellingHoursPerDay: Double { sellingHoursPerYear / 364 }
}

/// How a rep shares its selling hours among the pending work of its open deals.
public enum Triage: String, Hashable, Sendable, CaseIterable {
  /// Processor sharing: every pending piece of work advances at the same rate.
  case shared
  /// The deal of highest expected value first (grade, then deal size x remaining win probability).
  case value
}

/// How reps move between accounts: the travel time of a visit comes from the ground covered.
public struct Travel: Hashable, Sendable {
  public var speedKmh: Double = 60
  /// Road distance over straight-line distance.
  public var circuity: Double = 1.3
  public init(speedKmh: Double = 60, circuity: Double = 1.3) {
    self.speedKmh = speedKmh
    self.circuity = circuity
  }

  /// The mean straight-line distance from the centre of a disc of this area to a point in it:
  /// 2/3 of the radius, 0.376 x sqrt(area).
  public static func meanDistanceKm(groundKm2: Double) -> Double { 0.376 * groundKm2.squareRoot() }

  /// Hours of travel a visit costs (there and back) on this much ground.
  public func hoursPerVisit(groundKm2: Double) -> Double {
    2 * circuity * Self.meanDistanceKm(groundKm2: groundKm2) / speedKmh
  }
}

/// How a segment's demand responds to the coverage its accounts get.
///
/// The opportunity rate per account is base x min(max_factor, (h / h0)^elasticity), h the
/// customer-facing coverage hours per account-year.
public struct DemandResponse: Hashable, Sendable {
  /// 0.34: the mean personal-selling elasticity of Albers, Mantrala and Sridhar's meta-analysis (2010).
  public var elasticity: Double = 0.34
  /// The coverage hours per account-year at which the base rate was observed.
  public var referenceHoursPerAccountYear: Double
  public var maxFactor: Double = 3
  public init(elasticity: Double = 0.34, referenceHoursPerAccountYear: Double, maxFactor: Double = 3) {
    self.elasticity = elasticity
    self.referenceHoursPerAccountYear = referenceHoursPerAccountYear
    self.maxFactor = maxFactor
  }

  /// The factor on the base opportunity rate at `hours` coverage hours per account-year.
  public func factor(hoursPerAccountYear hours: Double) -> Double {
    guard hours > 0 else { return elasticity > 0 ? 0 : (elasticity == 0 ? 1 : maxFactor) }
    return min(maxFactor, pow(hours / referenceHoursPerAccountYear, elasticity))
  }
}

extension Scenario {
  /// The ground of a region in km2 (0: a region given by name only, no travel).
  public func area(ofRegion name: String) -> Double { regionAreas[name] ?? 0 }

  /// The ground a team covers in km2: over its regions, the region's area x the part of it the
  /// team's coverage lies on (the union of its entries' ground intervals, so two halves of a
  /// geographic split make the whole, and segments of one region lie on the same ground).
  /// A named segment whose accounts give `area_share`s counts the shares of the accounts the team
  /// owns, region by region.
  public func ground(ofTeam team: Team) -> Double {
    var intervals: [String: [(Double, Double)]] = [:]
    var named: [String: Double] = [:]
    let index = teams.firstIndex { $0.name == team.name }
    for (s, segment) in segments.enumerated() {
      if let list = segment.accountList, list.columns.contains("area_share") {
        for entry in accountOwners(segment: s) where entry.owner.map({ if case .team(let t) = $0 { t == index } else { false } }) == true {
          let account = list.accounts[entry.rank]
          guard let region = account.value("region", in: segment), area(ofRegion: region) > 0 else { continue }
          named[region, default: 0] += account.areaShare ?? 0
        }
        continue
      }
      guard let region = segment.region, area(ofRegion: region) > 0 else { continue }
      for rule in team.covers where rule.matches(segment) {
        intervals[region, default: []].append((rule.areaOffset, rule.areaOffset + rule.areaShare))
      }
    }
    for (region, share) in named { intervals[region, default: []].append((0, min(1, share))) }
    return intervals.keys.sorted().reduce(0) { total, region in total + area(ofRegion: region) * Self.unionLength(intervals[region] ?? []) }
  }

  /// The length of the union of intervals within [0, 1].
  public static func unionLength(_ intervals: [(Double, Double)]) -> Double {
    var length = 0.0
    var reached = 0.0
    for (lower, upper) in intervals.sorted(by: { $0.0 < $1.0 }) {
      let start = max(lower, reached)
      if upper > start { length += upper - start }
      reached = max(reached, upper)
    }
    return min(1, length)
  }

  /// The ground one rep of the team travels: the team's, or with rep territories its share.
  public func repGround(ofTeam team: Team) -> Double {
    let ground = ground(ofTeam: team)
    guard let time = team.time, time.repTerritories, team.reps > 0 else { return ground }
    return ground / Double(team.reps)
  }

  /// Hours of travel one visit costs a rep of the team.
  public func travelHoursPerVisit(team: Team) -> Double {
    travel.hoursPerVisit(groundKm2: repGround(ofTeam: team))
  }

  /// Whether any part of the scenario uses the effort model (docs/model.md, "Effort").
  public var usesEffort: Bool { teams.contains { $0.time != nil } }
}
