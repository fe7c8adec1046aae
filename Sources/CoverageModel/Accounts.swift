/// One named account of a segment (a row of its `accounts: {file: ...}` list).
public struct Account: Hashable, Sendable {
  public var name: String
  /// Its own values of the columns the list has beyond name, potential and area_share (region,
  /// industry, tier, owner, country, ...), by column name; an empty cell is absent.
  public var attributes: [String: String]
  /// Its size for the ranking (nil: the list has no potential column).
  public var potential: Double?
  /// The share of its region's ground it stands for (travel), if given.
  public var areaShare: Double?
  /// Its row in the file (1 is the header), for messages.
  public var row: Int

  public init(name: String, attributes: [String: String] = [:], potential: Double? = nil, areaShare: Double? = nil, row: Int = 0) {
    self.name = name
    self.attributes = attributes
    self.potential = potential
    self.areaShare = areaShare
    self.row = row
  }

  /// The account's value of an attribute: its own cell, else the segment's region, industry or
  /// tier for those three.
  public func value(_ attribute: String, in segment: Segment) -> String? {
    if let own = attributes[attribute] { return own }
    switch attribute {
    case "region": return segment.region
    case "industry": return segment.industry
    case "tier": return segment.tier.rawValue
    default: return nil
    }
  }
}

/// A segment's accounts as a list of names (MODEL §15): they replace the segment's count, and
/// with a potential column they are its ranking by size.
public struct AccountList: Hashable, Sendable {
  /// The file as the scenario names it (for messages), and its header's columns in order.
  public var file: String
  /// The file's path as read (so a command does not write over it).
  public var path = ""
  public var columns: [String]
  /// The accounts in rank order: by potential from the largest (ties in file order), or in file
  /// order when the list has no potential column.
  public var accounts: [Account]

  public init(file: String, columns: [String], accounts: [Account]) {
    self.file = file
    self.columns = columns
    self.accounts = accounts
  }

  /// Whether the accounts carry potentials (and so differ in size).
  public var hasPotential: Bool { columns.contains("potential") }

  /// The 1-based column of a name in the file (1 when the file has no such column).
  public func column(_ name: String) -> Int { (columns.firstIndex(of: name) ?? 0) + 1 }

  /// The reserved columns: everything else is an attribute.
  public static let reservedColumns = ["name", "potential", "area_share"]
  /// The columns a coverage rule selects with its own keys (region, industry, tier).
  public static let segmentColumns = ["region", "industry", "tier"]
}

/// Which named accounts a coverage rule takes beyond its segment selectors.
public struct AccountSelector: Hashable, Sendable {
  /// Attribute -> the values it takes (`country: [DE, AT]`), in the order written.
  public var attributes: [(key: String, values: [String])] = []
  /// Accounts by name (nil: any name).
  public var names: [String]?
  /// Accounts this rule no longer takes (moved away by a change).
  public var excluded: [String] = []

  public init(attributes: [(key: String, values: [String])] = [], names: [String]? = nil, excluded: [String] = []) {
    self.attributes = attributes
    self.names = names
    self.excluded = excluded
  }

  public var isEmpty: Bool { attributes.isEmpty && names == nil && excluded.isEmpty }

  public static func == (a: Self, b: Self) -> Bool {
    a.names == b.names && a.excluded == b.excluded && a.attributes.count == b.attributes.count
      && zip(a.attributes, b.attributes).allSatisfy { $0.key == $1.key && $0.values == $1.values }
  }
  public func hash(into hasher: inout Hasher) {
    for (key, values) in attributes {
      hasher.combine(key)
      hasher.combine(values)
    }
    hasher.combine(names)
    hasher.combine(excluded)
  }

  /// The values an attribute must take, or nil when the rule does not select by it.
  public func values(of attribute: String) -> [String]? { attributes.first { $0.key == attribute }?.values }

  /// The selector with `attribute` narrowed to `values` (intersected with what it takes already).
  public func narrowed(_ attribute: String, to values: [String]) -> AccountSelector {
    var copy = self
    if let index = copy.attributes.firstIndex(where: { $0.key == attribute }) {
      copy.attributes[index].values = copy.attributes[index].values.filter(values.contains)
    } else {
      copy.attributes.append((attribute, values))
    }
    return copy
  }
}

extension Coverage {
  /// Whether the rule takes a named account of a matching segment by its attributes and name
  /// (the rank range and the owner column are the caller's: `Scenario.accountOwners`).
  public func selects(_ account: Account, in segment: Segment) -> Bool {
    if let regions, !regions.contains(where: { $0 == account.value("region", in: segment) }) { return false }
    if let industries, !industries.contains(where: { $0 == account.value("industry", in: segment) }) { return false }
    if let tiers, !tiers.contains(where: { $0.rawValue == account.value("tier", in: segment) }) { return false }
    if let names = accounts.names, !names.contains(account.name) { return false }
    if accounts.excluded.contains(account.name) { return false }
    for (key, values) in accounts.attributes {
      guard let value = account.attributes[key], values.contains(value) else { return false }
    }
    return true
  }
}

/// Who covers a named account: its owner, or every team that claims it when not exactly one does.
public struct AccountOwnership: Hashable, Sendable {
  /// The account's rank in its segment.
  public var rank: Int
  public var owner: Owner?
  /// The teams whose rules take it (more than one: a conflict; none and not uncovered: a gap).
  public var claimants: [Int]
}

extension Scenario {
  /// The owner of each account of a named segment, in rank order. A rule takes an account of a
  /// segment it matches when the account lies in the rule's rank range and passes its selectors;
  /// a rule that does not name accounts also needs the account's `owner` cell to be empty or to
  /// name the rule's team (one of `Team.ownerNames`), so a file's owner column is the assignment
  /// the teams start from. `uncovered` parts take what no team takes in their range.
  public func accountOwners(segment index: Int) -> [AccountOwnership] {
    let segment = segments[index]
    guard let list = segment.accountList else { return [] }
    let n = Double(list.accounts.count)
    var rules: [(team: Int, rule: Coverage)] = []
    for (t, team) in teams.enumerated() where team.kind.ownsAccounts {
      for rule in team.covers where rule.matchesSegmentName(segment) { rules.append((t, rule)) }
    }
    let uncoveredParts = uncovered.filter { $0.segment == segment.name }
    return list.accounts.enumerated().map { rank, account in
      let position = Double(rank) / n
      var claimants: [Int] = []
      for (t, rule) in rules where !claimants.contains(t) {
        guard position >= rule.offset - 1e-12, position < rule.offset + rule.share - 1e-12, rule.selects(account, in: segment) else { continue }
        if rule.accounts.names == nil, let owner = account.attributes["owner"], !teams[t].ownerNames.contains(owner) { continue }
        claimants.append(t)
      }
      if claimants.count == 1 { return AccountOwnership(rank: rank, owner: .team(claimants[0]), claimants: claimants) }
      if claimants.isEmpty, uncoveredParts.contains(where: { position >= $0.offset - 1e-12 && position < $0.offset + $0.share - 1e-12 }) {
        return AccountOwnership(rank: rank, owner: .uncovered, claimants: [])
      }
      return AccountOwnership(rank: rank, owner: nil, claimants: claimants)
    }
  }

  /// The slices of a named segment: one per run of accounts with the same owner, at the positions
  /// rank / N the engine gives them (an account without exactly one owner is left out, which
  /// validation reports with its row).
  func namedTerritories(segment index: Int) -> [Territory] {
    let owners = accountOwners(segment: index)
    let n = Double(owners.count)
    var slices: [Territory] = []
    for entry in owners {
      guard let owner = entry.owner else { continue }
      let lower = Double(entry.rank) / n
      let upper = Double(entry.rank + 1) / n
      if let last = slices.last, last.owner == owner, last.upper == lower {
        slices[slices.count - 1].upper = upper
      } else {
        slices.append(Territory(lower: lower, upper: upper, owner: owner))
      }
    }
    return slices
  }
}

extension Coverage {
  /// Whether the `segments` selector admits the segment (the account-level selectors aside).
  public func matchesSegmentName(_ segment: Segment) -> Bool {
    if let segments, !segments.contains(segment.name) { return false }
    return true
  }

  /// Whether the rule selects by anything an account list carries.
  public var selectsAccounts: Bool { !accounts.isEmpty }
}

extension Team {
  /// The values of an account list's `owner` column that give an account to this team's rules:
  /// its own name, or the names it had before a split or merge renamed it.
  public var ownerNames: [String] { formerOwnerNames ?? [name] }
}

extension Scenario {
  /// The account team that works each deal of the starting pipeline, in file order (nil: none of
  /// that name). A deal whose `account` names an account of its segment's list follows the account
  /// to the one team that owns it, so in a variant that moves or splits the account's territory its
  /// open deals move with it; any other deal (an account not listed, or declared uncovered) stays
  /// with the team its `team` cell names.
  public func pipelineTeams() -> [Int?] {
    var owners: [String: [String: Int]] = [:]
    for (s, segment) in segments.enumerated() where segment.accountList != nil && pipeline.contains(where: { $0.segment == segment.name }) {
      guard let list = segment.accountList else { continue }
      var byName: [String: Int] = [:]
      for entry in accountOwners(segment: s) {
        if case .team(let t)? = entry.owner { byName[list.accounts[entry.rank].name] = t }
      }
      owners[segment.name] = byName
    }
    return pipeline.map { deal in
      if let team = owners[deal.segment]?[deal.account] { return team }
      return teams.firstIndex { $0.name == deal.team }
    }
  }
}
