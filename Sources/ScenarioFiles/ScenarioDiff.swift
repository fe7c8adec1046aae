import CoverageModel

/// What changed between two scenarios, in the organisation's terms (`cccm diff`).
public struct ScenarioDiff: Sendable {
  public struct FieldChange: Sendable, Hashable {
    public var field: String
    public var old: String
    public var new: String
  }
  /// Named things (teams, pools) added, removed, or changed field by field.
  public struct EntityChanges: Sendable {
    public var added: [String] = []
    public var removed: [String] = []
    public var changed: [(name: String, changes: [FieldChange])] = []

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    init<Entity>(from old: [Entity], to new: [Entity], name: (Entity) -> String, fields: (Entity) -> [(String, String)]) {
      let oldNames = old.map(name)
      let newNames = new.map(name)
      added = newNames.filter { !oldNames.contains($0) }
      removed = oldNames.filter { !newNames.contains($0) }
      for entity in new {
        guard let before = old.first(where: { name($0) == name(entity) }) else { continue }
        let changes = ScenarioDiff.fieldChanges(fields(before), fields(entity))
        if !changes.isEmpty { changed.append((name(entity), changes)) }
      }
    }

    /// `+ team X`, `- team Y`, `~ team Z` and its changed fields.
    func lines(_ kind: String) -> [String] {
      var lines = added.map { "+ \(kind) \($0)" } + removed.map { "- \(kind) \($0)" }
      for (name, changes) in changed {
        lines.append("~ \(kind) \(name)")
        for change in changes { lines.append("    \(change.field): \(change.old) -> \(change.new)") }
      }
      return lines
    }
  }

  public var teams: EntityChanges
  /// Per segment: who owned which accounts before and after, where that differs.
  public var coverageMoved: [(segment: String, old: String, new: String)] = []
  public var pools: EntityChanges
  /// Other top-level keys and sections that differ (segments, motions, horizon, ...).
  public var otherChanges: [FieldChange] = []

  public var isEmpty: Bool { teams.isEmpty && coverageMoved.isEmpty && pools.isEmpty && otherChanges.isEmpty }

  public init(from a: Scenario, to b: Scenario) {
    teams = EntityChanges(from: a.teams, to: b.teams, name: \.name, fields: ScenarioEncoder.teamFields)
    pools = EntityChanges(from: a.pools, to: b.pools, name: \.name, fields: Self.poolFields)
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
    lines += teams.lines("team")
    for (segment, old, new) in coverageMoved { lines.append("~ coverage of \(segment): \(old) -> \(new)") }
    lines += pools.lines("pool")
    for change in otherChanges { lines.append("~ \(change.field): \(change.old) -> \(change.new)") }
    return lines.joined(separator: "\n") + "\n"
  }
}
