import CCCMSupport
import CoverageModel

/// What changed between two scenarios, in the organisation's terms (`cccm diff`).
public struct ScenarioDiff: Sendable {
  public struct FieldChange: Sendable, Hashable {
    public var field: String
    public var old: String
    public var new: String
  }
  /// Named things (teams, pools) added, removed, or changed field by field.
  public struct EntityChanges: Sendable {
    public var added: [String] = []
    /// The fields of each added entity, as written.
    public var addedFields: [[FieldChange]] = []
    public var removed: [String] = []
    public var changed: [(name: String, changes: [FieldChange])] = []

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    init<Entity>(from old: [Entity], to new: [Entity], name: (Entity) -> String, fields: (Entity) -> [(String, String)]) {
      self.init(from: old, to: new, name: name, oldFields: fields, newFields: fields)
    }

    /// As above, with fields that depend on the scenario each entity belongs to (a team's ground).
    init<Entity>(
      from old: [Entity], to new: [Entity], name: (Entity) -> String, oldFields: (Entity) -> [(String, String)],
      newFields fields: (Entity) -> [(String, String)]
    ) {
      let oldNames = old.map(name)
      let newNames = new.map(name)
      added = newNames.filter { !oldNames.contains($0) }
      addedFields = new.filter { !oldNames.contains(name($0)) }.map { entity in
        fields(entity).dropFirst().map { FieldChange(field: $0.0, old: "", new: $0.1) }
      }
      removed = oldNames.filter { !newNames.contains($0) }
      for entity in new {
        guard let before = old.first(where: { name($0) == name(entity) }) else { continue }
        let changes = ScenarioDiff.fieldChanges(oldFields(before), fields(entity))
        if !changes.isEmpty { changed.append((name(entity), changes)) }
      }
    }

    /// `+ team X`, `- team Y`, `~ team Z` and its changed fields.
    func lines(_ kind: String) -> [String] {
      var lines: [String] = []
      for (name, fields) in zip(added, addedFields) {
        lines.append("+ \(kind) \(name)")
        for field in fields { lines.append("    \(field.field): \(field.new)") }
      }
      lines += removed.map { "- \(kind) \($0)" }
      for (name, changes) in changed {
        lines.append("~ \(kind) \(name)")
        for change in changes { lines.append("    \(change.field): \(change.old) -> \(change.new)") }
      }
      return lines
    }
  }

  public var teams: EntityChanges
  /// Segments added, removed or changed field by field (motion, potential, ...).
  public var segments: EntityChanges
  /// The organisation's totals (reps, slots, specialists and uplifts by solution, cost by part),
  /// before and after: every one, changed or not, so a change that should conserve shows it does.
  public var totals: [FieldChange] = []
  /// Per segment: who owned which accounts before and after, where that differs.
  public var coverageMoved: [(segment: String, old: String, new: String)] = []
  /// Account teams whose territory measures changed: each one's share of all accounts, expected
  /// opportunities and expected bookings, before and after (nil: the team is not there).
  public var work: [(team: String, old: String?, new: String?)] = []
  /// Named accounts that changed owner: segment, account, old owner, new owner.
  public var accountsMoved: [(segment: String, account: String, old: String, new: String)] = []
  public var pools: EntityChanges
  /// Other top-level keys and sections that differ (segments, motions, horizon, ...).
  public var otherChanges: [FieldChange] = []

  public var isEmpty: Bool {
    teams.isEmpty && segments.isEmpty && coverageMoved.isEmpty && accountsMoved.isEmpty && pools.isEmpty && otherChanges.isEmpty
  }

  public init(from a: Scenario, to b: Scenario) {
    teams = EntityChanges(
      from: a.teams, to: b.teams, name: \.name, oldFields: { Self.teamFields($0) + Self.effortFields($0, in: a) },
      newFields: { Self.teamFields($0) + Self.effortFields($0, in: b) })
    segments = EntityChanges(from: a.segments, to: b.segments, name: \.name, fields: ScenarioEncoder.segmentFields)
    let before = Totals(a)
    let after = Totals(b)
    totals = zip(before.lines, after.lines).map { FieldChange(field: $0.0, old: $0.1, new: $1.1) }
    pools = EntityChanges(from: a.pools, to: b.pools, name: \.name, fields: Self.poolFields)
    let oldOwners = Self.owners(a)
    let newOwners = Self.owners(b)
    for segment in b.segments {
      let old = oldOwners[segment.name] ?? "-"
      let new = newOwners[segment.name] ?? "-"
      if old != new { coverageMoved.append((segment.name, old, new)) }
    }
    (work, accountsMoved) = Self.territoryChanges(from: a, to: b)
    var other: [FieldChange] = []
    func compare(_ field: String, _ x: String, _ y: String) { if x != y { other.append(FieldChange(field: field, old: x, new: y)) } }
    compare("name", a.name, b.name)
    compare("horizon_days", NumberText.shortest(a.horizonDays), NumberText.shortest(b.horizonDays))
    compare("warmup_days", NumberText.shortest(a.warmupDays), NumberText.shortest(b.warmupDays))
    compare("grades", "\(a.grades.map(\.name))", "\(b.grades.map(\.name))")
    compare("gross_margin", NumberText.shortest(a.grossMargin), NumberText.shortest(b.grossMargin))
    compare("start_date", a.startDate.map(\.description) ?? "none", b.startDate.map(\.description) ?? "none")
    compare("seasonality", a.seasonality.map { "\($0.map(NumberText.shortest))" } ?? "none", b.seasonality.map { "\($0.map(NumberText.shortest))" } ?? "none")
    func quarterEnd(_ q: QuarterEnd?) -> String {
      guard let q else { return "none" }
      var parts: [String] = []
      if q.hasPush { parts.append("last \(NumberText.shortest(q.lastDays)) days x\(NumberText.shortest(q.advanceFactor))") }
      if let days = q.pullDays, let p = q.pullProbability { parts.append("pull \(NumberText.shortest(days)) days p \(NumberText.shortest(p))") }
      return parts.joined(separator: ", ")
    }
    compare("quarter_end", quarterEnd(a.quarterEnd), quarterEnd(b.quarterEnd))
    compare("arrival_dispersion", a.arrivalDispersion.map(NumberText.shortest) ?? "none", b.arrivalDispersion.map(NumberText.shortest) ?? "none")
    for kind in TeamKind.allCases {
      for tier in Tier.allCases {
        let x = ScenarioEncoder.fitFields(a.fit(teamKind: kind, tier: tier)).dropFirst(2).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        let y = ScenarioEncoder.fitFields(b.fit(teamKind: kind, tier: tier)).dropFirst(2).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        compare("fit \(kind.rawValue) x \(tier.rawValue)", x, y)
      }
    }
    func solutionFields(_ x: Solution) -> [(String, String)] {
      [("unsupported_win_factor", NumberText.shortest(x.unsupportedWinFactor)), ("gross_margin", x.grossMargin.map(NumberText.shortest) ?? "the scenario's")]
    }
    for solution in b.solutions {
      guard let before = a.solution(named: solution.name) else {
        compare("solutions.\(solution.name)", "(absent)", "added")
        continue
      }
      for change in Self.fieldChanges(solutionFields(before), solutionFields(solution)) {
        compare("solutions.\(solution.name).\(change.field)", change.old, change.new)
      }
    }
    func stageFields(_ m: Motion) -> [(String, String)] {
      m.stages.map { stage in
        var fields = [("days", ScenarioEncoder.distribution(stage.days)), ("advance", NumberText.shortest(stage.advance))]
        if let lost = stage.lostDays { fields.append(("lost days", ScenarioEncoder.distribution(lost))) }
        if let stale = stage.stale { fields.append(("stale", "\(NumberText.shortest(stale.probability)) for \(ScenarioEncoder.distribution(stale.days))")) }
        if let pool = stage.presales { fields.append(("presales", pool)) }
        if stage.specialist { fields.append(("specialist", "true")) }
        return (stage.name, ScenarioEncoder.flow(fields))
      }
    }
    for motion in b.motions {
      guard let before = a.motion(named: motion.name) else {
        compare("motions.\(motion.name)", "(absent)", "added: " + motion.stages.map(\.name).joined(separator: ", "))
        continue
      }
      for change in Self.fieldChanges(stageFields(before), stageFields(motion)) {
        compare("motions.\(motion.name).\(change.field)", change.old, change.new)
      }
    }
    if let transition = b.transition {
      // When the change happens and what it does to the reps (docs/model.md, "Transitions").
      compare("transition", "none", Self.describe(transition))
      let claims = transition.seatClaims(variant: b)
      var carried: [String: Int] = [:]
      for claim in claims {
        let taken = claim.takers.reduce(0) { $0 + $1.seats }
        for taker in claim.takers { carried[taker.team, default: 0] += taker.seats }
        let moves = claim.takers.filter { $0.team != claim.former || $0.seats != claim.seats }.map { "\($0.seats) to \($0.team)" }
        if !moves.isEmpty || taken < claim.seats {
          compare("transition reps of \(claim.former)", "\(claim.seats)", (moves + (taken < claim.seats ? ["\(claim.seats - taken) released"] : [])).joined(separator: ", "))
        }
      }
      for team in b.teams where team.kind.ownsAccounts {
        let hired = Transition.seats(team) - (carried[team.name] ?? 0)
        if hired > 0 { compare("transition hires in \(team.name)", "0", "\(hired) (tenure 0)") }
      }
    }
    otherChanges = other
  }

  /// `day 90 from "baseline": handover loss 10%, ...`.
  static func describe(_ t: Transition) -> String {
    var parts = ["on day \(NumberText.shortest(t.effectiveDay)) from \"\(t.former.scenario.name)\""]
    if t.handoverLoss > 0 { parts.append("handover_loss \(NumberText.shortest(t.handoverLoss))") }
    if t.relationshipFloor < 1 { parts.append("relationship_floor \(NumberText.shortest(t.relationshipFloor)) over \(NumberText.shortest(t.relationshipRecoveryDays)) days") }
    if t.oneOffCost > 0 { parts.append("one_off_cost \(NumberText.shortest(t.oneOffCost))") }
    if t.costPerHire > 0 { parts.append("cost_per_hire \(NumberText.shortest(t.costPerHire))") }
    return parts.joined(separator: ", ")
  }

  static func fieldChanges(_ old: [(String, String)], _ new: [(String, String)]) -> [FieldChange] {
    let oldMap = Dictionary(old, uniquingKeysWith: { a, _ in a })
    let newMap = Dictionary(new, uniquingKeysWith: { a, _ in a })
    var keys = new.map(\.0)
    for (key, _) in old where !keys.contains(key) { keys.append(key) }
    return keys.compactMap { key in
      let x = oldMap[key] ?? "(default)"
      let y = newMap[key] ?? "(default)"
      return x == y ? nil : FieldChange(field: key, old: x, new: y)
    }
  }

  /// A team's keys as written, and what they add up to: its slots and its yearly cost of people.
  static func teamFields(_ team: Team) -> [(String, String)] {
    ScenarioEncoder.teamFields(team) + [
      ("capacity (slots)", String(team.capacity)), ("people cost a year", NumberText.shortest(team.peopleCostYear.rounded())),
    ]
  }

  static func poolFields(_ pool: PresalesPool) -> [(String, String)] {
    [
      ("experts", String(pool.experts)), ("service_days", ScenarioEncoder.distribution(pool.serviceDays)),
      ("policy", pool.policy.rawValue), ("patience_days", pool.patienceDays.map(NumberText.shortest) ?? "none"),
      ("no_presales_win_factor", NumberText.shortest(pool.noPresalesWinFactor)),
      ("cost_per_expert_year", NumberText.shortest(pool.costPerExpertYear)),
      ("served_win_factor", NumberText.shortest(pool.servedWinFactor)), ("coordinate", pool.coordinate ? "true" : "false"),
      ("handoff_win_factor", NumberText.shortest(pool.handoffWinFactor)),
    ]
  }

  /// "North 100%" or "North 70%, Partners 30%" per segment.
  static func owners(_ s: Scenario) -> [String: String] {
    var result: [String: String] = [:]
    for (segment, slices) in zip(s.segments, s.territories()) {
      var shares: [(String, Double)] = []
      for slice in slices {
        let name: String =
          switch slice.owner {
          case .team(let index): s.teams[index].name
          case .uncovered: "(uncovered)"
          }
        if let i = shares.firstIndex(where: { $0.0 == name }) { shares[i].1 += slice.upper - slice.lower } else {
          shares.append((name, slice.upper - slice.lower))
        }
      }
      result[segment.name] = shares.map { "\($0.0) \(formatShare($0.1 * 100))%" }.joined(separator: ", ")
    }
    return result
  }

  /// The diff as text, one line per change.
  public var report: String {
    if isEmpty { return "no differences\n" }
    var lines: [String] = []
    lines += teams.lines("team")
    lines += segments.lines("segment")
    for (segment, old, new) in coverageMoved { lines.append("~ coverage of \(segment): \(old) -> \(new)") }
    for (segment, moved) in Dictionary(grouping: accountsMoved, by: \.segment).sorted(by: { $0.key < $1.key }) {
      let shown = moved.prefix(Self.accountsListed).map { "\($0.account) \($0.old) -> \($0.new)" }
      lines.append("~ accounts of \(segment): " + shown.joined(separator: ", ") + (moved.count > shown.count ? " and \(moved.count - shown.count) more" : ""))
    }
    if !work.isEmpty {
      lines.append("work (share of all accounts, expected opportunities and bookings a year, before capacity and support):")
      for (team, old, new) in work {
        switch (old, new) {
        case (nil, let new?): lines.append("  + \(team): \(new)")
        case (let old?, nil): lines.append("  - \(team): \(old)")
        case (let old?, let new?): lines.append("  ~ \(team): \(old) -> \(new)")
        default: break
        }
      }
    }
    lines += pools.lines("pool")
    for change in otherChanges { lines.append("~ \(change.field): \(change.old) -> \(change.new)") }
    lines.append("totals:")
    for total in totals {
      lines.append(total.old == total.new ? "  = \(total.field): \(total.new)" : "  ~ \(total.field): \(total.old) -> \(total.new)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension ScenarioDiff {
  /// The most accounts `diff` names per segment that changed owner.
  static let accountsListed = 20

  /// The work lines of account teams whose measures changed, and the named accounts that changed
  /// owner (where both scenarios list the segment's accounts alike).
  static func territoryChanges(from a: Scenario, to b: Scenario) -> ([(team: String, old: String?, new: String?)], [(segment: String, account: String, old: String, new: String)]) {
    let before = a.territoryMeasures()
    let after = b.territoryMeasures()
    func describe(_ m: TerritoryMeasure, in all: [TerritoryMeasure]) -> String {
      func share(_ value: Double, _ total: Double) -> String { total > 0 ? String(format: "%.1f%%", 100 * value / total) : "-" }
      let accounts = all.reduce(0) { $0 + $1.accounts }
      let opportunities = all.reduce(0) { $0 + $1.opportunities }
      let bookings = all.reduce(0) { $0 + $1.bookings }
      return "accounts \(NumberText.shortest(m.accounts.rounded())) (\(share(m.accounts, accounts))), opportunities \(String(format: "%.1f", m.opportunities)) (\(share(m.opportunities, opportunities))), bookings \(NumberText.shortest(m.bookings.rounded())) (\(share(m.bookings, bookings)))"
    }
    var work: [(String, String?, String?)] = []
    for m in after {
      let old = before.first { $0.team == m.team }
      let same = old.map { abs($0.accounts - m.accounts) < 1e-9 && abs($0.opportunities - m.opportunities) <= 1e-9 * max(1, m.opportunities) && abs($0.bookings - m.bookings) <= 1e-9 * max(1, m.bookings) } ?? false
      guard !same else { continue }
      var text = describe(m, in: after)
      // A split part: its share of the team it came from.
      if old == nil, let origins = b.origins[m.team], origins.count == 1, let parent = before.first(where: { $0.team == origins[0].team }) {
        func share(_ x: Double, _ y: Double) -> String { y > 0 ? String(format: "%.1f%%", 100 * x / y) : "-" }
        text += "; of \(parent.team)'s: accounts \(share(m.accounts, parent.accounts)), opportunities \(share(m.opportunities, parent.opportunities)), bookings \(share(m.bookings, parent.bookings))"
      }
      work.append((m.team, old.map { describe($0, in: before) }, text))
    }
    for m in before where !after.contains(where: { $0.team == m.team }) { work.append((m.team, describe(m, in: before), nil)) }
    var moved: [(String, String, String, String)] = []
    for (s, segment) in b.segments.enumerated() {
      guard let list = segment.accountList, let t = a.segments.firstIndex(where: { $0.name == segment.name }), a.segments[t].accountList == list else { continue }
      let old = a.accountOwners(segment: t)
      let new = b.accountOwners(segment: s)
      func name(_ owner: Owner?, _ scenario: Scenario) -> String {
        switch owner {
        case .team(let i)?: scenario.teams[i].name
        case .uncovered?: "(uncovered)"
        case nil: "(none)"
        }
      }
      for (x, y) in zip(old, new) {
        let (p, q) = (name(x.owner, a), name(y.owner, b))
        if p != q { moved.append((segment.name, list.accounts[y.rank].name, p, q)) }
      }
    }
    return (work, moved)
  }
}

/// What a scenario's organisation adds up to, as the lines `diff` prints under "totals".
struct Totals {
  var lines: [(String, String)] = []

  init(_ s: Scenario) {
    let accountTeams = s.teams.filter(\.kind.ownsAccounts)
    let specialistTeams = s.teams.filter { !$0.kind.ownsAccounts }
    func sum(_ values: [Int]) -> String { String(values.reduce(0, +)) }
    func money(_ value: Double) -> String { NumberText.shortest(value.rounded()) }
    lines.append(("account reps", sum(accountTeams.map(\.reps))))
    lines.append(("account slots", sum(accountTeams.map(\.capacity))))
    lines.append(("specialist reps (overlay)", sum(specialistTeams.map(\.reps))))
    if accountTeams.contains(where: { $0.people != nil }) {
      lines.append(("planned hires (reps)", sum(accountTeams.map { $0.people?.hires.reduce(0) { $0 + $1.reps } ?? 0 })))
    }
    for solution in s.solutions.map(\.name) {
      var overlay = 0
      var overlaySlots = 0
      var uplifts: [String] = []
      for team in specialistTeams {
        for group in team.specialistGroups where group.solutions.contains(where: { $0.name == solution }) {
          overlay += group.reps
          overlaySlots += group.capacity
          if let skill = group.solutions.first(where: { $0.name == solution }) {
            uplifts.append("win x\(NumberText.shortest(skill.winUplift ?? team.winUplift)) deal x\(NumberText.shortest(skill.dealUplift ?? team.dealUplift))")
          }
        }
      }
      var embedded = 0
      var embeddedSlots = 0
      for team in accountTeams {
        for entry in team.embedded where entry.solution == solution {
          embedded += entry.specialists ?? 0
          embeddedSlots += entry.capacity ?? 0
          uplifts.append("win x\(NumberText.shortest(entry.winUplift)) deal x\(NumberText.shortest(entry.dealUplift))\(entry.specialists == nil ? " (no capacity)" : "")")
        }
      }
      lines.append(("\(solution) specialists", "\(overlay + embedded) (overlay \(overlay), embedded \(embedded))"))
      lines.append(("\(solution) specialist slots", "\(overlaySlots + embeddedSlots) (overlay \(overlaySlots), embedded \(embeddedSlots))"))
      lines.append(("\(solution) uplifts", uplifts.uniqued().joined(separator: "; ").isEmpty ? "none" : uplifts.uniqued().joined(separator: "; ")))
    }
    let people = s.teams.reduce(0) { $0 + $1.peopleCostYear }
    let overhead = s.teams.reduce(0) { $0 + $1.overheadCostYear }
    let experts = s.pools.reduce(0) { $0 + Double($1.experts) * $1.costPerExpertYear }
    lines.append(("presales experts", sum(s.pools.map(\.experts))))
    lines.append(("cost a year: people", money(people)))
    lines.append(("cost a year: overhead", money(overhead)))
    lines.append(("cost a year: presales experts", money(experts)))
    lines.append(("cost a year: fixed in all", money(people + overhead + experts)))
    // Commission rates by the reps they apply to (a split or merge keeps these).
    var repsByRate: [(Double, Int)] = []
    for team in s.teams where team.commissionRate != 0 {
      if let k = repsByRate.firstIndex(where: { $0.0 == team.commissionRate }) { repsByRate[k].1 += team.reps } else {
        repsByRate.append((team.commissionRate, team.reps))
      }
    }
    let commissions = repsByRate.sorted { $0.0 > $1.0 }.map { "\(NumberText.shortest($0.0 * 100))% on \($0.1) reps" }
    lines.append(("commission rates", commissions.isEmpty ? "none" : commissions.joined(separator: ", ")))
    let margins = s.teams.filter { $0.kind == .partner }.map { "\($0.name) \(NumberText.shortest($0.margin * 100))%" }
    lines.append(("partner margins", margins.isEmpty ? "none" : margins.joined(separator: ", ")))
    lines += ScenarioDiff.effortTotals(s)
  }
}
