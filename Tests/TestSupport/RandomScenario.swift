// Seeded random scenarios for property tests (ScenarioFilesTests, SimulationTests). Foundation only.
import Foundation

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a
/// tiny seeded generator, so that property tests meet the same scenarios on every run and platform.
public struct SplitMix64 {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A whole number in `range`, every one about equally likely.
  public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
  /// A number in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
  public mutating func chance(_ p: Double) -> Bool { unit() < p }
  /// A whole number in 0..<bound (0 without a draw when bound <= 1).
  public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
  /// True `percent` times in 100.
  public mutating func chance(percent: Int) -> Bool { below(100) < percent }
  /// k/100 for a whole k in `range`: a number with an exact two-decimal text.
  public mutating func hundredths(_ range: ClosedRange<Int>) -> Double { Double(int(range)) / 100 }
  public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
  /// `count` distinct items in random order (a partial Fisher-Yates shuffle).
  public mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
    var items = items
    for i in 0..<min(count, items.count) { items.swapAt(i, int(i...(items.count - 1))) }
    return Array(items.prefix(count))
  }
}

/// A random valid scenario as YAML text: 2-6 segments of every tier (with and without a motion of
/// their own, account potential, solution needs), 2-6 account teams of every kind (explicit slots,
/// embedded specialists, overflow, presales, new hires, commissions, relationship coverage),
/// 1-3 solution teams or product groups with per-solution uplifts, 0-2 presales pools.
///
/// Embedded entries of one solution share their terms (slots, cost, uplifts) in a scenario, so any
/// two account teams can merge. With `neutralSpecialists`, product groups engage with probability 1
/// and specialists earn no commission, so merging all specialist teams into one product group
/// changes nothing the engine sees.
///
/// With `effort`, the same scenario also has reps' time (docs/model.md, "Effort"): regions with
/// ground, stages with hours and visits, one `time` for every account team (so merges agree) and
/// responses on some segments; these come from dice of their own, so the rest is unchanged.
public func randomScenarioYAML(seed: UInt64, neutralSpecialists: Bool = false, effort: Bool = false) -> String {
  var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 17)
  var extra = SplitMix64(seed: seed ^ 0xE7F0_27)
  func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
  var lines = ["name: gen-\(seed)", "description: generated for property tests", "horizon_days: 365", "warmup_days: 60"]

  let regions = (1...rng.int(1...3)).map { "R\($0)" }
  let industries = (1...rng.int(1...3)).map { "I\($0)" }
  if effort {
    lines.append("regions: [\(regions.map { "{name: \($0), area_km2: \(extra.int(1...400) * 100)}" }.joined(separator: ", "))]")
    lines.append("travel: {speed_kmh: \(extra.int(30...90)), circuity: 1.\(extra.int(1...5))}")
  } else {
    lines.append("regions: [\(regions.joined(separator: ", "))]")
  }
  lines.append("industries: [\(industries.joined(separator: ", "))]")

  let solutions = (1...rng.int(1...3)).map { "S\($0)" }
  lines.append("solutions:")
  for s in solutions { lines.append("  - {name: \(s), unsupported_win_factor: \(number(rng.hundredths(60...100)))}") }

  let pools = (0..<rng.int(0...2)).map { "P\($0 + 1)" }
  if !pools.isEmpty {
    lines.append("presales:")
    for p in pools {
      var fields = [
        "name: \(p)", "experts: \(rng.int(1...10))", "service_days: {exponential: {mean: \(number(rng.hundredths(50...300)))}}",
        "policy: \(rng.pick(["fifo", "tiered"]))", "cost_per_expert_year: \(rng.int(80...200) * 1000)",
      ]
      if rng.chance(0.3) { fields += ["patience_days: \(rng.int(2...15))", "no_presales_win_factor: \(number(rng.hundredths(60...95)))"] }
      if rng.chance(0.2) { fields.append("served_win_factor: \(number(rng.hundredths(105...130)))") }
      if rng.chance(0.2) { fields.append("coordinate: true") } else if rng.chance(0.2) {
        fields.append("handoff_win_factor: \(number(rng.hundredths(85...99)))")
      }
      lines.append("  - {\(fields.joined(separator: ", "))}")
    }
  }

  let motions = (1...rng.int(2...3)).map { "M\($0)" }
  lines.append("motions:")
  for m in motions {
    lines.append("  - name: \(m)")
    lines.append("    stages:")
    for k in 1...rng.int(1...4) {
      let days = rng.pick([
        "{exponential: {mean: \(rng.int(2...30))}}", "{gamma: {shape: 2, mean: \(rng.int(3...40))}}", "\(rng.int(1...20))",
        "{uniform: {min: \(rng.int(1...5)), max: \(rng.int(6...30))}}",
      ])
      var fields = ["name: s\(k)", "days: \(days)", "advance: \(number(rng.hundredths(40...95)))"]
      if !pools.isEmpty, rng.chance(0.3) { fields.append("presales: \(rng.pick(pools))") }
      if rng.chance(0.2) { fields.append("specialist: true") }
      if effort { fields += ["effort_hours: {gamma: {shape: 2, mean: \(extra.int(1...12))}}", "visits: \(extra.int(0...2))"] }
      lines.append("      - {\(fields.joined(separator: ", "))}")
    }
  }

  // Segments, each cut into 1-3 pieces (in hundredths of its accounts) for the teams to own.
  let segmentCount = rng.int(2...6)
  var pieces: [(segment: String, offset: Int, share: Int)] = []
  lines.append("segments:")
  for i in 1...segmentCount {
    let name = "G\(i)"
    let tier = rng.pick(["smb", "key", "consumer"])
    var fields = [
      "name: \(name)", "tier: \(tier)", "accounts: \(rng.pick([40, 100, 250, 800, 2000, 5000, rng.int(20...3000)]))",
      "opportunities_per_account_year: \(number(rng.hundredths(10...150)))",
      "deal_size: {lognormal: {median: \(rng.int(5...500) * 1000), sigma: \(number(rng.hundredths(30...120)))}}",
    ]
    if rng.chance(0.7) { fields.append("region: \(rng.pick(regions))") }
    if rng.chance(0.5) { fields.append("industry: \(rng.pick(industries))") }
    let needs = solutions.filter { _ in rng.chance(0.5) }.map { "\($0): \(number(rng.hundredths(5...30)))" }
    if !needs.isEmpty { fields.append("solution_mix: {\(needs.joined(separator: ", "))}") }
    if rng.chance(0.4) { fields.append("motion: \(rng.pick(motions))") }
    if rng.chance(0.3) {
      fields.append("account_potential: \(rng.pick(["{lognormal: {median: 1, sigma: \(number(rng.hundredths(50...150)))}}", "{exponential: {mean: 1}}"]))")
      if rng.chance(0.5) { fields.append("size_elasticity: \(number(rng.hundredths(10...100)))") }
    }
    if tier == "key", rng.chance(0.5) { fields.append("decision_makers: {triangular: {min: 2, mode: \(rng.int(3...6)), max: \(rng.int(7...12))}}") }
    if effort, extra.chance(0.5) { fields.append("response: {elasticity: 0.\(extra.int(10...60)), reference_hours_per_account_year: \(extra.int(1...20))}") }
    lines.append("  - {\(fields.joined(separator: ", "))}")
    let cuts = Set((1..<rng.int(1...3)).map { _ in rng.int(1...99) }).sorted()
    let bounds = [0] + cuts + [100]
    for (lower, upper) in zip(bounds, bounds.dropFirst()) { pieces.append((name, lower, upper - lower)) }
  }

  // Account teams: every team owns at least one piece; the other pieces go to random teams or,
  // sometimes, nobody (declared uncovered).
  let accountCount = rng.int(2...min(6, pieces.count))
  let accountTeams = (1...accountCount).map { "A\($0)" }
  var owned: [[(segment: String, offset: Int, share: Int)]] = Array(repeating: [], count: accountCount)
  var uncovered: [(segment: String, offset: Int, share: Int)] = []
  for (k, piece) in rng.sample(pieces, pieces.count).enumerated() {
    if k < accountCount {
      owned[k].append(piece)
    } else if rng.chance(0.1) {
      uncovered.append(piece)
    } else {
      owned[rng.int(0...(accountCount - 1))].append(piece)
    }
  }
  // Embedded specialists of a solution share their terms across the teams.
  let embeddedTerms: [String: String] = Dictionary(
    uniqueKeysWithValues: solutions.filter { _ in rng.chance(0.5) }.map { s in
      (
        s,
        "slots_per_specialist: \(rng.int(1...6)), cost_per_specialist_year: \(rng.int(100...200) * 1000), win_uplift: \(number(rng.hundredths(105...140))), deal_uplift: \(number(rng.hundredths(100...130)))"
      )
    })
  lines.append("teams:")
  // Reps as people in some scenarios: one model for every account team (so merges agree), hires of their own.
  // A team with time takes no people keys: the same draws are made, and the people left out.
  let drawnPeople =
    rng.chance(0.25)
    ? "ramp: [0.\(rng.int(2...5)), 0.\(rng.int(6...9))], attrition_rate_year: \(number(rng.hundredths(10...40))), backfill_days: \(rng.int(0...90)), handover_loss: \(number(rng.hundredths(0...20))), quota_per_rep_year: \(rng.int(5...20) * 100_000)"
    : nil
  let people = effort ? nil : drawnPeople
  let sharedSlots = rng.int(1...12)
  let time = "time: {hours_per_week: \(extra.int(35...50)), selling_share: 0.\(extra.int(4...8))}, coverage_visit_share: 0.\(extra.int(0...5))"
  for (t, name) in accountTeams.enumerated() {
    let kind = rng.pick(["regional", "regional", "key_account", "partner", "telesales"])
    var fields = [
      "name: \(name)", "kind: \(kind)", "reps: \(rng.int(1...20))", "slots_per_rep: \(people == nil ? rng.int(1...12) : sharedSlots)",
      "cost_per_rep_year: \(rng.int(50...250) * 1000)", "motion: \(rng.pick(motions))",
    ]
    if let people {
      fields.append(people)
      if rng.chance(0.5) { fields.append("hires: [{day: \(rng.int(0...300)), reps: \(rng.int(1...5))}]") }
    } else if rng.chance(0.2) {
      fields.append("slots: \(rng.int(1...200))")
    }
    if rng.chance(0.7) { fields.append("overhead_cost_year: \(rng.int(0...300) * 1000)") }
    if rng.chance(0.3) { fields += ["new_hire_share: \(number(rng.hundredths(10...50)))", "new_hire_win_factor: \(number(rng.hundredths(60...95)))"] }
    if rng.chance(0.2) { fields.append("commission_rate: \(number(rng.pick([0.02, 0.05])))") }
    if rng.chance(0.2) { fields.append("industry_breadth_factor: \(number(rng.pick([0.9, 0.95])))") }
    if kind == "partner" { fields.append("margin: \(number(rng.pick([0.1, 0.2, 0.25])))") }
    if kind == "key_account", rng.chance(0.6) {
      fields.append("relationship_coverage: \(rng.pick(["{beta: {alpha: 4, beta: 2}}", "{beta: {alpha: 3, beta: 2}}"]))")
      if rng.chance(0.3) { fields.append("esp_floor: 0.4") }
    }
    if !pools.isEmpty, rng.chance(0.15) { fields.append("presales: \(rng.pick(pools))") }
    if rng.chance(0.15) { fields.append("overflow: \(rng.pick(accountTeams.filter { $0 != name }))") }
    let embedded = embeddedTerms.keys.sorted().filter { _ in rng.chance(0.4) }.map { s in
      "{solution: \(s), specialists: \(rng.int(0...4)), \(embeddedTerms[s]!)}"
    }
    if !embedded.isEmpty { fields.append("embedded: [\(embedded.joined(separator: ", "))]") }
    if effort { fields.append(time) }
    let covers = owned[t].map { "{segments: \($0.segment), share: \(number(Double($0.share) / 100)), offset: \(number(Double($0.offset) / 100))}" }
    fields.append("covers: [\(covers.joined(separator: ", "))]")
    lines.append("  - {\(fields.joined(separator: ", "))}")
  }

  // Specialists: solution teams and product groups, with uplifts of their own for some solutions.
  func skills() -> String {
    let chosen = rng.sample(solutions, rng.int(1...solutions.count))
    return "[" + chosen.map { s in
      rng.chance(0.4) ? "{name: \(s), win_uplift: \(number(rng.hundredths(100...150))), deal_uplift: \(number(rng.hundredths(100...130)))}" : s
    }.joined(separator: ", ") + "]"
  }
  for i in 1...rng.int(1...3) {
    let name = "X\(i)"
    var fields = ["name: \(name)", "overhead_cost_year: \(rng.int(0...200) * 1000)"]
    let commission = neutralSpecialists ? nil : rng.chance(0.3) ? "commission_rate: 0.03" : nil
    if let commission { fields.append(commission) }
    if rng.chance(0.65) {
      fields += [
        "kind: solution", "reps: \(rng.int(1...12))", "slots_per_rep: \(rng.int(1...8))", "cost_per_rep_year: \(rng.int(100...250) * 1000)",
        "solutions: \(skills())", "win_uplift: \(number(rng.hundredths(100...150)))", "deal_uplift: \(number(rng.hundredths(100...130)))",
      ]
      if rng.chance(0.2) { fields.append("slots: \(rng.int(1...60))") }
    } else {
      fields.append("kind: product_group")
      if !neutralSpecialists { fields.append("engage_probability: \(number(rng.pick([1, 0.8, 0.6])))") }
      let groups = (1...rng.int(1...2)).map { j in
        var group = [
          "name: \(name)g\(j)", "reps: \(rng.int(1...8))", "slots_per_rep: \(rng.int(1...6))", "cost_per_rep_year: \(rng.int(100...250) * 1000)",
          "solutions: \(skills())", "win_uplift: \(number(rng.hundredths(100...150)))", "deal_uplift: \(number(rng.hundredths(100...130)))",
        ]
        if rng.chance(0.2) { group.append("slots: \(rng.int(1...40))") }
        return "{\(group.joined(separator: ", "))}"
      }
      fields.append("groups: [\(groups.joined(separator: ", "))]")
    }
    lines.append("  - {\(fields.joined(separator: ", "))}")
  }

  if !uncovered.isEmpty {
    lines.append("uncovered:")
    for part in uncovered {
      lines.append("  - {segment: \(part.segment), share: \(number(Double(part.share) / 100)), offset: \(number(Double(part.offset) / 100))}")
    }
  }
  if rng.chance(0.3) {
    lines.append("fit:")
    lines.append("  - {team_kind: regional, tier: smb, win_factor: 0.9, days_factor: 1.2}")
  }
  return lines.joined(separator: "\n") + "\n"
}
