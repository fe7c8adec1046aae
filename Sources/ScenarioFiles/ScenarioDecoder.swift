import CCCMSupport
import CoverageModel
import Yams

/// Decodes the sections of a scenario file into a `Scenario`, checking types and ranges.
///
/// References between sections (a team's motion, a stage's pool) are checked later, on the
/// resolved scenario, by `ScenarioValidator`: a variant may change them first.
struct ScenarioDecoder {
  let reader: NodeReader

  static let topLevelKeys = [
    "name", "description", "horizon_days", "warmup_days", "replications", "seed", "regions", "industries",
    "solutions", "segments", "motions", "teams", "presales", "grades", "uncovered", "extends", "changes",
    "gross_margin", "fit", "start_date", "seasonality", "quarter_end", "transition", "pipeline", "arrival_dispersion",
    "travel", "late_win_factor_per_week", "parameter_sets",
  ]

  /// Decodes every section present in `pairs` onto `scenario` (a section given replaces the old one).
  func decodeSections(_ pairs: [(key: String, node: Node)], into scenario: inout Scenario) {
    for (key, node) in pairs {
      switch key {
      case "name": reader.string(node, key).map { scenario.name = $0 }
      case "description":
        if case .scalar(let scalar) = node { scenario.description = scalar.string } else { _ = reader.string(node, key) }
      case "horizon_days": reader.number(node, key, .positive).map { scenario.horizonDays = $0 }
      case "warmup_days": reader.number(node, key, .nonNegative).map { scenario.warmupDays = $0 }
      case "replications": reader.integer(node, key, .replications).map { scenario.replications = $0 }
      case "seed": reader.integer(node, key, .nonNegative).map { scenario.seed = UInt64($0) }
      case "regions": regions(node, into: &scenario)
      case "travel": travel(node, key).map { scenario.travel = $0 }
      case "late_win_factor_per_week": reader.number(node, key, .probability).map { scenario.lateWinFactorPerWeek = $0 }
      case "industries": reader.names(node, key).map { scenario.industries = $0 }
      case "solutions": scenario.solutions = namedList(node, key, solution)
      case "segments": scenario.segments = namedList(node, key, segment)
      case "motions": scenario.motions = namedList(node, key, motion)
      case "teams": scenario.teams = namedList(node, key, team)
      case "presales": scenario.pools = namedList(node, key, pool)
      case "grades": grades(node).map { scenario.grades = $0 }
      case "uncovered": uncovered(node).map { scenario.uncovered = $0 }
      case "gross_margin": reader.number(node, key, .probability).map { scenario.grossMargin = $0 }
      case "start_date":
        if let text = reader.string(node, key) {
          if let date = CalendarDate(text) { scenario.startDate = date } else {
            reader.error(node, key, "expected a date as YYYY-MM-DD (years 1900 to 2999), such as 2027-01-01")
          }
        }
      case "fit": fit(node).map { scenario.fit = $0 }
      case "seasonality": scenario.seasonality = seasonality(node, key)
      case "quarter_end": scenario.quarterEnd = quarterEnd(node, key)
      case "arrival_dispersion": scenario.arrivalDispersion = reader.number(node, key, .dispersion)
      default: break  // extends and changes are the loader's
      }
    }
  }

  // MARK: - Named lists

  /// A list of mappings each with a unique `name`; items are addressed as `section.Name`.
  func namedList<T>(_ node: Node, _ section: String, _ decode: (Node, String) -> T?) -> [T] {
    guard let items = reader.sequence(node, section) else { return [] }
    var seen: [String: Int] = [:]
    var result: [T] = []
    for (index, item) in items.enumerated() {
      var path = "\(section)[\(index)]"
      if case .mapping(let mapping) = item, let nameNode = mapping["name"], case .scalar(let name) = nameNode,
        !name.string.isEmpty
      {
        if let first = seen[name.string] {
          reader.error(nameNode, "\(section)[\(index)].name", "duplicate name \"\(name.string)\" (also \(section)[\(first)]); names must be unique")
          continue
        }
        seen[name.string] = index
        path = "\(section).\(name.string)"
      }
      if let value = decode(item, path) { result.append(value) }
    }
    return result
  }

  // MARK: - Sections

  func solution(_ node: Node, _ path: String) -> Solution? {
    guard let pairs = reader.mapping(node, path, allowed: ["name", "unsupported_win_factor", "gross_margin"], required: ["name"]) else { return nil }
    var solution = Solution(name: "")
    for (key, value) in pairs {
      switch key {
      case "name": reader.string(value, join(path, key)).map { solution.name = $0 }
      case "gross_margin": solution.grossMargin = reader.number(value, join(path, key), .probability)
      default: reader.number(value, join(path, key), .factor).map { solution.unsupportedWinFactor = $0 }
      }
    }
    return solution.name.isEmpty ? nil : solution
  }

  func segment(_ node: Node, _ path: String) -> Segment? {
    let keys = [
      "name", "tier", "region", "industry", "accounts", "opportunities_per_account_year", "deal_size",
      "solution_mix", "decision_makers", "motion", "account_potential", "size_elasticity", "seasonality", "arrival_dispersion",
      "response",
    ]
    guard let pairs = reader.mapping(node, path, allowed: keys, required: ["name", "tier", "accounts", "opportunities_per_account_year", "deal_size"])
    else { return nil }
    var segment = Segment(name: "", tier: .smb, accounts: 0, opportunitiesPerAccountYear: 0, dealSize: .constant(0))
    var complete = pairs.count >= 5
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "name": if let v = reader.string(value, at) { segment.name = v } else { complete = false }
      case "tier": if let v = reader.choice(value, at, as: Tier.self) { segment.tier = v } else { complete = false }
      case "region": segment.region = reader.string(value, at)
      case "industry": segment.industry = reader.string(value, at)
      case "accounts":
        if case .mapping = value, NodeReader.uncertainInner(value) == nil {
          if let list = AccountsFile.decode(value, at, reader: reader) {
            segment.accountList = list
            segment.accounts = list.accounts.count
          } else {
            complete = false
          }
        } else if let v = reader.integer(value, at, .atLeastOne) {
          segment.accounts = v
        } else {
          complete = false
        }
      case "opportunities_per_account_year":
        if let v = reader.number(value, at, .positive) { segment.opportunitiesPerAccountYear = v } else { complete = false }
      case "deal_size": if let v = reader.distribution(value, at) { segment.dealSize = v } else { complete = false }
      case "solution_mix": segment.solutionMix = solutionMix(value, at)
      case "decision_makers": segment.decisionMakers = reader.distribution(value, at)
      case "motion": segment.motion = reader.string(value, at)
      case "account_potential": segment.accountPotential = reader.distribution(value, at)
      case "size_elasticity": reader.number(value, at, .elasticity).map { segment.sizeElasticity = $0 }
      case "seasonality": segment.seasonality = seasonality(value, at)
      case "arrival_dispersion": segment.arrivalDispersion = reader.number(value, at, .dispersion)
      case "response": segment.response = response(value, at)
      default: break
      }
    }
    return complete ? segment : nil
  }

  func solutionMix(_ node: Node, _ path: String) -> [SolutionNeed] {
    guard case .mapping(let mapping) = node else {
      reader.error(node, path, "expected a mapping from solution name to probability, such as {Platform: 0.3}")
      return []
    }
    var needs: [SolutionNeed] = []
    for (keyNode, value) in mapping {
      guard let name = reader.string(keyNode, path), let p = reader.number(value, join(path, name), .probability) else { continue }
      reader.record(keyNode, at: join(path, name))
      needs.append(SolutionNeed(solution: name, probability: p))
    }
    let total = needs.reduce(0) { $0 + $1.probability }
    if total > 1 + 1e-9 {
      reader.error(node, path, "probabilities add up to \(formatShare(total)); an opportunity needs at most one solution, so they must add up to at most 1")
    }
    return needs
  }

  func motion(_ node: Node, _ path: String) -> Motion? {
    guard let pairs = reader.mapping(node, path, allowed: ["name", "stages"], required: ["name", "stages"]) else { return nil }
    var motion = Motion(name: "", stages: [])
    for (key, value) in pairs {
      switch key {
      case "name": reader.string(value, join(path, key)).map { motion.name = $0 }
      default:
        motion.stages = namedList(value, join(path, key), stage)
        if case .sequence(let items) = value, items.isEmpty {
          reader.error(value, join(path, key), "a motion needs at least one stage")
        }
      }
    }
    return motion.name.isEmpty || motion.stages.isEmpty ? nil : motion
  }

  func stage(_ node: Node, _ path: String) -> Stage? {
    guard let pairs = reader.mapping(node, path, allowed: ["name", "days", "advance", "presales", "specialist", "stale", "effort_hours", "visits"], required: ["name", "days", "advance"])
    else { return nil }
    var stage = Stage(name: "", days: .constant(0), advance: 0)
    var complete = pairs.count >= 3
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "name": if let v = reader.string(value, at) { stage.name = v } else { complete = false }
      case "days" where Self.isOutcomeDays(value):
        guard let days = outcomeDays(value, at) else {
          complete = false
          continue
        }
        (stage.days, stage.lostDays) = (days.won, days.lost)
      case "days": if let v = reader.distribution(value, at) { stage.days = v } else { complete = false }
      case "stale": stage.stale = stale(value, at)
      case "advance": if let v = reader.number(value, at, .probability) { stage.advance = v } else { complete = false }
      case "specialist": reader.boolean(value, at).map { stage.specialist = $0 }
      case "effort_hours": stage.effortHours = reader.distribution(value, at)
      case "visits": reader.number(value, at, .nonNegative).map { stage.visits = $0 }
      default: stage.presales = reader.string(value, at)
      }
    }
    return complete ? stage : nil
  }

  /// Whether a stage's `days` gives a duration per outcome (`{won: DIST, lost: DIST}`) rather
  /// than one distribution.
  static func isOutcomeDays(_ node: Node) -> Bool {
    guard case .mapping(let mapping) = node else { return false }
    return mapping.contains { key, _ in
      if case .scalar(let scalar) = key { return scalar.string == "won" || scalar.string == "lost" }
      return false
    }
  }

  /// `days: {won: DIST, lost: DIST}`: the stage's time when the opportunity advances (or, on the
  /// last stage, is won) and when it drops out (is lost); both are needed.
  func outcomeDays(_ node: Node, _ path: String) -> (won: Distribution, lost: Distribution)? {
    guard let pairs = reader.mapping(node, path, allowed: ["won", "lost"], required: ["won", "lost"]) else { return nil }
    var won: Distribution?
    var lost: Distribution?
    for (key, value) in pairs {
      if key == "won" { won = reader.distribution(value, join(path, key)) } else { lost = reader.distribution(value, join(path, key)) }
    }
    guard let won, let lost else { return nil }
    return (won, lost)
  }

  /// `stale: {probability, days}`: the chance an opportunity goes stale in the stage and how
  /// long it then holds its slot before it is lost.
  func stale(_ node: Node, _ path: String) -> Stale? {
    guard let pairs = reader.mapping(node, path, allowed: ["probability", "days"], required: ["probability", "days"]) else { return nil }
    var probability: Double?
    var days: Distribution?
    for (key, value) in pairs {
      let at = join(path, key)
      if key == "probability" {
        probability = reader.number(value, at, NumberRule(description: "a probability in [0, 1) (1 would leave no opportunity to decide)", accepts: { $0 >= 0 && $0 < 1 }))
      } else {
        days = reader.distribution(value, at)
      }
    }
    guard let probability, let days else { return nil }
    return Stale(probability: probability, days: days)
  }

  static let teamKeys = [
    "name", "kind", "reps", "slots_per_rep", "cost_per_rep_year", "overhead_cost_year", "new_hire_share",
    "new_hire_win_factor", "motion", "covers", "share", "offset", "overflow", "presales", "embedded", "solutions",
    "win_uplift", "deal_uplift", "engage_probability", "margin", "relationship_coverage", "esp_floor", "slots",
    "commission_rate", "industry_breadth_factor", "groups", "rep_win_factor",
  ] + peopleKeys + effortTeamKeys

  /// Team keys that make a team's reps people (docs/model.md, "People").
  static let peopleKeys = [
    "ramp", "ramp_applies_to", "tenure_months", "attrition_rate_year", "backfill_days", "handover_loss", "hires", "quota_per_rep_year",
    "cost_per_hire",
  ]

  /// Keys that only some kinds of team take.
  static func keysOnlyFor(_ key: String) -> [TeamKind]? {
    switch key {
    case "motion", "covers", "share", "offset", "overflow", "presales", "embedded":
      TeamKind.allCases.filter(\.ownsAccounts)
    case "solutions", "win_uplift", "deal_uplift": [.solution, .productGroup]
    case "engage_probability", "groups": [.productGroup]
    case "margin": [.partner]
    case "relationship_coverage": [.keyAccount]
    case "esp_floor", "rep_win_factor": TeamKind.allCases.filter(\.ownsAccounts)
    case _ where peopleKeys.contains(key) || effortTeamKeys.contains(key): TeamKind.allCases.filter(\.ownsAccounts)
    default: nil
    }
  }

  func team(_ node: Node, _ path: String) -> Team? {
    let hasGroups = { if case .mapping(let m) = node { m["groups"] != nil } else { false } }()
    guard let pairs = reader.mapping(node, path, allowed: Self.teamKeys, required: hasGroups ? ["name", "kind"] : ["name", "kind", "reps"]) else { return nil }
    var team = Team(name: "", kind: .regional, reps: 0)
    var complete = pairs.count >= (hasGroups ? 2 : 3)
    if let kindNode = pairs.first(where: { $0.key == "kind" })?.node {
      if let kind = reader.choice(kindNode, join(path, "kind"), as: TeamKind.self) { team.kind = kind } else { return nil }
    }
    var teamShare: Double?
    var teamOffset: Double?
    var coverNode: Node?
    for (key, value) in pairs {
      let at = join(path, key)
      if let kinds = Self.keysOnlyFor(key), !kinds.contains(team.kind) {
        reader.error(value, at, "a \(team.kind.rawValue) team has no \"\(key)\"; only \(kinds.map(\.rawValue).joined(separator: ", ")) teams do")
        continue
      }
      switch key {
      case "name": if let v = reader.string(value, at) { team.name = v } else { complete = false }
      case "kind": break
      case "reps": if let v = reader.integer(value, at, .atLeastOne) { team.reps = v } else { complete = false }
      case "slots_per_rep": reader.integer(value, at, .atLeastOne).map { team.slotsPerRep = $0 }
      case "slots": team.slots = reader.integer(value, at, .atLeastOne)
      case "commission_rate": reader.number(value, at, .probability).map { team.commissionRate = $0 }
      case "industry_breadth_factor": reader.number(value, at, .factor).map { team.industryBreadthFactor = $0 }
      case "groups": team.groups = specialistGroups(value, at)
      case "cost_per_rep_year": reader.number(value, at, .nonNegative).map { team.costPerRepYear = $0 }
      case "overhead_cost_year": reader.number(value, at, .nonNegative).map { team.overheadCostYear = $0 }
      case "new_hire_share": reader.number(value, at, .probability).map { team.newHireShare = $0 }
      case "new_hire_win_factor": reader.number(value, at, .factor).map { team.newHireWinFactor = $0 }
      case "motion": team.motion = reader.string(value, at)
      case "covers": coverNode = value
      case "share": teamShare = reader.number(value, at, .share)
      case "offset": teamOffset = reader.number(value, at, .offset)
      case "overflow": team.overflow = reader.string(value, at)
      case "presales": team.presales = reader.string(value, at)
      case "embedded": team.embedded = embedded(value, at)
      case "solutions": team.solutions = solutionSkills(value, at)
      case "win_uplift": reader.number(value, at, .factor).map { team.winUplift = $0 }
      case "deal_uplift": reader.number(value, at, .positive).map { team.dealUplift = $0 }
      case "engage_probability": reader.number(value, at, .probability).map { team.engageProbability = $0 }
      case "margin": reader.number(value, at, .probability).map { team.margin = $0 }
      case "relationship_coverage": team.relationshipCoverage = reader.distribution(value, at, domain: .unit)
      case "esp_floor": reader.number(value, at, .probability).map { team.espFloor = $0 }
      case "rep_win_factor":
        if let factor = reader.distribution(value, at) {
          if abs(factor.mean - 1) > 1e-4 {
            reader.error(value, at, "its mean is \(NumberText.shortest(factor.mean)); a rep's win factor is relative to the team's, so give a distribution of mean 1, such as {gamma: {shape: 10, mean: 1}}")
          } else {
            team.repWinFactor = factor
          }
        }
      case _ where Self.peopleKeys.contains(key): peopleKey(key, value, at, into: &team)
      default: break
      }
    }
    effortKeys(pairs.filter { Self.effortTeamKeys.contains($0.key) && Self.keysOnlyFor($0.key)?.contains(team.kind) != false }, path, into: &team)
    if team.people != nil {
      if let slots = pairs.first(where: { $0.key == "slots" })?.node {
        reader.error(slots, join(path, "slots"), "a team whose reps are people (\(Self.peopleKeys.filter { k in pairs.contains { $0.key == k } }.quotedList)) has slots per rep; give slots_per_rep instead of slots")
      }
      if let people = team.people, people.seats(reps: team.reps) > People.maximumSeats {
        reader.error(node, path, "reps and planned hires come to \(people.seats(reps: team.reps)) seats; a team whose reps are people has at most \(People.maximumSeats)")
      }
    }
    if let coverNode {
      team.covers = coverage(coverNode, join(path, "covers"), share: teamShare, offset: teamOffset)
    }
    if !team.groups.isEmpty {
      let reps = team.groups.reduce(0) { $0 + $1.reps }
      if pairs.contains(where: { $0.key == "reps" }), team.reps != reps {
        reader.error(node, join(path, "reps"), "the groups have \(reps) reps in all, not \(team.reps); leave out \"reps\" or make them agree")
      }
      team.reps = reps
      team.costPerRepYear = reps > 0 ? team.groups.reduce(0) { $0 + Double($1.reps) * $1.costPerRepYear } / Double(reps) : 0
      if !team.solutions.isEmpty { reader.error(node, join(path, "solutions"), "a product group with groups takes its solutions from them; give \"solutions\" in each group") }
      for key in ["slots_per_rep", "slots", "cost_per_rep_year"] where pairs.contains(where: { $0.key == key }) {
        reader.error(node, join(path, key), "a product group with groups takes \(key) from each group; give it there")
      }
      for g in team.groups.indices {
        for k in team.groups[g].solutions.indices {
          if team.groups[g].solutions[k].winUplift == nil { team.groups[g].solutions[k].winUplift = team.winUplift }
          if team.groups[g].solutions[k].dealUplift == nil { team.groups[g].solutions[k].dealUplift = team.dealUplift }
        }
      }
    }
    if !team.kind.ownsAccounts, team.solutionNames.isEmpty, complete {
      reader.error(node, path, "a \(team.kind.rawValue) team needs \"solutions\" (the solutions it specialises in)")
    }
    return complete && !team.name.isEmpty ? team : nil
  }

  /// One of the people keys (`ramp`, `tenure_months`, ...), into `team.people`.
  func peopleKey(_ key: String, _ value: Node, _ at: String, into team: inout Team) {
    var people = team.people ?? People()
    switch key {
    case "ramp":
      guard let items = reader.sequence(value, at) else { return }
      guard items.count <= People.maximumRampMonths else {
        return reader.error(value, at, "give at most \(People.maximumRampMonths) monthly productivities (after the last, a rep is fully productive), found \(items.count)")
      }
      let rule = NumberRule(description: "a productivity in [0, 1]") { $0 >= 0 && $0 <= 1 }
      let values = items.enumerated().compactMap { reader.number($1, "\(at)[\($0)]", rule) }
      guard values.count == items.count else { return }
      people.ramp = values
    case "ramp_applies_to":
      guard let words = reader.names(value, at) else { return }
      var effects = Set<RampEffect>()
      for word in words {
        guard let effect = RampEffect(rawValue: word) else {
          let options = RampEffect.allCases.map(\.rawValue)
          return reader.error(value, at, "unknown effect \"\(word)\"; \(Suggestion.didYouMean(word, among: options) ?? "expected \(options.quotedList)")")
        }
        effects.insert(effect)
      }
      people.rampAppliesTo = effects
    case "tenure_months": people.tenureMonths = reader.distribution(value, at)
    case "attrition_rate_year":
      let rule = NumberRule(description: "a rate from 0 to 12 leavers per rep-year") { $0 >= 0 && $0 <= 12 }
      reader.number(value, at, rule).map { people.attritionRateYear = $0 }
    case "backfill_days": reader.distribution(value, at).map { people.backfillDays = $0 }
    case "handover_loss": reader.number(value, at, .probability).map { people.handoverLoss = $0 }
    case "hires":
      guard let items = reader.sequence(value, at) else { return }
      people.hires = items.enumerated().compactMap { index, item in
        let itemPath = "\(at)[\(index)]"
        guard let pairs = reader.mapping(item, itemPath, allowed: ["day", "reps"], required: ["day", "reps"]) else { return nil }
        var hire = Hire(day: -1, reps: 0)
        for (k, v) in pairs {
          if k == "day" { reader.number(v, join(itemPath, k), .nonNegative).map { hire.day = $0 } } else { reader.integer(v, join(itemPath, k), .atLeastOne).map { hire.reps = $0 } }
        }
        return hire.day >= 0 && hire.reps > 0 ? hire : nil
      }
    case "cost_per_hire": reader.number(value, at, .nonNegative).map { people.costPerHire = $0 }
    default: reader.number(value, at, .positive).map { people.quotaPerRepYear = $0 }
    }
    team.people = people
  }

  /// `covers`: one selector mapping or a list of them, each with its own optional share and offset.
  func coverage(_ node: Node, _ path: String, share: Double?, offset: Double?) -> [Coverage] {
    let items: [(Node, String)]
    if case .sequence(let list) = node {
      items = list.enumerated().map { ($1, "\(path)[\($0)]") }
    } else {
      items = [(node, path)]
    }
    return items.compactMap { item, at in
      let known = ["segments", "region", "industry", "tier", "share", "offset", "accounts", "except", "area_share", "area_offset"]
      guard let pairs = reader.mapping(item, at, allowed: known + AccountsFile.attributeKeys(item, known: known)) else { return nil }
      var rule = Coverage(share: share ?? 1, offset: offset ?? 0)
      for (key, value) in pairs {
        let keyPath = join(at, key)
        switch key {
        case "segments": rule.segments = reader.names(value, keyPath)
        case "region": rule.regions = reader.names(value, keyPath)
        case "industry": rule.industries = reader.names(value, keyPath)
        case "tier":
          guard let words = reader.names(value, keyPath) else { continue }
          rule.tiers = words.compactMap { word in
            if let tier = Tier(rawValue: word) { return tier }
            let options = Tier.allCases.map(\.rawValue)
            reader.error(value, keyPath, "unknown tier \"\(word)\"; \(Suggestion.didYouMean(word, among: options) ?? "expected one of \(options.quotedList)")")
            return nil
          }
        case "share": reader.number(value, keyPath, .share).map { rule.share = $0 }
        case "offset": reader.number(value, keyPath, .offset).map { rule.offset = $0 }
        case "area_share": reader.number(value, keyPath, .share).map { rule.areaShare = $0 }
        case "area_offset": reader.number(value, keyPath, .offset).map { rule.areaOffset = $0 }
        case "accounts": rule.accounts.names = AccountsFile.names(value, keyPath, reader: reader)
        case "except": AccountsFile.names(value, keyPath, reader: reader).map { rule.accounts.excluded = $0 }
        default: reader.names(value, keyPath).map { rule.accounts.attributes.append((key, $0)) }
        }
      }
      if rule.offset + rule.share > 1 + 1e-9 {
        reader.error(item, at, "offset \(NumberText.shortest(rule.offset)) + share \(NumberText.shortest(rule.share)) goes past 1; a territory must lie within [0, 1)")
      }
      if rule.areaOffset + rule.areaShare > 1 + 1e-9 {
        reader.error(item, at, "area_offset \(NumberText.shortest(rule.areaOffset)) + area_share \(NumberText.shortest(rule.areaShare)) goes past 1; the ground must lie within the region")
      }
      if pairs.allSatisfy({ $0.key == "share" || $0.key == "offset" || $0.key.hasPrefix("area_") }) {
        reader.error(item, at, "give at least one of segments, region, industry or tier")
        return nil
      }
      return rule
    }
  }

  func embedded(_ node: Node, _ path: String) -> [EmbeddedSpecialism] {
    guard let items = reader.sequence(node, path) else { return [] }
    return items.enumerated().compactMap { index, item in
      let at = "\(path)[\(index)]"
      let keys = ["solution", "win_uplift", "deal_uplift", "specialists", "slots_per_specialist", "cost_per_specialist_year"]
      guard let pairs = reader.mapping(item, at, allowed: keys, required: ["solution"]) else { return nil }
      var skill = EmbeddedSpecialism(solution: "", winUplift: 1, dealUplift: 1)
      for (key, value) in pairs {
        switch key {
        case "solution": reader.string(value, join(at, key)).map { skill.solution = $0 }
        case "win_uplift": reader.number(value, join(at, key), .factor).map { skill.winUplift = $0 }
        case "specialists": skill.specialists = reader.integer(value, join(at, key), .nonNegative)
        case "slots_per_specialist": reader.integer(value, join(at, key), .atLeastOne).map { skill.slotsPerSpecialist = $0 }
        case "cost_per_specialist_year": reader.number(value, join(at, key), .nonNegative).map { skill.costPerSpecialistYear = $0 }
        default: reader.number(value, join(at, key), .positive).map { skill.dealUplift = $0 }
        }
      }
      return skill.solution.isEmpty ? nil : skill
    }
  }

  func pool(_ node: Node, _ path: String) -> PresalesPool? {
    let keys = [
      "name", "experts", "service_days", "policy", "patience_days", "no_presales_win_factor", "cost_per_expert_year",
      "served_win_factor", "coordinate", "handoff_win_factor",
    ]
    guard let pairs = reader.mapping(node, path, allowed: keys, required: ["name", "experts", "service_days"]) else { return nil }
    var pool = PresalesPool(name: "", experts: 0, serviceDays: .constant(0))
    var complete = pairs.count >= 3
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "name": if let v = reader.string(value, at) { pool.name = v } else { complete = false }
      case "experts": if let v = reader.integer(value, at, .atLeastOne) { pool.experts = v } else { complete = false }
      case "service_days": if let v = reader.distribution(value, at) { pool.serviceDays = v } else { complete = false }
      case "policy": reader.choice(value, at, as: PresalesPolicy.self).map { pool.policy = $0 }
      case "patience_days": pool.patienceDays = reader.number(value, at, .positive)
      case "no_presales_win_factor": reader.number(value, at, .factor).map { pool.noPresalesWinFactor = $0 }
      case "served_win_factor": reader.number(value, at, .factor).map { pool.servedWinFactor = $0 }
      case "coordinate": reader.boolean(value, at).map { pool.coordinate = $0 }
      case "handoff_win_factor": reader.number(value, at, .factor).map { pool.handoffWinFactor = $0 }
      default: reader.number(value, at, .nonNegative).map { pool.costPerExpertYear = $0 }
      }
    }
    return complete ? pool : nil
  }

  /// `solutions`: names, or mappings `{name, win_uplift, deal_uplift}` with uplifts of their own.
  func solutionSkills(_ node: Node, _ path: String) -> [SolutionSkill] {
    guard let items = reader.sequence(node, path) else { return [] }
    return items.enumerated().compactMap { index, item in
      // A named skill is addressed by its name, as `set` reaches it (teams.X.solutions.NAME.win_uplift).
      var at = "\(path)[\(index)]"
      if case .mapping(let mapping) = item, let nameNode = mapping["name"], case .scalar(let name) = nameNode, !name.string.isEmpty {
        at = "\(path).\(name.string)"
      }
      if case .scalar = item { return reader.string(item, at).map { SolutionSkill(name: $0) } }
      guard let pairs = reader.mapping(item, at, allowed: ["name", "win_uplift", "deal_uplift"], required: ["name"]) else { return nil }
      var skill = SolutionSkill(name: "")
      for (key, value) in pairs {
        switch key {
        case "name": reader.string(value, join(at, key)).map { skill.name = $0 }
        case "win_uplift": skill.winUplift = reader.number(value, join(at, key), .factor)
        default: skill.dealUplift = reader.number(value, join(at, key), .positive)
        }
      }
      return skill.name.isEmpty ? nil : skill
    }
  }

  /// A product group's `groups`: specialists keeping their own slots, cost and uplifts.
  func specialistGroups(_ node: Node, _ path: String) -> [SpecialistGroup] {
    namedList(node, path) { item, at -> SpecialistGroup? in
      let keys = ["name", "reps", "slots_per_rep", "slots", "cost_per_rep_year", "solutions", "win_uplift", "deal_uplift"]
      guard let pairs = reader.mapping(item, at, allowed: keys, required: ["name", "reps", "solutions"]) else { return nil }
      var group = SpecialistGroup(name: "", reps: 0)
      var win: Double?
      var deal: Double?
      var skills: [SolutionSkill] = []
      for (key, value) in pairs {
        let keyPath = join(at, key)
        switch key {
        case "name": reader.string(value, keyPath).map { group.name = $0 }
        case "reps": reader.integer(value, keyPath, .atLeastOne).map { group.reps = $0 }
        case "slots_per_rep": reader.integer(value, keyPath, .atLeastOne).map { group.slotsPerRep = $0 }
        case "slots": group.slots = reader.integer(value, keyPath, .atLeastOne)
        case "cost_per_rep_year": reader.number(value, keyPath, .nonNegative).map { group.costPerRepYear = $0 }
        case "solutions": skills = solutionSkills(value, keyPath)
        case "win_uplift": reader.number(value, keyPath, .factor).map { win = $0 }
        default: reader.number(value, keyPath, .positive).map { deal = $0 }
        }
      }
      // Uplifts left out here come from the team's win_uplift and deal_uplift (filled in by `team`).
      group.solutions = skills.map { SolutionSkill(name: $0.name, winUplift: $0.winUplift ?? win, dealUplift: $0.dealUplift ?? deal) }
      return group.name.isEmpty || group.reps == 0 || group.solutions.isEmpty ? nil : group
    }
  }

  /// `seasonality`: 12 monthly factors for arrivals, at least one positive (cccm normalises them
  /// to mean 1).
  func seasonality(_ node: Node, _ path: String) -> [Double]? {
    guard let items = reader.sequence(node, path) else { return nil }
    guard items.count == 12 else {
      reader.error(node, path, "give 12 monthly factors (month 1 is the month of day 0, or January with start_date), found \(items.count)")
      return nil
    }
    let factors = items.enumerated().compactMap { reader.number($1, "\(path)[\($0)]", .nonNegative) }
    guard factors.count == 12 else { return nil }
    guard factors.contains(where: { $0 > 0 }) else {
      reader.error(node, path, "at least one month needs a factor above 0")
      return nil
    }
    return factors
  }

  static let transitionKeys = [
    "effective_day", "handover_loss", "relationship_floor", "relationship_recovery_days", "one_off_cost", "cost_per_hire",
  ]

  /// `transition: none` (the variant is its own steady state), or `transition: {effective_day, ...}`
  /// (the loader gives it the organisation it starts from). Nil when the node is not valid.
  func transition(_ node: Node, _ path: String, former: Scenario) -> TransitionRequest? {
    if case .scalar(let scalar) = node {
      guard scalar.string == "none" else {
        reader.error(node, path, "give none (simulate the variant as its own steady state) or a mapping such as {effective_day: 90}")
        return nil
      }
      return .steadyState
    }
    guard let pairs = reader.mapping(node, path, allowed: Self.transitionKeys) else { return nil }
    var transition = Transition(former: former)
    var valid = true
    for (key, value) in pairs {
      let at = join(path, key)
      let rule: NumberRule = key == "handover_loss" || key == "relationship_floor" ? .probability : .nonNegative
      guard let number = reader.number(value, at, rule) else {
        valid = false
        continue
      }
      switch key {
      case "effective_day": transition.effectiveDay = number
      case "handover_loss": transition.handoverLoss = number
      case "relationship_floor": transition.relationshipFloor = number
      case "relationship_recovery_days": transition.relationshipRecoveryDays = number
      case "one_off_cost": transition.oneOffCost = number
      default: transition.costPerHire = number
      }
    }
    return valid ? .settings(transition) : nil
  }

  /// `quarter_end: {last_days, advance_factor, pull_days, pull_probability}`: the push (the first
  /// two), the pull (the last two), or both; each pair complete.
  func quarterEnd(_ node: Node, _ path: String) -> QuarterEnd? {
    let keys = ["last_days", "advance_factor", "pull_days", "pull_probability"]
    guard let pairs = reader.mapping(node, path, allowed: keys) else { return nil }
    let given = Set(pairs.map(\.key))
    var complete = true
    for (a, b) in [("last_days", "advance_factor"), ("pull_days", "pull_probability")] where given.contains(a) != given.contains(b) {
      let missing = given.contains(a) ? b : a
      reader.error(node, join(path, missing), "missing key \"\(missing)\"; \(a) and \(b) go together")
      complete = false
    }
    if given.isEmpty {
      reader.error(node, path, "expected the push {last_days, advance_factor}, the pull {pull_days, pull_probability}, or both")
      return nil
    }
    var push = QuarterEnd(lastDays: 0, advanceFactor: 1)
    push.hasPush = given.contains("last_days")
    let days = NumberRule(description: "a number of days from 0 to 90", accepts: { $0 >= 0 && $0 <= 90 })
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "last_days": if let v = reader.number(value, at, days) { push.lastDays = v } else { complete = false }
      case "advance_factor": if let v = reader.number(value, at, .factor) { push.advanceFactor = v } else { complete = false }
      case "pull_days": if let v = reader.number(value, at, days) { push.pullDays = v } else { complete = false }
      default: if let v = reader.number(value, at, .probability) { push.pullProbability = v } else { complete = false }
      }
    }
    return complete ? push : nil
  }

  /// `fit`: `[{team_kind, tier, win_factor, days_factor}]`, each pair at most once.
  func fit(_ node: Node) -> [FitRule]? {
    guard let items = reader.sequence(node, "fit") else { return nil }
    var rules: [FitRule] = []
    for (index, item) in items.enumerated() {
      let path = "fit[\(index)]"
      guard let pairs = reader.mapping(item, path, allowed: ["team_kind", "tier", "win_factor", "days_factor", "effort_factor"], required: ["team_kind", "tier"])
      else { continue }
      var kind: TeamKind?
      var tier: Tier?
      var win = 1.0
      var days = 1.0
      var effort = 1.0
      for (key, value) in pairs {
        let at = join(path, key)
        switch key {
        case "team_kind": kind = reader.choice(value, at, as: TeamKind.self)
        case "tier": tier = reader.choice(value, at, as: Tier.self)
        case "win_factor": reader.number(value, at, .factor).map { win = $0 }
        case "effort_factor": reader.number(value, at, .positive).map { effort = $0 }
        default: reader.number(value, at, .positive).map { days = $0 }
        }
      }
      guard let kind, let tier else { continue }
      if rules.contains(where: { $0.teamKind == kind && $0.tier == tier }) {
        reader.error(item, path, "a second rule for \(kind.rawValue) teams with \(tier.rawValue) customers; give each pair once")
        continue
      }
      var rule = FitRule(teamKind: kind, tier: tier, winFactor: win, daysFactor: days)
      rule.effortFactor = effort
      rules.append(rule)
    }
    return rules
  }

  func grades(_ node: Node) -> [Grade]? {
    let grades = namedList(node, "grades") { item, path -> Grade? in
      guard let pairs = reader.mapping(item, path, allowed: ["name", "min_deal_size"], required: ["name", "min_deal_size"]) else { return nil }
      var grade = Grade(name: "", minDealSize: -1)
      for (key, value) in pairs {
        if key == "name" { reader.string(value, join(path, key)).map { grade.name = $0 } } else {
          reader.number(value, join(path, key), .nonNegative).map { grade.minDealSize = $0 }
        }
      }
      return grade.name.isEmpty || grade.minDealSize < 0 ? nil : grade
    }
    guard !grades.isEmpty else {
      reader.error(node, "grades", "give at least one grade, e.g. [{name: A, min_deal_size: 0}]")
      return nil
    }
    for (earlier, later) in zip(grades, grades.dropFirst()) where later.minDealSize >= earlier.minDealSize {
      reader.error(node, "grades", "grades go from the highest down: \"\(later.name)\" (\(NumberText.shortest(later.minDealSize))) must have a smaller min_deal_size than \"\(earlier.name)\" (\(NumberText.shortest(earlier.minDealSize)))")
      return nil
    }
    return grades
  }

  func uncovered(_ node: Node) -> [UncoveredPart]? {
    guard let items = reader.sequence(node, "uncovered") else { return nil }
    return items.enumerated().compactMap { index, item in
      let path = "uncovered[\(index)]"
      guard let pairs = reader.mapping(item, path, allowed: ["segment", "share", "offset"], required: ["segment", "share"]) else { return nil }
      var part = UncoveredPart(segment: "", share: 0, offset: 0)
      for (key, value) in pairs {
        switch key {
        case "segment": reader.string(value, join(path, key)).map { part.segment = $0 }
        case "share": reader.number(value, join(path, key), .share).map { part.share = $0 }
        default: reader.number(value, join(path, key), .offset).map { part.offset = $0 }
        }
      }
      return part.segment.isEmpty || part.share == 0 ? nil : part
    }
  }
}

/// What a variant file's `transition` key asks for.
enum TransitionRequest {
  case steadyState
  case settings(Transition)
}
