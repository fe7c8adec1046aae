import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles

/// An opportunity of the export, its columns read and its joins applied.
public struct Opportunity: Sendable {
  public enum Stage: String, Sendable { case won, lost, open, notEngaged = "not engaged" }
  /// Row number in the export (the header is row 1).
  public var row: Int
  public var id: String
  public var owner: String
  /// The owner's team (from the owners join; the owner's own name without one).
  public var team: String
  public var region: String?
  public var account: String?
  public var industry: String?
  public var accountSize: Double?
  public var product: String?
  public var stage: Stage
  public var engaged: Day?
  public var closed: Day?
  public var amount: Double?

  /// The value of a segment grouping (team, region, industry, product); "unknown" when missing.
  public func group(_ key: String) -> String {
    let value: String? =
      switch key {
      case "team": team
      case "region": region
      case "industry": industry
      case "product": product
      default: nil
      }
    return value.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
  }
}

/// A CRM export read through a mapping: every row checked, joins applied.
public struct Export: Sendable {
  public var file: String
  public var opportunities: [Opportunity]
  /// Owners per team in the owners table (all of them, whether or not they have opportunities).
  public var teamOfOwner: [String: String] = [:]

  /// The most problems listed before the rest are counted.
  static let problemLimit = 20

  /// The largest amount read (10^15): sums and means of larger ones overflow to infinity.
  public static let largestAmount = 1e15

  public static func load(path: String, mapping: Mapping) throws(CalibrationError) -> Export {
    let table = try CSVTable.read(path)
    let owners = try mapping.owners.map { join throws(CalibrationError) in try JoinedTable.load(join, mapping: mapping, role: "owners") }
    let accounts = try mapping.accounts.map { join throws(CalibrationError) in try JoinedTable.load(join, mapping: mapping, role: "accounts") }
    return try read(table, mapping: mapping, owners: owners, accounts: accounts)
  }

  public static func read(_ table: CSVTable, mapping: Mapping, owners: JoinedTable? = nil, accounts: JoinedTable? = nil) throws(CalibrationError) -> Export {
    var index: [String: Int] = [:]
    for role in Mapping.columnRoles {
      guard let name = mapping.columns[role] else { continue }
      let asked = "\(mapping.columnLocations[role]?.description ?? mapping.file): opportunities.\(role)"
      index[role] = try table.column(name, askedBy: asked)
    }
    var problems: [String] = []
    var hidden = 0
    func problem(_ text: String) {
      if problems.count < problemLimit { problems.append(text) } else { hidden += 1 }
    }
    let stageValues = mapping.won.union(mapping.lost).union(mapping.open).union(mapping.notEngaged)
    var opportunities: [Opportunity] = []
    var firstRowOfID: [String: Int] = [:]
    opportunities.reserveCapacity(table.rows.count)
    for (r, row) in table.rows.enumerated() {
      if row.count == 1 && row[0].isEmpty { continue }
      func value(_ role: String) -> String? {
        guard let c = index[role] else { return nil }
        let text = row[c]
        return text.isEmpty ? nil : text
      }
      func at(_ role: String) -> String { table.cell(row: r, column: index[role] ?? 0) }
      let id = value("id") ?? ""
      if id.isEmpty { problem("\(at("id")): error: empty opportunity id; give every row an id") }
      if let first = firstRowOfID[id], !id.isEmpty {
        problem("\(at("id")): error: duplicate id \"\(Excerpt.sanitized(id))\" (first on row \(first + 2)); keep one row per opportunity")
      } else {
        firstRowOfID[id] = r
      }
      let stageText = value("stage") ?? ""
      let stage: Opportunity.Stage
      if mapping.won.contains(stageText) { stage = .won } else if mapping.lost.contains(stageText) { stage = .lost } else if mapping.open.contains(stageText) {
        stage = .open
      } else if mapping.notEngaged.contains(stageText) {
        stage = .notEngaged
      } else {
        let hint = Suggestion.didYouMean(stageText, among: stageValues).map { $0 + " " } ?? ""
        problem("\(at("stage")): error: unknown stage \"\(Excerpt.sanitized(stageText))\"; \(hint)add it to stages in \(mapping.file) (known: \(stageValues.sorted().joined(separator: ", ")))")
        continue
      }
      func date(_ role: String) -> Day? {
        guard let text = value(role) else { return nil }
        guard let day = parseDate(text, mapping.dateFormat) else {
          problem("\(at(role)): error: \"\(Excerpt.sanitized(text))\" is not a date \(mapping.dateFormat.rawValue); fix the cell or set date_format in \(mapping.file)")
          return nil
        }
        return day
      }
      let engaged = date("engaged")
      let closed = date("closed")
      var amount: Double?
      if let text = value("amount") {
        if let number = Double(text), number.isFinite, number >= 0, number <= Self.largestAmount { amount = number } else if let number = Double(text), number > Self.largestAmount {
          problem("\(at("amount")): error: \(Excerpt.sanitized(text)) is larger than any deal cccm fits (at most 10^15); correct the amount or drop the row")
        } else {
          problem("\(at("amount")): error: \"\(Excerpt.sanitized(text))\" is not an amount (a number of at least 0, without currency signs or thousands separators)")
        }
      }
      if stage != .notEngaged && engaged == nil && value("engaged") == nil {
        problem("\(at("engaged")): error: a \(stage.rawValue) opportunity without an engage date; give one, or list its stage under not_engaged")
      }
      if (stage == .won || stage == .lost) && closed == nil && value("closed") == nil {
        problem("\(at("closed")): error: a \(stage.rawValue) opportunity without a close date; give one")
      }
      if let engaged, let closed, closed < engaged, stage == .won || stage == .lost {
        problem("\(at("closed")): error: closed \(closed) before it was engaged (\(engaged)); fix one of the dates")
      }
      let owner = value("owner") ?? ""
      if owner.isEmpty { problem("\(at("owner")): error: empty owner; every opportunity needs its owner") }
      var opportunity = Opportunity(
        row: r + 2, id: id, owner: owner, team: owner, region: nil, account: value("account"), industry: nil, accountSize: nil,
        product: value("product"), stage: stage, engaged: engaged, closed: closed, amount: amount)
      if let owners, !owner.isEmpty {
        if let fields = owners.rows[owner] {
          opportunity.team = fields["team"] ?? owner
          opportunity.region = fields["region"]
        } else {
          problem("\(at("owner")): error: owner \"\(Excerpt.sanitized(owner))\" is not in \(owners.file) (column \(owners.key)); add a row for them")
        }
      }
      if let accounts, let account = opportunity.account {
        if let fields = accounts.rows[account] {
          opportunity.industry = fields["industry"]
          if let size = fields["size"] { opportunity.accountSize = Double(size) }
        } else {
          problem("\(at("account")): error: account \"\(Excerpt.sanitized(account))\" is not in \(accounts.file) (column \(accounts.key)); add a row for it")
        }
      }
      opportunities.append(opportunity)
    }
    if hidden > 0 { problems.append("\(table.file): error: and \(hidden) more problems like these") }
    guard problems.isEmpty else { throw .export(problems) }
    var export = Export(file: table.file, opportunities: opportunities)
    if let owners { export.teamOfOwner = owners.rows.mapValues { $0["team"] ?? "" } }
    return export
  }

  /// A date in the mapping's format, or nil.
  public static func parseDate(_ text: String, _ format: Mapping.DateFormat) -> Day? {
    let trimmed = text.split(separator: " ").first.map(String.init) ?? text  // a time after the date is ignored
    let parts = trimmed.split(separator: format == .iso ? "-" : "/", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3 else { return nil }
    let (y, m, d): (String, String, String) =
      switch format {
      case .iso: (parts[0], parts[1], parts[2])
      case .dayMonthYear: (parts[2], parts[1], parts[0])
      case .monthDayYear: (parts[2], parts[0], parts[1])
      }
    let pad = { (s: String) in s.count == 1 ? "0" + s : s }
    return CalendarDate("\(y)-\(pad(m))-\(pad(d))").map(Day.init)
  }
}

/// A table joined on a key column (owners -> team, region; accounts -> industry, size).
public struct JoinedTable: Sendable {
  public var file: String
  public var key: String
  /// Key value -> role -> value.
  public var rows: [String: [String: String]]

  public static func load(_ join: Mapping.Join, mapping: Mapping, role: String) throws(CalibrationError) -> JoinedTable {
    let path = mapping.resolve(join.file)
    let table: CSVTable
    do {
      table = try CSVTable.read(path, limit: CSVTable.maximumJoinedBytes, what: "a joined table", advice: "keep its key and mapped columns only")
    } catch .unreadable(let message) {
      throw .unreadable("\(message) (the \(role) join at \(join.location))")
    }
    let keyColumn = try table.column(join.key, askedBy: "\(join.location): \(role).key")
    var columns: [String: Int] = [:]
    for (field, name) in join.fields { columns[field] = try table.column(name, askedBy: "\(join.location): \(role).\(field)") }
    var rows: [String: [String: String]] = [:]
    var problems: [String] = []
    for (r, row) in table.rows.enumerated() where row.count == table.header.count {
      let key = row[keyColumn]
      if rows[key] != nil { problems.append("\(table.cell(row: r, column: keyColumn)): error: \"\(Excerpt.sanitized(key))\" appears twice; keep one row per \(join.key)") }
      rows[key] = columns.mapValues { row[$0] }
      if let c = columns["size"], !row[c].isEmpty, Double(row[c]) == nil {
        problems.append("\(table.cell(row: r, column: c)): error: \"\(Excerpt.sanitized(row[c]))\" is not a number")
      }
      if problems.count >= Export.problemLimit { break }
    }
    guard problems.isEmpty else { throw .export(problems) }
    return JoinedTable(file: path, key: join.key, rows: rows)
  }
}
