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

extension Scenario {
  /// Each account's ordinal among its owner team's accounts, per segment in rank order (-1: uncovered).
  ///
  /// A team's accounts are counted in segment order, then rank order, so a team that owns scattered
  /// ranks (a split by attribute, a moved list of names) still numbers its own accounts 0, 1, 2, ...
  /// With `rep_territories`, account ordinal k belongs to rep k modulo the team's reps: every rep
  /// holds its team's accounts to within one. An account's owner is the slice holding its position
  /// rank / N, found as the engine finds it.
  public func accountOrdinals() -> [[Int32]] {
    var next = Array(repeating: Int32(0), count: teams.count)
    return zip(segments, territories()).map { segment, slices in
      let n = segment.accounts
      var ordinals = Array(repeating: Int32(-1), count: max(n, 0))
      guard !slices.isEmpty else { return ordinals }
      var slice = 0
      for rank in 0..<max(n, 0) {
        let position = Double(rank) / Double(n)
        while slice < slices.count - 1, position >= slices[slice].upper { slice += 1 }
        guard case .team(let t) = slices[slice].owner else { continue }
        ordinals[rank] = next[t]
        next[t] += 1
      }
      return ordinals
    }
  }

  /// Whether any team deals its accounts to its reps (`rep_territories`).
  public var usesRepTerritories: Bool { teams.contains { $0.time?.repTerritories == true && $0.kind.ownsAccounts } }
}
