import CCCMSupport
import CoverageModel
import Randomness

/// Splits `total` into whole parts proportional to `weights` (the largest-remainder method).
///
/// The parts add up to `total` for any non-negative weights with a positive sum; ties in the
/// remainders go to the earlier weight, so the result does not depend on anything but the weights.
func apportion(_ total: Int, by weights: [Double]) -> [Int] {
  let sum = weights.reduce(0, +)
  guard total > 0, sum > 0, sum.isFinite else { return weights.map { _ in 0 } }
  let exact = weights.map { Double(total) * max(0, $0) / sum }
  var parts = exact.map { min(total, max(0, Int($0.rounded(.down)))) }
  let remainder = max(0, total - parts.reduce(0, +))
  let order = exact.indices.sorted { (exact[$0] - Double(parts[$0]), -$0) > (exact[$1] - Double(parts[$1]), -$1) }
  for index in order.prefix(remainder) { parts[index] += 1 }
  return parts
}

/// The rep-weighted mean of a value over teams, exactly the common value when all agree.
private func repWeighted(_ teams: [Team], _ value: (Team) -> Double) -> Double {
  let reps = teams.reduce(0) { $0 + $1.reps }
  if let first = teams.first.map(value), teams.allSatisfy({ value($0) == first }) { return first }
  guard reps > 0 else { return 0 }
  return teams.reduce(0) { $0 + value($1) * Double($1.reps) } / Double(reps)
}

extension ChangeApplier {
  // MARK: - Specialists

  /// Solution teams become one product group. Their specialists move with their slots, cost and
  /// per-solution uplifts (each team a group of its own); what changes is `engage_probability`, and
  /// the uplifts only if given.
  func mergeIntoProductGroup(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let indices = c.distinctTeams("teams", in: scenario, atLeast: 1), let name = c.string("name") else { return }
    // In scenario order, whatever order they are named in: the engine engages the first group with
    // a free slot, so the groups' order must not depend on how the change lists the teams.
    let merged = indices.sorted().map { scenario.teams[$0] }
    if let accountTeam = merged.first(where: { $0.kind.ownsAccounts }) {
      return c.error("teams", "\"\(accountTeam.name)\" is a \(accountTeam.kind.rawValue) team; only solution teams and product groups merge into a product group")
    }
    if scenario.team(named: name) != nil, !merged.contains(where: { $0.name == name }) {
      return c.error("name", "a team \"\(name)\" already exists; choose another name")
    }
    var groups = merged.flatMap(\.specialistGroups)
    if let win = c.number("win_uplift", .factor) { for g in groups.indices { for k in groups[g].solutions.indices { groups[g].solutions[k].winUplift = win } } }
    if let deal = c.number("deal_uplift", .positive) { for g in groups.indices { for k in groups[g].solutions.indices { groups[g].solutions[k].dealUplift = deal } } }
    let groupNames = groups.map(\.name)
    if let duplicate = groupNames.first(where: { n in groupNames.filter { $0 == n }.count > 1 }) {
      return c.error("teams", "two groups would be named \"\(duplicate)\"; rename one of the teams first")
    }
    var group = Team(name: name, kind: .productGroup, reps: groups.reduce(0) { $0 + $1.reps })
    group.groups = groups
    group.costPerRepYear = group.reps > 0 ? groups.reduce(0) { $0 + Double($1.reps) * $1.costPerRepYear } / Double(group.reps) : 0
    group.overheadCostYear = c.number("overhead_cost_year", .nonNegative) ?? merged.reduce(0) { $0 + $1.overheadCostYear }
    let existing = merged.filter { $0.kind == .productGroup }.map(\.engageProbability)
    if let given = c.number("engage_probability", .probability) {
      group.engageProbability = given
    } else if let first = existing.first {
      guard existing.allSatisfy({ $0 == first }) else {
        return c.error("teams", "the product groups engage with different probabilities (\(existing.map(NumberText.shortest).joined(separator: ", "))); give engage_probability")
      }
      group.engageProbability = first
    }
    group.newHireShare = repWeighted(merged, \.newHireShare)
    guard let settled = c.settle(merged, ["commission_rate": (\.commissionRate, .probability)]) else { return }
    group.newHireWinFactor = repWeighted(merged, \.newHireWinFactor)  // no effect on specialists' deals
    group.commissionRate = settled["commission_rate"] ?? 0
    let position = indices.min() ?? 0
    for index in indices.sorted(by: >) { scenario.teams.remove(at: index) }
    scenario.teams.insert(group, at: min(position, scenario.teams.count))
    scenario.origins[name] = merged.flatMap { scenario.origins.removeValue(forKey: $0.name) ?? [TeamOrigin(team: $0.name, share: 1)] }
    touched += merged.map { "teams.\($0.name)" } + ["teams.\(name)"]
  }

  /// A specialist team's people join account teams as embedded specialists, keeping their slots,
  /// cost and uplifts (times `keep_uplift`), apportioned by the opportunities needing each solution
  /// (or as listed). Its overhead moves with them unless `overhead_cost_year` says what remains.
  func embedSolutionTeam(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let index = c.team("team", in: scenario) else { return }
    let specialists = scenario.teams[index]
    guard !specialists.kind.ownsAccounts else {
      return c.error("team", "\"\(specialists.name)\" is a \(specialists.kind.rawValue) team; name a solution team or product group")
    }
    let keep = c.number("keep_uplift", .probability) ?? 1
    let solutions = specialists.solutionNames
    // Hosts, and how many specialists each gets if listed.
    var hosts: [Int] = []
    var listed: [Int]?
    if let node = c.values["into"] {
      guard let items = c.reader.sequence(node, join(c.path, "into")) else { return }
      guard !items.isEmpty else { return c.error("into", "name at least one account team, e.g. into: [North, South]") }
      var counts: [Int] = []
      for (i, item) in items.enumerated() {
        let at = "\(c.path).into[\(i)]"
        var teamName: String?
        if case .scalar = item {
          teamName = c.reader.string(item, at)
        } else if let pairs = c.reader.mapping(item, at, allowed: ["team", "specialists"], required: ["team", "specialists"]) {
          let values = Dictionary(pairs.map { ($0.key, $0.node) }, uniquingKeysWith: { a, _ in a })
          teamName = values["team"].flatMap { c.reader.string($0, join(at, "team")) }
          if let n = values["specialists"].flatMap({ c.reader.integer($0, join(at, "specialists"), .nonNegative) }) { counts.append(n) }
        }
        guard let teamName, let host = c.team("into", in: scenario, named: teamName) else { return }
        guard scenario.teams[host].kind.ownsAccounts else {
          return c.error("into", "\"\(teamName)\" owns no accounts; embed into account teams")
        }
        guard !hosts.contains(host) else { return c.error("into", "\"\(teamName)\" is named twice; name each host once") }
        hosts.append(host)
      }
      if !counts.isEmpty {
        guard counts.count == hosts.count else { return c.error("into", "give specialists for every host or for none") }
        guard counts.reduce(0, +) == specialists.reps else {
          return c.error("into", "the hosts' specialists add up to \(counts.reduce(0, +)); \"\(specialists.name)\" has \(specialists.reps)")
        }
        listed = counts
      }
    } else {
      hosts = scenario.teams.indices.filter { host in
        scenario.teams[host].kind.ownsAccounts && solutions.contains { scenario.demand(for: $0, ownedBy: host) > 0 }
      }
      if hosts.isEmpty { return c.error("", "no account team covers a segment needing \(solutions.quotedList); name the teams with \"into\"") }
    }
    for host in hosts where !solutions.contains(where: { scenario.demand(for: $0, ownedBy: host) > 0 }) {
      return c.error("into", "\"\(scenario.teams[host].name)\" covers no segment needing \(solutions.quotedList); its specialists would have nothing to do")
    }
    // Embedded specialists work a whole number of slots each: a group whose slots are not a
    // multiple of its reps would change its number of slots (MODEL §8.1); it must be made so first.
    for group in specialists.specialistGroups {
      guard let slots = group.slots, slots % group.reps != 0 else { continue }
      let path = specialists.groups.isEmpty ? "teams.\(specialists.name).slots" : "teams.\(specialists.name).groups.\(group.name).slots"
      return c.error("team", "\"\(group.name)\" has \(slots) slots for \(group.reps) specialists, and embedded specialists have a whole number each, so their slots would change; set \(path) to a multiple of \(group.reps) first")
    }
    if listed != nil, specialists.specialistGroups.count > 1 || solutions.count > 1 {
      return c.error("into", "\"\(specialists.name)\" has several solutions or groups; let cccm apportion its specialists (name the hosts only)")
    }
    // Every (group, solution, host) with demand gets a share of the group's specialists, by the
    // specialist workload its customers bring (opportunities x expected days a specialist works each).
    var received = Array(repeating: 0, count: hosts.count)
    var entries: [(host: Int, entry: EmbeddedSpecialism)] = []
    for group in specialists.specialistGroups {
      let pairs = group.solutions.flatMap { skill in hosts.indices.map { (skill, $0) } }
      let demand = pairs.map { scenario.demand(for: $0.0.name, ownedBy: hosts[$0.1]) }
      if listed == nil, !demand.contains(where: { $0 > 0 }) {
        // Apportioned by demand, this group's specialists would have nowhere to go (and vanish).
        return c.error(
          "team",
          "\"\(group.name)\" of \"\(specialists.name)\" works \(group.solutions.map(\.name).quotedList), which no host's customers need; name its hosts and their specialists with into, or move those specialists with set first")
      }
      let workload = pairs.map { scenario.specialistWorkload(for: $0.0.name, ownedBy: hosts[$0.1]) }
      let counts = listed ?? apportion(group.reps, by: workload.contains { $0 > 0 } ? workload : demand)
      let slotsPerSpecialist = group.slots.map { max(1, Int((Double($0) / Double(group.reps)).rounded())) } ?? group.slotsPerRep
      for ((skill, h), count) in zip(pairs, counts) where count > 0 {
        received[h] += count
        let win = accountFraction(1 + keep * ((skill.winUplift ?? specialists.winUplift) - 1))
        let deal = accountFraction(1 + keep * ((skill.dealUplift ?? specialists.dealUplift) - 1))
        entries.append(
          (hosts[h], EmbeddedSpecialism(
            solution: skill.name, specialists: count, slotsPerSpecialist: slotsPerSpecialist,
            costPerSpecialistYear: group.costPerRepYear, winUplift: win, dealUplift: deal)))
      }
    }
    let hostsBefore = scenario.teams
    for (host, entry) in entries {
      var team = scenario.teams[host]
      if let k = team.embedded.firstIndex(where: { $0.solution == entry.solution }) {
        var existing = team.embedded[k]
        guard existing.specialists != nil, existing.slotsPerSpecialist == entry.slotsPerSpecialist,
          existing.costPerSpecialistYear == entry.costPerSpecialistYear, existing.winUplift == entry.winUplift,
          existing.dealUplift == entry.dealUplift
        else {
          if !hostsBefore[host].embedded.contains(where: { $0.solution == entry.solution }) {
            // The clash is between two of the team's own groups, not with the host.
            return c.error("team", "\"\(specialists.name)\" has groups working \(entry.solution) with different slots, cost or uplifts, and \"\(team.name)\" can embed \(entry.solution) on one set of terms only; make the groups agree with set first")
          }
          return c.error("team", "\"\(team.name)\" already has embedded \(entry.solution) specialists with other slots, cost or uplifts; change them first with set")
        }
        existing.specialists = (existing.specialists ?? 0) + (entry.specialists ?? 0)
        team.embedded[k] = existing
      } else {
        team.embedded.append(entry)
      }
      scenario.teams[host] = team
    }
    let overhead = c.number("overhead_cost_year", .nonNegative) ?? specialists.overheadCostYear
    let total = received.reduce(0, +)
    for (h, host) in hosts.enumerated() where received[h] > 0 && overhead > 0 {
      scenario.teams[host].overheadCostYear += overhead * Double(received[h]) / Double(total)
    }
    for (h, host) in hosts.enumerated() where received[h] > 0 { touched.append("teams.\(scenario.teams[host].name)") }
    scenario.teams.remove(at: index)
    touched.append("teams.\(specialists.name)")
  }

  // MARK: - Account teams

  /// A team's territory becomes several teams, each with a share of every slice it owned and of
  /// its reps, slots, embedded specialists and overhead. The parts' reps add up to the team's
  /// unless `hire` or `release` says otherwise.
  func splitTeam(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let index = c.team("team", in: scenario) else { return }
    let original = scenario.teams[index]
    guard original.kind.ownsAccounts else {
      return c.error("team", "\"\(original.name)\" owns no accounts; split an account team")
    }
    guard let intoNode = c.values["into"] else { return c.missing("into") }
    guard let items = c.reader.sequence(intoNode, join(c.path, "into")), items.count >= 2 else {
      return c.error("into", "give at least two parts, e.g. [{name: North-East, share: 0.5}, {name: North-West, share: 0.5}]")
    }
    // Split by named accounts: each part's coverage, and by default its share of the work.
    var byAccounts: (covers: [[Coverage]], shares: [Double])?
    if c.has("by") {
      guard let split = accountSplit(c, team: index, parts: items.count, in: scenario) else { return }
      byAccounts = split
    }
    var parts: [(name: String, share: Double, reps: Int?, overhead: Double?)] = []
    for (i, item) in items.enumerated() {
      let at = "\(c.path).into[\(i)]"
      guard let pairs = c.reader.mapping(item, at, allowed: ["name", "share", "reps", "overhead_cost_year", "area_share"], required: byAccounts == nil ? ["name", "share"] : ["name"]) else { return }
      let values = Dictionary(pairs.map { ($0.key, $0.node) }, uniquingKeysWith: { a, _ in a })
      guard let name = values["name"].flatMap({ c.reader.string($0, join(at, "name")) }),
        let share = values["share"].map({ c.reader.number($0, join(at, "share"), .share) }) ?? byAccounts.map({ $0.shares[i] })
      else { return }
      if scenario.team(named: name) != nil, name != original.name {
        return c.reader.error(item, join(at, "name"), "a team \"\(name)\" already exists; choose another name")
      }
      if parts.contains(where: { $0.name == name }) {
        return c.reader.error(item, join(at, "name"), "two parts are named \"\(name)\"; give each part its own name")
      }
      parts.append((name, share, values["reps"].flatMap { c.reader.integer($0, join(at, "reps"), .atLeastOne) }, values["overhead_cost_year"].flatMap { c.reader.number($0, join(at, "overhead_cost_year"), .nonNegative) }))
    }
    guard let areaShares = c.areaShares(items) else { return }
    let total = parts.reduce(0) { $0 + $1.share }
    guard abs(total - 1) < 1e-9 else {
      return c.error("into", "the parts' shares add up to \(NumberText.shortest(total)); they must add up to 1")
    }
    let hire = c.integer("hire", .nonNegative) ?? 0
    let release = c.integer("release", .nonNegative) ?? 0
    let (grown, overflowed) = original.reps.addingReportingOverflow(hire)
    guard !overflowed, grown - release >= parts.count else {
      return c.error("release", "leaves fewer reps than parts; each part needs at least one rep")
    }
    let reps = grown - release
    let given = parts.compactMap(\.reps)
    let partReps: [Int]
    if given.isEmpty {
      var apportioned = apportion(reps, by: parts.map(\.share))
      // Parts made by account lists each need someone to work them: one rep each, the rest by share.
      if byAccounts != nil, apportioned.contains(0), reps >= parts.count { apportioned = apportion(reps - parts.count, by: parts.map(\.share)).map { $0 + 1 } }
      partReps = apportioned
      if partReps.contains(0) { return c.error("into", "a part would get no rep; give the parts' reps") }
    } else {
      guard given.count == parts.count else { return c.error("into", "give reps for every part or for none") }
      guard given.reduce(0, +) == reps else {
        return c.error("into", "the parts have \(given.reduce(0, +)) reps and \"\(original.name)\" \(original.reps)\(hire > 0 ? " + \(hire) hired" : "")\(release > 0 ? " - \(release) released" : ""); make them add up, or say hire: N or release: N")
      }
      partReps = given
    }
    // Capacity: a named slots_per_rep, else the team's per rep, else its slots apportioned by reps.
    let slotsPerRep = c.integer("slots_per_rep", .atLeastOne)
    var partSlots: [Int?] = parts.map { _ in nil }
    if slotsPerRep == nil, let slots = original.slots {
      let perRep = Double(slots) / Double(original.reps)
      let capacity = max(parts.count, Int((perRep * Double(reps)).rounded()))
      partSlots = apportion(capacity, by: partReps.map(Double.init)).map { Optional($0) }
    }
    // Who overflows to the team now: one part, named when there are several.
    let pointing = scenario.teams.filter { $0.overflow == original.name }
    let overflowTo = c.string("overflow_to", required: false)
    if let overflowTo, !parts.contains(where: { $0.name == overflowTo }) {
      return c.error("overflow_to", "\"\(overflowTo)\" is not one of the parts (\(parts.map(\.name).quotedList))")
    }
    if !pointing.isEmpty, overflowTo == nil {
      return c.error("", "\(pointing.map(\.name).quotedList) overflow to \"\(original.name)\"; say which part takes that overflow with overflow_to")
    }
    let embedded = original.embedded.map { entry in entry.specialists.map { apportion($0, by: parts.map(\.share)) } }
    // Planned hires are shared out like the accounts, each hire's reps apportioned by share.
    let hires = (original.people?.hires ?? []).map { hire in apportion(hire.reps, by: parts.map(\.share)) }
    var start = 0.0
    var teams: [Team] = []
    for (p, part) in parts.enumerated() {
      var team = original
      team.name = part.name
      team.reps = partReps[p]
      team.slotsPerRep = slotsPerRep ?? original.slotsPerRep
      team.slots = slotsPerRep == nil ? partSlots[p] : nil
      team.overheadCostYear = part.overhead ?? c.number("overhead_cost_year", .nonNegative) ?? original.overheadCostYear * part.share
      team.covers =
        byAccounts?.covers[p]
        ?? original.covers.map { rule in
          var slice = rule
          slice.offset = accountFraction(rule.offset + start * rule.share)
          slice.share = accountFraction(rule.share * part.share)
          if let areaShares {
            slice.areaOffset = accountFraction(rule.areaOffset + rule.areaShare * areaShares[..<p].reduce(0, +))
            slice.areaShare = accountFraction(rule.areaShare * areaShares[p])
          }
          return slice
        }
      // The parts keep the accounts whose owner column names the team they came from.
      if scenario.segments.contains(where: { $0.accountList != nil }) { team.formerOwnerNames = original.ownerNames }
      team.embedded = original.embedded.enumerated().compactMap { k, entry in
        var entry = entry
        if let counts = embedded[k] {
          // An entry of no specialists stays as it was; a part given none of some drops it.
          guard counts[p] > 0 || entry.specialists == 0 else { return nil }
          entry.specialists = counts[p]
        }
        return entry
      }
      if let people = original.people {
        team.people?.hires = zip(people.hires, hires).compactMap { hire, counts in counts[p] > 0 ? Hire(day: hire.day, reps: counts[p]) : nil }
      }
      start += part.share
      teams.append(team)
    }
    scenario.teams.replaceSubrange(index...index, with: teams)
    let inherited = scenario.origins.removeValue(forKey: original.name) ?? [TeamOrigin(team: original.name, share: 1)]
    for part in parts {
      scenario.origins[part.name] = inherited.map { TeamOrigin(team: $0.team, share: $0.share * part.share) }
    }
    redirectOverflow(from: [original.name], to: overflowTo ?? parts[0].name, in: &scenario)
    touched += ["teams.\(original.name)"] + parts.map { "teams.\($0.name)" }
  }

  /// Several account teams become one that owns all they owned: reps, slots, embedded specialists
  /// and overheads add up, cost per rep is rep-weighted. Attributes without a conserving rule
  /// (kind, motion, margin, relationships, ...) must agree or be given.
  func mergeTeams(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let indices = c.distinctTeams("teams", in: scenario, atLeast: 2), let name = c.string("name") else { return }
    let merged = indices.sorted().map { scenario.teams[$0] }
    if let specialist = merged.first(where: { !$0.kind.ownsAccounts }) {
      return c.error("teams", "\"\(specialist.name)\" is a \(specialist.kind.rawValue) team; merge account teams here (use merge_into_product_group for specialists)")
    }
    if scenario.team(named: name) != nil, !merged.contains(where: { $0.name == name }) {
      return c.error("name", "a team \"\(name)\" already exists; choose another name")
    }
    let names = merged.map(\.name)
    var team = merged[0]
    team.name = name
    if scenario.segments.contains(where: { $0.accountList != nil }) { team.formerOwnerNames = merged.flatMap(\.ownerNames).uniqued() }
    // Kind: the same, or given.
    if let kind = c.values["kind"].flatMap({ c.reader.choice($0, join(c.path, "kind"), as: TeamKind.self) }) {
      guard kind.ownsAccounts else { return c.error("kind", "a merged account team must be an account team kind") }
      team.kind = kind
    } else if let odd = merged.first(where: { $0.kind != team.kind }) {
      return c.error("teams", "\"\(odd.name)\" is \(odd.kind.rawValue) and \"\(merged[0].name)\" \(merged[0].kind.rawValue); give kind")
    }
    // Motion: needed only where a covered segment has no motion of its own.
    if let motion = c.string("motion", required: false) {
      team.motion = motion
    } else {
      let relevant = merged.filter { t in scenario.segments.contains { s in s.motion == nil && t.covers.contains { $0.matches(s) } } }
      let motions = Set(relevant.compactMap(\.motion))
      if motions.count > 1 { return c.error("teams", "the teams sell with different motions (\(motions.sorted().quotedList)) to segments without a motion of their own; give motion") }
      team.motion = relevant.first?.motion ?? merged.first(where: { $0.motion != nil })?.motion
    }
    let settled = c.settle(
      merged,
      [
        "margin": (\.margin, .probability), "esp_floor": (\.espFloor, .probability),
        "new_hire_win_factor": (\.newHireWinFactor, .factor), "commission_rate": (\.commissionRate, .probability),
        "industry_breadth_factor": (\.industryBreadthFactor, .factor),
      ])
    guard let settled else { return }
    team.margin = settled["margin"] ?? 0
    team.espFloor = settled["esp_floor"] ?? 0.3
    team.newHireWinFactor = settled["new_hire_win_factor"] ?? 1
    team.commissionRate = settled["commission_rate"] ?? 0
    team.industryBreadthFactor = settled["industry_breadth_factor"] ?? 1
    if let node = c.values["relationship_coverage"] {
      guard let coverage = c.reader.distribution(node, join(c.path, "relationship_coverage"), domain: .unit) else { return }
      team.relationshipCoverage = coverage
    } else if Set(merged.map(\.relationshipCoverage)).count > 1 {
      return c.error("teams", "the teams have different relationship_coverage; give relationship_coverage")
    }
    // People: the teams' reps must be modelled alike; their planned hires add up.
    let models = Set(merged.map { $0.people.map { var p = $0; p.hires = []; return p } })
    if models.count > 1 {
      let with = merged.filter { $0.people != nil }.map(\.name)
      return c.error(
        "teams",
        with.count < merged.count
          ? "only \(with.quotedList) of the teams have people keys (ramp, attrition, hires, quotas); give the others the same with set first"
          : "the teams' people keys differ (ramp, tenure, attrition, backfill, handover loss or quota); make them agree with set first")
    }
    if team.people != nil, Set(merged.map(\.slotsPerRep)).count > 1 {
      return c.error("teams", "the teams' reps have different slots_per_rep (\(merged.map { "\($0.name) \($0.slotsPerRep)" }.joined(separator: ", "))); a team whose reps are people has one: make them agree with set first")
    }
    if Set(merged.map(\.time)).count > 1 {
      return c.error("teams", "the teams' reps have different time (hours, selling share, weeks, triage, backlog or coverage visits); make them agree with set first")
    }
    if team.people != nil {
      team.people?.hires = merged.flatMap { $0.people?.hires ?? [] }.sorted { $0.day < $1.day }
    }
    if let pool = c.string("presales", required: false) {
      team.presales = pool
    } else if Set(merged.map(\.presales)).count > 1 {
      return c.error("teams", "the teams send presales to different pools; give presales")
    }
    // Overflow outside the merged teams (none counts as a choice too).
    let outside = Set(merged.map { $0.overflow.flatMap { names.contains($0) ? nil : $0 } ?? "" })
    if let overflow = c.string("overflow", required: false) {
      team.overflow = overflow
    } else if outside.count > 1 {
      return c.error("teams", "the teams overflow differently (\(outside.sorted().map { $0.isEmpty ? "none" : $0 }.quotedList)); give overflow")
    } else {
      team.overflow = outside.first.flatMap { $0.isEmpty ? nil : $0 }
    }
    team.reps = merged.reduce(0) { $0 + $1.reps }
    if merged.allSatisfy({ $0.slots == nil && $0.slotsPerRep == team.slotsPerRep }) {
      team.slots = nil
    } else {
      let slots = merged.reduce(0) { $0 + $1.capacity }
      team.slots = slots
      team.slotsPerRep = max(1, Int((Double(slots) / Double(team.reps)).rounded()))
    }
    team.costPerRepYear = repWeighted(merged, \.costPerRepYear)
    team.newHireShare = repWeighted(merged, \.newHireShare)
    team.overheadCostYear = c.number("overhead_cost_year", .nonNegative) ?? merged.reduce(0) { $0 + $1.overheadCostYear }
    team.covers = merged.flatMap(\.covers)
    team.embedded = []
    for entry in merged.flatMap(\.embedded) {
      if let k = team.embedded.firstIndex(where: { $0.solution == entry.solution }) {
        var existing = team.embedded[k]
        guard existing.specialists != nil, entry.specialists != nil, existing.slotsPerSpecialist == entry.slotsPerSpecialist,
          existing.costPerSpecialistYear == entry.costPerSpecialistYear, existing.winUplift == entry.winUplift,
          existing.dealUplift == entry.dealUplift
        else { return c.error("teams", "the teams embed \(entry.solution) specialists on different terms; make them agree with set first") }
        existing.specialists = (existing.specialists ?? 0) + (entry.specialists ?? 0)
        team.embedded[k] = existing
      } else {
        team.embedded.append(entry)
      }
    }
    let position = indices.min() ?? 0
    for index in indices.sorted(by: >) { scenario.teams.remove(at: index) }
    scenario.teams.insert(team, at: min(position, scenario.teams.count))
    scenario.origins[name] = names.flatMap { scenario.origins.removeValue(forKey: $0) ?? [TeamOrigin(team: $0, share: 1)] }
    redirectOverflow(from: names, to: name, in: &scenario)
    touched += names.map { "teams.\($0)" } + ["teams.\(name)"]
  }

  /// Accounts move from one team to another: whole segments, or the top `share` of the team's
  /// slice. The customers keep their buying process; `with_reps` moves reps (with their slots
  /// and cost) along.
  func moveAccounts(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let from = c.team("from", in: scenario), let to = c.team("to", in: scenario) else { return }
    guard from != to else { return c.error("to", "\"from\" and \"to\" name the same team") }
    guard scenario.teams[from].kind.ownsAccounts, scenario.teams[to].kind.ownsAccounts else {
      return c.error("", "accounts move between account teams (regional, key_account, partner, telesales)")
    }
    let share = c.number("share", .share) ?? 1
    var kept: [Coverage] = []
    var moved: [Coverage] = []
    var movedSegments: [Int] = []
    switch namedMove(c, from: from, to: to, share: share, in: scenario) {
    case .failed: return
    case .moved(let fromCovers, let toCovers, let segments):
      kept = fromCovers
      moved = Array(toCovers.dropFirst(scenario.teams[to].covers.count))
      scenario.teams[to].covers = Array(toCovers.prefix(scenario.teams[to].covers.count))
      movedSegments = segments
    case .notNamed:
      guard moveCountedAccounts(c, from: from, share: share, scenario, &kept, &moved, &movedSegments) else { return }
    }
    // The moved customers keep their buying process: a segment without a motion of its own
    // takes the motion it is sold with today, if all its owners share it.
    let fromMotion = scenario.teams[from].motion
    for s in Set(movedSegments).sorted() where scenario.segments[s].motion == nil && scenario.teams[to].motion != fromMotion {
      let segment = scenario.segments[s]
      let owners = scenario.teams.filter { $0.kind.ownsAccounts && $0.covers.contains { $0.matches(segment) } }
      guard Set(owners.map(\.motion)).count == 1, let motion = fromMotion else {
        return c.error("", "segment \"\(segment.name)\" is sold with several motions and has none of its own; give it one first (set: {path: segments.\(segment.name).motion, value: ...})")
      }
      scenario.segments[s].motion = motion
      touched.append("segments.\(segment.name)")
    }
    if let withReps = c.integer("with_reps", .nonNegative), withReps > 0 {
      let source = scenario.teams[from]
      guard withReps < source.reps else {
        return c.error("with_reps", "\"\(source.name)\" has \(source.reps) reps; it must keep at least one")
      }
      let perRep = source.slots.map { Double($0) / Double(source.reps) } ?? Double(source.slotsPerRep)
      let movedSlots = Int((perRep * Double(withReps)).rounded())
      if scenario.teams[to].people != nil || source.people != nil, perRep != Double(scenario.teams[to].slotsPerRep) {
        return c.error(
          "with_reps",
          "the reps of \"\(source.name)\" work \(NumberText.shortest(perRep)) opportunities at once and those of \"\(scenario.teams[to].name)\" \(scenario.teams[to].slotsPerRep); a team whose reps are people has one slots_per_rep: make them agree with set first")
      }
      var target = scenario.teams[to]
      let targetSlots = target.capacity
      target.costPerRepYear = (target.costPerRepYear * Double(target.reps) + source.costPerRepYear * Double(withReps)) / Double(target.reps + withReps)
      if source.costPerRepYear == scenario.teams[to].costPerRepYear { target.costPerRepYear = source.costPerRepYear }
      target.reps += withReps
      if target.slots == nil, perRep == Double(target.slotsPerRep) {
        target.slots = nil
      } else {
        target.slots = targetSlots + movedSlots
      }
      var rest = source
      rest.reps -= withReps
      if let slots = source.slots { rest.slots = slots - movedSlots }
      scenario.teams[to] = target
      scenario.teams[from] = rest
    }
    scenario.teams[from].covers = kept
    scenario.teams[to].covers += moved
    touched += ["teams.\(scenario.teams[from].name)", "teams.\(scenario.teams[to].name)"]
  }

  /// Accounts of counted segments: the top `share` of each slice `from` owns in the selected
  /// segments moves (`moved`), the rest stays (`kept`); false after reporting a problem.
  private func moveCountedAccounts(
    _ c: ChangeContext, from: Int, share: Double, _ scenario: Scenario, _ kept: inout [Coverage], _ moved: inout [Coverage], _ movedSegments: inout [Int]
  ) -> Bool {
    var selector = Coverage()
    selector.segments = c.names("segments", required: false)
    selector.regions = c.names("region", required: false)
    selector.industries = c.names("industry", required: false)
    if let words = c.names("tier", required: false) {
      var tiers: [Tier] = []
      for word in words {
        guard let tier = Tier(rawValue: word) else {
          let options = Tier.allCases.map(\.rawValue)
          c.error("tier", "unknown tier \"\(word)\"; \(Suggestion.didYouMean(word, among: options) ?? "expected one of \(options.quotedList)")")
          return false
        }
        tiers.append(tier)
      }
      selector.tiers = tiers
    }
    for name in selector.segments ?? [] where scenario.segment(named: name) == nil {
      c.error("segments", "no segment \"\(name)\"; \(Suggestion.didYouMean(name, among: scenario.segments.map(\.name)) ?? "known: \(scenario.segments.map(\.name).joined(separator: ", "))")")
      return false
    }
    for (s, segment) in scenario.segments.enumerated() {
      let slices = scenario.teams[from].covers.filter { $0.matches(segment) }
      guard !slices.isEmpty else { continue }
      let selected = selector.matches(segment)
      for slice in slices {
        var own = Coverage(segments: [segment.name], share: slice.share, offset: slice.offset)
        (own.areaShare, own.areaOffset) = (slice.areaShare, slice.areaOffset)
        if selected {
          let give = accountFraction(slice.share * share)
          own.share = accountFraction(slice.share - give)
          var part = Coverage(segments: [segment.name], share: give, offset: accountFraction(slice.offset + own.share))
          (part.areaShare, part.areaOffset) = (slice.areaShare, slice.areaOffset)
          moved.append(part)
          movedSegments.append(s)
        }
        if own.share > 1e-12 { kept.append(own) }
      }
    }
    guard !moved.isEmpty else {
      c.error("", "\"\(scenario.teams[from].name)\" owns no accounts matching this selection; check segments, region, industry and tier")
      return false
    }
    return true
  }

  // MARK: - Sizes and settings

  /// A team's reps (or a pool's experts) to a new number, or by a change. Added reps bring the
  /// team's slots per rep; in a product group with several groups, `group` says whose.
  func resize(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    let by = c.integer("by", NumberRule(description: "a whole number from -1,000,000 to 1,000,000", accepts: { abs($0) <= 1_000_000 }))
    if c.has("team") == c.has("pool") { return c.error("", "name exactly one of \"team\" or \"pool\"") }
    if c.has("team") {
      guard let index = c.team("team", in: scenario) else { return }
      if c.has("experts") { return c.error("experts", "a team has reps, not experts; use \"reps\"") }
      var team = scenario.teams[index]
      if !team.groups.isEmpty {
        let groupName = c.string("group", required: team.groups.count > 1)
        guard let g = groupName.map({ n in team.groups.firstIndex { $0.name == n } }) ?? (team.groups.count == 1 ? 0 : nil) else {
          return c.error("group", "no group \"\(groupName ?? "")\" in \"\(team.name)\"; groups: \(team.groups.map(\.name).quotedList)")
        }
        let current = team.groups[g].reps
        guard let reps = c.integer("reps", .atLeastOne) ?? by.map({ current + $0 }) else {
          return c.error("", "give \"reps\" (the new size) or \"by\" (the change, e.g. by: -2)")
        }
        guard reps >= 1, reps <= Scenario.maximumSlots else { return c.error("by", "leaves \(reps) reps; a group needs 1 to \(Scenario.maximumSlots)") }
        if let slots = team.groups[g].slots { team.groups[g].slots = max(1, Int((Double(slots) / Double(current) * Double(reps)).rounded())) }
        team.groups[g].reps = reps
        team.reps = team.groups.reduce(0) { $0 + $1.reps }
        scenario.teams[index] = team
        touched.append("teams.\(team.name)")
        return
      }
      guard let reps = c.integer("reps", .atLeastOne) ?? by.map({ team.reps + $0 }) else {
        return c.error("", "give \"reps\" (the new size) or \"by\" (the change, e.g. by: -2)")
      }
      guard reps >= 1 else { return c.error("by", "leaves \(reps) reps; a team needs at least 1") }
      guard reps <= Scenario.maximumSlots else { return c.error("by", "makes \(reps) reps; cccm simulates at most \(Scenario.maximumSlots) per team") }
      if let slots = team.slots { team.slots = max(1, slots + (reps - team.reps) * team.slotsPerRep) }
      team.reps = reps
      scenario.teams[index] = team
      touched.append("teams.\(team.name).reps")
    } else {
      guard let index = c.pool("pool", in: scenario) else { return }
      if c.has("reps") { return c.error("reps", "a pool has experts, not reps; use \"experts\"") }
      guard let experts = c.integer("experts", .atLeastOne) ?? by.map({ scenario.pools[index].experts + $0 }) else {
        return c.error("", "give \"experts\" (the new size) or \"by\" (the change, e.g. by: 2)")
      }
      guard experts >= 1 else { return c.error("by", "leaves \(experts) experts; a pool needs at least 1") }
      guard experts <= Scenario.maximumSlots else { return c.error("by", "makes \(experts) experts; cccm simulates at most \(Scenario.maximumSlots) per pool") }
      scenario.pools[index].experts = experts
      touched.append("presales.\(scenario.pools[index].name).experts")
    }
  }

  func setPolicy(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let index = c.pool("pool", in: scenario) else { return }
    guard let node = c.values["policy"] else { return c.missing("policy") }
    guard let policy = c.reader.choice(node, join(c.path, "policy"), as: PresalesPolicy.self) else { return }
    scenario.pools[index].policy = policy
    touched.append("presales.\(scenario.pools[index].name).policy")
  }

  /// `set_fit: {team_kind, tier, win_factor, days_factor}`: adds or replaces one fit rule.
  func setFit(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let kindNode = c.values["team_kind"] else { return c.missing("team_kind") }
    guard let tierNode = c.values["tier"] else { return c.missing("tier") }
    guard let kind = c.reader.choice(kindNode, join(c.path, "team_kind"), as: TeamKind.self),
      let tier = c.reader.choice(tierNode, join(c.path, "tier"), as: Tier.self)
    else { return }
    var rule = scenario.fit(teamKind: kind, tier: tier)
    if let win = c.number("win_factor", .factor) { rule.winFactor = win }
    if let days = c.number("days_factor", .positive) { rule.daysFactor = days }
    scenario.fit.removeAll { $0.teamKind == kind && $0.tier == tier }
    scenario.fit.append(rule)
    touched.append("fit")
  }

  /// Overflow that pointed at a team that no longer exists points at its successor.
  private func redirectOverflow(from names: [String], to successor: String, in scenario: inout Scenario) {
    for index in scenario.teams.indices {
      if let overflow = scenario.teams[index].overflow, names.contains(overflow) {
        scenario.teams[index].overflow = scenario.teams[index].name == successor ? nil : successor
      }
    }
  }
}

extension Scenario {
  /// Opportunities a year needing `solution` in the accounts team `team` owns (accounts weighted by
  /// their potential where the segment ranks them by size).
  func demand(for solution: String, ownedBy team: Int) -> Double {
    var total = 0.0
    for (segment, slices) in zip(segments, territories()) {
      guard let p = segment.solutionMix.first(where: { $0.solution == solution })?.probability, p > 0 else { continue }
      total += segment.arrivalsPerDay * 365 * p * segment.share(ownedBy: team, slices: slices)
    }
    return total
  }
}

extension Segment {
  /// The share of this segment's opportunities on the accounts team `team` owns.
  func share(ownedBy team: Int, slices: [Territory]) -> Double {
    let owned = slices.filter { $0.owner == .team(team) }
    guard !owned.isEmpty else { return 0 }
    let potentials = accountPotentials()
    return owned.reduce(0.0) { $0 + opportunityShare(from: $1.lower, to: $1.upper, potentials: potentials) }
  }
}

extension Scenario {
  /// Specialist-days a year that solution `solution` needs in the accounts team `team` owns:
  /// opportunities needing it x the expected days a specialist works one (from the first to the
  /// last `specialist` stage of the customer's motion, or the whole motion, weighted by the
  /// chance of reaching each stage, times the team's fit days factor).
  func specialistWorkload(for solution: String, ownedBy team: Int) -> Double {
    var total = 0.0
    for (segment, slices) in zip(segments, territories()) {
      guard let p = segment.solutionMix.first(where: { $0.solution == solution })?.probability, p > 0 else { continue }
      let owned = segment.share(ownedBy: team, slices: slices)
      guard owned > 0, let name = motionName(segment: segment, team: teams[team]), let motion = motion(named: name) else { continue }
      let first = motion.stages.firstIndex(where: \.specialist) ?? 0
      let last = motion.stages.lastIndex(where: \.specialist) ?? (motion.stages.count - 1)
      var reach = 1.0
      var days = 0.0
      for (k, stage) in motion.stages.enumerated() where k <= last {
        if k >= first { days += reach * stage.days.mean }
        reach *= stage.advance
      }
      let fit = fit(teamKind: teams[team].kind, tier: segment.tier).daysFactor
      total += segment.arrivalsPerDay * 365 * p * owned * days * fit
    }
    return total
  }
}

extension ChangeContext {
  /// The indices of the distinct teams a list names; a name given twice is an error.
  func distinctTeams(_ key: String, in scenario: Scenario, atLeast minimum: Int) -> [Int]? {
    guard let names = names(key) else { return nil }
    if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
      error(key, "\"\(twice)\" is named twice; name each team once")
      return nil
    }
    let indices = names.compactMap { team(key, in: scenario, named: $0) }
    guard indices.count == names.count else { return nil }
    guard indices.count >= minimum else {
      error(key, minimum == 1 ? "name at least one team" : "name at least \(minimum) teams to merge")
      return nil
    }
    return indices
  }

  /// For attributes with no conserving rule: the value given as a parameter, else the teams'
  /// common value; teams that differ without a parameter are an error naming it.
  func settle(_ teams: [Team], _ attributes: [String: (KeyPath<Team, Double>, NumberRule)]) -> [String: Double]? {
    var result: [String: Double] = [:]
    for (key, (path, rule)) in attributes.sorted(by: { $0.key < $1.key }) {
      if has(key) {
        guard let value = number(key, rule) else { return nil }
        result[key] = value
        continue
      }
      let values = teams.map { $0[keyPath: path] }
      guard let first = values.first, values.allSatisfy({ $0 == first }) else {
        error("", "the teams differ in \(key) (\(teams.map { "\($0.name) \(NumberText.shortest($0[keyPath: path]))" }.joined(separator: ", "))); give \(key) to settle it")
        return nil
      }
      result[key] = first
    }
    return result
  }
}

/// A share or offset computed by a change, rounded to 12 decimals: 1 - 0.33 is 0.67, not
/// 0.6699999999999999, in `show` and `diff`. Territories tile within validation's 1e-9 tolerance.
func accountFraction(_ value: Double) -> Double { (value * 1e12).rounded() / 1e12 }
