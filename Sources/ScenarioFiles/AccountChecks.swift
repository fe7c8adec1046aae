import CCCMSupport
import CoverageModel
import Foundation

extension ScenarioValidator {
  /// The most problems reported per account list (a list of thousands with one wrong rule would
  /// otherwise print thousands of lines saying the same).
  static let accountProblemsPerList = 20

  mutating func error(in list: AccountList, row: Int, column: String, _ path: String, _ message: String) {
    diagnostics.append(Diagnostic(location: SourceLocation(file: list.file, line: row, column: list.column(column)), path: path, message: message))
  }

  /// Named accounts (MODEL §15): every account has exactly one owner or is declared uncovered, its
  /// region, industry and owner cells name what the scenario defines, each region's area shares add
  /// up to 1, and every attribute value and name a rule selects by exists.
  mutating func checkNamedAccounts() {
    let accountTeams = scenario.teams.filter(\.kind.ownsAccounts).map(\.name)
    var areas: [String: [(list: AccountList, account: Account)]] = [:]
    for (index, segment) in scenario.segments.enumerated() {
      guard let list = segment.accountList else { continue }
      let path = "segments.\(segment.name).accounts"
      var problems = 0
      for account in list.accounts {
        let at = "\(path).\(account.name)"
        if let region = account.attributes["region"], !scenario.regions.contains(region) {
          problems += 1
          error(in: list, row: account.row, column: "region", join(at, "region"), "no region \"\(region)\" in regions; \(Suggestion.didYouMean(region, among: scenario.regions) ?? "add it to regions")")
        }
        if let industry = account.attributes["industry"], !scenario.industries.contains(industry) {
          problems += 1
          error(in: list, row: account.row, column: "industry", join(at, "industry"), "no industry \"\(industry)\" in industries; \(Suggestion.didYouMean(industry, among: scenario.industries) ?? "add it to industries")")
        }
        if let owner = account.attributes["owner"], !scenario.teams.contains(where: { $0.kind.ownsAccounts && $0.ownerNames.contains(owner) }) {
          problems += 1
          error(in: list, row: account.row, column: "owner", join(at, "owner"), "no account team \"\(owner)\"; \(Suggestion.didYouMean(owner, among: accountTeams) ?? "account teams: \(accountTeams.joined(separator: ", "))")")
        }
        if let region = account.value("region", in: segment) { areas[region, default: []].append((list, account)) }
        if problems >= Self.accountProblemsPerList { break }
      }
      guard problems == 0 else { continue }
      checkOwners(segment: index, list: list)
    }
    for (region, accounts) in areas.sorted(by: { $0.key < $1.key }) {
      guard accounts.contains(where: { $0.account.areaShare != nil }) else { continue }
      if let missing = accounts.first(where: { $0.account.areaShare == nil }) {
        error(
          in: missing.list, row: missing.account.row, column: "area_share", "regions.\(region).area_share",
          "account \"\(missing.account.name)\" has no area_share but other accounts of region \"\(region)\" do; give every account of the region its share of the ground (or none)")
        continue
      }
      let total = accounts.reduce(0.0) { $0 + ($1.account.areaShare ?? 0) }
      if abs(total - 1) > 1e-3 {
        error(
          in: accounts[0].list, row: accounts[0].account.row, column: "area_share", "regions.\(region).area_share",
          "the area shares of region \"\(region)\" add up to \(NumberText.shortest((total * 1e4).rounded() / 1e4)) over \(accounts.count) accounts; they must add up to 1 (each account's share of the region's ground)")
      }
    }
    checkAccountSelectors()
  }

  /// Each account of a named segment has exactly one owner (or is declared uncovered).
  private mutating func checkOwners(segment index: Int, list: AccountList) {
    let segment = scenario.segments[index]
    let owners = scenario.accountOwners(segment: index)
    let rules = scenario.teams.enumerated().flatMap { t, team in team.kind.ownsAccounts ? team.covers.filter { $0.matchesSegmentName(segment) }.map { (t, $0) } : [] }
    var problems = 0
    for entry in owners.filter({ $0.owner == nil }).sorted(by: { list.accounts[$0.rank].row < list.accounts[$1.rank].row }) {
      let account = list.accounts[entry.rank]
      let at = "segments.\(segment.name).accounts.\(account.name)"
      problems += 1
      if problems > Self.accountProblemsPerList {
        let rest = owners.filter { $0.owner == nil }.count - Self.accountProblemsPerList
        error(in: list, row: account.row, column: "name", at, "and \(rest) more accounts without exactly one owner")
        break
      }
      if entry.claimants.count > 1 {
        let names = entry.claimants.map { scenario.teams[$0].name }
        error(
          in: list, row: account.row, column: "name", at,
          "account \"\(account.name)\" is covered by \(names.quotedList); every account needs exactly one owner: narrow a rule (by an attribute, accounts: [...] or share and offset) or set its owner column")
        continue
      }
      var hint = "cover it with a team (by segment, attribute or name) or declare it under uncovered"
      if let owner = account.attributes["owner"], let team = scenario.teams.first(where: { $0.ownerNames.contains(owner) }),
        !team.covers.contains(where: { $0.matchesSegmentName(segment) })
      {
        error(
          in: list, row: account.row, column: "owner", join(at, "owner"),
          "no team covers account \"\(account.name)\": its owner column names \"\(owner)\", which covers nothing in segment \"\(segment.name)\"; add covers: {segments: [\(segment.name)]} to \"\(team.name)\"")
        continue
      }
      // An attribute value that no rule names is most likely a misspelling of one that a rule does.
      var column = "name"
      for key in Set(rules.flatMap { $0.1.accounts.attributes.map(\.key) }).sorted() {
        guard let value = account.attributes[key] else { continue }
        let named = rules.flatMap { $0.1.accounts.values(of: key) ?? [] }.uniqued()
        guard !named.contains(value) else { continue }
        column = key
        let near = Suggestion.closest(value, among: named).map { " (a rule names \"\($0)\": a misspelling in the file or in the rule?)" } ?? " (rules name \(named.quotedList))"
        hint = "no rule names its \(key) \"\(value)\"\(near); name it in a rule or declare it under uncovered"
        break
      }
      error(in: list, row: account.row, column: column, column == "name" ? at : join(at, column), "no team covers account \"\(account.name)\"; \(hint)")
    }
  }

  /// A rule's attribute values and account names exist in the lists of the segments it matches.
  private mutating func checkAccountSelectors() {
    for team in scenario.teams where team.kind.ownsAccounts {
      for (index, rule) in team.covers.enumerated() where rule.selectsAccounts {
        let at = team.covers.count > 1 ? "teams.\(team.name).covers[\(index)]" : "teams.\(team.name).covers"
        let lists = scenario.segments.filter(rule.matchesSegmentName).compactMap { segment in segment.accountList.map { (segment, $0) } }
        guard !lists.isEmpty else {
          error(at, "selects accounts by attribute or name, but no segment it covers lists its accounts; give the segment accounts: {file: ...}")
          continue
        }
        for (key, values) in rule.accounts.attributes {
          let present = lists.flatMap { $0.1.accounts.compactMap { $0.attributes[key] } }.uniqued()
          guard lists.contains(where: { $0.1.columns.contains(key) }) else {
            let columns = lists.flatMap { $0.1.columns }.filter { !AccountList.reservedColumns.contains($0) }.uniqued()
            error(join(at, key), "no account list has a column \"\(key)\"; \(Suggestion.didYouMean(key, among: columns + ["segments", "region", "industry", "tier", "accounts"]) ?? "columns: \(columns.joined(separator: ", "))")")
            continue
          }
          for value in values where !present.contains(value) {
            error(join(at, key), "no account has \(key) \"\(value)\"; \(Suggestion.didYouMean(value, among: present) ?? "values: \(present.prefix(20).joined(separator: ", "))")")
          }
        }
        let known = Set(lists.flatMap { $0.1.accounts.map(\.name) })
        for name in (rule.accounts.names ?? []) + rule.accounts.excluded where !known.contains(name) {
          error(join(at, "accounts"), "no account \"\(name)\" in \(lists.map { $0.1.file }.quotedList); \(Suggestion.didYouMean(name, among: Array(known).sorted()) ?? "check the name")")
        }
      }
    }
  }
}
