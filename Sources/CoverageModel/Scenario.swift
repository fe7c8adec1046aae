/// One organisation design: the market it faces, how its teams cover it, and their support.
///
/// A `Scenario` is a plain value; the `ScenarioFiles` module builds one from YAML and guarantees
/// that what it returns has passed validation (every reference resolves, every account has one
/// owner or is declared uncovered, every parameter is in range).
public struct Scenario: Hashable, Sendable {
  /// The engine counts open opportunities (bounded by the account teams' slots), team slots and
  /// presales experts in 24 bits: far beyond any sales organisation, and checked by validation.
  public static let maximumSlots = (1 << 24) - 1
  /// Replications a run may ask for (validation says "1,000,000"): results keep about 800 bytes a
  /// replication, so a million is 0.8 GB.
  public static let maximumReplications = 1_000_000
  /// Days one replication may simulate (horizon plus warm-up): a century.
  public static let maximumDays = 36_525.0
  /// Opportunities one replication may be expected to meet (about a minute of engine time each).
  public static let maximumArrivals = 100_000_000.0
  /// Events one replication may be expected to schedule (2^34; the engine's calendar numbers
  /// twice as many): validation counts an opportunity as 2 + 4 x its motion's stages (its arrival
  /// and a stage end, a presales service, a patience clock and a request a stage).
  public static let maximumEvents = 17_179_869_184.0

  public var name: String
  public var description: String = ""
  /// The measured period is [0, horizonDays); the simulation starts at -warmupDays.
  public var horizonDays: Double = 365
  public var warmupDays: Double = 0
  /// The calendar date of day 0; with it, months and quarters are calendar ones.
  public var startDate: CalendarDate?
  /// Defaults for runs; the command line overrides them.
  public var replications: Int = 200
  public var seed: UInt64 = 1
  public var regions: [String] = []
  /// The ground of regions written `{name, area_km2}`, in km2 (a region given by name has none).
  public var regionAreas: [String: Double] = [:]
  /// How reps travel to visits (used by teams with `time`).
  public var travel = Travel()
  /// A stage's advance probability is multiplied by this for every week its rep's work ends
  /// after its customer days (teams with `time`).
  public var lateWinFactorPerWeek: Double = 1
  public var industries: [String] = []
  public var solutions: [Solution] = []
  public var segments: [Segment] = []
  public var motions: [Motion] = []
  public var teams: [Team] = []
  /// The presales expert pools (the MCI), `presales` in scenario files.
  public var pools: [PresalesPool] = []
  /// Opportunity grades from the highest, each with its minimum deal size.
  public var grades: [Grade] = Grade.defaults
  /// Parts of segments that no team covers on purpose.
  public var uncovered: [UncoveredPart] = []
  /// Share of bookings that is gross profit, for `contribution` (a solution may set its own).
  public var grossMargin: Double = 1
  /// How well a kind of team sells to a tier of customer; pairs not listed have factors 1.
  public var fit: [FitRule] = []
  /// Arrivals' monthly factors (12, normalised to mean 1 when used); a segment's own win.
  public var seasonality: [Double]?
  /// The quarter-end push: a last stage ending in a quarter's last days advances more often.
  public var quarterEnd: QuarterEnd?
  /// Every segment's monthly arrival dispersion unless it gives its own (nil: Poisson arrivals).
  public var arrivalDispersion: Double?
  /// Values written `{uncertain: DISTRIBUTION}`; the fields above hold their means.
  public var uncertain: [UncertainValue] = []
  /// Key paths of uncertain values that a variant's change fixed (set, resized...): a study over
  /// the baseline's uncertainty leaves them at the variant's value.
  public var fixedUncertain: [String] = []
  /// A reorganisation on a day: the baseline's organisation runs until then (nil: the scenario is
  /// simulated as its own steady state).
  public var transition: Transition?
  /// Teams made by this file's changes from other teams (split parts, merged teams), with the
  /// baseline teams their reps come from; read by a transition.
  public var origins = TeamOrigins()
  /// The opportunities open on day 0 (`pipeline: FILE`), and the file they were read from.
  public var pipeline: [PipelineDeal] = []
  public var pipelineFile: String?
  /// The parameter sets of a predictive run (`parameter_sets: FILE`), and their file: empty, every
  /// replication runs these values; else each draws one set (`ParameterSet`).
  public var parameterSets: [ParameterSet] = []
  public var parameterSetsFile: String?

  public init(name: String) { self.name = name }

  public func segment(named name: String) -> Segment? { segments.first { $0.name == name } }
  public func team(named name: String) -> Team? { teams.first { $0.name == name } }
  public func motion(named name: String) -> Motion? { motions.first { $0.name == name } }
  public func pool(named name: String) -> PresalesPool? { pools.first { $0.name == name } }
  public func solution(named name: String) -> Solution? { solutions.first { $0.name == name } }

  /// The fit of a kind of team with a tier of customer (factors 1 when no rule names the pair).
  public func fit(teamKind: TeamKind, tier: Tier) -> FitRule {
    fit.first { $0.teamKind == teamKind && $0.tier == tier } ?? FitRule(teamKind: teamKind, tier: tier)
  }

  /// The motion (sales process) an opportunity of `segment` worked by `team` follows: the
  /// customer's own when the segment names one, else the team's.
  public func motionName(segment: Segment, team: Team) -> String? { segment.motion ?? team.motion }

  /// The grade of a deal of this size: the first grade whose minimum it reaches (the last if none).
  public func gradeIndex(forDealSize size: Double) -> Int {
    grades.firstIndex { size >= $0.minDealSize } ?? max(grades.count - 1, 0)
  }
}

/// A product solution that opportunities may need.
public struct Solution: Hashable, Sendable {
  public var name: String
  /// Win factor when an opportunity needs this solution and no specialist engages.
  public var unsupportedWinFactor: Double = 1
  /// Share of this solution's bookings that is gross profit (nil: the scenario's).
  public var grossMargin: Double?
  public init(name: String, unsupportedWinFactor: Double = 1) {
    self.name = name
    self.unsupportedWinFactor = unsupportedWinFactor
  }
}

/// Who the customers of a segment are.
public enum Tier: String, Hashable, Sendable, CaseIterable {
  case smb, key, consumer
}

/// A group of alike accounts with its own opportunity flow.
public struct Segment: Hashable, Sendable {
  public var name: String
  public var tier: Tier
  public var region: String?
  public var industry: String?
  public var accounts: Int
  public var opportunitiesPerAccountYear: Double
  public var dealSize: Distribution
  /// Solution name and the probability that an opportunity needs it (at most one per opportunity).
  public var solutionMix: [SolutionNeed] = []
  /// Number of key decision makers (rounded, at least 1); used by key-account ESP+.
  public var decisionMakers: Distribution?
  /// The customer's buying process; nil: the motion of the team that works the opportunity (v1).
  public var motion: String?
  /// Sizes of the accounts (any scale): account i of N has potential Q(1 - (i + 0.5)/N), so
  /// account 0 is the largest. Nil: all accounts are equal.
  public var accountPotential: Distribution?
  /// A deal is multiplied by (potential / mean potential)^sizeElasticity.
  public var sizeElasticity: Double = 0
  /// Arrivals' monthly factors for this segment (overrides the scenario's).
  public var seasonality: [Double]?
  /// Its accounts by name (`accounts: {file: ...}`); `accounts` is then their number.
  public var accountList: AccountList?
  /// Coefficient of variation of a gamma factor (mean 1) on each month's arrival rate, drawn per
  /// replication and month (negative-binomial monthly counts); nil: the scenario's.
  public var arrivalDispersion: Double?
  /// How the opportunity rate responds to the coverage hours its owner gives (nil: it does not).
  public var response: DemandResponse?

  public init(
    name: String, tier: Tier, region: String? = nil, industry: String? = nil, accounts: Int,
    opportunitiesPerAccountYear: Double, dealSize: Distribution
  ) {
    self.name = name
    self.tier = tier
    self.region = region
    self.industry = industry
    self.accounts = accounts
    self.opportunitiesPerAccountYear = opportunitiesPerAccountYear
    self.dealSize = dealSize
  }

  /// Opportunities per day: accounts x opportunities per account-year / 365.
  public var arrivalsPerDay: Double { Double(accounts) * opportunitiesPerAccountYear / 365 }
}

public struct SolutionNeed: Hashable, Sendable {
  public var solution: String
  public var probability: Double
  public init(solution: String, probability: Double) {
    self.solution = solution
    self.probability = probability
  }
}

/// A sales process (TAS+): stages run in order.
public struct Motion: Hashable, Sendable {
  public var name: String
  public var stages: [Stage]
  public init(name: String, stages: [Stage]) {
    self.name = name
    self.stages = stages
  }
}

public struct Stage: Hashable, Sendable {
  public var name: String
  public var days: Distribution
  /// Probability of advancing past this stage (on the last stage, times the win factors).
  public var advance: Double
  /// The pool this stage first asks one expert of.
  public var presales: String?
  /// Whether a solution specialist works the opportunity during this stage.
  public var specialist: Bool = false
  /// The stage's time when it ends in a loss (the opportunity drops out), `days: {won, lost}`:
  /// the outcome is drawn first, then its own duration (`days` is then the time to advance, or
  /// to a win on the last stage). Nil: one duration whatever the outcome.
  public var lostDays: Distribution?
  /// Opportunities that go stale in this stage (no decision): they hold their slot for the stale
  /// days, then are lost, and are counted apart.
  public var stale: Stale?
  /// The rep's hours of work this stage needs (teams with `time`; nil: none).
  public var effortHours: Distribution?
  /// In-person meetings in this stage, each adding the rep's travel time per visit to its work.
  public var visits: Double = 0
  public init(name: String, days: Distribution, advance: Double, presales: String? = nil, specialist: Bool = false) {
    self.name = name
    self.days = days
    self.advance = advance
    self.presales = presales
    self.specialist = specialist
  }
}

/// A stage's stale opportunities: the probability that one goes stale (decided before its
/// outcome), and how long it holds its slot before it is lost.
public struct Stale: Hashable, Sendable {
  public var probability: Double
  public var days: Distribution
  public init(probability: Double, days: Distribution) {
    self.probability = probability
    self.days = days
  }
}

public struct Grade: Hashable, Sendable {
  public var name: String
  public var minDealSize: Double
  public init(name: String, minDealSize: Double) {
    self.name = name
    self.minDealSize = minDealSize
  }
  public static let defaults = [
    Grade(name: "A", minDealSize: 500_000), Grade(name: "B", minDealSize: 100_000),
    Grade(name: "C", minDealSize: 0),
  ]
}

/// A part of a segment's accounts that no team covers, on purpose.
public struct UncoveredPart: Hashable, Sendable {
  public var segment: String
  public var share: Double
  public var offset: Double
  public init(segment: String, share: Double, offset: Double) {
    self.segment = segment
    self.share = share
    self.offset = offset
  }
}

/// How well a kind of team sells to a tier of customer: its win factor and the factor on every
/// stage's days.
public struct FitRule: Hashable, Sendable {
  public var teamKind: TeamKind
  public var tier: Tier
  public var winFactor: Double = 1
  public var daysFactor: Double = 1
  /// The factor on every stage's rep hours (teams with `time`).
  public var effortFactor: Double = 1
  public init(teamKind: TeamKind, tier: Tier, winFactor: Double = 1, daysFactor: Double = 1) {
    self.teamKind = teamKind
    self.tier = tier
    self.winFactor = winFactor
    self.daysFactor = daysFactor
  }
}

/// The sales calendar at quarter ends. The push: a last stage ending within the last `lastDays`
/// of a quarter has its advance probability multiplied by `advanceFactor`. The pull: a last stage
/// that would end within `pullDays` after a quarter's end ends, with `pullProbability`, on the
/// quarter's last day instead.
public struct QuarterEnd: Hashable, Sendable {
  /// Whether the push is given (`last_days` and `advance_factor`); without it lastDays is 0 and
  /// advanceFactor 1.
  public var hasPush = true
  public var lastDays: Double
  public var advanceFactor: Double
  /// The pull (`pull_days` and `pull_probability`); nil without it.
  public var pullDays: Double?
  public var pullProbability: Double?
  public init(lastDays: Double, advanceFactor: Double) {
    self.lastDays = lastDays
    self.advanceFactor = advanceFactor
  }
}
