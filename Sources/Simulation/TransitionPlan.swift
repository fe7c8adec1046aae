import CoverageModel
import Randomness

/// A reorganisation on a day (docs/model.md, "Transitions"), compiled: the organisation after the
/// switch as a plan in the same index space as the one before it, and what the switch does to
/// reps, specialists and arrivals.
///
/// Both organisations are made to list the same teams, pools and solutions in the same order (a
/// team the other side lacks is there with no reps and no accounts), so team t, pool p and the
/// metric layout mean the same before and after. The plan after the switch also holds the stages
/// of the motions before it at the same places, so an opportunity in flight keeps its motion.
struct TransitionPlan: Sendable {
  let day: Double
  let after: SimulationPlan
  let handoverLoss: Double
  let relationshipFloor: Double
  let recoveryDays: Double
  /// The one-off cost and the cost of the reps the new organisation adds, paid at the switch.
  let switchCost: Double
  /// Before seat -> the after seat it becomes (-1: the rep is released).
  let seatMap: [Int32]
  /// After seats no rep is carried into: filled by new hires (tenure 0) at the switch or on
  /// their planned day.
  let newSeats: [Int32]
  /// Before desk -> the after desk holding the same specialists (-1: they are gone).
  let deskMap: [Int32]
  /// Whether a team exists after the switch (not a stand-in for a team only the former has).
  let continues: [Bool]
  /// Whether a presales pool exists after the switch (not a stand-in without experts).
  let poolContinues: [Bool]

  /// The plan before the switch and the transition, for a scenario with `transition`.
  static func compile(_ variant: Scenario, transition: Transition, byPeriod: Bool) -> (before: SimulationPlan, transition: TransitionPlan) {
    let (formerScenario, laterScenario) = aligned(former: transition.former.scenario, later: variant)
    var before = SimulationPlan(formerScenario, byPeriod: byPeriod)
    var after = SimulationPlan(laterScenario, byPeriod: byPeriod)
    before.mayAbandon = true
    after.mayAbandon = true
    if transition.relationshipFloor < 1, transition.relationshipRecoveryDays > 0 {
      after.recoveryEnd = transition.effectiveDay + transition.relationshipRecoveryDays
    }
    after.relationshipFloor = transition.relationshipFloor
    after.recoveryDays = transition.relationshipRecoveryDays
    after.formerSlices = before.slices
    after.formerSegmentSlices = before.segments.map(\.slices)

    // Reps: the seats each former team's reps go to (Transition.seatClaims), in seat order.
    var seatMap = [Int32](repeating: -1, count: before.seats.count)
    var newSeats: [Int32] = []
    let teamIndex = Dictionary(laterScenario.teams.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    var filled = [Int](repeating: 0, count: after.people.count)
    var added = 0
    for claim in transition.seatClaims(variant: variant) {
      guard let source = teamIndex[claim.former] else { continue }
      var seats = before.teams[source].people >= 0 ? before.people[Int(before.teams[source].people)].seats.range.makeIterator() : (0..<0).makeIterator()
      for taker in claim.takers {
        guard let t = teamIndex[taker.team], after.teams[t].people >= 0 else { continue }
        let p = Int(after.teams[t].people)
        for _ in 0..<taker.seats {
          guard let seat = seats.next() else { break }
          seatMap[seat] = after.people[p].seats.start + Int32(filled[p])
          filled[p] += 1
        }
      }
    }
    for (p, people) in after.people.enumerated() {
      for k in filled[p]..<(people.seats.range.count) { newSeats.append(people.seats.start + Int32(k)) }
    }
    // Reps the new organisation adds (hired at the switch or on their planned day).
    let carried = transition.seatClaims(variant: variant).flatMap(\.takers).reduce(into: [String: Int]()) { $0[$1.team, default: 0] += $1.seats }
    for team in variant.teams where team.kind.ownsAccounts { added += max(0, Transition.seats(team) - (carried[team.name] ?? 0)) }

    let afterDesks = Dictionary(after.deskNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    let plan = TransitionPlan(
      day: transition.effectiveDay, after: after, handoverLoss: transition.handoverLoss, relationshipFloor: transition.relationshipFloor,
      recoveryDays: transition.relationshipRecoveryDays, switchCost: transition.oneOffCost + Double(added) * transition.costPerHire,
      seatMap: seatMap, newSeats: newSeats, deskMap: before.deskNames.map { afterDesks[$0] ?? -1 },
      continues: laterScenario.teams.map { variant.team(named: $0.name) != nil },
      poolContinues: laterScenario.pools.map { variant.pool(named: $0.name) != nil })
    return (before, plan)
  }

  /// The two organisations listing the same teams, pools and solutions in the same order: the
  /// former's, then those only the later one has. A stand-in has no reps, accounts, specialists or
  /// cost. A team with people on one side has people on the other (reps without people keys are
  /// then simulated rep by rep, which gives the same results). The later one's motions start with
  /// copies of the former's (presales to a pool it no longer has dropped).
  static func aligned(former: Scenario, later: Scenario) -> (Scenario, Scenario) {
    var a = former
    var b = later
    // One time frame: the variant's.
    a.horizonDays = later.horizonDays
    a.warmupDays = later.warmupDays
    a.startDate = later.startDate
    let teamNames = (former.teams.map(\.name) + later.teams.map(\.name)).uniqued()
    let peopleNames = Set((former.teams + later.teams).filter { $0.people != nil }.map(\.name))
    func teams(_ own: Scenario, _ other: Scenario) -> [Team] {
      teamNames.map { name in
        var team = own.team(named: name) ?? standIn(other.team(named: name) ?? Team(name: name, kind: .regional, reps: 0))
        if peopleNames.contains(name), team.people == nil, team.kind.ownsAccounts { team.people = People() }
        return team
      }
    }
    a.teams = teams(former, later)
    b.teams = teams(later, former)
    let poolNames = (former.pools.map(\.name) + later.pools.map(\.name)).uniqued()
    func pools(_ own: Scenario, _ other: Scenario) -> [PresalesPool] {
      poolNames.compactMap { name in
        if let pool = own.pool(named: name) { return pool }
        guard var pool = other.pool(named: name) else { return nil }
        pool.experts = 0
        pool.costPerExpertYear = 0
        return pool
      }
    }
    a.pools = pools(former, later)
    b.pools = pools(later, former)
    let solutionNames = (former.solutions.map(\.name) + later.solutions.map(\.name)).uniqued()
    a.solutions = solutionNames.compactMap { former.solution(named: $0) ?? later.solution(named: $0) }
    b.solutions = solutionNames.compactMap { later.solution(named: $0) ?? former.solution(named: $0) }
    b.segments = former.segments.compactMap { later.segment(named: $0.name) }
    let copies = former.motions.map { motion in
      var copy = motion
      copy.name = "\u{1}former \(motion.name)"
      for k in copy.stages.indices where copy.stages[k].presales.map({ later.pool(named: $0) == nil }) ?? false {
        copy.stages[k].presales = nil
      }
      return copy
    }
    b.motions = copies + later.motions
    return (a, b)
  }

  /// A team that exists on one side only, as the other side sees it: nobody and nothing.
  private static func standIn(_ team: Team) -> Team {
    var stand = team
    stand.reps = 0
    stand.slots = team.kind.ownsAccounts ? 0 : nil
    stand.groups = []
    stand.solutions = []
    stand.covers = []
    stand.embedded = []
    stand.overflow = nil
    stand.costPerRepYear = 0
    stand.overheadCostYear = 0
    stand.people?.hires = []
    return stand
  }
}
