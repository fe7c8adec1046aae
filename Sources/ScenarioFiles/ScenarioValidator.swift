import CCCMSupport
import CoverageModel
import Foundation

/// Checks what only the whole, resolved scenario can show: that every reference resolves and
/// that every account of every segment has exactly one owner or is declared uncovered.
struct ScenarioValidator {
  let scenario: Scenario
  /// The location of a key path (or of its nearest written ancestor).
  let locate: (String) -> SourceLocation
  var diagnostics: [Diagnostic] = []

  init(scenario: Scenario, locate: @escaping (String) -> SourceLocation) {
    self.scenario = scenario
    self.locate = locate
  }

  mutating func error(_ path: String, _ message: String) {
    diagnostics.append(Diagnostic(location: locate(path), path: path, message: message))
  }

  /// `no team "Nort"; did you mean "North"?`
  mutating func reference(_ name: String, kind: String, among names: [String], at path: String, extra: String = "") {
    guard !known(names, kind: kind).contains(name) else { return }
    let hint = Suggestion.didYouMean(name, among: names) ?? (names.isEmpty ? "none is defined" : "known: \(names.joined(separator: ", "))")
    error(path, "no \(kind) \"\(name)\"\(extra); \(hint)")
  }

  /// Each kind's names as a set, made on first use (one kind always names one list of the
  /// scenario), so a scenario with thousands of names checks each reference in constant time.
  private var sets: [String: Set<String>] = [:]
  private mutating func known(_ names: [String], kind: String) -> Set<String> {
    if let set = sets[kind] { return set }
    let set = Set(names)
    sets[kind] = set
    return set
  }

  mutating func run() -> [Diagnostic] {
    let solutions = scenario.solutions.map(\.name)
    let pools = scenario.pools.map(\.name)
    let motions = scenario.motions.map(\.name)
    let teams = scenario.teams.map(\.name)
    let segments = scenario.segments.map(\.name)
    let accountTeams = scenario.teams.filter(\.kind.ownsAccounts).map(\.name)

    for segment in scenario.segments {
      let path = "segments.\(segment.name)"
      if let region = segment.region {
        reference(region, kind: "region", among: scenario.regions, at: join(path, "region"), extra: " in regions")
      }
      if let industry = segment.industry {
        reference(industry, kind: "industry", among: scenario.industries, at: join(path, "industry"), extra: " in industries")
      }
      for need in segment.solutionMix {
        reference(need.solution, kind: "solution", among: solutions, at: "\(path).solution_mix.\(need.solution)")
      }
      if let motion = segment.motion { reference(motion, kind: "motion", among: motions, at: join(path, "motion")) }
      if let potential = segment.accountPotential, !(potential.mean > 0) {
        error(join(path, "account_potential"), "account potential must be positive on average (it ranks accounts by size); use a distribution such as {lognormal: {median: 1, sigma: 0.8}}")
      }
    }
    for motion in scenario.motions {
      for stage in motion.stages {
        if let pool = stage.presales {
          reference(pool, kind: "presales pool", among: pools, at: "motions.\(motion.name).stages.\(stage.name).presales")
        }
      }
    }
    for team in scenario.teams {
      let path = "teams.\(team.name)"
      if let motion = team.motion { reference(motion, kind: "motion", among: motions, at: join(path, "motion")) }
      if let pool = team.presales { reference(pool, kind: "presales pool", among: pools, at: join(path, "presales")) }
      if let overflow = team.overflow {
        if overflow == team.name {
          error(join(path, "overflow"), "a team cannot overflow to itself")
        } else if teams.contains(overflow), !accountTeams.contains(overflow) {
          error(join(path, "overflow"), "\"\(overflow)\" is a specialist team and owns no accounts; overflow to an account team")
        } else {
          reference(overflow, kind: "team", among: teams, at: join(path, "overflow"))
        }
      }
      for solution in team.solutionNames { reference(solution, kind: "solution", among: solutions, at: join(path, team.groups.isEmpty ? "solutions" : "groups")) }
      for skill in team.embedded {
        reference(skill.solution, kind: "solution", among: solutions, at: join(path, "embedded"))
      }
      if Set(team.embedded.map(\.solution)).count < team.embedded.count {
        error(join(path, "embedded"), "a solution is embedded twice; give each solution one entry (add up its specialists)")
      }
      if team.kind.ownsAccounts, team.motion == nil,
        let segment = scenario.segments.first(where: { segment in segment.motion == nil && team.covers.contains { $0.matches(segment) } })
      {
        error(path, "covers segment \"\(segment.name)\", which has no motion of its own; give the team a \"motion\" or the segment one")
      }
      for (index, rule) in team.covers.enumerated() {
        let at = team.covers.count > 1 ? "\(path).covers[\(index)]" : "\(path).covers"
        for name in rule.segments ?? [] { reference(name, kind: "segment", among: segments, at: join(at, "segments")) }
        for name in rule.regions ?? [] { reference(name, kind: "region", among: scenario.regions, at: join(at, "region")) }
        for name in rule.industries ?? [] {
          reference(name, kind: "industry", among: scenario.industries, at: join(at, "industry"))
        }
        if !rule.selectsAccounts, !scenario.segments.isEmpty, !scenario.segments.contains(where: rule.matches) {
          error(at, "matches no segment; check its segments, region, industry and tier")
        }
      }
    }
    for (index, part) in scenario.uncovered.enumerated() {
      reference(part.segment, kind: "segment", among: segments, at: "uncovered[\(index)].segment")
    }
    checkPipeline(accountTeams: accountTeams)
    checkCoverage()
    checkNamedAccounts()
    checkLimits()
    checkEffort()
    if scenario.segments.isEmpty { error("segments", "a scenario needs at least one segment") }
    if accountTeams.isEmpty { error("teams", "a scenario needs at least one account team (regional, key_account, partner or telesales)") }
    if let transition = scenario.transition { checkTransition(transition) }
    return diagnostics
  }

  /// The starting pipeline's names: a segment, an account team, a stage of the motion the deal
  /// follows, a solution (located at the CSV's row and column).
  mutating func checkPipeline(accountTeams: [String]) {
    guard !scenario.pipeline.isEmpty else { return }
    if scenario.warmupDays > 0 {
      error("pipeline", "a simulation that starts from a pipeline needs no warm-up; set warmup_days: 0 (it is \(NumberText.shortest(scenario.warmupDays)))")
    }
    let segments = scenario.segments.map(\.name)
    let solutions = scenario.solutions.map(\.name)
    // A deal on a listed account is worked by the account's owner (its team cell may name a team
    // a variant split or renamed); any other deal by the team it names.
    let workers = scenario.pipelineTeams()
    for (index, deal) in scenario.pipeline.enumerated() {
      let path = "pipeline[\(index)]"
      reference(deal.segment, kind: "segment", among: segments, at: join(path, "segment"))
      let followsAccount = workers[index].map { scenario.teams[$0].name != deal.team } ?? false
      if !followsAccount { reference(deal.team, kind: "account team", among: accountTeams, at: join(path, "team")) }
      if let solution = deal.solution { reference(solution, kind: "solution", among: solutions, at: join(path, "solution")) }
      guard let segment = scenario.segment(named: deal.segment), let worker = workers[index] else { continue }
      let team = scenario.teams[worker]
      guard team.kind.ownsAccounts, let motionName = scenario.motionName(segment: segment, team: team), let motion = scenario.motion(named: motionName) else { continue }
      let stages = motion.stages.map(\.name)
      if !stages.contains(deal.stage) {
        let hint = Suggestion.didYouMean(deal.stage, among: stages) ?? "its stages: \(stages.joined(separator: ", "))"
        error(join(path, "stage"), "no stage \"\(deal.stage)\" in motion \"\(motionName)\" (the one team \"\(team.name)\" follows for segment \"\(deal.segment)\"); \(hint)")
      }
    }
  }

  /// Slots and experts within what the engine counts (`Scenario.maximumSlots`).
  mutating func checkLimits() {
    // What a replication implies: the simulated days and the opportunities expected in them.
    let days = scenario.horizonDays + scenario.warmupDays
    if days > Scenario.maximumDays {
      error(scenario.horizonDays >= scenario.warmupDays ? "horizon_days" : "warmup_days", "horizon_days + warmup_days = \(NumberText.shortest(days)) days; cccm simulates at most \(formatCount(Int(Scenario.maximumDays))) days (a century) a replication")
    } else {
      let expected = scenario.segments.reduce(0.0) { $0 + $1.arrivalsPerDay } * days
      if !(expected <= Scenario.maximumArrivals) {
        error(
          "segments",
          "a replication would simulate about \(expected.isFinite ? formatCount(Int(min(expected, 9e18))) : "infinitely many") opportunities (accounts x opportunities_per_account_year over \(NumberText.shortest(days)) days); cccm simulates at most \(formatCount(Int(Scenario.maximumArrivals))) a replication: check accounts, opportunities_per_account_year and the horizon")
      } else if let longest = scenario.motions.max(by: { $0.stages.count < $1.stages.count }) {
        let perOpportunity = Double(2 + 4 * longest.stages.count)
        // A seat's events: its first rep's arrival, then a departure and a backfill per leaver.
        let seatEvents = scenario.teams.reduce(0.0) { total, team in
          guard let people = team.people else { return total }
          let seats = Double(team.reps) + people.hires.reduce(0.0) { $0 + Double($1.reps) }
          return total + seats * (1 + 2 * people.attritionRateYear * days / 365)
        }
        let events = (expected + Double(scenario.pipeline.count)) * perOpportunity + seatEvents
        if events > Scenario.maximumEvents {
          error(
            "motions.\(longest.name).stages",
            "a replication would schedule about \(formatCount(Int(min(events, 9e18)))) events (about \(formatCount(Int(expected))) opportunities, each up to \(Int(perOpportunity)) with \(longest.stages.count) stages, and the reps' comings and goings); cccm schedules at most \(formatCount(Int(Scenario.maximumEvents))) a replication: use fewer stages, fewer opportunities or a shorter horizon")
        }
      }
    }
    let limit = Scenario.maximumSlots
    let limitText = formatCount(limit)
    var accountSlots = 0
    for team in scenario.teams {
      let capacity = team.largestCapacity
      if capacity > limit {
        let what = capacity == team.capacity ? "reps x slots_per_rep" : "(reps + planned hires) x slots_per_rep"
        error(
          "teams.\(team.name).reps",
          "\(what) = \(capacity == .max ? "more than 2^63" : formatCount(capacity)) slots; cccm simulates at most \(limitText) per team: lower reps, hires or slots_per_rep")
      } else if team.kind.ownsAccounts {
        accountSlots += capacity
      }
    }
    if accountSlots > limit {
      error("teams", "the account teams have \(formatCount(accountSlots)) slots in all (planned hires included); cccm simulates at most \(limitText) open opportunities at once: lower reps, hires or slots_per_rep")
    }
    if scenario.segments.count > limit { error("segments", "\(scenario.segments.count) segments; cccm simulates at most \(limitText)") }
    for team in scenario.teams {
      for (index, entry) in team.embedded.enumerated() where (entry.capacity ?? 0) > limit {
        error("teams.\(team.name).embedded[\(index)]", "specialists x slots_per_specialist is beyond \(limitText) slots; lower them")
      }
    }
    for (index, pool) in scenario.pools.enumerated() where index >= 64 && pool.servedWinFactor != 1 {
      error("presales.\(pool.name).served_win_factor", "only the first 64 presales pools may set served_win_factor; move this pool up the list")
    }
    for pool in scenario.pools where pool.experts > limit {
      error("presales.\(pool.name).experts", "\(formatCount(pool.experts)) experts; cccm simulates at most \(limitText) per pool")
    }
  }

  private func formatCount(_ n: Int) -> String { n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }

  /// Every segment's territories must tile [0, 1): no overlap, no gap unless declared `uncovered`.
  mutating func checkCoverage() {
    let tolerance = 1e-9
    for (segment, slices) in zip(scenario.segments, scenario.territories()) where segment.accountList == nil {
      func ownerName(_ owner: Owner) -> String {
        switch owner {
        case .team(let index): "team \"\(scenario.teams[index].name)\""
        case .uncovered: "uncovered"
        }
      }
      func ownerPath(_ owner: Owner) -> String {
        switch owner {
        case .team(let index): "teams.\(scenario.teams[index].name).covers"
        case .uncovered: "uncovered"
        }
      }
      var reached = 0.0
      var last: Territory?
      for slice in slices {
        if slice.lower > reached + tolerance {
          error(
            "segments.\(segment.name)",
            "accounts [\(formatShare(reached)), \(formatShare(slice.lower))) have no owner; cover them with a team or declare them under uncovered")
        } else if slice.lower < reached - tolerance, let last {
          error(
            ownerPath(slice.owner),
            "overlaps \(ownerName(last.owner)) on accounts [\(formatShare(slice.lower)), \(formatShare(min(reached, slice.upper)))) of segment \"\(segment.name)\"; every account needs exactly one owner (use share and offset)")
        }
        if slice.upper > reached {
          reached = slice.upper
          last = slice
        }
      }
      if reached < 1 - tolerance {
        error(
          "segments.\(segment.name)",
          slices.isEmpty
            ? "no team covers this segment; add it to a team's covers or declare it under uncovered"
            : "accounts [\(formatShare(reached)), 1) have no owner; cover them with a team or declare them under uncovered")
      }
    }
  }
}

func formatShare(_ value: Double) -> String {
  let rounded = (value * 1e6).rounded() / 1e6
  return NumberText.shortest(rounded)
}

extension ScenarioValidator {
  /// A transition starts from a valid organisation and changes only what a switch on a day can
  /// change: the market (segments, grades) stays, and pools whose experts are followed one by one
  /// (coordinate, handoff_win_factor) keep their experts and how they are followed.
  mutating func checkTransition(_ transition: Transition) {
    let former = transition.former.scenario
    var check = ScenarioValidator(scenario: former, locate: locate)
    for problem in check.run() {
      error("transition", "the organisation it starts from (the file it extends) is not valid: \(problem.path.isEmpty ? "" : "\(problem.path): ")\(problem.message)")
    }
    let fix = "change it in the baseline, or give transition: none to compare steady states"
    if !scenario.pipeline.isEmpty || !former.pipeline.isEmpty {
      // A starting pipeline's deals name their accounts; a switch re-derives accounts from the draws.
      error("transition", "a transition cannot start from a pipeline yet (its deals' accounts are given, not drawn); give transition: none to compare steady states from the same pipeline")
    }
    let before = former.segments.map(\.name)
    let after = scenario.segments.map(\.name)
    if Set(before) != Set(after) {
      let added = after.filter { !before.contains($0) }
      let removed = before.filter { !after.contains($0) }
      let what = (added.isEmpty ? [] : ["adds \(added.quotedList)"]) + (removed.isEmpty ? [] : ["removes \(removed.quotedList)"])
      error("transition", "the variant \(what.joined(separator: " and ")) of segments; a transition keeps the market and changes the organisation: \(fix)")
    }
    if former.grades != scenario.grades { error("transition", "the variant changes grades; a transition keeps them: \(fix)") }
    let only = (scenario.pools.filter { former.pool(named: $0.name) == nil } + former.pools.filter { scenario.pool(named: $0.name) == nil })
    for pool in only where pool.coordinate || pool.handoffWinFactor != 1 {
      error("transition", "presales pool \"\(pool.name)\" follows its experts one by one (coordinate or handoff_win_factor) and exists on one side of the transition only; \(fix)")
    }
    for pool in scenario.pools {
      guard let old = former.pool(named: pool.name) else { continue }
      let tracked = pool.coordinate || pool.handoffWinFactor != 1
      let wasTracked = old.coordinate || old.handoffWinFactor != 1
      if (tracked || wasTracked), tracked != wasTracked || pool.experts != old.experts || pool.coordinate != old.coordinate || pool.policy != old.policy {
        error("transition", "presales pool \"\(pool.name)\" follows its experts one by one (coordinate or handoff_win_factor) and the variant changes its experts, policy or coordination; a transition cannot move requests between such experts: \(fix)")
      }
    }
  }
}
