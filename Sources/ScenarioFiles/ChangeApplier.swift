import CoverageModel
import Yams

/// Applies a variant's `changes`, in order, to the scenario it extends (docs/what-if.md).
///
/// Each change is a one-key mapping naming the operation. Every operation checks its own
/// parameters against the scenario as it stands after the changes before it, and reports problems
/// at the change's location with a key path such as `changes[2].split_team.team`.
final class ChangeApplier {
  let reader: NodeReader
  init(reader: NodeReader) { self.reader = reader }

  static let operations: [String: [String]] = [
    "merge_into_product_group": [
      "teams", "name", "engage_probability", "win_uplift", "deal_uplift", "overhead_cost_year", "commission_rate",
    ],
    "embed_solution_team": ["team", "into", "keep_uplift", "overhead_cost_year"],
    "split_team": ["team", "into", "slots_per_rep", "overhead_cost_year", "hire", "release", "overflow_to", "by"],
    "merge_teams": [
      "teams", "name", "kind", "motion", "overhead_cost_year", "margin", "esp_floor", "new_hire_win_factor",
      "commission_rate", "industry_breadth_factor", "relationship_coverage", "presales", "overflow",
    ],
    "move_accounts": ["from", "to", "segments", "region", "industry", "tier", "share", "with_reps", "accounts"],
    "resize": ["team", "pool", "reps", "experts", "by", "group"],
    "set_policy": ["pool", "policy"],
    "set_fit": ["team_kind", "tier", "win_factor", "days_factor"],
    "set": ["path", "value"],
    "add_team": ScenarioDecoder.teamKeys,
    "add_motion": ["name", "stages"],
    "add_pool": ["name", "experts", "service_days", "policy", "patience_days", "no_presales_win_factor", "cost_per_expert_year", "served_win_factor", "coordinate", "handoff_win_factor"],
    "remove_team": ["team"],
  ]

  func apply(_ node: Node, to scenario: inout Scenario, locations: inout [String: SourceLocation]) {
    guard let items = reader.sequence(node, "changes") else { return }
    for (index, item) in items.enumerated() {
      let path = "changes[\(index)]"
      guard case .mapping(let mapping) = item, mapping.count == 1, let (opNode, parameters) = mapping.first,
        case .scalar(let opScalar) = opNode
      else {
        reader.error(item, path, "a change is a one-key mapping naming the operation: \(Self.operations.keys.sorted().joined(separator: ", "))")
        continue
      }
      let op = opScalar.string
      let at = join(path, op)
      guard let allowed = Self.operations[op] else {
        let hint = Suggestion.didYouMean(op, among: Self.operations.keys) ?? "operations: \(Self.operations.keys.sorted().joined(separator: ", "))"
        reader.error(opNode, at, "unknown change \"\(op)\"; \(hint)")
        continue
      }
      let before = reader.diagnostics.count
      var edited = scenario
      var touched: [String] = []
      if op == "remove_team" {
        if case .scalar = parameters {
          removeTeam(reader.string(parameters, at), parameters, at, &edited, &touched)
          commit(edited, touched, parameters, before, &scenario, &locations)
          continue
        }
      }
      if op == "add_team" || op == "add_motion" || op == "add_pool" {
        addNamed(op, parameters, at, &edited, &touched)
        commit(edited, touched, parameters, before, &scenario, &locations)
        continue
      }
      // move_accounts may select named accounts by any attribute (`country: [AT]`).
      let attributes = op == "move_accounts" ? AccountsFile.attributeKeys(parameters, known: allowed) : []
      guard let pairs = reader.mapping(parameters, at, allowed: allowed + attributes) else { continue }
      let values = Dictionary(pairs.map { ($0.key, $0.node) }, uniquingKeysWith: { first, _ in first })
      let context = ChangeContext(reader: reader, path: at, node: parameters, values: values)
      switch op {
      case "merge_into_product_group": mergeIntoProductGroup(context, &edited, &touched)
      case "embed_solution_team": embedSolutionTeam(context, &edited, &touched)
      case "split_team": splitTeam(context, &edited, &touched)
      case "merge_teams": mergeTeams(context, &edited, &touched)
      case "move_accounts": moveAccounts(context, &edited, &touched)
      case "resize": resize(context, &edited, &touched)
      case "set_policy": setPolicy(context, &edited, &touched)
      case "set_fit": setFit(context, &edited, &touched)
      case "set": setParameter(context, &edited, &touched)
      case "remove_team": removeTeam(context.string("team"), parameters, at, &edited, &touched)
      default: break
      }
      commit(edited, touched, parameters, before, &scenario, &locations)
    }
  }

  /// Keeps the change if it raised no problem; paths it touched now point at the change.
  private func commit(
    _ edited: Scenario, _ touched: [String], _ node: Node, _ before: Int, _ scenario: inout Scenario,
    _ locations: inout [String: SourceLocation]
  ) {
    guard reader.diagnostics.count == before else { return }
    // A change fixes what it touches: an uncertain value there is uncertain no more, unless the
    // change itself made it uncertain (`set` with `value: {uncertain: ...}`).
    let fresh = edited.uncertain.filter { !scenario.uncertain.contains($0) }
    scenario = edited
    for path in touched {
      let fixed = scenario.uncertain.filter { ($0.path == path || $0.path.hasPrefix(path + ".")) && !fresh.contains($0) }
      scenario.uncertain.removeAll { fixed.contains($0) }
      scenario.fixedUncertain += fixed.map(\.path).filter { !scenario.fixedUncertain.contains($0) }
      let location = reader.location(of: node)
      for key in locations.keys where key == path || key.hasPrefix(path + ".") { locations[key] = location }
      locations[path] = location
    }
  }

  /// `add_team`, `add_motion`, `add_pool`: the item decoded as in a scenario file, under a name
  /// not yet taken.
  private func addNamed(_ op: String, _ node: Node, _ at: String, _ scenario: inout Scenario, _ touched: inout [String]) {
    let decoder = ScenarioDecoder(reader: reader)
    func add<T>(_ item: T?, name: (T) -> String, kind: String, section: String, exists: (String) -> Bool, append: (T) -> Void) {
      guard let item else { return }
      guard !exists(name(item)) else {
        return reader.error(node, join(at, "name"), "a \(kind) \"\(name(item))\" already exists; choose another name")
      }
      append(item)
      touched.append("\(section).\(name(item))")
    }
    switch op {
    case "add_team":
      add(decoder.team(node, at), name: \.name, kind: "team", section: "teams", exists: { scenario.team(named: $0) != nil }, append: { scenario.teams.append($0) })
    case "add_motion":
      add(decoder.motion(node, at), name: \.name, kind: "motion", section: "motions", exists: { scenario.motion(named: $0) != nil }, append: { scenario.motions.append($0) })
    default:
      add(decoder.pool(node, at), name: \.name, kind: "presales pool", section: "presales", exists: { scenario.pool(named: $0) != nil }, append: { scenario.pools.append($0) })
    }
  }

  private func removeTeam(_ name: String?, _ node: Node, _ at: String, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let name else { return }
    guard let index = scenario.teams.firstIndex(where: { $0.name == name }) else {
      reader.error(node, at, "no team \"\(name)\"; \(Suggestion.didYouMean(name, among: scenario.teams.map(\.name)) ?? "known: \(scenario.teams.map(\.name).joined(separator: ", "))")")
      return
    }
    scenario.teams.remove(at: index)
    touched.append("teams.\(name)")
  }
}

/// One change's parameters, with typed accessors that report problems at the right key path.
struct ChangeContext {
  let reader: NodeReader
  let path: String
  let node: Node
  let values: [String: Node]

  func has(_ key: String) -> Bool { values[key] != nil }

  func missing(_ key: String) {
    reader.error(node, path, "missing required key \"\(key)\"")
  }

  func string(_ key: String, required: Bool = true) -> String? {
    guard let value = values[key] else {
      if required { missing(key) }
      return nil
    }
    return reader.string(value, join(path, key))
  }

  func names(_ key: String, required: Bool = true) -> [String]? {
    guard let value = values[key] else {
      if required { missing(key) }
      return nil
    }
    return reader.names(value, join(path, key))
  }

  func number(_ key: String, _ rule: NumberRule) -> Double? {
    values[key].flatMap { reader.number($0, join(path, key), rule) }
  }

  func integer(_ key: String, _ rule: NumberRule) -> Int? {
    values[key].flatMap { reader.integer($0, join(path, key), rule) }
  }

  func error(_ key: String, _ message: String) {
    reader.error(values[key] ?? node, key.isEmpty ? path : join(path, key), message)
  }

  /// The index of the team named by `key`, reporting an unknown name with a suggestion.
  func team(_ key: String, in scenario: Scenario, named name: String? = nil) -> Int? {
    guard let name = name ?? string(key) else { return nil }
    if let index = scenario.teams.firstIndex(where: { $0.name == name }) { return index }
    let names = scenario.teams.map(\.name)
    error(key, "no team \"\(name)\"; \(Suggestion.didYouMean(name, among: names) ?? "known: \(names.joined(separator: ", "))")")
    return nil
  }

  func pool(_ key: String, in scenario: Scenario) -> Int? {
    guard let name = string(key) else { return nil }
    if let index = scenario.pools.firstIndex(where: { $0.name == name }) { return index }
    let names = scenario.pools.map(\.name)
    error(key, "no presales pool \"\(name)\"; \(Suggestion.didYouMean(name, among: names) ?? "known: \(names.joined(separator: ", "))")")
    return nil
  }
}
