import CCCMSupport
import CoverageModel
import Foundation
import Randomness

/// Writes a scenario as YAML that loads back to the same scenario (`cccm show`).
///
/// Flow style for small mappings keeps a resolved scenario short enough to read; keys that hold
/// their default value are left out.
public enum ScenarioEncoder {
  public static func yaml(_ s: Scenario) -> String {
    var out: [String] = []
    out.append("name: \(text(s.name))")
    if !s.description.isEmpty { out.append("description: \(text(s.description))") }
    out.append("horizon_days: \(NumberText.shortest(s.horizonDays))")
    out.append("warmup_days: \(NumberText.shortest(s.warmupDays))")
    if let date = s.startDate { out.append("start_date: \"\(date)\"") }
    if let factors = s.seasonality { out.append("seasonality: [\(factors.map(NumberText.shortest).joined(separator: ", "))]") }
    if let push = s.quarterEnd { out.append("quarter_end: " + flow(quarterEndFields(push))) }
    if let c = s.arrivalDispersion { out.append("arrival_dispersion: \(NumberText.shortest(c))") }
    out.append("replications: \(s.replications)")
    out.append("seed: \(s.seed)")
    if s.grossMargin != 1 { out.append("gross_margin: \(NumberText.shortest(s.grossMargin))") }
    out.append("regions: \(regions(s))")
    out += effortFields(s)
    out.append("industries: \(list(s.industries))")
    if !s.solutions.isEmpty {
      out.append("solutions:")
      for solution in s.solutions {
        var fields = [("name", text(solution.name)), ("unsupported_win_factor", NumberText.shortest(solution.unsupportedWinFactor))]
        if let margin = solution.grossMargin { fields.append(("gross_margin", NumberText.shortest(margin))) }
        out.append("  - " + flow(fields))
      }
    }
    out.append("segments:")
    for segment in s.segments { out += block(segmentFields(segment)) }
    out.append("motions:")
    for motion in s.motions {
      out.append("  - name: \(text(motion.name))")
      out.append("    stages:")
      for stage in motion.stages {
        let days = stage.lostDays.map { flow([("won", distribution(stage.days)), ("lost", distribution($0))]) } ?? distribution(stage.days)
        var fields = [("name", text(stage.name)), ("days", days), ("advance", NumberText.shortest(stage.advance))]
        if let pool = stage.presales { fields.append(("presales", text(pool))) }
        if stage.specialist { fields.append(("specialist", "true")) }
        if let stale = stage.stale { fields.append(("stale", flow([("probability", NumberText.shortest(stale.probability)), ("days", distribution(stale.days))]))) }
        if let hours = stage.effortHours { fields.append(("effort_hours", distribution(hours))) }
        if stage.visits != 0 { fields.append(("visits", NumberText.shortest(stage.visits))) }
        out.append("      - " + flow(fields))
      }
    }
    if !s.fit.isEmpty {
      out.append("fit:")
      for rule in s.fit { out.append("  - " + flow(fitFields(rule))) }
    }
    if !s.pools.isEmpty {
      out.append("presales:")
      for pool in s.pools {
        var fields = [
          ("name", text(pool.name)), ("experts", String(pool.experts)), ("service_days", distribution(pool.serviceDays)),
          ("policy", pool.policy.rawValue),
        ]
        if let patience = pool.patienceDays { fields.append(("patience_days", NumberText.shortest(patience))) }
        if pool.noPresalesWinFactor != 1 { fields.append(("no_presales_win_factor", NumberText.shortest(pool.noPresalesWinFactor))) }
        if pool.costPerExpertYear != 0 { fields.append(("cost_per_expert_year", NumberText.shortest(pool.costPerExpertYear))) }
        if pool.servedWinFactor != 1 { fields.append(("served_win_factor", NumberText.shortest(pool.servedWinFactor))) }
        if pool.coordinate { fields.append(("coordinate", "true")) }
        if pool.handoffWinFactor != 1 { fields.append(("handoff_win_factor", NumberText.shortest(pool.handoffWinFactor))) }
        out += block(fields)
      }
    }
    out.append("teams:")
    for team in s.teams { out += block(teamFields(team)) }
    if s.grades != Grade.defaults {
      out.append("grades:")
      for grade in s.grades { out.append("  - " + flow([("name", text(grade.name)), ("min_deal_size", NumberText.shortest(grade.minDealSize))])) }
    }
    if !s.uncovered.isEmpty {
      out.append("uncovered:")
      for part in s.uncovered {
        out.append("  - " + flow([("segment", text(part.segment)), ("share", NumberText.shortest(part.share)), ("offset", NumberText.shortest(part.offset))]))
      }
    }
    if !s.pipeline.isEmpty {
      // Like a transition, recorded as a comment (the file is relative to the scenario that names
      // it, and a results hash must not depend on where it lies): its name and the fingerprint of
      // its deals, so results hashes tell one pipeline from another.
      let deals = s.pipeline.map { d in
        [d.id, d.segment, d.account, d.team, d.stage, NumberText.shortest(d.daysInStage), d.dealSize.map(NumberText.shortest) ?? "", d.solution ?? ""].joined(separator: "\u{1}")
      }.joined(separator: "\n")
      let name = s.pipelineFile.map { ($0 as NSString).lastPathComponent } ?? "given in code"
      out.append("# pipeline: \(text(name)), \(s.pipeline.count) deals, fingerprint \(fingerprint(deals))")
    }
    if !s.parameterSets.isEmpty {
      // Recorded like the pipeline: the file's name and the fingerprint of its sets.
      let name = s.parameterSetsFile.map { ($0 as NSString).lastPathComponent } ?? "given in code"
      out.append("# parameter_sets: \(text(name)), \(s.parameterSets.count) sets, fingerprint \(fingerprint(ParameterSetsFile.yaml(s.parameterSets)))")
    }
    if let t = s.transition {
      // A transition is not a key a resolved scenario can stand alone with (it needs the file it
      // extends): recorded as a comment, with the former organisation's fingerprint.
      let fields = [
        ("effective_day", NumberText.shortest(t.effectiveDay)), ("handover_loss", NumberText.shortest(t.handoverLoss)), ("relationship_floor", NumberText.shortest(t.relationshipFloor)),
        ("relationship_recovery_days", NumberText.shortest(t.relationshipRecoveryDays)), ("one_off_cost", NumberText.shortest(t.oneOffCost)),
        ("cost_per_hire", NumberText.shortest(t.costPerHire)),
      ]
      out.append("# transition: \(flow(fields))")
      out.append("# from \(text(t.former.scenario.name)), fingerprint \(fingerprint(of: t.former.scenario))")
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// The scenario hash results files and provenance record: FNV-1a of the scenario's canonical YAML
  /// (`cccm show`) in hexadecimal, so any change that reaches the engine changes it. An identity
  /// check, not a security measure.
  public static func fingerprint(of scenario: Scenario) -> String { fingerprint(yaml(scenario)) }

  /// FNV-1a of `text` in hexadecimal.
  static func fingerprint(_ text: String) -> String { String(StreamKey.name(text), radix: 16) }

  /// A segment's keys and values as written in a file (also what `diff` compares).
  static func segmentFields(_ segment: Segment) -> [(String, String)] {
    var fields: [(String, String)] = [("name", text(segment.name)), ("tier", segment.tier.rawValue)]
    if let region = segment.region { fields.append(("region", text(region))) }
    if let industry = segment.industry { fields.append(("industry", text(industry))) }
    fields += [
      ("accounts", segment.accountList.map { "{file: \(text($0.file))}" } ?? String(segment.accounts)),
      ("opportunities_per_account_year", NumberText.shortest(segment.opportunitiesPerAccountYear)),
      ("deal_size", distribution(segment.dealSize)),
    ]
    if !segment.solutionMix.isEmpty {
      fields.append(("solution_mix", flow(segment.solutionMix.map { (text($0.solution), NumberText.shortest($0.probability)) })))
    }
    if let dm = segment.decisionMakers { fields.append(("decision_makers", distribution(dm))) }
    if let motion = segment.motion { fields.append(("motion", text(motion))) }
    if let potential = segment.accountPotential { fields.append(("account_potential", distribution(potential))) }
    if segment.sizeElasticity != 0 { fields.append(("size_elasticity", NumberText.shortest(segment.sizeElasticity))) }
    if let factors = segment.seasonality { fields.append(("seasonality", "[" + factors.map(NumberText.shortest).joined(separator: ", ") + "]")) }
    if let c = segment.arrivalDispersion { fields.append(("arrival_dispersion", NumberText.shortest(c))) }
    if let response = segment.response { fields.append(("response", responseField(response))) }
    return fields
  }

  /// `quarter_end`'s keys: the push and the pull, each where given.
  static func quarterEndFields(_ q: QuarterEnd) -> [(String, String)] {
    var fields: [(String, String)] = []
    if q.hasPush { fields += [("last_days", NumberText.shortest(q.lastDays)), ("advance_factor", NumberText.shortest(q.advanceFactor))] }
    if let days = q.pullDays, let p = q.pullProbability { fields += [("pull_days", NumberText.shortest(days)), ("pull_probability", NumberText.shortest(p))] }
    return fields
  }

  /// A team's keys and values as written in a file (also what `diff` compares).
  static func teamFields(_ team: Team) -> [(String, String)] {
    var fields: [(String, String)] = [("name", text(team.name)), ("kind", team.kind.rawValue)]
    if team.groups.isEmpty {
      fields.append(("reps", String(team.reps)))
      if team.slotsPerRep != 1 { fields.append(("slots_per_rep", String(team.slotsPerRep))) }
      if let slots = team.slots { fields.append(("slots", String(slots))) }
      if team.costPerRepYear != 0 { fields.append(("cost_per_rep_year", NumberText.shortest(team.costPerRepYear))) }
    }
    if team.overheadCostYear != 0 { fields.append(("overhead_cost_year", NumberText.shortest(team.overheadCostYear))) }
    if team.newHireShare != 0 { fields.append(("new_hire_share", NumberText.shortest(team.newHireShare))) }
    if team.newHireWinFactor != 1 { fields.append(("new_hire_win_factor", NumberText.shortest(team.newHireWinFactor))) }
    if let motion = team.motion { fields.append(("motion", text(motion))) }
    if team.kind.ownsAccounts { fields.append(("covers", "[" + team.covers.map(coverage).joined(separator: ", ") + "]")) }
    if let overflow = team.overflow { fields.append(("overflow", text(overflow))) }
    if let pool = team.presales { fields.append(("presales", text(pool))) }
    if !team.embedded.isEmpty { fields.append(("embedded", "[" + team.embedded.map(embedded).joined(separator: ", ") + "]")) }
    if !team.kind.ownsAccounts {
      if team.groups.isEmpty {
        fields.append(("solutions", skills(team.solutions)))
        fields.append(("win_uplift", NumberText.shortest(team.winUplift)))
        fields.append(("deal_uplift", NumberText.shortest(team.dealUplift)))
      } else {
        fields.append(("groups", "[" + team.groups.map(group).joined(separator: ", ") + "]"))
      }
    }
    if team.commissionRate != 0 { fields.append(("commission_rate", NumberText.shortest(team.commissionRate))) }
    if team.industryBreadthFactor != 1 { fields.append(("industry_breadth_factor", NumberText.shortest(team.industryBreadthFactor))) }
    if team.kind == .productGroup { fields.append(("engage_probability", NumberText.shortest(team.engageProbability))) }
    if team.kind == .partner { fields.append(("margin", NumberText.shortest(team.margin))) }
    if team.kind == .keyAccount, let coverage = team.relationshipCoverage { fields.append(("relationship_coverage", distribution(coverage))) }
    if team.kind.ownsAccounts, team.espFloor != 0.3 { fields.append(("esp_floor", NumberText.shortest(team.espFloor))) }
    if let factor = team.repWinFactor { fields.append(("rep_win_factor", distribution(factor))) }
    if let people = team.people { fields += peopleFields(people) }
    if let time = team.time { fields += timeFields(time) }
    return fields
  }

  /// A team's people keys; `ramp` always, so the team reads back as people.
  static func peopleFields(_ people: People) -> [(String, String)] {
    var fields = [("ramp", "[" + people.ramp.map(NumberText.shortest).joined(separator: ", ") + "]")]
    if people.rampAppliesTo != Set(RampEffect.allCases) { fields.append(("ramp_applies_to", list(people.rampAppliesTo.sorted().map(\.rawValue)))) }
    if let tenure = people.tenureMonths { fields.append(("tenure_months", distribution(tenure))) }
    if people.attritionRateYear != 0 { fields.append(("attrition_rate_year", NumberText.shortest(people.attritionRateYear))) }
    if people.backfillDays != .constant(0) { fields.append(("backfill_days", distribution(people.backfillDays))) }
    if people.handoverLoss != 0 { fields.append(("handover_loss", NumberText.shortest(people.handoverLoss))) }
    if !people.hires.isEmpty {
      fields.append(("hires", "[" + people.hires.map { flow([("day", NumberText.shortest($0.day)), ("reps", String($0.reps))]) }.joined(separator: ", ") + "]"))
    }
    if people.costPerHire != 0 { fields.append(("cost_per_hire", NumberText.shortest(people.costPerHire))) }
    if let quota = people.quotaPerRepYear { fields.append(("quota_per_rep_year", NumberText.shortest(quota))) }
    return fields
  }

  /// Solution names, or mappings where a solution has uplifts of its own.
  static func skills(_ skills: [SolutionSkill]) -> String {
    "[" + skills.map { skill in
      guard skill.winUplift != nil || skill.dealUplift != nil else { return text(skill.name) }
      var fields = [("name", text(skill.name))]
      if let win = skill.winUplift { fields.append(("win_uplift", NumberText.shortest(win))) }
      if let deal = skill.dealUplift { fields.append(("deal_uplift", NumberText.shortest(deal))) }
      return flow(fields)
    }.joined(separator: ", ") + "]"
  }

  static func group(_ group: SpecialistGroup) -> String {
    var fields = [("name", text(group.name)), ("reps", String(group.reps))]
    if group.slotsPerRep != 1 { fields.append(("slots_per_rep", String(group.slotsPerRep))) }
    if let slots = group.slots { fields.append(("slots", String(slots))) }
    if group.costPerRepYear != 0 { fields.append(("cost_per_rep_year", NumberText.shortest(group.costPerRepYear))) }
    fields.append(("solutions", skills(group.solutions)))
    return flow(fields)
  }

  static func embedded(_ entry: EmbeddedSpecialism) -> String {
    var fields = [("solution", text(entry.solution))]
    if let specialists = entry.specialists {
      fields.append(("specialists", String(specialists)))
      if entry.slotsPerSpecialist != 1 { fields.append(("slots_per_specialist", String(entry.slotsPerSpecialist))) }
      if entry.costPerSpecialistYear != 0 { fields.append(("cost_per_specialist_year", NumberText.shortest(entry.costPerSpecialistYear))) }
    }
    fields += [("win_uplift", NumberText.shortest(entry.winUplift)), ("deal_uplift", NumberText.shortest(entry.dealUplift))]
    return flow(fields)
  }

  static func fitFields(_ rule: FitRule) -> [(String, String)] {
    var fields = [
      ("team_kind", rule.teamKind.rawValue), ("tier", rule.tier.rawValue), ("win_factor", NumberText.shortest(rule.winFactor)),
      ("days_factor", NumberText.shortest(rule.daysFactor)),
    ]
    if rule.effortFactor != 1 { fields.append(("effort_factor", NumberText.shortest(rule.effortFactor))) }
    return fields
  }

  static func coverage(_ rule: Coverage) -> String {
    var fields: [(String, String)] = []
    if let segments = rule.segments { fields.append(("segments", list(segments))) }
    if let regions = rule.regions { fields.append(("region", list(regions))) }
    if let industries = rule.industries { fields.append(("industry", list(industries))) }
    if let tiers = rule.tiers { fields.append(("tier", list(tiers.map(\.rawValue)))) }
    for (key, values) in rule.accounts.attributes { fields.append((text(key), list(values))) }
    if let names = rule.accounts.names { fields.append(("accounts", list(names))) }
    if !rule.accounts.excluded.isEmpty { fields.append(("except", list(rule.accounts.excluded))) }
    if rule.share != 1 { fields.append(("share", NumberText.shortest(rule.share))) }
    if rule.offset != 0 { fields.append(("offset", NumberText.shortest(rule.offset))) }
    if rule.areaShare != 1 { fields.append(("area_share", NumberText.shortest(rule.areaShare))) }
    if rule.areaOffset != 0 { fields.append(("area_offset", NumberText.shortest(rule.areaOffset))) }
    return flow(fields)
  }

  public static func distribution(_ d: Distribution) -> String {
    func family(_ name: String, _ fields: [(String, Double)]) -> String {
      "{\(name): " + flow(fields.map { ($0.0, NumberText.shortest($0.1)) }) + "}"
    }
    switch d {
    case .constant(let c): return NumberText.shortest(c)
    case .exponential(let mean): return family("exponential", [("mean", mean)])
    case .gamma(let shape, let scale): return family("gamma", [("shape", shape), ("scale", scale)])
    case .logNormal(let median, let sigma): return family("lognormal", [("median", median), ("sigma", sigma)])
    case .weibull(let shape, let scale): return family("weibull", [("shape", shape), ("scale", scale)])
    case .logLogistic(let shape, let scale): return family("loglogistic", [("shape", shape), ("scale", scale)])
    case .normal(let mean, let sd): return family("normal", [("mean", mean), ("sd", sd)])
    case .uniform(let min, let max): return family("uniform", [("min", min), ("max", max)])
    case .triangular(let min, let mode, let max): return family("triangular", [("min", min), ("mode", mode), ("max", max)])
    case .pert(let min, let mode, let max): return family("pert", [("min", min), ("mode", mode), ("max", max)])
    case .beta(let alpha, let beta): return family("beta", [("alpha", alpha), ("beta", beta)])
    case .poisson(let mean): return family("poisson", [("mean", mean)])
    case .empirical(let values, let weights):
      return "{empirical: {values: [\(values.map(NumberText.shortest).joined(separator: ", "))], weights: [\(weights.map(NumberText.shortest).joined(separator: ", "))]}}"
    }
  }

  static func block(_ fields: [(String, String)]) -> [String] {
    fields.enumerated().map { index, field in (index == 0 ? "  - " : "    ") + "\(field.0): \(field.1)" }
  }

  static func flow(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
  }

  static func list(_ names: [String]) -> String { "[" + names.map(text).joined(separator: ", ") + "]" }

  /// A string, quoted when YAML would read it as something else (`YAMLText.scalar`).
  static func text(_ value: String) -> String { YAMLText.scalar(value) }
}
