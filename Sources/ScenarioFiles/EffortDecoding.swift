import CCCMSupport
import CoverageModel
import Yams
import Foundation

/// Decoding of the effort model's keys (docs/scenario-format.md, "Reps' time, travel and coverage").
extension ScenarioDecoder {
  /// Team keys that need `time` (they say how the team's hours are spent).
  static let effortTeamKeys = ["time", "rep_territories", "triage", "backlog_weeks", "coverage_visit_share"]

  /// `regions`: names, or `{name, area_km2}` for a region with ground (travel is computed from it).
  func regions(_ node: Node, into scenario: inout Scenario) {
    guard let items = reader.sequence(node, "regions") else { return }
    var names: [String] = []
    var areas: [String: Double] = [:]
    for (index, item) in items.enumerated() {
      let at = "regions[\(index)]"
      if case .scalar = item {
        reader.string(item, at).map { names.append($0) }
        continue
      }
      guard let pairs = reader.mapping(item, at, allowed: ["name", "area_km2"], required: ["name"]) else { continue }
      var name: String?
      var area: Double?
      for (key, value) in pairs {
        if key == "name" { name = reader.string(value, join(at, key)) } else { area = reader.number(value, join(at, key), .positive) }
      }
      guard let name else { continue }
      names.append(name)
      if let area { areas[name] = area }
    }
    scenario.regions = names
    scenario.regionAreas = areas
  }

  /// `travel: {speed_kmh, circuity}`.
  func travel(_ node: Node, _ path: String) -> Travel? {
    guard let pairs = reader.mapping(node, path, allowed: ["speed_kmh", "circuity"]) else { return nil }
    var travel = Travel()
    for (key, value) in pairs {
      if key == "speed_kmh" {
        reader.number(value, join(path, key), .positive).map { travel.speedKmh = $0 }
      } else {
        let rule = NumberRule(description: "a road-to-straight-line ratio from 1 to 3") { $0 >= 1 && $0 <= 3 }
        reader.number(value, join(path, key), rule).map { travel.circuity = $0 }
      }
    }
    return travel
  }

  /// A team's `time: {hours_per_week, selling_share, weeks_per_year}`.
  func workingTime(_ node: Node, _ path: String) -> WorkingTime? {
    guard let pairs = reader.mapping(node, path, allowed: ["hours_per_week", "selling_share", "weeks_per_year"]) else { return nil }
    var time = WorkingTime()
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "hours_per_week":
        let rule = NumberRule(description: "hours from 1 to 100 a week") { $0 >= 1 && $0 <= 100 }
        reader.number(value, at, rule).map { time.hoursPerWeek = $0 }
      case "selling_share": reader.number(value, at, .share).map { time.sellingShare = $0 }
      default:
        let rule = NumberRule(description: "weeks from 1 to 52 a year") { $0 >= 1 && $0 <= 52 }
        reader.number(value, at, rule).map { time.weeksPerYear = $0 }
      }
    }
    return time
  }

  /// The effort keys of a team (`time` and the keys that say how its hours are spent), into
  /// `team.time`; the others without `time` are an error saying to add it.
  func effortKeys(_ pairs: [(key: String, node: Node)], _ path: String, into team: inout Team) {
    guard let timeNode = pairs.first(where: { $0.key == "time" })?.node else {
      for (key, value) in pairs where Self.effortTeamKeys.contains(key) {
        reader.error(value, join(path, key), "\"\(key)\" says how reps spend their hours; give the team time: {hours_per_week: 40, selling_share: 0.6, weeks_per_year: 46} too")
      }
      return
    }
    guard var time = workingTime(timeNode, join(path, "time")) else { return }
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "rep_territories": reader.boolean(value, at).map { time.repTerritories = $0 }
      case "triage": reader.choice(value, at, as: Triage.self).map { time.triage = $0 }
      case "backlog_weeks": time.backlogWeeks = reader.number(value, at, .positive)
      case "coverage_visit_share": reader.number(value, at, .probability).map { time.coverageVisitShare = $0 }
      default: break
      }
    }
    team.time = time
  }

  /// A segment's `response: {elasticity, reference_hours_per_account_year, max_factor}`.
  func response(_ node: Node, _ path: String) -> DemandResponse? {
    let keys = ["elasticity", "reference_hours_per_account_year", "max_factor"]
    guard let pairs = reader.mapping(node, path, allowed: keys, required: ["reference_hours_per_account_year"]) else { return nil }
    var response = DemandResponse(referenceHoursPerAccountYear: 0)
    var valid = true
    for (key, value) in pairs {
      let at = join(path, key)
      switch key {
      case "elasticity":
        let rule = NumberRule(description: "an elasticity from 0 to 2") { $0 >= 0 && $0 <= 2 }
        if let v = reader.number(value, at, rule) { response.elasticity = v } else { valid = false }
      case "max_factor": if let v = reader.number(value, at, .atLeastOne) { response.maxFactor = v } else { valid = false }
      default: if let v = reader.number(value, at, .positive) { response.referenceHoursPerAccountYear = v } else { valid = false }
      }
    }
    return valid && response.referenceHoursPerAccountYear > 0 ? response : nil
  }
}

/// Writing the effort model's keys; a scenario that uses none of them is written as before.
extension ScenarioEncoder {
  /// `regions`: names, with `{name, area_km2}` for those that have ground.
  static func regions(_ s: Scenario) -> String {
    guard !s.regionAreas.isEmpty else { return list(s.regions) }
    return "[" + s.regions.map { name in
      s.regionAreas[name].map { flow([("name", text(name)), ("area_km2", NumberText.shortest($0))]) } ?? text(name)
    }.joined(separator: ", ") + "]"
  }

  /// The top-level effort keys that differ from their defaults.
  static func effortFields(_ s: Scenario) -> [String] {
    var out: [String] = []
    if s.travel != Travel() { out.append("travel: " + flow([("speed_kmh", NumberText.shortest(s.travel.speedKmh)), ("circuity", NumberText.shortest(s.travel.circuity))])) }
    if s.lateWinFactorPerWeek != 1 { out.append("late_win_factor_per_week: \(NumberText.shortest(s.lateWinFactorPerWeek))") }
    return out
  }

  static func responseField(_ r: DemandResponse) -> String {
    flow([("elasticity", NumberText.shortest(r.elasticity)), ("reference_hours_per_account_year", NumberText.shortest(r.referenceHoursPerAccountYear)), ("max_factor", NumberText.shortest(r.maxFactor))])
  }

  /// A team's `time` and the keys that say how its hours are spent.
  static func timeFields(_ time: WorkingTime) -> [(String, String)] {
    var fields = [("time", flow([("hours_per_week", NumberText.shortest(time.hoursPerWeek)), ("selling_share", NumberText.shortest(time.sellingShare)), ("weeks_per_year", NumberText.shortest(time.weeksPerYear))]))]
    if time.repTerritories { fields.append(("rep_territories", "true")) }
    if time.triage != .shared { fields.append(("triage", time.triage.rawValue)) }
    if let weeks = time.backlogWeeks { fields.append(("backlog_weeks", NumberText.shortest(weeks))) }
    if time.coverageVisitShare != 0 { fields.append(("coverage_visit_share", NumberText.shortest(time.coverageVisitShare))) }
    return fields
  }
}

/// What `diff` shows of the effort model: each team's hours, ground and travel per visit.
extension ScenarioDiff {
  /// A team with `time`: its reps' selling hours a year, its ground and a visit's travel.
  static func effortFields(_ team: Team, in s: Scenario) -> [(String, String)] {
    guard let time = team.time else { return [] }
    return [
      ("selling hours a year", NumberText.shortest((time.sellingHoursPerYear * Double(team.reps)).rounded())),
      ("ground (km2)", NumberText.shortest(s.ground(ofTeam: team).rounded())),
      ("rep ground (km2)", NumberText.shortest(s.repGround(ofTeam: team).rounded())),
      ("travel hours per visit", String(format: "%.2f", s.travelHoursPerVisit(team: team))),
    ]
  }

  /// Totals of the teams with `time` (none when no team has it, so v2 diffs read as before).
  static func effortTotals(_ s: Scenario) -> [(String, String)] {
    let timed = s.teams.filter { $0.time != nil }
    guard !timed.isEmpty else { return [] }
    let hours = timed.reduce(0) { $0 + ($1.time?.sellingHoursPerYear ?? 0) * Double($1.reps) }
    let ground = timed.reduce(0) { $0 + s.ground(ofTeam: $1) }
    return [("selling hours a year (teams with time)", NumberText.shortest(hours.rounded())), ("ground covered (km2, teams with time)", NumberText.shortest(ground.rounded()))]
  }
}

extension ChangeContext {
  /// The parts' `area_share` in a `split_team` (the share of the team's ground each part covers):
  /// nil when no part gives one (a split by size: every part keeps the whole ground); `.some(nil)`
  /// after an error.
  func areaShares(_ items: [Node]) -> [Double]?? {
    let values = items.enumerated().map { i, item in item.mapping?["area_share"].map { (i, $0) } }
    let given = values.compactMap { $0 }
    guard !given.isEmpty else { return .some(nil) }
    guard given.count == items.count else {
      error("into", "give area_share for every part or for none (none: a split by size, every part keeps the whole ground)")
      return nil
    }
    let shares = given.compactMap { i, node in reader.number(node, "\(path).into[\(i)].area_share", .share) }
    guard shares.count == items.count else { return nil }
    let total = shares.reduce(0, +)
    guard abs(total - 1) < 1e-9 else {
      error("into", "the parts' area_share add up to \(NumberText.shortest(total)); they must add up to 1")
      return nil
    }
    return .some(shares)
  }
}

extension ScenarioValidator {
  /// The effort model's cross-references: a segment's response needs the coverage hours of owners
  /// that have time; a team with time needs a motion whose stages ask for work or visits to spend
  /// hours on deals (else every hour goes to coverage, which is allowed).
  mutating func checkEffort() {
    for team in scenario.teams where team.time?.repTerritories == true && team.people != nil {
      error(
        "teams.\(team.name).rep_territories",
        "a team whose reps are people (ramp, attrition, hires) shares its accounts' work among the reps in post; remove rep_territories or the people keys")
    }
    for segment in scenario.segments where segment.response != nil {
      let owners = scenario.teams.filter { $0.kind.ownsAccounts && $0.covers.contains { $0.matches(segment) } }
      for owner in owners where owner.time == nil {
        error(
          "segments.\(segment.name).response",
          "the response follows the coverage hours its owners give, and \"\(owner.name)\" has no time; give the team time: {hours_per_week: 40, selling_share: 0.6, weeks_per_year: 46}, or remove the response")
      }
    }
  }
}
