import CoverageModel

/// Splits `total` into whole parts proportional to `weights` (the largest-remainder method).
func apportion(_ total: Int, by weights: [Double]) -> [Int] {
  let sum = weights.reduce(0, +)
  guard sum > 0 else { return weights.map { _ in 0 } }
  let exact = weights.map { Double(total) * $0 / sum }
  var parts = exact.map { Int($0.rounded(.down)) }
  let order = exact.indices.sorted { (exact[$0] - Double(parts[$0]), -$0) > (exact[$1] - Double(parts[$1]), -$1) }
  for index in order.prefix(total - parts.reduce(0, +)) { parts[index] += 1 }
  return parts
}

extension ChangeApplier {
  /// Solution teams become one product group: people move, engagement becomes probabilistic.
  func mergeIntoProductGroup(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let names = c.names("teams"), let name = c.string("name") else { return }
    let indices = names.compactMap { c.team("teams", in: scenario, named: $0) }
    guard indices.count == names.count else { return }
    guard !indices.isEmpty else { return c.error("teams", "name at least one solution team") }
    let merged = indices.map { scenario.teams[$0] }
    if let accountTeam = merged.first(where: { $0.kind.ownsAccounts }) {
      return c.error("teams", "\"\(accountTeam.name)\" is a \(accountTeam.kind.rawValue) team; only solution teams and product groups merge into a product group")
    }
    if scenario.team(named: name) != nil, !names.contains(name) {
      return c.error("name", "a team \"\(name)\" already exists; choose another name")
    }
    let reps = merged.reduce(0) { $0 + $1.reps }
    func weighted(_ value: (Team) -> Double) -> Double { merged.reduce(0) { $0 + value($1) * Double($1.reps) } / Double(reps) }
    var group = Team(name: name, kind: .productGroup, reps: reps)
    group.slotsPerRep = merged[0].slotsPerRep
    group.costPerRepYear = weighted(\.costPerRepYear)
    group.overheadCostYear = c.number("overhead_cost_year", .nonNegative) ?? merged.reduce(0) { $0 + $1.overheadCostYear }
    group.solutions = merged.flatMap(\.solutions).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    group.winUplift = c.number("win_uplift", .factor) ?? weighted(\.winUplift)
    group.dealUplift = c.number("deal_uplift", .positive) ?? weighted(\.dealUplift)
    group.engageProbability = c.number("engage_probability", .probability) ?? 1
    group.newHireShare = weighted(\.newHireShare)
    group.newHireWinFactor = weighted(\.newHireWinFactor)
    let position = indices.min() ?? 0
    for index in indices.sorted(by: >) { scenario.teams.remove(at: index) }
    scenario.teams.insert(group, at: min(position, scenario.teams.count))
    touched += names.map { "teams.\($0)" } + ["teams.\(name)"]
  }

  /// A solution team's reps are spread across account teams, which keep part of its uplift.
  func embedSolutionTeam(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let index = c.team("team", in: scenario) else { return }
    let specialists = scenario.teams[index]
    guard !specialists.kind.ownsAccounts else {
      return c.error("team", "\"\(specialists.name)\" is a \(specialists.kind.rawValue) team; name a solution team or product group")
    }
    let keep = c.number("keep_uplift", .probability) ?? 1
    var targets: [Int]
    if let names = c.names("into", required: false) {
      targets = names.compactMap { c.team("into", in: scenario, named: $0) }
      guard targets.count == names.count else { return }
      if let wrong = targets.first(where: { !scenario.teams[$0].kind.ownsAccounts }) {
        return c.error("into", "\"\(scenario.teams[wrong].name)\" owns no accounts; embed into account teams")
      }
    } else {
      // Default: every account team owning a segment that needs one of the team's solutions.
      targets = scenario.teams.indices.filter { teamIndex in
        let team = scenario.teams[teamIndex]
        return team.kind.ownsAccounts
          && scenario.segments.contains { segment in
            team.covers.contains { $0.matches(segment) } && segment.solutionMix.contains { specialists.solutions.contains($0.solution) }
          }
      }
      if targets.isEmpty { return c.error("", "no account team covers a segment needing \(specialists.solutions.quotedList); name the teams with \"into\"") }
    }
    let shares = apportion(specialists.reps, by: targets.map { Double(scenario.teams[$0].reps) })
    for (target, added) in zip(targets, shares) {
      var team = scenario.teams[target]
      team.reps += added
      team.overheadCostYear += max(0, Double(added) * (specialists.costPerRepYear - team.costPerRepYear))
      for solution in specialists.solutions {
        team.embedded.removeAll { $0.solution == solution }
        team.embedded.append(
          EmbeddedSpecialism(
            solution: solution, winUplift: 1 + keep * (specialists.winUplift - 1),
            dealUplift: 1 + keep * (specialists.dealUplift - 1)))
      }
      scenario.teams[target] = team
      touched.append("teams.\(team.name)")
    }
    scenario.teams.remove(at: index)
    touched.append("teams.\(specialists.name)")
  }

  /// A team's territory becomes several teams, each with a share of every slice it owned.
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
    var parts: [(name: String, share: Double, reps: Int?, overhead: Double?)] = []
    for (i, item) in items.enumerated() {
      let at = "\(c.path).into[\(i)]"
      guard let pairs = c.reader.mapping(item, at, allowed: ["name", "share", "reps", "overhead_cost_year"], required: ["name", "share"]) else { return }
      let values = Dictionary(pairs.map { ($0.key, $0.node) }, uniquingKeysWith: { a, _ in a })
      guard let name = values["name"].flatMap({ c.reader.string($0, join(at, "name")) }),
        let share = values["share"].flatMap({ c.reader.number($0, join(at, "share"), .share) })
      else { return }
      if scenario.team(named: name) != nil, name != original.name {
        return c.reader.error(item, join(at, "name"), "a team \"\(name)\" already exists; choose another name")
      }
      parts.append((name, share, values["reps"].flatMap { c.reader.integer($0, join(at, "reps"), .atLeastOne) }, values["overhead_cost_year"].flatMap { c.reader.number($0, join(at, "overhead_cost_year"), .nonNegative) }))
    }
    let total = parts.reduce(0) { $0 + $1.share }
    guard abs(total - 1) < 1e-9 else {
      return c.error("into", "the parts' shares add up to \(formatNumber(total)); they must add up to 1")
    }
    let slots = c.integer("slots_per_rep", .atLeastOne)
    let defaultReps = apportion(original.reps, by: parts.map(\.share))
    var start = 0.0
    var teams: [Team] = []
    for (part, reps) in zip(parts, defaultReps) {
      var team = original
      team.name = part.name
      team.reps = part.reps ?? max(1, reps)
      team.slotsPerRep = slots ?? original.slotsPerRep
      team.overheadCostYear = part.overhead ?? c.number("overhead_cost_year", .nonNegative) ?? original.overheadCostYear * part.share
      team.covers = original.covers.map { rule in
        var slice = rule
        slice.offset = accountFraction(rule.offset + start * rule.share)
        slice.share = accountFraction(rule.share * part.share)
        return slice
      }
      start += part.share
      teams.append(team)
    }
    scenario.teams.replaceSubrange(index...index, with: teams)
    redirectOverflow(from: [original.name], to: parts[0].name, in: &scenario)
    touched += ["teams.\(original.name)"] + parts.map { "teams.\($0.name)" }
  }

  /// Several account teams become one that owns all they owned.
  func mergeTeams(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let names = c.names("teams"), let name = c.string("name") else { return }
    let indices = names.compactMap { c.team("teams", in: scenario, named: $0) }
    guard indices.count == names.count else { return }
    guard indices.count >= 2 else { return c.error("teams", "name at least two teams to merge") }
    let merged = indices.map { scenario.teams[$0] }
    if let odd = merged.first(where: { $0.kind.ownsAccounts != merged[0].kind.ownsAccounts }) {
      return c.error("teams", "\"\(odd.name)\" is a \(odd.kind.rawValue) team and \"\(merged[0].name)\" a \(merged[0].kind.rawValue) team; merge account teams with account teams (or use merge_into_product_group)")
    }
    if scenario.team(named: name) != nil, !names.contains(name) {
      return c.error("name", "a team \"\(name)\" already exists; choose another name")
    }
    var team = merged[0]
    team.name = name
    team.reps = merged.reduce(0) { $0 + $1.reps }
    let reps = Double(team.reps)
    team.costPerRepYear = merged.reduce(0) { $0 + $1.costPerRepYear * Double($1.reps) } / reps
    team.overheadCostYear = c.number("overhead_cost_year", .nonNegative) ?? merged.reduce(0) { $0 + $1.overheadCostYear }
    team.covers = merged.flatMap(\.covers)
    team.solutions = merged.flatMap(\.solutions).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    if let motion = c.string("motion", required: false) { team.motion = motion }
    if let overflow = team.overflow, names.contains(overflow) { team.overflow = nil }
    let position = indices.min() ?? 0
    for index in indices.sorted(by: >) { scenario.teams.remove(at: index) }
    scenario.teams.insert(team, at: min(position, scenario.teams.count))
    redirectOverflow(from: names, to: name, in: &scenario)
    touched += names.map { "teams.\($0)" } + ["teams.\(name)"]
  }

  /// Accounts move from one team to another: whole segments, or the top `share` of the team's slice.
  func moveAccounts(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let from = c.team("from", in: scenario), let to = c.team("to", in: scenario) else { return }
    guard from != to else { return c.error("to", "\"from\" and \"to\" name the same team") }
    guard scenario.teams[from].kind.ownsAccounts, scenario.teams[to].kind.ownsAccounts else {
      return c.error("", "accounts move between account teams (regional, key_account, partner, telesales)")
    }
    let share = c.number("share", .share) ?? 1
    var selector = Coverage()
    selector.segments = c.names("segments", required: false)
    selector.regions = c.names("region", required: false)
    selector.industries = c.names("industry", required: false)
    selector.tiers = c.names("tier", required: false)?.compactMap { Tier(rawValue: $0) }
    for name in selector.segments ?? [] where scenario.segment(named: name) == nil {
      return c.error("segments", "no segment \"\(name)\"; \(Suggestion.didYouMean(name, among: scenario.segments.map(\.name)) ?? "known: \(scenario.segments.map(\.name).joined(separator: ", "))")")
    }
    var kept: [Coverage] = []
    var moved: [Coverage] = []
    for segment in scenario.segments {
      let slices = scenario.teams[from].covers.filter { $0.matches(segment) }
      guard !slices.isEmpty else { continue }
      let selected = selector.matches(segment)
      for slice in slices {
        var own = Coverage(segments: [segment.name], share: slice.share, offset: slice.offset)
        if selected {
          let give = accountFraction(slice.share * share)
          own.share = accountFraction(slice.share - give)
          moved.append(Coverage(segments: [segment.name], share: give, offset: accountFraction(slice.offset + own.share)))
        }
        if own.share > 1e-12 { kept.append(own) }
      }
    }
    guard !moved.isEmpty else {
      return c.error("", "\"\(scenario.teams[from].name)\" owns no accounts matching this selection; check segments, region, industry and tier")
    }
    scenario.teams[from].covers = kept
    scenario.teams[to].covers += moved
    touched += ["teams.\(scenario.teams[from].name).covers", "teams.\(scenario.teams[to].name).covers"]
  }

  func resize(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    let by = c.integer("by", NumberRule(description: "a whole number", accepts: { _ in true }))
    if c.has("team") == c.has("pool") { return c.error("", "name exactly one of \"team\" or \"pool\"") }
    if c.has("team") {
      guard let index = c.team("team", in: scenario) else { return }
      if c.has("experts") { return c.error("experts", "a team has reps, not experts; use \"reps\"") }
      guard let reps = c.integer("reps", .atLeastOne) ?? by.map({ scenario.teams[index].reps + $0 }) else {
        return c.error("", "give \"reps\" (the new size) or \"by\" (the change, e.g. by: -2)")
      }
      guard reps >= 1 else { return c.error("by", "leaves \(reps) reps; a team needs at least 1") }
      scenario.teams[index].reps = reps
      touched.append("teams.\(scenario.teams[index].name).reps")
    } else {
      guard let index = c.pool("pool", in: scenario) else { return }
      if c.has("reps") { return c.error("reps", "a pool has experts, not reps; use \"experts\"") }
      guard let experts = c.integer("experts", .atLeastOne) ?? by.map({ scenario.pools[index].experts + $0 }) else {
        return c.error("", "give \"experts\" (the new size) or \"by\" (the change, e.g. by: 2)")
      }
      guard experts >= 1 else { return c.error("by", "leaves \(experts) experts; a pool needs at least 1") }
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

  /// Overflow that pointed at a team that no longer exists points at its successor.
  private func redirectOverflow(from names: [String], to successor: String, in scenario: inout Scenario) {
    for index in scenario.teams.indices {
      if let overflow = scenario.teams[index].overflow, names.contains(overflow) {
        scenario.teams[index].overflow = scenario.teams[index].name == successor ? nil : successor
      }
    }
  }
}

/// A share or offset computed by a change, rounded to 12 decimals: 1 - 0.33 is 0.67, not
/// 0.6699999999999999, in `show` and `diff`. Territories tile within validation's 1e-9 tolerance.
func accountFraction(_ value: Double) -> Double { (value * 1e12).rounded() / 1e12 }
