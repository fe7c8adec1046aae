/// What a team does: own accounts (regional, key account, partner, telesales) or specialise in
/// solutions (solution team, product group).
public enum TeamKind: String, Hashable, Sendable, CaseIterable {
  case regional
  case keyAccount = "key_account"
  case solution
  case productGroup = "product_group"
  case partner
  case telesales

  /// Account teams own accounts and work opportunities through a motion.
  public var ownsAccounts: Bool {
    switch self {
    case .regional, .keyAccount, .partner, .telesales: true
    case .solution, .productGroup: false
    }
  }
}

/// The accounts a team owns: the segments matching every given selector, and within each the
/// accounts whose index / accounts lies in [offset, offset + share).
public struct Coverage: Hashable, Sendable {
  public var segments: [String]?
  public var regions: [String]?
  public var industries: [String]?
  public var tiers: [Tier]?
  public var share: Double = 1
  public var offset: Double = 0
  /// Named accounts it takes by attribute or name (segments with an account list only).
  public var accounts = AccountSelector()
  /// The part of its regions' ground these accounts lie on, [areaOffset, areaOffset + areaShare)
  /// of it (the whole region by default; a geographic split divides it, a split by size keeps it).
  public var areaShare: Double = 1
  public var areaOffset: Double = 0

  public init(
    segments: [String]? = nil, regions: [String]? = nil, industries: [String]? = nil,
    tiers: [Tier]? = nil, share: Double = 1, offset: Double = 0
  ) {
    self.segments = segments
    self.regions = regions
    self.industries = industries
    self.tiers = tiers
    self.share = share
    self.offset = offset
  }

  /// Whether the segment matches every selector given (for a segment with named accounts: whether
  /// the rule selects at least one of them, its region, industry and tier read per account).
  public func matches(_ segment: Segment) -> Bool {
    if let segments, !segments.contains(segment.name) { return false }
    if let list = segment.accountList { return list.accounts.contains { selects($0, in: segment) } }
    guard accounts.isEmpty else { return false }
    if let regions, !regions.contains(where: { $0 == segment.region }) { return false }
    if let industries, !industries.contains(where: { $0 == segment.industry }) { return false }
    if let tiers, !tiers.contains(segment.tier) { return false }
    return true
  }
}

/// A solution a specialist team or group sells, with its own uplifts (nil: the team's).
public struct SolutionSkill: Hashable, Sendable {
  public var name: String
  public var winUplift: Double?
  public var dealUplift: Double?
  public init(name: String, winUplift: Double? = nil, dealUplift: Double? = nil) {
    self.name = name
    self.winUplift = winUplift
    self.dealUplift = dealUplift
  }
}

/// Specialists sitting in an account team (`embedded`): they engage the team's own opportunities
/// needing `solution`, one slot each, and cost what they cost wherever they sit.
public struct EmbeddedSpecialism: Hashable, Sendable {
  public var solution: String
  /// Nil: skill without capacity (a version-1 entry: every opportunity gets the uplifts).
  public var specialists: Int?
  public var slotsPerSpecialist: Int = 1
  public var costPerSpecialistYear: Double = 0
  public var winUplift: Double
  public var dealUplift: Double
  public init(
    solution: String, specialists: Int? = nil, slotsPerSpecialist: Int = 1, costPerSpecialistYear: Double = 0,
    winUplift: Double, dealUplift: Double
  ) {
    self.solution = solution
    self.specialists = specialists
    self.slotsPerSpecialist = slotsPerSpecialist
    self.costPerSpecialistYear = costPerSpecialistYear
    self.winUplift = winUplift
    self.dealUplift = dealUplift
  }

  /// Opportunities these specialists work at once (nil: no limit).
  public var capacity: Int? {
    specialists.map { n in
      let (product, overflow) = n.multipliedReportingOverflow(by: slotsPerSpecialist)
      return overflow ? .max : product
    }
  }
}

/// Specialists that keep their own slots and uplifts inside a product group: what a solution team
/// brings when it merges into a group (`groups` in a scenario file).
public struct SpecialistGroup: Hashable, Sendable {
  public var name: String
  public var reps: Int
  public var slotsPerRep: Int = 1
  /// Total slots when they are not reps x slots_per_rep (after a merge of unequal teams).
  public var slots: Int?
  public var costPerRepYear: Double = 0
  /// Solutions with their uplifts resolved.
  public var solutions: [SolutionSkill] = []
  public init(name: String, reps: Int) {
    self.name = name
    self.reps = reps
  }
  public var capacity: Int { slots ?? Team.slots(reps, slotsPerRep) }
}

public struct Team: Hashable, Sendable {
  public var name: String
  public var kind: TeamKind
  public var reps: Int
  /// Opportunities one rep works at once.
  public var slotsPerRep: Int = 1
  /// Total slots when they are not reps x slots_per_rep (a merge of teams whose slots per rep
  /// differ keeps the sum of their slots).
  public var slots: Int?
  public var costPerRepYear: Double = 0
  /// Management cost of the team itself, per year.
  public var overheadCostYear: Double = 0
  // Account teams
  public var motion: String?
  public var covers: [Coverage] = []
  public var overflow: String?
  /// A pool that takes every presales request of this team's opportunities (MCI Integrate).
  public var presales: String?
  public var embedded: [EmbeddedSpecialism] = []
  // Specialists
  public var solutions: [SolutionSkill] = []
  /// Uplifts for solutions that give none of their own.
  public var winUplift: Double = 1
  public var dealUplift: Double = 1
  public var engageProbability: Double = 1
  /// A product group's specialist groups, each with its own slots and uplifts (empty: the team
  /// itself is one group).
  public var groups: [SpecialistGroup] = []
  // Money
  /// Share of the bookings credited to the team paid as commission.
  public var commissionRate: Double = 0
  // Fit
  /// Win factor b^(k-1) on opportunities of industry segments, k the industries the team covers.
  public var industryBreadthFactor: Double = 1
  // Partners
  public var margin: Double = 0
  /// Each rep seat's own win factor, drawn once per replication (mean 1); nil: reps alike.
  public var repWinFactor: Distribution?
  // TAS+ learning curve
  public var newHireShare: Double = 0
  public var newHireWinFactor: Double = 1
  // ESP+ (key-account teams)
  public var relationshipCoverage: Distribution?
  public var espFloor: Double = 0.3
  // People (ramp, tenure, attrition, hires, quotas): nil keeps the team one pool of slots.
  public var people: People?
  /// The names an account list's `owner` column gives this team's accounts by, when a change
  /// renamed it (a split part, a merged team); nil: its own name.
  public var formerOwnerNames: [String]?
  /// Reps' working time (docs/model.md, "Effort"): capacity in hours instead of slots (nil: slots).
  public var time: WorkingTime?

  public init(name: String, kind: TeamKind, reps: Int) {
    self.name = name
    self.kind = kind
    self.reps = reps
  }

  /// Opportunities the team works at once: `slots`, else reps x slots per rep, else the sum of
  /// its groups' (Int.max if that overflows, which validation then rejects as beyond
  /// `Scenario.maximumSlots`).
  public var capacity: Int {
    if !groups.isEmpty {
      return groups.reduce(0) { total, group in
        let (sum, overflow) = total.addingReportingOverflow(group.capacity)
        return overflow ? .max : sum
      }
    }
    return slots ?? Self.slots(reps, slotsPerRep)
  }

  /// The most opportunities the team can hold at once over a run: `capacity`, or with people,
  /// if more, every seat it will have (reps and planned hires) x slots per rep (Int.max if that
  /// overflows).
  public var largestCapacity: Int {
    guard let people else { return capacity }
    var seats = reps
    for hire in people.hires {
      let (sum, overflow) = seats.addingReportingOverflow(hire.reps)
      if overflow { return .max }
      seats = sum
    }
    return max(capacity, Self.slots(seats, slotsPerRep))
  }

  /// reps x slots per rep, or Int.max when that overflows.
  public static func slots(_ reps: Int, _ slotsPerRep: Int) -> Int {
    let (product, overflow) = reps.multipliedReportingOverflow(by: slotsPerRep)
    return overflow ? .max : product
  }

  /// The solution names the team specialises in.
  public var solutionNames: [String] {
    groups.isEmpty ? solutions.map(\.name) : groups.flatMap { $0.solutions.map(\.name) }.uniqued()
  }

  /// The team's specialists as groups with their own slots and resolved uplifts: its `groups`, or
  /// the team itself as one group.
  public var specialistGroups: [SpecialistGroup] {
    guard groups.isEmpty else { return groups }
    var group = SpecialistGroup(name: name, reps: reps)
    group.slotsPerRep = slotsPerRep
    group.slots = slots
    group.costPerRepYear = costPerRepYear
    group.solutions = solutions.map { SolutionSkill(name: $0.name, winUplift: $0.winUplift ?? winUplift, dealUplift: $0.dealUplift ?? dealUplift) }
    return [group]
  }

  /// Yearly cost of reps (and of a product group's groups) and embedded specialists, without
  /// overhead, commissions or margins.
  public var peopleCostYear: Double {
    let reps = groups.isEmpty ? Double(self.reps) * costPerRepYear : groups.reduce(0) { $0 + Double($1.reps) * $1.costPerRepYear }
    return reps + embedded.reduce(0) { $0 + Double($1.specialists ?? 0) * $1.costPerSpecialistYear }
  }
}

extension Array where Element: Hashable {
  /// The elements in order, each once.
  public func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}

public enum PresalesPolicy: String, Hashable, Sendable, CaseIterable {
  /// First come, first served.
  case fifo
  /// Grade A before B before C; first come, first served within a grade.
  case tiered
}

/// A pool of presales experts (the MCI).
public struct PresalesPool: Hashable, Sendable {
  public var name: String
  public var experts: Int
  public var serviceDays: Distribution
  public var policy: PresalesPolicy = .fifo
  /// A request still waiting after this long proceeds without presales.
  public var patienceDays: Double?
  public var noPresalesWinFactor: Double = 1
  /// Win factor applied once when an opportunity's first request of this pool is served.
  public var servedWinFactor: Double = 1
  /// MCI Coordinate: one accountable expert per opportunity (later requests wait for that expert).
  public var coordinate: Bool = false
  /// Without `coordinate`: the win factor of each request served by another expert than the
  /// opportunity's previous one.
  public var handoffWinFactor: Double = 1
  public var costPerExpertYear: Double = 0

  public init(name: String, experts: Int, serviceDays: Distribution) {
    self.name = name
    self.experts = experts
    self.serviceDays = serviceDays
  }
}
