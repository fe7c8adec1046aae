import CoverageModel

/// Writes a scenario as YAML that loads back to the same scenario (`cccm show`).
///
/// Flow style for small mappings keeps a resolved scenario short enough to read; keys that hold
/// their default value are left out.
public enum ScenarioEncoder {
  public static func yaml(_ s: Scenario) -> String {
    var out: [String] = []
    out.append("name: \(text(s.name))")
    if !s.description.isEmpty { out.append("description: \(text(s.description))") }
    out.append("horizon_days: \(number(s.horizonDays))")
    out.append("warmup_days: \(number(s.warmupDays))")
    out.append("replications: \(s.replications)")
    out.append("seed: \(s.seed)")
    out.append("regions: \(list(s.regions))")
    out.append("industries: \(list(s.industries))")
    if !s.solutions.isEmpty {
      out.append("solutions:")
      for solution in s.solutions {
        out.append("  - " + flow([("name", text(solution.name)), ("unsupported_win_factor", number(solution.unsupportedWinFactor))]))
      }
    }
    out.append("segments:")
    for segment in s.segments {
      var fields: [(String, String)] = [("name", text(segment.name)), ("tier", segment.tier.rawValue)]
      if let region = segment.region { fields.append(("region", text(region))) }
      if let industry = segment.industry { fields.append(("industry", text(industry))) }
      fields += [
        ("accounts", String(segment.accounts)),
        ("opportunities_per_account_year", number(segment.opportunitiesPerAccountYear)),
        ("deal_size", distribution(segment.dealSize)),
      ]
      if !segment.solutionMix.isEmpty {
        fields.append(("solution_mix", flow(segment.solutionMix.map { (text($0.solution), number($0.probability)) })))
      }
      if let dm = segment.decisionMakers { fields.append(("decision_makers", distribution(dm))) }
      out += block(fields)
    }
    out.append("motions:")
    for motion in s.motions {
      out.append("  - name: \(text(motion.name))")
      out.append("    stages:")
      for stage in motion.stages {
        var fields = [("name", text(stage.name)), ("days", distribution(stage.days)), ("advance", number(stage.advance))]
        if let pool = stage.presales { fields.append(("presales", text(pool))) }
        out.append("      - " + flow(fields))
      }
    }
    if !s.pools.isEmpty {
      out.append("presales:")
      for pool in s.pools {
        var fields = [
          ("name", text(pool.name)), ("experts", String(pool.experts)), ("service_days", distribution(pool.serviceDays)),
          ("policy", pool.policy.rawValue),
        ]
        if let patience = pool.patienceDays { fields.append(("patience_days", number(patience))) }
        if pool.noPresalesWinFactor != 1 { fields.append(("no_presales_win_factor", number(pool.noPresalesWinFactor))) }
        if pool.costPerExpertYear != 0 { fields.append(("cost_per_expert_year", number(pool.costPerExpertYear))) }
        out += block(fields)
      }
    }
    out.append("teams:")
    for team in s.teams { out += block(teamFields(team)) }
    if s.grades != Grade.defaults {
      out.append("grades:")
      for grade in s.grades { out.append("  - " + flow([("name", text(grade.name)), ("min_deal_size", number(grade.minDealSize))])) }
    }
    if !s.uncovered.isEmpty {
      out.append("uncovered:")
      for part in s.uncovered {
        out.append("  - " + flow([("segment", text(part.segment)), ("share", number(part.share)), ("offset", number(part.offset))]))
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// A team's keys and values as written in a file (also what `diff` compares).
  static func teamFields(_ team: Team) -> [(String, String)] {
    var fields: [(String, String)] = [("name", text(team.name)), ("kind", team.kind.rawValue), ("reps", String(team.reps))]
    if team.slotsPerRep != 1 { fields.append(("slots_per_rep", String(team.slotsPerRep))) }
    if team.costPerRepYear != 0 { fields.append(("cost_per_rep_year", number(team.costPerRepYear))) }
    if team.overheadCostYear != 0 { fields.append(("overhead_cost_year", number(team.overheadCostYear))) }
    if team.newHireShare != 0 { fields.append(("new_hire_share", number(team.newHireShare))) }
    if team.newHireWinFactor != 1 { fields.append(("new_hire_win_factor", number(team.newHireWinFactor))) }
    if let motion = team.motion { fields.append(("motion", text(motion))) }
    if team.kind.ownsAccounts { fields.append(("covers", "[" + team.covers.map(coverage).joined(separator: ", ") + "]")) }
    if let overflow = team.overflow { fields.append(("overflow", text(overflow))) }
    if let pool = team.presales { fields.append(("presales", text(pool))) }
    if !team.embedded.isEmpty {
      fields.append(("embedded", "[" + team.embedded.map { flow([("solution", text($0.solution)), ("win_uplift", number($0.winUplift)), ("deal_uplift", number($0.dealUplift))]) }.joined(separator: ", ") + "]"))
    }
    if !team.kind.ownsAccounts {
      fields.append(("solutions", list(team.solutions)))
      fields.append(("win_uplift", number(team.winUplift)))
      fields.append(("deal_uplift", number(team.dealUplift)))
    }
    if team.kind == .productGroup { fields.append(("engage_probability", number(team.engageProbability))) }
    if team.kind == .partner { fields.append(("margin", number(team.margin))) }
    if team.kind == .keyAccount {
      if let coverage = team.relationshipCoverage { fields.append(("relationship_coverage", distribution(coverage))) }
      if team.espFloor != 0.3 { fields.append(("esp_floor", number(team.espFloor))) }
    }
    return fields
  }

  static func coverage(_ rule: Coverage) -> String {
    var fields: [(String, String)] = []
    if let segments = rule.segments { fields.append(("segments", list(segments))) }
    if let regions = rule.regions { fields.append(("region", list(regions))) }
    if let industries = rule.industries { fields.append(("industry", list(industries))) }
    if let tiers = rule.tiers { fields.append(("tier", list(tiers.map(\.rawValue)))) }
    if rule.share != 1 { fields.append(("share", number(rule.share))) }
    if rule.offset != 0 { fields.append(("offset", number(rule.offset))) }
    return flow(fields)
  }

  public static func distribution(_ d: Distribution) -> String {
    func family(_ name: String, _ fields: [(String, Double)]) -> String {
      "{\(name): " + flow(fields.map { ($0.0, number($0.1)) }) + "}"
    }
    switch d {
    case .constant(let c): return number(c)
    case .exponential(let mean): return family("exponential", [("mean", mean)])
    case .gamma(let shape, let scale): return family("gamma", [("shape", shape), ("scale", scale)])
    case .logNormal(let median, let sigma): return family("lognormal", [("median", median), ("sigma", sigma)])
    case .normal(let mean, let sd): return family("normal", [("mean", mean), ("sd", sd)])
    case .uniform(let min, let max): return family("uniform", [("min", min), ("max", max)])
    case .triangular(let min, let mode, let max): return family("triangular", [("min", min), ("mode", mode), ("max", max)])
    case .pert(let min, let mode, let max): return family("pert", [("min", min), ("mode", mode), ("max", max)])
    case .beta(let alpha, let beta): return family("beta", [("alpha", alpha), ("beta", beta)])
    case .poisson(let mean): return family("poisson", [("mean", mean)])
    case .empirical(let values, let weights):
      return "{empirical: {values: [\(values.map(number).joined(separator: ", "))], weights: [\(weights.map(number).joined(separator: ", "))]}}"
    }
  }

  static func block(_ fields: [(String, String)]) -> [String] {
    fields.enumerated().map { index, field in (index == 0 ? "  - " : "    ") + "\(field.0): \(field.1)" }
  }

  static func flow(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
  }

  static func list(_ names: [String]) -> String { "[" + names.map(text).joined(separator: ", ") + "]" }

  /// A number as YAML: whole numbers without a fraction, others in Swift's shortest round-trip form.
  public static func number(_ value: Double) -> String { formatNumber(value) }

  /// A string, quoted when YAML would read it as something else.
  static func text(_ value: String) -> String {
    let plain = value.allSatisfy { $0.isLetter || $0.isNumber || "_-. /+()&".contains($0) }
    let special = ["true", "false", "yes", "no", "null", "on", "off", "~", ""].contains(value.lowercased())
    if plain, !special, Double(value) == nil, value.first?.isLetter == true || value.first == "_" { return value }
    var escaped = "\""
    for ch in value.unicodeScalars {
      switch ch {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\t": escaped += "\\t"
      default: escaped.unicodeScalars.append(ch)
      }
    }
    return escaped + "\""
  }
}
