import CoverageModel

/// What changed between two scenarios, in the organisation's terms (`cccm diff`).
public struct ScenarioDiff: Sendable {
  public struct FieldChange: Sendable, Hashable {
    public var field: String
    public var old: String
    public var new: String
  }
  public var teamsAdded: [String] = []
  public var teamsRemoved: [String] = []
  public var teamsChanged: [(team: String, changes: [FieldChange])] = []
  /// Per segment: who owned which accounts before and after, where that differs.
  public var coverageMoved: [(segment: String, old: String, new: String)] = []
  public var poolsAdded: [String] = []
  public var poolsRemoved: [String] = []
  public var poolsChanged: [(pool: String, changes: [FieldChange])] = []
  /// Other top-level keys and sections that differ (segments, motions, horizon, ...).
  public var otherChanges: [FieldChange] = []

  public var isEmpty: Bool {
    teamsAdded.isEmpty && teamsRemoved.isEmpty && teamsChanged.isEmpty && coverageMoved.isEmpty && poolsAdded.isEmpty
      && poolsRemoved.isEmpty && poolsChanged.isEmpty && otherChanges.isEmpty
  }

  public init(from a: Scenario, to b: Scenario) {
    let oldTeams = a.teams.map(\.name)
    let newTeams = b.teams.map(\.name)
    teamsAdded = newTeams.filter { !oldTeams.contains($0) }
    teamsRemoved = oldTeams.filter { !newTeams.contains($0) }
    for team in b.teams {
      guard let old = a.team(named: team.name) else { continue }
      let changes = Self.fieldChanges(ScenarioEncoder.teamFields(old), ScenarioEncoder.teamFields(team))
      if !changes.isEmpty { teamsChanged.append((team.name, changes)) }
    }
    let oldPools = a.pools.map(\.name)
    let newPools = b.pools.map(\.name)
    poolsAdded = newPools.filter { !oldPools.contains($0) }
    poolsRemoved = oldPools.filter { !newPools.contains($0) }
    for pool in b.pools {
      guard let old = a.pool(named: pool.name) else { continue }
      let changes = Self.fieldChanges(Self.poolFields(old), Self.poolFields(pool))
      if !changes.isEmpty { poolsChanged.append((pool.name, changes)) }
    }
    let oldOwners = Self.owners(a)
    let newOwners = Self.owners(b)
    for segment in b.segments {
      let old = oldOwners[segment.name] ?? "-"
      let new = newOwners[segment.name] ?? "-"
      if old != new { coverageMoved.append((segment.name, old, new)) }
    }
    var other: [FieldChange] = []
    func compare(_ field: String, _ x: String, _ y: String) { if x != y { other.append(FieldChange(field: field, old: x, new: y)) } }
    compare("name", a.name, b.name)
    compare("horizon_days", formatNumber(a.horizonDays), formatNumber(b.horizonDays))
    compare("warmup_days", formatNumber(a.warmupDays), formatNumber(b.warmupDays))
    compare("grades", "\(a.grades.map(\.name))", "\(b.grades.map(\.name))")
    for segment in b.segments where a.segment(named: segment.name) != segment {
      compare("segments.\(segment.name)", a.segment(named: segment.name) == nil ? "(absent)" : "as before", "changed")
    }
    for motion in b.motions where a.motion(named: motion.name) != motion {
      compare("motions.\(motion.name)", a.motion(named: motion.name) == nil ? "(absent)" : "as before", "changed")
    }
    otherChanges = other
  }

  static func fieldChanges(_ old: [(String, String)], _ new: [(String, String)]) -> [FieldChange] {
    let oldMap = Dictionary(old, uniquingKeysWith: { a, _ in a })
    let newMap = Dictionary(new, uniquingKeysWith: { a, _ in a })
    var keys = new.map(\.0)
    for (key, _) in old where !keys.contains(key) { keys.append(key) }
    return keys.compactMap { key in
      let x = oldMap[key] ?? "(default)"
      let y = newMap[key] ?? "(default)"
      return x == y ? nil : FieldChange(field: key, old: x, new: y)
    }
  }

  static func poolFields(_ pool: PresalesPool) -> [(String, String)] {
    [
      ("experts", String(pool.experts)), ("service_days", ScenarioEncoder.distribution(pool.serviceDays)),
      ("policy", pool.policy.rawValue), ("patience_days", pool.patienceDays.map(formatNumber) ?? "none"),
      ("no_presales_win_factor", formatNumber(pool.noPresalesWinFactor)),
      ("cost_per_expert_year", formatNumber(pool.costPerExpertYear)),
    ]
  }

  /// "North 100%" or "North 70%, Partners 30%" per segment.
  static func owners(_ s: Scenario) -> [String: String] {
    var result: [String: String] = [:]
    for (segment, slices) in zip(s.segments, s.territories()) {
      var shares: [(String, Double)] = []
      for slice in slices {
        let name: String =
          switch slice.owner {
          case .team(let index): s.teams[index].name
          case .uncovered: "(uncovered)"
          }
        if let i = shares.firstIndex(where: { $0.0 == name }) { shares[i].1 += slice.upper - slice.lower } else {
          shares.append((name, slice.upper - slice.lower))
        }
      }
      result[segment.name] = shares.map { "\($0.0) \(formatShare($0.1 * 100))%" }.joined(separator: ", ")
    }
    return result
  }

  /// The diff as text, one line per change.
  public var report: String {
    if isEmpty { return "no differences\n" }
    var lines: [String] = []
    for name in teamsAdded { lines.append("+ team \(name)") }
    for name in teamsRemoved { lines.append("- team \(name)") }
    for (team, changes) in teamsChanged {
      lines.append("~ team \(team)")
      for change in changes { lines.append("    \(change.field): \(change.old) -> \(change.new)") }
    }
    for (segment, old, new) in coverageMoved { lines.append("~ coverage of \(segment): \(old) -> \(new)") }
    for name in poolsAdded { lines.append("+ pool \(name)") }
    for name in poolsRemoved { lines.append("- pool \(name)") }
    for (pool, changes) in poolsChanged {
      lines.append("~ pool \(pool)")
      for change in changes { lines.append("    \(change.field): \(change.old) -> \(change.new)") }
    }
    for change in otherChanges { lines.append("~ \(change.field): \(change.old) -> \(change.new)") }
    return lines.joined(separator: "\n") + "\n"
  }
}
