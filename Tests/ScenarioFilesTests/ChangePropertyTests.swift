import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

// docs/model.md as properties: on random valid scenarios (RandomScenario.swift), every what-if
// operation keeps what it does not say it changes, does not depend on the order teams are named
// in, and refuses what would be ambiguous with a message naming the parameter that settles it.

/// How many random scenarios each property runs on.
private let scenarioCount = 150

/// A generated scenario written to a file, so that variants can extend it.
private struct Generated {
  let seed: UInt64
  let path: String
  let scenario: Scenario

  /// The scenario with these changes (each a one-line YAML mapping naming its operation).
  func variant(_ changes: String...) throws(ScenarioLoadError) -> Scenario {
    let text = "extends: \(path)\nname: v\nchanges:\n" + changes.map { "  - \($0)\n" }.joined()
    return try ScenarioLoader().load(yaml: text, file: "variant.yaml")
  }

  /// The problems the changes are refused with, or nil if they apply.
  func refusal(_ changes: String...) -> String? {
    let text = "extends: \(path)\nname: v\nchanges:\n" + changes.map { "  - \($0)\n" }.joined()
    do {
      _ = try ScenarioLoader().load(yaml: text, file: "variant.yaml")
      return nil
    } catch {
      return error.description
    }
  }
}

/// Runs `body` on `scenarioCount` generated scenarios (seeds 1...), each with its own dice for the
/// property's choices; the files live in a directory removed afterwards.
private func forEachGenerated(
  _ property: String, neutralSpecialists: Bool = false, effort: Bool = false, _ body: (Generated, inout SplitMix64) throws -> Void
) throws {
  let directory = try scratchFolder("props-\(property)")
  defer { try? FileManager.default.removeItem(at: directory) }
  for seed in UInt64(1)...UInt64(scenarioCount) {
    let path = directory.appendingPathComponent("gen-\(seed).yaml").path
    let yaml = randomScenarioYAML(seed: seed, neutralSpecialists: neutralSpecialists, effort: effort)
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    let scenario: Scenario
    do {
      scenario = try ScenarioLoader().load(path: path)
    } catch {
      Issue.record("generated scenario \(seed) is invalid:\n\(error)\n\(yaml)")
      continue
    }
    var dice = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: property.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }))
    try body(Generated(seed: seed, path: path, scenario: scenario), &dice)
  }
}

// MARK: - What a scenario adds up to

private func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
  abs(a - b) <= relative * max(abs(a), abs(b), 1)
}

extension Scenario {
  fileprivate var accountTeams: [Team] { teams.filter(\.kind.ownsAccounts) }
  fileprivate var specialistTeams: [Team] { teams.filter { !$0.kind.ownsAccounts } }
  fileprivate var accountReps: Int { accountTeams.reduce(0) { $0 + $1.reps } }
  fileprivate var accountSlots: Int { accountTeams.reduce(0) { $0 + $1.capacity } }
  fileprivate var peopleCost: Double { teams.reduce(0) { $0 + $1.peopleCostYear } }
  fileprivate var overhead: Double { teams.reduce(0) { $0 + $1.overheadCostYear } }

  /// Specialists (overlay groups and embedded entries) who can work each solution.
  fileprivate var specialistsBySolution: [String: Int] {
    var result: [String: Int] = [:]
    for team in specialistTeams {
      for group in team.specialistGroups { for skill in group.solutions { result[skill.name, default: 0] += group.reps } }
    }
    for team in accountTeams { for entry in team.embedded { result[entry.solution, default: 0] += entry.specialists ?? 0 } }
    return result
  }

  /// Specialist slots (overlay groups and embedded entries) open to each solution.
  fileprivate var specialistSlotsBySolution: [String: Int] {
    var result: [String: Int] = [:]
    for team in specialistTeams {
      for group in team.specialistGroups { for skill in group.solutions { result[skill.name, default: 0] += group.capacity } }
    }
    for team in accountTeams { for entry in team.embedded { result[entry.solution, default: 0] += entry.capacity ?? 0 } }
    return result
  }

  /// Specialist people and slots in all, each counted once whatever it sells.
  fileprivate var specialistPeople: Int {
    specialistTeams.reduce(0) { $0 + $1.reps } + accountTeams.reduce(0) { $0 + $1.embedded.reduce(0) { $0 + ($1.specialists ?? 0) } }
  }
  fileprivate var specialistSlots: Int {
    specialistTeams.reduce(0) { $0 + $1.capacity } + accountTeams.reduce(0) { $0 + $1.embedded.reduce(0) { $0 + ($1.capacity ?? 0) } }
  }

  /// Per solution, the uplifts of every overlay group selling it, as a sorted multiset.
  fileprivate var overlayUplifts: [String: [String]] {
    var result: [String: [String]] = [:]
    for team in specialistTeams {
      for group in team.specialistGroups {
        for skill in group.solutions {
          result[skill.name, default: []].append("win \(skill.winUplift ?? team.winUplift) deal \(skill.dealUplift ?? team.dealUplift)")
        }
      }
    }
    return result.mapValues { $0.sorted() }
  }

  /// Per team name, the share of each segment's accounts it owns.
  fileprivate var ownership: [String: [Double]] {
    var result: [String: [Double]] = [:]
    for (s, slices) in territories().enumerated() {
      for slice in slices {
        guard case .team(let index) = slice.owner else { continue }
        result[teams[index].name, default: Array(repeating: 0, count: segments.count)][s] += slice.upper - slice.lower
      }
    }
    return result
  }

  /// The owner of the account at `position` (a fraction) of segment `s`, or nil if uncovered.
  fileprivate func owner(segment s: Int, at position: Double, in territories: [[Territory]]) -> Team? {
    for slice in territories[s] where slice.lower <= position && position < slice.upper {
      if case .team(let index) = slice.owner { return teams[index] }
      return nil
    }
    return nil
  }
}

private func sum(_ shares: [Double]?, _ other: [Double]?, count: Int) -> [Double] {
  let a = shares ?? Array(repeating: 0, count: count)
  let b = other ?? Array(repeating: 0, count: count)
  return zip(a, b).map { $0 + $1 }
}

private func sameShares(_ a: [Double]?, _ b: [Double]?, count: Int) -> Bool {
  zip(a ?? Array(repeating: 0, count: count), b ?? Array(repeating: 0, count: count)).allSatisfy { abs($0 - $1) < 1e-9 }
}

/// The parameters `merge_teams` needs for these teams: one for each attribute they differ in that
/// has no conserving rule, with one of the teams' values.
private func settlingParameters(_ merged: [Team], in scenario: Scenario, dice: inout SplitMix64) -> [(key: String, value: String)] {
  var parameters: [(key: String, value: String)] = []
  let names = merged.map(\.name)
  if Set(merged.map(\.kind)).count > 1 { parameters.append(("kind", dice.pick(merged).kind.rawValue)) }
  let relevant = merged.filter { t in scenario.segments.contains { s in s.motion == nil && t.covers.contains { $0.matches(s) } } }
  if Set(relevant.compactMap(\.motion)).count > 1 { parameters.append(("motion", dice.pick(relevant).motion!)) }
  let numbers: [(String, KeyPath<Team, Double>)] = [
    ("margin", \.margin), ("esp_floor", \.espFloor), ("new_hire_win_factor", \.newHireWinFactor),
    ("commission_rate", \.commissionRate), ("industry_breadth_factor", \.industryBreadthFactor),
  ]
  for (key, path) in numbers where Set(merged.map { $0[keyPath: path] }).count > 1 {
    parameters.append((key, "\(dice.pick(merged)[keyPath: path])"))
  }
  if Set(merged.map(\.relationshipCoverage)).count > 1 { parameters.append(("relationship_coverage", "{beta: {alpha: 4, beta: 2}}")) }
  if Set(merged.map(\.presales)).count > 1 { parameters.append(("presales", dice.pick(merged.compactMap(\.presales)))) }
  // Overflow outside the merged teams, "none" included, must agree or be given.
  let outside = Set(merged.map { $0.overflow.flatMap { names.contains($0) ? nil : $0 } ?? "" })
  if outside.count > 1, let target = outside.filter({ !$0.isEmpty }).sorted().first { parameters.append(("overflow", target)) }
  return parameters
}

private func flow(_ parameters: [(key: String, value: String)]) -> String {
  parameters.map { ", \($0.key): \($0.value)" }.joined()
}

// MARK: - Properties

@Suite("What-if changes as properties on random scenarios (docs/what-if.md)")
struct ChangePropertyTests {
  @Test("the generator writes only valid scenarios, of every kind of team")
  func generatorIsValid() throws {
    var kinds = Set<TeamKind>()
    var potentials = 0
    var embedded = 0
    try forEachGenerated("valid") { g, _ in
      kinds.formUnion(g.scenario.teams.map(\.kind))
      potentials += g.scenario.segments.filter { $0.accountPotential != nil }.count
      embedded += g.scenario.teams.filter { !$0.embedded.isEmpty }.count
    }
    #expect(kinds == Set(TeamKind.allCases))
    #expect(potentials > 50 && embedded > 50)
  }

  @Test("merge_teams keeps account reps, slots, people cost, overhead and who owns what")
  func mergeTeamsConserves() throws {
    var merges = 0
    try forEachGenerated("merge") { g, dice in
      let s = g.scenario
      let pair = dice.sample(s.accountTeams, 2)
      let parameters = settlingParameters(pair, in: s, dice: &dice)
      let change = "merge_teams: {teams: [\(pair[0].name), \(pair[1].name)], name: Merged\(flow(parameters))}"
      let m = try g.variant(change)
      merges += 1
      let context = "scenario \(g.seed): \(change)"
      #expect(m.accountReps == s.accountReps, "\(context)")
      #expect(m.accountSlots == s.accountSlots, "\(context)")
      #expect(m.team(named: "Merged")?.capacity == pair[0].capacity + pair[1].capacity, "\(context)")
      #expect(close(m.peopleCost, s.peopleCost), "\(context): people cost \(s.peopleCost) -> \(m.peopleCost)")
      #expect(close(m.overhead, s.overhead), "\(context): overhead \(s.overhead) -> \(m.overhead)")
      #expect(m.specialistsBySolution == s.specialistsBySolution, "\(context)")
      #expect(m.specialistSlotsBySolution == s.specialistSlotsBySolution, "\(context)")
      let before = s.ownership
      let after = m.ownership
      let n = s.segments.count
      #expect(sameShares(after["Merged"], sum(before[pair[0].name], before[pair[1].name], count: n), count: n), "\(context)")
      for team in s.teams where !pair.contains(team) {
        #expect(sameShares(after[team.name], before[team.name], count: n), "\(context): \(team.name)'s accounts")
      }
    }
    #expect(merges == scenarioCount)
  }

  @Test("merging A with B is merging B with A")
  func mergeTeamsIsSymmetric() throws {
    try forEachGenerated("merge-order") { g, dice in
      let pair = dice.sample(g.scenario.accountTeams, min(3, g.scenario.accountTeams.count))
      let parameters = flow(settlingParameters(pair, in: g.scenario, dice: &dice))
      let forward = try g.variant("merge_teams: {teams: [\(pair.map(\.name).joined(separator: ", "))], name: Merged\(parameters)}")
      let backward = try g.variant("merge_teams: {teams: [\(pair.reversed().map(\.name).joined(separator: ", "))], name: Merged\(parameters)}")
      #expect(forward == backward, "scenario \(g.seed): merging \(pair.map(\.name)) depends on the order")
    }
  }

  @Test("teams that differ in an attribute with no conserving rule are refused, naming the parameter that settles it")
  func mergeTeamsNamesTheMissingParameter() throws {
    var refusals = 0
    try forEachGenerated("merge-refusal") { g, dice in
      let pair = dice.sample(g.scenario.accountTeams, 2)
      let parameters = settlingParameters(pair, in: g.scenario, dice: &dice)
      for left in parameters.indices {
        let others = parameters.enumerated().filter { $0.offset != left }.map(\.element)
        let change = "merge_teams: {teams: [\(pair[0].name), \(pair[1].name)], name: Merged\(flow(others))}"
        let refusal = g.refusal(change)
        #expect(refusal?.contains("give \(parameters[left].key)") == true, "scenario \(g.seed): \(change)\n\(refusal ?? "applied")")
        refusals += 1
      }
    }
    #expect(refusals > 100)
  }

  @Test("merge_into_product_group keeps each solution's specialists, slots and uplifts, people cost and overhead")
  func productGroupConserves() throws {
    var multiple = 0
    try forEachGenerated("group") { g, dice in
      let s = g.scenario
      let merged = dice.sample(s.specialistTeams, dice.int(1...s.specialistTeams.count))
      var parameters: [(key: String, value: String)] = []
      let engage = merged.filter { $0.kind == .productGroup }.map(\.engageProbability)
      if Set(engage).count > 1 { parameters.append(("engage_probability", "\(dice.pick(engage))")) }
      if Set(merged.map(\.commissionRate)).count > 1 { parameters.append(("commission_rate", "\(dice.pick(merged).commissionRate)")) }
      let change = "merge_into_product_group: {teams: [\(merged.map(\.name).joined(separator: ", "))], name: PG\(flow(parameters))}"
      let m = try g.variant(change)
      if merged.count > 1 { multiple += 1 }
      let context = "scenario \(g.seed): \(change)"
      #expect(m.specialistsBySolution == s.specialistsBySolution, "\(context)")
      #expect(m.specialistSlotsBySolution == s.specialistSlotsBySolution, "\(context)")
      #expect(m.overlayUplifts == s.overlayUplifts, "\(context)")
      #expect(close(m.peopleCost, s.peopleCost), "\(context): people cost \(s.peopleCost) -> \(m.peopleCost)")
      #expect(close(m.overhead, s.overhead), "\(context)")
      #expect(m.accountTeams == s.accountTeams, "\(context)")
    }
    #expect(multiple > 50)
  }

  @Test("merging specialist teams A and B into a product group is merging B and A")
  func productGroupIsSymmetric() throws {
    var pairs = 0
    try forEachGenerated("group-order") { g, dice in
      guard g.scenario.specialistTeams.count >= 2 else { return }
      let merged = dice.sample(g.scenario.specialistTeams, g.scenario.specialistTeams.count)
      let parameters = ", engage_probability: 1, commission_rate: 0"
      let forward = try g.variant("merge_into_product_group: {teams: [\(merged.map(\.name).joined(separator: ", "))], name: PG\(parameters)}")
      let backward = try g.variant(
        "merge_into_product_group: {teams: [\(merged.reversed().map(\.name).joined(separator: ", "))], name: PG\(parameters)}")
      pairs += 1
      #expect(forward == backward, "scenario \(g.seed): the group's specialists come in the order \(merged.map(\.name)) named")
    }
    #expect(pairs > 50)
  }

  @Test("an uncertain uplift at a parameter set's value goes through merge_into_product_group and embed_solution_team as that value, not the mean")
  func uncertainValuesCarriedThrough() throws {
    var carried = 0
    try forEachGenerated("uncertain-carried") { g, dice in
      let team = dice.pick(g.scenario.specialistTeams)
      let path = "teams.\(team.name).win_uplift"
      let (low, high) = (team.winUplift * 0.8, team.winUplift * 1.2)
      let drawn = low + dice.unit() * (high - low)
      let directory = URL(fileURLWithPath: g.path).deletingLastPathComponent()
      let uncertain = directory.appendingPathComponent("uncertain-\(g.seed).yaml").path
      let written = directory.appendingPathComponent("written-\(g.seed).yaml").path
      try "extends: \(g.path)\nname: u\nchanges:\n  - set: {path: \(path), value: {uncertain: {uniform: {min: \(low), max: \(high)}}}}\n"
        .write(toFile: uncertain, atomically: true, encoding: .utf8)
      try "extends: \(g.path)\nname: u\nchanges:\n  - set: {path: \(path), value: \(drawn)}\n".write(toFile: written, atomically: true, encoding: .utf8)
      let others = g.scenario.specialistTeams.filter { $0.name != team.name }.map(\.name)
      let names = ([team.name] + others.prefix(1)).joined(separator: ", ")
      let merge = "merge_into_product_group: {teams: [\(names)], name: PG, engage_probability: 1, commission_rate: 0}"
      let change = dice.chance(0.5) ? merge : "embed_solution_team: {team: \(team.name)}"
      let variant = { (base: String) in "extends: \(base)\nname: v\nchanges:\n  - \(change)\n" }
      let atDraw: Scenario
      do {
        atDraw = try ScenarioLoader(uncertainDraws: [path: drawn]).load(yaml: variant(uncertain), file: "variant.yaml")
      } catch {
        // Refused for reasons of its own (an embedding nobody needs): refused the same without uncertainty.
        #expect(throws: ScenarioLoadError.self, "scenario \(g.seed): \(change)") { try ScenarioLoader().load(yaml: variant(written), file: "variant.yaml") }
        return
      }
      let reference = try ScenarioLoader().load(yaml: variant(written), file: "variant.yaml")
      carried += 1
      #expect(atDraw.teams == reference.teams, "scenario \(g.seed): \(change) at \(path) = \(drawn)")
      #expect(atDraw.overlayUplifts == reference.overlayUplifts, "scenario \(g.seed): \(change)")
      // At the mean (no draw) the uncertain file gives the file's mean, as every command but `uncertainty` runs it.
      let atMean = try ScenarioLoader().load(yaml: variant(uncertain), file: "variant.yaml")
      #expect(drawn == (low + high) / 2 || atMean.teams != reference.teams || atDraw.teams == atMean.teams)
    }
    #expect(carried > 50)
  }

  @Test("embed_solution_team keeps the specialists, their slots and people cost, and the overhead unless given")
  func embedConserves() throws {
    var embeds = 0
    try forEachGenerated("embed") { g, dice in
      let s = g.scenario
      let team = dice.pick(s.specialistTeams)
      let keep = dice.chance(0.5) ? ", keep_uplift: \(dice.hundredths(0...100))" : ""
      let remaining = dice.chance(0.3) ? Double(dice.int(0...100) * 1000) : nil
      let change = "embed_solution_team: {team: \(team.name)\(keep)\(remaining.map { ", overhead_cost_year: \($0)" } ?? "")}"
      let context = "scenario \(g.seed): \(change)"
      let solutions = team.solutionNames
      let hosts = s.teams.indices.filter { h in s.teams[h].kind.ownsAccounts && solutions.contains { s.demand(for: $0, ownedBy: h) > 0 } }
      // Refused, with a message saying why, only when nobody needs its solutions, when a group's
      // slots are not a whole number per specialist, or when a host would embed a solution on two
      // sets of terms (its own, or those of two of the team's groups).
      let unevenSlots = team.specialistGroups.contains { group in group.slots.map { $0 % group.reps != 0 } ?? false }
      let hostClash = hosts.contains { h in s.teams[h].embedded.contains { solutions.contains($0.solution) } }
      let groupClash = team.specialistGroups.count > 1 && solutions.contains { solution in
        Set(team.specialistGroups.compactMap { group in
          group.solutions.first { $0.name == solution }.map {
            "\(group.slots.map { $0 / group.reps } ?? group.slotsPerRep) \(group.costPerRepYear) \($0.winUplift ?? team.winUplift) \($0.dealUplift ?? team.dealUplift)"
          }
        }).count > 1
      }
      if hosts.isEmpty || unevenSlots {
        let refusal = g.refusal(change)
        let reason = hosts.isEmpty ? "no account team covers a segment needing" : "to a multiple of"
        #expect(refusal?.contains(reason) == true, "\(context)\n\(refusal ?? "applied")")
        return
      }
      // A group whose solutions no host needs has nowhere to go.
      let idleGroup = team.specialistGroups.contains { group in
        group.solutions.allSatisfy { skill in hosts.allSatisfy { s.demand(for: skill.name, ownedBy: $0) == 0 } }
      }
      if let refusal = g.refusal(change) {
        #expect(
          (hostClash && refusal.contains("already has embedded")) || (groupClash && refusal.contains("has groups working"))
            || (idleGroup && refusal.contains("which no host's customers need")),
          "\(context)\n\(refusal)")
        return
      }
      let m = try g.variant(change)
      embeds += 1
      #expect(m.team(named: team.name) == nil, "\(context)")
      #expect(m.specialistPeople == s.specialistPeople, "\(context)")
      #expect(m.specialistSlots == s.specialistSlots, "\(context): specialist slots \(s.specialistSlots) -> \(m.specialistSlots)")
      if team.specialistGroups.allSatisfy({ $0.solutions.count == 1 }) {
        // Specialists of one solution each: every solution keeps its specialists and slots.
        #expect(m.specialistsBySolution == s.specialistsBySolution, "\(context)")
        #expect(m.specialistSlotsBySolution == s.specialistSlotsBySolution, "\(context)")
      }
      #expect(close(m.peopleCost, s.peopleCost), "\(context): people cost \(s.peopleCost) -> \(m.peopleCost)")
      // The overhead moves with the specialists, or is what overhead_cost_year says remains.
      let overhead = s.overhead - team.overheadCostYear + (remaining ?? team.overheadCostYear)
      #expect(close(m.overhead, overhead), "\(context): overhead \(s.overhead) -> \(m.overhead)")
      #expect(m.accountReps == s.accountReps && m.accountSlots == s.accountSlots, "\(context)")
    }
    #expect(embeds > 50)
  }

  @Test("split_team without hire or release keeps reps, slots, overhead, embedded specialists and coverage; hire: N adds N reps")
  func splitConserves() throws {
    var splits = 0
    try forEachGenerated("split") { g, dice in
      let s = g.scenario
      let team = dice.pick(s.accountTeams)
      let cut = dice.int(10...90)
      var shares = [cut, 100 - cut]
      if dice.chance(0.3), cut > 20 { shares = [cut - 10, 10, 100 - cut] }
      let overflowTo = s.teams.contains { $0.overflow == team.name } ? ", overflow_to: \(team.name)-p1" : ""
      let parts = shares.enumerated().map { "{name: \(team.name)-p\($0.offset + 1), share: \(Double($0.element) / 100)}" }
      // Without reps given, a part too small for a whole rep is refused; give the reps then.
      let apportioned = apportion(team.reps, by: shares.map(Double.init))
      let hire = dice.chance(0.5) ? dice.int(1...5) : 0
      let withHire = apportion(team.reps + hire, by: shares.map(Double.init))
      let context = "scenario \(g.seed): split \(team.name) (\(team.reps) reps) by \(shares)"

      if !apportioned.contains(0) {
        let m = try g.variant("split_team: {team: \(team.name), into: [\(parts.joined(separator: ", "))]\(overflowTo)}")
        splits += 1
        let pieces = (1...shares.count).compactMap { m.team(named: "\(team.name)-p\($0)") }
        #expect(pieces.count == shares.count, "\(context)")
        #expect(m.accountReps == s.accountReps, "\(context)")
        #expect(m.accountSlots == s.accountSlots, "\(context): slots \(s.accountSlots) -> \(m.accountSlots)")
        #expect(close(m.overhead, s.overhead), "\(context)")
        #expect(close(m.peopleCost, s.peopleCost), "\(context)")
        #expect(m.specialistsBySolution == s.specialistsBySolution, "\(context)")
        #expect(m.specialistSlotsBySolution == s.specialistSlotsBySolution, "\(context)")
        let before = s.ownership
        let after = m.ownership
        let n = s.segments.count
        let united = pieces.reduce(Array(repeating: 0.0, count: n)) { sum($0, after[$1.name], count: n) }
        #expect(sameShares(united, before[team.name], count: n), "\(context)")
        // Each part owns its share of every slice.
        for (piece, share) in zip(pieces, shares) {
          let expected = (before[team.name] ?? []).map { $0 * Double(share) / 100 }
          #expect(sameShares(after[piece.name], expected, count: n), "\(context): \(piece.name)")
        }
      } else {
        let refusal = g.refusal("split_team: {team: \(team.name), into: [\(parts.joined(separator: ", "))]\(overflowTo)}")
        let reason = team.reps < shares.count ? "each part needs at least one rep" : "a part would get no rep"
        #expect(refusal?.contains(reason) == true, "\(context)\n\(refusal ?? "applied")")
      }
      if hire > 0, !withHire.contains(0) {
        let m = try g.variant("split_team: {team: \(team.name), into: [\(parts.joined(separator: ", "))], hire: \(hire)\(overflowTo)}")
        #expect(m.accountReps == s.accountReps + hire, "\(context), hire \(hire)")
      }
    }
    #expect(splits > 100)
  }

  @Test("move_accounts keeps reps and slots, and every account keeps the motion its opportunities follow")
  func moveKeepsMotions() throws {
    var moves = 0
    var refusedForMotion = 0
    try forEachGenerated("move") { g, dice in
      let s = g.scenario
      let pair = dice.sample(s.accountTeams, 2)
      let (from, to) = (pair[0], pair[1])
      let covered = s.segments.filter { segment in from.covers.contains { $0.matches(segment) } }
      var selector = ""
      var selected = covered
      switch dice.int(0...2) {
      case 0:
        let segment = dice.pick(covered)
        selector = ", segments: \(segment.name)"
        selected = [segment]
      case 1:
        let tier = dice.pick(covered).tier
        selector = ", tier: \(tier.rawValue)"
        selected = covered.filter { $0.tier == tier }
      default: break
      }
      let share = dice.chance(0.5) ? ", share: \(dice.hundredths(10...100))" : ""
      let withReps = from.reps > 1 && dice.chance(0.3) ? ", with_reps: \(dice.int(1...(from.reps - 1)))" : ""
      let change = "move_accounts: {from: \(from.name), to: \(to.name)\(selector)\(share)\(withReps)}"
      let context = "scenario \(g.seed): \(change)"
      // Refused when a moved segment without a motion of its own is sold with several motions.
      let ambiguous = to.motion != from.motion && selected.contains { segment in
        segment.motion == nil && Set(s.accountTeams.filter { $0.covers.contains { $0.matches(segment) } }.map(\.motion)).count > 1
      }
      if ambiguous {
        let refusal = g.refusal(change)
        #expect(refusal?.contains("is sold with several motions and has none of its own") == true, "\(context)\n\(refusal ?? "applied")")
        refusedForMotion += 1
        return
      }
      let m = try g.variant(change)
      moves += 1
      #expect(m.accountReps == s.accountReps, "\(context)")
      #expect(m.accountSlots == s.accountSlots, "\(context): slots \(s.accountSlots) -> \(m.accountSlots)")
      #expect(close(m.peopleCost, s.peopleCost), "\(context)")
      // Every account (between any two slice boundaries before or after): the same coverage and
      // the same motion.
      let before = s.territories()
      let after = m.territories()
      for (i, segment) in s.segments.enumerated() {
        let bounds = Set((before[i] + after[i]).flatMap { [$0.lower, $0.upper] } + [0, 1]).sorted()
        for (lower, upper) in zip(bounds, bounds.dropFirst()) where upper - lower > 1e-9 {
          let position = (lower + upper) / 2
          let old = s.owner(segment: i, at: position, in: before)
          let new = m.owner(segment: i, at: position, in: after)
          #expect((old == nil) == (new == nil), "\(context): \(segment.name) at \(position)")
          guard let old, let new else { continue }
          let motionBefore = s.motionName(segment: segment, team: old)
          let motionAfter = m.motionName(segment: m.segments[i], team: new)
          #expect(
            motionBefore == motionAfter,
            "\(context): accounts of \(segment.name) at \(position) followed \(motionBefore ?? "-") with \(old.name), now \(motionAfter ?? "-") with \(new.name)")
        }
      }
    }
    #expect(moves > 100 && refusedForMotion > 0)
  }

  @Test("resize by +k and then by -k gives the team back")
  func resizeRoundTrip() throws {
    try forEachGenerated("resize") { g, dice in
      let team = dice.pick(g.scenario.teams)
      let k = dice.int(1...10)
      let group = team.groups.count > 1 ? ", group: \(dice.pick(team.groups).name)" : ""
      let m = try g.variant("resize: {team: \(team.name), by: \(k)\(group)}", "resize: {team: \(team.name), by: -\(k)\(group)}")
      #expect(m.team(named: team.name) == team, "scenario \(g.seed): \(team.name) +\(k) -\(k)\(group)")
      let grown = try g.variant("resize: {team: \(team.name), by: \(k)\(group)}")
      #expect(grown.team(named: team.name)?.reps == team.reps + k, "scenario \(g.seed)")
    }
  }
}

// MARK: - Visible: diff shows what changed and what did not

/// The totals `diff` prints that a change keeping reps, slots, specialists and cost must leave as they were.
/// The effort model's keys under the four rules: ground is divided by a split's geographic shares
/// (a split by size keeps it), merges unite it, selling hours are conserved with the reps, and
/// `diff` shows each team's hours, ground and travel per visit.
struct EffortChangePropertyTests {
  @Test("split_team with area_share divides the team's ground by the shares; without, every part keeps the whole ground")
  func splitDividesGround() throws {
    var splits = 0
    try forEachGenerated("effort-split", effort: true) { g, dice in
      let s = g.scenario
      let team = dice.pick(s.accountTeams)
      guard team.reps >= 2 else { return }
      let cut = dice.int(10...90)
      let area = dice.int(10...90)
      let geographic = dice.chance(0.6)
      let overflowTo = s.teams.contains { $0.overflow == team.name } ? ", overflow_to: \(team.name)-p1" : ""
      let parts = [(cut, area), (100 - cut, 100 - area)].enumerated().map { k, part in
        "{name: \(team.name)-p\(k + 1), share: \(Double(part.0) / 100), reps: \(k == 0 ? 1 : team.reps - 1)\(geographic ? ", area_share: \(Double(part.1) / 100)" : "")}"
      }
      let m = try g.variant("split_team: {team: \(team.name), into: [\(parts.joined(separator: ", "))]\(overflowTo)}")
      splits += 1
      let ground = s.ground(ofTeam: team)
      let pieces = (1...2).compactMap { m.team(named: "\(team.name)-p\($0)") }
      #expect(pieces.count == 2)
      let context = "scenario \(g.seed): split \(team.name) (ground \(ground)) by area \(geographic ? "\(area)%" : "none")"
      for (k, piece) in pieces.enumerated() {
        let expected = geographic ? ground * Double(k == 0 ? area : 100 - area) / 100 : ground
        #expect(close(m.ground(ofTeam: piece), expected, relative: 1e-9), "\(context): \(piece.name) \(m.ground(ofTeam: piece))")
        #expect(piece.time == team.time, "\(context)")
      }
      // Selling hours go with the reps.
      let hours = { (x: Scenario) in x.accountTeams.reduce(0) { $0 + Double($1.reps) * ($1.time?.sellingHoursPerYear ?? 0) } }
      #expect(close(hours(m), hours(s)), "\(context)")
      // The parts merged again cover the team's ground.
      let back = try g.variant(
        "split_team: {team: \(team.name), into: [\(parts.joined(separator: ", "))]\(overflowTo)}",
        "merge_teams: {teams: [\(team.name)-p1, \(team.name)-p2], name: \(team.name)}")
      #expect(close(back.ground(ofTeam: back.team(named: team.name)!), ground), "\(context)")
    }
    #expect(splits > 100)
  }

  @Test("merge_teams unites ground and adds selling hours; merging A with B is merging B with A")
  func mergeUnitesGround() throws {
    try forEachGenerated("effort-merge", effort: true) { g, dice in
      let s = g.scenario
      let chosen = dice.sample(s.accountTeams, 2)
      let settle = settlingParameters(chosen, in: s, dice: &dice)
      let extra = flow(settle)
      let ab = try g.variant("merge_teams: {teams: [\(chosen[0].name), \(chosen[1].name)], name: M\(extra)}")
      let ba = try g.variant("merge_teams: {teams: [\(chosen[1].name), \(chosen[0].name)], name: M\(extra)}")
      let merged = ab.team(named: "M")!
      let context = "scenario \(g.seed): merge \(chosen.map(\.name))"
      #expect(close(ab.ground(ofTeam: merged), ba.ground(ofTeam: ba.team(named: "M")!)), "\(context)")
      #expect(ab.ground(ofTeam: merged) >= chosen.map { s.ground(ofTeam: $0) }.max()! - 1e-6, "\(context)")
      #expect(ab.ground(ofTeam: merged) <= chosen.reduce(0) { $0 + s.ground(ofTeam: $1) } + 1e-6, "\(context)")
      #expect(merged.time == chosen[0].time, "\(context)")
    }
  }

  @Test("diff shows each team's selling hours, ground and travel per visit, and their totals")
  func diffShowsEffort() throws {
    try forEachGenerated("effort-diff", effort: true) { g, dice in
      let s = g.scenario
      let team = dice.pick(s.accountTeams)
      guard team.reps >= 2 else { return }
      let overflowTo = s.teams.contains { $0.overflow == team.name } ? ", overflow_to: \(team.name)-a" : ""
      let m = try g.variant(
        "split_team: {team: \(team.name), into: [{name: \(team.name)-a, share: 0.5, area_share: 0.25, reps: 1}, {name: \(team.name)-b, share: 0.5, area_share: 0.75, reps: \(team.reps - 1)}]\(overflowTo)}")
      let report = ScenarioDiff(from: s, to: m).report
      for field in ["selling hours a year", "ground (km2)", "travel hours per visit"] {
        #expect(report.contains("    \(field): "), "scenario \(g.seed): \(field)\n\(report)")
      }
      #expect(report.contains("selling hours a year (teams with time)"), "scenario \(g.seed)")
      // A quarter of the ground halves the travel per visit.
      let quarter = m.team(named: "\(team.name)-a")!
      if s.ground(ofTeam: team) > 0 {
        #expect(close(m.travelHoursPerVisit(team: quarter) * 2, s.travelHoursPerVisit(team: team), relative: 1e-9), "scenario \(g.seed)")
      }
    }
  }
}

private func conservedTotals(_ diff: ScenarioDiff, solutions: [String]) -> [ScenarioDiff.FieldChange] {
  let fields = ["account reps", "account slots", "cost a year: people", "cost a year: overhead", "cost a year: fixed in all"]
    + solutions.flatMap { ["\($0) specialists", "\($0) specialist slots"] }
  return diff.totals.filter { fields.contains($0.field) }
}

@Suite("diff shows conserving changes as conserving (docs/model.md)")
struct ChangeVisibilityTests {
  @Test("after merge_teams or merge_into_product_group, diff shows every total unchanged, and the uplifts by solution the same")
  func mergesShowUnchangedTotals() throws {
    try forEachGenerated("diff") { g, dice in
      let s = g.scenario
      let pair = dice.sample(s.accountTeams, 2)
      let parameters = flow(settlingParameters(pair, in: s, dice: &dice))
      let specialists = dice.sample(s.specialistTeams, dice.int(1...s.specialistTeams.count)).map(\.name)
      let m = try g.variant(
        "merge_teams: {teams: [\(pair[0].name), \(pair[1].name)], name: Merged\(parameters)}",
        "merge_into_product_group: {teams: [\(specialists.joined(separator: ", "))], name: PG, engage_probability: 1, commission_rate: 0}")
      let diff = ScenarioDiff(from: s, to: m)
      let totals = conservedTotals(diff, solutions: s.solutions.map(\.name))
      #expect(totals.count == 5 + 2 * s.solutions.count)
      for total in totals { #expect(total.old == total.new, "scenario \(g.seed): \(total.field) \(total.old) -> \(total.new)") }
      // The same uplifts, perhaps listed in another order (groups follow the teams' order).
      for total in diff.totals where total.field.hasSuffix(" uplifts") {
        #expect(Set(total.old.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }) == Set(total.new.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }), "scenario \(g.seed): \(total.field) \(total.old) -> \(total.new)")
      }
      #expect(diff.coverageMoved.allSatisfy { $0.new.hasPrefix("Merged") || $0.new.contains("Merged ") }, "scenario \(g.seed)")
    }
  }
}

// MARK: - Refusals and diff on Northwind

private let northwind = repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path

/// The problems Northwind with this change is refused with, without the file name, or nil.
private func northwindRefusal(_ change: String) -> String? {
  do {
    _ = try ScenarioLoader().load(yaml: "extends: \(northwind)\nname: v\nchanges:\n  - \(change)\n", file: "variant.yaml")
    return nil
  } catch .invalid(let error) {
    return error.diagnostics.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
  } catch {
    return "\(error)"
  }
}

/// "8 (overlay 8, embedded 0)": the total, overlay and embedded numbers of a totals line.
private func specialistCounts(_ text: String) -> [Int] {
  text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
}

@Suite("What-if refusals and diffs on Northwind")
struct NorthwindChangeTests {
  @Test(
    "a change naming something twice, or an unknown tier, is refused with the key path and what to do",
    arguments: [
      (
        "merge_teams: {teams: [North, South, North], name: Merged}",
        "changes[0].merge_teams.teams: \"North\" is named twice; name each team once"
      ),
      (
        "merge_into_product_group: {teams: [Platform-Team, Analytics-Team, Platform-Team], name: PG}",
        "changes[0].merge_into_product_group.teams: \"Platform-Team\" is named twice; name each team once"
      ),
      (
        "split_team: {team: West, into: [{name: W1, share: 0.5}, {name: W1, share: 0.5}]}",
        "changes[0].split_team.into[1].name: two parts are named \"W1\"; give each part its own name"
      ),
      (
        "embed_solution_team: {team: Platform-Team, into: []}",
        "changes[0].embed_solution_team.into: name at least one account team, e.g. into: [North, South]"
      ),
      (
        "move_accounts: {from: North, to: Partners, tier: smbb}",
        "changes[0].move_accounts.tier: unknown tier \"smbb\"; did you mean \"smb\"?"
      ),
    ])
  func refusals(change: String, message: String) {
    #expect(northwindRefusal(change) == message)
  }

  @Test("diff of the product-group variant: the teams regrouped, every total unchanged")
  func productGroupDiff() throws {
    let base = try ScenarioLoader().load(path: northwind)
    let variant = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/solutions-as-product-group.yaml").path)
    let report = ScenarioDiff(from: base, to: variant).report
    let lines = report.split(separator: "\n").map(String.init)
    #expect(lines.contains("+ team Product-Group"))
    #expect(lines.contains("- team Platform-Team") && lines.contains("- team Analytics-Team"))
    for prefix in ["  = Platform specialists: 8 (overlay 8, embedded 0)", "  = Platform specialist slots: 48 (overlay 48, embedded 0)", "  = Platform uplifts: win x1.35 deal x1.25", "  = Analytics specialists: 4 (overlay 4, embedded 0)", "  = account reps: ", "  = account slots: ", "  = cost a year: fixed in all: "] {
      #expect(lines.contains { $0.hasPrefix(prefix) }, "no line \"\(prefix)\" in\n\(report)")
    }
    // Every total the same (commission rates are listed by team name, so they show the new name).
    let totals = lines.drop { $0 != "totals:" }.dropFirst().filter { !$0.contains("commission rates:") }
    #expect(totals.allSatisfy { $0.hasPrefix("  = ") }, "a total changed:\n\(report)")
  }

  @Test("diff of the embedded variant: each solution's specialists and slots move from overlay to embedded, their totals unchanged")
  func embeddedDiff() throws {
    let base = try ScenarioLoader().load(path: northwind)
    let variant = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/solutions-embedded.yaml").path)
    let diff = ScenarioDiff(from: base, to: variant)
    let report = diff.report
    let lines = report.split(separator: "\n").map(String.init)
    #expect(lines.contains("- team Platform-Team") && lines.contains("- team Analytics-Team"))
    for solution in ["Platform", "Analytics"] {
      for field in ["\(solution) specialists", "\(solution) specialist slots"] {
        let total = try #require(diff.totals.first { $0.field == field })
        let (old, new) = (specialistCounts(total.old), specialistCounts(total.new))
        // total (overlay n, embedded 0) -> total (overlay 0, embedded total)
        #expect(old.count == 3 && new.count == 3 && old[0] == new[0] && old[1] == old[0] && old[2] == 0 && new[1] == 0 && new[2] == new[0], "\(field): \(total.old) -> \(total.new)")
        #expect(lines.contains("  ~ \(field): \(total.old) -> \(total.new)"))
      }
    }
    // The hosts show their new embedded specialists and the people cost they bring.
    let hosts = variant.teams.filter { !$0.embedded.isEmpty }
    #expect(!hosts.isEmpty)
    for host in hosts {
      #expect(lines.contains("~ team \(host.name)"))
      #expect(lines.contains { $0.hasPrefix("    embedded: (default) -> [{solution: ") })
    }
    for unchanged in ["account reps", "account slots", "cost a year: people", "cost a year: overhead", "cost a year: fixed in all", "presales experts"] {
      #expect(lines.contains { $0.hasPrefix("  = \(unchanged): ") }, "\(unchanged) changed:\n\(report)")
    }
  }

  @Test("diff of the split variant: the coverage cut, reps kept, the named slots per rep and second overhead shown")
  func splitDiff() throws {
    let base = try ScenarioLoader().load(path: northwind)
    let variant = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/split-west.yaml").path)
    let lines = ScenarioDiff(from: base, to: variant).report.split(separator: "\n").map(String.init)
    #expect(lines.contains("- team West") && lines.contains("+ team West-Coast") && lines.contains("+ team West-Inland"))
    #expect(lines.contains { $0.hasPrefix("~ coverage of SMB-West: West 100% -> West-Coast ") && $0.contains(", West-Inland ") })
    #expect(lines.contains("  = account reps: \(base.accountReps)"))
    #expect(variant.accountSlots == base.accountSlots + 2 * 11, "11 reps at 12 slots instead of 10")
    #expect(lines.contains("  ~ account slots: \(base.accountSlots) -> \(variant.accountSlots)"))
    #expect(lines.contains { $0.hasPrefix("  ~ cost a year: overhead: ") })
    #expect(lines.contains { $0.hasPrefix("  = cost a year: people: ") })
  }
}
