/// Reps as people (docs/model.md, "People"): how a new rep ramps up, how long the reps in post
/// have been there, how often they leave and how long a seat stays empty, planned hires and quotas.
///
/// A team with any of these keys is simulated rep by rep: each rep has its own slots, and an
/// accepted opportunity goes to the rep with the most free slots. A team without them is one pool
/// of `reps x slots_per_rep` slots, which gives the same results when every rep is fully ramped and
/// nobody leaves.
public struct People: Hashable, Sendable {
  /// Productivity by month of tenure (month 1 first); 1 after the last entry.
  public var ramp: [Double] = []
  /// What the ramp scales: a ramping rep's slots (ceil(ramp x slots_per_rep)), its win factor, or both.
  public var rampAppliesTo: Set<RampEffect> = [.capacity, .win]
  /// Months in post of the reps at the start (a distribution); nil: all fully ramped.
  public var tenureMonths: Distribution?
  /// Leavers per rep-year: each rep leaves after an exponential time with this rate.
  public var attritionRateYear: Double = 0
  /// How long a leaver's seat stays empty before a new hire (tenure 0) fills it.
  public var backfillDays: Distribution = .constant(0)
  /// The chance that an open opportunity is lost when it passes from a leaver to another rep.
  public var handoverLoss: Double = 0
  /// Planned hires: new seats filled on a day by new reps (tenure 0).
  public var hires: [Hire] = []
  /// A one-off cost of each new rep (recruiting, onboarding): backfills and planned hires.
  public var costPerHire: Double = 0
  /// Bookings a rep is expected to close in a year (pro rata for the days employed).
  public var quotaPerRepYear: Double?

  public init() {}

  /// Limits that keep a replication's memory and work bounded.
  public static let maximumSeats = 100_000
  public static let maximumRampMonths = 120

  /// Productivity in tenure month `month` (0 is the first).
  public func productivity(month: Int) -> Double { month < ramp.count ? ramp[month] : 1 }

  /// Seats at the start plus planned hires.
  public func seats(reps: Int) -> Int { hires.reduce(reps) { $0 + $1.reps } }
}

public enum RampEffect: String, Hashable, Sendable, CaseIterable, Comparable {
  case capacity, win
  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// `reps` new seats, filled on `day` by new reps.
public struct Hire: Hashable, Sendable {
  public var day: Double
  public var reps: Int
  public init(day: Double, reps: Int) {
    self.day = day
    self.reps = reps
  }
}

/// The length of a tenure month, in days (a twelfth of a year, as periods without a start date).
public let daysPerTenureMonth = 365.0 / 12
