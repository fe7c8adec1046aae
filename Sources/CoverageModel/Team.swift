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

  /// Whether the segment matches every selector given.
  public func matches(_ segment: Segment) -> Bool {
    if let segments, !segments.contains(segment.name) { return false }
    if let regions, !regions.contains(where: { $0 == segment.region }) { return false }
    if let industries, !industries.contains(where: { $0 == segment.industry }) { return false }
    if let tiers, !tiers.contains(segment.tier) { return false }
    return true
  }
}

/// Specialist skill embedded in an account team: its opportunities needing `solution` get the
/// uplifts without a separate specialist slot.
public struct EmbeddedSpecialism: Hashable, Sendable {
  public var solution: String
  public var winUplift: Double
  public var dealUplift: Double
  public init(solution: String, winUplift: Double, dealUplift: Double) {
    self.solution = solution
    self.winUplift = winUplift
    self.dealUplift = dealUplift
  }
}

public struct Team: Hashable, Sendable {
  public var name: String
  public var kind: TeamKind
  public var reps: Int
  /// Opportunities one rep works at once.
  public var slotsPerRep: Int = 1
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
  public var solutions: [String] = []
  public var winUplift: Double = 1
  public var dealUplift: Double = 1
  public var engageProbability: Double = 1
  // Partners
  public var margin: Double = 0
  // TAS+ learning curve
  public var newHireShare: Double = 0
  public var newHireWinFactor: Double = 1
  // ESP+ (key-account teams)
  public var relationshipCoverage: Distribution?
  public var espFloor: Double = 0.3

  public init(name: String, kind: TeamKind, reps: Int) {
    self.name = name
    self.kind = kind
    self.reps = reps
  }

  /// Opportunities the team can work at once: reps x slots per rep.
  /// Opportunities the team works at once: reps x slots per rep (Int.max if that overflows, which
  /// validation then rejects as beyond `Scenario.maximumSlots`).
  public var capacity: Int {
    let (product, overflow) = reps.multipliedReportingOverflow(by: slotsPerRep)
    return overflow ? .max : product
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
  public var costPerExpertYear: Double = 0

  public init(name: String, experts: Int, serviceDays: Distribution) {
    self.name = name
    self.experts = experts
    self.serviceDays = serviceDays
  }
}
