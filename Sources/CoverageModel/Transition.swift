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
