/// Who owns a slice of a segment's accounts.
public enum Owner: Hashable, Sendable {
  case team(Int)
  case uncovered
}

/// A slice [lower, upper) of a segment's accounts (as fractions of its account count) and its owner.
public struct Territory: Hashable, Sendable {
  public var lower: Double
  public var upper: Double
  public var owner: Owner
  public init(lower: Double, upper: Double, owner: Owner) {
    self.lower = lower
    self.upper = upper
    self.owner = owner
  }
}

extension Scenario {
  /// Every segment's slices, sorted by `lower`, as declared by teams' coverage and `uncovered`.
  ///
  /// Slices may overlap or leave gaps here; validation reports those, and the engine only runs
  /// scenarios whose slices tile [0, 1) exactly.
  public func territories() -> [[Territory]] {
    segments.indices.map { index in
      let segment = segments[index]
      if segment.accountList != nil { return namedTerritories(segment: index) }
      var slices: [Territory] = []
      for (teamIndex, team) in teams.enumerated() where team.kind.ownsAccounts {
        for rule in team.covers where rule.matches(segment) {
          slices.append(Territory(lower: rule.offset, upper: rule.offset + rule.share, owner: .team(teamIndex)))
        }
      }
      for part in uncovered where part.segment == segment.name {
        slices.append(Territory(lower: part.offset, upper: part.offset + part.share, owner: .uncovered))
      }
      return slices.sorted { ($0.lower, $0.upper) < ($1.lower, $1.upper) }
    }
  }
}
