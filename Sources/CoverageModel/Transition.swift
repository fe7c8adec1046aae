/// A reorganisation that takes effect on a day (docs/model.md, "Transitions"): a variant runs its
/// baseline's organisation until `effectiveDay` and its own after, in the same replication, so the
/// pipeline, the reps and their tenures, and the luck of the year carry across the switch.
public struct Transition: Hashable, Sendable {
  /// The day the variant's organisation takes over (0: the first measured day; after a warm-up
  /// under the baseline's organisation). A day at or past the horizon never comes.
  public var effectiveDay: Double = 0
  /// The chance that an open opportunity whose account changes owner at the switch is lost.
  public var handoverLoss: Double = 0
  /// Key accounts that change owner start with their relationship coverage x this, recovering
  /// linearly to the full coverage over `relationshipRecoveryDays`.
  public var relationshipFloor: Double = 1
  public var relationshipRecoveryDays: Double = 0
  /// Paid once at the switch (severance, re-territorying, training).
  public var oneOffCost: Double = 0
  /// Paid at the switch for each rep the new organisation adds (on top of a people team's own
  /// cost_per_hire, which every hire pays).
  public var costPerHire: Double = 0
  /// The organisation before the switch: the scenario the variant extends.
  public var former: FormerOrganisation

  public init(former: Scenario) { self.former = FormerOrganisation(former) }
}

/// The baseline's organisation a transition starts from (a box, so a scenario can hold one).
public final class FormerOrganisation: Hashable, Sendable {
  public let scenario: Scenario
  public init(_ scenario: Scenario) { self.scenario = scenario }
  public static func == (a: FormerOrganisation, b: FormerOrganisation) -> Bool { a === b || a.scenario == b.scenario }
  public func hash(into hasher: inout Hasher) { hasher.combine(scenario) }
}

/// Where a team of a variant came from: the baseline teams whose reps it inherits and the share of
/// each (a split part: its parent and its share; a merged team: each member, share 1). A team not
/// listed inherits the baseline team of its own name, if there is one.
public struct TeamOrigin: Hashable, Sendable {
  public var team: String
  public var share: Double
  public init(team: String, share: Double) {
    self.team = team
    self.share = share
  }
}

extension Transition {
  /// The reps (seats, with planned hires) of one former team and the variant teams that take them.
  public struct SeatClaim: Hashable, Sendable {
    public var former: String
    public var seats: Int
    public var takers: [Taker]
    public init(former: String, seats: Int, takers: [Taker]) {
      self.former = former
      self.seats = seats
      self.takers = takers
    }
  }
  public struct Taker: Hashable, Sendable {
    public var team: String
    public var seats: Int
    public init(team: String, seats: Int) {
      self.team = team
      self.seats = seats
    }
  }

  /// A team's seats for a transition: its reps and planned hires.
  public static func seats(_ team: Team) -> Int { team.people?.seats(reps: team.reps) ?? team.reps }

  /// Who takes the reps of each former account team at the switch (docs/model.md, "Transitions"):
  /// a team keeps the reps of the former team of its name; split parts take their parent's by
  /// share, and a part with more than it needs passes the rest to a part of the same parent that
  /// needs them; a merged team takes all its members'. Reps nobody takes are released; a team
  /// that takes fewer reps than it has hires the rest (tenure 0). In former team order.
  public func seatClaims(variant: Scenario) -> [SeatClaim] {
    let former = self.former.scenario
    var need: [String: Int] = [:]
    for team in variant.teams where team.kind.ownsAccounts { need[team.name] = Self.seats(team) }
    var claims: [SeatClaim] = []
    for source in former.teams where source.kind.ownsAccounts {
      var claimants: [(team: String, share: Double)] = []
      for team in variant.teams where team.kind.ownsAccounts {
        let origins = variant.origins[team.name] ?? (former.team(named: team.name) == nil ? [] : [TeamOrigin(team: team.name, share: 1)])
        for origin in origins where origin.team == source.name { claimants.append((team.name, origin.share)) }
      }
      let total = Self.seats(source)
      let counts = Self.apportion(total, shares: claimants.map(\.share))
      var takers = claimants.enumerated().map { k, claimant in Taker(team: claimant.team, seats: min(counts[k], need[claimant.team] ?? 0)) }
      var left = total - takers.reduce(0) { $0 + $1.seats }
      for k in takers.indices where left > 0 {
        let more = min(left, (need[takers[k].team] ?? 0) - takers[k].seats)
        if more > 0 {
          takers[k].seats += more
          left -= more
        }
      }
      for taker in takers { need[taker.team, default: 0] -= taker.seats }
      claims.append(SeatClaim(former: source.name, seats: total, takers: takers.filter { $0.seats > 0 }))
    }
    return claims
  }

  /// `total` split by shares in order by largest remainder (ties to the earlier); shares adding up
  /// to less than 1 leave the rest unclaimed, more than 1 are scaled down.
  public static func apportion(_ total: Int, shares: [Double]) -> [Int] {
    let sum = shares.reduce(0, +)
    let scale = sum > 1 ? 1 / sum : 1
    let exact = shares.map { Double(total) * $0 * scale }
    var counts = exact.map { Int($0.rounded(.down)) }
    let target = min(total, Int((exact.reduce(0, +)).rounded()))
    let order = exact.indices.sorted { a, b in
      let (ra, rb) = (exact[a] - Double(counts[a]), exact[b] - Double(counts[b]))
      return ra != rb ? ra > rb : a < b
    }
    var k = 0
    while counts.reduce(0, +) < target, !order.isEmpty {
      counts[order[k % order.count]] += 1
      k += 1
    }
    return counts
  }
}

/// The origins of a variant's teams (split parts, merged teams), by team name. How a scenario was
/// made, not what it is: two scenarios alike but for their origins are equal (so `show`, whose
/// YAML has no origins, round-trips), while a transition reads them to carry reps over.
public struct TeamOrigins: Hashable, Sendable, ExpressibleByDictionaryLiteral {
  private var byTeam: [String: [TeamOrigin]] = [:]
  public init() {}
  public init(dictionaryLiteral elements: (String, [TeamOrigin])...) {
    byTeam = Dictionary(elements, uniquingKeysWith: { _, new in new })
  }
  public subscript(team: String) -> [TeamOrigin]? {
    get { byTeam[team] }
    set { byTeam[team] = newValue }
  }
  @discardableResult
  public mutating func removeValue(forKey team: String) -> [TeamOrigin]? { byTeam.removeValue(forKey: team) }
  public static func == (_: Self, _: Self) -> Bool { true }
  public func hash(into hasher: inout Hasher) {}
}
