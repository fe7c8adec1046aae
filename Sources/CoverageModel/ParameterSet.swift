/// One parameter set of a predictive run (`parameter_sets: FILE`): values that replace the
/// scenario's at their key paths, such as one bootstrap resample's estimates from `cccm fit
/// --resamples K`. A run with sets draws one per replication (`ParameterSet.index`), so its
/// intervals include what the history leaves uncertain. Only fitted numbers can be given, never
/// names or structure, so every set keeps the scenario's metrics; a value for a segment, motion or
/// team the scenario does not have (a variant removed it) changes nothing.
public struct ParameterSet: Hashable, Sendable {
  /// A value as its key takes it.
  public enum Value: Hashable, Sendable {
    case number(Double)
    case numbers([Double])
    case distribution(Distribution)
    /// A stage's `days: {won, lost}`.
    case outcomeDays(won: Distribution, lost: Distribution)
    case stale(Stale)
    case quarterEnd(QuarterEnd)
  }

  /// A key path (`segments.East.opportunities_per_account_year`) and its value.
  public struct Entry: Hashable, Sendable {
    public var path: String
    public var value: Value
    public init(path: String, value: Value) {
      self.path = path
      self.value = value
    }
  }

  public var entries: [Entry]

  public init(entries: [Entry] = []) { self.entries = entries }

  /// The key paths a set may give, as patterns (`NAME` a segment, motion or team, `STAGE` a stage).
  public static let keys = [
    "seasonality", "quarter_end", "arrival_dispersion", "segments.NAME.opportunities_per_account_year", "segments.NAME.deal_size",
    "segments.NAME.arrival_dispersion", "motions.NAME.stages.STAGE.days", "motions.NAME.stages.STAGE.advance", "motions.NAME.stages.STAGE.stale",
    "teams.NAME.rep_win_factor",
  ]

  /// The pattern of `path` among `keys` (its names replaced), or nil when a set cannot give it.
  public static func key(of path: String) -> String? {
    let c = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let pattern: String
    switch (c.first, c.count) {
    case ("segments", 3), ("teams", 3): pattern = "\(c[0]).NAME.\(c[2])"
    case ("motions", 5) where c[2] == "stages": pattern = "motions.NAME.stages.STAGE.\(c[4])"
    case (_, 1): pattern = c[0]
    default: return nil
    }
    return keys.contains(pattern) ? pattern : nil
  }

  /// The set a replication of a predictive run uses, of `count`: replications `r ..< r + count`
  /// use every set once (a balanced design), the seed choosing where the cycle starts. It depends
  /// only on the seed and the replication's number, so results are the same on any thread count
  /// and shard split.
  public static func index(replication: Int, seed: UInt64, count: Int) -> Int {
    precondition(count > 0, "a predictive run without parameter sets")
    // SplitMix64's finaliser: the seed's bits spread over the offset.
    var z = seed &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Int((UInt64(truncatingIfNeeded: replication) % UInt64(count) &+ z % UInt64(count)) % UInt64(count))
  }
}

extension Scenario {
  /// The scenario with the set's values in place of its own, and no sets of its own.
  public func applying(_ set: ParameterSet) -> Scenario {
    var s = self
    s.parameterSets = []
    for entry in set.entries {
      let c = entry.path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      switch (ParameterSet.key(of: entry.path), entry.value) {
      case ("seasonality", .numbers(let v)): s.seasonality = v
      case ("quarter_end", .quarterEnd(let q)): s.quarterEnd = q
      case ("arrival_dispersion", .number(let v)): s.arrivalDispersion = v
      case ("segments.NAME.opportunities_per_account_year", .number(let v)):
        for i in s.segments.indices where s.segments[i].name == c[1] { s.segments[i].opportunitiesPerAccountYear = v }
      case ("segments.NAME.deal_size", .distribution(let d)):
        for i in s.segments.indices where s.segments[i].name == c[1] { s.segments[i].dealSize = d }
      case ("segments.NAME.arrival_dispersion", .number(let v)):
        for i in s.segments.indices where s.segments[i].name == c[1] { s.segments[i].arrivalDispersion = v }
      case ("teams.NAME.rep_win_factor", .distribution(let d)):
        for i in s.teams.indices where s.teams[i].name == c[1] { s.teams[i].repWinFactor = d }
      case (let key?, _) where key.hasPrefix("motions."):
        for m in s.motions.indices where s.motions[m].name == c[1] {
          for k in s.motions[m].stages.indices where s.motions[m].stages[k].name == c[3] {
            switch entry.value {
            case .distribution(let d) where c[4] == "days": (s.motions[m].stages[k].days, s.motions[m].stages[k].lostDays) = (d, nil)
            case .outcomeDays(let won, let lost): (s.motions[m].stages[k].days, s.motions[m].stages[k].lostDays) = (won, lost)
            case .number(let v) where c[4] == "advance": s.motions[m].stages[k].advance = v
            case .stale(let v): s.motions[m].stages[k].stale = v
            default: break
            }
          }
        }
      default: break
      }
    }
    return s
  }
}
