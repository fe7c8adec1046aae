import CoverageModel
import Randomness
import Yams

/// What-if changes over named accounts (docs/what-if.md): `split_team ... by:` an attribute or
/// lists of names, and `move_accounts` of accounts chosen by name or attribute. They change only
/// who owns which accounts; reps, slots and cost follow the rules of the operations themselves.
extension ChangeApplier {
  /// The accounts team `team` owns in each segment with named accounts (segment index, ranks).
  func ownedAccounts(_ team: Int, in scenario: Scenario) -> [(segment: Int, ranks: [Int])] {
    scenario.segments.indices.compactMap { s in
      guard scenario.segments[s].accountList != nil else { return nil }
      let ranks = scenario.accountOwners(segment: s).filter { $0.owner == .team(team) }.map(\.rank)
      return ranks.isEmpty ? nil : (s, ranks)
    }
  }

  /// `split_team` with `by: {ATTRIBUTE: [[values of part 1], ...]}` or `by: {accounts: [[names],
  /// {file: FILE}, ...]}`: each part's coverage, and its share of the team's expected
  /// opportunities (the default share of reps and costs). Nil after reporting a problem.
  func accountSplit(_ c: ChangeContext, team index: Int, parts: Int, in scenario: Scenario) -> (covers: [[Coverage]], shares: [Double])? {
    let original = scenario.teams[index]
    let at = join(c.path, "by")
    guard let node = c.values["by"] else { return nil }
    guard case .mapping(let mapping) = node, mapping.count == 1, let (keyNode, listNode) = mapping.first, case .scalar(let keyScalar) = keyNode else {
      c.error("by", "expected one attribute and a list of values per part, such as {country: [[DE], [AT, CH]]}, or {accounts: [[names...], {file: part2.csv}]}")
      return nil
    }
    let attribute = keyScalar.string
    guard let items = c.reader.sequence(listNode, join(at, attribute)) else { return nil }
    guard items.count == parts else {
      c.error("by", "\(items.count) lists of \(attribute) for \(parts) parts; give one list per part, in the order of into")
      return nil
    }
    if let counted = scenario.segments.first(where: { segment in segment.accountList == nil && original.covers.contains { $0.matches(segment) } }) {
      c.error("by", "\"\(original.name)\" covers segment \"\(counted.name)\", which counts its accounts instead of listing them; split by share, or split its named accounts in a team of their own first")
      return nil
    }
    var groups: [[String]] = []
    for (p, item) in items.enumerated() {
      let path = "\(at).\(attribute)[\(p)]"
      guard let values = attribute == "accounts" ? AccountsFile.names(item, path, reader: c.reader) : c.reader.names(item, path) else { return nil }
      groups.append(values)
    }
    let owned = ownedAccounts(index, in: scenario)
    guard !owned.isEmpty else {
      c.error("team", "\"\(original.name)\" owns no named accounts to split by \(attribute)")
      return nil
    }
    // Every account the team owns goes to exactly one part.
    var weights = Array(repeating: 0.0, count: parts)
    var counts = Array(repeating: 0, count: parts)
    var known = Set<String>()
    for (s, ranks) in owned {
      let segment = scenario.segments[s]
      let list = segment.accountList!
      let rate = segment.arrivalsPerDay * 365
      let potentials = segment.accountPotentials()
      let total = potentials.reduce(0, +)
      for rank in ranks {
        let account = list.accounts[rank]
        let key = attribute == "accounts" ? account.name : account.value(attribute, in: segment)
        if let key { known.insert(key) }
        let holders = groups.indices.filter { p in key.map { groups[p].contains($0) } ?? false }
        guard holders.count == 1 else {
          let what = attribute == "accounts" ? "" : " (\(attribute) \(key.map { "\"\($0)\"" } ?? "empty"))"
          c.error("by", holders.isEmpty
            ? "account \"\(account.name)\"\(what) of \"\(original.name)\" is in no part; add \(attribute == "accounts" ? "it" : key.map { "\"\($0)\"" } ?? "a value") to one part's list"
            : "account \"\(account.name)\"\(what) is in parts \(holders.map { String($0 + 1) }.joined(separator: " and ")); give it to one")
          return nil
        }
        counts[holders[0]] += 1
        weights[holders[0]] += total > 0 ? rate * potentials[rank] / total : rate / Double(list.accounts.count)
      }
    }
    for (p, group) in groups.enumerated() {
      for value in group where !known.contains(value) {
        let hint = Suggestion.didYouMean(value, among: known.sorted()) ?? (attribute == "accounts" ? "name accounts it owns" : "its accounts have \(attribute) \(Array(known.sorted().prefix(12)).quotedList)")
        c.error("by", "part \(p + 1): \"\(original.name)\" owns no account \(attribute == "accounts" ? "named" : "with \(attribute)") \"\(value)\"; \(hint)")
        return nil
      }
      if counts[p] == 0 {
        c.error("by", "part \(p + 1) would own no account; give it a value its accounts have")
        return nil
      }
    }
    let covers: [[Coverage]] = groups.map { group in
      if attribute == "accounts" {
        return owned.map { s, ranks in
          var rule = Coverage(segments: [scenario.segments[s].name])
          rule.accounts.names = ranks.map { scenario.segments[s].accountList!.accounts[$0].name }.filter(group.contains)
          return rule
        }.filter { !($0.accounts.names ?? []).isEmpty }
      }
      return original.covers.map { rule in
        var part = rule
        switch attribute {
        case "region": part.regions = (rule.regions ?? group).filter(group.contains)
        case "industry": part.industries = (rule.industries ?? group).filter(group.contains)
        case "tier": part.tiers = (rule.tiers ?? Tier.allCases).filter { group.contains($0.rawValue) }
        default: part.accounts = rule.accounts.narrowed(attribute, to: group)
        }
        return part
      }
    }
    let total = weights.reduce(0, +)
    let shares = total > 0 ? weights.map { $0 / total } : counts.map { Double($0) / Double(counts.reduce(0, +)) }
    return (covers, shares)
  }

  /// The outcome of `move_accounts` over named accounts.
  enum NamedMove {
    /// Nothing named is selected: the operation moves ranges of counted segments.
    case notNamed
    case failed
    case moved(from: [Coverage], to: [Coverage], segments: [Int])
  }

  /// `move_accounts` of named accounts: those `from` owns that the selection takes (segments,
  /// region, industry, tier per account, any attribute, `accounts` by name), the smallest
  /// `share` of them. `from`'s rules leave them out (`except`); `to` names them.
  func namedMove(_ c: ChangeContext, from: Int, to: Int, share: Double, in scenario: Scenario) -> NamedMove {
    let attributeKeys = c.values.keys.filter { !(ChangeApplier.operations["move_accounts"] ?? []).contains($0) }.sorted()
    let bySelector = c.has("accounts") || !attributeKeys.isEmpty
    let owned = ownedAccounts(from, in: scenario)
    guard bySelector || !owned.isEmpty else { return .notNamed }
    var selector = Coverage()
    selector.segments = c.names("segments", required: false)
    selector.regions = c.names("region", required: false)
    selector.industries = c.names("industry", required: false)
    if let words = c.names("tier", required: false) { selector.tiers = words.compactMap(Tier.init(rawValue:)) }
    for key in attributeKeys {
      guard let values = c.names(key) else { return .failed }
      selector.accounts.attributes.append((key, values))
    }
    if c.has("accounts") {
      guard let names = c.values["accounts"].flatMap({ AccountsFile.names($0, join(c.path, "accounts"), reader: c.reader) }) else { return .failed }
      selector.accounts.names = names
    }
    if let counted = scenario.segments.first(where: { segment in
      segment.accountList == nil && !bySelector && selector.matches(segment) && scenario.teams[from].covers.contains { $0.matches(segment) }
    }) {
      c.error("", "\"\(scenario.teams[from].name)\" covers named and counted segments (\"\(counted.name)\"); move them in two changes, each with its segments")
      return .failed
    }
    var fromCovers = scenario.teams[from].covers
    var toCovers = scenario.teams[to].covers
    var moved: [Int] = []
    var found = Set<String>()
    for (s, ranks) in owned {
      let segment = scenario.segments[s]
      let list = segment.accountList!
      guard selector.segments.map({ $0.contains(segment.name) }) ?? true else { continue }
      let chosen = ranks.filter { selector.selects(list.accounts[$0], in: segment) }
      // As for counted segments, a share moves the last (smallest) of the selected accounts.
      let names = chosen.suffix(Int((share * Double(chosen.count)).rounded())).map { list.accounts[$0].name }
      found.formUnion(chosen.map { list.accounts[$0].name })
      guard !names.isEmpty else { continue }
      moved.append(s)
      for k in fromCovers.indices where fromCovers[k].matchesSegmentName(segment) {
        if fromCovers[k].accounts.names != nil {
          fromCovers[k].accounts.names?.removeAll(where: names.contains)
        } else {
          fromCovers[k].accounts.excluded += names.filter { !fromCovers[k].accounts.excluded.contains($0) }
        }
      }
      for k in toCovers.indices where toCovers[k].matchesSegmentName(segment) { toCovers[k].accounts.excluded.removeAll(where: names.contains) }
      var rule = Coverage(segments: [segment.name])
      rule.accounts.names = names
      toCovers.append(rule)
    }
    // A rule that named only the moved accounts is gone with them.
    fromCovers.removeAll { $0.accounts.names?.isEmpty == true }
    if let names = selector.accounts.names, let stranger = names.first(where: { !found.contains($0) }) {
      let owner = scenario.segments.indices.lazy.compactMap { s -> String? in
        guard let rank = scenario.segments[s].accountList?.accounts.firstIndex(where: { $0.name == stranger }) else { return nil }
        if case .team(let t)? = scenario.accountOwners(segment: s)[rank].owner { return scenario.teams[t].name }
        return "nobody"
      }.first
      c.error("accounts", "\"\(scenario.teams[from].name)\" does not own \"\(stranger)\"\(owner.map { " (\($0) does)" } ?? ", and no list has it"); name accounts it owns")
      return .failed
    }
    guard !moved.isEmpty else {
      c.error("", "\"\(scenario.teams[from].name)\" owns no named accounts matching this selection; check segments, the attributes and the names")
      return .failed
    }
    return .moved(from: fromCovers, to: toCovers, segments: moved)
  }
}
